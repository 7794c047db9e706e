"""What the magics and the public functions do, given a session and the user's namespace.

The magics only parse their arguments and call these; the public functions in
``nbalign/__init__.py`` call them with the running kernel's namespace. Keeping the namespace an
argument makes every command testable with a plain dict.
"""

from __future__ import annotations

from typing import Any

from .display import EvaluationResult
from .errors import EvaluationError, NbalignError, ObjectiveError
from .evaluation import evaluate_model
from .objective import Objective, check_names, parse_objective
from .session import Session


def declare_objective(session: Session, namespace: dict[str, Any], text: str, name: str) -> Objective:
    """Parse and declare an objective; evaluate its baseline model when it names one."""
    objective = parse_objective(text, name=name)
    check_names(objective, namespace)
    if objective.baseline.kind in ("model", "auto") and objective.data_test is None:
        raise ObjectiveError(
            f"`baseline: {objective.baseline.model or objective.baseline.kind}` is scored on the "
            "test data, so the objective needs `data:` with `test: X_test, y_test`.",
            objective.line_of("baseline"),
        )
    # Score the baseline before declaring, so a baseline that cannot be scored declares nothing.
    baseline_model = None
    if objective.baseline.kind == "model":
        baseline_model = namespace[objective.baseline.model]
    elif objective.baseline.kind == "auto":
        X_train, y_train = (namespace[n] for n in objective.data_train)
        baseline_model = constant_model(y_train).fit(X_train, y_train)
    baseline = None
    if baseline_model is not None:
        X_test, y_test = (namespace[n] for n in objective.data_test)
        baseline = evaluate_model(objective, baseline_model, X_test, y_test, objective.baseline.label,
                                  source="objective", role="baseline")
    return session.set_objective(objective, baseline)


def constant_model(y_train):
    """The canonical floor: predict the class prior, or the mean (scikit-learn's Dummy models)."""
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.utils.multiclass import type_of_target

    if type_of_target(y_train).startswith("continuous"):
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="prior")


def evaluate(
    session: Session,
    namespace: dict[str, Any],
    model,
    X=None,
    y=None,
    name: str | None = None,
    source: str = "evaluate",
) -> EvaluationResult:
    """Score ``model`` with the objective's metric, record it, and return it with its row."""
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
    evaluation = evaluate_model(objective, model, X, y, name or variable_name(model, namespace), source=source)
    row = session.record(evaluation)
    return EvaluationResult(evaluation.with_id(row.id), row, session.standing)


def variable_name(obj, namespace: dict[str, Any]) -> str | None:
    """The user's name for ``obj``: the first public variable bound to it."""
    for key, value in namespace.items():
        if value is obj and not key.startswith("_"):
            return key
    return None


def lookup(namespace: dict[str, Any], expression: str, what: str):
    """A variable from the user's namespace, or a clear message naming close alternatives."""
    if expression in namespace:
        return namespace[expression]
    import difflib

    close = difflib.get_close_matches(expression, [k for k in namespace if not k.startswith("_")], n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise NbalignError(f"{what} {expression!r} is not defined.{hint}")
