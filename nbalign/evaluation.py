"""An evaluation: one fitted model scored on one data set with the objective's metric.

:func:`evaluate_model` measures; it never mutates the user's estimator. The resulting
:class:`Evaluation` is a plain record, the one shape of the concept: the SQLite row is
``Evaluation.to_dict()``. It carries no verdict and renders nothing: how it stands against the
baseline, the best and the target is the :class:`~nbalign.standing.Standing`'s business.

Identity
    Evaluating "the same" again updates one record (:attr:`Evaluation.key`). The same is: the
    same objective, name, role, model class and parameters (:func:`model_identity`), the same
    fitted state (:func:`fit_identity`: a refit on other data is another evaluation), the same
    data (:func:`fingerprint`: by content, whatever the container) and the same metric.

Models
    scikit-learn estimators are scored by scikit-learn's scorers. Any other object with
    ``predict`` (and ``predict_proba`` or ``decision_function`` for metrics that rank) is scored
    through a thin scikit-learn adapter: duck typing, as scikit-learn's own meta-estimators do.

numpy, pandas, scipy and scikit-learn are imported inside functions: ``import nbalign`` stays light.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import math
import numbers
import re
from decimal import Decimal
from dataclasses import dataclass, replace
from typing import Any

from .errors import EvaluationError
from .objective import Objective


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
    source: str = "evaluate"  # "evaluate" | "magic" | "objective" | later "autolog"
    created_at: str = ""
    id: int | None = None
    fit_id: str | None = None  # hash of what the model learned (fit_identity)

    @property
    def key(self) -> str:
        identity = [self.objective, self.name, self.role, self.estimator, self.model_id or self.params,
                    self.fit_id, self.data_fingerprint, self.kind, self.metric]
        return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:32]

    def with_id(self, id: int) -> Evaluation:
        return replace(self, id=id)

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
        }

    @classmethod
    def from_dict(cls, data: dict) -> Evaluation:
        # Older stores may hold fields this version no longer has (a verdict): ignore them.
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})


_FIELDS = set(Evaluation.__dataclass_fields__)


def evaluate_model(
    objective: Objective,
    model,
    X,
    y,
    name: str | None = None,
    *,
    source: str = "evaluate",
    role: str = "model",
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

    Returns
    -------
    Evaluation
        The record, with its score, the time predict and metric took, and its identity.

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
    native = _is_sklearn_estimator(model)
    if native:
        _check_fitted(model, label)
    metric = objective.metric
    target = _target_type(y)
    _check_task(metric, model, y, target, label)
    _check_responses(metric, model, label)
    if metric.scorer.startswith(_RANKING) and _why_undefined(y):
        # scikit-learn answers NaN, or a convention (0 or 1), where nothing was measured
        raise EvaluationError(f"{metric.label} of {label} is undefined{_why_undefined(y)}. "
                              "Score it on a test set that holds both classes.")
    scored = model if native else _duck_adapter(model, metric, y, target)
    try:
        score, seconds = metric.score(scored, X, y)
    except (ValueError, AttributeError, TypeError) as exc:
        raise EvaluationError(f"could not score {label} with {metric.label}: {exc}") from exc
    if not math.isfinite(score):
        raise EvaluationError(
            f"{metric.label} of {label} is {score}, not a number nbalign can compare"
            f"{_why_undefined(y)}. Score it on a test set where the metric is defined."
        )
    return Evaluation(
        objective=objective.name,
        objective_version=objective.version,
        name=label,
        estimator=_qualname(model),
        params=model_params(model),
        model_id=model_identity(model),
        fit_id=fit_identity(model),
        metric=metric.name,
        score=score,
        predict_seconds=seconds,
        n_rows=_n_rows(y),
        data_fingerprint=fingerprint(X, y),
        source=source,
        role=role,
        created_at=now_iso(),
    )


# Metrics that rank positives above negatives: undefined unless both classes are present.
_RANKING = ("roc_auc", "average_precision")


def _why_undefined(y) -> str:
    """The usual reason a metric is undefined: one class only in the labels."""
    try:
        import numpy as np

        classes = np.unique(np.asarray(y))
    except (TypeError, ValueError):
        return ""
    if len(classes) == 1:
        return f": y holds one class only ({classes[0]!r}), so ranking and recall are undefined"
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


# ------------------------------------------------------------------ the metric fits the task

# scikit-learn scorer names by task; an entry ending in "_" is a family (f1_macro, neg_mean_...).
_CLASSIFICATION = ("accuracy", "balanced_accuracy", "top_k_accuracy", "average_precision",
                   "neg_brier_score", "d2_brier_score", "neg_log_loss", "d2_log_loss_score", "f1", "f1_",
                   "precision", "precision_", "recall", "recall_", "jaccard", "jaccard_", "roc_auc",
                   "roc_auc_", "matthews_corrcoef", "positive_likelihood_ratio", "neg_negative_likelihood_ratio")
_REGRESSION = ("explained_variance", "r2", "max_error", "neg_max_error", "neg_median_absolute_error",
               "neg_mean_", "neg_root_mean_", "d2_absolute_error_score", "d2_pinball_", "d2_tweedie_")
# The other scorers compare two labellings (clustering: rand_score, v_measure_score...): no task.

# Two-class scorers on a multiclass target: what to write instead (None: no direct variant).
_MULTICLASS_VARIANT = {
    "roc_auc": "roc_auc_ovr` (one class against the rest; or roc_auc_ovo, roc_auc_ovr_weighted)",
    "f1": "f1_macro` (or f1_weighted, f1_micro)",
    "precision": "precision_macro` (or precision_weighted, precision_micro)",
    "recall": "recall_macro` (or recall_weighted, recall_micro)",
    "jaccard": "jaccard_macro` (or jaccard_weighted, jaccard_micro)",
    "average_precision": None,
    "positive_likelihood_ratio": None,
    "neg_negative_likelihood_ratio": None,
}

# Scorers that need class probabilities, and scorers that rank by any score.
_NEEDS_PROBA = ("neg_log_loss", "d2_log_loss_score", "neg_brier_score", "d2_brier_score",
                "roc_auc_ovr", "roc_auc_ovo")
_NEEDS_SCORES = ("roc_auc", "average_precision", "top_k_accuracy")


def metric_task(scorer: str) -> str | None:
    """``"classification"``, ``"regression"`` or None (labelling metrics) for a scorer name.

    Examples
    --------
    >>> metric_task("f1_macro"), metric_task("neg_root_mean_squared_error"), metric_task("rand_score")
    ('classification', 'regression', None)
    """
    for task, names in (("classification", _CLASSIFICATION), ("regression", _REGRESSION)):
        if any(scorer == n or (n.endswith("_") and scorer.startswith(n)) for n in names):
            return task
    return None


def _target_type(y) -> str:
    from sklearn.utils.multiclass import type_of_target

    try:
        return type_of_target(y)
    except (TypeError, ValueError):
        return "unknown"


def _check_task(metric, model, y, target: str, label: str) -> None:
    """Refuse a metric that does not fit the target or the model, in one line."""
    task = metric_task(metric.scorer)
    kind = _model_kind(model)
    if task == "classification":
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
        if target == "multiclass" and metric.scorer in _MULTICLASS_VARIANT:
            classes = _classes(y)
            variant = _MULTICLASS_VARIANT[metric.scorer]
            instead = (f"write `metric: {variant}" if variant else
                       "it is refused: scikit-learn averages it over classes ranked by "
                       "decision_function, which can score a perfect classifier below 1. Use "
                       "`metric: roc_auc_ovr` or `logloss` to rank, `f1_macro` for labels, or score "
                       "one class against the rest (y == that class)")
            raise EvaluationError(
                f"{metric.label} is defined for two classes, and the test labels have {len(classes)} "
                f"({_examples(classes, 5)}). For a multiclass target {instead}.")
    if task == "regression":
        if kind == "classifier":
            raise EvaluationError(
                f"{metric.label} is a regression metric, but {label} is a classifier: it predicts class "
                "labels, not quantities. Declare a classification metric (auc, logloss, f1_macro, "
                "accuracy) in the objective, or evaluate a regressor.")
        if not _numeric(y):
            raise EvaluationError(
                f"{metric.label} is a regression metric, but the test labels are not numbers "
                f"({_examples(y)}). Declare a classification metric (auc, logloss, f1_macro, accuracy).")


def _check_responses(metric, model, label: str) -> None:
    """A metric that ranks needs scores: say so before scikit-learn fails on a missing method."""
    scorer = metric.scorer
    proba = hasattr(model, "predict_proba")
    if scorer.startswith(_NEEDS_PROBA):
        needs, missing = "class probabilities", "" if proba else "predict_proba"
    elif scorer.startswith(_NEEDS_SCORES):
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
    if _is_sklearn_estimator(model):
        from sklearn.base import is_classifier, is_regressor

        return "classifier" if is_classifier(model) else "regressor" if is_regressor(model) else None
    if hasattr(model, "predict_proba") or hasattr(model, "classes_"):
        return "classifier"
    return None


def _classes(y):
    import numpy as np

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

def _is_sklearn_estimator(model) -> bool:
    """True when scikit-learn can read the model's tags (it derives from BaseEstimator)."""
    from sklearn.utils import get_tags

    try:
        get_tags(model)
    except (AttributeError, TypeError):
        return False
    return True


