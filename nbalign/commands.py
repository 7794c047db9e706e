"""What the magics and the public functions do, given a session and the user's namespace.

The magics only parse their arguments and call these; the public functions in
``nbalign/__init__.py`` call them with the running kernel's namespace. Keeping the namespace an
argument makes every command testable with a plain dict.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .baseline import CONSTANT_LABEL, LINEAR_LABEL, AutoBaseline, fit_baselines
from .cells import current_cell_id
from .display import EvaluationResult
from .errors import EvaluationError, NbalignError, ObjectiveError, strict
from .evaluation import (
    Answered,
    evaluate_model,
    recipe_plan,
    threshold_plan,
    with_fold_scores,
    with_tuned_threshold,
)
from .objective import Objective, check_names, parse_objective
from .session import Session


class ProgressLine:
    """One line of progress that the next replaces: ``\r`` rewrites it in a terminal and in Jupyter."""

    def __init__(self):
        self.width = 0

    def __call__(self, text: str, done: bool) -> None:
        import sys

        if done:
            sys.stdout.write("\r" + text.ljust(self.width) + "\n")
        else:
            self.width = len(text)
            sys.stdout.write(text)
        sys.stdout.flush()


def declare_objective(session: Session, namespace: dict[str, Any], text: str, name: str, *,
                      report: Callable[[str, bool], None] | None = None,
                      on_auto: Callable[[AutoBaseline], None] | None = None) -> Objective:
    """Parse and declare an objective; evaluate its baseline model(s) when it names one.

    ``baseline: auto`` fits two models on data.train (see :mod:`nbalign.baseline`) and records
    both as baselines, the constant floor first; ``report`` is told the progress of the linear
    fit, and ``on_auto`` is given what was fitted, for the baseline card.
    """
    objective = parse_objective(text, name=name)
    check_names(objective, namespace)
    if objective.baseline.kind in ("model", "auto") and objective.data_test is None:
        raise ObjectiveError(
            f"`baseline: {objective.baseline.model or objective.baseline.kind}` is scored on the "
            "test data, so the objective needs `data:` with `test: X_test, y_test`.",
            objective.line_of("baseline"),
        )
    # Score the baseline before declaring, so a baseline that cannot be scored declares nothing.
    baseline_models = []  # (label, fitted model), the floor first
    auto = None
    if objective.baseline.kind == "model":
        assert objective.baseline.model is not None  # the parser requires the variable (its label too)
        baseline_models.append((objective.baseline.model, namespace[objective.baseline.model]))
    elif objective.baseline.kind == "auto":
        assert objective.data_train is not None  # the parser requires it for `baseline: auto`
        X_train, y_train = (namespace[n] for n in objective.data_train)
        _check_training_data(objective, X_train, y_train)
        auto = fit_baselines(X_train, y_train, objective.metric, report=report)
        baseline_models.append((CONSTANT_LABEL, auto.constant))
        if auto.linear is not None:
            baseline_models.append((LINEAR_LABEL, auto.linear))
    if objective.data_test is not None:  # the checks of the metric against the data see them now
        session.see_labels(namespace[objective.data_test[1]], again=True)
    objective = _with_business_terms(objective, namespace)
    train = _training_data(objective, namespace)
    baselines = []
    if baseline_models:
        assert objective.data_test is not None  # refused above without it
        X_test, y_test = (namespace[n] for n in objective.data_test)
        with warnings.catch_warnings():  # the card says so: categories unseen in training are ignored
            warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
            baselines = [evaluate_model(objective, model, X_test, y_test, label, source="objective",
                                        role="baseline", rows_kept=session.rows_kept)
                         for label, model in baseline_models]
            # the baseline to beat gets its threshold, within the refit budget; the constant floor has none to choose
            seen = {} if auto is None else {LINEAR_LABEL: auto.seconds}
            baselines = [evaluation if label == CONSTANT_LABEL else
                         with_tuned_threshold(objective, evaluation, model, X_test, y_test, train,
                                              budget=session.refit_budget, fit_seconds=seen.get(label), report=report,
                                              chosen=session.thresholds)
                         for evaluation, (label, model) in zip(baselines, baseline_models, strict=True)]
            # and its recipe's fold scores, so that every model's recipe can be compared with it
            baselines = [evaluation if label == CONSTANT_LABEL else
                         _baseline_recipe(session, objective, evaluation, model, train, seen.get(label),
                                          auto.n_fitted if auto is not None and label == LINEAR_LABEL else None, report)
                         for evaluation, (label, model) in zip(baselines, baseline_models, strict=True)]
    declared = session.set_objective(objective, *baselines)
    for evaluation, (_, model) in zip(baselines, baseline_models, strict=True):
        if model is not namespace.get(objective.baseline.model or ""):  # fitted by nbalign: kept for shipping
            session.remember_model(evaluation.key, model, own=True)
        else:
            session.remember_model(evaluation.key, model)
    if auto is not None and on_auto is not None:
        on_auto(auto)
    return declared


def _baseline_recipe(session: Session, objective: Objective, evaluation, model, train, fit_seconds: float | None,
                     fitted_rows: int | None, report: Callable[[str, bool], None] | None):
    """The baseline model's evaluation with its recipe's fold scores (:mod:`nbalign.recipe`),
    within the refit budget; when they are left out, ``report`` is told why in one line."""
    from .autolog import fit_seconds_seen, quiet, training_seen

    trained = training_seen(model) or train
    plan = recipe_plan(objective, evaluation, model, trained, budget=session.refit_budget,
                       fit_seconds=fit_seconds if fit_seconds is not None else fit_seconds_seen(model),
                       fitted_rows=fitted_rows, checked=session.recipes,
                       ask="raise `%config NbalignMagics.refit_budget` and run the objective's cell again")
    with quiet():
        evaluation, note = with_fold_scores(objective, evaluation, model, trained, plan, checked=session.recipes)
    if note is not None and report is not None:
        report(f"nbalign: the baseline {evaluation.name}: {note}.", True)
    return evaluation


def _with_business_terms(objective: Objective, namespace: dict[str, Any]) -> Objective:
    """Check the value and action against the test labels, and derive `target: from kpi`."""
    if objective.value is None and objective.action is None:
        return objective
    from .business import derive_target
    from .tasks import _positive_is_known, describe_labels

    labels = None
    if objective.data_test is not None:
        labels = describe_labels(namespace[objective.data_test[1]])
    if labels is not None and labels.classified and (objective.action is not None
                                                     or getattr(objective.value, "kind", None) == "matrix"):
        classes = [c for c, _ in labels.shares]
        if labels.kind != "binary" or not _positive_is_known(classes):
            key = "action" if objective.action is not None else "value"
            raise ObjectiveError(
                f"`{key}:` is about the cases the model looks for, and the test labels "
                f"({', '.join(repr(c) for c in classes[:5])}) do not say which those are. Make the labels "
                f"two classes with 1 (or True) for the cases to act on, e.g. `y_test == {classes[-1]!r}`.",
                objective.line_of(key))
    if not objective.target_from_kpi:
        return objective
    assert objective.action is not None  # the parser requires one for `target: from kpi`
    rate = labels.positive_share if labels is not None and labels.classified else None
    try:
        derivation = derive_target(objective.metric, objective.kpi, objective.action, objective.population,
                                   objective.value, rate)
    except ValueError as exc:
        raise ObjectiveError(f"`target: from kpi`: {exc}.", objective.line_of("target")) from None
    return replace(objective, target=derivation.target, derivation=derivation)


def _is_training_data(objective: Objective, namespace: dict[str, Any], X, fitted_on) -> bool:
    """Is ``X`` the data the model was fitted on: the objective's ``data.train`` features, or the
    very object autolog saw the model's ``fit`` take (``fitted_on``)?"""
    if fitted_on is not None and fitted_on is X:
        return True
    if objective.data_train is None or (objective.data_test is not None and namespace.get(objective.data_test[0]) is X):
        return False
    return namespace.get(objective.data_train[0]) is X


