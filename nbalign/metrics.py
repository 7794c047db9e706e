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

# nbalign's own metrics, measured on the objective's action and value (nbalign.business): name
# -> label. They are bound to the objective's terms when it is parsed (:func:`bind_business`).
BUSINESS_METRICS = {
    "recall_at_k": "recall",
    "precision_at_k": "precision",
    "business_value": "business value per case",
}

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
    # nbalign's own (business_value_errors: a regression's value per case, minus its cost)
    "recall_at_k": _UNIT,
    "precision_at_k": _UNIT,
    "business_value": (-_INF, _INF),
    "business_value_errors": (-_INF, 0.0),
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
    # The terms of one of nbalign's own metrics (BUSINESS_METRICS): the action's share or
    # threshold, the value matrix. Empty for scikit-learn's scorers.
    params: tuple = ()

    @property
    def kwargs(self) -> dict:
        return dict(self.params)

    def sklearn_scorer(self):
        """The scikit-learn scorer that computes it (made from its terms for nbalign's own)."""
        if self.scorer in _OWN_SCORERS:
            from sklearn.metrics import make_scorer

            function, response = _own_scorer(self.scorer, self.kwargs)
            return make_scorer(function, response_method=response, **self.kwargs)
        if self.scorer == "roc_auc":
            # scikit-learn's own scorer, its AUC counted in one sort (the same number, 6x sooner)
            from sklearn.metrics import make_scorer

            from .stats import roc_auc

            return make_scorer(roc_auc, response_method=("decision_function", "predict_proba"))
        from sklearn.metrics import get_scorer

        return get_scorer(self.scorer)

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

    def trials(self, n_rows: int, positives: int | None) -> int | None:
        """How many cases the score is a share of, when it is a share of a count the test set
        gives: accuracy of the ``n_rows``, recall (and recall at the action) of the ``positives``
        (true cases), precision in a top share of the cases that share reaches. None for any
        other metric (precision at a threshold is a share of cases only the model knows).

        Such a score has an exact interval (:func:`nbalign.stats.proportion_against`), which
        keeps its width at 0 and 1 where a resampled or normal one collapses.

        Examples
        --------
        >>> resolve_metric("accuracy").trials(38, 14), resolve_metric("auc").trials(38, 14)
        (38, None)
        """
        if self.scorer == "accuracy":
            return n_rows or None
        if self.scorer in ("recall", "recall_at_k"):
            return positives or None
        if self.scorer == "precision_at_k" and "share" in self.kwargs:
            return min(n_rows, math.floor(self.kwargs["share"] * n_rows + 0.5)) or None  # as business.acted
        return None

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

        scorer = self.sklearn_scorer()
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
        data = {
            "name": self.name,
            "label": self.label,
            "scorer": self.scorer,
            "greater_is_better": self.greater_is_better,
        }
        if self.params:
            data["params"] = self.kwargs
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Metric:
        return cls(
            name=data["name"],
            label=data["label"],
            scorer=data["scorer"],
            sign=1 if data["greater_is_better"] else -1,
            params=tuple(sorted((data.get("params") or {}).items())),
        )


def _own_scorer(kind: str, kwargs: dict):
    """(function, response method) of one of nbalign's own metrics: a decision by the top share
    ranks by any score, a threshold compares probabilities, ``predicted`` takes the model's labels."""
    from . import business

    if kind == "business_value_errors":
        return business.errors_value, "predict"
    function = {"recall_at_k": business.recall_at, "precision_at_k": business.precision_at,
                "business_value": business.value_at}[kind]
    if "share" in kwargs:
        return function, ("predict_proba", "decision_function")
    return function, "predict_proba" if "threshold" in kwargs else "predict"


_OWN_SCORERS = ("recall_at_k", "precision_at_k", "business_value", "business_value_errors")


def business_label(kind: str, rule: str) -> str:
    """``recall in the top 20%``, ``precision at score ≥ 0.30``, ``business value per case (top 20%)``."""
    rule = rule.replace(">=", "≥")
    if kind == "business_value":
        return f"business value per case ({'predicted positives' if rule == 'predicted' else rule})"
    if rule.startswith("top"):
        return f"{BUSINESS_METRICS[kind]} in the {rule}"
    if rule.startswith("score"):
        return f"{BUSINESS_METRICS[kind]} at {rule}"
    return f"{BUSINESS_METRICS[kind]} of the predicted positives"


def bind_business(metric: Metric, action=None, population=None, value=None) -> Metric:
    """One of nbalign's own metrics, bound to the objective's action and value.

    Its name carries its terms (``recall_at_k:top 20%``), so records of another action or value
    are another metric. Raises ``ValueError`` naming what the metric needs that is missing.
    """
    from .business import ErrorCost
    from .format import format_number, format_share

    kind = metric.scorer
    if kind == "business_value" and isinstance(value, ErrorCost):
        params = (("over", value.over), ("under", value.under))
        terms = f"under={value.under:g},over={value.over:g},{value.currency or ''}"
        return Metric(f"business_value:{terms}", "business value per case", "business_value_errors", 1, params)
    if kind != "business_value" and (action is None or action.rule is None):
        raise ValueError(f"`metric: {metric.name}` is measured on the cases the action reaches: add "
                         "`action:` with a rule, e.g. `contact: top 20%`")
    if kind == "business_value" and value is None:
        raise ValueError("`metric: business_value` needs `value:` (what each outcome is worth: tp, fp, fn, tn)")
    rule, params = "predicted", ()
    if action is not None and action.rule == "top":
        share = action.capacity(population)
        if share is None:
            raise ValueError("`top` with a count of cases needs `population:` (cases per period) to know the share")
        rule, params = f"top {format_share(share)}", (("share", share),)
    elif action is not None and action.rule == "threshold":
        rule, params = f"score >= {format_number(action.threshold)}", (("threshold", action.threshold),)
    label = business_label(kind, rule)
    name = f"{kind}:{rule}"
    if kind == "business_value":
        params += tuple((k, getattr(value, k)) for k in ("fn", "fp", "tn", "tp"))
        name += f":tp={value.tp:g},fp={value.fp:g},fn={value.fn:g},tn={value.tn:g},{value.currency or ''}"
    return Metric(name, label, kind, 1, tuple(sorted(params)))


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

    return sorted(set(get_scorer_names()) | set(_ALIASES) | set(BUSINESS_METRICS))


def resolve_metric(name: str) -> Metric:
    """Turn a name the user typed into a :class:`Metric`, or raise :class:`UnknownMetricError`."""
    key = str(name).strip()
    lowered = key.lower().replace("-", "_").replace(" ", "_")
    if lowered in BUSINESS_METRICS:  # bound to the objective's terms by the objective's parser
        return Metric(name=lowered, label=BUSINESS_METRICS[lowered], scorer=lowered, sign=1)
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
    """True if a record's metric ``name`` measures what ``metric`` measures (``auc`` is ``roc_auc``).
    nbalign's own metrics are the same only under the same terms (their names carry them)."""
    if metric.params:
        return name == metric.name
    return _identity(name) == (metric.scorer, metric.sign)


@functools.lru_cache(maxsize=256)
def metric_label(name: str) -> str:
    """How a recorded metric name reads ("log loss" for ``logloss``), without scikit-learn."""
    alias = _ALIASES.get(name)
    if alias:
        return alias[2]
    kind, _, rule = name.partition(":")
    if kind in BUSINESS_METRICS and rule:
        if kind == "business_value" and "=" in rule.split(":")[0]:
            return "business value per case"  # a regression's priced errors
        return business_label(kind, rule.split(":")[0])
    return name.replace("_", " ")
