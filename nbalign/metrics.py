"""ML metrics in the user's vocabulary: scikit-learn scorer names plus the aliases people type.

A :class:`Metric` knows which scikit-learn scorer computes it and which way is better, so an
objective can say ``metric: rmse`` and ``target: 30000`` and mean "an RMSE of at most 30,000".
scikit-learn scorers are greater-is-better (losses are ``neg_*``); a metric shown as a positive
loss keeps ``sign = -1`` and reports ``-scorer(...)``.

What a scorer is, nbalign knows in one place: its :class:`MetricKind` in :data:`KINDS` says its
task, range, aliases and words, the response it is computed from, the labels it needs, the paired
test that compares two models on it and how noisy a stated score is. Other modules ask the metric
(``metric.kind.task``, ``metric.response``, ``metric.trials(...)``) and never compare its scorer's
name, so adding a metric is one entry in :data:`KINDS` (tests/test_metrics.py checks both).

Every scorer has a known range (:func:`scorer_range`), so an objective can refuse a target no
model can reach. scikit-learn is imported only when a metric is looked up or computed, never at
import time.
"""

from __future__ import annotations

import copy
import difflib
import functools
import math
import reprlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import NbalignError

CLASSIFICATION, REGRESSION = "classification", "regression"

# What a metric is computed from, and the scikit-learn response method nbalign's own scorers
# ask for it by: a model's labels or values, class probabilities, or any score that ranks.
RESPONSES = {
    "predictions": "predict",
    "probabilities": "predict_proba",
    "scores": ("predict_proba", "decision_function"),
}

_INF = math.inf
_UNIT = (0.0, 1.0)
_LOSS = (-_INF, 0.0)  # a ``neg_*`` scorer: 0 is perfect
_SKILL = (-_INF, 1.0)  # R²-like: 1 is perfect, worse than the mean is negative without bound


# ------------------------------------------------------------------ what a score is a share of

def _rows(metric: Metric, n_rows: int, positives: int | None) -> int | None:
    return n_rows or None


def _positives(metric: Metric, n_rows: int, positives: int | None) -> int | None:
    return positives or None


def _reached(metric: Metric, n_rows: int, positives: int | None) -> int | None:
    """The cases a top share reaches, counted as :func:`nbalign.business.acted` counts them; at a
    threshold, how many cases are reached only the model knows."""
    share = metric.kwargs.get("share")
    return None if share is None else min(n_rows, math.floor(share * n_rows + 0.5)) or None


# ------------------------------------------------------------------ how noisy a stated score is

def _binomial_noise(metric: Metric, score: float, labels, confidence: float) -> float | None:
    """Half the exact (Clopper-Pearson) interval of a share of the cases the metric counts; None
    for a metric that is no share of a count."""
    share = labels.positive_share
    positives = None if share is None else round(share * labels.n_rows)
    count = metric.kind.noise_counts or metric.kind.counts
    trials = None if count is None else count(metric, labels.n_rows, positives)
    if trials and 0 <= score <= 1:
        from .stats import proportion_interval

        low, high = proportion_interval(score * trials, trials, confidence)
        return (high - low) / 2
    return None


def _hanley_mcneil_noise(metric: Metric, score: float, labels, confidence: float) -> float | None:
    """Half the Wald interval of a ROC AUC from Hanley & McNeil's (1982) variance, which needs
    only the AUC and the counts of each class."""
    if labels.kind != "binary" or not 0 < score < 1:
        return None
    from scipy import special

    z, p, n = float(special.ndtri(0.5 + confidence / 2)), score, labels.n_rows
    positives = n * labels.shares[-1][1]
    negatives = n - positives
    q1, q2 = p / (2 - p), 2 * p * p / (1 + p)
    variance = (p * (1 - p) + (positives - 1) * (q1 - p * p) + (negatives - 1) * (q2 - p * p)) \
        / (positives * negatives)
    return z * math.sqrt(max(variance, 0.0))


# ------------------------------------------------------------------ the metric target a recall needs

def _recall_itself(recall: float, reach, value) -> float:
    return recall


def _precision_at_recall(recall: float, reach, value) -> float:
    share, positive_rate = reach()
    return recall * positive_rate / share