def _duck_adapter(model, metric, y, target: str):
    """Wrap an object with predict/predict_proba so scikit-learn's scorers can call it.

    A classifier's probability columns are taken to follow its ``classes_``, or else the sorted
    labels of ``y`` (scikit-learn's convention); a 1-D probability (the positive class, as a
    booster returns) becomes the two columns scikit-learn expects.
    """
    classifier_cls, regressor_cls = _duck_classes()
    task = metric_task(metric.scorer)
    if task == "regression" or (task is None and target.startswith("continuous")):
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


# ------------------------------------------------------------------ model identity

def model_params(model) -> dict[str, Any]:
    """The model's own hyper-parameters as short JSON-safe values, for people to read.

    For an object without ``get_params`` (not a scikit-learn estimator), its simple public
    attributes (see :func:`model_identity`).
    """
    return {k: _json_safe(v, limit=200) for k, v in sorted(_get_params(model, deep=False).items())}


def model_identity(model) -> str:
    """A hash of the model's class and all its parameters, nested ones included.

    It is what scikit-learn considers the model's identity (``get_params(deep=True)``), made
    stable across kernels: object addresses in reprs are left out and nothing is truncated.
    What the model learned is :func:`fit_identity`'s business.

    An object without ``get_params`` has no declared parameters. Its identity is then its class
    and its public attributes that hold settings: numbers, strings, booleans, None and lists or
    dicts of them (a wrapper's ``threshold``, a booster's ``params``; a learned number kept in
    such an attribute counts too, as nothing tells it apart), plus the identity of any
    scikit-learn estimator it holds. Arrays and other objects are learned state, left to
    :func:`fit_identity`.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression  # doctest: +SKIP
    >>> model_identity(LogisticRegression(C=1.0)) == model_identity(LogisticRegression())  # doctest: +SKIP
    True
    """
    params = {k: _json_safe(v, limit=None) for k, v in sorted(_get_params(model, deep=True).items())}
    identity = json.dumps([_qualname(model), params], sort_keys=True, default=str)
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _get_params(model, deep: bool) -> dict[str, Any]:
    get_params = getattr(model, "get_params", None)
    if get_params is None or isinstance(model, type):
        return _settings(model, deep)
    try:
        return get_params(deep=deep)
    except Exception:  # an estimator whose get_params is broken still gets evaluated
        return {}


