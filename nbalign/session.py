"""The session: the one object per kernel that holds the active objective, the store and the
subscribers (inline display, the sidebar's comm).

It is plain Python: the IPython extension creates one and hands it to the magics, the comm and
the hooks; a script can create its own. Nothing is lost: a write the disk refuses is kept in
memory, reported once, and retried before the next write and after every cell.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .errors import NbalignError, NoObjectiveError
from .evaluation import Evaluation, now_iso
from .objective import Objective
from .store import Store, default_store_path
from .verdict import Summary, format_score, judge_history

log = logging.getLogger(__name__)

Subscriber = Callable[[str, dict], None]

# What a refused write looks like: SQLite's errors, and the OS refusing the folder or the file.
_REFUSED = (sqlite3.Error, OSError)


class Session:
    """Active objective, its judged evaluations, the store, and who to tell about changes.

    Examples
    --------
    >>> session = Session(store_path="/tmp/demo/nbalign.db")  # doctest: +SKIP
    >>> session.set_objective(parse_objective("metric: auc\\ntarget: 0.9", name="churn"))  # doctest: +SKIP
    >>> session.record(evaluate_model(session.objective, model, X_test, y_test, "lr"))  # doctest: +SKIP
    """

    def __init__(self, store_path: str | os.PathLike | None = None, notebook: str | None = None):
        self.store = Store(store_path or default_store_path())
        self.notebook = notebook
        self.objective: Objective | None = None
        self.evaluations: list[Evaluation] = []  # judged, in order
        self.summary: Summary | None = None
        self._pending: list[Objective | Evaluation] = []
        self._subscribers: list[Subscriber] = []
        self._told_moved_aside = False
        self.warn: Callable[[str], None] = lambda message: log.warning(message)

    # ------------------------------------------------------------------ subscribers

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def _emit(self, type_: str, payload: dict) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(type_, payload)
            except Exception as exc:  # a broken subscriber must not break the user's cell
                log.exception("nbalign subscriber failed")
                self.warn(f"nbalign could not update a view ({type(exc).__name__}: {exc}).")

    # ------------------------------------------------------------------ state

    def restore(self) -> Objective | None:
        """Load the last objective of this folder (preferring this notebook's) and its history."""
        self.objective = self.store.latest_objective(self.notebook)
        self._reload()
        self._emit("snapshot", self.snapshot())
        return self.objective

    def set_store_path(self, path: str | os.PathLike) -> None:
        self.flush()
        self.store.close()
        self.store = Store(path)
        self.restore()

    def set_objective(self, objective: Objective) -> Objective:
        """Declare (a new version of) the objective; later evaluations are judged under it."""
        if self.notebook and objective.notebook is None:
            objective = replace(objective, notebook=self.notebook)
        self.flush()
        try:
            saved = self.store.save_objective(objective)
        except _REFUSED as exc:
            previous = self.objective.version if self.objective and self.objective.name == objective.name else 0
            saved = objective.with_version(previous + 1, now_iso())
            self._keep(saved, exc)
        self.objective = saved
        self._reload()
        self._emit("snapshot", self.snapshot())
        return saved

    def require_objective(self) -> Objective:
        if self.objective is None:
            raise NoObjectiveError()
        return self.objective

    def record(self, evaluation: Evaluation) -> Evaluation:
        """Store an evaluation, judge it against the history, tell the subscribers.

        Returns the evaluation with its id and verdict.
        """
        self.flush()
        try:
            stored = self.store.record(evaluation)
        except _REFUSED as exc:
            stored = evaluation.with_id(self._provisional_id())
            self._keep(stored, exc)
        self._reload(extra=stored)
        judged = next(e for e in self.evaluations if e.id == stored.id)
        self._emit("evaluation", {"evaluation": judged.to_dict(), "summary": self.summary.to_dict()})
        return judged

    def flush(self) -> bool:
        """Retry the writes the store refused. Returns True when nothing is left pending."""
        if not self._pending:
            return True
        written = 0
        try:
            for item in list(self._pending):
                if isinstance(item, Objective):
                    self.store.save_objective(item)
                else:
                    self.store.record(item)
                self._pending.remove(item)
                written += 1
        except _REFUSED:
            return False
        finally:
            if written:
                log.info("nbalign wrote %d kept record(s) to %s", written, self.store.path)
        self._reload()
        self._emit("snapshot", self.snapshot())
        return True

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _keep(self, item: Objective | Evaluation, exc: Exception) -> None:
        first = not self._pending
        self._pending.append(item)
        if first:
            self.warn(
                f"nbalign could not write to its store {self.store.path} ({exc}). Your results "
                "are kept in memory and written as soon as the store accepts them (retried after "
                "every cell)."
            )

    def _provisional_id(self) -> int:
        ids = [e.id for e in self.evaluations if e.id is not None]
        return max(ids, default=0) + 1

    def _reload(self, extra: Evaluation | None = None) -> None:
        """Re-read the history from the store (another kernel may have written) and judge it."""
        if self.store.moved_aside is not None and not self._told_moved_aside:
            self._told_moved_aside = True
            self.warn(
                f"nbalign's store {self.store.path} could not be read, so it was moved aside to "
                f"{self.store.moved_aside} and a new one started. Nothing was deleted."
            )
        if self.objective is None:
            self.evaluations, self.summary = [], None
            return
        try:
            history = self.store.evaluations(self.objective.name)
        except _REFUSED as exc:
            log.warning("nbalign could not read %s: %s", self.store.path, exc)
            history = list(self.evaluations)
        by_key = {e.key: e for e in history}
        for kept in [e for e in self._pending if isinstance(e, Evaluation)] + ([extra] if extra else []):
            if kept.objective == self.objective.name and kept.key not in by_key:
                by_key[kept.key] = kept
        self.evaluations, self.summary = judge_history(self.objective, list(by_key.values()))

    # ------------------------------------------------------------------ views

    def snapshot(self) -> dict:
        """The full state, as the sidebar and the progress panel receive it."""
        return {
            "objective": self.objective.to_dict() if self.objective else None,
            "evaluations": [e.to_dict() for e in self.evaluations],
            "summary": self.summary.to_dict() if self.summary else None,
        }

    def describe(self, restored: bool = True) -> str:
        """One line about the state: on ``%load_ext`` what was restored, else where it stands."""
        if self.objective is None:
            return "nbalign loaded. Declare what this notebook is for in a `%%objective <name>` cell."
        s = self.summary
        text = f"{'Restored objective' if restored else 'Objective'} {self.objective.name!r} (version {self.objective.version}): "
        text += f"{s.n_evaluations} evaluation{'s' if s.n_evaluations != 1 else ''}"
        if s.best is not None:
            text += f", best {format_score(s.best.score)} ({s.best.name})"
        if s.progress is not None:
            text += f", {s.progress:.0%} of the way to the target {format_score(s.target)}"
        return text + "."


_active: Session | None = None


def active_session() -> Session:
    """The session of the running IPython kernel; a clear message if nbalign is not loaded."""
    if _active is None:
        raise NbalignError("nbalign is not loaded in this kernel. Run `%load_ext nbalign` first.")
    return _active


def set_active_session(session: Session | None) -> None:
    global _active
    _active = session


def notebook_path() -> str | None:
    """The notebook this kernel serves, when Jupyter says (jupyter-server sets JPY_SESSION_NAME)."""
    name = os.environ.get("JPY_SESSION_NAME")
    return str(Path(name).name) if name else None