def _value_at_recall(recall: float, reach, value) -> float:
    share, positive_rate = reach()
    tp, fn = recall * positive_rate, (1 - recall) * positive_rate
    fp = max(0.0, share - tp)
    return value.per_case(tp, fp, fn, max(0.0, 1 - tp - fp - fn))


# ------------------------------------------------------------------ scorers scikit-learn does not name

def _fast_roc_auc(metric: Metric):
    """scikit-learn's own scorer, its AUC counted in one sort (the same number, 6x sooner)."""
    from sklearn.metrics import make_scorer

    from .stats import roc_auc

    return make_scorer(roc_auc, response_method=("decision_function", "predict_proba"))


def _business_scorer(function: str) -> Callable:
    """The scorer factory of one of nbalign's own metrics: ``nbalign.business.<function>`` on
    the response its terms call for, with its terms (imported when a metric is computed)."""

    def make(metric: Metric):
        from sklearn.metrics import make_scorer

        from . import business

        return make_scorer(getattr(business, function), response_method=RESPONSES[metric.response],
                           **metric.kwargs)

    return make


@dataclass(frozen=True)
class MetricKind:
    """Everything nbalign knows about one scikit-learn scorer, or one of nbalign's own metrics.

    Attributes
    ----------
    scorer : str
        The scikit-learn scorer name (``neg_root_mean_squared_error``), or nbalign's own (``recall_at_k``).
    task : {"classification", "regression"} or None
        None for a scorer that compares two labellings (clustering: ``rand_score``).
    range : (float, float) or None
        The values the scorer returns, as it returns them (losses negated); an infinite end is
        unbounded. None: not known.
    label, aliases : str, tuple of str
        The names people type for it, and how it reads when named so ("ROC AUC"). A loss that
        scikit-learn negates is named and worded as the loss itself (``rmse``: "RMSE", sign -1).
    response : {"predictions", "probabilities", "scores"}
        What it is computed from (:data:`RESPONSES`); an action's terms may ask for another
        (:attr:`Metric.response`).
    needs_positive : bool
        It counts one class as the positive one (scikit-learn's ``pos_label=1``).
    two_classes, multiclass_variant : bool, str or None
        Defined for two classes only, and what to write instead for a multiclass target (None:
        no direct variant, the metric is refused).
    needs_both_classes : bool
        It ranks positives above negatives: undefined on labels of one class.
    ranks_positives : bool
        It ranks the cases by one score of the positive class, so its kept scores tell the recall
        of a top share.
    rewards_majority : bool
        It counts every row alike at the model's threshold: always predicting the majority
        class scores high.
    counts, noise_counts : callable or None
        ``counts(metric, n_rows, positives)``: how many cases the score is exactly a share of
        (:meth:`Metric.trials`). ``noise_counts``: the count whose binomial approximates a
        stated score's noise when it is no exact share (precision: the true cases).
    noise : callable
        ``noise(metric, score, labels, confidence)``: half the width of a stated score's
        interval on the test labels (:meth:`Metric.noise`).
    paired_test, test_terms : str, tuple
        The test comparing two models on it, a key of :data:`nbalign.comparison.PAIRED_TESTS`,
        and what that test needs to know (the loss, the confusion metric and its average).
    own, priced : bool
        One of nbalign's own metrics, bound to the objective's action and value
        (:mod:`nbalign.business`); measured in the objective's value, not as a share of cases.
    from_recall : callable or None
        For an own metric a KPI target can be derived for: ``from_recall(recall, reach, value)``,
        the metric at that recall of the action, where ``reach()`` returns the share of the cases
        acted on and the share of true cases (or raises ``ValueError`` saying which is unknown).
    make_scorer : callable or None
        ``make_scorer(metric)``: its scikit-learn scorer, when it is not scikit-learn's by name.

    Examples
    --------
    >>> kind = kind_of("neg_log_loss")
    >>> kind.task, kind.response, kind.aliases[0], kind.paired_test
    ('classification', 'probabilities', 'logloss', 'per_row_losses')
    """

    scorer: str
    task: str | None = None
    range: tuple[float, float] | None = None
    label: str | None = None
    aliases: tuple[str, ...] = ()
    response: str = "predictions"
    needs_positive: bool = False
    two_classes: bool = False
    multiclass_variant: str | None = None
    needs_both_classes: bool = False
    ranks_positives: bool = False
    rewards_majority: bool = False
    counts: Callable | None = None
    noise_counts: Callable | None = None
    noise: Callable = _binomial_noise
    paired_test: str = "bootstrap"
    test_terms: tuple = ()
    own: bool = False
    priced: bool = False
    from_recall: Callable | None = None
    make_scorer: Callable | None = None

    @property
    def negated(self) -> bool:
        """A loss scikit-learn negates so that greater is better (its ``neg_`` prefix)."""
        return self.scorer.startswith("neg_")

    @property
    def sign(self) -> int:
        """The sign of the metric its aliases name: -1 for a negated loss (``rmse``)."""
        return -1 if self.negated else 1

    @property
    def is_recall(self) -> bool:
        """A share of the true cases: the recall itself (``recall``, ``recall_at_k``)."""
        return self.counts is _positives


