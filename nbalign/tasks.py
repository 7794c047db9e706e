"""Does the metric fit the task and the model? Checked before scoring, so a mistake is one line.

scikit-learn's scorers assume the metric suits the labels (two classes for ``roc_auc``, a
continuous target for ``rmse``) and the model (``predict_proba`` for ``log_loss``); when they do
not, its message speaks of its internals. :func:`check_task` and :func:`check_responses` hold
the metric's needs (its :class:`~nbalign.metrics.MetricKind`) against the labels and the model,
and say what is wrong in the user's terms and which variant to use (``roc_auc_ovr``, ``f1_macro``).

Models that are not scikit-learn's (a wrapper, a booster) but have ``predict`` (and
``predict_proba`` or ``decision_function``) are scored through :func:`duck_adapter`, a thin
scikit-learn adapter, as scikit-learn's own meta-estimators do.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .errors import EvaluationError
from .metrics import CLASSIFICATION, REGRESSION


@dataclass(frozen=True)
class Labels:
    """What a test set's labels are, counted once when nbalign first sees them: for the checks
    that judge the metric against the data (an imbalanced target, a metric for another task, a
    test set too small for the target)."""

    n_rows: int
    kind: str  # scikit-learn's type_of_target: "binary", "multiclass", "continuous", ...
    shares: tuple[tuple[str, float], ...] = ()  # (class, share), most common first; classification only

    @property
    def majority(self) -> tuple[str, float] | None:
        return self.shares[0] if self.shares else None

    @property
    def classified(self) -> bool:
        return self.kind in ("binary", "multiclass")

    @property
    def positive_share(self) -> float | None:
        """The share of the cases to act on (the class 1 or True) in two-class labels, else None."""
        if self.kind != "binary":
            return None
        return next((share for c, share in self.shares if c in (1, True) or str(c) in ("1", "True")), None)


def describe_labels(y) -> Labels:
    """Count the labels: how many rows, which kind of target, each class's share (at most 20)."""
    import numpy as np

    values = np.asarray(y)
    if values.ndim > 1 and values.shape[-1] == 1:
        values = values.ravel()
    kind = target_type(values)
    shares: tuple = ()
    if kind in ("binary", "multiclass"):
        classes, counts = np.unique(values.astype(str) if values.dtype.kind == "O" else values, return_counts=True)
        order = np.argsort(-counts, kind="stable")[:20]
        shares = tuple((_plain(classes[i]), float(counts[i] / counts.sum())) for i in order)
    return Labels(int(values.shape[0]), kind, shares)


def _plain(value):
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def target_type(y) -> str:
    """scikit-learn's ``type_of_target``; for one column of integers or booleans, the same
    answer from two passes over the labels instead of a sort of them all."""
    labels = _integer_labels(y)
    if labels is not None:
        from .stats import two_labels_at_most  # stats loads with the first evaluation, not with nbalign

        return "binary" if two_labels_at_most(labels) is not None else "multiclass"
    from sklearn.utils.multiclass import type_of_target

    try:
        return type_of_target(y)
    except (TypeError, ValueError):
        return "unknown"


def _integer_labels(y):
    """``y`` as a non-empty 1-D numpy array of integers or booleans, or None."""
    dtype = getattr(y, "dtype", None)
    if dtype is None or getattr(dtype, "kind", None) not in ("i", "u", "b") or getattr(y, "ndim", 0) != 1:
        return None
    import numpy as np

    labels = np.asarray(y)
    return labels if labels.size and labels.dtype.kind in "iub" else None


