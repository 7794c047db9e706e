"""Checks: the one registry of nbalign's diagnostics, one function per ``NBA`` code.

Like a linter's, every code is stable and has a level, a one-line title and an explanation that
says what to do (skore's methodological checks are the model). The explanation is the check
function's docstring, so the code, its wording and its rule live in one place; it reaches the
user in the banner's "why" (inline and in the sidebar) and in ``%nbalign explain NBA303``.

Adding a check is writing one function::

    @check("NBA304", "info", "Simpler model within tolerance", scope="progress")
    def simpler_model(facts):
        \"\"\"What it means and what to do.\"\"\"
        return "a specific message" if ... else None

Scopes: ``objective`` checks get ``(objective, today)``; ``progress`` checks get the
:class:`~nbalign.standing.Facts` the judge computed for one evaluation. A check returns its
message, or None when it does not apply. ``NBA1xx`` concern the objective, ``NBA2xx`` an
evaluation, ``NBA3xx`` progress.
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
    format_interval,
    format_level,
    format_score,
    kpi_line,
)

if TYPE_CHECKING:
    from .objective import Objective
    from .standing import Facts

LEVELS = ("success", "warning", "info")  # in the order a banner prefers them


@dataclass(frozen=True)
class Check:
    code: str
    level: str  # "info" | "warning" | "success"
    title: str
    explanation: str
    scope: str  # "objective" | "progress"
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


def objective_findings(objective: Objective, today: _dt.date | None = None) -> tuple[Finding, ...]:
    """Findings about the objective itself (``NBA1xx``)."""
    return _run("objective", objective, today or _dt.date.today())


def progress_findings(facts: Facts) -> tuple[Finding, ...]:
    """Findings about one evaluation against the baseline, the best before it and the target."""
    return _run("progress", facts)


# --------------------------------------------------------------------------- NBA1xx: the objective


@check("NBA101", "warning", "Deadline passed", scope="objective")
def deadline_passed(objective: Objective, today: _dt.date) -> str | None:
    """The KPI deadline is in the past. Set a new deadline with the owner, or record the
    outcome and close the objective."""
    kpi = objective.kpi
    if kpi is None or not kpi.deadline or _dt.date.fromisoformat(kpi.deadline) >= today:
        return None
    return (f"the KPI deadline {kpi.deadline} has passed; agree a new one with "
            f"{kpi.owner or kpi.judge or 'the owner'}.")


# --------------------------------------------------------------------------- NBA2xx: an evaluation


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
    models (Holm), but its score is not: confirm the chosen model on data no model was chosen
    on (a fresh hold-out, or newer data), and report that score."""
    from .standing import REUSE_LIMIT

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
    """The model scores a little below the baseline, but the difference is inside the noise of
    the test set: it is not shown to be worse, nor better. A model that cannot be told apart
    from the baseline adds nothing yet; look for signal in the features."""
    if not facts.near_baseline:
        return None
    e = facts.evaluation
    score, baseline = format_apart(e.score, facts.baseline)
    tested = facts.vs_baseline
    how = "" if tested is None else (f" of {_change(tested.estimate)} "
                                     f"({format_interval(tested.low, tested.high, facts.confidence)})")
    return (f"{e.name} scores {score} against the baseline's {baseline}, a difference{how} inside the "
            "noise of the test set: not shown to be worse, nor better.")


@check("NBA302", "info", "No real gain", scope="progress")
def no_real_gain(facts: Facts) -> str | None:
    """The model does not beat the best so far by a real gain: significantly, at the objective's
    confidence, and by at least min_gain. Differences inside the noise of the test set, and
    significant ones smaller than min_gain, do not count; keep the simpler model."""
    if facts.gain is None or facts.real_gain or facts.below_baseline:
        return None
    e, best = facts.evaluation, facts.best_before
    score, best_score = format_apart(e.score, best.score)
    verdict = facts.verdict
    tested = facts.vs_best
    if verdict == "small_gain":
        how = f"better than the best ({best.name}, {best_score}) by less than min_gain {format_score(facts.min_gain)}"
    elif verdict == "worse":
        how = f"worse than the best ({best.name}, {best_score})"
    elif tested is not None:
        how = f"not distinguishable from the best ({best.name}, {best_score})"
    elif facts.gain > 0:
        how = (f"only {format_score(facts.gain)} better than the best ({best.name}, {best_score}); gains "
               f"under min_gain {format_score(facts.min_gain)} do not count")
    else:
        how = f"no better than the best ({best.name}, {best_score})"
    return f"{e.name} scores {score}, {how}{_interval(facts, tested)}."


@check("NBA303", "warning", "Diminishing returns", scope="progress")
def diminishing_returns(facts: Facts) -> str | None:
    """Several models in a row (stop.patience) brought no real gain over the best. More
    complexity is not paying for itself: ship the simplest model that the best has not shown a
    real gain over (significant and at least min_gain, on the same test rows), or change the
    data or the features rather than the model. The message gives the trade-off in numbers: what
    the best adds, with its interval, for what it costs more."""
    adequate = facts.adequate
    if adequate is None:
        return None
    best, metric = facts.best, facts.metric
    stalled = f"{facts.stalled} models in a row brought no real gain over the best ({best.name}, {format_score(best.score)})."
    if adequate.key == best.key:
        return f"{stalled} It is also the simplest model it really beats: ship {best.name}, or improve the data."
    from .complexity import Complexity, ratio_text

    over = facts.best_over_adequate
    interval = "" if over is None else f" ({format_interval(over.low, over.high, facts.confidence)})"
    costs = ratio_text(Complexity.from_dict(best.complexity or {}), Complexity.from_dict(adequate.complexity or {}))
    trade = f" for {costs}" if costs else ""
    if facts.non_inferior:
        why = (f"not worse than the best by min_gain {format_score(facts.min_gain)} at "
               f"{format_level(facts.confidence)} confidence")
    else:
        why = f"the simplest model {best.name} shows no real gain over"
    return (f"{stalled} {best.name}: {_change(best.score - adequate.score)} {metric.label} over "
            f"{adequate.name}{interval}{trade}. Ship {adequate.name} ({format_score(adequate.score)}), {why}.")


@check("NBA305", "success", "Target reached", scope="progress")
def target_reached(facts: Facts) -> str | None:
    """The model meets the metric target that was agreed to deliver the KPI. Ship it and
    measure the KPI itself. The message says whether it holds with confidence: whether the
    model's own interval lies beyond the target, or only its score does."""
    target = facts.objective.target
    e = facts.evaluation
    if target is None or facts.few_rows or facts.metric.improvement(e.score, target) < 0:
        return None
    kpi = facts.objective.kpi
    line = kpi_line(kpi) if kpi is not None and kpi.target else ""
    promise = f" that should deliver: {kpi.name} {line}." if line else "."
    tested = facts.vs_target
    if tested is None:
        sure = ""
    else:
        from .comparison import improvement_interval

        low, high = (e.score + tested.low - tested.estimate, e.score + tested.high - tested.estimate)
        interval = f"{format_level(facts.confidence)} interval {format_score(low)} to {format_score(high)}"
        sure = (f" It holds with confidence ({interval})." if improvement_interval(facts.metric, tested)[0] > 0
                else f" Its interval still reaches below the target ({interval}): confirm on more data.")
    return (f"{e.name} scores {format_score(e.score)}, meeting the target {format_score(target)}"
            f"{promise}{sure} Ship it and measure the KPI.")


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
    low, high = format_apart(0.0, abs(value))  # as many decimals as tell 0 and the change apart
    return ("+" if value > 0 else "\u2212") + high
