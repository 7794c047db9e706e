"""An evaluation: one fitted model scored on one data set with the objective's metric.

:func:`evaluate_model` measures; it never mutates the user's estimator. The resulting
:class:`Evaluation` is a plain record, the one shape of the concept: the SQLite row is
``Evaluation.to_dict()``. It carries no verdict and renders nothing: how it stands against the
baseline, the best and the target is the :class:`~nbalign.judge.Standing`'s business.

Identity
    Evaluating "the same" again updates one record (:attr:`Evaluation.key`). The same is: the
    same objective, name, role, model class and parameters (:func:`~nbalign.identity.model_identity`),
    the same fitted state (:func:`~nbalign.identity.fit_identity`: a refit on other data is another
    evaluation), the same data (:func:`~nbalign.fingerprint.fingerprint`: by content, whatever the
    container) and the same metric.

Models
    scikit-learn estimators are scored by scikit-learn's scorers. Any other object with
    ``predict`` (and ``predict_proba`` or ``decision_function`` for metrics that rank) is scored
    through a thin scikit-learn adapter (:mod:`nbalign.tasks`, which also checks that the metric
    fits the labels and the model before anything is scored).

numpy, pandas, scipy and scikit-learn are imported inside functions: ``import nbalign`` stays light.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import logging
import math
import warnings
from dataclasses import MISSING, dataclass, field
from functools import cached_property
from typing import Any

from .complexity import measure
from .errors import EvaluationError
from .fingerprint import fingerprint
from .identity import fit_identity, model_identity, model_params, qualname
from .metrics import KnownScore
from .objective import Objective
from .predictions import DEFAULT_LIMIT, Kept, TestSet
from .recipe import FoldScores
from .tasks import (
    check_acted_on,
    check_responses,
    check_task,
    duck_adapter,
    is_sklearn_estimator,
    target_type,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evaluation:
    """A model's score on a data set, under one version of an objective.

    ``key`` identifies "the same fitted model, in the same role, on the same data with the same
    metric": evaluating it again updates the one record instead of adding a second. ``id`` is the
    order in which records were first made (assigned by the store).
    """

    objective: str
    objective_version: int
    name: str
    estimator: str
    params: dict[str, Any]
    metric: str
    score: float
    predict_seconds: float | None = None
    n_rows: int | None = None
    data_fingerprint: str | None = None
    kind: str = "test"
    model_id: str | None = None  # hash of the model's class and every (deep) parameter
    role: str = "model"  # "model" | "baseline"
    source: str = "evaluate"  # "evaluate" | "magic" | "objective" | "autolog"
    created_at: str = ""
    id: int | None = None
    complexity: dict | None = None  # what the model costs (nbalign.complexity.Complexity.to_dict())
    # What the metric was computed from and the test set's labels: written to the store beside
    # the record, never part of it (not in to_dict, not compared, not sent to any view).
    kept: Kept | None = field(default=None, compare=False, repr=False)
    test_set: TestSet | None = field(default=None, compare=False, repr=False)
    fit_id: str | None = None  # hash of what the model learned (fit_identity)
    # What the model's decision does under the objective's value and action, measured on this
    # data (nbalign.business.Figures.to_dict()): recall of the cases acted on, value per case,
    # the threshold tuned on the training data. None when the objective states neither.
    business: dict | None = None
    # The metric the user's own code computed, when autolog saw it: {"metric": "f1_score", "value": 0.61}.
    reported: dict | None = None
    # A cross-validated evaluation (kind "cv"): {"folds": 5, "std": 0.012, "scores": [...]}, the
    # objective's metric on each fold; ``score`` is their mean.
    cv: dict | None = None
    # The notebook cell that produced it (the front end's cell id, when it sends one), so a view
    # can scroll to it.
    cell_id: str | None = None
    # The recipe's metric on each held-out fold of 5x2-fold cross-validation on the training data
    # (nbalign.recipe), for judging a change of recipe with the variance of refitting. Not part of
    # the key, nor of to_dict: the store keeps it in a column of its own; views do not need it.
    fold_scores: FoldScores | None = None

    def without_predictions(self) -> Evaluation:
        """The record alone: what a session keeps in memory once the predictions are stored."""
        return self if self.kept is None and self.test_set is None else self._but(kept=None, test_set=None)

    @cached_property  # asked for often by the judge and the store; the record never changes
    def key(self) -> str:
        identity = [self.objective, self.name, self.role, self.estimator, self.model_id or self.params,
                    self.fit_id, self.data_fingerprint, self.kind, self.metric]
        return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:32]

    def with_id(self, id: int) -> Evaluation:
        return self._but(id=id)

    def _but(self, **changes) -> Evaluation:
        """A copy with ``changes`` to fields that are not part of its :attr:`key` (which comes
        along, hashed already); ``dataclasses.replace`` would validate and hash it all anew."""
        copied = copy.copy(self)
        for name, value in changes.items():
            object.__setattr__(copied, name, value)
        return copied

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "objective": self.objective,
            "objective_version": self.objective_version,
            "name": self.name,
            "estimator": self.estimator,
            "params": self.params,
            "metric": self.metric,
            "score": self.score,
            "predict_seconds": self.predict_seconds,
            "n_rows": self.n_rows,
            "data_fingerprint": self.data_fingerprint,
            "kind": self.kind,
            "model_id": self.model_id,
            "fit_id": self.fit_id,
            "role": self.role,
            "source": self.source,
            "created_at": self.created_at,
            "complexity": self.complexity,
            "business": self.business,
            "reported": self.reported,
            "cv": self.cv,
            "cell_id": self.cell_id,
        }

    @classmethod
    def from_dict(cls, data: dict, key: str | None = None) -> Evaluation:
        """The evaluation ``to_dict`` gave (and its ``fold_scores`` as a dict, which ``to_dict``
        leaves out); ``key``: its identity as the store holds it (a history of 10,000 records is
        then not hashed again on every restore)."""
        # Older stores may hold fields this version no longer has (a verdict): ignore them. The
        # fields are set as the generated __init__ would (it checks nothing): a restore makes
        # 10,000 of them, and a frozen dataclass's __init__ sets each field through a call.
        missing = _REQUIRED.difference(data)
        if missing:
            raise TypeError(f"an evaluation needs {', '.join(sorted(missing))}")
        evaluation = object.__new__(cls)
        evaluation.__dict__.update(_DEFAULTS)
        evaluation.__dict__.update((k, v) for k, v in data.items() if k in _FIELDS)
        if isinstance(evaluation.fold_scores, dict):  # as the store and the unsaved files keep them
            evaluation.__dict__["fold_scores"] = FoldScores.from_dict(evaluation.fold_scores)
        if key is not None:
            evaluation.__dict__["key"] = key  # the cached_property's slot
        return evaluation


_FIELDS = set(Evaluation.__dataclass_fields__) - {"kept", "test_set"}
_DEFAULTS = {name: f.default for name, f in Evaluation.__dataclass_fields__.items() if f.default is not MISSING}
_REQUIRED = frozenset(name for name, f in Evaluation.__dataclass_fields__.items() if f.default is MISSING)


def evaluate_model(
    objective: Objective,
    model,
    X,
    y,
    name: str | None = None,
    *,
    source: str = "evaluate",
    role: str = "model",
    rows_kept: int = DEFAULT_LIMIT,
    fit_seconds: float | None = None,
    kind: str = "test",
    answered: Answered | None = None,
    learned: dict | None = None,
) -> Evaluation:
    """Score a fitted model with the objective's metric. Nothing is recorded here.

    Before scoring, the metric is checked against the task: a classification metric on a
    continuous target, a regression metric on a classifier, a two-class metric on a multiclass
    target, or a ranking metric on a model that cannot rank are each refused with one line that
    says what to use instead.

    Parameters
    ----------
    objective : Objective
        Gives the metric, and the name and version the record belongs to.
    model : object
        A fitted scikit-learn estimator or pipeline, or any object with ``predict`` (and
        ``predict_proba`` or ``decision_function`` for metrics that rank cases).
    X, y
        The data to score on: anything scikit-learn accepts (arrays, DataFrames, sparse matrices).
    name : str, optional
        The label of the record; the model's class name by default.
    source, role : str
        Where the evaluation comes from, and ``"model"`` or ``"baseline"``.
    rows_kept : int
        The most test rows whose labels are kept, and the model's response on them (a
        classifier's in at most 40 KB, see :mod:`nbalign.predictions`); 0 keeps none.
    fit_seconds : float, optional
        How long the model's fit took, when it was seen (autolog times it).
    kind : str
        ``"test"``, or ``"train"`` for a score on the data the model was fitted on (shown apart).
    answered : Answered, optional
        What the model answered the user's own call on these very rows ``X``, and what the user's
        metric made of it (autolog saw them): scored from that, not predicted again.
    learned : dict, optional
        What :func:`learned_facts` measured of the model right after its fit (autolog does, after
        the cell that fitted it): not measured again.

    Returns
    -------
    Evaluation
        The record, with its score, the time predict and metric took, and its identity; and,
        beside it for the store, the predictions the metric was computed from.

    Raises
    ------
    EvaluationError
        When the model is not fitted, the metric does not fit the task, or the model cannot
        produce what the metric needs.

    Examples
    --------
    >>> e = evaluate_model(objective, forest, X_test, y_test, "forest")  # doctest: +SKIP
    >>> e.score, e.fit_id  # doctest: +SKIP
    (0.982, '5d0c4f1e9a2b7c33')
    """
    if not hasattr(model, "predict") and not hasattr(model, "predict_proba"):
        raise EvaluationError(
            f"{type(model).__name__} is not a model: it has no predict method. Pass a fitted "
            "scikit-learn estimator (or pipeline), or an object with predict(X)."
        )
    label = name or type(model).__name__
    native = is_sklearn_estimator(model)
    if native:
        _check_fitted(model, label)
    metric = objective.metric
    target = target_type(y)
    check_task(metric, model, y, target, label)
    check_acted_on(objective, y, target)
    check_responses(metric, model, label)
    if metric.kind.needs_both_classes and _why_undefined(y):
        # scikit-learn answers NaN, or a convention (0 or 1), where nothing was measured
        raise EvaluationError(f"{metric.label} of {label} is undefined{_why_undefined(y)}. "
                              "Score it on a test set that holds both classes.")
    scored = model if native else duck_adapter(model, metric, y, target)
    if answered is not None:
        scored = _Answering(scored, X, answered.responses)
    try:
        known = None if answered is None else answered.score
        score, seconds, response = metric.score_and_respond(scored, X, y, known)
        if answered is not None and response is not None and response[0] in answered.responses:
            seconds += answered.seconds  # the prediction's time is the user's call's
        if known is not None and known.reused:
            seconds += known.seconds  # and so is the metric's
    except (ValueError, AttributeError, TypeError) as exc:
        raise EvaluationError(f"could not score {label} with {metric.label}: {exc}") from exc
    if not math.isfinite(score):
        raise EvaluationError(
            f"{metric.label} of {label} is {score}, not a number nbalign can compare"
            f"{_why_undefined(y)}. Score it on a test set where the metric is defined."
        )
    data_fingerprint = fingerprint(X, y)
    kept, labels = _keep(response, y, data_fingerprint, rows_kept, metric.kind.paired_test)
    business = _business(objective, scored, X, y, response, label)
    if learned is None:
        learned = learned_facts(model)
        model_id = learned["model_id"]
    else:
        model_id = model_identity(model)
    params = learned["params"] if learned["model_id"] == model_id else model_params(model)  # set_params since
    return Evaluation(
        objective=objective.name,
        objective_version=objective.version,
        name=label,
        estimator=qualname(model),
        params=params,
        model_id=model_id,
        fit_id=learned["fit_id"],
        metric=metric.name,
        score=score,
        predict_seconds=seconds,
        n_rows=_n_rows(y),
        data_fingerprint=data_fingerprint,
        source=source,
        role=role,
        kind=kind,
        created_at=now_iso(),
        complexity=measure(model, predict_seconds=seconds, n_rows=_n_rows(y), fit_seconds=fit_seconds,
                           learned=learned["learned"]).to_dict(),
        kept=kept,
        test_set=labels,
        business=business,
    )


def learned_facts(model) -> dict:
    """What an evaluation records of a fitted model that only a fit changes, the costly part of
    its identity: what it learned (:func:`~nbalign.identity.fit_identity`), its size and number
    of parameters, and its readable parameters with the identity they were read under.

    Autolog measures it after the cell that fitted the model (where it is a small share of the
    fit), so that scoring the model later costs the user's scoring line little.
    """
    from .complexity import count_parameters, pickled_size

    return {"fit_id": fit_identity(model), "learned": (pickled_size(model), count_parameters(model)),
            "model_id": model_identity(model), "params": model_params(model)}


def _business(objective, model, X, y, response, label) -> dict | None:
    """The business figures of the evaluation; a failure to measure them is one warning, and
    the evaluation is recorded without them."""
    if objective.value is None and objective.action is None:
        return None
    from .business import measure

    try:
        figures = measure(objective, model, X, y, response)
    except Exception as exc:  # nbalign's own failure must not lose the user's evaluation
        log.debug("business figures failed", exc_info=True)
        warnings.warn(f"nbalign could not measure {label}'s business value and projected KPI "
                      f"({type(exc).__name__}: {exc}); its evaluation is recorded without them.",
                      stacklevel=2)
        return None
    return None if figures is None else figures.to_dict()


@dataclass
class Answered:
    """What a model answered the user's own call on the rows ``X`` (autolog saw it), for the
    evaluation of that model on those rows to score instead of predicting again.

    ``responses`` maps a prediction method to its output on ``X``: the user's call's, and the
    one made inside it on the same model and rows when that is what the objective's metric takes
    (the ``decision_function`` inside ``LogisticRegression.predict_proba``); each is what the
    model returns for that call, so scoring from it is scoring a fresh prediction. ``seconds``:
    how long the user's prediction took. ``score``: the user's metric call on one of them, reused
    when it is the very call the objective's scorer would make (:class:`~nbalign.metrics.KnownScore`).
    """

    responses: dict[str, Any]
    seconds: float = 0.0
    score: KnownScore | None = None


class _Answering:
    """The model, answering the calls the user's cell already made on the rows ``X`` with what it
    answered then (``responses``, by method), so that scoring does not predict again; every
    other attribute and call is the model's own."""

    def __init__(self, model, X, responses: dict[str, Any]):
        self._model, self._X, self._responses = model, X, responses

    def __getattr__(self, name):
        attribute = getattr(self._model, name)
        if name not in self._responses:
            return attribute

        def answer(X, *args, **kwargs):
            if X is self._X and not args and not kwargs:
                return self._responses[name]
            return attribute(X, *args, **kwargs)

        answer.__name__ = name  # scikit-learn's scorers tell the response by its method's name
        return answer


