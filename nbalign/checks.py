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

from .format import format_apart, format_score, kpi_line

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


# --------------------------------------------------------------------------- NBA3xx: progress


@check("NBA301", "warning", "Below baseline", scope="progress")
def below_baseline(facts: Facts) -> str | None:
    """The model scores worse than the baseline: it would make the business worse than today's
    system or a trivial model. Check the features and the data split before trying more complex
    models."""
    if not facts.below_baseline:
        return None
    e = facts.evaluation
    score, baseline = format_apart(e.score, facts.baseline)
    return f"{e.name} scores {score}, worse than the baseline {baseline} on {facts.metric.label}."


@check("NBA302", "info", "No real gain", scope="progress")
def no_real_gain(facts: Facts) -> str | None:
    """The model does not beat the best so far by at least min_gain. Smaller changes are
    treated as noise; keep the simpler model."""
    if facts.gain is None or facts.gain >= facts.min_gain or facts.below_baseline:
        return None
    e, best = facts.evaluation, facts.best_before
    if facts.gain < 0:
        how = "worse than"
    elif facts.gain == 0:
        how = "no better than"
    else:
        how = f"only {format_score(facts.gain)} better than"
    score, best_score = format_apart(e.score, best.score)
    return (f"{e.name} scores {score}, {how} the best ({best.name}, {best_score}); "
            f"gains under min_gain {format_score(facts.min_gain)} do not count.")


@check("NBA303", "warning", "Diminishing returns", scope="progress")
def diminishing_returns(facts: Facts) -> str | None:
    """Several models in a row (stop.patience) have not beaten the best by min_gain. More
    complexity is not paying for itself: ship the simplest model within min_gain of the best,
    or change the data or the features rather than the model."""
    if facts.stalled < facts.patience or facts.adequate is None:
        return None
    best, adequate = facts.best, facts.adequate
    return (f"{facts.stalled} models in a row gained less than {format_score(facts.min_gain)} over "
            f"the best ({best.name}, {format_score(best.score)}). Ship {adequate.name} "
            f"({format_score(adequate.score)}), the earliest model within min_gain of the best, "
            "or improve the data rather than the model.")


@check("NBA305", "success", "Target reached", scope="progress")
def target_reached(facts: Facts) -> str | None:
    """The model meets the metric target that was agreed to deliver the KPI. Ship it and
    measure the KPI itself."""
    target = facts.objective.target
    e = facts.evaluation
    if target is None or facts.few_rows or facts.metric.improvement(e.score, target) < 0:
        return None
    kpi = facts.objective.kpi
    line = kpi_line(kpi) if kpi is not None and kpi.target else ""
    promise = f" that should deliver: {kpi.name} {line}." if line else "."
    return (f"{e.name} scores {format_score(e.score)}, meeting the target {format_score(target)}"
            f"{promise} Ship it and measure the KPI.")
