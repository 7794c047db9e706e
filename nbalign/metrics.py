"""ML metrics in the user's vocabulary: scikit-learn scorer names plus the aliases people type.

A :class:`Metric` knows which scikit-learn scorer computes it and which way is better, so an
objective can say ``metric: rmse`` and ``target: 30000`` and mean "an RMSE of at most 30,000".
scikit-learn scorers are greater-is-better (losses are ``neg_*``); a metric shown as a positive
loss keeps ``sign = -1`` and reports ``-scorer(...)``.

Every scorer has a known range (:func:`scorer_range`), so an objective can refuse a target no
model can reach. scikit-learn is imported only when a metric is looked up or computed, never at
import time.
"""

from __future__ import annotations

import difflib
import functools
import math
import reprlib
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
    "msle": ("neg_mean_squared_log_error", -1, "MSLE"),
    "mean_squared_log_error": ("neg_mean_squared_log_error", -1, "MSLE"),
    "mean_poisson_deviance": ("neg_mean_poisson_deviance", -1, "mean Poisson deviance"),
    "mean_gamma_deviance": ("neg_mean_gamma_deviance", -1, "mean gamma deviance"),
    "negative_likelihood_ratio": ("neg_negative_likelihood_ratio", -1, "negative likelihood ratio"),
}

_INF = math.inf
_UNIT = (0.0, 1.0)
_LOSS = (-_INF, 0.0)  # a ``neg_*`` scorer: 0 is perfect
_SKILL = (-_INF, 1.0)  # R²-like: 1 is perfect, worse than the mean is negative without bound
_AVERAGES = ("", "_macro", "_micro", "_samples", "_weighted")

# The values each scikit-learn scorer can return, as it returns them (greater is better, losses
# negated); an infinite end is unbounded. tests/test_metrics.py checks that every name in
# ``sklearn.metrics.get_scorer_names()`` is here.
_SCORER_RANGES: dict[str, tuple[float, float]] = {
    **{f"{score}{avg}": _UNIT for score in ("f1", "precision", "recall", "jaccard") for avg in _AVERAGES},
    **{f"roc_auc{avg}": _UNIT for avg in ("", "_ovo", "_ovo_weighted", "_ovr", "_ovr_weighted")},
    "accuracy": _UNIT,
    "balanced_accuracy": _UNIT,  # the scorer does not adjust for chance
    "top_k_accuracy": _UNIT,
    "average_precision": _UNIT,
    "matthews_corrcoef": (-1.0, 1.0),
    "positive_likelihood_ratio": (0.0, _INF),
    "neg_negative_likelihood_ratio": _LOSS,
    "neg_log_loss": _LOSS,
    "neg_brier_score": (-2.0, 0.0),  # at most 1 for two classes, 2 for more
    "d2_brier_score": _SKILL,
    "d2_log_loss_score": _SKILL,
    "d2_absolute_error_score": _SKILL,
    "r2": _SKILL,
    "explained_variance": _SKILL,
    **{
        f"neg_{loss}": _LOSS
        for loss in (
            "max_error", "mean_absolute_error", "mean_absolute_percentage_error",
            "mean_gamma_deviance", "mean_poisson_deviance", "mean_squared_error",
            "mean_squared_log_error", "median_absolute_error", "root_mean_squared_error",
            "root_mean_squared_log_error",
        )
    },
    # clustering
    "adjusted_rand_score": (-0.5, 1.0),
    "adjusted_mutual_info_score": _SKILL,
    "mutual_info_score": (0.0, _INF),
    **{
        name: _UNIT
        for name in (
            "completeness_score", "homogeneity_score", "v_measure_score",
            "normalized_mutual_info_score", "fowlkes_mallows_score", "rand_score",
        )
    },
}


def scorer_range(scorer: str) -> tuple[float, float] | None:
    """The values a scikit-learn scorer can return, ``(low, high)``; None for a scorer not known here.

    An end that is ``math.inf`` (or ``-math.inf``) is unbounded.

    Examples
    --------
    >>> scorer_range("r2")
    (-inf, 1.0)
    """
    return _SCORER_RANGES.get(scorer)


def loss_alias(scorer: str) -> str | None:
    """The name that means the positive loss behind a ``neg_*`` scorer ("rmse" for
    ``neg_root_mean_squared_error``), or None."""
    return next((name for name, (s, sign, _) in _ALIASES.items() if s == scorer and sign < 0), None)


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

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the metric can take as the user writes them (losses positive): ``(low, high)``.

        An unbounded end is infinite, and so are both for a scorer whose range is not known.
        """
        low, high = scorer_range(self.scorer) or (-math.inf, math.inf)
        return (low, high) if self.sign > 0 else (0.0 - high, 0.0 - low)  # 0.0 - x: never -0.0

    @property
    def perfect(self) -> float:
        """The best value the metric can take: 1 for ROC AUC, 0 for RMSE, infinite if unbounded."""
        low, high = self.bounds
        return high if self.greater_is_better else low

    def improvement(self, new: float, old: float) -> float:
        """How much better ``new`` is than ``old`` (positive is better, whatever the direction)."""
        return (new - old) * self.sign

    def score(self, model, X, y) -> tuple[float, float]:
        """Score a fitted model; return ``(value, seconds)`` where seconds covers predict + metric."""
        value, seconds, _ = self.score_and_respond(model, X, y)
        return value, seconds

    def score_and_respond(self, model, X, y) -> tuple[float, float, tuple[str, object] | None]:
        """Score a fitted model and return what the metric was computed from.

        Returns ``(value, seconds, (response method, response))``; the last is None when
        scikit-learn's scorer offers no way to see it. The model predicts once: the response is
        captured through the scorer's own ``method_caller`` hook (what scikit-learn's multi-metric
        scoring uses to share predictions), not by predicting a second time.
        """
        from functools import partial

        from sklearn.metrics import get_scorer

        scorer = get_scorer(self.scorer)
        responses: dict = {}
        start = time.perf_counter()
        try:
            from sklearn.metrics._scorer import _cached_call

            raw = scorer._score(partial(_cached_call, responses), model, X, y)
        except (ImportError, AttributeError):  # a scikit-learn without the hook: score only
            responses.clear()
            raw = scorer(model, X, y)
        seconds = time.perf_counter() - start
        response = next(iter(responses.items())) if len(responses) == 1 else None
        return float(raw) * self.sign, seconds, response

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
            f"unknown metric {reprlib.repr(name)}.{hint} Use a scikit-learn scorer name "
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