def _settings(model, deep: bool) -> dict[str, Any]:
    """The fallback parameters of an object without get_params: its simple public attributes."""
    settings = {}
    for name, value in sorted(getattr(model, "__dict__", {}).items()):
        if name.startswith("_") or name.endswith("_"):
            continue
        if _is_estimator(value):
            settings[name] = model_identity(value) if deep else value
        elif _is_setting(value):
            settings[name] = value
    return settings


def _is_setting(value, depth: int = 0) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if depth < 3 and isinstance(value, (list, tuple)) and len(value) <= 100:
        return all(_is_setting(v, depth + 1) for v in value)
    if depth < 3 and isinstance(value, dict) and len(value) <= 100:
        return all(_is_setting(v, depth + 1) for v in value.values())
    return False


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _json_safe(value, limit: int | None):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_safe(v, limit) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v, limit) for k, v in value.items()}
    if hasattr(value, "get_params"):  # a nested estimator: its own parameters are listed deep
        return _qualname(value) if limit is None else _shorten(repr(value), limit)
    text = _ADDRESS.sub("", repr(value))
    return text if limit is None else _shorten(text, limit)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _qualname(obj) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _is_estimator(value) -> bool:
    return hasattr(value, "get_params") and hasattr(value, "fit") and not isinstance(value, type)


# ------------------------------------------------------------------ what the model learned

# Arrays up to this size are hashed whole; larger ones by a sample and a sum (fit_identity).
_FIT_FULL_BYTES = 1 << 14
_FIT_SAMPLE_BYTES = 1 << 12
_FIT_MAX_DEPTH = 64
# Learned-state names that are not learning: seeds and generators drawn at fit time, wall-clock times.
_NOT_LEARNED = re.compile(r"random_state|random_seed|rng_?$|time_?$")
_TIMING = re.compile(r"_time$")


