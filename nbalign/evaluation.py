"""An evaluation: one fitted model scored on one data set with the objective's metric.

:func:`evaluate_model` measures; it never mutates the user's estimator. The resulting
:class:`Evaluation` is a plain record, the one shape of the concept: the SQLite row is
``Evaluation.to_dict()``. It carries no verdict and renders nothing: how it stands against the
baseline, the best and the target is the :class:`~nbalign.standing.Standing`'s business.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any

from .errors import EvaluationError
from .objective import Objective


@dataclass(frozen=True)
class Evaluation:
    """A model's score on a data set, under one version of an objective.

    ``key`` identifies "the same model on the same data with the same metric": evaluating it
    again updates the one record instead of adding a second. ``id`` is the order in which
    records were first made (assigned by the store).
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

    @property
    def key(self) -> str:
        identity = json.dumps(
            [self.objective, self.name, self.estimator, self.model_id or self.params,
             self.data_fingerprint, self.kind, self.metric],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(identity.encode()).hexdigest()[:32]

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
    """Score a fitted estimator with the objective's metric. Nothing is recorded here.

    Raises
    ------
    EvaluationError
        When the model is not fitted or cannot produce what the metric needs.
    """
    if not hasattr(model, "predict") and not hasattr(model, "predict_proba"):
        raise EvaluationError(
            f"{type(model).__name__} is not a model: it has no predict method. Pass a fitted "
            "scikit-learn estimator (or pipeline)."
        )
    _check_fitted(model, name)
    label = name or type(model).__name__
    metric = objective.metric
    if metric.scorer.startswith(_RANKING) and _why_undefined(y):
        # scikit-learn answers NaN, or a convention (0 or 1), where nothing was measured
        raise EvaluationError(f"{metric.label} of {label} is undefined{_why_undefined(y)}. "
                              "Score it on a test set that holds both classes.")
    try:
        score, seconds = metric.score(model, X, y)
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
        name=name or type(model).__name__,
        estimator=_qualname(model),
        params=model_params(model),
        model_id=model_identity(model),
        metric=objective.metric.name,
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


def _check_fitted(model, name: str | None) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except NotFittedError:
        label = name or type(model).__name__
        raise EvaluationError(
            f"{label} is not fitted yet. Call `{label}.fit(X_train, y_train)` before evaluating it."
        ) from None
    except TypeError:
        pass  # not a scikit-learn estimator; let the scorer decide


def model_params(model) -> dict[str, Any]:
    """The model's own hyper-parameters as short JSON-safe values, for people to read."""
    return {k: _json_safe(v, limit=200) for k, v in sorted(_get_params(model, deep=False).items())}


def model_identity(model) -> str:
    """A hash of the model's class and all its parameters, nested ones included.

    It is what scikit-learn considers the model's identity (``get_params(deep=True)``), made
    stable across kernels: object addresses in reprs are left out and nothing is truncated.
    """
    params = {k: _json_safe(v, limit=None) for k, v in sorted(_get_params(model, deep=True).items())}
    identity = json.dumps([_qualname(model), params], sort_keys=True, default=str)
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _get_params(model, deep: bool) -> dict[str, Any]:
    get_params = getattr(model, "get_params", None)
    if get_params is None:
        return {}
    try:
        return get_params(deep=deep)
    except Exception:  # an estimator whose get_params is broken still gets evaluated
        return {}


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


def fingerprint(X, y) -> str:
    """A short hash of the data's content: the same test set gives the same fingerprint."""
    digest = hashlib.sha256()
    for part in (X, y):
        digest.update(_content_bytes(part))
    return digest.hexdigest()[:16]


def _content_bytes(data) -> bytes:
    import numpy as np

    if hasattr(data, "to_numpy") and hasattr(data, "shape"):
        import pandas as pd

        hashed = pd.util.hash_pandas_object(data, index=False).to_numpy()
        return repr(getattr(data, "shape", ())).encode() + hashed.tobytes()
    array = np.asarray(data)
    if array.dtype == object:
        return repr(array.shape).encode() + repr(array.tolist()).encode()
    return repr(array.shape).encode() + str(array.dtype).encode() + np.ascontiguousarray(array).tobytes()


def _n_rows(y) -> int | None:
    try:
        return len(y)
    except TypeError:
        return None


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
