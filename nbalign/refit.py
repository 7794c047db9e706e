"""nbalign's own refits: with a generator of their own, within a time budget, cancellable.

Some figures need a model fitted again: the decision threshold that maximises value (chosen on
out-of-fold scores of the training data), the recipe's scores on 5×2-fold cross-validation of the
training data (:mod:`nbalign.recipe`), a search's best estimator cross-validated on the
objective's metric. Those refits are nbalign's work, not the user's, so:

- they never draw from the user's random streams: a parameter left to chance
  (``random_state=None``) is given a seed from nbalign's own generator, and NumPy's and Python's
  global streams are put back as they were, whatever the refit drew from them
  (:func:`own_randomness`);
- they are done in the user's cell only when they fit in a small budget (one second by default,
  ``%config NbalignMagics.refit_budget``), estimated from how long the model's own fit took, and,
  when autolog triggered them, also within a tenth of the time the user's cell took
  (:data:`AUTOLOG_SHARE`: a scoring line never waits for refits); an evaluation's refits share
  it (:meth:`Budget.less`); otherwise nbalign says how long they would take and how to ask for
  them (:class:`Budget`);
- they stop between folds once their budget is spent, and Ctrl-C stops them too
  (:class:`Cancelled`), after the evaluation they belong to has been recorded.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import overload

# Seeds of nbalign's refits come from here, never from the user's streams.
_SEEDS = random.Random(20240611)

DEFAULT_BUDGET = 1.0  # seconds a refit may take inside the user's cell
# What autolog's refits may add to the cell that triggered them, as a share of that cell's time: the
# user's code keeps its timing within 10% (a scoring line never waits for refits; a long search may).
AUTOLOG_SHARE = 0.1


class Cancelled(Exception):
    """A refit stopped before its end: interrupted, or past its time limit."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


@contextlib.contextmanager
def own_randomness():
    """NumPy's and Python's global random streams are as they were after the block."""
    import numpy as np

    numpy_state = np.random.get_state()  # noqa: NPY002 - the legacy global stream is the one saved
    python_state = random.getstate()
    try:
        yield
    finally:
        np.random.set_state(numpy_state)  # noqa: NPY002 - and the one put back
        random.setstate(python_state)


def seeded_clone(model):
    """An unfitted copy of ``model`` whose parameters left to chance (``random_state=None``,
    nested ones too) are seeded from nbalign's own generator."""
    from sklearn.base import clone

    copy = clone(model)
    try:
        params = copy.get_params(deep=True)
    except Exception:  # noqa: BLE001 - a model without get_params is refitted as it is
        return copy
    unseeded = {name: _SEEDS.randrange(2**31) for name, value in params.items()
                if value is None and (name == "random_state" or name.endswith("__random_state"))}
    if unseeded:
        try:
            copy.set_params(**unseeded)
        except Exception:  # noqa: BLE001 - a parameter that cannot be set keeps its value
            pass
    return copy


def best_estimator(model):
    """What a model is, for refitting: a fitted search's best estimator with its parameters (not
    the whole search, whose refit would be a search in each fold), else the model."""
    found = getattr(model, "best_estimator_", None)
    return model if found is None else found


def fit_seconds(model, seen: float | None = None) -> float | None:
    """How long one fit of ``model`` took: as seen by autolog, or as a search measured its best
    estimator's refit."""
    if getattr(model, "best_estimator_", None) is not None:
        refit = getattr(model, "refit_time_", None)
        if refit is not None:
            return float(refit)
    return seen


