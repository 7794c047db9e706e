"""nbalign's exceptions: one base class, a shallow hierarchy.

User mistakes are raised as :class:`NbalignError` subclasses with a message that says what is
wrong, where, and what to write instead; the magics show them as a short message, not a
traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import os

# Set to "1" by nbalign's tests: a failure of nbalign's own part (autolog, the hooks) raises there,
# so that a bug fails the suite; in use it is one warning and the user's code goes on.
STRICT_ENV = "NBALIGN_STRICT"


def strict() -> bool:
    """True under nbalign's tests (``NBALIGN_STRICT=1``): nbalign's own failures raise."""
    return os.environ.get(STRICT_ENV) == "1"


class NbalignError(Exception):
    """Base class of every mistake nbalign reports to the user.

    IPython shows it as one message, not a traceback through nbalign's internals, wherever it
    is raised (``nbalign.evaluate(...)`` as much as a magic).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class ObjectiveError(NbalignError, ValueError):
    """A mistake in an ``%%objective`` cell.

    ``line`` is the line of the cell the mistake concerns, counted as the user sees it: the
    ``%%objective`` line is line 1, so the first line of the YAML body is line 2.
    """

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.reason = message
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"%%objective, {where}{message}")


class NoObjectiveError(NbalignError, RuntimeError):
    """An evaluation was asked for before any objective was declared."""

    def __init__(self, hint: str | None = None):
        super().__init__(
            "no objective is declared yet. Declare one first in a cell that starts with "
            "`%%objective <name>` (outcome, metric, target, baseline); see `%objective?`."
            + (f" {hint}" if hint else "")
        )


class EvaluationError(NbalignError, ValueError):
    """An evaluation could not be made from what the user passed."""