def fit_identity(model) -> str:
    """A hash of what the model learned: a refit on other data gives another one.

    What is hashed, recursively and by content:

    - of every scikit-learn estimator: every attribute that is not a constructor parameter,
      which is what ``fit`` set. That is scikit-learn's learned attributes (public names ending
      in ``_``: ``coef_``, ``classes_``, ``estimators_``, ``tree_``, ``transformers_``,
      ``best_estimator_``...) and the private ones some models keep their learning in
      (HistGradientBoosting's ``_predictors``, a nearest-neighbours model's ``_fit_X``);
    - of parameters, only the estimators they hold (a pipeline's fitted steps);
    - of any other object (a wrapper, a booster, a tree predictor, a calibrator): every attribute;
    - a tree's ``tree_`` through its state (its nodes with padding bytes zeroed, its values);
      other objects of C code (dates, a neighbours index) by their repr without addresses: a
      neighbours index is derived from ``_fit_X``, and its state counts queries.

    Left out, because two fits that learned the same thing differ in them: random seeds and
    generators (names with ``random_state``, ``random_seed``, ``rng``) and wall-clock timings
    (names ending in ``time``, such as a search's ``refit_time_`` and ``cv_results_``'s
    ``mean_fit_time``). A parameter's own value is :func:`model_identity`'s business.

    Stable across kernels: numbers, strings and array bytes with their dtype and shape, classes
    by qualified name; no addresses, no ``hash()``, no pickle. Bounded: an array above 16 KiB is
    hashed through 4 KiB of evenly spaced items plus the wrap-around sum of all its 8-byte
    words, so a forest of 300 deep trees costs a fraction of one predict. That is enough
    because a fit on other data changes a tree nearly everywhere (the sample sees it), and a
    change of a single value anywhere changes the sum; what could go unseen is a pure
    rearrangement of an array's items outside the sample, which no fit produces.

    Examples
    --------
    >>> lr = LogisticRegression().fit(X[:40], y[:40])  # doctest: +SKIP
    >>> fit_identity(lr) == fit_identity(clone(lr).fit(X, y))  # doctest: +SKIP
    False
    """
    hasher = _StateHasher()
    hasher.walk(model, 0)
    return hasher.hexdigest()