def _kinds(*kinds: MetricKind) -> dict[str, MetricKind]:
    return {kind.scorer: kind for kind in kinds}


def _label(kind: MetricKind) -> str:
    """The label of a kind named by an alias, or of nbalign's own: every one of them has one."""
    assert kind.label is not None, kind.scorer
    return kind.label


def _confusion(name: str, average: str, range: tuple[float, float] = _UNIT, **known) -> MetricKind:
    """A metric of the confusion matrix at the model's threshold, compared by the paired
    bootstrap of the matrices; ``average="binary"`` scores the positive class."""
    scorer = name if average == "binary" else f"{name}_{average}"
    return MetricKind(scorer, CLASSIFICATION, range, paired_test="confusion_bootstrap",
                      test_terms=(name, average), **known)


def _loss(scorer: str, label: str, aliases: tuple[str, ...], **known) -> MetricKind:
    """A regression loss scikit-learn negates (``neg_``), named by its aliases as the loss itself."""
    return MetricKind(scorer, REGRESSION, _LOSS, label, aliases, **known)


# Two-class scores of one positive class (label, aliases), and their averages over the classes.
_OF_POSITIVES = {"f1": ("F1", ("f1",)), "precision": ("precision", ("precision",)),
                 "recall": ("recall", ("recall",)), "jaccard": (None, ())}
# Recall is a share of the true cases. Precision is a share of the model's positive predictions,
# about as many as the true ones: a binomial on the true cases is about as noisy.
_OF_POSITIVES_KNOWN: dict[str, dict[str, Any]] = {"precision": {"noise_counts": _positives},
                                                  "recall": {"counts": _positives}}

