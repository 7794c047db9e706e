"""ML metrics in the user's vocabulary: scikit-learn scorer names plus the aliases people type.

A :class:`Metric` knows which scikit-learn scorer computes it and which way is better, so an
objective can say ``metric: rmse`` and ``target: 30000`` and mean "an RMSE of at most 30,000".
scikit-learn scorers are greater-is-better (losses are ``neg_*``); a metric shown as a positive
loss keeps ``sign = -1`` and reports ``-scorer(...)``.

scikit-learn is imported only when a metric is looked up or computed, never at import time.
"""

from __future__ import annotations

import difflib
import functools
import time
from dataclasses import dataclass

from .errors import NbalignError

# Aliases people type, mapped to (scorer name, sign, label).
# A sign of -1 means the metric is the positive loss behind a ``neg_*`` scorer.
_ALIASES: dict[str, tuple[str, int, str]] = {
    "auc": ("roc_auc", 1, "ROC AUC"),
    "roc_auc": ("roc_auc", 1, "ROC AUC"),
    "ap": ("average_precision", 1, "average precision"),
    "pr_auc": ("average_precision", 1, "average precision"),
    "average_precision": ("average_precision", 1, "average precision"),
    "accuracy": ("accuracy", 1, "accuracy"),
    "balanced_accuracy": ("balanced_accuracy", 1, "balanced accuracy"),
    "f1": ("f1", 1, "F1"),
    "precision": ("precision", 1, "precision"),
    "recall": ("recall", 1, "recall"),
    "mcc": ("matthews_corrcoef", 1, "Matthews correlation"),
    "logloss": ("neg_log_loss", -1, "log loss"),
    "log_loss": ("neg_log_loss", -1, "log loss"),
    "brier": ("neg_brier_score", -1, "Brier score"),
    "brier_score": ("neg_brier_score", -1, "Brier score"),
    "r2": ("r2", 1, "R²"),
    "rmse": ("neg_root_mean_squared_error", -1, "RMSE"),
    "root_mean_squared_error": ("neg_root_mean_squared_error", -1, "RMSE"),
    "mse": ("neg_mean_squared_error", -1, "MSE"),
    "mean_squared_error": ("neg_mean_squared_error", -1, "MSE"),
    "mae": ("neg_mean_absolute_error", -1, "MAE"),
    "mean_absolute_error": ("neg_mean_absolute_error", -1, "MAE"),
    "mape": ("neg_mean_absolute_percentage_error", -1, "MAPE"),
    "mean_absolute_percentage_error": ("neg_mean_absolute_percentage_error", -1, "MAPE"),
    "medae": ("neg_median_absolute_error", -1, "median absolute error"),
    "median_absolute_error": ("neg_median_absolute_error", -1, "median absolute error"),
    "rmsle": ("neg_root_mean_squared_log_error", -1, "RMSLE"),
    "max_error": ("neg_max_error", -1, "max error"),
}


@dataclass(frozen=True)
class Metric:
    """An ML metric: what the user called it, how scikit-learn computes it, which way is better.

    Examples
    --------
    >>> m = resolve_metric("rmse")
    >>> m.scorer, m.greater_is_better
    ('neg_root_mean_squared_error', False)
    """

    name: str
    label: str
    scorer: str
    sign: int = 1

    @property
    def greater_is_better(self) -> bool:
        return self.sign > 0

    def improvement(self, new: float, old: float) -> float:
        """How much better ``new`` is than ``old`` (positive is better, whatever the direction)."""
        return (new - old) * self.sign

    def score(self, model, X, y) -> tuple[float, float]:
        """Score a fitted model; return ``(value, seconds)`` where seconds covers predict + metric."""
        from sklearn.metrics import get_scorer

        scorer = get_scorer(self.scorer)
        start = time.perf_counter()
        raw = scorer(model, X, y)
        return float(raw) * self.sign, time.perf_counter() - start

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "scorer": self.scorer,
            "greater_is_better": self.greater_is_better,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Metric:
        return cls(
            name=data["name"],
            label=data["label"],
            scorer=data["scorer"],
            sign=1 if data["greater_is_better"] else -1,
        )


class UnknownMetricError(NbalignError, ValueError):
    """The metric name is neither a scikit-learn scorer nor a known alias."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown metric {name!r}.{hint} Use a scikit-learn scorer name "
            "(sklearn.metrics.get_scorer_names()) or an alias: "
            + ", ".join(sorted(a for a in _ALIASES if "_" not in a))
            + "."
        )


def known_metric_names() -> list[str]:
    """Every name :func:`resolve_metric` accepts."""
    from sklearn.metrics import get_scorer_names

    return sorted(set(get_scorer_names()) | set(_ALIASES))


def resolve_metric(name: str) -> Metric:
    """Turn a name the user typed into a :class:`Metric`, or raise :class:`UnknownMetricError`."""
    key = str(name).strip()
    lowered = key.lower().replace("-", "_").replace(" ", "_")
    if lowered in _ALIASES:
        scorer, sign, label = _ALIASES[lowered]
        return Metric(name=lowered, label=label, scorer=scorer, sign=sign)
    from sklearn.metrics import get_scorer_names

    if key in get_scorer_names():
        return Metric(name=key, label=key.replace("_", " "), scorer=key, sign=1)
    suggestions = difflib.get_close_matches(lowered, known_metric_names(), n=3, cutoff=0.6)
    raise UnknownMetricError(key, suggestions)


@functools.lru_cache(maxsize=256)
def _identity(name: str) -> tuple[str, int]:
    """(scorer, sign) of a metric name as recorded; no scikit-learn import needed."""
    alias = _ALIASES.get(name)
    return (alias[0], alias[1]) if alias else (name, 1)


def same_metric(name: str, metric: Metric) -> bool:
    """True if a record's metric ``name`` measures what ``metric`` measures (``auc`` is ``roc_auc``)."""
    return _identity(name) == (metric.scorer, metric.sign)


@functools.lru_cache(maxsize=256)
def metric_label(name: str) -> str:
    """How a recorded metric name reads ("log loss" for ``logloss``), without scikit-learn."""
    alias = _ALIASES.get(name)
    return alias[2] if alias else name.replace("_", " ")
