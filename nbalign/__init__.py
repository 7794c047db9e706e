"""nbalign: keep a machine-learning notebook aligned with the business outcome it exists for.

In a notebook::

    %load_ext nbalign

    %%objective churn
    outcome: Fewer new subscribers cancel in their first 3 months
    metric: average_precision
    target: 0.60
    baseline: first
    data:
      test: X_test, y_test

    nbalign.evaluate(model)        # or: %evaluate model
    nbalign.plot()                 # or: %nbalign plot

Importing nbalign is cheap: scikit-learn, pandas, matplotlib and IPython load only when needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._version import __version__
from .errors import EvaluationError, NbalignError, NoObjectiveError, ObjectiveError
from .evaluation import Evaluation
from .objective import Objective, parse_objective
from .session import Session, active_session

if TYPE_CHECKING:
    from .display import EvaluationResult

__all__ = [
    "Evaluation",
    "EvaluationError",
    "NbalignError",
    "NoObjectiveError",
    "Objective",
    "ObjectiveError",
    "Session",
    "__version__",
    "evaluate",
    "history",
    "load_ipython_extension",
    "metric",
    "models",
    "objective_form",
    "panel",
    "parse_objective",
    "plot",
    "recommendation",
    "report",
    "ship",
    "unload_ipython_extension",
    "value_scorer",
]


def evaluate(model, X=None, y=None, name: str | None = None, tune: bool = False) -> EvaluationResult:
    """Score a fitted model with the objective's metric, log it, and show how it stands.

    Parameters
    ----------
    model : estimator
        A fitted scikit-learn estimator or pipeline.
    X, y : array-like, optional
        The data to score on. Default: the variables the objective's ``data.test`` names.
    name : str, optional
        A label for the model. Default: the name of the variable that holds it.
    tune : bool, default False
        Do the refits on the training data that did not fit in the refit budget, however long
        they take (as ``%evaluate model --tune``): choose the decision threshold that maximises
        value, and check the model's recipe by 5×2-fold cross-validation. Ctrl-C stops them; the
        evaluation is kept.

    Returns
    -------
    EvaluationResult
        The recorded evaluation (``.evaluation``) and its row in the standing (``.row``, with
        ``.verdict`` and ``.score``). In IPython it is shown at once as one compact line and its
        banner, also in a loop or on an assigned line.

    Raises
    ------
    NbalignError
        For a mistake (no objective yet, not a fitted model, data the metric cannot use), shown
        as one message.

    Examples
    --------
    >>> nbalign.evaluate(forest)                    # doctest: +SKIP
    forest: average precision 0.642  +0.021 vs best  ...  104% to target 0.600
    """
    from . import commands

    session = active_session()
    result = commands.evaluate(session, _user_namespace(), model, X, y, name=name, source="evaluate",
                               report=commands.ProgressLine() if _in_ipython() else None, tune=tune)
    if _in_ipython():
        result.show()  # in a loop or on an assigned line too, as print would
    return result


def plot():
    """Every evaluation against the baseline and target, with the best-so-far step line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .plotting import plot_progress

    return plot_progress(active_session().require_standing())


def recommendation():
    """The model to ship now, and in one sentence what shipping it is projected to do to the KPI
    and by when: the simplest model shown not worse than the best by min_gain, used as the objective's
    ``action`` says, with its projected KPI (and interval) and its value per period.

    Returns
    -------
    Recommendation
        ``.model`` (the record, or None), ``.text`` (the sentence); shown as the sentence.

    Examples
    --------
    >>> nbalign.recommendation()  # doctest: +SKIP
    Ship linear baseline (recall in the top 20% 0.505), the baseline model, as no model scores above it: ...
    """
    from .display import Recommendation

    return Recommendation(active_session().require_standing())


def models():
    """Every evaluation of the objective as a pandas DataFrame: its verdict, score and interval,
    the change against the best before it and the baseline (with interval and p-value), progress
    to the target, what the model costs (``complexity_*``) and its business figures
    (``business_*``); ``best`` and ``ship`` mark the best model and the model to ship.

    Examples
    --------
    >>> nbalign.models()[["name", "score", "verdict", "vs_baseline_low", "ship"]]  # doctest: +SKIP
    """
    from .tables import models_frame

    return models_frame(active_session().require_standing())


def history():
    """The objective's versions as a pandas DataFrame, the newest first: when, from which notebook,
    why (the cell's ``why:`` line), what each changed field by field, its content hash and who
    agreed to it (``%nbalign agree``)."""
    from .tables import history_frame

    return history_frame(active_session().history())


