"""Checks: the one registry of nbalign's diagnostics, one function per ``NBA`` code.

Like a linter's, every code is stable and has a level, a one-line title and an explanation that
says what to do (skore's methodological checks are the model). The explanation is the check
function's docstring, so the code, its wording and its rule live in one place; it reaches the
user in the banner's "why" (inline and in the sidebar) and in ``%nbalign explain NBA303``.

Adding a check is writing one function::

    @check("NBA306", "info", "A short title", scope="progress")
    def short_title(facts):
        \"\"\"What it means and what to do.\"\"\"
        return "a specific message" if ... else None

Scopes: ``objective`` checks get the :class:`~nbalign.judge.facts.ObjectiveFacts` (the
objective, its scored baseline, the test labels once seen); ``progress`` checks get the
:class:`~nbalign.judge.facts.Facts` the judge computed for one evaluation; ``aside`` checks get
the :class:`~nbalign.judge.facts.Aside` of an evaluation shown apart (scored on its training
data, on another test set). A check returns its message, or None when it does not apply. The
checks import nothing of the judge but these facts, which import no check. ``NBA1xx`` concern
the objective and its data, ``NBA2xx`` an evaluation, ``NBA3xx`` progress, ``NBA4xx`` what
came of a shipped model (``shipped`` checks get the realized KPI and the ship record).
"""

from __future__ import annotations

import datetime as _dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .format import (
    format_apart,
    format_change,
    format_family_level,
    format_interval,
    format_level,
    format_score,
    format_small,
    kpi_line,
)

if TYPE_CHECKING:
    from .events import Realized, Shipped
    from .judge.facts import Aside, Facts, ObjectiveFacts

LEVELS = ("success", "warning", "info")  # in the order a banner prefers them


@dataclass(frozen=True)
class Check:
    code: str
    level: str  # "info" | "warning" | "success"
    title: str
    explanation: str
    scope: str  # "objective" | "aside" | "progress" | "shipped"
    function: Callable

    def to_dict(self) -> dict:
        return {"level": self.level, "title": self.title, "explanation": self.explanation}


CHECKS: dict[str, Check] = {}


