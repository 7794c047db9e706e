"""The standing: the one judged state of an objective, derived from its records, never stored.

A verdict depends on the whole history (the baseline may be the first model, the best is the
best so far, diminishing returns count models since the last real gain), so it is never kept on a record. The
:class:`Judge` folds the records of an objective, in the order they were first recorded, into
:class:`Row` s (one per record, with its verdict and findings), a :class:`Summary` and the
model to ship (:class:`Ship`); the :class:`Standing` is that value. Views never read it: they
render the view model :mod:`nbalign.judge.wire` makes of it.

The best and the model to ship
    The best is the best *candidate*: with a baseline model, the baseline model while no model
    scores above it. The model to ship is the simplest candidate shown not worse than the best
    by min_gain. Both are decided here once; progress, the KPI and the value, the banner, the plot and
    the recommendation speak of them.

Which records are judged
    Only records of the objective's metric (same scikit-learn scorer). Records of another metric,
    from an earlier version of the objective, stay in the standing as ``other_metric`` rows:
    shown apart, never in best, progress or banners. So do models scored on the data they were
    fitted on (``training_data``, NBA204), on another test set than the baseline's
    (``other_test_set``, NBA203) and cross-validations (``cross_validation``): see :class:`Aside`.
    A score on a slice of the test set (``few_rows``, NBA201) is compared, but set apart too.

Records of earlier versions with the same metric
    are judged together with the current version's, under the current version's rules
    (baseline, target, ``stop``): a new version re-judges the whole history. The baseline
    record that counts is the one the current version names (its latest score).

Verdicts with confidence
    Against the best before it (with a baseline model, ``auto`` or a named one: the baseline
    model, until a model scores above it), a model is *better* (a real gain: its paired interval,
    at ``stop.confidence``, lies at or above ``min_gain``), *better, not shown by min_gain* (above
    0, but reaching below min_gain), *not distinguishable* (the interval holds 0) or *worse* (the
    interval lies below 0); *worse than baseline* only when significantly worse than the baseline.
    The same interval says whether the model was shown to gain less than ``min_gain`` (its upper
    end under it: evidence that returns diminish) or cannot tell (``Facts.evidence``). The tests
    are :mod:`nbalign.comparison`'s, on the predictions kept in the store. Where none can be made
    (no predictions kept, another test set) the same words follow the point values and ``min_gain``.

Cost
    Judging is a left fold, so a record appended at the end is judged in constant time, and a
    record updated in place re-judges only the records after it. Only a change of the baseline
    value or of the resolved ``min_gain`` (which depends on it) re-judges everything. The fold
    runs no paired test: what a model's test against the best before it shows (a real gain, short
    of min_gain, undecided: ``Facts.evidence``) and the run of models short of min_gain
    (``Facts.stalled``, walked back at most ``patience`` models) are worked out when a view first
    asks for that row, as are its intervals and the simplest adequate model; each test runs once
    (remembered in the store).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from ..business import row_view, terms_of
from ..checks import (
    CHECKS,
    Finding,
    aside_findings,
    most_important,
    objective_findings,
    progress_findings,
)
from ..comparison import Comparisons
from ..evaluation import Evaluation
from ..metrics import Metric, metric_label, same_metric
from ..objective import Objective
from ..stats import Difference
from ..tasks import Labels
from .candidates import Candidates
from .claim import BestClaim
from .facts import (
    VERDICTS,
    Aside,
    Facts,
    ObjectiveFacts,
    is_few_rows,
    progress_to_target,
    resolve_min_gain,
)
from .outlook import Outlook


@dataclass(frozen=True)
class Row:
    """One record as judged in the standing."""

    id: int
    name: str
    estimator: str
    role: str
    version: int
    metric: str
    metric_label: str
    score: float
    preset: str | None = None  # the verdict of a row that is not judged (baseline, other metric)
    best_before: float | None = None
    best_before_name: str | None = None
    change_vs_best: float | None = None
    change_vs_baseline: float | None = None
    progress: float | None = None
    became_best: bool = False  # strictly better than every candidate before it (the baseline model included)
    # the best candidate's score once this row is judged: the "best so far" line every view draws
    best_so_far: float | None = None
    complexity: dict | None = field(default=None, compare=False)  # what the model costs (the record's)
    facts: Facts | None = field(default=None, repr=False)  # what the checks are run on
    # (objective, the record's business figures, the terms' key): what `business` is made from
    figures: tuple | None = field(default=None, repr=False, compare=False)
    aside: Aside | None = field(default=None, repr=False)  # why it is shown apart, when it is
    cell_id: str | None = None  # the notebook cell that produced it, when known

    @cached_property
    def business(self) -> dict | None:
        """Its projected KPI and business value as text (:func:`nbalign.business.row_view`), under
        current terms: made when a view first shows the row, not for every row of a history."""
        return None if self.figures is None else row_view(*self.figures)

    @property
    def interval(self) -> tuple[float, float] | None:
        """The score's own interval, from its test against the baseline: the baseline's score
        plus the difference's ends (what a chart draws as the error bar), within the metric's
        range (an AUC's never reads past 1)."""
        tested, facts = self.vs_baseline, self.facts
        if tested is None or facts is None or facts.baseline is None:
            return None
        lowest, highest = facts.metric.bounds
        return (min(max(facts.baseline + tested.low, lowest), highest),
                min(max(facts.baseline + tested.high, lowest), highest))

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """The checks that apply, run when first asked: a history of 10,000 rows is judged in
        full, but only the rows a view shows need their messages."""
        if self.facts is None:
            return () if self.aside is None else aside_findings(self.aside)
        return progress_findings(self.facts)

    @property
    def verdict(self) -> str:
        """One of :data:`VERDICTS`; a model's is decided when first asked (it may run a test)."""
        if self.preset:
            return self.preset
        assert self.facts is not None  # a row without a preset verdict is a model's, judged
        return self.facts.verdict

    @property
    def vs_best(self) -> Difference | None:
        return None if self.facts is None else self.facts.vs_best

    @property
    def vs_baseline(self) -> Difference | None:
        return None if self.facts is None else self.facts.vs_baseline

    @property
    def tone(self) -> str:
        return VERDICTS[self.verdict][1]

    @property
    def word(self) -> str:
        return VERDICTS[self.verdict][0]

    @property
    def judged(self) -> bool:
        return self.verdict != "other_metric"

    @property
    def banner(self) -> Finding | None:
        return most_important(self.findings)

@dataclass(frozen=True)
class Summary:
    """Where the objective stands as a whole: the sidebar's headline."""

    baseline: float | None
    target: float | None
    min_gain: float
    best: Row | None
    progress: float | None
    n_models: int
    banner: Finding | None
    confidence: float = 0.95
    models_compared: int = 0  # models scored on the best's test set: how many comparisons chose it
    baseline_id: int | None = None  # the record of the baseline model that counts, if it is one
    claim: BestClaim | None = field(default=None, repr=False, compare=False)
    business: Outlook | None = field(default=None, repr=False, compare=False)

    @property
    def best_vs_baseline(self) -> Difference | None:
        """The best against the baseline, its interval widened for the number of models compared."""
        return None if self.claim is None else self.claim.difference

    @property
    def progress_interval(self) -> tuple[float, float] | None:
        """Progress of the best to the target, as an interval (from :attr:`best_vs_baseline`)."""
        claim = self.claim
        if (claim is None or claim.difference is None or self.progress is None
                or self.target is None or self.baseline is None):
            return None  # no progress to measure (no target, or one the baseline already meets)
        span = self.target - self.baseline
        ends = sorted((claim.difference.low / span + 0.0, claim.difference.high / span + 0.0))
        return ends[0], ends[1]


@dataclass(frozen=True)
class Ship:
    """The model to ship, and why: the one decision the banner, the recommendation, the plot and
    the sidebar all name.

    ``why`` is ``baseline`` (no model scores above the baseline model), ``simplest`` (the simplest
    model shown not worse than the best by min_gain), ``beats_simpler`` (the best, with a real gain
    over every simpler model), ``undecided`` (the best; the test rows cannot tell whether a
    simpler model does as well), ``simpler_below_baseline`` (the best, and every simpler model
    scores below the baseline: no candidate) or ``simplest_compared`` (the best, and no simpler
    model was compared with it).
    """

    record: Evaluation
    facts: Facts | None = field(default=None, repr=False, compare=False)  # the best's, as of now
    why: str = "beats_simpler"

    @property
    def reason(self) -> str:
        """Why this model, in words that follow its name."""
        best = None if self.facts is None else self.facts.best
        if self.why == "baseline":
            return "the baseline model, as no model scores above it"
        if self.why == "simplest":
            assert best is not None  # said of the best's facts
            return f"the simplest model shown not worse than {best.name} by min_gain"
        if self.why == "undecided":
            simpler = None if self.facts is None else self.facts.undecided
            assert simpler is not None  # said when there is one
            return (f"the best model so far; whether the simpler {simpler.name} does as well, these test "
                    "rows cannot tell")
        if self.why == "simplest_compared":
            return "the best model, and no simpler model has been compared with it"
        if self.why == "simpler_below_baseline":
            return "the best model; every simpler model scores below the baseline"
        return "the best model, with a real gain over every simpler one"


@dataclass(frozen=True)
class Standing:
    """The judged state of one objective: every row, the summary, and the objective itself."""

    objective: Objective
    rows: tuple[Row, ...]
    summary: Summary
    findings: tuple[Finding, ...] = ()  # about the objective and its data (NBA1xx)
    comparisons: Comparisons | None = field(default=None, repr=False, compare=False)
    baseline_record: Evaluation | None = field(default=None, repr=False, compare=False)
    labels: Labels | None = field(default=None, repr=False, compare=False)
    ship: Ship | None = field(default=None, repr=False, compare=False)

    @property
    def recommended(self) -> Evaluation | None:
        """The model to ship now (see :class:`Ship`); None while there is no candidate."""
        return None if self.ship is None else self.ship.record

    def outlook(self, record: Evaluation) -> Outlook | None:
        """What ``record``'s model is projected to do for the business (None without terms)."""
        if self.objective.value is None and self.objective.action is None:
            return None
        return Outlook(self.objective, record, self.comparisons, self.labels)

    def row(self, id: int) -> Row:
        """The row of a record (recent ones are found first)."""
        return next(r for r in reversed(self.rows) if r.id == id)

    @property
    def metric(self) -> Metric:
        return self.objective.metric


@dataclass(frozen=True)
class _Fold:
    """The judge's running state after one record."""

    best: int | None = None  # position of the best model so far
    facts: Facts | None = None  # the latest model's facts: the chain returns diminish are counted on
    last_judged: int | None = None  # position of the latest record of the metric
    models: int = 0  # models of the metric judged so far


class Judge:
    """Judges the records of one objective version incrementally.

    ``comparisons`` runs the paired tests (:class:`~nbalign.comparison.Comparisons`); without
    it every verdict follows the point values and ``min_gain``.

    Examples
    --------
    >>> from nbalign.objective import parse_objective
    >>> judge = Judge(parse_objective("metric: auc\\ntarget: 0.9\\nbaseline: 0.7"))
    >>> judge.put([Evaluation("objective", 1, "lr", "LogisticRegression", {}, "auc", 0.8, id=1)])
    >>> standing = judge.standing()
    >>> round(standing.summary.progress, 2), standing.summary.best.name
    (0.5, 'lr')
    """

    def __init__(self, objective: Objective, records: Sequence[Evaluation] = (),
                 comparisons: Comparisons | None = None):
        self.objective = objective
        self.metric = objective.metric
        self.comparisons = comparisons
        self._records: list[Evaluation] = []
        self._ids: list[int] = []
        self._rows: list[Row] = []
        self._folds: list[_Fold] = []
        # Positions of the models judged so far (not few-row ones), by test set: how many
        # comparisons each test set has seen, and who the best competed with.
        self._by_test_set: dict[str | None, list[int]] = {}
        # The models one could ship, by test set and its rows (nbalign.judge.candidates).
        self._candidates: dict[tuple, Candidates] = {}
        self._positions: dict[str, int] = {}  # record key -> id, to find a record without a scan
        self._first_model: int | None = None  # id of the first model of the metric
        self._baseline_records: dict[int, Evaluation] = {}
        # A stated baseline is known before any record: the objective's checks (NBA104, NBA107)
        # judge the target against it from the moment the objective is declared.
        self._baseline: float | None = objective.baseline.value if objective.baseline.kind == "number" else None
        self._baseline_record: Evaluation | None = None
        self._min_gain: float = resolve_min_gain(objective, self._baseline, None)
        self._largest_rows = 0  # the objective's largest test set, in rows
        self.labels: Labels | None = None  # the test labels, once seen (for the objective's checks)
        self._standing: Standing | None = None
        terms = terms_of(objective)
        self._terms_key = None if terms is None else terms.key()  # what records' business figures must match
        if records:
            self.put(records)

    def see_labels(self, labels: Labels) -> None:
        """The test labels, counted: the objective's checks run again with them, and so does the
        judging (a score that is a share of the true cases has its exact interval from them)."""
        if labels != self.labels:
            self.labels = labels
            self._judge_from(0)

    # ------------------------------------------------------------------ input

    def put(self, records) -> None:
        """Add records, or replace those with the same id; re-judge only what they change."""
        earliest = len(self._records)
        for record in records:
            if record.id is None:
                raise ValueError("a record needs an id (its order) to be judged")
            at = bisect.bisect_left(self._ids, record.id)
            if at < len(self._ids) and self._ids[at] == record.id:
                old, self._records[at] = self._records[at], record
                if at < len(self._rows) and old.key == record.key and _judged(old) == _judged(record):
                    # evaluated again, judged alike (a cell run again): nothing after it changes
                    self._rows[at] = replace(self._rows[at], cell_id=record.cell_id)
                    self._note(record, record.id)
                    continue
            else:
                self._ids.insert(at, record.id)
                self._records.insert(at, record)
            earliest = min(earliest, at)
            self._positions[record.key] = record.id
            self._note(record, record.id)
        baseline, baseline_record = self._baseline_of()
        first = self._first_model_record()
        min_gain = resolve_min_gain(self.objective, baseline, None if first is None else first.score)
        largest = max([self._largest_rows] + [r.n_rows for r in records if r.n_rows is not None
                                              and same_metric(r.metric, self.metric)])
        known = (self._baseline, _judged(self._baseline_record), self._min_gain, self._largest_rows)
        self._baseline_record = baseline_record  # the latest of it (judged alike, or judged anew below)
        if (baseline, _judged(baseline_record), min_gain, largest) != known:
            self._baseline, self._baseline_record = baseline, baseline_record
            self._min_gain, self._largest_rows = min_gain, largest
            earliest = 0
        self._judge_from(earliest)

    def records(self) -> list[Evaluation]:
        return list(self._records)

    def find(self, key: str) -> Evaluation | None:
        """The record with this identity (see :attr:`Evaluation.key`), if judged here."""
        id_ = self._positions.get(key)
        if id_ is None:
            return None
        at = bisect.bisect_left(self._ids, id_)
        return self._records[at] if at < len(self._ids) and self._ids[at] == id_ else None

    def _note(self, record: Evaluation, record_id: int) -> None:
        if not same_metric(record.metric, self.metric):
            return
        if record.role == "baseline":
            self._baseline_records[record_id] = record
        elif record.kind in ("train", "cv"):
            return  # never the first model: scored on the data it learned, or cross-validated
        elif self._first_model is None or record_id < self._first_model:
            self._first_model = record_id

    def _baseline_of(self) -> tuple[float | None, Evaluation | None]:
        """The number every model is measured against (None while unknown), and its record."""
        baseline = self.objective.baseline
        if baseline.kind == "number":
            return baseline.value, None
        if baseline.kind == "first":
            first = self._first_model_record()
            return (None, None) if first is None else (first.score, first)
        # "model" / "auto": the baseline this version names, scored most recently. Baseline
        # records of earlier versions (another baseline model) stay in the history but do not count.
        # An "auto" baseline is the linear model; stores from before it (and data it could not
        # be fitted on) have only the constant one, which then counts.
        labels = (baseline.label, "constant baseline") if baseline.kind == "auto" else (baseline.label,)
        named = [r for r in self._baseline_records.values() if r.name in labels]
        if not named:
            return None, None
        latest = max(named, key=lambda r: (r.objective_version, r.name == baseline.label, r.id))
        return latest.score, latest

    def _first_model_record(self) -> Evaluation | None:
        if self._first_model is None:
            return None
        return self._records[bisect.bisect_left(self._ids, self._first_model)]

    # ------------------------------------------------------------------ the fold

    def _judge_from(self, start: int) -> None:
        if start < len(self._rows):  # a record updated or inserted before the end: forget what follows
            for positions in self._by_test_set.values():
                del positions[bisect.bisect_left(positions, start):]
            for candidates in self._candidates.values():
                candidates.forget_from(start)
        if start == 0:  # the baseline may have changed: candidates below it are set aside anew
            self._candidates = {}
        del self._rows[start:], self._folds[start:]
        fold = self._folds[-1] if self._folds else _Fold()
        for position in range(start, len(self._records)):
            row, fold = self._judge_one(position, fold)
            self._rows.append(row)
            self._folds.append(fold)
        self._standing = None

    def _judge_one(self, position: int, fold: _Fold) -> tuple[Row, _Fold]:
        record = self._records[position]
        metric, baseline = self.metric, self._baseline
        common: dict[str, Any] = {
            "id": record.id, "name": record.name, "estimator": record.estimator, "role": record.role,
            "version": record.objective_version, "metric": record.metric,
            "metric_label": metric_label(record.metric), "score": record.score,
            "complexity": record.complexity, "cell_id": record.cell_id,
            "figures": None if record.business is None else (self.objective, record.business, self._terms_key)}
        if not same_metric(record.metric, metric):
            return Row(**common, preset="other_metric"), fold
        change_vs_baseline = None if baseline is None else record.score - baseline
        progress = progress_to_target(record.score, baseline, self.objective.target, metric.sign)
        aside = self._aside(record)
        if aside is not None:
            return Row(**common, preset=aside.verdict, aside=aside), fold
        if record.role == "baseline":
            baseline_model = self._baseline_model()
            if baseline_model is not None and record.key == baseline_model.key:
                # the baseline model is a model one could ship: a candidate when returns diminish
                self._candidates_of(record).add(position)
            best_now = self._reference(None if fold.best is None else self._records[fold.best])
            row = Row(**common, preset="baseline", change_vs_baseline=change_vs_baseline, progress=progress,
                      best_so_far=None if best_now is None else best_now.score)
            return row, _Fold(fold.best, fold.facts, position, fold.models)

        best_model = None if fold.best is None else self._records[fold.best]
        best_before = self._reference(best_model)  # the best candidate so far: a model, or the baseline model
        gain = None if best_before is None else metric.improvement(record.score, best_before.score)
        few_rows = is_few_rows(record.n_rows, self._largest_rows)
        became_best = (best_before is None or metric.improvement(record.score, best_before.score) > 0) and not few_rows
        best = position if became_best else fold.best
        same_test_set = self._by_test_set.setdefault(record.data_fingerprint, [])
        candidates = self._candidates_of(record)
        if not few_rows:  # a model to ship is one measured on enough rows
            same_test_set.append(position)
            candidates.add(position)
        best_now = self._reference(None if best is None else self._records[best])
        facts = Facts(self.objective, metric, record, baseline, self._baseline_record, best_before, gain,
                      best_now, self._min_gain, self.objective.stop.patience, few_rows, len(same_test_set),
                      self.comparisons, candidates, position, self.labels, previous=fold.facts)
        row = Row(
            **common,
            best_before=None if best_before is None else best_before.score,
            best_before_name=None if best_before is None else best_before.name,
            change_vs_best=None if best_before is None else record.score - best_before.score,
            change_vs_baseline=change_vs_baseline,
            progress=progress,
            became_best=became_best,
            best_so_far=None if few_rows or best_now is None else best_now.score,
            facts=facts,
        )
        return row, _Fold(best, facts, position, fold.models + 1)

    def _candidates_of(self, record: Evaluation) -> Candidates:
        """The candidates of the record's test set (a test set is its data and its rows)."""
        where = (record.data_fingerprint, record.n_rows)
        if where not in self._candidates:
            self._candidates[where] = Candidates(self._records, self.metric, self._baseline)
        return self._candidates[where]

    def _aside(self, record: Evaluation) -> Aside | None:
        """Set apart a model scored on its training data, or on a test set other than the one the
        models are compared on (the baseline's; the first model's without a baseline model). A
        slice of the test set is not set apart: it is compared, but never the best (NBA201)."""
        if record.role != "model":
            return None
        if record.kind == "cv":
            return Aside("cross_validation", record, self.metric)
        if record.kind == "train":
            return Aside("training_data", record, self.metric)
        reference = self._baseline_record or self._first_model_record()
        if (reference is None or reference.key == record.key or record.data_fingerprint is None
                or reference.data_fingerprint in (None, record.data_fingerprint)
                or is_few_rows(record.n_rows, self._largest_rows)):
            return None
        return Aside("other_test_set", record, self.metric, reference.n_rows)

    def _baseline_model(self) -> Evaluation | None:
        """The baseline when it is a fitted model (``auto``, ``model``): the first thing to beat."""
        return self._baseline_record if self.objective.baseline.kind in ("auto", "model") else None

    def _reference(self, best_model: Evaluation | None) -> Evaluation | None:
        """What a model is measured against: the best model so far, or the baseline model while
        no model scores above it (a model that does not really beat the baseline is no gain)."""
        floor = self._baseline_model()
        if floor is None:
            return best_model
        if best_model is None or self.metric.improvement(best_model.score, floor.score) < 0:
            return floor
        return best_model

    # ------------------------------------------------------------------ output

    def standing(self) -> Standing:
        """The current standing (computed once per change)."""
        if self._standing is None:
            self._standing = self._make_standing()
        return self._standing

    def _make_standing(self) -> Standing:
        fold = self._folds[-1] if self._folds else _Fold()
        best = self._best_row(fold)
        ship = self._ship(best)
        baseline_model = self._baseline_model()
        target = self.objective.target
        claim, compared = None, 0
        if best is not None:
            at = bisect.bisect_left(self._ids, best.id)
            positions = self._by_test_set.get(self._records[at].data_fingerprint, [])
            compared = len(positions) - self._is_judged_as_model(self._baseline_record, positions)
            if best.facts is not None:  # a model: its lead over the baseline, chosen among `compared`
                claim = BestClaim(best.facts, compared)
        summary = Summary(
            baseline=self._baseline,
            target=target,
            min_gain=self._min_gain,
            best=best,
            progress=None if best is None else progress_to_target(best.score, self._baseline, target, self.metric.sign),
            n_models=fold.models,
            baseline_id=None if baseline_model is None else baseline_model.id,
            banner=self._headline(best, fold, ship),
            confidence=self.objective.stop.confidence,
            models_compared=compared,
            claim=claim,
            business=self._outlook(ship),
        )
        import datetime

        facts = ObjectiveFacts(self.objective, datetime.date.today(), self._baseline, self._baseline_record,
                               self.labels, self.comparisons, self._latest_pair(fold, best), self._min_gain)
        return Standing(self.objective, tuple(self._rows), summary, objective_findings(facts), self.comparisons,
                        self._baseline_model(), self.labels, ship)

    def _is_judged_as_model(self, record: Evaluation | None, positions: list[int]) -> bool:
        """The record is among the models at ``positions`` (the baseline model of `baseline: first`
        is the first model: no comparison with itself counts in the best's family)."""
        if record is None or record.id is None:
            return False
        at = bisect.bisect_left(self._ids, record.id)
        found = bisect.bisect_left(positions, at)
        return found < len(positions) and positions[found] == at

    def _latest_pair(self, fold: _Fold, best: Row | None) -> Difference | None:
        """The latest paired comparison of two models on the test set (the latest model against
        the best before it, else the best against the baseline model): the spread that says which
        gains these test rows can detect (NBA107)."""
        latest = None if fold.last_judged is None else self._rows[fold.last_judged].facts
        if latest is not None and not latest.few_rows and latest.vs_best is not None:
            return latest.vs_best
        if best is not None and best.facts is not None and best.facts.baseline_record is not None:
            return best.facts.vs_baseline
        return None

    def _best_row(self, fold: _Fold) -> Row | None:
        """The best candidate: the best model, or the baseline model while no model scores above it."""
        best = self._reference(None if fold.best is None else self._records[fold.best])
        return None if best is None or best.id is None else self._rows[bisect.bisect_left(self._ids, best.id)]

    def _outlook(self, ship: Ship | None) -> Outlook | None:
        """The business outlook of the model to ship (what the recommendation and the story speak
        of), or of the baseline model before there is one."""
        if self.objective.value is None and self.objective.action is None:
            return None
        record = ship.record if ship is not None else self._baseline_record
        if record is None:
            return None
        return Outlook(self.objective, record, self.comparisons, self.labels)

    def _ship(self, best: Row | None) -> Ship | None:
        """The model to ship now, decided once for every view (see :class:`Ship`)."""
        if best is None:
            return None
        if best.facts is None:  # the baseline model: no model scores above it
            return Ship(self._records[bisect.bisect_left(self._ids, best.id)], best.facts, "baseline")
        final = self._as_of_now(best.facts)
        record = final.simplest_adequate
        assert record is not None  # the best's facts name a best
        if record.key != best.facts.evaluation.key:
            return Ship(record, final, "simplest")
        if final.undecided is not None:
            return Ship(record, final, "undecided")
        # The candidates are kept simplest first: those before the best are the simpler ones. A
        # simpler model below the baseline is never a candidate (the best's lead over it is untested).
        simpler = beaten = False
        assert final.candidates is not None  # a model's facts name its candidates
        for _, at in final.candidates.ranked:
            candidate = self._records[at]
            if candidate.key == record.key:
                break
            simpler = True
            if (final.baseline is None or candidate.role != "model"
                    or self.metric.improvement(candidate.score, final.baseline) >= 0):
                beaten = True
                break
        return Ship(record, final, "beats_simpler" if beaten else "simpler_below_baseline" if simpler
                    else "simplest_compared")

    def _as_of_now(self, facts: Facts) -> Facts:
        """A model's facts with the whole history as candidates: what it is compared with today."""
        compared = len(self._by_test_set.get(facts.evaluation.data_fingerprint, ()))
        return replace(facts, position=len(self._records) - 1, models_on_test_set=max(compared, 1))

    def _headline(self, best: Row | None, fold: _Fold, ship: Ship | None) -> Finding | None:
        """Once the best model meets the target that is the news (naming the model to ship);
        else the latest finding."""
        facts = None if ship is None else ship.facts  # the best's facts, as of now
        if best is not None and facts is not None:
            message = CHECKS["NBA305"].function(facts)  # that check alone: the others are the rows'
            if message is not None:
                return Finding("NBA305", message)
        return None if fold.last_judged is None else self._rows[fold.last_judged].banner


def _judged(record: Evaluation | None) -> tuple | None:
    """What the judge reads of a record: two records alike here are judged alike (the time and the
    cell it was made in are not judged)."""
    if record is None:
        return None
    return (record.key, record.score, record.n_rows, record.data_fingerprint, record.role, record.kind,
            record.metric, record.objective_version, record.complexity, record.business)