class _StateHasher:
    """Walks an object graph once, feeding a SHA-256 with a tagged, length-prefixed encoding."""

    def __init__(self):
        import numpy as np

        self._np = np
        self._parts: list[bytes] = []  # hashed at the end, at once: cheaper than many updates
        self._seen: dict[int, int] = {}
        self._alive: list = []  # ids stay unique while the objects they name are alive

    def hexdigest(self) -> str:
        return hashlib.sha256(b"".join([b"nbalign fit 1", *self._parts])).hexdigest()[:16]

    def _put(self, tag: bytes, payload: bytes = b"") -> None:
        self._parts.append(tag + len(payload).to_bytes(8, "little") + payload)

    def walk(self, value, depth: int) -> None:
        np = self._np
        if value is None or isinstance(value, (bool, np.bool_)):
            return self._put(b"b", repr(None if value is None else bool(value)).encode())
        if isinstance(value, (int, np.integer)):
            return self._put(b"i", str(int(value)).encode())
        if isinstance(value, (float, np.floating)):
            return self._put(b"f", float(value).hex().encode())
        if isinstance(value, str):
            return self._put(b"s", value.encode("utf-8", "surrogatepass"))
        if isinstance(value, (bytes, bytearray)):
            return self._put(b"y", bytes(value))
        if isinstance(value, slice):
            return self.walk((value.start, value.stop, value.step), depth + 1)
        if isinstance(value, (np.generic, complex)):  # other scalars: their bytes, with the dtype
            return self._array(np.asarray(value), depth)
        if depth > _FIT_MAX_DEPTH or _is_randomness(value):
            return self._put(b"t", _qualname(value).encode())
        ref = self._seen.get(id(value))
        if ref is not None:
            return self._put(b"@", str(ref).encode())
        self._seen[id(value)] = len(self._seen)
        self._alive.append(value)
        if isinstance(value, np.ndarray):
            return self._array(value, depth)
        if isinstance(value, (list, tuple)):
            self._put(b"[", str(len(value)).encode())
            for item in value:
                self.walk(item, depth + 1)
            return None
        if isinstance(value, dict):
            return self._mapping(value, depth, skip=None)
        if isinstance(value, (set, frozenset)):
            return self.walk(sorted(value, key=repr), depth + 1)
        module = type(value).__module__
        if module.startswith("pandas") and getattr(value, "ndim", 0) >= 1:  # Series, Index, DataFrame
            return self._array(np.asarray(value, dtype=object), depth)
        if module.startswith("scipy.sparse") and hasattr(value, "tocsr"):
            csr = value.tocsr()
            return self.walk(["sparse", csr.shape, csr.data, csr.indices, csr.indptr], depth + 1)
        if _is_estimator(value):
            return self._estimator(value, depth)
        if callable(value) and hasattr(value, "__qualname__"):  # functions, classes, methods
            return self._put(b"c", f"{getattr(value, '__module__', '')}.{value.__qualname__}".encode())
        self._put(b"o", _qualname(value).encode())
        state = getattr(value, "__dict__", None)
        if state is not None:
            return self._mapping(state, depth, skip=_NOT_LEARNED)
        if _qualname(value) == "sklearn.tree._tree.Tree":
            return self.walk(value.__getstate__(), depth + 1)
        # Other objects of C code (dates, decimals, a neighbours index): their repr, addresses left out.
        return self._put(b"r", _ADDRESS.sub("", repr(value)).encode())

    def _mapping(self, mapping: dict, depth: int, skip: re.Pattern | None) -> None:
        keys = sorted((k for k in mapping if not (skip and skip.search(str(k)))), key=str)
        self._put(b"{", str(len(keys)).encode())
        for key in keys:
            self.walk(str(key), depth + 1)
            self.walk(mapping[key], depth + 1)

    def _estimator(self, estimator, depth: int) -> None:
        self._put(b"e", _qualname(estimator).encode())
        params = _param_names(type(estimator))
        state = vars(estimator)
        for name in sorted(state):
            value = state[name]
            if name in params:  # a setting; only the estimators it holds were fitted
                if not _holds_estimator(value):
                    continue
            elif _NOT_LEARNED.search(name):
                continue
            self.walk(name, depth + 1)
            if name == "cv_results_" and isinstance(value, dict):  # a search's timings
                self._mapping(value, depth + 1, skip=_TIMING)
            else:
                self.walk(value, depth + 1)

    def _array(self, array, depth: int) -> None:
        np = self._np
        if isinstance(array, np.ma.MaskedArray):
            self.walk(np.ma.getmaskarray(array), depth + 1)
            array = np.ma.getdata(array)
        shape = repr(array.shape).encode()
        if array.dtype.hasobject:
            self._put(b"O", shape + repr(array.dtype.names).encode())
            for item in array.ravel(order="C"):
                for value in (item if array.dtype.names else (item,)):
                    self.walk(value, depth + 1)
            return
        self._put(b"a", _descr(array.dtype) + shape)
        itemsize = max(array.dtype.itemsize, 1)
        records = np.ascontiguousarray(array).reshape(-1).view(np.uint8).reshape(-1, itemsize)
        used = _used_bytes(array.dtype)
        if used is not None:  # structured (a tree's nodes): padding bytes hold garbage, zero them
            records = records * used
        raw = records.reshape(-1)
        if raw.nbytes <= _FIT_FULL_BYTES:
            self._put(b"=", raw.tobytes())
            return
        step = -(-len(records) // max(1, _FIT_SAMPLE_BYTES // itemsize))
        whole = raw.nbytes // 8 * 8
        total = int(raw[:whole].view(np.uint64).sum()) & _MASK
        sample = np.ascontiguousarray(records[::step]).tobytes()
        self._put(b"~", sample + total.to_bytes(8, "little") + raw[whole:].tobytes())


@functools.lru_cache(maxsize=256)
def _descr(dtype) -> bytes:
    return repr(dtype.descr).encode()


@functools.lru_cache(maxsize=64)
def _used_bytes(dtype):
    """For a structured dtype, which bytes of a record belong to a field (None: all do)."""
    import numpy as np

    if not dtype.names:
        return None
    used = np.zeros(dtype.itemsize, dtype=np.uint8)

    def mark(fields, base: int) -> None:
        for name in fields.names:
            field, offset = fields.fields[name][:2]
            if field.names:
                mark(field, base + offset)
            else:
                used[base + offset: base + offset + field.itemsize] = 1

    mark(dtype, 0)
    return None if used.all() else used


def _is_randomness(value) -> bool:
    module = type(value).__module__
    return (module.startswith("numpy.random") or module == "random") and not callable(value)


@functools.lru_cache(maxsize=512)
def _param_names(cls) -> frozenset:
    """The constructor parameters of an estimator class (scikit-learn's ``get_params`` keys)."""
    import inspect

    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(p.name for p in signature.parameters.values()
                     if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def _holds_estimator(value, depth: int = 0) -> bool:
    if _is_estimator(value):
        return True
    if depth < 2 and isinstance(value, (list, tuple)):
        return any(_holds_estimator(v, depth + 1) for v in value)
    return False


# ------------------------------------------------------------------ data fingerprint

# Values hashed in full: every row of smaller data, evenly spaced rows of larger data.
_SAMPLE_VALUES = 1 << 15
_MASK = (1 << 64) - 1
_NAN_BITS = 0x7FF8000000000000  # numpy's NaN: every missing value, whatever the container said
_DATETIME = 0x44A7E7A5C0FFEE01  # xor-ed into nanoseconds, so a date is not the number of its ns
_TIMEDELTA = 0x7D31B0E2A9C45F13
_GOLDEN = 0x9E3779B97F4A7C15


def fingerprint(X, y) -> str:
    """A short hash of the data's content: the same test set gives the same fingerprint.

    Content is the values and the shape: not the container, the index, the column names or
    the dtype. A DataFrame, its ``.to_numpy()``, the same values as a list, and a scipy sparse
    matrix in any format (explicit zeros or duplicates included) have the same fingerprint.

    Values
        Numbers (bool, int, float of any width, in any container) are compared as float64:
        ``1``, ``1.0`` and ``True`` are the same value, as scikit-learn sees them; integers
        beyond 2**53 that round to the same float64 collide. Floats are compared by bit
        pattern, so ``-0.0`` differs from ``0.0``. Every missing value (NaN, None, pd.NA,
        NaT) is one value. Strings and bytes by their UTF-8 bytes; dates and times as
        nanoseconds (time-zone aware ones in UTC); categoricals by their values, not codes;
        lists, tuples, arrays, dicts and sets held in a cell by their content (a list and an
        array of the same numbers agree; dict keys in any order); other objects by their class
        and repr without addresses.

    Cost
        Each value becomes a 64-bit code (a number's float64 bits, a string's stable hash from
        ``pandas.util.hash_array``, a date's nanoseconds...) in a few vectorised passes; sparse
        data through its stored values only, a zero's code being 0. Data with at most 32,768
        values is hashed whole with SHA-256. For larger data, SHA-256 covers evenly spaced rows
        holding 32,768 values, and every row enters through the sum of its codes, mixed with its
        position by MurmurHash3's finaliser. So a change of one value anywhere, a change of row
        order and any change touching the sampled rows change the fingerprint (short of a
        2**-64 coincidence); a rearrangement within an unsampled row that keeps its sum (two
        cells of a row swapped) can go unseen.

    Examples
    --------
    >>> from sklearn.datasets import load_iris  # doctest: +SKIP
    >>> X, y = load_iris(return_X_y=True, as_frame=True)  # doctest: +SKIP
    >>> fingerprint(X, y) == fingerprint(X.to_numpy(), y.to_list())  # doctest: +SKIP
    True
    """
    digest = hashlib.sha256(b"nbalign data 2")
    for part in (X, y):
        shape, sample, rows = _content(part)
        digest.update(repr(tuple(int(n) for n in shape)).encode())
        digest.update(len(sample).to_bytes(8, "little"))
        digest.update(sample)
        digest.update(rows.to_bytes(8, "little"))
    return digest.hexdigest()[:16]


def _content(data) -> tuple[tuple, bytes, int]:
    """(shape, the sampled rows' codes as bytes, the position-mixed sum of every row's codes)."""
    import numpy as np

    if data is None:
        return (), b"", 0
    if type(data).__module__.startswith("scipy.sparse"):
        return _sparse_content(data)
    module = type(data).__module__
    if module.startswith("pandas") and hasattr(data, "columns"):
        n, m = data.shape
        return (n, m), *_hash_columns(n, m, _frame_columns(data))
    if module.startswith("pandas") and hasattr(data, "dtype"):  # a Series, an Index
        import pandas as pd

        series = data if isinstance(data, pd.Series) else pd.Series(data)
        n = len(series)
        return (n,), *_hash_columns(n, 1, [(0, _series_codes(series))])
    try:
        array = np.asarray(data)
    except ValueError:  # nested lists whose cells hold lists or arrays
        array = _object_table(list(data))
    shape = array.shape
    table = array.reshape(1, 1) if array.ndim == 0 else array.reshape(shape[0], math.prod(shape[1:]))
    n, m = table.shape
    return shape, *_hash_columns(n, m, _array_columns(table))


def _object_table(rows: list):
    """Rows of equal length as a 2-D object array, cell by cell; else one object per row."""
    import numpy as np

    widths = {len(row) if isinstance(row, (list, tuple)) else None for row in rows}
    width = widths.pop() if len(widths) == 1 else None
    table = np.empty((len(rows), width) if width is not None else len(rows), dtype=object)
    for i, row in enumerate(rows):
        if width is None:
            table[i] = row
        else:
            for j, cell in enumerate(row):
                table[i, j] = cell
    return table


def _hash_columns(n: int, m: int, blocks) -> tuple[bytes, int]:
    """Fold blocks of column codes ``(first column, (n, k) uint64)`` into (sample bytes, rows hash)."""
    import numpy as np

    rows = _sampled_rows(n, m)
    sample = np.zeros((len(rows), m), dtype=np.uint64)
    row_sums = np.zeros(n, dtype=np.uint64)
    for start, codes in blocks:
        codes = codes[:, None] if codes.ndim == 1 else codes
        if codes.shape[1] == 1:
            row_sums += codes[:, 0]
        else:  # both wrap around; einsum is twice as fast along C-ordered rows, sum along columns
            row_sums += codes.sum(axis=1) if codes.flags.f_contiguous else np.einsum("ij->i", codes)
        sample[:, start:start + codes.shape[1]] = codes[rows]
    return _folded(sample, row_sums)


def _sampled_rows(n: int, m: int):
    """Evenly spaced rows holding at most _SAMPLE_VALUES values (every row of smaller data)."""
    import numpy as np

    k = min(n, max(1, _SAMPLE_VALUES // max(m, 1)))
    return np.arange(k, dtype=np.int64) * n // k


def _folded(sample, row_sums) -> tuple[bytes, int]:
    """(the sampled rows' codes as bytes, the sum of every row's code sum mixed with its position)."""
    import numpy as np

    row_sums ^= np.arange(len(row_sums), dtype=np.uint64) * np.uint64(_GOLDEN)
    return np.ascontiguousarray(sample).tobytes(), int(_mix(row_sums).sum(dtype=np.uint64))


def _mix(x):
    """MurmurHash3's 64-bit finaliser, in place: a bijection, so distinct sums stay distinct."""
    import numpy as np

    for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, None):
        x ^= x >> np.uint64(33)
        if multiplier is not None:
            x *= np.uint64(multiplier)
    return x


def _array_columns(table):
    """Code blocks of a 2-D array: numbers in one block, other values column by column."""
    import numpy as np

    kind = table.dtype.kind
    if kind in "biuf":
        yield 0, _float_codes(table)
    elif kind == "c":
        yield 0, _complex_codes(table)
    elif kind in "Mm":
        yield 0, _time_codes(table)
    else:
        for j in range(table.shape[1]):
            yield j, _object_codes(np.ascontiguousarray(table[:, j], dtype=object))


def _frame_columns(frame):
    """Code blocks of a DataFrame: all-numpy-number frames in one block, else column by column."""
    import numpy as np

    if all(getattr(dtype, "kind", "O") in "biuf" and isinstance(dtype, np.dtype) for dtype in frame.dtypes):
        yield 0, _float_codes(frame.to_numpy(dtype=np.float64))
        return
    for j in range(frame.shape[1]):
        yield j, _series_codes(frame.iloc[:, j])


def _series_codes(series):
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = np.append(_array_codes(np.asarray(dtype.categories.to_numpy())), np.uint64(_NAN_BITS))
        return categories[np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)]  # -1, missing: the last
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        if isinstance(dtype, np.dtype) and dtype.kind == "c":
            return _complex_codes(series.to_numpy())
        try:
            return _float_codes(series.to_numpy(dtype=np.float64, na_value=np.nan))
        except (TypeError, ValueError):
            pass
    if dtype.kind in "Mm":
        return _time_codes(series)
    if isinstance(dtype, pd.StringDtype):  # each distinct string hashed once, missing ones aside
        codes, distinct = pd.factorize(series)
        hashed = _string_codes(np.asarray(distinct, dtype=object)) if len(distinct) else np.zeros(0, np.uint64)
        return np.append(hashed, np.uint64(_NAN_BITS))[codes]
    return _object_codes(np.asarray(series.to_numpy(dtype=object)))


def _array_codes(values):
    """Codes of a 1-D array of any dtype."""
    import numpy as np

    kind = values.dtype.kind
    if kind in "biuf":
        return _float_codes(values)
    if kind == "c":
        return _complex_codes(values)
    if kind in "Mm":
        return _time_codes(values)
    return _object_codes(np.ascontiguousarray(values, dtype=object))


def _float_codes(values):
    import numpy as np

    return np.asarray(values, dtype=np.float64).view(np.uint64)


def _complex_codes(values):
    """A complex number with no imaginary part has the code of its real part."""
    import numpy as np

    values = np.asarray(values, dtype=np.complex128)
    return _float_codes(values.real.copy()) ^ _mix(_float_codes(values.imag.copy()).copy())


def _time_codes(values):
    """Nanoseconds (UTC for zone-aware times), with missing times as the missing value."""
    import numpy as np
    import pandas as pd

    shape = np.shape(values)
    flat = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).reshape(-1))
    if flat.dtype.kind == "M":
        index, tag = pd.DatetimeIndex(flat), _DATETIME
    else:
        index, tag = pd.TimedeltaIndex(flat), _TIMEDELTA
    try:
        nanoseconds = index.as_unit("ns").asi8
    except (OverflowError, ValueError):  # beyond the nanosecond range: one value at a time
        return _mixed_codes(np.asarray(index.astype(object), dtype=object)).reshape(shape)
    codes = nanoseconds.view(np.uint64) ^ np.uint64(tag)
    codes[np.asarray(index.isna())] = _NAN_BITS
    return codes.reshape(shape)