def threshold_plan(objective: Objective, evaluation: Evaluation, model, train, **options) -> dict | None:
    """What choosing the evaluation's decision threshold will do, decided without refitting
    (:func:`nbalign.business.tuning_plan`; ``options``: budget, fit time, whether the user asked,
    the session's thresholds chosen before):
    None when there is nothing to choose, else ``{"skipped": why}`` or how it is chosen."""
    from .business import tuning_plan

    if evaluation.business is None or "default" not in evaluation.business:
        return None
    return tuning_plan(objective, model, train, label=evaluation.name, **options)


def with_tuned_threshold(objective: Objective, evaluation: Evaluation, model, X, y, train, plan=None,
                         **options) -> Evaluation:
    """The evaluation with the decision threshold that maximises value chosen on ``train``
    (:func:`nbalign.business.tune`, whose ``options`` these are: budget, fit time, report,
    whether the user asked, the session's thresholds chosen before; ``plan`` is
    :func:`threshold_plan`'s), or as it was when there is
    nothing to choose."""
    from dataclasses import replace

    from .business import tune

    if plan is None:
        planning = {k: v for k, v in options.items() if k != "report"}
        plan = threshold_plan(objective, evaluation, model, train, **planning)
    if plan is None or evaluation.business is None:  # (threshold_plan: nothing to choose without figures)
        return evaluation
    tuned = tune(objective, model, X, y, train, label=evaluation.name, plan=plan, **options)
    return replace(evaluation, business={**evaluation.business, "tuned": tuned})