def _training_data(objective: Objective, namespace: dict[str, Any]):
    """``(X_train, y_train)`` when the objective names them and they exist, else None."""
    if objective.data_train is None or any(n not in namespace for n in objective.data_train):
        return None
    return tuple(namespace[n] for n in objective.data_train)


def _check_training_data(objective: Objective, X, y) -> None:
    """`baseline: auto` fits on data.train: say what is wrong with it, where, before fitting."""
    import numpy as np

    assert objective.data_train is not None  # `baseline: auto` requires it
    x_name, y_name = objective.data_train
    line = objective.line_of("data.train")
    x_shape, y_shape = np.shape(X), np.shape(y)
    if len(y_shape) == 2 and y_shape[1] > 1 and (len(x_shape) == 1 or x_shape[-1:] == (1,)):
        raise ObjectiveError(f"`data.train: {x_name}, {y_name}` looks swapped: {y_name} has {y_shape[1]} "
                             f"columns and {x_name} one. Write the features first: `train: X_train, y_train`.", line)
    if len(y_shape) != 1 and not (len(y_shape) == 2 and y_shape[1] == 1):
        raise ObjectiveError(f"`data.train`: the labels {y_name} must be one column (shape {y_shape}).", line)
    if not x_shape or x_shape[0] != y_shape[0]:
        raise ObjectiveError(f"`data.train`: {x_name} has {x_shape[0] if x_shape else 0} rows and {y_name} "
                             f"{y_shape[0]}; they must be the same rows. Check the split that made them.", line)