def _object_codes(column):
    """Codes of a 1-D object array: vectorised when it holds one kind of value, else per value."""
    import numpy as np
    import pandas as pd

    kind = pd.api.types.infer_dtype(column, skipna=False)
    if kind in ("string", "bytes"):
        return _string_codes(column)
    if kind in ("floating", "integer", "mixed-integer-float", "boolean", "decimal"):
        try:
            return _float_codes(column.astype(np.float64))
        except (TypeError, ValueError, OverflowError):
            pass
    if kind in ("datetime", "datetime64", "date"):
        try:
            return _time_codes(pd.Series(pd.to_datetime(column)))
        except (TypeError, ValueError, OverflowError):
            pass
    if kind in ("timedelta", "timedelta64"):
        try:
            return _time_codes(pd.Series(pd.to_timedelta(column)))
        except (TypeError, ValueError, OverflowError):
            pass
    return _mixed_codes(column)


def _mixed_codes(column):
    """Per value; strings and plain numbers are still coded together, as the vectorised paths do."""
    import numpy as np

    codes = np.empty(len(column), dtype=np.uint64)
    strings, numbers, values = [], [], []
    for i, value in enumerate(column.tolist()):
        cls = type(value)
        if cls is str or cls is bytes:
            strings.append(i)
        elif (cls is float or cls is bool or (cls is int and -(1 << 1000) < value < 1 << 1000)):
            numbers.append(i)
            values.append(value)
        else:
            codes[i] = _value_code(value)
    if strings:
        codes[strings] = _string_codes(column[strings])
    if numbers:
        codes[numbers] = _float_codes(np.array(values, dtype=np.float64))
    return codes