@dataclass
class Budget:
    """How long nbalign's refits may take in the user's cell (``seconds``; 0 does them only
    when asked for), and whether a refit estimated at ``fits x fit_seconds`` fits in it."""

    seconds: float = DEFAULT_BUDGET
    limit: str = ""  # what set it, in words, when not the user's budget

    def within_cell(self, cell_seconds: float) -> Budget:
        """This budget, or what autolog may add to a cell that took ``cell_seconds`` when that is less."""
        share = max(0.0, AUTOLOG_SHARE * cell_seconds)
        if share >= self.seconds:
            return self
        return Budget(share, f"what autolog may add to this cell (a tenth of its {describe_seconds(cell_seconds)})")

    def less(self, spent: float, on: str) -> Budget:
        """What is left of this budget once ``spent`` seconds went to other refits (``on``: which):
        an evaluation's refits share one budget."""
        if spent <= 0 or self.seconds <= 0:
            return self
        return Budget(max(0.0, self.seconds - spent),
                      f"what is left of {self.describe()} after {on} ({describe_seconds(spent)})")

    def describe(self) -> str:
        return self.limit or f"the {describe_seconds(self.seconds)} budget"

    def allows(self, estimate: float | None) -> bool:
        return self.seconds > 0 and estimate is not None and estimate <= self.seconds

    def refusal(self, estimate: float | None, work: str, unseen: str, ask: str) -> str:
        """Why refits estimated at ``estimate`` seconds are not done in the cell, and how to ask
        for them (``ask``): ``work`` is what they are ("5 refits"), ``unseen`` what is said when
        the model's fit time is unknown."""
        if self.seconds <= 0 and not self.limit:
            return f"automatic refits are off (`%config NbalignMagics.refit_budget`); {ask}"
        if estimate is None:
            return f"{unseen}; {ask}"
        return f"{work} would take about {describe_seconds(estimate)}, over {self.describe()}; {ask}"

    def deadline(self, estimate: float | None) -> float:
        """When a refit that was let in (estimated within the budget) is stopped, between two of
        its fits: once the budget is spent, from now."""
        return time.perf_counter() + max(self.seconds, estimate or 0.0)


@overload
def estimate(fits: int, one_fit: float, share: float = 1.0) -> float: ...
@overload
def estimate(fits: int, one_fit: float | None, share: float = 1.0) -> float | None: ...
def estimate(fits: int, one_fit: float | None, share: float = 1.0) -> float | None:
    """Seconds ``fits`` refits on ``share`` of the rows take, from one fit on all of them."""
    return None if one_fit is None else fits * one_fit * share


def recipe_identity(model) -> str | None:
    """What refits of ``model`` depend on of the model: its class and parameters (a search's best
    estimator's), not what it learned; None for a model whose parameters cannot be read."""
    from .identity import model_identity

    try:
        return model_identity(best_estimator(model))
    except Exception:  # noqa: BLE001 - a model nbalign cannot identify is refitted every time
        return None


class Memory:
    """What nbalign's refits found in a session (a threshold chosen, a recipe's fold scores), by a
    key that starts with the model's :func:`recipe_identity` (``identity:…``): the most recent
    ``kept``. :meth:`knows` says whether anything of a model is kept, so a caller fingerprints the
    training data for the rest of the key only then."""

    def __init__(self, kept: int = 64):
        self.kept = kept
        self._found: OrderedDict = OrderedDict()
        self._identities: dict[str, int] = {}  # identity -> how many of its results are kept

    def knows(self, model) -> bool:
        return bool(self._found) and recipe_identity(model) in self._identities

    def get(self, key: str | None):
        found = None if key is None else self._found.get(key)
        if found is not None:
            self._found.move_to_end(key)
        return found

    def remember(self, key: str | None, value) -> None:
        if key is None:
            return
        if key not in self._found:
            identity = key.split(":")[0]
            self._identities[identity] = self._identities.get(identity, 0) + 1
        self._found[key] = value
        self._found.move_to_end(key)
        while len(self._found) > self.kept:
            dropped, _ = self._found.popitem(last=False)
            identity = dropped.split(":")[0]
            self._identities[identity] -= 1
            if not self._identities[identity]:
                del self._identities[identity]


def describe_seconds(seconds: float) -> str:
    if seconds < 0.1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    return f"{seconds / 60:.0f} min"
