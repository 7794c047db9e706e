"""The standing: the one judged state of an objective, derived from its records, never stored.

A verdict depends on the whole history (the baseline may be the first model, the best is the
best so far, diminishing returns count models in a row), so it is never kept on a record. The
:class:`Judge` folds the records of an objective, in the order they were first recorded, into
:class:`Row` s (one per record, with its verdict and findings) and a :class:`Summary`; the
:class:`Standing` is that value, and every view renders it (inline line, plot, sidebar) without
judging anything itself.

Which records are judged
    Only records of the objective's metric (same scikit-learn scorer). Records of another metric,
    from an earlier version of the objective, stay in the standing as ``other_metric`` rows:
    shown apart, never in best, progress or banners.

Records of earlier versions with the same metric
    are judged together with the current version's, under the current version's rules
    (baseline, target, ``stop``): a new version re-judges the whole history. The baseline
    record that counts is the one the current version names (its latest score).

Cost
    Judging is a left fold, so a record appended at the end is judged in constant time, and a
    record updated in place re-judges only the records after it. Only a change of the baseline
    value or of the resolved ``min_gain`` (which depends on it) re-judges everything.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .checks import CHECKS, Finding, most_important, progress_findings
from .evaluation import Evaluation
from .metrics import Metric, metric_label, same_metric
from .objective import Objective

# Rows sent to views: the most recent ones. The sidebar shows these; the plot shows them all.
ROWS_SHIPPED = 50

# A score on fewer than this many rows, and on less than half the rows of the objective's largest
# test set, was made on a slice of the data (X_test[:10]): it is flagged (NBA201), compared with
# the best, but never becomes the best nor counts as reaching the target. A small data set whose
# whole test set is small is not flagged for that: its noise is for the significance tests.
MIN_TEST_ROWS = 50


def is_few_rows(n_rows: int | None, largest: int) -> bool:
    return n_rows is not None and n_rows < MIN_TEST_ROWS and n_rows < largest / 2

# verdict -> (word, tone). The kernel decides both; renderers show them (protocol/vocabulary.json).
VERDICTS: dict[str, tuple[str, str]] = {
    "new_best": ("new best", "good"),
    "first": ("first model", "neutral"),
    "no_gain": ("no real gain", "neutral"),
    "worse": ("worse than the best", "bad"),
    "below_baseline": ("below baseline", "bad"),
    "baseline": ("baseline", "neutral"),
    "other_metric": ("another metric", "neutral"),
}


@dataclass(frozen=True)
class Facts:
    """What the judge established about one model evaluation: the input of progress checks."""

    objective: Objective
    metric: Metric
    evaluation: Evaluation
    baseline: float | None
    best_before: Evaluation | None
    gain: float | None  # improvement over best_before; positive is better, whatever the direction
    below_baseline: bool
    stalled: int  # models in a row, this one included, without a real gain
    best: Evaluation | None  # the best after this evaluation (None while only few-row ones exist)
    adequate: Evaluation | None  # earliest model within min_gain of the best, once stalled
    min_gain: float
    patience: int
    few_rows: bool = False  # scored on a slice of the test set (see MIN_TEST_ROWS)


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
    verdict: str
    best_before: float | None = None
    best_before_name: str | None = None
    change_vs_best: float | None = None
    change_vs_baseline: float | None = None
    progress: float | None = None
    became_best: bool = False  # strictly better than every model before it
    facts: Facts | None = field(default=None, repr=False)  # what the checks are run on

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """The checks that apply, run when first asked: a history of 10,000 rows is judged in
        full, but only the rows a view shows need their messages."""
        return () if self.facts is None else progress_findings(self.facts)

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "estimator": self.estimator,
            "role": self.role,
            "version": self.version,
            "metric": self.metric,
            "metric_label": self.metric_label,
            "score": _finite(self.score),
            "verdict": self.verdict,
            "tone": self.tone,
            "best_before": _finite(self.best_before),
            "change_vs_best": _finite(self.change_vs_best),
            "change_vs_baseline": _finite(self.change_vs_baseline),
            "progress": _finite(self.progress),
            "codes": [f.code for f in self.findings],
        }


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": _finite(self.baseline),
            "target": _finite(self.target),
            "min_gain": _finite(self.min_gain),
            "best": None if self.best is None else {"id": self.best.id, "name": self.best.name,
                                                     "score": _finite(self.best.score)},
            "progress": _finite(self.progress),
            "n_models": self.n_models,
            "banner": self.banner.to_dict() if self.banner else None,
        }


@dataclass(frozen=True)
class Standing:
    """The judged state of one objective: every row, the summary, and the objective itself."""

    objective: Objective
    rows: tuple[Row, ...]
    summary: Summary

    def row(self, id: int) -> Row:
        """The row of a record (recent ones are found first)."""
        return next(r for r in reversed(self.rows) if r.id == id)

    @property
    def metric(self) -> Metric:
        return self.objective.metric

    def to_dict(self, limit: int | None = ROWS_SHIPPED) -> dict[str, Any]:
        """The standing as views receive it: the summary and the most recent ``limit`` rows."""
        rows = self.rows if limit is None else self.rows[-limit:] if limit else ()
        codes = {f.code for r in rows for f in r.findings}
        if self.summary.banner is not None:
            codes.add(self.summary.banner.code)
        return {
            "objective": self.objective.to_dict(),
            "summary": self.summary.to_dict(),
            "rows": [r.to_dict() for r in rows],
            "rows_total": len(self.rows),
            "checks": {code: CHECKS[code].to_dict() for code in sorted(codes)},
        }


def progress_to_target(score: float, baseline: float | None, target: float | None) -> float | None:
    """0.0 at the baseline, 1.0 at the target; works for either direction of the metric."""
    if baseline is None or target is None or target == baseline:
        return None
    return (score - baseline) / (target - baseline) + 0.0  # + 0.0: never "-0%"


def resolve_min_gain(objective: Objective, baseline: float | None, first_score: float | None) -> float:
    """The smallest improvement that counts as a real gain (see :class:`~nbalign.objective.Stop`)."""
    if objective.stop.min_gain is not None:
        return objective.stop.min_gain
    if baseline is not None and objective.target is not None and objective.target != baseline:
        return 0.02 * abs(objective.target - baseline)
    reference = first_score if first_score not in (None, 0) else 1.0
    return 0.01 * abs(reference)


@dataclass(frozen=True)
class _Fold:
    """The judge's running state after one record."""

    best: int | None = None  # position of the best model so far
    stalled: int = 0
    last_judged: int | None = None  # position of the latest record of the metric
    models: int = 0  # models of the metric judged so far