# Every metric nbalign knows, by scorer name. tests/test_metrics.py checks that every name in
# ``sklearn.metrics.get_scorer_names()`` is here with its task and range.
KINDS: dict[str, MetricKind] = _kinds(
    # classification, at the model's threshold
    MetricKind("accuracy", CLASSIFICATION, _UNIT, "accuracy", ("accuracy",), rewards_majority=True,
               counts=_rows, paired_test="mcnemar"),
    # a mean of per-class recalls, without adjusting for chance: as noisy as a share of the rows
    _confusion("balanced_accuracy", "binary", label="balanced accuracy", aliases=("balanced_accuracy",),
               noise_counts=_rows),
    _confusion("matthews_corrcoef", "binary", label="Matthews correlation", aliases=("mcc",), range=(-1.0, 1.0)),
    *(_confusion(name, "binary", label=label, aliases=aliases, needs_positive=True, two_classes=True,
                 multiclass_variant=f"{name}_macro` (or {name}_weighted, {name}_micro)",
                 **_OF_POSITIVES_KNOWN.get(name, {}))
      for name, (label, aliases) in _OF_POSITIVES.items()),
    *(_confusion(name, average, rewards_majority=average == "micro")
      for name in _OF_POSITIVES for average in ("macro", "micro", "weighted")),
    # averaged over the samples of a multilabel target: no confusion matrix of classes to resample
    *(MetricKind(f"{name}_samples", CLASSIFICATION, _UNIT) for name in _OF_POSITIVES),
    MetricKind("positive_likelihood_ratio", CLASSIFICATION, (0.0, _INF), needs_positive=True, two_classes=True),
    MetricKind("neg_negative_likelihood_ratio", CLASSIFICATION, _LOSS, "negative likelihood ratio",
               ("negative_likelihood_ratio",), needs_positive=True, two_classes=True),
    # classification, by scores or probabilities
    MetricKind("roc_auc", CLASSIFICATION, _UNIT, "ROC AUC", ("auc", "roc_auc"), response="scores",
               two_classes=True, needs_both_classes=True, ranks_positives=True,
               multiclass_variant="roc_auc_ovr` (one class against the rest; or roc_auc_ovo, roc_auc_ovr_weighted)",
               noise=_hanley_mcneil_noise, paired_test="delong", make_scorer=_fast_roc_auc),
    *(MetricKind(f"roc_auc_{variant}", CLASSIFICATION, _UNIT, response="probabilities", needs_both_classes=True)
      for variant in ("ovo", "ovo_weighted", "ovr", "ovr_weighted")),
    # Average precision averages a precision over the true cases: a binomial on their count is
    # about as wide as its own interval (Boyd, Eng & Page, 2013, Area under the precision-recall
    # curve: point estimates and confidence intervals, ECML PKDD).
    MetricKind("average_precision", CLASSIFICATION, _UNIT, "average precision", ("ap", "pr_auc", "average_precision"),
               response="scores", needs_positive=True, two_classes=True, needs_both_classes=True,
               ranks_positives=True, noise_counts=_positives, paired_test="average_precision_jackknife"),
    MetricKind("top_k_accuracy", CLASSIFICATION, _UNIT, response="scores"),
    MetricKind("neg_log_loss", CLASSIFICATION, _LOSS, "log loss", ("logloss", "log_loss"), response="probabilities",
               paired_test="per_row_losses", test_terms=("log_loss",)),
    MetricKind("neg_brier_score", CLASSIFICATION, (-2.0, 0.0), "Brier score", ("brier", "brier_score"),
               response="probabilities", needs_positive=True, paired_test="per_row_losses", test_terms=("brier",)),
    MetricKind("d2_brier_score", CLASSIFICATION, _SKILL, response="probabilities"),
    MetricKind("d2_log_loss_score", CLASSIFICATION, _SKILL, response="probabilities"),
    # regression
    MetricKind("r2", REGRESSION, _SKILL, "R²", ("r2",)),
    MetricKind("explained_variance", REGRESSION, _SKILL),
    MetricKind("d2_absolute_error_score", REGRESSION, _SKILL),
    _loss("neg_root_mean_squared_error", "RMSE", ("rmse", "root_mean_squared_error"),
          paired_test="per_row_losses", test_terms=("rmse",)),
    _loss("neg_mean_squared_error", "MSE", ("mse", "mean_squared_error"),
          paired_test="per_row_losses", test_terms=("mse",)),
    _loss("neg_mean_absolute_error", "MAE", ("mae", "mean_absolute_error"),
          paired_test="per_row_losses", test_terms=("mae",)),
    _loss("neg_mean_absolute_percentage_error", "MAPE", ("mape", "mean_absolute_percentage_error")),
    _loss("neg_median_absolute_error", "median absolute error", ("medae", "median_absolute_error")),
    _loss("neg_root_mean_squared_log_error", "RMSLE", ("rmsle",)),
    _loss("neg_max_error", "max error", ("max_error",)),
    _loss("neg_mean_squared_log_error", "MSLE", ("msle", "mean_squared_log_error")),
    _loss("neg_mean_poisson_deviance", "mean Poisson deviance", ("mean_poisson_deviance",)),
    _loss("neg_mean_gamma_deviance", "mean gamma deviance", ("mean_gamma_deviance",)),
    # nbalign's own, measured on the objective's action and value (nbalign.business) and bound
    # to its terms when the objective is parsed (:func:`bind_business`)
    MetricKind("recall_at_k", CLASSIFICATION, _UNIT, "recall", ("recall_at_k",), needs_positive=True,
               counts=_positives, own=True, from_recall=_recall_itself, make_scorer=_business_scorer("recall_at"),
               paired_test="top_share_bootstrap"),
    MetricKind("precision_at_k", CLASSIFICATION, _UNIT, "precision", ("precision_at_k",), needs_positive=True,
               counts=_reached, own=True, from_recall=_precision_at_recall,
               make_scorer=_business_scorer("precision_at"), paired_test="top_share_bootstrap"),
    # a value per case is the mean of each row's value under a fixed rule (unless by a top share)
    MetricKind("business_value", CLASSIFICATION, (-_INF, _INF), "business value per case", ("business_value",),
               needs_positive=True, own=True, priced=True, paired_test="decision_values",
               from_recall=_value_at_recall, make_scorer=_business_scorer("value_at")),
    # a regression's value per case: minus the cost of its errors (bound from business_value)
    MetricKind("business_value_errors", REGRESSION, (-_INF, 0.0), "business value per case", own=True, priced=True,
               paired_test="error_values", make_scorer=_business_scorer("errors_value")),
    # clustering: two labellings compared, no task
    MetricKind("adjusted_rand_score", range=(-0.5, 1.0)),
    MetricKind("adjusted_mutual_info_score", range=_SKILL),
    MetricKind("mutual_info_score", range=(0.0, _INF)),
    *(MetricKind(name, range=_UNIT)
      for name in ("completeness_score", "homogeneity_score", "v_measure_score", "normalized_mutual_info_score",
                   "fowlkes_mallows_score", "rand_score")),
)

