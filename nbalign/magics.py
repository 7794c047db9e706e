"""IPython magics: ``%%objective``, ``%objective``, ``%evaluate``, ``%nbalign``.

Each magic parses its arguments, calls :mod:`nbalign.commands`, and displays the result. User
mistakes (:class:`~nbalign.errors.NbalignError`) become IPython ``UsageError`` messages, shown
without a traceback; anything else is a bug and keeps its traceback.

Every magic is marked ``no_var_expand``: IPython otherwise evaluates ``{expr}`` and replaces
``$name`` in a magic's line before the magic sees it, so an objective name such as
``x{__import__('os').system(...)}`` (typed, or written into a cell by the form) would run code.
A line is data: names and labels are taken as written, and ``%evaluate``'s expressions are
evaluated once, as Python, by :func:`nbalign.commands.lookup`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import (
    Magics,
    line_cell_magic,
    line_magic,
    magics_class,
    no_var_expand,
)
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import Image, display
from traitlets import Bool, Float, Int, Unicode, observe

from . import commands
from .checks import CHECKS
from .display import BaselineCard, Explanation, ModelsTable, ObjectiveCard
from .errors import NbalignError
from .lines import named_or_default, objective_line, read_arguments
from .refit import Budget
from .session import Session

if TYPE_CHECKING:
    from .baseline import AutoBaseline


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

    autolog = Bool(
        True,
        config=True,
        help="Log every model that ordinary scikit-learn code evaluates (metric functions, "
        "estimator.score), with no nbalign call. `%nbalign autolog off` switches it off.",
    )

    rows_kept = Int(
        100_000,
        min=0,
        config=True,
        help="Test rows whose labels are kept per test set, and each model's predictions on them, for "
        "comparing models row by row (a larger test set keeps a fixed seeded subset, the same for every "
        "model). A classifier's evaluation keeps at most 40 KB of them (50 KB on disk): ranks, labels or "
        "probabilities as its paired test needs, on a nested seeded subset of these rows where they do not all "
        "fit; a regression keeps its values on all of them. 0 keeps none.",
    )

    keep_predictions = Int(
        -1,
        min=-1,
        config=True,
        help="How many of an objective's most recent evaluations keep their predictions besides those the "
        "judgement needs (the baseline model, the best, the model to ship and the candidates a new best is "
        "compared with); the "
        "others are pruned as models are recorded, every paired test already run remembered. -1: all keep "
        "them until `%nbalign prune`.",
    )

    refit_budget = Float(
        1.0,
        min=0.0,
        config=True,
        help="Seconds nbalign may spend in your cell refitting a model for its figures (choosing the "
        "decision threshold that maximises value, checking its recipe by 5x2-fold cross-validation on the "
        "training data, cross-validating a search's best estimator on the objective's metric), estimated "
        "from the model's own fit time beforehand; an evaluation's refits share it. Longer refits are "
        "left out with a line that says how to ask for them (`%evaluate model --tune`). 0: only when asked.",
    )

    def __init__(self, shell=None, session: Session | None = None, **kwargs):
        super().__init__(shell=shell, **kwargs)
        self.session = session
        # Set by the extension once loaded: autolog on or off, and a cell inserted below the
        # active one by the front end (False where none listens, as in plain IPython).
        self.switch_autolog: Callable[[bool], None] | None = None
        self.insert_cell: Callable[[str], bool] = lambda source: False

    def _require_session(self) -> Session:
        # load_ipython_extension gives the magics their session before it registers them
        assert self.session is not None, "nbalign's magics are used through %load_ext nbalign"
        return self.session

    def _user_namespace(self) -> dict[str, Any]:
        assert self.shell is not None, "nbalign's magics are registered on a shell"
        return self.shell.user_ns

    @observe("autolog")
    def _autolog_changed(self, change):
        if self.switch_autolog is not None:
            self.switch_autolog(bool(change["new"]))

    @observe("rows_kept")
    def _rows_kept_changed(self, change):
        if self.session is not None:
            self.session.rows_kept = change["new"]

    @observe("keep_predictions")
    def _keep_predictions_changed(self, change):
        if self.session is not None:
            self.session.keep_predictions = change["new"]

    @observe("refit_budget")
    def _refit_budget_changed(self, change):
        if self.session is not None:
            self.session.refit_budget = Budget(change["new"])

    @observe("store_path")
    def _store_path_changed(self, change):
        if self.session is None or not change["new"]:
            return
        try:
            self.session.set_store_path(change["new"])
        except NbalignError as exc:
            print(f"nbalign: {exc} The store stays {self.session.store.path}.")
            return
        print(f"nbalign store: {self.session.store.path}. {self.session.describe()}")

    @no_var_expand
    @objective_line
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

        Re-running the cell declares a new version. Every earlier evaluation is judged again
        under the new version's baseline, target and stop rule; those scored with another
        metric are kept and shown apart, never compared.
        """
        args = read_arguments(self.objective, line)
        if args is None:
            return
        session = self._require_session()
        if cell is None and args.form:
            from .widgets import ObjectiveForm

            display(ObjectiveForm(self._user_namespace(), session.objective, write=self.insert_cell))
            return
        if cell is None:
            objective = session.require_objective()
            display(ObjectiveCard(objective, session.standing))
            return
        fitted: list[AutoBaseline] = []  # what `baseline: auto` fitted, for its card
        objective = commands.declare_objective(session, self._user_namespace(), cell, named_or_default(args.name),
                                               report=commands.ProgressLine(), on_auto=fitted.append)
        standing = session.require_standing()
        display(ObjectiveCard(objective, standing))
        if fitted:
            display(BaselineCard(fitted[0], standing))
        elif objective.baseline.label is not None:  # the baseline model just scored
            from .display import EvaluationResult

            row = next(r for r in reversed(standing.rows)
                       if r.role == "baseline" and r.name == objective.baseline.label and r.judged)
            record = next(e for e in session.records if e.id == row.id)
            display(EvaluationResult(record, row, standing))
        from .decided import changed_since_agreed_text

        changed = changed_since_agreed_text(session, objective)
        if changed:
            print(changed)

    @no_var_expand
    @magic_arguments()
    @argument("model", help="the fitted estimator or pipeline: a variable or an expression without "
              "spaces (models[0], search.best_estimator_); quote one with spaces")
    @argument("data", nargs="*", metavar="X y",
              help="the features and labels to score on (default: the objective's data.test); "
              "variables or expressions, such as X_test[:500] y_test[:500]")
    @argument("-n", "--name", help="the label to log the model under (default: the variable's name)")
    @argument("--tune", action="store_true",
              help="do the refits on the training data that did not fit in %%config NbalignMagics.refit_budget, "
              "however long they take: choose the decision threshold that maximises value (the objective's value "
              "matrix), and check the model's recipe by 5x2-fold cross-validation (to compare it with the "
              "others' with the variance of refitting). Ctrl-C stops them; the evaluation is kept.")
    @line_magic
    @_user_errors
    def evaluate(self, line: str = ""):
        """Score a fitted model with the objective's metric, log it and show how it stands."""
        args = read_arguments(self.evaluate, line)
        if args is None:
            return
        if len(args.data) not in (0, 2):
            raise NbalignError(
                "usage: `%evaluate model` (on the objective's data.test) or "
                "`%evaluate model X_test y_test`, optionally with `--name 'label'`."
            )
        ns = self._user_namespace()
        model = commands.lookup(ns, args.model, "the model")
        X = y = None
        if args.data:
            X = commands.lookup(ns, args.data[0], "the features")
            y = commands.lookup(ns, args.data[1], "the labels")
        result = commands.evaluate(self._require_session(), ns, model, X, y, name=args.name or args.model,
                                   source="magic", report=commands.ProgressLine(), tune=args.tune)
        result.show()  # each %evaluate line of a cell shows its own line
        return result

    @no_var_expand
    @magic_arguments()
    @argument("command", choices=["plot", "panel", "status", "models", "recommend", "autolog", "store", "explain",
                                  "adopt", "prune", "history", "agree", "ship", "realized", "report"],
              help="plot: every evaluation against the baseline and target (also nbalign.plot()); "
              "models [--csv FILE]: every evaluation with its verdict and what the model costs "
              "(also nbalign.models()); "
              "panel: a live panel of the progress, updated as later cells evaluate (also nbalign.panel()); "
              "recommend: the model to ship and what it is projected to do to the KPI (also "
              "nbalign.recommendation()); autolog on|off: log what scikit-learn code evaluates; "
              "status: the objective and where it stands; store: where the store is; "
              "explain: what a diagnostic code means and what to do (all codes without one); "
              "adopt: continue in this notebook an objective of this folder's store declared elsewhere; "
              "prune [--dry-run]: remove the kept predictions the judgement no longer needs and shrink the store; "
              "history: the objective's versions, what each changed, why, and who agreed (also nbalign.history()); "
              "agree [NAME] --as ROLE: record that ROLE agrees to the objective's latest version; "
              "ship [MODEL] [--reason TEXT] [--to FOLDER]: save the model (default: the recommended one) with its "
              "model card and record the decision (also nbalign.ship()); "
              "realized VALUE [--on DATE]: record the KPI measured after shipping; "
              "report [FILE]: write the stakeholder report, HTML and Markdown (also nbalign.report())")
    @argument("names", nargs="*", metavar="CODE|NAME|MODEL|VALUE|FILE",
              help="for explain: codes such as NBA303; for adopt and agree: the objective; for autolog: on or off; "
              "for ship: the model (its variable or the name it was logged under); for realized: the KPI's value "
              "as the KPI is written (23.1%%); for report: the HTML file to write")
    @argument("--dry-run", action="store_true", help="for prune: say what would be removed, remove nothing")
    @argument("--as", dest="role", metavar="ROLE", help="for agree: who agrees, by role (\"VP Customer Success\")")
    @argument("--note", help="for agree and realized: a note kept with the record")
    @argument("--reason", help="for ship: why a model the judge does not recommend is shipped")
    @argument("--to", dest="folder", metavar="FOLDER", help="for ship: the folder to save the model and its card in")
    @argument("--on", dest="day", metavar="DATE", help="for realized: the day the KPI was measured (2027-03-31)")
    @argument("--csv", metavar="FILE", help="for models: write the table to a CSV file")
    @line_magic
    @_user_errors
    def nbalign(self, line: str = ""):
        """nbalign commands: ``%nbalign plot | status | models [--csv FILE] | recommend | store | explain [CODE ...]
        | adopt NAME | prune [--dry-run] | history | agree --as ROLE | ship [MODEL] [--reason TEXT] | realized VALUE
        [--on DATE] | report [FILE]``.
        """
        args = read_arguments(self.nbalign, line)
        if args is None:
            return
        session = self._require_session()
        if args.command == "plot":
            from .plotting import figure_png, plot_progress

            display(Image(data=figure_png(plot_progress(session.require_standing())), format="png"))
        elif args.command == "status":
            objective = session.require_objective()
            display(ObjectiveCard(objective, session.standing))
            print(session.describe(restored=False))
        elif args.command == "models":
            if args.csv:
                from .tables import models_frame

                table = models_frame(session.require_standing())
                try:
                    table.to_csv(args.csv)
                except OSError as exc:
                    raise NbalignError(f"could not write {args.csv} ({exc.strerror or exc}): name a file in a "
                                       "folder you can write.") from None
                print(f"nbalign wrote {len(table):,} evaluations to {args.csv}.")
            else:
                display(ModelsTable(session.require_standing(), session.records))
        elif args.command == "panel":
            from .widgets import panel_for

            display(panel_for(session))
        elif args.command == "recommend":
            from .display import Recommendation

            display(Recommendation(session.require_standing()))
        elif args.command == "autolog":
            if len(args.names) != 1 or args.names[0] not in ("on", "off"):
                raise NbalignError("write `%nbalign autolog on` or `%nbalign autolog off`.")
            self.autolog = args.names[0] == "on"  # the %config option: the observer switches it
            print(f"nbalign autolog is {args.names[0]}.")
        elif args.command == "store":
            pending = session.pending
            print(f"{session.store.path}" + (f" ({pending} record(s) waiting to be written)" if pending else ""))
        elif args.command == "explain":
            codes = [c.upper() for c in args.names] or sorted(CHECKS)
            unknown = [c for c in codes if c not in CHECKS]
            if unknown:
                raise NbalignError(f"unknown code {', '.join(unknown)}. Known codes: {', '.join(sorted(CHECKS))}.")
            display(Explanation(codes))
        elif args.command == "prune":
            if args.names:
                raise NbalignError(f"`%nbalign prune` takes no name (got {' '.join(args.names)}): it prunes the "
                                   "whole store. Write `%nbalign prune`, or `%nbalign prune --dry-run` to see what "
                                   "it would remove.")
            print(session.prune(dry_run=args.dry_run))
        elif args.command == "adopt":
            if len(args.names) != 1:
                raise NbalignError("name the objective to adopt: `%nbalign adopt churn`.")
            objective = session.adopt(args.names[0])
            display(ObjectiveCard(objective, session.standing))
            print(session.describe(restored=False))
        else:
            self._decision(session, args)

    def _decision(self, session: Session, args) -> None:
        """The commands that carry the decision out of the notebook: history, agree, ship, realized, report."""
        from . import decided

        if args.command == "history":
            display(decided.HistoryTable(session.history()))
        elif args.command == "agree":
            if not args.role:
                raise NbalignError("say who agrees, by role: `%nbalign agree --as 'VP Customer Success'` (the "
                                   "objective's latest version; name another objective after agree).")
            if len(args.names) > 1:
                raise NbalignError("name one objective: `%nbalign agree churn --as 'VP Customer Success'`.")
            print(decided.agreed_text(session.agree(args.role, args.note, args.names[0] if args.names else None)))
        elif args.command == "ship":
            if len(args.names) > 1:
                raise NbalignError("name one model to ship, quoted if it has spaces: "
                                   "`%nbalign ship 'linear baseline'`; without a name, the recommended one.")
            from .shipping import ship

            shipped = ship(session, self._user_namespace(), args.names[0] if args.names else None,
                           reason=args.reason, folder=args.folder)
            print(decided.shipped_text(shipped))
        elif args.command == "realized":
            if len(args.names) != 1:
                raise NbalignError("give the KPI's value as the KPI is written: `%nbalign realized 23.1% --on "
                                   "2027-03-31`.")
            realized = session.realize(args.names[0], args.day, args.note)
            print(decided.realized_text(realized, session.history()))
        elif args.command == "report":
            if len(args.names) > 1:
                raise NbalignError("name one file: `%nbalign report reports/churn.html`.")
            from . import report as write

            html, markdown = write(args.names[0] if args.names else None)
            print(f"nbalign wrote the report to {html} (open it in a browser; print it to PDF from there) "
                  f"and {markdown} (for a pull request).")
