"""What the judge establishes about each evaluation, and the rules it uses: the facts the checks
read (:class:`Facts`, :class:`ObjectiveFacts`, :class:`Aside`), a model's own interval against a
number, the verdicts' words, and progress from the baseline to the
target. It imports no check: :mod:`nbalign.checks` reads these, and the fold
(:mod:`nbalign.judge.fold`) runs both."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..comparison import Comparisons, is_better, is_short_of, is_worse
from ..evaluation import Evaluation
from ..metrics import Metric
from ..objective import Objective
from ..stats import Difference
from ..tasks import Labels
from .candidates import Candidates

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


# verdict -> (word, tone). The kernel decides both; renderers show them (protocol/vocabulary.json).
VERDICTS: dict[str, tuple[str, str]] = {
    "new_best": ("better", "good"),
    "first": ("first model", "neutral"),
    "small_gain": ("better, not shown by min_gain", "neutral"),
    # a real gain of the fitted model on the test rows, but its recipe not shown better once refitting counts
    "fit_only": ("better fit, recipe not shown better", "neutral"),
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
    best: Evaluation | None  # the best after this evaluation (None while only few-row ones exist)
    min_gain: float
    patience: int
    few_rows: bool = False  # scored on a slice of the test set (see MIN_TEST_ROWS)
    models_on_test_set: int = 0  # models of the metric scored on this test set so far, this one included
    comparisons: Comparisons | None = field(default=None, repr=False, compare=False)
    # The models on this test set one could ship (nbalign.judge.candidates), and this one's
    # position in the judge's records: the candidates are those recorded by then.
    candidates: Candidates | None = field(default=None, repr=False, compare=False)
    position: int = -1
    labels: Labels | None = field(default=None, repr=False, compare=False)  # the objective's test labels
    # The facts of the model judged before this one: returns diminish over that chain (stalled).
    previous: Facts | None = field(default=None, repr=False, compare=False)

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
    def evidence(self) -> str | None:
        """What the test rows show of the gain over the best before it: ``real`` (its interval's
        lower end at least min_gain, and the recipe shown better when both were cross-validated),
        ``fit_only`` (a real gain of the fitted model whose recipe is not shown better), ``short``
        (the interval's upper end under min_gain) or ``undecided`` (the interval holds min_gain);
        None for the first model. Untested, the point gain decides. Run when first asked."""
        if self.best_before is None or self.gain is None:
            return None
        tested, metric = self.vs_best, self.metric
        if tested is None:
            real = self.gain >= self.min_gain
        elif is_better(metric, tested, by=self.min_gain):
            real = True
        else:
            return "short" if is_short_of(metric, tested, self.min_gain) else "undecided"
        if not real:
            return "short"
        recipe = self.vs_best_recipe
        return "real" if recipe is None or is_better(metric, recipe) else "fit_only"

    @property
    def real_gain(self) -> bool:
        """The gain's interval lies at or above min_gain (the point gain when untested), and the
        recipe is shown better when both were cross-validated."""
        return self.evidence == "real"

    @cached_property
    def stalled(self) -> int:
        """Models since the last real gain shown to gain less than min_gain, this one included,
        counted up to ``patience`` (enough to say returns diminish). A model the test rows cannot
        tell either way, or a better fit whose recipe is not shown better, neither adds to the run
        nor ends it; a slice of the test set is passed over. Walked back over the models before
        when first asked, so a history of 10,000 runs the tests of its last few models only."""
        count = 0
        facts: Facts | None = self
        while facts is not None and count < self.patience:
            if not facts.few_rows:
                evidence = facts.evidence
                if evidence in (None, "real"):
                    break
                count += evidence == "short"
            facts = facts.previous
        return count

    @cached_property
    def vs_best_recipe(self) -> Difference | None:
        """This model's recipe against the best before it, refitting included: the corrected
        resampled t on their fold scores (:mod:`nbalign.recipe`), when both were cross-validated
        on the same folds of the training data. "Better" then answers "did my change of recipe
        help?", not only "is this fitted model better on these rows?"."""
        return None if self.best_before is None else recipe_between(self.evaluation, self.best_before, self.confidence)

    @cached_property
    def vs_baseline_recipe(self) -> Difference | None:
        """This model's recipe against the baseline model's, as :attr:`vs_best_recipe`."""
        record = self.baseline_record
        return None if record is None else recipe_between(self.evaluation, record, self.confidence)

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
            if not clears:
                return "first"
            recipe = self.vs_baseline_recipe
            return "new_best" if recipe is None or is_better(metric, recipe) else "fit_only"
        if self.real_gain:
            return "new_best"
        if self.evidence == "fit_only":
            return "fit_only"
        tested = self.vs_best
        if tested is None:
            return "no_gain" if self.gain > -min_gain else "worse"
        if is_better(metric, tested):
            return "small_gain"
        return "worse" if is_worse(metric, tested) else "no_gain"

    @cached_property
    def adequate(self) -> Evaluation | None:
        """Once returns diminish, on evidence: the model to ship.

        Returns diminish when ``stop.patience`` models since the last real gain were each shown
        to gain less than min_gain over the best (their intervals' upper ends under it), this one
        included: a model the test rows cannot tell either way is no evidence, and then nothing
        is said. The model to ship is then :attr:`simplest_adequate`.
        """
        if self.stalled < self.patience or self.evidence != "short":
            return None
        return self.simplest_adequate

    @cached_property
    def simplest_adequate(self) -> Evaluation | None:
        """The simplest model so far shown not worse than the best by min_gain (non-inferior: the
        best's lead over it has its interval's upper end under min_gain; untested, its point lead
        is under min_gain), the best itself when no simpler one is: what :attr:`adequate` names
        once returns diminish, and what to ship at any time. Complexity must pay for itself, and
        so must simplicity: a simpler model is shipped on evidence that it loses less than
        min_gain, never on a test too small to tell (:attr:`undecided`). A model no higher than a
        simpler one is never it (:mod:`nbalign.judge.candidates`)."""
        best = self.best
        if best is None or self.candidates is None:
            return best
        return self.candidates.simplest(best, self.position, self._close)

    @cached_property
    def undecided(self) -> Evaluation | None:
        """The simplest model simpler than the best that the test rows cannot tell from it either
        way (the best's lead over it neither a real gain nor shown under min_gain): the one a
        larger test set could make the model to ship. None when every simpler one is decided."""
        best = self.best
        if best is None or self.candidates is None:
            return None
        return next((c for c in self.candidates.simpler(best, self.position)
                     if not self._close(c) and not self._beaten(c)), None)

    def lead_over(self, candidate: Evaluation) -> Difference | None:
        """The best against a simpler candidate, paired (None when untested)."""
        assert self.best is not None
        return None if self.comparisons is None else self.comparisons.between(self.metric, self.best, candidate)

    def _close(self, candidate: Evaluation) -> bool:
        """The best's lead over a simpler candidate is shown under min_gain."""
        lead = self.lead_over(candidate)
        if lead is None:
            assert self.best is not None
            return self.metric.improvement(self.best.score, candidate.score) < self.min_gain
        return is_short_of(self.metric, lead, self.min_gain)

    def _beaten(self, candidate: Evaluation) -> bool:
        """The best's lead over a simpler candidate is a real gain (its lower end at least min_gain)."""
        lead = self.lead_over(candidate)
        if lead is None:
            assert self.best is not None
            return self.metric.improvement(self.best.score, candidate.score) >= self.min_gain
        return is_better(self.metric, lead, by=self.min_gain)

    @cached_property
    def best_over_adequate(self) -> Difference | None:
        """The best against the model to ship: what the extra complexity buys."""
        adequate, best = self.adequate, self.best
        if adequate is None or best is None or adequate.key == best.key or self.comparisons is None:
            return None
        return self.comparisons.between(self.metric, best, adequate)

    @cached_property
    def vs_target(self) -> Difference | None:
        """This model against the target, with its own interval (does reaching it hold?)."""
        target = self.objective.target
        if self.comparisons is None or target is None:
            return None
        return own_interval(self.comparisons, self.metric, self.evaluation, target, self.labels)

    @property
    def target_level(self) -> float:
        """The level of the best's interval against the target: the objective's confidence for the
        family of the models compared on its test set (Bonferroni), as the best was chosen among them."""
        return 1 - (1 - self.confidence) / max(1, self.models_on_test_set)

    @cached_property
    def vs_target_adjusted(self) -> Difference | None:
        """This model against the target at :attr:`target_level`: what "it holds with confidence"
        rests on for a model chosen as the best of several on one test set."""
        target = self.objective.target
        if self.comparisons is None or target is None:
            return None
        if self.models_on_test_set <= 1:
            return self.vs_target
        return own_interval(self.comparisons, self.metric, self.evaluation, target, self.labels, self.target_level)


def recipe_between(b: Evaluation, a: Evaluation, confidence: float) -> Difference | None:
    """Recipe B against recipe A on their fold scores (``metric(B) - metric(A)``), or None when
    either was not cross-validated, on other folds, or the folds show no spread to test against."""
    if a.fold_scores is None or b.fold_scores is None or a.key == b.key:
        return None
    from ..errors import EvaluationError
    from ..recipe import recipe_difference

    try:
        return recipe_difference(a.fold_scores, b.fold_scores, confidence)
    except EvaluationError:
        return None


def own_interval(comparisons: Comparisons | None, metric: Metric, record: Evaluation, reference: float,
                 labels: Labels | None, confidence: float | None = None,
                 score: float | None = None) -> Difference | None:
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
        from ..stats import proportion_against

        return proportion_against(*counted, reference, confidence or comparisons.confidence)
    return comparisons.against(metric, record, reference, confidence=confidence)


def _counted(metric: Metric, record: Evaluation, labels: Labels | None,
             score: float | None) -> tuple[float, int] | None:
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
    # The latest paired comparison of two models on the test set (its spread says which gains the
    # rows can detect), and the smallest gain that counts.
    paired: Difference | None = field(default=None, repr=False, compare=False)
    min_gain: float | None = None

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