def check_task(metric, model, y, target: str, label: str) -> None:
    """Refuse a metric that does not fit the target or the model, in one line."""
    task = metric.kind.task
    kind = _model_kind(model)
    if task == CLASSIFICATION:
        if target.startswith("continuous"):
            raise EvaluationError(
                f"{metric.label} is a classification metric, but the test labels are continuous "
                f"({_examples(y)}). Declare a regression metric (rmse, mae, r2) in the objective, "
                "or score on class labels.")
        if kind == "regressor":
            raise EvaluationError(
                f"{metric.label} is a classification metric, but {label} is a regressor: it predicts "
                "numbers, not classes. Evaluate a classifier, or declare a regression metric "
                "(rmse, mae, r2) in the objective.")
        if target == "multiclass" and metric.kind.two_classes:
            classes = _classes(y)
            variant = metric.kind.multiclass_variant
            instead = (f"write `metric: {variant}" if variant else
                       "it is refused: scikit-learn averages it over classes ranked by "
                       "decision_function, which can score a perfect classifier below 1. Use "
                       "`metric: roc_auc_ovr` or `logloss` to rank, `f1_macro` for labels, or score "
                       "one class against the rest (y == that class)")
            raise EvaluationError(
                f"{metric.label} is defined for two classes, and the test labels have {len(classes)} "
                f"({_examples(classes, 5)}). For a multiclass target {instead}.")
        if target == "binary" and metric.kind.needs_positive:
            classes = _classes(y)
            if len(classes) == 2 and not _positive_is_known(classes):
                raise EvaluationError(
                    f"{metric.label} counts one class as the positive one, and the labels are "
                    f"{_examples(classes, 2)}: which is it? Score on booleans, e.g. fit and evaluate on "
                    f"`y_test == {_plain_repr(classes[-1])}`, or use a metric that needs no positive class "
                    "(auc, accuracy, f1_macro).")
    if task == REGRESSION:
        if kind == "classifier":
            raise EvaluationError(
                f"{metric.label} is a regression metric, but {label} is a classifier: it predicts class "
                "labels, not quantities. Declare a classification metric (auc, logloss, f1_macro, "
                "accuracy) in the objective, or evaluate a regressor.")
        if not _numeric(y):
            raise EvaluationError(
                f"{metric.label} is a regression metric, but the test labels are not numbers "
                f"({_examples(y)}). Declare a classification metric (auc, logloss, f1_macro, accuracy).")


def check_acted_on(objective, y, target: str) -> None:
    """A business action or value matrix acts on the class 1 (or True): with two other labels
    ("No", "Yes") nbalign cannot know which one, and would count no case as acted on. Refused
    with the fix, rather than scored as if on another test set."""
    if target != "binary" or (objective.action is None and objective.value is None):
        return
    from .business import ErrorCost

    if isinstance(objective.value, ErrorCost):
        return  # a regression's priced errors: no class is acted on
    classes = _classes(y)
    if len(classes) == 2 and not _positive_is_known(classes):
        raise EvaluationError(
            f"the objective's action and values are about the class 1 (or True), and the test labels are "
            f"{_examples(classes, 2)}: which one is acted on? Fit and evaluate on booleans, e.g. "
            f"`y_train == {_plain_repr(classes[-1])}` and `y_test == {_plain_repr(classes[-1])}`.")


def _positive_is_known(classes) -> bool:
    """Labels where scikit-learn's default positive class (1, True) is one of the two."""
    return any(c is True or (isinstance(c, (int, float)) and not isinstance(c, bool) and c == 1)
               or str(c) in ("1", "True") for c in (getattr(c, "item", lambda c=c: c)() for c in classes))


def _plain_repr(value) -> str:
    item = getattr(value, "item", None)
    return repr(item() if callable(item) else value)


def check_responses(metric, model, label: str) -> None:
    """A metric that ranks needs scores: say so before scikit-learn fails on a missing method."""
    response = metric.response
    proba = hasattr(model, "predict_proba")
    if response == "probabilities":
        needs, missing = "class probabilities", "" if proba else "predict_proba"
    elif response == "scores":
        needs = "scores to rank cases"
        missing = "" if proba or hasattr(model, "decision_function") else "predict_proba or decision_function"
    else:
        return
    if missing:
        raise EvaluationError(
            f"{metric.label} needs {needs}, and {label} ({type(model).__name__}) has predict but no "
            f"{missing}. Give it a `predict_proba(X)` returning one column per class in sorted label "
            "order (for a scikit-learn model: CalibratedClassifierCV(model)), or declare a metric on "
            "labels (accuracy, f1).")