# The names people type, each for one kind.
_ALIASES: dict[str, MetricKind] = {alias: kind for kind in KINDS.values() for alias in kind.aliases}


def kind_of(scorer: str) -> MetricKind:
    """The :class:`MetricKind` of a scorer name; a scorer nbalign does not know (one a newer
    scikit-learn adds) is of no task, range or test of its own.

    Examples
    --------
    >>> kind_of("f1_macro").test_terms, kind_of("rmse_of_the_future").task
    (('f1', 'macro'), None)
    """
    return KINDS.get(scorer) or MetricKind(scorer)


def scorer_range(scorer: str) -> tuple[float, float] | None:
    """The values a scikit-learn scorer can return, ``(low, high)``; None for a scorer not known here.

    An end that is ``math.inf`` (or ``-math.inf``) is unbounded.

    Examples
    --------
    >>> scorer_range("r2")
    (-inf, 1.0)
    """
    return kind_of(scorer).range


def loss_alias(scorer: str) -> str | None:
    """The name that means the positive loss behind a ``neg_*`` scorer ("rmse" for
    ``neg_root_mean_squared_error``), or None."""
    kind = kind_of(scorer)
    return kind.aliases[0] if kind.negated and kind.aliases else None


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
    # The terms of one of nbalign's own metrics (MetricKind.own): the action's share or
    # threshold, the value matrix. Empty for scikit-learn's scorers.
    params: tuple = ()

    @property
    def kwargs(self) -> dict:
        return dict(self.params)

    @property
    def kind(self) -> MetricKind:
        """What its scorer is: task, range, response, paired test... (:class:`MetricKind`)."""
        return kind_of(self.scorer)

    @property
    def response(self) -> str:
        """What it is computed from (a key of :data:`RESPONSES`): its kind's, unless the action's
        terms say otherwise (a threshold compares probabilities, a top share ranks by any score)."""
        terms = self.kwargs
        if "threshold" in terms:
            return "probabilities"
        if "share" in terms:
            return "scores"
        return self.kind.response

    def sklearn_scorer(self):
        """The scikit-learn scorer that computes it (made from its terms for nbalign's own)."""
        make = self.kind.make_scorer
        if make is not None:
            return make(self)
        from sklearn.metrics import get_scorer

        return get_scorer(self.scorer)

    def response_method(self, model) -> str | None:
        """The method of ``model`` its scorer computes it from: the first of the scorer's response
        methods the model has, as scikit-learn's scorer picks it (``decision_function`` before
        ``predict_proba`` for ROC AUC); None when it has none of them.

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> resolve_metric("auc").response_method(LogisticRegression()), resolve_metric("f1").response_method(None)
        ('decision_function', None)
        """
        return next((method for method in _response_methods(self) if hasattr(model, method)), None)

    @property
    def greater_is_better(self) -> bool:
        return self.sign > 0

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the metric can take as the user writes them (losses positive): ``(low, high)``.

        An unbounded end is infinite, and so are both for a scorer whose range is not known.
        """
        low, high = self.kind.range or (-math.inf, math.inf)
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
        counts = self.kind.counts
        return None if counts is None else counts(self, n_rows, positives)

    def noise(self, score: float, labels, confidence: float) -> float | None:
        """How far luck moves a score stated as a number (a baseline's) on test labels of
        classes (:class:`~nbalign.tasks.Labels`): half the width of its interval, or None when
        nbalign has no formula for it.

        The exact (Clopper-Pearson) interval of a share of the cases the metric counts (the rows
        for accuracy, the true cases for recall, precision and average precision), and Hanley &
        McNeil's (1982) of ROC AUC.

        Examples
        --------
        >>> from nbalign.tasks import Labels
        >>> labels = Labels(100, "binary", ((0, 0.6), (1, 0.4)))
        >>> round(resolve_metric("accuracy").noise(0.9, labels, 0.95), 3)
        0.064
        """
        return self.kind.noise(self, score, labels, confidence)

    def improvement(self, new: float, old: float) -> float:
        """How much better ``new`` is than ``old`` (positive is better, whatever the direction)."""
        return (new - old) * self.sign

    def score(self, model, X, y) -> tuple[float, float]:
        """Score a fitted model; return ``(value, seconds)`` where seconds covers predict + metric."""
        value, seconds, _ = self.score_and_respond(model, X, y)
        return value, seconds

    def score_and_respond(self, model, X, y, known: KnownScore | None = None,
                          ) -> tuple[float, float, tuple[str, object] | None]:
        """Score a fitted model and return what the metric was computed from.

        Returns ``(value, seconds, (response method, response))``; the last is None when
        scikit-learn's scorer offers no way to see it. The model predicts once: the response is
        captured through the scorer's own ``method_caller`` hook (what scikit-learn's multi-metric
        scoring uses to share predictions), not by predicting a second time. ``known``: what the
        scorer's own function already returned on some arguments (the user's call); when the
        scorer calls it on those very arguments, that value is the score, not computed again.
        """
        from functools import partial

        scorer = self.sklearn_scorer()
        if known is not None and getattr(scorer, "_score_func", None) is known.function:
            scorer = copy.copy(scorer)
            scorer._score_func = known.or_computed
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


@functools.lru_cache(maxsize=32)
def _response_methods(metric: Metric) -> tuple[str, ...]:
    """The response methods the metric's scorer asks a model for, in its order of preference."""
    methods = getattr(metric.sklearn_scorer(), "_response_method", "predict")  # scikit-learn >= 1.4
    return (methods,) if isinstance(methods, str) else tuple(methods)


