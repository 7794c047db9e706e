"""The session: the one object per kernel that holds the active objective, the store, the judged
standing and the subscribers (the sidebar's comm, the widget panel).

It is plain Python: the IPython extension creates one and hands it to the magics, the comm and
the hooks; a script can create its own. After a change it publishes the whole standing with a
revision number (within a cell, at most once every :attr:`Session.pace` seconds, and when the cell
ends); views replace what they show with it and never merge.

Nothing is lost: a write the disk refuses is kept in memory, reported once, and retried before
the next write and after every cell (without waiting for another writer's lock); what is still
unwritten when the session closes goes to a file (:mod:`nbalign.unsaved`) that the next session
on the store adds back. A store deleted under the session is written anew with what it knows.

Only the objective declared from this notebook is restored; one of another notebook is
:attr:`Session.found` and :meth:`Session.adopt` continues it.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .business import Thresholds
from .errors import NbalignError, NoObjectiveError
from .evaluation import Evaluation, now_iso
from .objective import Objective
from .predictions import DEFAULT_LIMIT
from .recipe import Checked
from .refit import Budget
from .store import Remembered, Store, default_store_path

if TYPE_CHECKING:  # the judge loads with the first objective: `import nbalign` stays light
    from .comparison import Comparisons
    from .events import Agreement, Event, History, Realized
    from .judge import Judge, Row, Standing
    from .tasks import Labels

log = logging.getLogger(__name__)

# A subscriber receives (message type, payload); today the one type is "standing".
Subscriber = Callable[[str, dict], None]

# What a refused write looks like: SQLite's errors, and the OS refusing the folder or the file.
_REFUSED = (sqlite3.Error, OSError)

# Seconds a user's evaluation waits for another writer's lock before it is kept and retried;
# while results are kept, writes do not wait again (see Session._write).
WRITE_WAIT = 1.0
# A headless run of a notebook (nbclient, papermill, `jupyter nbconvert --execute`) is told which
# objective it continues by this variable: `%load_ext nbalign` restores it without `%nbalign adopt`
# (the notebook's path is not known there), and a `%%objective` cell without a name declares it.
OBJECTIVE_ENV = "NBALIGN_OBJECTIVE"
# With a cap on kept predictions (keep_predictions), prune once every this many records, not at each.
PRUNE_EVERY = 10


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
        # A write waits a moment for another kernel's lock, then is kept and retried later.
        self.store = Store(store_path or default_store_path(), busy_timeout=WRITE_WAIT)
        self.notebook = notebook
        self.objective: Objective | None = None
        self.id = os.urandom(6).hex()  # views tell a restarted kernel's revisions apart by it
        self.rows_kept = DEFAULT_LIMIT  # test rows whose labels (and predictions) are kept per test set
        # -1: every evaluation keeps its predictions until pruned; N: besides what the judgement
        # needs, only the N most recent of the objective (see nbalign.retention)
        self.keep_predictions = -1
        self._recorded_since_pruned = 0
        self.refit_budget = Budget()  # how long nbalign's refits may take in the user's cell
        self.thresholds = Thresholds()  # decision thresholds chosen in this session
        self.recipes = Checked()  # fold scores of the recipes checked in this session (nbalign.recipe)
        self.labels: Labels | None = None  # the objective's test labels, counted when first seen
        self.revision = 0
        self._judge: Judge | None = None
        self._seen_change = 0  # the store's change number this session has read up to
        self._pending: list[Objective | Evaluation] = []
        self._subscribers: list[Subscriber] = []
        self._message: dict | None = None
        self._told: set[str] = set()  # what the user was told about the store, once each
        self.found: Objective | None = None  # an objective of the store not tied to this notebook
        self.warn: Callable[[str], None] = lambda message: log.warning(message)
        self._batching = 0  # inside batch(): changes are published once, at its end
        self._held = False  # a change views were not told of yet
        # Within a cell, views are told at most once every `pace` seconds; the rest is told when
        # the cell ends. A loop that evaluates a hundred models sends a few standings, not a
        # hundred, and the sidebar still moves while it runs. 0: every change at once.
        self.pace = 0.0
        self._in_cell = False
        self._last_told = -math.inf
        # The fitted models behind this session's records, by record key, for `%nbalign ship`:
        # the user's held weakly (nbalign never keeps a model alive), the baselines nbalign fitted
        # itself (`baseline: auto`, two small models a declaration) held while the session lives.
        self._models: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._own_models: dict[str, object] = {}
        self._history: tuple[str | None, History | None] | None = None  # (objective, its decisions) views show

    # ------------------------------------------------------------------ subscribers

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def message(self) -> dict:
        """What views receive: ``{session, revision, standing}``, the standing bounded in rows.

        Built when first asked after a change (by a subscriber, or a view asking): a session no
        view listens to never builds it."""
        if self._message is None:
            from .judge.wire import view

            self.revision = max(self.revision, 1)  # views take revisions from 1
            standing = self.standing
            self._message = {
                "session": self.id,
                "revision": self.revision,
                "standing": None if standing is None else view(standing, history=self._decided()),
            }
        return self._message

    @contextmanager
    def batch(self):
        """Inside it, views are told once, at the end, however many records change (autolog
        records what one cell evaluated in one batch)."""
        self._batching += 1
        try:
            yield self
        finally:
            self._batching -= 1
            if not self._batching and self._held:
                self._held = False
                self._publish()

    def cell_started(self) -> None:
        """A cell began: from now on, views are told at the :attr:`pace` (the extension calls it)."""
        self._in_cell = True

    def cell_finished(self) -> None:
        """The cell ended: views are told what they were not told yet."""
        self._in_cell = False
        if self._held and not self._batching:
            self._tell()

    def _publish(self) -> None:
        if self._batching:
            self._held = True
            return
        self.revision += 1
        self._message = None
        if self._in_cell and time.monotonic() - self._last_told < self.pace:
            self._held = True  # told at the next change after the pace, or when the cell ends
            return
        self._tell()

    def _tell(self) -> None:
        self._held = False
        self._last_told = time.monotonic()
        for subscriber in list(self._subscribers):
            try:
                subscriber("standing", self.message())
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
        """Load this notebook's objective and its history, if the store holds one tied to it.

        An objective declared from another notebook, or from a context whose notebook is not
        known (plain IPython, nbclient, papermill), is not adopted: :attr:`found` names it and
        :meth:`describe` says how to adopt it (:meth:`adopt`). Nothing is logged into it until
        the user does, unless ``$NBALIGN_OBJECTIVE`` names it (a headless run told which one).
        """
        self.objective = self.found = None
        self._history = None
        try:
            self._recover_unsaved()
            self.objective = self.store.notebook_objective(self.notebook) if self.notebook else None
            named = os.environ.get(OBJECTIVE_ENV)
            if self.objective is None and named:  # a headless run told which objective it continues
                self.objective = self.store.latest_objective(named)
            if self.objective is None:
                self.found = self.store.latest_objective()
        except _REFUSED as exc:
            self._warn_once("unreadable", f"nbalign could not read its store {self.store.path} ({exc}).")
        self._tell_about_the_store()
        self._load()
        self._publish()
        return self.objective

    def adopt(self, name: str) -> Objective:
        """Continue the objective ``name`` of this folder's store in this notebook.

        Its latest version becomes the active objective; when this notebook is known and the
        objective was declared elsewhere, a new version tied to this notebook is saved, so the
        next ``%load_ext`` restores it here.
        """
        objective = self.store.latest_objective(name)
        if objective is None:
            known = self.store.objective_names()
            raise NbalignError(f"this folder's store has no objective {name!r}"
                               + (f"; it has {', '.join(map(repr, known))}." if known else "; it has none."))
        if self.notebook and objective.notebook != self.notebook:
            objective = self.set_objective(replace(objective, notebook=self.notebook, version=0))
        else:
            self.objective = objective
            self._load()
            self._publish()
        self.found = None
        return objective

    def set_store_path(self, path: str | os.PathLike) -> None:
        self.flush()
        new = Store(path, busy_timeout=self.store.busy_timeout)
        new.check()  # refuse a file that is not a store before letting go of ours
        self.store.close()
        self.store = new
        self.restore()

    def set_objective(self, objective: Objective, *baselines: Evaluation | None) -> Objective:
        """Declare (a new version of) the objective, with its baselines' evaluations if it has any.

        ``baselines`` are written in the order given: for ``baseline: auto`` the constant floor
        first, then the linear baseline to beat (``None`` is skipped). The history is judged
        anew under the new version, and views get one standing with the baselines already in it.
        """
        if self.notebook and objective.notebook is None:
            objective = replace(objective, notebook=self.notebook)
        self.flush(wait=False)  # as in _write: a locked store costs a declaration one wait at most
        try:
            saved = self.store.save_objective(objective, wait=not self._pending)
        except _REFUSED as exc:
            saved = objective.with_version(self._next_version(objective.name), now_iso())
            self._keep(saved, exc)
        same_history = self.objective is not None and self.objective.name == saved.name
        if not same_history and saved.data_test is None:
            self.labels = None  # another objective's labels say nothing of this one's
        records = self.records if same_history else None
        self.objective, self.found = saved, None
        if records is None:
            self._load()
        else:
            from .judge import Judge

            self._judge = Judge(saved, records, self._comparisons(saved))
            if self.labels is not None:
                self._judge.see_labels(self.labels)
        for baseline in baselines:
            if baseline is not None:
                self._write(replace(baseline, objective=saved.name, objective_version=saved.version))
        self._publish()
        return saved

    def see_labels(self, y, again: bool = False) -> None:
        """Count the test labels for the objective's checks: when declared with its test data,
        else the first time an evaluation shows them (``again`` counts them anew)."""
        if self.labels is not None and not again:
            return
        from .tasks import describe_labels

        self.labels = describe_labels(y)
        if self._judge is not None:
            self._judge.see_labels(self.labels)

    def require_objective(self) -> Objective:
        if self.objective is None:
            raise NoObjectiveError(self._adopt_hint())
        return self.objective

    def require_standing(self) -> Standing:
        """:attr:`standing`, or :class:`~nbalign.errors.NoObjectiveError` (as
        :meth:`require_objective`) before an objective is declared."""
        return self._require_judge().standing()

    def _require_judge(self) -> Judge:
        self.require_objective()
        assert self._judge is not None  # an objective is judged from the moment it is set
        return self._judge

    def record(self, evaluation: Evaluation) -> Row:
        """Store an evaluation, judge it against the history, tell the subscribers.

        Returns its row in the new standing. Neither the history nor its judgement is read or
        computed again: only what changed since this session last looked.
        """
        self.require_objective()
        stored = self._write(_measured_once(evaluation, self._require_judge().find(evaluation.key)))
        self._publish()
        self._retain()
        assert stored.id is not None  # numbered by the store, or provisionally while it refuses
        return self.require_standing().row(stored.id)

    def prune(self, dry_run: bool = False):
        """Remove the kept predictions the judgement no longer needs, in the whole store, and
        shrink its file (see :func:`nbalign.retention.prune`); what was removed."""
        from .retention import prune

        self.flush()
        return prune(self.store, recent=max(self.keep_predictions, 0), dry_run=dry_run)

    def _retain(self) -> None:
        """With ``keep_predictions`` set, prune the active objective every :data:`PRUNE_EVERY`
        records, from its standing as judged (the freed pages are reused by later writes: no VACUUM)."""
        if self.keep_predictions < 0 or self._pending or self.objective is None:
            return
        self._recorded_since_pruned += 1
        if self._recorded_since_pruned < PRUNE_EVERY:
            return
        self._recorded_since_pruned = 0
        from .retention import prune

        try:
            prune(self.store, recent=self.keep_predictions, vacuum=False,
                  standings={self.objective.name: self.require_standing()})
        except _REFUSED as exc:  # tried again PRUNE_EVERY records later
            log.info("nbalign could not prune kept predictions: %s", exc)

    def _write(self, evaluation: Evaluation) -> Evaluation:
        # Results kept in memory mean the store refused a moment ago (another writer's lock, most
        # often): the retry and this write do not wait for it again, so a locked store costs one
        # wait, not two per evaluation (the retry's and the write's).
        self.flush(wait=False)  # also notices a store deleted under it, and writes back what it knows
        try:
            stored = self.store.record(evaluation, wait=not self._pending).without_predictions()
            if self.store.last_change == self._seen_change + 1:  # no other kernel wrote since: no need to read
                changed, self._seen_change = [stored], self.store.last_change
            else:
                changed, self._seen_change = self.store.changes(self.require_objective().name, self._seen_change)
        except _REFUSED as exc:
            known = self._require_judge().find(evaluation.key)
            kept = evaluation.with_id(known.id if known is not None and known.id is not None
                                      else self._provisional_id())
            self._keep(kept, exc)
            stored = kept.without_predictions()  # kept whole until written
            changed = [stored]
        self._require_judge().put([e for e in changed if e.objective == self.require_objective().name] or [stored])
        return stored

    def flush(self, wait: bool = True) -> bool:
        """Retry the writes the store refused. Returns True when nothing is left pending.

        ``wait=False`` (the retry after each cell and before each write) does not wait for another
        writer's lock: a locked store never holds up the user's cells. A store file deleted under
        the session is noticed here too, and written anew with what the session knows.
        """
        self._check_vanished()
        if not self._pending:
            return True
        written = 0
        timeout = self.store.busy_timeout
        if not wait:
            self.store.set_busy_timeout(0)
        try:
            while self._pending:  # in order; a renumbered objective renumbers what follows it
                item = self._pending[0]
                if isinstance(item, Objective):
                    saved = self.store.save_objective(item, keep_version=True)
                    if saved.version != item.version:
                        self._renumber(item, saved.version)
                else:
                    self.store.record(item)
                self._pending.pop(0)
                written += 1
        except _REFUSED:
            return False
        finally:
            self.store.set_busy_timeout(timeout)
            if written:
                log.info("nbalign wrote %d kept record(s) to %s", written, self.store.path)
        self._tell_once_written()
        self._load()  # the store assigned the real ids
        self._publish()
        return True

    def close(self) -> Path | None:
        """End the session (unload, kernel exit): write what is pending, or keep it in a file.

        Returns the file the unwritten records were kept in, if any (and says so).
        """
        kept = None
        if not self.flush():
            from . import unsaved

            kept = unsaved.save(self.store.path, list(self._pending))
            n = sum(isinstance(i, Evaluation) for i in self._pending)
            if kept is not None:
                self.warn(f"nbalign could not write {n} evaluation(s) to its store {self.store.path}; "
                          f"they are kept in {kept} and will be added to the store the next time "
                          "nbalign loads it.")
                self._pending.clear()
            else:
                self.warn(f"nbalign could not write {n} evaluation(s) to its store {self.store.path} "
                          "nor to any fallback folder: they are lost when this kernel ends. Point the "
                          "store at a writable file (`%config NbalignMagics.store_path = ...`) to keep them.")
        self.store.close()
        return kept

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _keep(self, item: Objective | Evaluation, exc: Exception) -> None:
        first = not self._pending
        if isinstance(item, Evaluation):
            self._pending = [p for p in self._pending if not (isinstance(p, Evaluation) and p.key == item.key)]
        self._pending.append(item)
        if first:
            self._told.discard("written")
            self.warn(
                f"nbalign could not write to its store {self.store.path} ({exc}). Your results "
                "are kept in memory and written as soon as the store accepts them (retried after "
                "every cell, without waiting)."
            )

    def _renumber(self, kept: Objective, version: int) -> None:
        """The store gave a kept objective another version (someone declared one meanwhile):
        the evaluations kept under it follow it."""
        for i, item in enumerate(self._pending):
            if isinstance(item, Evaluation) and item.objective == kept.name and item.objective_version == kept.version:
                self._pending[i] = replace(item, objective_version=version)
        if self.objective is not None and self.objective.name == kept.name and self.objective.version == kept.version:
            self.objective = self.objective.with_version(version, self.objective.created_at)

    def _next_version(self, name: str) -> int:
        try:
            latest = self.store.latest_objective(name)
        except _REFUSED:
            latest = None
        known = [latest.version if latest else 0]
        if self.objective is not None and self.objective.name == name:
            known.append(self.objective.version)
        known += [p.version for p in self._pending if isinstance(p, Objective) and p.name == name]
        return max(known) + 1

    def _provisional_id(self) -> int:
        return max((e.id or 0 for e in self.records), default=0) + 1

    def _check_vanished(self) -> bool:
        """If the store's file was deleted while open, write everything this session knows into
        the new one (once, with one warning). Returns True if it did."""
        if not self.store.has_vanished():
            return False
        self.store.close()
        objective, records = self.objective, self.records
        try:
            if objective is not None and objective.version > 0:
                self.store.save_objective(objective, keep_version=True)
            for record in records:
                self.store.record(replace(record, id=None))
        except _REFUSED as exc:
            for item in ([objective] if objective else []) + records:
                self._keep(item, exc)
        self.warn(f"nbalign's store {self.store.path} was deleted while this kernel was using it. A new "
                  f"one was written with everything this session knows ({len(records)} evaluation(s) of "
                  f"{objective.name!r})." if objective else
                  f"nbalign's store {self.store.path} was deleted while this kernel was using it; "
                  "a new one was started.")
        self._load()
        return True

    def _recover_unsaved(self) -> None:
        """Add the records earlier sessions kept in files (the user's own, see
        :mod:`nbalign.unsaved`) to this store, each file once; a malformed one is set aside."""
        from . import unsaved

        for kept in unsaved.find(self.store.path, tell=self.warn):
            try:
                added = self.store.recover(kept.digest, str(kept.path), kept.objectives, kept.evaluations)
            except _REFUSED as exc:
                log.info("nbalign could not recover %s yet: %s", kept.path, exc)
                return
            unsaved.mark_recovered(kept.path)
            if added:
                self.warn(f"nbalign added {len(kept.evaluations)} evaluation(s) kept in {kept.path} by an "
                          f"earlier session to its store {self.store.path}.")

    def _tell_about_the_store(self) -> None:
        store = self.store
        if store.moved_aside is not None:
            self._warn_once("moved_aside",
                            f"nbalign's store {store.path} could not be read, so it was moved aside to "
                            f"{store.moved_aside} and a new one started. Nothing was deleted.")
        if store.read_only:
            self._warn_once("read_only",
                            f"nbalign's store {store.path} is read-only: its objective and history are "
                            "shown, and new evaluations are kept in memory until it can be written.")

    def _tell_once_written(self) -> None:
        if "written" not in self._told:
            self._told.add("written")
            self.warn(f"nbalign's store {self.store.path} accepts writes again: the kept results are written.")

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._told:
            self._told.add(kind)
            self.warn(message)

    def _adopt_hint(self) -> str | None:
        found = self.found
        if found is None:
            return None
        where = f"declared in {found.notebook}" if found.notebook else "declared where no notebook was known"
        return (f"This folder's store holds the objective {found.name!r} (version {found.version}, {where}); "
                f"it is not tied to this notebook, so nothing is logged into it. To continue it here, run "
                f"`%nbalign adopt {found.name}`; or declare this notebook's own objective.")

    def _load(self) -> None:
        """Read the active objective's whole history from the store and judge it."""
        self._tell_about_the_store()
        if self.objective is None:
            self._judge = None
            return
        try:
            history, self._seen_change = self.store.changes(self.objective.name, since=0)
        except _REFUSED as exc:
            self._warn_once("unreadable", f"nbalign could not read its store {self.store.path} ({exc}).")
            history = [e for e in self.records if e.objective == self.objective.name]
        kept = [e.without_predictions() for e in self._pending
                if isinstance(e, Evaluation) and e.objective == self.objective.name]
        stored_keys = {e.key for e in history} if kept else set()
        unwritten = [e for e in kept if e.key not in stored_keys]
        next_id = max((e.id or 0 for e in history), default=0)
        for offset, evaluation in enumerate(unwritten, start=1):
            unwritten[offset - 1] = evaluation.with_id(next_id + offset)
        from .judge import Judge

        self._judge = Judge(self.objective, history + unwritten, self._comparisons(self.objective))
        if self.labels is not None:
            self._judge.see_labels(self.labels)

    def _comparisons(self, objective: Objective) -> Comparisons:
        """The paired tests of the judge: predictions from memory (records not yet written) or
        the store, results remembered in the store."""
        from .comparison import Comparisons

        return Comparisons(self._kept_predictions, objective.stop.confidence, Remembered(self.store))

    def _kept_predictions(self, evaluation: Evaluation):
        pending = next((p for p in reversed(self._pending)
                        if isinstance(p, Evaluation) and p.key == evaluation.key), None)
        if pending is not None:
            return None if pending.kept is None else (pending.kept, pending.test_set)
        try:
            return self.store.predictions(evaluation)
        except _REFUSED as exc:
            log.info("nbalign could not read kept predictions: %s", exc)
            return None

    # ------------------------------------------------------------------ the decision

    def remember_model(self, key: str, model, own: bool = False) -> None:
        """The fitted model of the record ``key`` (``own``: fitted by nbalign, kept alive here)."""
        if own:
            self._own_models[key] = model
            return
        try:
            self._models[key] = model
        except TypeError:  # an object that cannot be weakly referenced: not kept
            log.info("nbalign cannot refer weakly to a %s; ship it by its variable", type(model).__name__)

    def model_of(self, key: str):
        """The fitted model of a record of this session, if it is still alive; else None."""
        return self._own_models.get(key) or self._models.get(key)

    def _decided(self) -> History | None:
        """The active objective's history as views show it, read once per objective and decision."""
        name = None if self.objective is None else self.objective.name
        if self._history is None or self._history[0] != name:
            try:
                self._history = (name, None if name is None else self.history(name))
            except NbalignError as exc:  # an unreadable store: views show the standing without it
                log.info("nbalign could not read the decisions: %s", exc)
                return None
        return self._history[1]

    def history(self, name: str | None = None) -> History:
        """The objective's versions and what was decided about it (default: the active one)."""
        from .events import History

        name = name or self.require_objective().name
        try:
            return History(tuple(self.store.objective_versions(name)), tuple(self.store.decisions(name)))
        except _REFUSED as exc:
            raise NbalignError(f"could not read the objective's history from {self.store.path} ({exc}).") from None

    def agree(self, role: str, note: str | None = None, name: str | None = None) -> Agreement:
        """Record that ``role`` (and who runs this) agrees to the objective's latest version."""
        from .events import Agreement, content_hash, who

        objective = self._objective_named(name)
        agreement = Agreement(objective.name, objective.version, content_hash(objective), role, who(), now_iso(), note)
        self.record_decision(agreement)
        return agreement

    def realize(self, value: str, on: str | None = None, note: str | None = None) -> Realized:
        """Record the KPI measured after shipping (``value`` as written, in the KPI's unit)."""
        import datetime as _dt

        from .events import Realized, who
        from .kpi import QuantityError, parse_quantity

        objective = self.require_objective()
        kpi = objective.kpi
        if kpi is None or kpi.current_quantity is None:
            raise NbalignError("the objective states no KPI with a current value, so there is nothing to compare a "
                               "realized KPI with: give it `kpi:` with `current:` and `target:`.")
        shipped = self.history().shipped
        if shipped is None:
            raise NbalignError("nothing was shipped for this objective yet: ship the model first "
                               "(`%nbalign ship MODEL`), then record the KPI it brought.")
        try:
            quantity = parse_quantity(value)
        except QuantityError as exc:
            raise NbalignError(f"`{value}` is not a KPI value ({exc}). Write it as the KPI is written, "
                               f"such as `{kpi.current}`.") from None
        if quantity.kind != kpi.current_quantity.kind:
            raise NbalignError(f"`{value}` is not in the KPI's unit (the KPI is written {kpi.current}): write it the "
                               "same way.")
        day = on or _dt.date.today().isoformat()
        try:
            _dt.date.fromisoformat(day)
        except ValueError:
            raise NbalignError(f"`--on {day}` is not a date: write it as 2027-03-31.") from None
        realized = Realized(objective.name, value, quantity.value, day, who(), now_iso(), shipped.at, note)
        self.record_decision(realized)
        return realized

    def record_decision(self, event: Event) -> None:
        """Write a decision to the store now (it is not kept for later: the user is told when
        it could not be written, and nothing reported as recorded is lost)."""
        try:
            self.store.record_decision(event)
        except _REFUSED as exc:
            raise NbalignError(f"could not record the {event.kind} in {self.store.path} ({exc}); nothing was "
                               "recorded. Run it again when the store can be written.") from None
        self._message = self._history = None
        self._publish()

    def decision_record(self) -> dict:
        """The active objective's decision as one JSON document (:func:`nbalign.decision.decision_record`)."""
        from .decision import decision_record

        self._see_kept_labels()
        return decision_record(self.require_standing(), self.history())

    def _see_kept_labels(self) -> None:
        """Count the test labels the store keeps, where this session has not seen the data (after
        a restart, on the command line), so the record's intervals are those the notebook showed:
        a score that is a share of the test rows gets its exact interval from their count."""
        if self.labels is not None or self._judge is None:
            return
        standing = self.require_standing()
        known = [standing.baseline_record, None if standing.ship is None else standing.ship.record]
        # a few tries: a long history whose predictions were pruned keeps them on its best models
        for record in ([r for r in known if r is not None] + self.records[::-1])[:20]:
            kept = self._kept_predictions(record)
            if kept is not None and kept[1].rows is None:  # every row's label (not a seeded subset)
                self.see_labels(kept[1].values())
                return

    def _objective_named(self, name: str | None) -> Objective:
        if name is None or (self.objective is not None and name == self.objective.name):
            return self.require_objective()
        objective = self.store.latest_objective(name)
        if objective is None:
            known = self.store.objective_names()
            raise NbalignError(f"this folder's store has no objective {name!r}"
                               + (f"; it has {', '.join(map(repr, known))}." if known else "."))
        return objective

    # ------------------------------------------------------------------ words

    def describe(self, restored: bool = True) -> str:
        """One line about the state: on ``%load_ext`` what was restored, else where it stands."""
        if self.objective is None:
            hint = self._adopt_hint()
            return "nbalign loaded. " + (hint or "Declare what this notebook is for in a `%%objective <name>` cell.")
        from .format import format_level, format_percent, format_score

        summary = self.require_standing().summary
        n = summary.n_models
        text = (f"{'Restored objective' if restored else 'Objective'} {self.objective.name!r} "
                f"(version {self.objective.version}): ")
        text += f"{n} evaluation{'s' if n != 1 else ''}"
        if summary.best is not None:
            text += f", best {format_score(summary.best.score)} ({summary.best.name})"
        if summary.progress is not None:
            interval = summary.progress_interval
            spread = "" if interval is None else (f" ({format_level(summary.confidence)} CI "
                                                  f"{format_percent(interval[0])} to {format_percent(interval[1])})")
            text += (f", {format_percent(summary.progress)}{spread} of the way to the target "
                     f"{format_score(summary.target)}")
        if summary.models_compared > 1:
            text += f"; {summary.models_compared} models compared on its test set"
        return text + "."