def _string_codes(column):
    """pandas' stable 64-bit hash of each string's UTF-8 bytes, hashing each distinct string once."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(column)
    return pd.util.hash_array(np.asarray(distinct, dtype=object), categorize=False)[codes]


def _value_code(value) -> int:
    """The code of one value, equal to what the vectorised paths give the same value."""
    code = _scalar_code(value)
    if code is None:
        return int.from_bytes(hashlib.sha256(_canonical(value)).digest()[:8], "little")
    return code


def _scalar_code(value) -> int | None:
    """The code of a missing value, string, number, date or duration; None for anything else."""
    import numpy as np

    if _missing(value):
        return _NAN_BITS
    if isinstance(value, (str, bytes)):
        return int(_string_codes(np.array([value], dtype=object))[0])
    if isinstance(value, (_dt.date, np.datetime64, _dt.timedelta, np.timedelta64)):
        import pandas as pd

        try:
            if isinstance(value, (_dt.date, np.datetime64)):
                return (pd.Timestamp(value).as_unit("ns").value & _MASK) ^ _DATETIME
            return (pd.Timedelta(value).as_unit("ns").value & _MASK) ^ _TIMEDELTA
        except (OverflowError, ValueError):
            return None
    if isinstance(value, (numbers.Real, np.bool_, Decimal)):
        try:
            return int(_float_codes(np.array([float(value)]))[0])
        except OverflowError:
            return None
    if isinstance(value, numbers.Complex):
        return int(_complex_codes(np.array([complex(value)]))[0])
    return None


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if type(value).__module__.startswith("pandas"):
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    return False


def _canonical(value, depth: int = 0) -> bytes:
    """Bytes that depend on a cell value's content only (lists, arrays, dicts... held in a cell)."""
    import numpy as np

    def tagged(tag: bytes, payload: bytes) -> bytes:
        return tag + len(payload).to_bytes(8, "little") + payload

    if depth > 50:
        return tagged(b"o", _qualname(value).encode())
    code = _scalar_code(value)
    if code is not None:
        return tagged(b"v", code.to_bytes(8, "little"))
    if isinstance(value, dict):
        items = sorted(_canonical(k, depth + 1) + _canonical(v, depth + 1) for k, v in value.items())
        return tagged(b"{", b"".join(items))
    if isinstance(value, (set, frozenset)):
        return tagged(b"<", b"".join(sorted(_canonical(v, depth + 1) for v in value)))
    if isinstance(value, (list, tuple, np.ndarray)) or getattr(value, "ndim", 0) >= 1:  # pandas too
        try:
            array = np.asarray(value)
        except ValueError:  # ragged
            array = None
        if array is not None and array.dtype.kind in "biuf":
            return tagged(b"a", repr(array.shape).encode() + _float_codes(array).tobytes())
        items = list(value) if array is None or array.ndim <= 1 else list(array)
        return tagged(b"[", b"".join(_canonical(v, depth + 1) for v in items))
    return tagged(b"o", f"{_qualname(value)}:{_ADDRESS.sub('', repr(value))}".encode())


def _sparse_content(matrix) -> tuple[tuple, bytes, int]:
    """Sparse data coded as its dense form would be: zeros code to 0, so only stored values count."""
    import numpy as np

    if matrix.ndim != 2:
        return _content(matrix.toarray())
    n, m = matrix.shape
    csr = matrix.tocsr()
    if csr is matrix and not csr.has_canonical_format:
        csr = csr.copy()
    csr.sum_duplicates()  # duplicates add up, as in the dense form
    codes = _numeric_codes(csr.data)
    cumulative = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(codes, dtype=np.uint64)])
    row_sums = cumulative[csr.indptr[1:]] - cumulative[csr.indptr[:-1]]
    rows = _sampled_rows(n, m)
    sample = _numeric_codes(csr[rows].toarray()) if len(rows) else np.zeros((0, m), dtype=np.uint64)
    return (n, m), *_folded(sample, row_sums)


def _numeric_codes(values):
    return _complex_codes(values) if values.dtype.kind == "c" else _float_codes(values)


def _n_rows(y) -> int | None:
    try:
        return len(y)
    except TypeError:
        return None


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