def evaluate(
    session: Session,
    namespace: dict[str, Any],
    model,
    X=None,
    y=None,
    name: str | None = None,
    source: str = "evaluate",
    report: Callable[[str, bool], None] | None = None,
    reported: dict | None = None,
    fit_seconds: float | None = None,
    fitted_on=None,
    answered: Answered | None = None,
    tune: bool = False,
    budget=None,
) -> EvaluationResult:
    """Score ``model`` with the objective's metric, record it, and return it with its row.

    The evaluation is recorded first; the decision threshold that maximises value and the
    recipe's fold scores (:mod:`nbalign.recipe`: 5×2-fold cross-validation on the training data),
    which refit the model, are computed afterwards, sharing the session's refit budget unless
    ``tune`` asks for them whatever they cost, and the record is updated with them. Interrupting
    them keeps the evaluation; what was left out is one line of the result's ``notes``. The recipe
    is checked on what autolog saw the model's ``fit`` take, else on the objective's ``data.train``.
    ``budget`` (:class:`~nbalign.refit.Budget`) is the session's unless given (autolog
    gives a smaller one). ``answered`` is what the model answered on ``X`` in the user's own call,
    and what the user's metric made of it (autolog: :class:`~nbalign.evaluation.Answered`).
    """
    objective = session.require_objective()
    if (X is None) != (y is None):
        raise EvaluationError("pass both X and y, or neither (to use the objective's data.test).")
    if X is None:
        if objective.data_test is None:
            raise EvaluationError(
                "no test data given and the objective has no `data.test`. Pass it, as in "
                "`nbalign.evaluate(model, X_test, y_test)` or `%evaluate model X_test y_test`, or "
                "add `data:\\n  test: X_test, y_test` to the objective."
            )
        missing = [n for n in objective.data_test if n not in namespace]
        if missing:
            raise EvaluationError(
                f"the objective's data.test names {', '.join(missing)}, which is not defined. Run "
                "the cell that creates it, or pass X and y."
            )
        X, y = (namespace[n] for n in objective.data_test)
    session.see_labels(y)  # the first test labels nbalign sees, when the objective named none
    from .autolog import fit_seconds_seen, learned_seen, quiet, training_seen

    if fit_seconds is None:
        fit_seconds = fit_seconds_seen(model)

    kind = "train" if _is_training_data(objective, namespace, X, fitted_on) else "test"
    with quiet():  # nbalign's own predictions are not the user's evaluations
        evaluation = evaluate_model(objective, model, X, y, name or variable_name(model, namespace), source=source,
                                    rows_kept=session.rows_kept, fit_seconds=fit_seconds, kind=kind,
                                    answered=answered, learned=learned_seen(model))
    if reported is not None:
        evaluation = replace(evaluation, reported=reported)
    cell = current_cell_id()
    if cell is not None:
        evaluation = replace(evaluation, cell_id=cell)
    train = _training_data(objective, namespace)
    budget = budget or session.refit_budget
    plan = threshold_plan(objective, evaluation, model, train, budget=budget,
                          fit_seconds=fit_seconds, asked=tune, chosen=session.thresholds)
    # decided without a refit: recorded with the evaluation (a plan implies business figures: threshold_plan)
    if plan is not None and "skipped" in plan and evaluation.business is not None:
        evaluation = replace(evaluation, business={**evaluation.business, "tuned": plan})
    # the recipe is checked on what the model was fitted on, when autolog saw it, else on data.train
    trained = training_seen(model) or train
    recipe = recipe_plan(objective, evaluation, model, trained, budget=budget, fit_seconds=fit_seconds, asked=tune,
                         checked=session.recipes)
    if recipe is not None and "known" in recipe:  # checked before: no refit
        evaluation, _ = with_fold_scores(objective, evaluation, model, trained, recipe)
    row = session.record(evaluation)
    session.remember_model(evaluation.key, model)
    refitted = False
    if plan is not None and "skipped" not in plan:  # recorded first: the refits may be interrupted
        start = time.perf_counter()
        with quiet():
            evaluation = with_tuned_threshold(objective, evaluation, model, X, y, train, plan=plan, report=report,
                                              chosen=session.thresholds)
        refitted = True
        if recipe is not None and "deadline" in recipe and not tune:  # the evaluation's refits share the budget
            recipe = recipe_plan(objective, evaluation, model, trained, fit_seconds=fit_seconds,
                                 checked=session.recipes,
                                 budget=budget.less(time.perf_counter() - start, "choosing the threshold"))
    note = None
    if recipe is not None and "known" not in recipe:
        with quiet():
            evaluation, note = with_fold_scores(objective, evaluation, model, trained, recipe,
                                                report=report if tune else None, checked=session.recipes)
        refitted = refitted or evaluation.fold_scores is not None
    if refitted:
        row = session.record(evaluation)
    return EvaluationResult(evaluation.with_id(row.id), row, session.require_standing(), notes=[note] if note else [])