def check(code: str, level: str, title: str, *, scope: str):
    """Register a check function under ``code``; its docstring is the explanation."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")

    def register(function: Callable) -> Callable:
        if code in CHECKS:
            raise ValueError(f"{code} is registered twice")
        CHECKS[code] = Check(code, level, title, inspect.cleandoc(function.__doc__ or ""), scope, function)
        return function

    return register


@dataclass(frozen=True)
class Finding:
    """One check that applied, with its specific message."""

    code: str
    message: str

    @property
    def check(self) -> Check:
        return CHECKS[self.code]

    @property
    def level(self) -> str:
        return self.check.level

    @property
    def title(self) -> str:
        return self.check.title

    @property
    def explanation(self) -> str:
        return self.check.explanation

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.check.to_dict()}


_PRIORITY = {level: rank for rank, level in enumerate(LEVELS)}


def by_importance(findings) -> tuple[Finding, ...]:
    """Findings in the order a reader should see them: success, warnings, information."""
    return tuple(sorted(findings, key=lambda f: (_PRIORITY[f.level], f.code)))


def most_important(findings) -> Finding | None:
    """The finding a banner shows: success first (the news), then warnings, then information."""
    return min(findings, key=lambda f: (_PRIORITY[f.level], f.code), default=None)


def _run(scope: str, *args) -> tuple[Finding, ...]:
    found = []
    for code, registered in CHECKS.items():
        if registered.scope == scope:
            message = registered.function(*args)
            if message is not None:
                found.append(Finding(code, message))
    return tuple(found)


def objective_findings(facts: ObjectiveFacts) -> tuple[Finding, ...]:
    """Findings about the objective, its KPI, its metric against the data (``NBA1xx``), most
    important first."""
    return by_importance(_run("objective", facts))


def aside_findings(aside: Aside) -> tuple[Finding, ...]:
    """The checks of an evaluation shown apart (NBA203, NBA204)."""
    return _run("aside", aside)


def progress_findings(facts: Facts) -> tuple[Finding, ...]:
    """Findings about one evaluation against the baseline, the best before it and the target."""
    return _run("progress", facts)


# --------------------------------------------------------------------------- NBA1xx: the objective


@check("NBA101", "warning", "Deadline passed", scope="objective")
def deadline_passed(facts: ObjectiveFacts) -> str | None:
    """The KPI deadline is in the past. Set a new deadline with the owner, or record the
    outcome and close the objective."""
    kpi = facts.objective.kpi
    if kpi is None or not kpi.deadline or _dt.date.fromisoformat(kpi.deadline) >= facts.today:
        return None
    return (f"the KPI deadline {kpi.deadline} has passed; agree a new one with "
            f"{kpi.owner or kpi.judge or 'the owner'}.")


@check("NBA102", "warning", "KPI without an owner", scope="objective")
def kpi_without_owner(facts: ObjectiveFacts) -> str | None:
    """A KPI with numbers needs someone accountable for moving it: without an owner nobody
    agrees the target, accepts the model, or reads the result. Name them (`owner:`)."""
    kpi = facts.objective.kpi
    if kpi is None or kpi.owner or not (kpi.current or kpi.target):
        return None
    return f"the KPI {kpi.name!r} has numbers but no owner; add `owner:` under `kpi:` (who is accountable for it)."


@check("NBA103", "warning", "KPI without a judge", scope="objective")
def kpi_without_judge(facts: ObjectiveFacts) -> str | None:
    """A criterion with no number (no `current:`, no `target:`) is judged by someone: say who
    (`judge:`), or the work has no way to be called done. Better still, find a number."""
    kpi = facts.objective.kpi
    if kpi is None or kpi.current or kpi.target or kpi.judge:
        return None
    return (f"the KPI {kpi.name!r} has no numbers and no judge; add `current:` and `target:`, or "
            "`judge:` (who decides it is met).")


@check("NBA104", "warning", "Target not beyond the baseline", scope="objective")
def target_not_beyond_baseline(facts: ObjectiveFacts) -> str | None:
    """The metric target does not improve on the baseline: the baseline (today's system or a
    simple model) already meets it, so it cannot be what delivers the KPI. Raise the target to
    what the KPI needs, or question the baseline."""
    target, baseline, metric = facts.objective.target, facts.baseline, facts.objective.metric
    if target is None or baseline is None or metric.improvement(target, baseline) > 0:
        return None
    target_text, baseline_text = format_apart(target, baseline)
    if facts.objective.derivation is not None:  # the target is what the KPI needs: the baseline delivers it
        return (f"the target {target_text}, derived from the KPI target, is not beyond the baseline "
                f"{baseline_text} on {metric.label}: the baseline is projected to meet the KPI target already. "
                "Ship it, or agree on a more ambitious KPI target.")
    return (f"the target {target_text} is not beyond the baseline {baseline_text} on {metric.label}: "
            "the baseline already meets it. Set the target to what the KPI needs.")


# A threshold metric that counts every row alike rewards predicting the majority class
# (MetricKind.rewards_majority); it is flagged when that class holds at least this share of the
# test labels.
IMBALANCED = 0.8


@check("NBA105", "warning", "Accuracy on imbalanced classes", scope="objective")
def accuracy_on_imbalanced_classes(facts: ObjectiveFacts) -> str | None:
    """The metric counts every row alike, and one class dominates the test labels: a model that
    always predicts that class scores high while finding none of the cases the business cares
    about. Use a metric that ranks the rare class (average precision: `metric: ap`), recall at
    a fixed precision, or a value matrix (`value:` with the worth of each kind of decision)."""
    labels, metric = facts.labels, facts.objective.metric
    if labels is None or not labels.classified or not metric.kind.rewards_majority or labels.majority is None:
        return None
    majority, share = labels.majority
    if share < IMBALANCED:
        return None
    return (f"{share:.1%} of the test labels are {majority!r}: a model that always predicts {majority!r} "
            f"scores {format_score(share)} {metric.label} and finds no other case. Use `metric: ap` "
            "(average precision of the rare class), recall at a fixed precision, or a value matrix.")


@check("NBA106", "warning", "Metric for another task", scope="objective")
def metric_for_another_task(facts: ObjectiveFacts) -> str | None:
    """The metric is for classification and the test labels are continuous numbers, or the
    reverse: scores will be meaningless or refused. Declare a metric of the task the labels
    describe."""
    from .metrics import CLASSIFICATION, REGRESSION

    labels, metric = facts.labels, facts.objective.metric
    if labels is None:
        return None
    task = metric.kind.task
    if task == CLASSIFICATION and labels.kind.startswith("continuous"):
        return (f"{metric.label} is a classification metric, but the test labels are continuous numbers: "
                "declare a regression metric (`metric: rmse`, `mae`, `r2`), or score on class labels.")
    if task == REGRESSION and labels.classified and not _numeric_labels(labels):
        return (f"{metric.label} is a regression metric, but the test labels are classes "
                f"({', '.join(repr(c) for c, _ in labels.shares[:3])}): declare a classification metric "
                "(`metric: ap`, `auc`, `logloss`).")
    return None


def _numeric_labels(labels) -> bool:
    return all(isinstance(c, (int, float)) and not isinstance(c, bool) for c, _ in labels.shares)


@check("NBA107", "warning", "Test set too small", scope="objective")
def test_set_too_small(facts: ObjectiveFacts) -> str | None:
    """The test set is too small for the decisions the objective asks of it. Either the gap
    between the baseline and the target is smaller than the noise of a score on this test set
    (the half-width of the baseline's own interval): a model could be called on target by luck,
    or miss it by luck. Or a gain of min_gain cannot be detected: from the spread of the paired
    comparisons made so far, these rows detect a gain 80% of the time only from a larger one
    (``(z_(1-alpha/2) + z_0.8) x SE``), so a real gain of min_gain is mostly called "not
    distinguishable", and neither a real gain nor "ship the simpler model" (shown not worse by
    min_gain) can be shown. The message says about how many test rows would be needed (the
    standard error shrinks as one over the square root of the rows); or agree on a larger target
    or min_gain."""
    import math

    objective, metric = facts.objective, facts.objective.metric
    noise, gap, labels = facts.baseline_noise, None, facts.labels
    if objective.target is not None and facts.baseline is not None:
        gap = abs(objective.target - facts.baseline)
    said = []
    if noise is not None and gap and labels is not None and noise >= gap:
        needed = math.ceil(labels.n_rows * (noise / gap) ** 2 * 1.1 / 100) * 100  # and a margin
        said.append(f"with {labels.n_rows:,} test rows, {metric.label} is known to about "
                    f"±{format_score(noise)} ({format_level(facts.confidence)}), no less than the "
                    f"{format_score(gap)} between the baseline and the target: the target is inside the "
                    f"noise. About {needed:,} test rows would tell them apart.")
    from .comparison import POWER, detectable_gain

    paired, min_gain = facts.paired, facts.min_gain
    detectable = None if paired is None else detectable_gain(paired, facts.confidence)
    if detectable is not None and min_gain and detectable > min_gain and paired is not None and paired.n:
        needed = math.ceil(paired.n * (detectable / min_gain) ** 2 / 100) * 100
        said.append(f"{'They' if said else f'{paired.n:,} test rows'} detect a gain in "
                    f"{metric.label} {format_level(POWER)} of the time only from {format_change(detectable)}, "
                    f"more than min_gain {format_small(min_gain)}: neither a real gain nor a simpler model "
                    f"not worse by min_gain can be shown. About {needed:,} test rows would detect min_gain; "
                    "or agree on a larger one (`stop: min_gain:`).")
    return " ".join(said) or None


@check("NBA108", "warning", "KPI target out of reach under the action", scope="objective")
def kpi_out_of_reach(facts: ObjectiveFacts) -> str | None:
    """Even a perfect model cannot bring the KPI to its target under the declared action: the
    action reaches too few cases (a top share smaller than the share of true cases cannot reach
    them all) or changes too few of those it reaches (its effect), or the KPI is negative and
    preventing true cases cannot lower it. No metric target fixes that: with `target: from kpi`
    the target it would take is outside the metric's range and none is set. An effect stated as
    a range (`effect: 20% to 40%`) is judged at its middle and at its low end: if the target is out
    of reach only at the low end, the message says so, since the effect may well be that low.
    Change what the business does (a larger capacity, a stronger action), or agree on a target
    the action can reach by the deadline (the message gives the best it can do)."""
    from .business import (
        format_kpi,
        max_recall,
        projectable,
        projected_kpi,
        projected_span,
        required_recall,
    )
    from .format import format_share
    from .kpi import _with_article

    objective, labels = facts.objective, facts.labels
    kpi, action = objective.kpi, objective.action
    if action is None or action.effect is None or projectable(kpi) is not None:
        return None
    # projectable: a KPI with both values
    assert kpi is not None and kpi.current_quantity is not None and kpi.target_quantity is not None
    share = action.capacity(objective.population)
    rate = None if labels is None else labels.positive_share
    current, target = kpi.current_quantity, kpi.target_quantity
    lowest = action.effects()[0]  # the low end of the effect's range, or the effect

    def needed_at(effect: float) -> float | None:
        return required_recall(current.value, target.value, kpi.direction, current.kind == "percent", effect)

    needed, needed_lowest = needed_at(action.effect), needed_at(lowest)
    if needed is None or needed_lowest is None:
        return None
    if needed < 0:
        return (f"{_with_article(kpi.name)} is negative ({kpi.current} to {kpi.target}), and the action moves a KPI "
                "only by preventing true cases, which brings a count, share or amount of them toward 0, never "
                f"below: no model brings it to {kpi.target}. Write the KPI as what the true cases add up to, 0 or "
                "more (a count, a share or an amount of them), or give the metric target as a number.")
    if share is not None and rate is None and needed_lowest <= 1:
        return None  # the reach of a top share depends on the share of true cases: not seen yet
    reachable = max_recall(share, rate)
    if needed_lowest <= reachable + 1e-9:
        return None
    # out of reach at the stated effect (the middle of a range), or only at the low end of its range
    effect = action.effect if needed > reachable + 1e-9 else lowest
    needed = needed_at(effect)
    assert needed is not None  # (as at the other effects: the same KPI)
    best = projected_kpi(objective, reachable, effect)
    reach = f"used to {action.describe(objective.population)}, would reach "
    if reachable < 1:
        reach += f"at most {format_share(reachable)} of the true cases (they are {format_share(rate)} of all cases) and"
    else:  # before the labels are seen, a top share's reach is not known: every true case is the most
        reach = reach.replace("would reach ", "would at best reach " if share is not None and rate is None else
                              "would reach ") + "every true case and"
    fixes = []
    if share is not None and rate is not None and needed <= 1:  # (rate is known: else returned above)
        fixes.append(f"act on at least the top {format_share(needed * rate)} of cases")
    stronger = effect * needed / reachable
    if stronger <= 1:
        fixes.append(f"an action that changes the outcome of at least {format_share(stronger)} of the true "
                     f"cases it reaches (now {action.effect_text()})")
    elif effect * needed <= 1 and share is not None and rate is not None:
        # neither alone: reach more of the true cases and change more of them
        fixes.append(f"act on at least the top {format_share(effect * needed * rate)} of cases with an "
                     "action that changes the outcome of every true case it reaches (effect 100%)")
    at_best = f"{format_kpi(objective, best)} at best"
    if action.effect_range is not None:
        ends = projected_span(objective, (reachable, reachable))
        assert ends is not None  # (projected at the middle: at the ends too)
        at_best += (f"; {format_kpi(objective, ends[0])} to {format_kpi(objective, ends[1])} with the effect "
                    f"{action.effect_text()}")
    fixes.append(f"a target the action can reach ({at_best}) or a later deadline to get the rest")
    opening = "even a perfect model"
    if effect != action.effect:
        opening = (f"if the action changes the outcome of only {format_share(effect)} of the true cases it reaches "
                   f"(the low end of its effect, {action.effect_text()}), even a perfect model")
    return (f"{opening}, {reach} bring {_with_article(kpi.name)} to {format_kpi(objective, best)}, not "
            f"{kpi.target}. To reach {kpi.target}: " + "; or ".join(fixes) + ".")


@check("NBA109", "warning", "KPI's current share unlike the test set's", scope="objective")
def kpi_unlike_test_set(facts: ObjectiveFacts) -> str | None:
    """The KPI is a share of the cases the model looks for (its positive class: a churn rate),
    and its current value is far from that class's share of the test labels, further than the
    test set's sampling explains (the exact binomial interval of its share, at the objective's
    confidence). The projected KPI assumes the test set looks like the population the KPI counts:
    the recall measured on the test rows is what the action would reach there. If the two
    differ, the KPI may count something else than the positive class, the test set may come from
    another period or segment, or it may have been resampled (balanced classes). Check the KPI's
    definition and the test set's period, or weight the test rows (a sample weight) so that they
    look like the population; then declare the objective again."""
    from .business import projectable
    from .format import format_share
    from .stats import proportion_interval

    objective, labels = facts.objective, facts.labels
    kpi, action = objective.kpi, objective.action
    if labels is None or action is None or action.effect is None or projectable(kpi) is not None:
        return None
    assert kpi is not None and kpi.current_quantity is not None  # projectable: a KPI with both values
    rate = labels.positive_share
    current = kpi.current_quantity
    if rate is None or current.kind != "percent" or not 0 <= current.value <= 100 or not labels.n_rows:
        return None
    # the projection reads a falling share as the true cases' (a churn rate), a rising one as the
    # other cases' (the share kept), leaving 100% minus it to the true cases
    falling = kpi.direction == "decrease"
    declared = current.value / 100 if falling else 1 - current.value / 100
    true_cases = round(rate * labels.n_rows)
    low, high = proportion_interval(true_cases, labels.n_rows, facts.confidence)
    if low <= declared <= high:
        return None
    said = (f"the KPI's current value is {kpi.current}" if falling else
            f"the KPI's current value {kpi.current} leaves {format_share(declared)} of the cases to the true ones")
    return (f"{said}, and the true cases (1) are {format_share(rate)} of the {labels.n_rows:,} test rows "
            f"({format_level(facts.confidence)} interval {format_share(low)} to {format_share(high)}): the projected "
            "KPI assumes the test set looks like the population the KPI counts, and this one does not. Check that the "
            "KPI counts the model's positive class and that the test set comes from the period it measures, or "
            "weight the test rows (a sample weight) to look like that population.")


# --------------------------------------------------------------------------- NBA2xx: an evaluation


@check("NBA203", "warning", "Another test set", scope="aside")
def another_test_set(aside: Aside) -> str | None:
    """The model was scored on other rows than the test set every model is compared on (the
    baseline's, or the first model's): its score cannot be compared with theirs, so it is shown
    apart, never the best and not in progress. Score it on the objective's ``data.test`` to
    compare it; confirm on fresh data with a new objective version."""
    if aside.verdict != "other_test_set":
        return None
    e = aside.evaluation
    rows = f" ({aside.reference_rows:,} rows)" if aside.reference_rows else ""
    return (f"{e.name} was scored on {e.n_rows or 0:,} rows that are not the test set the models are compared "
            f"on{rows}: its {aside.metric.label} {format_score(e.score)} is shown apart, never the best and not in "
            "progress. Score it on the objective's data.test to compare it.")


@check("NBA204", "warning", "Scored on its training data", scope="aside")
def scored_on_training_data(aside: Aside) -> str | None:
    """The model was scored on the rows it was fitted on. Such a score is optimistic: a model
    can fit its training rows far better than new ones (a deep tree scores them perfectly). It
    is shown apart, never the best and not in progress. Score it on held-out data
    (``data.test``), or by cross-validation on the training data."""
    if aside.verdict != "training_data":
        return None
    e = aside.evaluation
    return (f"{e.name} was scored on the data it was fitted on: its {aside.metric.label} {format_score(e.score)} "
            "is optimistic, so it is shown apart, never the best and not in progress. Score it on held-out data "
            "(data.test).")


@check("NBA201", "warning", "Few test rows", scope="progress")
def few_test_rows(facts: Facts) -> str | None:
    """The model was scored on a slice of the test set, so few rows that its score is mostly
    noise: one or two rows more or less right move it a lot. It is compared with the best but
    never becomes the best and never counts as reaching the target. Evaluate it on the full test
    set."""
    if not facts.few_rows:
        return None
    e = facts.evaluation
    return (f"{e.name} was scored on {e.n_rows} rows only, too few to tell; it does not count as the "
            f"best or as reaching the target. Evaluate it on the full test set.")


@check("NBA202", "info", "Test set reused", scope="progress")
def test_set_reused(facts: Facts) -> str | None:
    """Many models were compared on this one test set. The best of many noisy scores is
    optimistic: part of its lead is luck of the draw, and the more models are tried the larger
    that part (the winner's curse). The best-vs-baseline claim is corrected for the number of
    models (Bonferroni), and so is "target reached", but its score is not: confirm the chosen
    model on data no model was chosen on (a fresh hold-out, or newer data), and report that score."""
    from .judge.facts import REUSE_LIMIT

    if facts.few_rows or facts.models_on_test_set != REUSE_LIMIT + 1:
        return None
    return (f"{facts.models_on_test_set} models have now been compared on this test set; the best "
            "score is becoming optimistic from reuse. Confirm the model you choose on fresh data.")


# --------------------------------------------------------------------------- NBA3xx: progress


@check("NBA301", "warning", "Below baseline", scope="progress")
def below_baseline(facts: Facts) -> str | None:
    """The model scores significantly worse than the baseline (its paired interval lies below
    it): it would make the business worse than today's system or a trivial model. Check the
    features and the data split before trying more complex models."""
    if not facts.below_baseline:
        return None
    e = facts.evaluation
    score, baseline = format_apart(e.score, facts.baseline)
    return (f"{e.name} scores {score}, worse than the baseline {baseline} on {facts.metric.label}"
            f"{_interval(facts, facts.vs_baseline)}.")


@check("NBA304", "info", "Within the noise of the baseline", scope="progress")
def near_baseline(facts: Facts) -> str | None:
    """The model scores a little worse than the baseline, but the difference is inside the noise of
    the test set: it is not shown to be worse, nor better. A model that cannot be told apart
    from the baseline adds nothing yet; look for signal in the features."""
    if not facts.near_baseline:
        return None
    before = facts.best_before
    if before is not None and facts.baseline_record is not None and before.key == facts.baseline_record.key:
        return None  # compared with the baseline model already: NBA302 says it is not distinguishable
    e = facts.evaluation
    score, baseline = format_apart(e.score, facts.baseline)
    tested = facts.vs_baseline
    how = "" if tested is None else (f" of {_change(tested.estimate)} "
                                     f"({format_interval(tested.low, tested.high, facts.confidence)})")
    return (f"{e.name} scores {score} against the baseline's {baseline}, a difference{how} inside the "
            "noise of the test set: not shown to be worse, nor better.")


@check("NBA302", "info", "No real gain", scope="progress")
def no_real_gain(facts: Facts) -> str | None:
    """The model does not beat the best so far by a real gain. A real gain is one rule, for every
    verdict, banner and the model to ship: the gain's paired interval, at the objective's
    confidence, lies at or above min_gain (its lower end; the point gain only when no test could
    be made). So a model is *better, not shown by min_gain* when its interval is above 0 but
    reaches below min_gain, *not distinguishable* when it holds 0, *worse* when it lies below 0.
    Beside "not distinguishable" the message gives the smallest gain these test rows detect 80%
    of the time (from the test's standard error: ``(z_(1-alpha/2) + z_0.8) x SE``): a model
    that is truly better by less than that is usually not shown to be, so "not distinguishable"
    is absence of evidence, not evidence of no gain. Keep the simpler model until a gain is shown;
    test on more rows to see smaller gains.

    Two questions. The test rows answer "is this fitted model better?": only the rows are random.
    "Did my change help?" is about the recipe, and a refit of the same recipe on other rows (or
    another seed) scores differently too. When the training data are known, nbalign also
    cross-validates each recipe on the same 5×2 folds of them and compares the fold scores with
    the corrected resampled t (Nadeau & Bengio), which counts the refitting. Then "better" says
    both; *better fit, recipe not shown better* says the fitted model gains on these rows but
    the change of recipe is not shown to help: the gain may be the luck of this fit."""
    e, best = facts.evaluation, facts.best_before
    if facts.gain is None or best is None or facts.real_gain or facts.below_baseline:
        return None
    score, best_score = format_apart(e.score, best.score)
    verdict = facts.verdict
    tested = facts.vs_best
    # while no model beats the baseline model, it is what a model has to beat
    than = f"the {'best' if best.role == 'model' else 'baseline'} ({best.name}, {best_score})"
    power = ""
    if verdict == "fit_only":
        recipe = facts.vs_best_recipe
        assert recipe is not None  # what made it fit_only
        return (f"{e.name} scores {score}, a real gain over {than} as a fitted model{_interval(facts, tested)}; but "
                f"its recipe is not shown better once refitting counts: {_change(recipe.estimate)} "
                f"({format_interval(recipe.low, recipe.high, facts.confidence)}, {recipe.method}). The gain may be "
                "the luck of this fit.")
    if verdict == "small_gain":
        short = tested is not None and facts.evidence == "short"
        how = (f"better than {than}, by less than min_gain {format_small(facts.min_gain)}" if short else
               f"better than {than}, but not shown to be by min_gain {format_small(facts.min_gain)}")
    elif verdict == "worse":
        how = f"worse than {than}"
    elif tested is not None:
        how = f"not distinguishable from {than}"
        power = _detectable(facts, tested)
    elif facts.gain > 0:
        how = (f"only {format_score(facts.gain)} better than {than}; gains "
               f"under min_gain {format_small(facts.min_gain)} do not count")
    else:
        how = f"no better than {than}"
    return f"{e.name} scores {score}, {how}{_interval(facts, tested)}{power}."


@check("NBA303", "warning", "Diminishing returns", scope="progress")
def diminishing_returns(facts: Facts) -> str | None:
    """Several models since the last real gain (stop.patience) were each shown to gain less than
    min_gain over the best: their paired intervals' upper ends lie under min_gain. That is
    evidence that more complexity is not paying for itself; a model the test rows cannot tell
    either way (its interval still reaches min_gain) is no evidence, and this never fires on one.
    Ship the simplest model shown not worse than the best by min_gain (non-inferiority: the
    best's lead over it, with its interval, under min_gain), or the best when no simpler one is
    shown to be; or change the data or the features rather than the model. A model that scores
    no higher than a simpler one is never the one to ship. The message gives the trade-off in
    numbers: what the best adds, with its interval, for what it costs more."""
    adequate, best, metric = facts.adequate, facts.best, facts.metric
    if adequate is None or best is None:
        return None
    which = "the best" if best.role == "model" else "the baseline model"  # no model scores above it
    runs = "1 model" if facts.stalled == 1 else f"{facts.stalled} models since the last real gain"
    stalled = (f"{runs} {'was' if facts.stalled == 1 else 'were each'} shown to gain less than min_gain "
               f"{format_small(facts.min_gain)} over {which} ({best.name}, {format_score(best.score)}).")
    if adequate.key == best.key:
        if best.role != "model":
            return f"{stalled} Ship {best.name}, or improve the data rather than the model."
        undecided = facts.undecided
        if undecided is not None:
            lead = facts.lead_over(undecided)
            interval = "" if lead is None else f" ({format_interval(lead.low, lead.high, facts.confidence)})"
            return (f"{stalled} Ship {best.name}, or improve the data rather than the model; whether the simpler "
                    f"{undecided.name} does as well these test rows cannot tell{interval}.")
        return (f"{stalled} No simpler model is shown to come within min_gain of it: ship {best.name}, or improve "
                "the data rather than the model.")
    from .complexity import Complexity, ratio_text

    over = facts.best_over_adequate
    interval = "" if over is None else f" ({format_interval(over.low, over.high, facts.confidence)})"
    costs = ratio_text(Complexity.from_dict(best.complexity or {}), Complexity.from_dict(adequate.complexity or {}))
    trade = f" for {costs}" if costs else ""
    why = (f"shown not worse than {best.name} by min_gain {format_small(facts.min_gain)}" if over is not None
           else f"{best.name} scores less than min_gain {format_small(facts.min_gain)} above it (untested)")
    return (f"{stalled} {best.name}: {_change(best.score - adequate.score)} {metric.label} over "
            f"{adequate.name}{interval}{trade}. Ship {adequate.name} ({format_score(adequate.score)}), {why}.")


@check("NBA305", "success", "Target reached", scope="progress")
def target_reached(facts: Facts) -> str | None:
    """The best model's score meets the metric target that was agreed to deliver the KPI. It was
    chosen as the best of the models compared on this test set, so its score is optimistic (the
    winner's curse): the confident form ("it holds with confidence") needs its own interval,
    adjusted for the models compared (Bonferroni, as for the claim over the baseline), to lie
    beyond the target. Otherwise the message says the interval still reaches the other side. A
    score is no proof on its own: on a small test set a perfect one leaves much lower values
    possible (38 rows all right, an accuracy as low as 0.91), and a score nbalign could not test
    (no predictions kept, rows with no spread to resample) is untested. Confirm on data no model
    was chosen on before shipping, then measure the KPI itself."""
    target = facts.objective.target
    e = facts.evaluation
    if target is None or facts.few_rows or facts.metric.improvement(e.score, target) < 0:
        return None
    if facts.best is None or facts.best.key != e.key:
        return None  # not the best candidate (the baseline model, or a better model, meets it too)
    kpi = facts.objective.kpi
    line = kpi_line(kpi) if kpi is not None and kpi.target else ""
    promise = f" that should deliver: {kpi.name} {line}." if kpi is not None and line else "."
    reached = f"{e.name} scores {format_score(e.score)}, meeting the target {format_score(target)}{promise}"
    rows = f"{e.n_rows:,} test rows" if e.n_rows else "the test rows"
    tested = facts.vs_target_adjusted
    ship = facts.simplest_adequate
    shipped = "it" if ship is None or ship.key == e.key else f"{ship.name} ({format_score(ship.score)})"
    simpler = "" if shipped == "it" else " (simpler, and shown not worse by min_gain)"
    if tested is None:
        return (f"{reached} Whether it holds is untested on {rows}: confirm on more data before shipping "
                f"{shipped}{simpler}.")
    from .comparison import is_better

    low, high = (e.score + tested.low - tested.estimate, e.score + tested.high - tested.estimate)
    chosen = facts.models_on_test_set
    ends = f"{format_score(low)} to {format_score(high)}"
    interval = (f"{format_level(facts.confidence)} interval {ends}" if chosen <= 1
                else f"interval {ends} at {format_family_level(facts.target_level)}, for the best of {chosen} models")
    if not is_better(facts.metric, tested):
        short = "below" if facts.metric.greater_is_better else "above"  # the side that misses it
        return (f"{reached} Its interval still reaches {short} the target ({interval}): {rows} cannot tell, so "
                f"confirm on more data before shipping {shipped}{simpler}.")
    confirm = "" if chosen <= 1 else (f" The best of {chosen} scores on one test set is optimistic: confirm it on "
                                      "data no model was chosen on.")
    return f"{reached} It holds with confidence ({interval}). Ship {shipped}{simpler} and measure the KPI.{confirm}"


# --------------------------------------------------------------------------- NBA4xx: after shipping


def shipped_findings(realized: Realized, shipped: Shipped) -> tuple[Finding, ...]:
    """Findings about a KPI measured after shipping, against what was projected when shipped."""
    return by_importance(_run("shipped", realized, shipped))


@check("NBA401", "warning", "Realized KPI outside the projection", scope="shipped")
def realized_outside_projection(realized: Realized, shipped: Shipped) -> str | None:
    """The KPI measured after shipping lies outside what was projected when the model was shipped
    (the interval carried through from the metric, or the range over the action's stated effect,
    whichever is wider). The projection rests on three assumptions, and at least one was wrong:
    the model ranks the cases it meets in production as well as it ranked the test set (no drift,
    a test set like production); the action works as the objective states (`action: effect:`);
    and the population is the one the KPI's current value describes (its size and its share of
    true cases). Worse than projected: score the model on recent labelled cases first (drift,
    leakage into the test set), then measure the action's effect against a group that got none,
    then check whether the population changed. Better than projected: the effect or the base rate
    was set too low. Either way, declare the objective again with what was measured and a `why:`
    line, so the next projection starts from it."""
    projection = shipped.judged.get("projection")
    if projection is None or projection["span"] is None:
        return None
    low, high = projection["span"]
    value = realized.number
    if low <= value <= high:
        return None
    decreasing = projection.get("direction") == "decrease"
    worse = value > high if decreasing else value < low
    said = f"{projection['kpi']} measured {realized.value} on {realized.on}"
    shown = projection["shown"]
    than = f"the {shown['projected']} projected for {shipped.model['name']} ({' to '.join(shown['span'])})"
    if worse:
        return (f"{said}, worse than {than}. Revisit, in this order: the model on recent cases (drift, a test set "
                f"unlike production), the action's effect, the population.")
    return (f"{said}, better than {than}. The action's effect or the population's share of true cases was set too "
            f"low: state what was measured in the objective.")


@check("NBA402", "warning", "Realized KPI short of its target", scope="shipped")
def realized_short_of_target(realized: Realized, shipped: Shipped) -> str | None:
    """The KPI measured after shipping has not reached the KPI target the objective agreed. The
    model may still be doing what was projected (see NBA401); then the target needs more than
    this model and this action can give: a better model (the metric's target), a stronger
    action, or a later deadline, agreed again with the KPI's owner."""
    projection = shipped.judged.get("projection")
    if projection is None or projection.get("target") is None or projection.get("direction") is None:
        return None
    from .kpi import QuantityError, parse_quantity

    try:
        target = parse_quantity(projection["target"]).value
    except QuantityError:
        return None
    decreasing = projection["direction"] == "decrease"
    if (realized.number <= target) if decreasing else (realized.number >= target):
        return None
    return (f"{projection['kpi']} measured {realized.value} on {realized.on}; the target is {projection['target']}. "
            f"{shipped.model['name']} was projected to bring it to {projection['shown']['projected']}.")


def _detectable(facts: Facts, tested) -> str:
    """``; these 1,761 test rows detect a gain of +0.031 or more 80% of the time`` beside a
    comparison that could not tell, or nothing when its spread is unknown."""
    from .comparison import POWER, detectable_gain

    gain = detectable_gain(tested, facts.confidence)
    if gain is None:
        return ""
    rows = f"these {tested.n:,} test rows" if tested.n else "these test rows"
    return f"; {rows} detect a gain of {format_change(gain)} or more {format_level(POWER)} of the time"


def _interval(facts: Facts, tested) -> str:
    """``: −0.013 (95% CI −0.030 to +0.004)`` after a comparison, or nothing when untested."""
    if tested is None:
        return ""
    return f": {_change(tested.estimate)} ({format_interval(tested.low, tested.high, facts.confidence)})"


def _change(value: float) -> str:
    """A change with the digits it needs to show itself: ``−0.0004``, not ``±0.000``."""
    text = format_change(value)
    if value == 0 or text[1:].strip("0.,"):
        return text
    _, high = format_apart(0.0, abs(value))  # as many decimals as tell 0 and the change apart
    return ("+" if value > 0 else "\u2212") + high
