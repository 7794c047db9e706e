"""How long kept predictions stay: pruning keeps what the judgement needs, and every test it ran.

Predictions are kept so that two models can be compared row by row (:mod:`nbalign.comparison`).
Once a comparison has been run its result is remembered in the store, so the predictions of a
model that no future model will be compared with only take room. :func:`prune` removes those:

- it first judges each objective of the store and asks for everything a view can show (every
  row's verdict, intervals and findings, the summary, the model to ship), so every paired test
  the judgement needs is run and remembered: judged again after pruning, the standing is the same
  and runs no test;
- it keeps the predictions of the models a future model may be compared with
  (:func:`needed`): the baseline model, the best, the model to ship and the frontier of the
  candidates to ship on the best's test set (a new best is compared with those, simplest first),
  and those of the ``recent`` most recent evaluations of each objective;
- it removes the others, then gives the file's free pages back to the disk (VACUUM).

A remembered test is found again under the same records, scores, metric and confidence: a new
version of the objective with another confidence or metric compares pruned models on their point
values, as it does models that kept nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .comparison import Comparisons
from .store import Remembered, Store


@dataclass(frozen=True)
class Pruned:
    """What :func:`prune` removed (or, on a dry run, would remove)."""

    removed: int  # evaluations whose predictions were removed
    kept: int  # evaluations whose predictions stay
    bytes_removed: int  # bytes of the removed predictions
    bytes_freed: int  # bytes the store's file shrank by (0 on a dry run)
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "Would remove" if self.dry_run else "Removed"
        text = (f"{verb} the kept predictions of {self.removed} evaluation{'s' if self.removed != 1 else ''} "
                f"({_size(self.bytes_removed)}); kept those of {self.kept} that the judgement needs or are recent.")
        if not self.dry_run:
            text += f" The store's file shrank by {_size(self.bytes_freed)}."
        return text


def needed(standing) -> set[int]:
    """The ids of the evaluations whose predictions a future model may be compared with: the
    baseline model, the best, the model to ship and the frontier of the candidates on the best's
    test set (:mod:`nbalign.judge.candidates`: a model off it scores no higher than a simpler one,
    and never returns to it, so no future walk tests it)."""
    ids = {standing.baseline_record.id} if standing.baseline_record is not None else set()
    ship = standing.ship
    if ship is None:
        return ids
    ids.add(ship.record.id)
    best = standing.summary.best
    if best is not None:
        ids.add(best.id)
    candidates = None if ship.facts is None else ship.facts.candidates
    if candidates is not None:
        ids.update(candidates.records[at].id for _, at in candidates.frontier)
    return {i for i in ids if i is not None}


def prune(store: Store, recent: int = 0, dry_run: bool = False, vacuum: bool = True,
          standings: dict | None = None) -> Pruned:
    """Remove the kept predictions the judgement no longer needs (see the module).

    ``recent``: the most recent evaluations of each objective also keep theirs. ``dry_run``:
    judge, count and change nothing (the tests judging runs are remembered all the same).
    ``vacuum=False`` leaves the freed pages to the store's next writes. ``standings``: only
    these objectives, by name, as judged already (a session's own), instead of every objective
    of the store judged from it.
    """
    kept = store.kept_predictions()
    names = sorted({objective for objective, _ in kept.values()}) if standings is None else sorted(standings)
    candidates = {i for i, (objective, _) in kept.items() if objective in names}
    keep: set[int] = set()
    for name in names:
        standing = _judged(store, name) if standings is None else standings[name]
        keep |= _needed_now(standing, store.evaluations(name) if standing is None else standing.rows, recent)
    remove = sorted(candidates - keep)
    bytes_removed = sum(kept[i][1] for i in remove)
    left = len(kept) - len(remove)
    if dry_run:
        return Pruned(len(remove), left, bytes_removed, 0, True)
    removed = store.forget_predictions(remove)
    freed = store.vacuum() if vacuum else 0
    return Pruned(removed, len(kept) - removed, bytes_removed, freed)


def _judged(store: Store, name: str):
    """Objective ``name`` judged from the store (None if its objective is not stored)."""
    from .judge import Judge

    objective = store.latest_objective(name)
    if objective is None:
        return None
    records = store.evaluations(name)
    return Judge(objective, records, Comparisons(store.predictions, objective.stop.confidence,
                                                 Remembered(store))).standing()


def _needed_now(standing, rows, recent: int) -> set[int]:
    """Ask for every test a view can show (each remembered), then what must stay: what the
    judgement needs and the ``recent`` most recent. Everything, for records without an objective."""
    ids = {r.id for r in rows}
    if standing is None:
        return ids
    from .judge.wire import view

    view(standing, limit=None)  # every row's verdict, intervals and findings, the summary, the ship
    recent_ids = set(sorted(ids)[-recent:]) if recent > 0 else set()
    return recent_ids | needed(standing)


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count / 1e3:.0f} KB"