def evaluate_observed(session: Session, namespace: dict[str, Any], observed: list, fit_seconds=None,
                      report: Callable[[str, bool], None] | None = None, warn: Callable[[str], None] = print,
                      fitted_on=None, cell_seconds: float | None = None) -> list:
    """Evaluate what autolog saw being scored in one cell (:mod:`nbalign.autolog`), each once, on
    the objective's metric; recorded in one batch, so views get one update. An evaluation nbalign
    refuses (a metric for another task) is one line, not an error in the user's cell. Refits are
    let in within the session's budget and a tenth of the cell's ``cell_seconds``."""
    budget = session.refit_budget.within_cell(cell_seconds or 0.0)
    from .autolog import quiet

    results = []
    with session.batch(), quiet():
        for seen in observed:
            name = model_label(seen.model, namespace)
            try:
                if seen.kind in ("cv", "search", "cv_predict"):
                    results.append(_record_cross_validation(session, namespace, seen, name, budget))
                    continue
                results.append(evaluate(session, namespace, seen.model, seen.X, seen.y, name=name, source="autolog",
                                        report=report, reported={"metric": seen.metric, "value": seen.value},
                                        fit_seconds=None if fit_seconds is None else fit_seconds(seen.model),
                                        fitted_on=None if fitted_on is None else fitted_on(seen.model),
                                        answered=seen.response, budget=budget))
            except NbalignError as exc:
                warn(f"did not log {name}: {exc}")
            except Exception as exc:  # nbalign's own failure: the other models are still logged
                if strict():
                    raise
                warn(f"could not log {name} ({type(exc).__name__}: {exc}); your code ran normally.")
    return results