def recipe_plan(objective: Objective, evaluation: Evaluation, model, train, *, budget=None,
                fit_seconds: float | None = None, fitted_rows: int | None = None, asked: bool = False,
                checked=None, ask: str | None = None) -> dict | None:
    """What checking the evaluation's recipe will do (:mod:`nbalign.recipe`: 5×2-fold
    cross-validation on the training data ``train``), decided without refitting anything.

    None when there is nothing to check: no training data, an evaluation that is not on a test
    set, or a model nbalign cannot clone (no scikit-learn ``get_params``). ``{"known":
    FoldScores}`` when ``checked`` (the session's :class:`~nbalign.recipe.Checked`) holds them
    for this recipe and training data;
    ``{"skipped": line}`` when it is not done in the cell (the one line the user sees: how long it
    would take and how to ask for it: ``ask``, by default `%evaluate name --tune`); else
    ``{"folds", "deadline", "estimate", "ask"}``.

    Unless ``asked``, it is done only when its cost, estimated from the model's own fit
    (``fit_seconds`` on ``fitted_rows``, the training rows by default) and prediction times, fits
    the ``budget`` (:class:`~nbalign.refit.Budget`), and it is stopped once the budget is spent.
    """
    from . import refit
    from .recipe import REPEATS, K, estimate, training_folds

    if train is None or evaluation.kind != "test" or not hasattr(refit.best_estimator(model), "get_params"):
        return None  # (a model that is no scikit-learn estimator cannot be cloned to refit it)
    X_train, y_train = train
    other = _other_columns(model, X_train)
    if other is not None:
        return {"skipped": f"recipe not compared: {evaluation.name} {other}"}
    try:
        folds = training_folds(y_train, objective.metric)
    except (EvaluationError, TypeError, ValueError) as exc:
        return {"skipped": f"recipe not compared: {exc}"}
    if checked is not None:
        known = checked.get(model, X_train, folds, objective.metric)
        if known is not None:
            return {"known": known}
    seconds = estimate(refit.fit_seconds(model, fit_seconds), folds, fitted_rows=fitted_rows,
                       predict_seconds=evaluation.predict_seconds, test_rows=evaluation.n_rows)
    ask = ask or f"`%evaluate {evaluation.name} --tune` compares it"
    budget = budget or refit.Budget()
    scheme = f"{REPEATS}×{K}-fold CV"
    if not asked and not budget.allows(seconds):
        unseen = f"{scheme} refits the model {folds.fits} times and nbalign did not see how long its fit takes"
        return {"skipped": f"recipe not compared: {budget.refusal(seconds, scheme, unseen, ask)}"}
    return {"folds": folds, "deadline": math.inf if asked else budget.deadline(seconds), "estimate": seconds,
            "ask": ask}