@dataclass
class KnownScore:
    """What a metric function returned on some arguments (the user's own call, seen by autolog).

    :meth:`or_computed` stands for the function: on those very arguments (the same truth, the
    same predictions, by identity or as a view of the same memory, the same options, defaults
    included: ``average="binary"`` is ``f1_score``'s default) it returns that value, which the
    function, deterministic, would compute again; on any others it computes.
    """

    function: Callable
    y_true: Any
    y_pred: Any
    options: dict  # every argument but the first two, defaults included (:func:`call_options`)
    value: float
    seconds: float = 0.0  # how long the call took
    reused: bool = False  # whether or_computed has answered with the value

    def or_computed(self, y_true, y_pred, **options):
        if (y_true is self.y_true and _same_values(y_pred, self.y_pred)
                and _same_options(call_options(self.function, (y_true, y_pred), options), self.options)):
            self.reused = True
            return self.value
        return self.function(y_true, y_pred, **options)


def call_options(function: Callable, args: tuple, kwargs: dict) -> dict:
    """A metric call's arguments but the truth and the predictions, by name, defaults included."""
    import inspect

    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(list(bound.arguments.items())[2:])


def _same_values(a, b) -> bool:
    """``a`` is ``b``, or a numpy view of the very same elements (``proba[:, 1]`` taken twice)."""
    if a is b:
        return True
    import numpy as np

    return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
            and a.strides == b.strides and a.__array_interface__["data"][0] == b.__array_interface__["data"][0])


