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
    shown apart, never in best, progress or banners. So do models scored on the data they were
    fitted on (``training_data``, NBA204), on another test set than the baseline's
    (``other_test_set``, NBA203) and cross-validations (``cross_validation``): see :class:`Aside`.

Records of earlier versions with the same metric
    are judged together with the current version's, under the current version's rules
    (baseline, target, ``stop``): a new version re-judges the whole history. The baseline
    record that counts is the one the current version names (its latest score).

Verdicts with confidence
    Against the best before it (with a baseline model, ``auto`` or a named one: the baseline
    model, until a model scores above it), a model is *better* (a real gain: its paired interval, at
    ``stop.confidence``, lies above 0 and the gain is at least ``min_gain``), *better by less
    than min_gain*, *not distinguishable* (the interval holds 0) or *worse* (the interval lies
    below 0); *below baseline* only when significantly worse than the baseline. The tests are
    :mod:`nbalign.comparison`'s, on the predictions kept in the store. Where none can be made (no
    predictions kept, another test set) the same words follow the point values and ``min_gain``.

Cost
    Judging is a left fold, so a record appended at the end is judged in constant time, and a
    record updated in place re-judges only the records after it. Only a change of the baseline
    value or of the resolved ``min_gain`` (which depends on it) re-judges everything. The fold
    runs a paired test only for a model whose point gain is at least ``min_gain`` (is it real?);
    every other test (each row's intervals, the simplest adequate model) runs when a view first
    asks for that row, and each test runs once (remembered in the store).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .business import row_view, terms_of
from .checks import (
    Finding,
    aside_findings,
    most_important,
    objective_findings,
    progress_findings,
)
from .comparison import Comparisons, improvement_interval, is_better, is_worse
from .evaluation import Evaluation
from .metrics import Metric, metric_label, same_metric
from .objective import Objective
from .stats import Difference
from .tasks import Labels

# A score on fewer than this many rows, and on less than half the rows of the objective's largest
# test set, was made on a slice of the data (X_test[:10]): it is flagged (NBA201), compared with
# the best, but never becomes the best nor counts as reaching the target. A small data set whose
# whole test set is small is not flagged for that: its noise is for the significance tests.
MIN_TEST_ROWS = 50


def is_few_rows(n_rows: int | None, largest: int) -> bool:
    return n_rows is not None and n_rows < MIN_TEST_ROWS and n_rows < largest / 2

# More models than this compared on one test set and the best of them is flattered by the
# choice itself (NBA202): its score is the maximum of many noisy ones.
REUSE_LIMIT = 20

# Up to this many models compared with the baseline, the best-vs-baseline claim uses Holm's
# adjustment over all of them (each model's test against the baseline); beyond, Bonferroni's
# (the best's p-value times the count: an upper bound of Holm's, with no test of every model).
HOLM_UP_TO = 50

# verdict -> (word, tone). The kernel decides both; renderers show them (protocol/vocabulary.json).
VERDICTS: dict[str, tuple[str, str]] = {
    "new_best": ("better", "good"),
    "first": ("first model", "neutral"),
    "small_gain": ("better, by less than min_gain", "neutral"),
    "no_gain": ("not distinguishable", "neutral"),
    "worse": ("worse", "bad"),
    "below_baseline": ("worse than baseline", "bad"),
    "baseline": ("baseline", "neutral"),
    "other_metric": ("another metric", "neutral"),
    "training_data": ("on training data", "bad"),
    "other_test_set": ("another test set", "neutral"),
    "cross_validation": ("cross-validated", "neutral"),
    "few_rows": ("on a slice of the test set", "neutral"),
}
# Verdicts of rows shown apart from the comparison: never the best, never in progress, drawn hollow
# ("apart" in protocol/vocabulary.json).
APART = frozenset({"training_data", "other_test_set", "cross_validation", "few_rows"})


@dataclass(frozen=True)
class Facts:
    """What the judge established about one model evaluation: the input of verdicts and checks.

    The point values are set by the fold; the paired tests are properties, run when first asked.
    """

    objective: Objective
    metric: Metric
    evaluation: Evaluation
    baseline: float | None
    baseline_record: Evaluation | None  # the baseline as a model, when it is one
    best_before: Evaluation | None
    gain: float | None  # point improvement over best_before; positive is better, whatever the direction
    real_gain: bool  # significant and at least min_gain (point values when untested)
    stalled: int  # models in a row, this one included, without a real gain
    best: Evaluation | None  # the best after this evaluation (None while only few-row ones exist)
    min_gain: float
    patience: int
    few_rows: bool = False  # scored on a slice of the test set (see MIN_TEST_ROWS)
    models_on_test_set: int = 0  # models of the metric scored on this test set so far, this one included
    comparisons: Comparisons | None = field(default=None, repr=False, compare=False)
    # (records, position, simplest): the judge's records, this one's position, and the positions
    # of the models on this test set, simplest first: the candidates to ship
    history: tuple = field(default=(), repr=False, compare=False)
    labels: Labels | None = field(default=None, repr=False, compare=False)  # the objective's test labels

    @property
    def confidence(self) -> float:
        return self.objective.stop.confidence

    @cached_property
    def vs_best(self) -> Difference | None:
        """This model against the best before it, paired, when both kept their predictions."""
        if self.comparisons is None or self.best_before is None:
            return None
        return self.comparisons.between(self.metric, self.evaluation, self.best_before)

    @cached_property
    def vs_baseline(self) -> Difference | None:
        """This model against the baseline: its model paired, or a stated number with the model's own interval."""
        if self.comparisons is None or self.baseline is None:
            return None
        if self.baseline_record is not None:
            return self.comparisons.between(self.metric, self.evaluation, self.baseline_record)
        if self.objective.baseline.kind == "number":
            return own_interval(self.comparisons, self.metric, self.evaluation, self.baseline, self.labels)
        return None

    @cached_property
    def below_baseline(self) -> bool:
        """Worse than the baseline: significantly, or by the point value when untested."""
        if self.baseline is None or self.metric.improvement(self.evaluation.score, self.baseline) >= 0:
            return False
        tested = self.vs_baseline
        return tested is None or is_worse(self.metric, tested)

    @property
    def near_baseline(self) -> bool:
        """Below the baseline by its point value, but inside the noise."""
        return (self.baseline is not None and not self.below_baseline
                and self.metric.improvement(self.evaluation.score, self.baseline) < 0)

    @cached_property
    def verdict(self) -> str:
        if self.few_rows:
            return "few_rows"  # compared for what it is worth (NBA201), but its word is no verdict
        if self.below_baseline:
            return "below_baseline"
        metric, min_gain = self.metric, self.min_gain
        if self.gain is None:  # the first model: news only if it clears the baseline by a real gain
            if self.baseline is None:
                return "first"
            tested = self.vs_baseline
            clears = (metric.improvement(self.evaluation.score, self.baseline) >= min_gain if tested is None
                      else is_better(metric, tested, by=min_gain))
            return "new_best" if clears else "first"
        if self.real_gain:
            return "new_best"
        tested = self.vs_best
        if tested is None:
            return "no_gain" if self.gain > -min_gain else "worse"
        if is_better(metric, tested):
            return "small_gain"
        return "worse" if is_worse(metric, tested) else "no_gain"

    @cached_property
    def adequate(self) -> Evaluation | None:
        """Once stalled: the simplest model the best has not shown a real gain over.

        Complexity must pay for itself, so the burden of proof is on the more complex model, as
        in every verdict: the best's lead over a simpler model counts only when it is a real gain
        (significant at the objective's confidence and at least ``min_gain``). Candidates are the
        models so far on the best's test set, simplest first (:func:`simplicity`); the first one
        the best does not really beat is the one to ship. When its interval also shows it is not
        worse by ``min_gain`` (non-inferiority), the banner says so (:attr:`non_inferior`). The
        best itself qualifies. Untested pairs follow the point values.
        """
        if self.stalled < self.patience:
            return None
        return self.simplest_not_beaten

    @cached_property
    def simplest_not_beaten(self) -> Evaluation | None:
        """The simplest model so far that the best shows no real gain over (the best itself when
        it beats every simpler one): what :attr:`adequate` names once returns diminish, and what
        to ship at any time."""
        if self.best is None:
            return None
        records, position, simplest = self.history
        best = self.best
        for _, at in simplest:  # the best's test set is this model's (a best is never on a slice)
            candidate = records[at]
            if at > position or candidate.n_rows != best.n_rows:
                continue  # recorded after this row, or a differently sized test set
            if (self.baseline is not None and candidate.role == "model"
                    and self.metric.improvement(candidate.score, self.baseline) < 0):
                continue  # a model that scores below the baseline is never the one to ship
            if candidate.key == best.key:
                return best
            lead = None if self.comparisons is None else self.comparisons.between(self.metric, best, candidate)
            if lead is None:
                if self.metric.improvement(best.score, candidate.score) < self.min_gain:
                    return candidate
            elif not is_better(self.metric, lead, by=self.min_gain):
                return candidate
        return best

    @cached_property
    def best_over_adequate(self) -> Difference | None:
        """The best against the model to ship: what the extra complexity buys."""
        adequate, best = self.adequate, self.best
        if adequate is None or best is None or adequate.key == best.key or self.comparisons is None:
            return None
        return self.comparisons.between(self.metric, best, adequate)

    @property
    def non_inferior(self) -> bool:
        """The model to ship is shown, with confidence, not to be worse than the best by min_gain."""
        lead = self.best_over_adequate
        return lead is not None and improvement_interval(self.metric, lead)[1] < self.min_gain

    @cached_property
    def vs_target(self) -> Difference | None:
        """This model against the target, with its own interval (does reaching it hold?)."""
        target = self.objective.target
        if self.comparisons is None or target is None:
            return None
        return own_interval(self.comparisons, self.metric, self.evaluation, target, self.labels)


def own_interval(comparisons: Comparisons | None, metric: Metric, record: Evaluation, reference: float,
                 labels: Labels | None, confidence: float | None = None, score: float | None = None) -> Difference | None:
    """``record``'s score against a fixed number (the target, a stated baseline), with the
    model's own interval: the one claim "it reaches the target" and "it beats today's system"
    rest on, so it must never be narrower than the rows allow.

    A score that is a share of a count the test labels give (accuracy of the rows, recall of the
    true cases: :meth:`Metric.trials <nbalign.metrics.Metric.trials>`) gets the exact binomial
    interval and test (:func:`~nbalign.stats.proportion_against`): 38 rows all right is 0.91 to 1,
    where a resampled or normal interval of rows with no spread is the point 1 to 1. Any other
    score gets its paired test against the number (:meth:`Comparisons.against
    <nbalign.comparison.Comparisons.against>`), which says it is untested (None) rather than
    give a single point. None without comparisons (no store of predictions). ``score`` is the
    record's score on ``metric`` when that is not the objective's metric (the recall of the
    action, from the record's business figures).
    """
    if comparisons is None:
        return None
    counted = _counted(metric, record, labels, record.score if score is None else score)
    if counted is not None and 0 <= reference <= 1:
        from .stats import proportion_against

        return proportion_against(*counted, reference, confidence or comparisons.confidence)
    return comparisons.against(metric, record, reference, confidence=confidence)


def _counted(metric: Metric, record: Evaluation, labels: Labels | None, score: float | None) -> tuple[float, int] | None:
    """``(successes, trials)`` behind a ``score`` that is a share of a count, on the objective's
    test set (the labels counted are of its rows); None for any other score or test set."""
    if labels is None or record.n_rows != labels.n_rows or score is None or not math.isfinite(score):
        return None
    share = labels.positive_share
    trials = metric.trials(labels.n_rows, None if share is None else round(share * labels.n_rows))
    if trials is None or not 0 <= score <= 1:
        return None
    successes = score * trials
    whole = round(successes)  # a share of whole rows comes back as k / n: undo its rounding error
    return (whole if abs(successes - whole) < 1e-9 else successes), trials


@dataclass(frozen=True)
class ObjectiveFacts:
    """What the checks of the objective (``NBA1xx``) are run on: the objective, its baseline as
    judged, and the test labels once nbalign has seen them."""

    objective: Objective
    today: Any  # datetime.date
    baseline: float | None = None
    baseline_record: Evaluation | None = None
    labels: Labels | None = None
    comparisons: Comparisons | None = field(default=None, repr=False, compare=False)

    @property
    def confidence(self) -> float:
        return self.objective.stop.confidence

    @cached_property
    def baseline_noise(self) -> float | None:
        """Half the width of the baseline's own interval on the test set: how far luck moves a score.

        From the baseline model's own interval when it is a model (:func:`own_interval`: exact
        for a share of a count, so a baseline that is perfect on a few rows is not "known to
        ±0"); for a stated number, the metric's own formula (:meth:`Metric.noise
        <nbalign.metrics.Metric.noise>`: a binomial of the cases it counts, Hanley & McNeil's for
        ROC AUC).
        """
        objective, metric = self.objective, self.objective.metric
        if objective.target is None or self.baseline is None:
            return None
        if self.baseline_record is not None and self.comparisons is not None:
            own = own_interval(self.comparisons, metric, self.baseline_record, objective.target, self.labels)
            return None if own is None else (own.high - own.low) / 2
        labels = self.labels
        if labels is None or not labels.classified:
            return None
        return metric.noise(self.baseline, labels, self.confidence)


def simplicity(record: Evaluation) -> tuple:
    """Sort key: the simplest model first. Size is the steadiest measure (a pickle's length does
    not vary from run to run as timings do), prediction time breaks ties, then the earlier model."""
    cost = record.complexity or {}
    size, predict = cost.get("size_bytes"), cost.get("predict_ms_per_1k")
    return (math.inf if size is None else size, math.inf if predict is None else predict, record.id or 0)


@dataclass(frozen=True)
class Aside:
    """Why a model's evaluation is shown apart from the others, never best nor in progress:
    it was scored on the data it was fitted on (``training_data``), on another test set than
    the one the baseline was scored on (``other_test_set``), or cross-validated on training
    folds (``cross_validation``: a mean over folds, not a score on the test set)."""

    verdict: str
    evaluation: Evaluation
    metric: Metric
    reference_rows: int | None = None  # rows of the test set models are compared on


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
    # its projected KPI and business value as text (nbalign.business.row_view), under current terms
    business: dict | None = field(default=None, compare=False)
    aside: Aside | None = field(default=None, repr=False)  # why it is shown apart, when it is
    cell_id: str | None = None  # the notebook cell that produced it, when known

    @property
    def interval(self) -> tuple[float, float] | None:
        """The score's own interval, from its test against the baseline: the baseline's score
        plus the difference's ends (what a chart draws as the error bar)."""
        tested, facts = self.vs_baseline, self.facts
        if tested is None or facts is None or facts.baseline is None:
            return None
        return facts.baseline + tested.low, facts.baseline + tested.high

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
        return self.preset or self.facts.verdict

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
        if claim is None or claim.difference is None or self.progress is None:
            return None  # no progress to measure (no target, or one the baseline already meets)
        span = self.target - self.baseline
        ends = sorted((claim.difference.low / span + 0.0, claim.difference.high / span + 0.0))
        return ends[0], ends[1]

class Outlook:
    """What a model is projected to do for the business: the KPI under the objective's action,
    with an interval, and its value per case and per period. Computed when first asked.

    The interval is the model's own recall at the action, bootstrapped on the test rows it
    kept (:meth:`Comparisons.against <nbalign.comparison.Comparisons.against>` with a
    reference of 0), carried through the projection; it is computed where the kept response is
    the one the action decides on.
    """

    def __init__(self, objective: Objective, record: Evaluation, comparisons: Comparisons | None,
                 labels: Labels | None = None):
        self.objective = objective
        self.record = record
        self.comparisons = comparisons
        self.labels = labels  # the objective's test labels: the recall's exact interval needs the true cases

    @cached_property
    def figures(self) -> dict | None:
        from .business import current_figures

        return current_figures(self.objective, self.record.business)

    @cached_property
    def projected(self) -> float | None:
        from .business import projected_kpi

        return None if self.figures is None else projected_kpi(self.objective, self.figures.get("recall"))

    @cached_property
    def projected_interval(self) -> tuple[float, float] | None:
        """The projected KPI's interval, from the recall's (None where it cannot be computed)."""
        from .business import projected_kpi

        recall_metric = _decision_metric(self.objective)
        if self.projected is None or recall_metric is None or self.comparisons is None:
            return None
        difference = own_interval(self.comparisons, recall_metric, self.record, 0.0, self.labels,
                                  score=self.figures.get("recall"))
        if difference is None:
            return None
        ends = sorted(projected_kpi(self.objective, min(1.0, max(0.0, r))) for r in (difference.low, difference.high))
        return ends[0], ends[1]


def _decision_metric(objective: Objective) -> Metric | None:
    """The recall of the objective's action, when the records keep the response it decides on."""
    from .metrics import bind_business, resolve_metric

    action, metric = objective.action, objective.metric
    if action is None or action.rule == "predicted":
        return None
    own = metric.kind.own and metric.params
    if not own and not (action.rule == "top" and metric.kind.ranks_positives):
        return None
    return bind_business(resolve_metric("recall_at_k"), action, objective.population)


class BestClaim:
    """"The best beats the baseline", corrected for the models it was chosen from.

    Choosing the best of k models and testing it against the baseline at 95% would claim too
    often: the adjusted p-value is Holm's (1979) over every model's test against the baseline
    when k is at most :data:`HOLM_UP_TO`, Bonferroni's (the best's p-value times k, an upper
    bound of Holm's) beyond. The interval is Bonferroni's: at level ``1 - (1 - confidence) / k``.
    Computed when first asked.
    """

    def __init__(self, facts: Facts, competitors: list[Evaluation] | None, models_compared: int | None = None):
        # ``competitors`` are only needed (and only given) for Holm's correction, up to
        # HOLM_UP_TO models: beyond, the count is enough, and a standing costs the same at 10,000.
        self._facts = facts
        self._competitors = competitors or []
        self._k = len(self._competitors) if models_compared is None else models_compared

    @cached_property
    def _result(self) -> tuple[Difference | None, float | None, str]:
        facts = self._facts
        comparisons, metric, k = facts.comparisons, facts.metric, max(1, self._k)
        if comparisons is None or facts.baseline is None:
            return None, None, ""
        level = 1 - (1 - facts.confidence) / k

        def against_baseline(record: Evaluation, confidence: float) -> Difference | None:
            if facts.baseline_record is not None:
                return comparisons.between(metric, record, facts.baseline_record, confidence=confidence)
            if facts.objective.baseline.kind == "number":
                return own_interval(comparisons, metric, record, facts.baseline, facts.labels, confidence)
            return None

        widened = against_baseline(facts.evaluation, level)
        if widened is None:
            return None, None, ""
        if k == 1:
            return widened, facts.vs_baseline.p_value if facts.vs_baseline else widened.p_value, "none"
        if k > HOLM_UP_TO:
            own = facts.vs_baseline
            return widened, min(1.0, k * (own.p_value if own else widened.p_value)), "Bonferroni"
        from .stats import holm

        tests = [against_baseline(r, facts.confidence) for r in self._competitors]
        p_values = [1.0 if t is None else (t.p_value if metric.improvement(r.score, facts.baseline) > 0 else 1.0)
                    for r, t in zip(self._competitors, tests)]
        adjusted = holm(p_values)
        at = next(i for i, r in enumerate(self._competitors) if r.key == facts.evaluation.key)
        return widened, float(adjusted[at]), "Holm"

    @property
    def difference(self) -> Difference | None:
        return self._result[0]

    @property
    def p_adjusted(self) -> float | None:
        return self._result[1]

    @property
    def correction(self) -> str:
        return self._result[2]

    @property
    def models_compared(self) -> int:
        return self._k

    @property
    def verdict(self) -> str:
        """``better``, ``worse`` (the adjusted p-value below 1 - confidence, by the estimate's
        direction) or ``not_distinguishable``."""
        if self.p_adjusted is None or self.difference is None or self.p_adjusted >= 1 - self._facts.confidence:
            return "not_distinguishable"
        gain = self._facts.metric.sign * self.difference.estimate
        return "better" if gain > 0 else "worse" if gain < 0 else "not_distinguishable"

@dataclass(frozen=True)
class Ship:
    """The model to ship, and why: the one decision the banner, the recommendation, the plot and
    the sidebar all name.

    ``why`` is ``baseline`` (no model scores above the baseline model), ``simplest`` (the simplest
    model the best shows no real gain over), ``beats_simpler`` (the best, with a real gain over every
    simpler model) or ``simplest_compared`` (the best, and no simpler model was compared with it).
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
            return f"the simplest model {best.name} shows no real gain over"
        if self.why == "simplest_compared":
            return "the best model, and no simpler model has been compared with it"
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

def progress_to_target(score: float, baseline: float | None, target: float | None,
                       sign: int | None = None) -> float | None:
    """0.0 at the baseline, 1.0 at the target; works for either direction of the metric.

    With the metric's ``sign``, None when the target is not beyond the baseline (NBA104): there
    is no way from one to the other to measure.
    """
    if baseline is None or target is None or target == baseline:
        return None
    if sign is not None and (target - baseline) * sign < 0:
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

    def __init__(self, objective: Objective, records: list[Evaluation] = (),
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
        # The same models by test set, simplest first: (simplicity, position), kept sorted.
        self._simplest: dict[str | None, list[tuple]] = {}
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
                self._records[at] = record
            else:
                self._ids.insert(at, record.id)
                self._records.insert(at, record)
            earliest = min(earliest, at)
            self._note(record)
        baseline, baseline_record = self._baseline_of()
        first = self._first_model_record()
        min_gain = resolve_min_gain(self.objective, baseline, None if first is None else first.score)
        largest = max([self._largest_rows] + [r.n_rows for r in records if r.n_rows is not None
                                              and same_metric(r.metric, self.metric)])
        known = (self._baseline, self._baseline_record, self._min_gain, self._largest_rows)
        if (baseline, baseline_record, min_gain, largest) != known:
            self._baseline, self._baseline_record = baseline, baseline_record
            self._min_gain, self._largest_rows = min_gain, largest
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
        elif record.kind in ("train", "cv"):
            return  # never the first model: scored on the data it learned, or cross-validated
        elif self._first_model is None or record.id < self._first_model:
            self._first_model = record.id

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
            for ranked in self._simplest.values():
                ranked[:] = [(cost, at) for cost, at in ranked if at < start]
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
        common = dict(id=record.id, name=record.name, estimator=record.estimator, role=record.role,
                      version=record.objective_version, metric=record.metric,
                      metric_label=metric_label(record.metric), score=record.score,
                      complexity=record.complexity, cell_id=record.cell_id,
                      business=None if record.business is None else row_view(self.objective, record.business,
                                                                              self._terms_key))
        if not same_metric(record.metric, metric):
            return Row(**common, preset="other_metric"), fold
        change_vs_baseline = None if baseline is None else record.score - baseline
        progress = progress_to_target(record.score, baseline, self.objective.target, metric.sign)
        aside = self._aside(record)
        if aside is not None:
            return Row(**common, preset=aside.verdict, aside=aside), fold
        if record.role == "baseline":
            if self._baseline_model() is not None and record.key == self._baseline_record.key:
                # the baseline model is a model one could ship: a candidate when returns diminish
                ranked = self._simplest.setdefault(record.data_fingerprint, [])
                bisect.insort(ranked, (simplicity(record), position))
            best_now = self._reference(None if fold.best is None else self._records[fold.best])
            row = Row(**common, preset="baseline", change_vs_baseline=change_vs_baseline, progress=progress,
                      best_so_far=None if best_now is None else best_now.score)
            return row, _Fold(fold.best, fold.stalled, position, fold.models)

        best_model = None if fold.best is None else self._records[fold.best]
        best_before = self._reference(best_model)  # the best candidate so far: a model, or the baseline model
        gain = None if best_before is None else metric.improvement(record.score, best_before.score)
        real_gain = gain is not None and gain >= self._min_gain and self._is_real(record, best_before)
        few_rows = is_few_rows(record.n_rows, self._largest_rows)
        # a slice of the test set is compared for what it is worth, but it neither ends nor extends a run
        stalled = fold.stalled if few_rows else fold.stalled + 1 if gain is not None and not real_gain else 0
        became_best = (best_before is None or metric.improvement(record.score, best_before.score) > 0) and not few_rows
        best = position if became_best else fold.best
        same_test_set = self._by_test_set.setdefault(record.data_fingerprint, [])
        simplest = self._simplest.setdefault(record.data_fingerprint, [])
        if not few_rows:  # a model to ship is one measured on enough rows
            same_test_set.append(position)
            bisect.insort(simplest, (simplicity(record), position))
        best_now = self._reference(None if best is None else self._records[best])
        facts = Facts(self.objective, metric, record, baseline, self._baseline_record, best_before, gain,
                      real_gain, stalled, best_now, self._min_gain,
                      self.objective.stop.patience, few_rows, len(same_test_set), self.comparisons,
                      (self._records, position, simplest), self.labels)
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
        return row, _Fold(best, stalled, position, fold.models + 1)

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

    def _is_real(self, record: Evaluation, best_before: Evaluation) -> bool:
        """A point gain of at least min_gain: is it significant? (Untested: taken as it is.)"""
        if self.comparisons is None:
            return True
        tested = self.comparisons.between(self.metric, record, best_before)
        return tested is None or is_better(self.metric, tested)

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
        target = self.objective.target
        claim, compared = None, 0
        if best is not None:
            at = bisect.bisect_left(self._ids, best.id)
            positions = self._by_test_set.get(self._records[at].data_fingerprint, [])
            compared = len(positions)
            if best.facts is not None:  # a model: its lead over the baseline, chosen among `compared`
                competitors = [self._records[p] for p in positions] if compared <= HOLM_UP_TO else None
                claim = BestClaim(best.facts, competitors, compared)
        summary = Summary(
            baseline=self._baseline,
            target=target,
            min_gain=self._min_gain,
            best=best,
            progress=None if best is None else progress_to_target(best.score, self._baseline, target, self.metric.sign),
            n_models=fold.models,
            baseline_id=None if self._baseline_model() is None else self._baseline_record.id,
            banner=self._headline(best, fold, ship),
            confidence=self.objective.stop.confidence,
            models_compared=compared,
            claim=claim,
            business=self._outlook(best),
        )
        import datetime

        facts = ObjectiveFacts(self.objective, datetime.date.today(), self._baseline, self._baseline_record,
                               self.labels, self.comparisons)
        return Standing(self.objective, tuple(self._rows), summary, objective_findings(facts), self.comparisons,
                        self._baseline_model(), self.labels, ship)

    def _best_row(self, fold: _Fold) -> Row | None:
        """The best candidate: the best model, or the baseline model while no model scores above it."""
        best = self._reference(None if fold.best is None else self._records[fold.best])
        return None if best is None else self._rows[bisect.bisect_left(self._ids, best.id)]

    def _outlook(self, best: Row | None) -> Outlook | None:
        """The business outlook of the best model, or of the baseline model before there is one."""
        if self.objective.value is None and self.objective.action is None:
            return None
        record = self._records[bisect.bisect_left(self._ids, best.id)] if best is not None else self._baseline_record
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
        record = final.simplest_not_beaten
        if record.key != best.facts.evaluation.key:
            return Ship(record, final, "simplest")
        others = [at for _, at in final.history[2] if self._records[at].key != record.key
                  and simplicity(self._records[at]) < simplicity(record)]
        return Ship(record, final, "beats_simpler" if others else "simplest_compared")

    def _as_of_now(self, facts: Facts) -> Facts:
        """A model's facts with the whole history as candidates: what it is compared with today."""
        from dataclasses import replace

        records, _, simplest = facts.history
        return replace(facts, history=(records, len(records) - 1, simplest))

    def _headline(self, best: Row | None, fold: _Fold, ship: Ship | None) -> Finding | None:
        """Once the best model meets the target that is the news (naming the model to ship);
        else the latest finding."""
        if best is not None and ship is not None and ship.facts is not None:
            reached = next((f for f in progress_findings(ship.facts if ship.record.key == best.facts.evaluation.key
                                                         else self._as_of_now(best.facts))
                            if f.code == "NBA305"), None)
            if reached is not None:
                return reached
        return None if fold.last_judged is None else self._rows[fold.last_judged].banner
