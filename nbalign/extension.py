"""``%load_ext nbalign`` and ``%unload_ext nbalign``: they mirror each other.

Loading creates the kernel's :class:`~nbalign.session.Session`, registers the magics (and their
``%config`` options), opens the sidebar's comm, adds a ``pre_run_cell`` hook (a token per cell
run, so a result is not shown twice in one cell) and a ``post_run_cell`` hook (retries any write
the store refused, without waiting, and notices a deleted store), registers an exit handler that
keeps unwritten results in a file, and teaches IPython to show a matplotlib ``Figure`` when
nothing else does. Unloading removes each of these, and only what loading added; what is still
unwritten then is kept in a file too.
"""

from __future__ import annotations

import atexit
import logging
import sys
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from . import cells
from .comm import SidebarChannel
from .display import Message
from .errors import strict
from .magics import NbalignMagics
from .refit import Budget
from .session import Session, notebook_path, set_active_session

if TYPE_CHECKING:  # autolog loads when it is switched on
    from .autolog import Autolog

log = logging.getLogger(__name__)

# Seconds between the standings views are sent while one cell runs (see Session.pace).
LIVE_PACE = 1.0

_FIGURE = ("matplotlib.figure", "Figure")


class _Loaded:
    """Everything one ``%load_ext`` registered, so that unloading can remove exactly that."""

    def __init__(self, shell, session: Session, magics: NbalignMagics, channel: SidebarChannel):
        self.shell = shell
        self.session = session
        self.magics = magics
        self.channel = channel
        self.figure_printer = None  # the PNG printer nbalign added for Figure, if it added one
        self.cell_started: float | None = None  # perf_counter() when the running cell began
        self.autolog: Autolog | None = None  # while autolog is on

    def pre_run_cell(self, info=None) -> None:
        cells.begin_run()  # a token per cell run: what was shown in it is not shown again
        self.cell_started = time.perf_counter()
        self.session.cell_started()

    def post_run_cell(self, result=None) -> None:
        with guarded("logging what the cell evaluated"):
            self.log_observed()
        with guarded("retrying store writes"):
            self.session.flush(wait=False)
        with guarded("updating the views"):
            self.session.cell_finished()

    def log_observed(self) -> None:
        """Evaluate, record (in one batch) and show what autolog saw being scored in the cell;
        measure what an evaluation records of the models fitted in it. Then nothing the cell's
        predictions were held for is held any more."""
        autolog = self.autolog
        if autolog is None:
            return
        try:
            self._log_observed(autolog)
        finally:
            autolog.watcher.cell_ended()

    def _log_observed(self, autolog: Autolog) -> None:
        if self.session.objective is None:
            autolog.watcher.fitted_in_cell.clear()
            autolog.watcher.take()
            return
        from .autolog import quiet
        from .evaluation import learned_facts

        with quiet():
            autolog.watcher.learn_fitted(learned_facts)
        if not autolog.watcher.queued:
            return
        observed = autolog.watcher.take()
        from .commands import ProgressLine, evaluate_observed

        watcher = autolog.watcher
        cell_seconds = None if self.cell_started is None else time.perf_counter() - self.cell_started
        for result in evaluate_observed(self.session, self.shell.user_ns, observed,
                                        fit_seconds=lambda model: watcher.fit_seconds.get(model),
                                        report=ProgressLine(), warn=warn_user, fitted_on=watcher.fitted_on,
                                        cell_seconds=cell_seconds):
            result.show()

    def set_autolog(self, on: bool) -> None:
        """Switch autolog on (patch scikit-learn) or off (put every original back)."""
        if on and self.autolog is None:
            from .autolog import Autolog, Watcher
            from .commands import fold_scores, model_label

            session, namespace = self.session, self.shell.user_ns

            def score_folds(estimator, X, y, estimators, splits):
                # (watched only while an objective is declared: see the metric below)
                return fold_scores(session.require_objective(), model_label(estimator, namespace), estimator, X, y,
                                   estimators, splits)

            autolog = Autolog(Watcher(warn=warn_user), namespace, score_folds=score_folds,
                              metric=lambda: None if session.objective is None else session.objective.metric)
            autolog.start()
            self.autolog = autolog
        elif not on and self.autolog is not None:
            self.autolog.stop()
            self.autolog = None

    def at_exit(self) -> None:
        """The kernel is ending: write what is pending, or keep it in a file and say where."""
        with guarded("keeping unwritten results"):
            self.session.close()


