"""The session: the one object per kernel that holds the active objective, the store, the judged
standing and the subscribers (the sidebar's comm, later the widget panel).

It is plain Python: the IPython extension creates one and hands it to the magics, the comm and
the hooks; a script can create its own. After every change it publishes the whole standing with
a revision number; views replace what they show with it and never merge.

Nothing is lost: a write the disk refuses is kept in memory, reported once, and retried before
the next write and after every cell.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import NbalignError, NoObjectiveError
from .evaluation import Evaluation, now_iso
from .objective import Objective
from .store import Store, default_store_path

if TYPE_CHECKING:  # the judge loads with the first objective: `import nbalign` stays light
    from .standing import Judge, Row, Standing

log = logging.getLogger(__name__)

# A subscriber receives (message type, payload); today the one type is "standing".
Subscriber = Callable[[str, dict], None]

# What a refused write looks like: SQLite's errors, and the OS refusing the folder or the file.
_REFUSED = (sqlite3.Error, OSError)


class Session:
    """Active objective, its records and standing, the store, and who to tell about changes.

    Examples
    --------
    >>> session = Session(store_path="/tmp/demo/nbalign.db")  # doctest: +SKIP
    >>> session.set_objective(parse_objective("metric: auc\\ntarget: 0.9", name="churn"))  # doctest: +SKIP
    >>> row = session.record(evaluate_model(session.objective, model, X_test, y_test, "lr"))  # doctest: +SKIP
    >>> row.verdict, session.standing.summary.progress  # doctest: +SKIP
    ('first', None)
    """

    def __init__(self, store_path: str | os.PathLike | None = None, notebook: str | None = None):
        self.store = Store(store_path or default_store_path())
        self.notebook = notebook
        self.objective: Objective | None = None
        self.id = os.urandom(6).hex()  # views tell a restarted kernel's revisions apart by it
        self.revision = 0
        self._judge: Judge | None = None
        self._seen_change = 0  # the store's change number this session has read up to
        self._pending: list[Objective | Evaluation] = []
        self._subscribers: list[Subscriber] = []
        self._message: dict | None = None
        self._told_moved_aside = False
        self.warn: Callable[[str], None] = lambda message: log.warning(message)

    # ------------------------------------------------------------------ subscribers

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def message(self) -> dict:
        """What views receive: ``{session, revision, standing}``, the standing bounded in rows."""
        if self._message is None:
            self._publish(notify=False)
        return self._message

    def _publish(self, notify: bool = True) -> None:
        self.revision += 1
        standing = self.standing
        self._message = {
            "session": self.id,
            "revision": self.revision,
            "standing": None if standing is None else standing.to_dict(),
        }
        if not notify:
            return
        for subscriber in list(self._subscribers):
            try:
                subscriber("standing", self._message)
            except Exception as exc:  # a broken view must not break the user's cell
                log.exception("nbalign subscriber failed")
                self.warn(f"nbalign could not update a view ({type(exc).__name__}: {exc}).")

    # ------------------------------------------------------------------ state

    @property
    def standing(self) -> Standing | None:
        """The judged state of the active objective; None before one is declared."""
        return None if self._judge is None else self._judge.standing()

    @property
    def records(self) -> list[Evaluation]:
        """Every record of the active objective (all versions), in the order first recorded."""
        return [] if self._judge is None else self._judge.records()

    def restore(self) -> Objective | None:
        """Load the last objective of this folder (preferring this notebook's) and its history."""
        self.objective = self.store.latest_objective(self.notebook)
        self._load()
        self._publish()
        return self.objective

    def set_store_path(self, path: str | os.PathLike) -> None:
        self.flush()
        self.store.close()
        self.store = Store(path)
        self.restore()

    def set_objective(self, objective: Objective, baseline: Evaluation | None = None) -> Objective:
        """Declare (a new version of) the objective, with its baseline's evaluation if it has one.

        The history is judged anew under the new version, and views get one standing with the
        baseline already in it.
        """
        if self.notebook and objective.notebook is None:
            objective = replace(objective, notebook=self.notebook)
        self.flush()
        try:
            saved = self.store.save_objective(objective)
        except _REFUSED as exc:
            previous = self.objective.version if self.objective and self.objective.name == objective.name else 0
            saved = objective.with_version(previous + 1, now_iso())
            self._keep(saved, exc)
        same_history = self.objective is not None and self.objective.name == saved.name
        records = self.records if same_history else None
        self.objective = saved
        if records is None:
            self._load()
        else:
            from .standing import Judge

            self._judge = Judge(saved, records)
        if baseline is not None:
            self._write(replace(baseline, objective=saved.name, objective_version=saved.version))
        self._publish()
        return saved

    def require_objective(self) -> Objective:
        if self.objective is None:
            raise NoObjectiveError()
        return self.objective

    def record(self, evaluation: Evaluation) -> Row:
        """Store an evaluation, judge it against the history, tell the subscribers.

        Returns its row in the new standing. Neither the history nor its judgement is read or
        computed again: only what changed since this session last looked.
        """
        self.require_objective()
        stored = self._write(evaluation)
        self._publish()
        return self.standing.row(stored.id)

    def _write(self, evaluation: Evaluation) -> Evaluation:
        self.flush()
        try:
            stored = self.store.record(evaluation)
            changed, self._seen_change = self.store.changes(self.objective.name, self._seen_change)
        except _REFUSED as exc:
            known = self._judge.find(evaluation.key)
            stored = evaluation.with_id(known.id if known else self._provisional_id())
            self._keep(stored, exc)
            changed = [stored]
        self._judge.put([e for e in changed if e.objective == self.objective.name] or [stored])
        return stored

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
        self._load()  # the store assigned the real ids
        self._publish()
        return True

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _keep(self, item: Objective | Evaluation, exc: Exception) -> None:
        first = not self._pending
        if isinstance(item, Evaluation):
            self._pending = [p for p in self._pending if not (isinstance(p, Evaluation) and p.key == item.key)]
        self._pending.append(item)
        if first:
            self.warn(
                f"nbalign could not write to its store {self.store.path} ({exc}). Your results "
                "are kept in memory and written as soon as the store accepts them (retried after "
                "every cell)."
            )

    def _provisional_id(self) -> int:
        return max((e.id for e in self.records), default=0) + 1

    def _load(self) -> None:
        """Read the active objective's whole history from the store and judge it."""
        if self.store.moved_aside is not None and not self._told_moved_aside:
            self._told_moved_aside = True
            self.warn(
                f"nbalign's store {self.store.path} could not be read, so it was moved aside to "
                f"{self.store.moved_aside} and a new one started. Nothing was deleted."
            )
        if self.objective is None:
            self._judge = None
            return
        try:
            history, self._seen_change = self.store.changes(self.objective.name, since=0)
        except _REFUSED as exc:
            log.warning("nbalign could not read %s: %s", self.store.path, exc)
            history = [e for e in self.records if e.objective == self.objective.name]
        kept = [e for e in self._pending if isinstance(e, Evaluation) and e.objective == self.objective.name]
        stored_keys = {e.key for e in history} if kept else set()
        unwritten = [e for e in kept if e.key not in stored_keys]
        next_id = max((e.id for e in history), default=0)
        for offset, evaluation in enumerate(unwritten, start=1):
            unwritten[offset - 1] = evaluation.with_id(next_id + offset)
        from .standing import Judge

        self._judge = Judge(self.objective, history + unwritten)

    # ------------------------------------------------------------------ words

    def describe(self, restored: bool = True) -> str:
        """One line about the state: on ``%load_ext`` what was restored, else where it stands."""
        if self.objective is None:
            return "nbalign loaded. Declare what this notebook is for in a `%%objective <name>` cell."
        from .format import format_percent, format_score

        summary = self.standing.summary
        n = summary.n_models
        text = f"{'Restored objective' if restored else 'Objective'} {self.objective.name!r} (version {self.objective.version}): "
        text += f"{n} evaluation{'s' if n != 1 else ''}"
        if summary.best is not None:
            text += f", best {format_score(summary.best.score)} ({summary.best.name})"
        if summary.progress is not None:
            text += f", {format_percent(summary.progress)} of the way to the target {format_score(summary.target)}"
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