def _model_kind(model) -> str | None:
    """``"classifier"``, ``"regressor"`` or None when the model does not say."""
    if is_sklearn_estimator(model):
        from sklearn.base import is_classifier, is_regressor

        return "classifier" if is_classifier(model) else "regressor" if is_regressor(model) else None
    if hasattr(model, "predict_proba") or hasattr(model, "classes_"):
        return "classifier"
    return None


def _classes(y):
    """The sorted distinct labels, as ``np.unique`` gives them; for integers or booleans with at
    most two, told in two passes instead of a sort of them all."""
    import numpy as np

    labels = _integer_labels(y)
    if labels is not None:
        from .stats import two_labels_at_most

        extremes = two_labels_at_most(labels)
        if extremes is not None:
            return np.unique(np.asarray(extremes, dtype=labels.dtype))
    try:
        return np.unique(np.asarray(y))
    except TypeError:
        return np.asarray(sorted({str(v) for v in np.asarray(y, dtype=object).ravel()}))


def _examples(y, limit: int = 3) -> str:
    import numpy as np

    values = np.asarray(y).ravel()
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:limit])
    return f"{shown}{', ...' if len(values) > limit else ''}"


def _numeric(y) -> bool:
    import numpy as np

    try:
        values = np.asarray(y)
    except (TypeError, ValueError):
        return False
    if values.dtype.kind == "O":  # pandas' nullable numbers arrive as objects
        import pandas as pd

        return pd.api.types.infer_dtype(values.ravel(), skipna=True) in (
            "integer", "floating", "mixed-integer-float", "decimal", "boolean")
    return values.dtype.kind in "biuf"


# ------------------------------------------------------------------ models that are not scikit-learn's

def is_sklearn_estimator(model) -> bool:
    """True when scikit-learn can read the model's tags (it derives from BaseEstimator)."""
    from sklearn.utils import get_tags

    try:
        get_tags(model)
    except (AttributeError, TypeError):
        return False
    return True


def duck_adapter(model, metric, y, target: str):
    """Wrap an object with predict/predict_proba so scikit-learn's scorers can call it.

    A classifier's probability columns are taken to follow its ``classes_``, or else the sorted
    labels of ``y`` (scikit-learn's convention); a 1-D probability (the positive class, as a
    booster returns) becomes the two columns scikit-learn expects.
    """
    classifier_cls, regressor_cls = _duck_classes()
    task = metric.kind.task
    if task == REGRESSION or (task is None and target.startswith("continuous")):
        return regressor_cls(model)
    classes = getattr(model, "classes_", None)
    return classifier_cls(model, _classes(y) if classes is None else classes)


@functools.cache
def _duck_classes():
    import numpy as np
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.metaestimators import available_if

    def has(method):
        return lambda self: hasattr(self.model, method)

    class DuckClassifier(ClassifierMixin, BaseEstimator):
        def __init__(self, model=None, classes=None):
            self.model = model
            self.classes = classes

        @property
        def classes_(self):
            return np.asarray(self.classes)

        def __sklearn_is_fitted__(self):
            return True

        def predict(self, X):
            if hasattr(self.model, "predict"):
                return self.model.predict(X)
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

        @available_if(has("predict_proba"))
        def predict_proba(self, X):
            proba = np.asarray(self.model.predict_proba(X))
            if proba.ndim == 1 and len(self.classes_) == 2:
                proba = np.column_stack([1 - proba, proba])
            return proba

        @available_if(has("decision_function"))
        def decision_function(self, X):
            return self.model.decision_function(X)

    class DuckRegressor(RegressorMixin, BaseEstimator):
        def __init__(self, model=None):
            self.model = model

        def __sklearn_is_fitted__(self):
            return True

        def predict(self, X):
            return self.model.predict(X)

    return DuckClassifier, DuckRegressor