_loaded: _Loaded | None = None


def insert_cell(source: str) -> bool:
    """Ask the notebook's front end to insert a code cell below the active one (False when no
    front end listens on nbalign's channel, as in plain IPython)."""
    return _loaded is not None and _loaded.channel.insert_cell(source)


def warn_user(message: str) -> None:
    """One clear line on stderr: the user's cell and its result carry on."""
    print(f"nbalign: {message}", file=sys.stderr)


@contextmanager
def guarded(what: str):
    """Turn a failure inside nbalign's hooks into one warning instead of a broken cell."""
    try:
        yield
    except Exception as exc:  # by design: nbalign must never break a cell
        log.debug("nbalign failed while %s", what, exc_info=True)
        if strict():  # nbalign's tests: a bug in nbalign fails them
            raise
        warn_user(f"{what} failed ({type(exc).__name__}: {exc}); your code ran normally.")


def load_ipython_extension(shell) -> None:
    global _loaded
    if _loaded is not None:
        return
    magics = NbalignMagics(shell=shell, config=shell.config)
    session = Session(store_path=magics.store_path or None, notebook=notebook_path(shell.user_ns))
    session.warn = warn_user
    session.rows_kept = magics.rows_kept
    session.keep_predictions = magics.keep_predictions
    session.refit_budget = Budget(magics.refit_budget)
    session.pace = LIVE_PACE
    magics.session = session
    shell.register_magics(magics)  # Magics.__init__ already made it a %config configurable
    with guarded("restoring the objective from the store"):
        session.restore()
    channel = SidebarChannel(session)
    with guarded("opening the sidebar channel"):
        channel.open()
    loaded = _Loaded(shell, session, magics, channel)
    # what the magics ask of the loaded extension, handed to them (they do not import it)
    magics.switch_autolog, magics.insert_cell = loaded.set_autolog, channel.insert_cell
    shell.events.register("pre_run_cell", loaded.pre_run_cell)
    shell.events.register("post_run_cell", loaded.post_run_cell)
    atexit.register(loaded.at_exit)
    loaded.figure_printer = _add_figure_printer(shell)
    set_active_session(session)
    _loaded = loaded
    if magics.autolog:
        with guarded("switching autolog on"):
            loaded.set_autolog(True)
    from IPython.display import display

    display(Message(session.describe(), "success" if session.objective else "info"))


def unload_ipython_extension(shell) -> None:
    global _loaded
    loaded = _loaded
    if loaded is None:
        return
    atexit.unregister(loaded.at_exit)
    with guarded("switching autolog off"):
        loaded.set_autolog(False)
    shell.events.unregister("pre_run_cell", loaded.pre_run_cell)
    shell.events.unregister("post_run_cell", loaded.post_run_cell)
    loaded.channel.close()
    if loaded.figure_printer is not None:
        _remove_figure_printer(shell, loaded.figure_printer)
    shell.configurables[:] = [c for c in shell.configurables if c is not loaded.magics]
    for kind, names in loaded.magics.magics.items():
        for name in names:
            shell.magics_manager.magics[kind].pop(name, None)
    shell.magics_manager.registry.pop(type(loaded.magics).__name__, None)
    with guarded("writing what is pending"):
        loaded.session.close()
    set_active_session(None)
    cells.end_runs()
    _loaded = None


def _add_figure_printer(shell):
    """Show a bare ``Figure`` (from ``nbalign.plot()``) as PNG unless a backend already does.

    Returns the printer added, so that unloading removes that one and nothing else.
    """
    formatter = shell.display_formatter.formatters["image/png"]
    already = _FIGURE in formatter.deferred_printers or any(
        (t.__module__, t.__name__) == _FIGURE for t in formatter.type_printers
    )
    if already:
        return None

    def figure_to_png(figure):
        from .plotting import figure_png

        return figure_png(figure)

    formatter.for_type_by_name(*_FIGURE, figure_to_png)
    return figure_to_png


def _remove_figure_printer(shell, printer) -> None:
    """Remove ``printer`` wherever IPython keeps it, but not a printer someone registered since
    (matplotlib-inline replaces ours when its backend is selected)."""
    formatter = shell.display_formatter.formatters["image/png"]
    if formatter.deferred_printers.get(_FIGURE) is printer:
        del formatter.deferred_printers[_FIGURE]
    for t, registered in list(formatter.type_printers.items()):
        if (t.__module__, t.__name__) == _FIGURE and registered is printer:
            del formatter.type_printers[t]