def ship(model=None, reason: str | None = None, to: str | None = None):
    """Ship a model (default: the one the judge recommends): save it (skops, else joblib), write a
    Hugging Face model card and the decision record beside it, and record the decision in the
    objective's history, as ``%nbalign ship`` does. A model the judge does not recommend needs a
    ``reason``. ``model`` is a fitted estimator, a variable's name, or the name a record was
    logged under.

    Returns
    -------
    nbalign.events.Shipped
        The ship record: ``.model``, ``.judged`` (the figures as of now), ``.saved`` (the files).
    """
    from .commands import variable_name
    from .shipping import ship as ship_model

    namespace = _user_namespace()
    what = model if model is None or isinstance(model, str) else variable_name(model, namespace)
    if model is not None and what is None:  # an estimator no variable holds: found by its identity
        namespace = {**namespace, "_nbalign_shipped": model}
        what = "_nbalign_shipped"
    return ship_model(active_session(), namespace, what, reason=reason, folder=to)


def report(path: str | None = None):
    """Write the stakeholder report of the objective: one self-contained HTML page (print it to
    PDF from the browser) and the same content as Markdown beside it. Returns their paths."""
    from .reporting import write_report

    session = active_session()
    return write_report(session.decision_record(), path or report_path(session.require_objective().name))


def report_path(objective: str) -> str:
    """Where a report is written when no path is given: ``reports/<objective>.html``."""
    from .shipping import _slug

    return f"reports/{_slug(objective)}.html"


def metric(function):
    """Register your own metric function, ``metric(y_true, y_pred) -> number``, so that autolog
    logs the model whose predictions it scores, as it does for scikit-learn's metrics::

        @nbalign.metric
        def cost(y_true, y_pred):
            return 200 * ((y_true == 1) & (y_pred == 0)).sum() + 20 * (y_pred == 1).sum()

        cost(y_test, model.predict(X_test))   # logs `model`, judged on the objective's metric

    The function computes exactly what it did; it is only watched while autolog is on.
    """
    from .autolog import metric as watched

    return watched(function)


def objective_form():
    """The objective as a form of widgets (``%objective --form``): outcome, KPI, metric, target,
    baseline, data and stop settings, checked as you type by the ``%%objective`` parser itself;
    "Write objective cell" inserts the equivalent cell below. An existing objective pre-fills it.
    """
    from .extension import insert_cell
    from .widgets import ObjectiveForm

    session = active_session()
    return ObjectiveForm(_user_namespace(), session.objective, write=insert_cell)


def panel():
    """A live panel of the progress: what the sidebar shows (the objective, metric and KPI
    progress, the best model, the latest banner, a chart of the evaluations), updated as later
    cells evaluate models. Works wherever widgets render; elsewhere it shows as one line.

    Returns
    -------
    Panel
        Displayed when it is the cell's value; ``panel.close()`` stops it following.
    """
    from .widgets import panel_for

    return panel_for(active_session())


def value_scorer():
    """A scikit-learn scorer of the objective's value matrix, for choosing a decision threshold.

    Use it to decide, not to fit: ``TunedThresholdClassifierCV(model, scoring=nbalign.value_scorer())``
    picks the threshold that maximises value by cross-validation. Tune the model's own
    hyperparameters with a proper scoring rule (log loss, Brier score), which rewards good
    probabilities; a value matrix rewards only which side of one threshold a case falls on.

    Returns
    -------
    sklearn scorer
        Mean value per case of the predicted labels (1 or True acted on), by the matrix's tp, fp,
        fn and tn.

    Raises
    ------
    NbalignError
        When the objective has no value matrix (``value:`` with tp, fp, fn, tn).
    """
    from sklearn.metrics import make_scorer

    from .business import ValueMatrix, value_at

    objective = active_session().require_objective()
    value = objective.value
    if not isinstance(value, ValueMatrix):
        raise NbalignError("the objective has no value matrix: declare `value:` with what each outcome is worth "
                           "(tp, fp, fn, tn) to score decisions by it.")
    return make_scorer(value_at, tp=value.tp, fp=value.fp, fn=value.fn, tn=value.tn)


def _in_ipython() -> bool:
    import sys

    return "IPython" in sys.modules and sys.modules["IPython"].get_ipython() is not None


def _user_namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _jupyter_labextension_paths():
    """Where JupyterLab finds the sidebar (used by ``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "nbalign"}]


def load_ipython_extension(shell) -> None:
    from .extension import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell) -> None:
    from .extension import unload_ipython_extension as unload

    unload(shell)