def _same_options(a: dict, b: dict) -> bool:
    """The same keyword arguments, when they are plain values (an array compares element-wise)."""
    plain = (str, int, float, bool, type(None))
    return a.keys() == b.keys() and all(isinstance(v, plain) and type(v) is type(b[k]) and v == b[k]
                                        for k, v in a.items())


def business_label(kind: MetricKind, rule: str) -> str:
    """``recall in the top 20%``, ``precision at score ≥ 0.30``, ``business value per case (top 20%)``."""
    rule = rule.replace(">=", "≥")
    if kind.priced:
        return f"{kind.label} ({'predicted positives' if rule == 'predicted' else rule})"
    if rule.startswith("top"):
        return f"{kind.label} in the {rule}"
    if rule.startswith("score"):
        return f"{kind.label} at {rule}"
    return f"{kind.label} of the predicted positives"


def bind_business(metric: Metric, action=None, population=None, value=None) -> Metric:
    """One of nbalign's own metrics, bound to the objective's action and value.

    Its name carries its terms (``recall_at_k:top 20%``), so records of another action or value
    are another metric. Raises ``ValueError`` naming what the metric needs that is missing.
    """
    from .business import ErrorCost
    from .format import format_number, format_share

    kind = metric.kind
    params: tuple[tuple[str, Any], ...]
    if kind.priced and isinstance(value, ErrorCost):
        params = (("over", value.over), ("under", value.under))
        terms = f"under={value.under:g},over={value.over:g},{value.currency or ''}"
        errors = KINDS["business_value_errors"]
        return Metric(f"{metric.scorer}:{terms}", _label(errors), errors.scorer, 1, params)
    if not kind.priced and (action is None or action.rule is None):
        raise ValueError(f"`metric: {metric.name}` is measured on the cases the action reaches: add "
                         "`action:` with a rule, e.g. `contact: top 20%`")
    if kind.priced and value is None:
        raise ValueError(f"`metric: {metric.name}` needs `value:` (what each outcome is worth: tp, fp, fn, tn)")
    rule, params = "predicted", ()
    if action is not None and action.rule == "top":
        share = action.capacity(population)
        if share is None:
            raise ValueError("`top` with a count of cases needs `population:` (cases per period) to know the share")
        rule, params = f"top {format_share(share)}", (("share", share),)
    elif action is not None and action.rule == "threshold":
        rule, params = f"score >= {format_number(action.threshold)}", (("threshold", action.threshold),)
    label = business_label(kind, rule)
    name = f"{metric.scorer}:{rule}"
    if kind.priced:
        params += tuple((k, getattr(value, k)) for k in ("fn", "fp", "tn", "tp"))
        name += f":tp={value.tp:g},fp={value.fp:g},fn={value.fn:g},tn={value.tn:g},{value.currency or ''}"
    return Metric(name, label, metric.scorer, 1, tuple(sorted(params)))


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
    if lowered in _ALIASES:  # nbalign's own are bound to the objective's terms by its parser
        kind = _ALIASES[lowered]
        return Metric(name=lowered, label=_label(kind), scorer=kind.scorer, sign=kind.sign)
    from sklearn.metrics import get_scorer_names

    if key in get_scorer_names():
        return Metric(name=key, label=key.replace("_", " "), scorer=key, sign=1)
    suggestions = difflib.get_close_matches(lowered, known_metric_names(), n=3, cutoff=0.6)
    raise UnknownMetricError(key, suggestions)


@functools.lru_cache(maxsize=256)
def _identity(name: str) -> tuple[str, int]:
    """(scorer, sign) of a metric name as recorded; no scikit-learn import needed."""
    kind = _ALIASES.get(name)
    return (kind.scorer, kind.sign) if kind else (name, 1)


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
        return _label(alias)
    scorer, _, rule = name.partition(":")
    kind = kind_of(scorer)
    if kind.own and rule:
        if kind.priced and "=" in rule.split(":")[0]:
            return _label(KINDS["business_value_errors"])  # a regression's priced errors
        return business_label(kind, rule.split(":")[0])
    return name.replace("_", " ")