def _record_cross_validation(session: Session, namespace: dict[str, Any], seen, name: str, budget) -> EvaluationResult:
    """Record a cross-validation autolog saw: of an estimator (the objective's metric scored on
    each fold right after the user's call, or why it could not be), of out-of-fold
    predictions (the objective's metric scored on each fold from them), or of a fitted search's
    best estimator (from the search's own results when it scored the objective's metric, else
    cross-validated again on it, in its folds, when that fits the refit budget)."""
    from .evaluation import cross_validated

    objective = session.require_objective()
    estimator, folds, value, metric_name = seen.model, seen.folds, seen.value, seen.metric
    if seen.kind == "cv" and "refused" in seen.folds:
        raise seen.folds["refused"]
    if seen.kind == "cv_predict":
        folds = {"scores": _out_of_fold_scores(objective, seen), "fit_seconds": seen.folds.get("fit_seconds")}
    if seen.kind == "search":
        search = seen.model
        estimator = search.best_estimator_
        name = f"{name}.best_estimator_" if not name.endswith("best_estimator_") else name
        folds = _search_folds(search, objective) or _cross_validate_again(session, search, seen, name, budget)
        metric_name = f"{type(search).__name__}.best_score_"
    evaluation = cross_validated(objective, estimator, seen.X, seen.y, folds["scores"], name,
                                 fit_seconds=folds.get("fit_seconds"))
    evaluation = replace(evaluation, reported={"metric": metric_name, "value": value}, cell_id=current_cell_id())
    row = session.record(evaluation)
    if seen.kind == "search":  # a search's best estimator is fitted; cross_val_score's estimator is not
        session.remember_model(evaluation.key, estimator)
    return EvaluationResult(evaluation.with_id(row.id), row, session.require_standing())


def fold_scores(objective: Objective, name: str, estimator, X, y, estimators: list, splits: list) -> list[float]:
    """The objective's metric on each fold of a cross-validation, as its scorer returns it: each
    fold's fitted estimator on its test rows (both from the user's call, which scored only what
    the user asked for). Raises :class:`EvaluationError` when the metric does not fit them."""
    from sklearn.utils import _safe_indexing

    from .tasks import check_responses, check_task, target_type

    metric = objective.metric
    check_task(metric, estimators[0], y, target_type(y), name)
    check_responses(metric, estimators[0], name)
    scorer = metric.sklearn_scorer()
    try:
        return [float(scorer(fitted, _safe_indexing(X, test), _safe_indexing(y, test)))
                for fitted, (_, test) in zip(estimators, splits, strict=True)]
    except (AttributeError, ValueError, TypeError, IndexError) as exc:
        raise EvaluationError(f"{metric.label} cannot be scored on the folds of {name} "
                              f"({type(exc).__name__}: {exc}).") from None


def _cross_validate_again(session: Session, search, seen, name: str, budget) -> dict:
    """A search's best estimator cross-validated on the objective's metric, in the search's folds,
    with nbalign's own random generator; only when its refits fit the ``budget``."""
    from sklearn.base import is_classifier
    from sklearn.model_selection import check_cv, cross_validate

    from . import refit

    objective = session.require_objective()
    folds = check_cv(search.cv, seen.y, classifier=is_classifier(search))
    n_splits = folds.get_n_splits(seen.X, seen.y)
    fit_seconds = float(search.cv_results_["mean_fit_time"][search.best_index_])
    estimate = refit.estimate(n_splits, fit_seconds)
    if not budget.allows(estimate):
        raise EvaluationError(
            f"{type(search).__name__} scored {search.scoring or 'its default score'}, not {objective.metric.label}; "
            f"cross-validating {name} again on it would take about {refit.describe_seconds(estimate)} "
            f"({n_splits} refits), over {budget.describe()}. Score it on the "
            f"test set (`%evaluate {name}`), or search with scoring='{objective.metric.scorer}'.")
    with refit.own_randomness():
        scores = cross_validate(refit.seeded_clone(search.best_estimator_), seen.X, seen.y, cv=folds,
                                scoring=objective.metric.sklearn_scorer())
    return {"scores": list(scores["test_score"]), "fit_seconds": float(scores["fit_time"].mean())}