def _other_columns(model, X) -> str | None:
    """Why ``model`` was not fitted on the columns of ``X`` (``data.train``, when autolog did not
    see its fit), or None: a recipe refitted on other columns would be another recipe."""
    from .refit import best_estimator

    fitted = best_estimator(model)
    names = getattr(fitted, "feature_names_in_", None)
    columns = getattr(X, "columns", None)
    if names is not None and columns is not None and [str(c) for c in columns] != [str(n) for n in names]:
        return "was fitted on other columns than the training data (`data.train`)"
    count, shape = getattr(fitted, "n_features_in_", None), getattr(X, "shape", None)
    if isinstance(count, int) and shape is not None and len(shape) == 2 and shape[1] != count:
        return f"was fitted on {count:,} columns and the training data (`data.train`) has {shape[1]:,}"
    return None


def with_fold_scores(objective: Objective, evaluation: Evaluation, model, train, plan: dict | None, *,
                     report=None, checked=None) -> tuple[Evaluation, str | None]:
    """The evaluation with its recipe's fold scores (:func:`nbalign.recipe.fold_scores`, as
    :func:`recipe_plan` planned), and the line to tell the user when it has none: what stopped
    the check (its deadline, Ctrl-C: :class:`~nbalign.refit.Cancelled`) or why the recipe could
    not be refitted. ``report(text, done)`` hears of its progress (when it was asked for: it may
    take long)."""
    from dataclasses import replace

    from .recipe import fold_scores
    from .refit import Cancelled

    if plan is None:
        return evaluation, None
    if "known" in plan:
        return replace(evaluation, fold_scores=plan["known"]), None
    if "skipped" in plan:
        return evaluation, plan["skipped"]
    X_train, y_train = train
    folds = plan["folds"]
    if report is not None:
        report(f"nbalign: checking {evaluation.name}'s recipe by {folds.repeats}×{folds.k}-fold CV on "
               f"{folds.train_rows:,} training rows ({folds.fits} fits)…", False)
    try:
        scores = fold_scores(model, X_train, y_train, objective.metric, folds=folds, deadline=plan["deadline"])
    except Cancelled as cancelled:
        line = f"recipe not compared: stopped ({cancelled.why}); {plan['ask']}"
    except EvaluationError as exc:
        line = f"recipe not compared: {exc}"
    except Exception as exc:  # noqa: BLE001 - the recipe cannot be refitted here: the figure is left out, not the evaluation
        text = str(exc).splitlines()[0] if str(exc) else ""
        line = f"recipe not compared: the model could not be refitted ({type(exc).__name__}: {text[:120]})"
    else:
        if checked is not None:
            checked.remember(model, X_train, folds, objective.metric, scores)
        if report is not None:
            from .recipe import describe

            report(f"nbalign: {evaluation.name}'s {describe(scores)}.", True)
        return replace(evaluation, fold_scores=scores), None
    if report is not None:
        report(f"nbalign: {line}.", True)
    return evaluation, line


