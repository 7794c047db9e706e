"""IPython magics: ``%%objective``, ``%objective``, ``%evaluate``, ``%nbalign``.

Each magic parses its arguments, calls :mod:`nbalign.commands`, and displays the result. User
mistakes (:class:`~nbalign.errors.NbalignError`) become IPython ``UsageError`` messages, shown
without a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import shlex

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.display import Image, display
from traitlets import Unicode, observe

from . import commands
from .display import ObjectiveCard
from .errors import NbalignError
from .session import Session

USAGE_NBALIGN = """\
Usage: %nbalign <command>

  plot      draw every evaluation against the baseline and target (also nbalign.plot())
  status    show the active objective and where it stands
  store     show where the store is (set with %config NbalignMagics.store_path or $NBALIGN_STORE)
"""


def _user_errors(method):
    """Show nbalign's user-mistake errors as IPython usage messages, not tracebacks."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except NbalignError as exc:
            raise UsageError(str(exc)) from None

    return wrapper


@magics_class
class NbalignMagics(Magics):
    """nbalign's magics. Configure with ``%config NbalignMagics.<option> = <value>``."""

    store_path = Unicode(
        "",
        config=True,
        help="SQLite file of objectives and evaluations. Empty: $NBALIGN_STORE, else "
        ".nbalign/nbalign.db in the kernel's working folder.",
    )

    def __init__(self, shell=None, session: Session | None = None, **kwargs):
        super().__init__(shell=shell, **kwargs)
        self.session = session

    @observe("store_path")
    def _store_path_changed(self, change):
        if self.session is not None and change["new"]:
            self.session.set_store_path(change["new"])
            print(f"nbalign store: {self.session.store.path}. {self.session.describe()}")

    @line_cell_magic
    @_user_errors
    def objective(self, line: str = "", cell: str | None = None):
        """Declare the objective of this notebook (cell), or show the active one (line).

        ::

            %%objective churn
            outcome: Fewer new subscribers cancel in their first 3 months
            kpi:
              name: 3-month churn rate of new customers
              current: 9%
              target: 5%
              deadline: 2027-06-30
              owner: VP Growth
            metric: average_precision     # a scikit-learn scorer name or an alias (auc, rmse ...)
            target: 0.60
            baseline: first               # a number (today's system), first, auto, or a model variable
            data:
              test: X_test, y_test
            stop:
              min_gain: 0.01
              patience: 3

        Re-running the cell declares a new version; evaluations keep pointing to the version
        they were judged under.
        """
        session = self.session
        if cell is None:
            objective = session.require_objective()
            display(ObjectiveCard(objective, session.summary))
            return
        name = line.strip() or "objective"
        objective = commands.declare_objective(session, self.shell.user_ns, cell, name)
        display(ObjectiveCard(objective, session.summary))
        if objective.baseline.label is not None:  # the baseline model just scored
            display(next(e for e in reversed(session.evaluations)
                         if e.role == "baseline" and e.name == objective.baseline.label))

    @line_magic
    @_user_errors
    def evaluate(self, line: str = ""):
        """Score a fitted model with the objective's metric and log it.

        ``%evaluate model`` uses the objective's ``data.test``; ``%evaluate model X y`` names
        other data; ``--name NAME`` (or ``-n``) sets the label (default: the variable's name).
        """
        args = shlex.split(line)
        name = None
        for flag in ("--name", "-n"):
            if flag in args:
                at = args.index(flag)
                if at + 1 >= len(args):
                    raise NbalignError(f"{flag} needs a value: `%evaluate model {flag} 'my model'`.")
                name = args[at + 1]
                del args[at : at + 2]
        if len(args) not in (1, 3):
            raise NbalignError(
                "usage: `%evaluate model` (on the objective's data.test) or "
                "`%evaluate model X_test y_test`, optionally with `--name 'label'`."
            )
        ns = self.shell.user_ns
        model = commands.lookup(ns, args[0], "the model")
        X = y = None
        if len(args) == 3:
            X = commands.lookup(ns, args[1], "the features")
            y = commands.lookup(ns, args[2], "the labels")
        return commands.evaluate(self.session, ns, model, X, y, name=name or args[0], source="magic")

    @line_magic
    @_user_errors
    def nbalign(self, line: str = ""):
        """nbalign commands: ``%nbalign plot``, ``%nbalign status``, ``%nbalign store``."""
        command = line.strip().split()[0] if line.strip() else ""
        if command == "plot":
            from .plotting import figure_png, plot_progress

            objective = self.session.require_objective()
            figure = plot_progress(objective, self.session.evaluations, self.session.summary)
            display(Image(data=figure_png(figure), format="png"))
        elif command == "status":
            objective = self.session.require_objective()
            display(ObjectiveCard(objective, self.session.summary))
            print(self.session.describe(restored=False))
        elif command == "store":
            pending = self.session.pending
            print(f"{self.session.store.path}" + (f" ({pending} record(s) waiting to be written)" if pending else ""))
        else:
            raise NbalignError(("unknown command %r.\n" % command if command else "") + USAGE_NBALIGN)