_active: Session | None = None


def _measured_once(evaluation: Evaluation, known: Evaluation | None) -> Evaluation:
    """A fitted model evaluated again on the same data (the same record key) keeps what it was
    measured to cost the first time: its size is the same, and its prediction time, noise from run
    to run, would otherwise reorder the models one could ship and judge the history again. It
    keeps its recipe's fold scores too, when this evaluation did not check the recipe again."""
    if known is not None and evaluation.fold_scores is None and known.fold_scores is not None:
        evaluation = evaluation._but(fold_scores=known.fold_scores)
    if (known is None or not known.complexity or not evaluation.complexity or known.complexity == evaluation.complexity
            or known.complexity.get("size_bytes") != evaluation.complexity.get("size_bytes")):
        return evaluation
    return replace(evaluation, complexity=known.complexity)


def active_session() -> Session:
    """The session of the running IPython kernel; a clear message if nbalign is not loaded."""
    if _active is None:
        raise NbalignError("nbalign is not loaded in this kernel. Run `%load_ext nbalign` first.")
    return _active


def set_active_session(session: Session | None) -> None:
    global _active
    _active = session


def notebook_path(namespace: dict | None = None) -> str | None:
    """The notebook this kernel serves, when its front end says: jupyter-server sets
    ``JPY_SESSION_NAME``, VS Code puts ``__vsc_ipynb_file__`` in the namespace. None otherwise
    (plain IPython, nbclient, papermill): then no objective is restored without being adopted."""
    name = os.environ.get("JPY_SESSION_NAME") or (namespace or {}).get("__vsc_ipynb_file__")
    return str(Path(str(name)).name) if name else None