def cross_validated(objective: Objective, estimator, X, y, fold_scores, name: str | None = None, *,
                    fit_seconds: float | None = None, source: str = "autolog") -> Evaluation:
    """The record of an estimator cross-validated on ``(X, y)``: the mean of the objective's
    metric over the folds (``fold_scores``, as the metric's scikit-learn scorer returns them),
    with their spread. Kept apart from test-set evaluations (``kind="cv"``)."""
    import numpy as np

    metric = objective.metric
    scores = np.asarray(fold_scores, dtype=float) * metric.sign
    if scores.size == 0 or not np.all(np.isfinite(scores)):
        raise EvaluationError(f"the cross-validation of {name or type(estimator).__name__} gave no finite "
                              f"{metric.label} on some fold; it is not logged.")
    return Evaluation(
        objective=objective.name,
        objective_version=objective.version,
        name=name or type(estimator).__name__,
        estimator=qualname(estimator),
        params=model_params(estimator),
        model_id=model_identity(estimator),
        metric=metric.name,
        score=float(scores.mean()),
        n_rows=_n_rows(y),
        data_fingerprint=fingerprint(X, y),
        kind="cv",
        source=source,
        created_at=now_iso(),
        complexity={"predict_ms_per_1k": None, "size_bytes": None, "n_parameters": None, "fit_seconds": fit_seconds},
        cv={"folds": int(scores.size), "std": float(scores.std(ddof=1)) if scores.size > 1 else 0.0,
            "scores": [float(s) for s in scores]},
    )


