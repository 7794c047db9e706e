"""Diagnostic codes: the one place where every nbalign warning is named and explained.

Like a linter's, each code is stable, has a one-line title and an explanation that says what to
do. ``NBA1xx`` concern the objective, ``NBA2xx`` an evaluation, ``NBA3xx`` progress.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    level: str  # "info" | "warning" | "success"
    title: str
    explanation: str


CODES: dict[str, Code] = {
    c.code: c
    for c in [
        Code(
            "NBA101",
            "warning",
            "Deadline passed",
            "The KPI deadline is in the past. Set a new deadline with the owner, or record "
            "the outcome and close the objective.",
        ),
        Code(
            "NBA301",
            "warning",
            "Below baseline",
            "The model scores worse than the baseline: it would make the business worse than "
            "today's system or a trivial model. Check the features and the data split before "
            "trying more complex models.",
        ),
        Code(
            "NBA302",
            "info",
            "No real gain",
            "The model does not beat the best so far by at least min_gain. Smaller changes are "
            "treated as noise; keep the simpler model.",
        ),
        Code(
            "NBA303",
            "warning",
            "Diminishing returns",
            "Several models in a row have not beaten the best by min_gain. More complexity is "
            "not paying for itself: ship the simplest model within min_gain of the best, or "
            "change the data or the features rather than the model.",
        ),
        Code(
            "NBA305",
            "success",
            "Target reached",
            "The model meets the metric target that was agreed to deliver the KPI. Ship it and "
            "measure the KPI itself.",
        ),
    ]
}


@dataclass(frozen=True)
class Diagnostic:
    """One finding about an objective, an evaluation or progress, with a specific message."""

    code: str
    message: str

    @property
    def level(self) -> str:
        return CODES[self.code].level

    @property
    def title(self) -> str:
        return CODES[self.code].title

    def to_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "title": self.title, "message": self.message}


# Which banner wins when an evaluation has several findings.
_PRIORITY = {"success": 0, "warning": 1, "info": 2}


def most_important(diagnostics: list[Diagnostic]) -> Diagnostic | None:
    if not diagnostics:
        return None
    return min(diagnostics, key=lambda d: (_PRIORITY[d.level], d.code))