def _out_of_fold_scores(objective: Objective, seen) -> list[float]:
    """The objective's metric on each fold of ``cross_val_predict``'s output, as its scorer
    returns it: the scorer asks for the response of the rows of a fold, and gets the out-of-fold
    predictions of those rows (the model that made them is gone)."""
    from types import SimpleNamespace

    from .tasks import duck_adapter, target_type

    metric, method, response, y = objective.metric, seen.folds["method"], seen.folds["response"], seen.y
    held = SimpleNamespace(**{method: lambda rows: response[rows]})
    scored = duck_adapter(held, metric, y, target_type(y))
    scorer = metric.sklearn_scorer()
    take = (lambda rows: y.iloc[rows]) if hasattr(y, "iloc") else (lambda rows: y[rows])
    try:
        return [float(scorer(scored, test, take(test))) for _, test in seen.folds["splits"]]
    except (AttributeError, ValueError, TypeError, IndexError) as exc:
        needs = "scores: pass method='predict_proba'" if method == "predict" else f"another response ({exc})"
        raise EvaluationError(f"{metric.label} cannot be computed from cross_val_predict's {method} output; it "
                              f"needs {needs} to cross_val_predict to have it logged.") from None


def _search_folds(search, objective: Objective) -> dict | None:
    """The best candidate's fold scores on the objective's metric, when the search scored it."""
    scoring = search.scoring
    key = None
    if isinstance(scoring, str) and scoring == objective.metric.scorer:
        key = "score"
    elif isinstance(scoring, dict):
        key = next((k for k, v in scoring.items() if v == objective.metric.scorer), None)
    if key is None:
        return None
    results, best = search.cv_results_, search.best_index_
    splits = sorted(k for k in results if k.startswith("split") and k.endswith(f"_test_{key}"))
    if not splits:
        return None
    return {"scores": [float(results[k][best]) for k in splits],
            "fit_seconds": float(results["mean_fit_time"][best])}


def model_label(model, namespace: dict[str, Any]) -> str:
    """The user's name for a model: its variable, the attribute of a variable it is
    (``search.best_estimator_``), or its class (a pipeline's last step)."""
    name = variable_name(model, namespace)
    if name is not None:
        return name
    for key, value in namespace.items():
        if key.startswith("_") or value is None:
            continue
        if getattr(value, "best_estimator_", None) is model:
            return f"{key}.best_estimator_"
    steps = getattr(model, "steps", None)
    if steps:
        return f"{type(model).__name__}({type(steps[-1][1]).__name__})"
    return type(model).__name__


def variable_name(obj, namespace: dict[str, Any]) -> str | None:
    """The user's name for ``obj``: the first public variable bound to it."""
    for key, value in namespace.items():
        if value is obj and not key.startswith("_"):
            return key
    return None


def lookup(namespace: dict[str, Any], expression: str, what: str):
    """A variable, or an expression as the user typed it (``models[0]``, ``search.best_estimator_``,
    ``X_test[:500]``), evaluated in the user's namespace; a clear message when it fails."""
    if expression in namespace:
        return namespace[expression]
    if expression.isidentifier():
        import difflib

        close = difflib.get_close_matches(expression, [k for k in namespace if not k.startswith("_")], n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise NbalignError(f"{what} {expression!r} is not defined.{hint}")
    try:
        return eval(expression, namespace)  # the user's own expression, in their kernel
    except SyntaxError as exc:
        raise NbalignError(f"{what} `{_cut(expression)}` is not an expression Python can read ({exc.msg}). "
                           "Write a variable or an expression, and quote it if it has spaces.") from None
    except Exception as exc:  # noqa: BLE001 - the user's expression failed: say how, in one line
        raise NbalignError(f"{what} `{_cut(expression)}` could not be evaluated: "
                           f"{type(exc).__name__}: {_cut(str(exc))}") from None


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