class Judge:
    """Judges the records of one objective version incrementally.

    Examples
    --------
    >>> from nbalign.objective import parse_objective
    >>> judge = Judge(parse_objective("metric: auc\\ntarget: 0.9\\nbaseline: 0.7"))
    >>> judge.put([Evaluation("objective", 1, "lr", "LogisticRegression", {}, "auc", 0.8, id=1)])
    >>> standing = judge.standing()
    >>> round(standing.summary.progress, 2), standing.summary.best.name
    (0.5, 'lr')
    """

    def __init__(self, objective: Objective, records: list[Evaluation] = ()):
        self.objective = objective
        self.metric = objective.metric
        self._records: list[Evaluation] = []
        self._ids: list[int] = []
        self._rows: list[Row] = []
        self._folds: list[_Fold] = []
        # Models judged so far: their positions, and the running best of sign * score, so the
        # earliest model within min_gain of the best is a binary search, not a scan.
        self._model_positions: list[int] = []
        self._model_prefix_best: list[float] = []
        self._first_model: int | None = None  # id of the first model of the metric
        self._baseline_records: dict[int, Evaluation] = {}
        self._baseline: float | None = None
        self._min_gain: float = resolve_min_gain(objective, None, None)
        self._largest_rows = 0  # the objective's largest test set, in rows
        self._standing: Standing | None = None
        if records:
            self.put(records)

    # ------------------------------------------------------------------ input

    def put(self, records) -> None:
        """Add records, or replace those with the same id; re-judge only what they change."""
        earliest = len(self._records)
        for record in records:
            if record.id is None:
                raise ValueError("a record needs an id (its order) to be judged")
            at = bisect.bisect_left(self._ids, record.id)
            if at < len(self._ids) and self._ids[at] == record.id:
                self._records[at] = record
            else:
                self._ids.insert(at, record.id)
                self._records.insert(at, record)
            earliest = min(earliest, at)
            self._note(record)
        baseline = self._baseline_value()
        first = self._first_model_score()
        min_gain = resolve_min_gain(self.objective, baseline, first)
        largest = max([self._largest_rows] + [r.n_rows for r in records if r.n_rows is not None
                                              and same_metric(r.metric, self.metric)])
        if (baseline, min_gain, largest) != (self._baseline, self._min_gain, self._largest_rows):
            self._baseline, self._min_gain, self._largest_rows = baseline, min_gain, largest
            earliest = 0
        self._judge_from(earliest)

    def records(self) -> list[Evaluation]:
        return list(self._records)

    def find(self, key: str) -> Evaluation | None:
        """The record with this identity (see :attr:`Evaluation.key`), if judged here."""
        return next((r for r in reversed(self._records) if r.key == key), None)

    def _note(self, record: Evaluation) -> None:
        if not same_metric(record.metric, self.metric):
            return
        if record.role == "baseline":
            self._baseline_records[record.id] = record
        elif self._first_model is None or record.id < self._first_model:
            self._first_model = record.id

    def _baseline_value(self) -> float | None:
        """The number every model is measured against, or None while it is still unknown."""
        baseline = self.objective.baseline
        if baseline.kind == "number":
            return baseline.value
        if baseline.kind == "first":
            return self._first_model_score()
        # "model" / "auto": the baseline this version names, scored most recently. Baseline
        # records of earlier versions (another baseline model) stay in the history but do not count.
        named = [r for r in self._baseline_records.values() if r.name == baseline.label]
        return max(named, key=lambda r: (r.objective_version, r.id)).score if named else None

    def _first_model_score(self) -> float | None:
        if self._first_model is None:
            return None
        return self._records[bisect.bisect_left(self._ids, self._first_model)].score

    # ------------------------------------------------------------------ the fold

    def _judge_from(self, start: int) -> None:
        del self._rows[start:], self._folds[start:]
        kept = bisect.bisect_left(self._model_positions, start)
        del self._model_positions[kept:], self._model_prefix_best[kept:]
        fold = self._folds[-1] if self._folds else _Fold()
        for position in range(start, len(self._records)):
            row, fold = self._judge_one(position, fold)
            self._rows.append(row)
            self._folds.append(fold)
        self._standing = None

    def _judge_one(self, position: int, fold: _Fold) -> tuple[Row, _Fold]:
        record = self._records[position]
        metric, baseline = self.metric, self._baseline
        common = dict(id=record.id, name=record.name, estimator=record.estimator, role=record.role,
                      version=record.objective_version, metric=record.metric,
                      metric_label=metric_label(record.metric), score=record.score)
        if not same_metric(record.metric, metric):
            return Row(**common, verdict="other_metric"), fold
        change_vs_baseline = None if baseline is None else record.score - baseline
        progress = progress_to_target(record.score, baseline, self.objective.target)
        if record.role == "baseline":
            row = Row(**common, verdict="baseline", change_vs_baseline=change_vs_baseline, progress=progress)
            return row, _Fold(fold.best, fold.stalled, position, fold.models)

        best_before = None if fold.best is None else self._records[fold.best]
        gain = None if best_before is None else metric.improvement(record.score, best_before.score)
        below = baseline is not None and metric.improvement(record.score, baseline) < 0
        stalled = fold.stalled + 1 if gain is not None and gain < self._min_gain else 0
        few_rows = is_few_rows(record.n_rows, self._largest_rows)
        became_best = (gain is None or gain > 0) and not few_rows
        best = position if became_best else fold.best
        if not few_rows:  # a model to ship is one measured on enough rows
            value = metric.sign * record.score
            self._model_positions.append(position)
            self._model_prefix_best.append(max(value, self._model_prefix_best[-1]) if self._model_prefix_best else value)
        adequate = None
        patience = self.objective.stop.patience
        if stalled >= patience and best is not None:
            threshold = metric.sign * self._records[best].score - self._min_gain
            earliest = bisect.bisect_left(self._model_prefix_best, threshold)  # the best itself qualifies
            adequate = self._records[self._model_positions[earliest]]
        facts = Facts(self.objective, metric, record, baseline, best_before, gain, below, stalled,
                      None if best is None else self._records[best], adequate, self._min_gain, patience,
                      few_rows)
        row = Row(
            **common,
            verdict=self._verdict(record.score, gain, below, baseline),
            best_before=None if best_before is None else best_before.score,
            best_before_name=None if best_before is None else best_before.name,
            change_vs_best=None if best_before is None else record.score - best_before.score,
            change_vs_baseline=change_vs_baseline,
            progress=progress,
            became_best=became_best,
            facts=facts,
        )
        return row, _Fold(best, stalled, position, fold.models + 1)

    def _verdict(self, score: float, gain: float | None, below: bool, baseline: float | None) -> str:
        if below:
            return "below_baseline"
        if gain is None:  # the first model: news only if it clears the baseline by a real gain
            clears = baseline is not None and self.metric.improvement(score, baseline) >= self._min_gain
            return "new_best" if clears else "first"
        if gain >= self._min_gain:
            return "new_best"
        return "no_gain" if gain > -self._min_gain else "worse"

    # ------------------------------------------------------------------ output

    def standing(self) -> Standing:
        """The current standing (computed once per change)."""
        if self._standing is None:
            self._standing = self._make_standing()
        return self._standing

    def _make_standing(self) -> Standing:
        fold = self._folds[-1] if self._folds else _Fold()
        best = None if fold.best is None else self._rows[fold.best]
        target = self.objective.target
        summary = Summary(
            baseline=self._baseline,
            target=target,
            min_gain=self._min_gain,
            best=best,
            progress=None if best is None else progress_to_target(best.score, self._baseline, target),
            n_models=fold.models,
            banner=self._headline(best, fold),
        )
        return Standing(self.objective, tuple(self._rows), summary)

    def _headline(self, best: Row | None, fold: _Fold) -> Finding | None:
        """Once the best model meets the target that is the news; else the latest finding."""
        if best is not None:
            reached = next((f for f in best.findings if f.code == "NBA305"), None)
            if reached is not None:
                return reached
        return None if fold.last_judged is None else self._rows[fold.last_judged].banner


def _finite(value: float | None) -> float | None:
    """Views receive strict JSON: a non-finite number never leaves the kernel."""
    return value if value is None or math.isfinite(value) else None