def _keep(response: tuple[str, object] | None, y, data_fingerprint: str, limit: int, test: str | None = None):
    """The response the metric used, in the compact form its paired ``test`` needs, and the test
    set's labels, on the kept rows (or nothing)."""
    if response is None or not limit:
        return None, None
    from .predictions import compact, keep, kept_rows, test_set

    rows = kept_rows(_n_rows(y) or 0, data_fingerprint, limit)
    try:
        labels = test_set(data_fingerprint, y, rows)
        method, values = response
        return compact(keep(method, values, rows, labels.classes), labels, test), labels
    except (TypeError, ValueError, IndexError) as exc:  # an unusual response: scored, not kept
        log.info("nbalign did not keep the predictions (%s)", exc)
        return None, None


def _why_undefined(y) -> str:
    """The usual reason a metric is undefined: one class only in the labels."""
    try:
        import numpy as np

        from .stats import two_labels_at_most

        y = np.asarray(y)
        labels = two_labels_at_most(y) if y.dtype.kind in "biuf" and y.size else None
        classes = np.unique(y) if labels is None else np.unique(labels)  # numbers: no sort of every row
    except (TypeError, ValueError):
        return ""
    if len(classes) == 1:
        only = classes[0].item() if hasattr(classes[0], "item") else classes[0]
        return f": y holds one class only ({only!r}), so ranking and recall are undefined"
    return ""


def _check_fitted(model, label: str) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except NotFittedError:
        raise EvaluationError(
            f"{label} is not fitted yet. Call `{label}.fit(X_train, y_train)` before evaluating it."
        ) from None
    except TypeError:
        pass  # has no fit: scikit-learn cannot tell; the scorer decides


def _n_rows(y) -> int | None:
    try:
        return len(y)
    except TypeError:
        return None


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
