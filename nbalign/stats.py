"""Is model B really better than model A? Paired tests on the same test rows.

Two models scored on the same rows make paired measurements: a row that is hard for one is
usually hard for the other, so the difference of their scores varies much less than either
score. Every function here uses that pairing and returns one :class:`Difference`: the
estimate ``metric(B) - metric(A)`` in the metric's own units, a two-sided confidence interval
and a two-sided p-value for "no difference".

=============================  ====================================================
metric                         function
=============================  ====================================================
ROC AUC                        :func:`delong`
accuracy (predicted labels)    :func:`mcnemar`
MSE, MAE, log loss, Brier      :func:`paired_losses` on :func:`per_row_losses`
RMSE                           the same, with ``reduce="root_mean"``
average precision              :func:`paired_bootstrap_average_precision`
F1, recall, precision, ...     :func:`paired_bootstrap_confusion` (binary labels)
anything else                  :func:`paired_bootstrap`
many models against one        :func:`holm` on their p-values
=============================  ====================================================

One model's own score, against a fixed number, where the score is a share of a count (accuracy
of the rows, recall of the true cases): :func:`proportion_against`, the exact (Clopper-Pearson)
interval of :func:`proportion_interval`. A perfect ROC AUC: :func:`auc_interval`.

No interval here is ever a single point: a test set that shows no spread (every row right, a
perfect ranking) is a small sample at the edge of the metric's range, not a score known exactly.
Where a method's spread vanishes and no count-based interval applies, the test refuses
(:class:`~nbalign.errors.EvaluationError`), and the caller says the difference is untested.

Pure functions: numpy and scipy are imported inside them, so ``import nbalign`` stays light.
A mistake in the input (lengths that differ, one class only, a name not known) raises
:class:`~nbalign.errors.EvaluationError` with a message that says what to pass instead.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .errors import EvaluationError

if TYPE_CHECKING:  # numpy loads with the first test: `import nbalign` stays light
    import numpy as np

__all__ = [
    "Difference",
    "ResampledAP",
    "ResampledTopShare",
    "RocComponents",
    "auc_interval",
    "delong",
    "delong_of",
    "holm",
    "mcnemar",
    "paired_average_precision_of",
    "paired_bootstrap",
    "paired_bootstrap_average_precision",
    "paired_bootstrap_confusion",
    "paired_losses",
    "paired_resamples_of",
    "paired_score_test",
    "per_row_losses",
    "positive_rows",
    "proportion_against",
    "proportion_interval",
    "resample_counts",
    "resampled_average_precision",
    "resampled_top_share",
    "roc_auc",
    "roc_components",
    "roc_positive",
]

# The largest block of bootstrap indices held at once (int64): 2000 resamples of 1M rows would
# be 16 GB in one array, so they are drawn a block of rows at a time. The draws come from one
# generator in sequence, so the result does not depend on this size.
BOOTSTRAP_BLOCK_BYTES = 32 * 2**20

LOSSES = ("mse", "rmse", "mae", "log_loss", "brier")
_LOSS_ALIASES = {"logloss": "log_loss", "brier_score": "brier"}


@dataclass(frozen=True)
class Difference:
    """How much better (or worse) model B scores than model A on the same rows.

    Attributes
    ----------
    estimate : float
        ``metric(B) - metric(A)`` on all rows, in the metric's own units. For a loss, a
        negative estimate means B is better.
    low, high : float
        The two-sided confidence interval for the true difference.
    p_value : float
        Two-sided p-value for "the two models score the same".
    method : str
        The test and the interval, e.g. ``"DeLong"``.
    n : int
        The rows used.
    """

    estimate: float
    low: float
    high: float
    p_value: float
    method: str
    n: int

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------------- ROC AUC


def delong(y_true, scores_a, scores_b, confidence: float = 0.95, *, pos_label=None) -> Difference:
    """DeLong's test for the difference of two ROC AUCs measured on the same rows.

    The AUC is the share of (positive, negative) pairs a model orders correctly, a tie
    counting one half. DeLong, DeLong & Clarke-Pearson (1988) give its variance from the
    *structural components*: for each positive row, the share of negatives it outscores
    (V10), and for each negative row, the share of positives that outscore it (V01). The
    difference of two AUCs has variance ``var(V10_B - V10_A) / m + var(V01_B - V01_A) / n``
    (m positives, n negatives), and ``estimate / sqrt(variance)`` is compared with the
    standard normal. The interval is ``estimate ± z * sqrt(variance)``.

    The components come from the fast algorithm of Sun & Xu (2014): a row's component is the
    difference of its midrank among all rows and its midrank within its own class, which one
    sort per model gives for every row at once (ties get midranks, so a tie counts one half).
    O(N log N) in time and O(N) in memory: about 0.2 s for 1M rows, less than scikit-learn's
    ``roc_auc_score`` of one model (``benchmarks/paired_tests.py``).

    Parameters
    ----------
    y_true : array-like of shape (N,)
        Binary labels, any two values. The positive class is the larger one, or ``pos_label``.
    scores_a, scores_b : array-like of shape (N,)
        Each model's scores on the same rows (probabilities, decision values: any numbers
        where larger means "more likely positive"); no NaN.
    confidence : float, default 0.95
        Coverage of the interval.
    pos_label : optional
        The label of the positive class.

    Returns
    -------
    Difference
        ``estimate = AUC(B) - AUC(A)``. When DeLong's variance is zero (neither model's
        components vary, as for two perfect scorers, or a perfect and a constant one) the
        sample shows no spread, which is not the same as no uncertainty: the interval is then
        built from each model's own score interval (:func:`auc_interval`; a constant scorer's
        AUC is 0.5 on any rows), added in quadrature as Newcombe's square-and-add does
        (ignoring the models' positive correlation, so wider, never narrower), and the p-value
        is the normal one of that interval (method ``"score interval (DeLong's variance is
        0)"``). Against a constant scorer (one model's own interval, shifted), the score
        interval also replaces a Wald interval that leaves [0, 1].

    Raises
    ------
    EvaluationError
        Lengths that differ, labels that are not binary, fewer than two rows of a class, or
        NaN scores.

    References
    ----------
    DeLong, DeLong & Clarke-Pearson (1988), Comparing the areas under two or more correlated
    receiver operating characteristic curves: a nonparametric approach. Biometrics 44, 837-845.
    Sun & Xu (2014), Fast implementation of DeLong's algorithm for comparing the areas under
    correlated receiver operating characteristic curves. IEEE Signal Processing Letters 21,
    1389-1393.

    Examples
    --------
    >>> y = [0, 0, 0, 1, 1, 1]
    >>> d = delong(y, [0.1, 0.4, 0.35, 0.8, 0.3, 0.7], [0.1, 0.2, 0.3, 0.8, 0.6, 0.7])
    >>> round(d.estimate, 4), d.method, d.n         # AUC 1.0 against 7/9
    (0.2222, 'DeLong', 6)
    """

    _check_confidence(confidence)  # before any work: a wrong level is the first thing said
    y, a, b = _paired_arrays("delong", y_true=y_true, scores_a=scores_a, scores_b=scores_b)
    a, b = _numbers(a, "scores_a", finite=False), _numbers(b, "scores_b", finite=False)
    positive = roc_positive(y, pos_label)
    return delong_of(roc_components(a, positive), roc_components(b, positive), confidence)


def positive_rows(y_true, pos_label=None, function: str = "the paired test"):
    """Which rows are positive: ``pos_label``, else the larger of the two labels of y."""
    import numpy as np

    return _positive_mask(np.asarray(y_true), pos_label, function)


def roc_positive(y_true, pos_label=None):
    """Which rows are positive, for :func:`roc_components`: ``pos_label``, else the larger of
    the two labels; at least two rows of each class (a variance needs them)."""
    import numpy as np

    positive = _positive_mask(np.asarray(y_true), pos_label, "delong")
    m = int(np.count_nonzero(positive))
    n = positive.size - m
    if m < 2 or n < 2:
        raise EvaluationError(
            f"delong needs at least two rows of each class to estimate a variance; y_true has {m} "
            f"positive and {n} negative rows. Score the models on a larger test set."
        )
    return positive


@dataclass(frozen=True, eq=False)
class RocComponents:
    """One model's DeLong structural components on a test set: ``v10`` for each positive row
    (the share of negatives it outscores, a tie counting one half) and ``v01`` for each negative
    row (the share of positives that outscore it), both in row order. ``v10.mean()`` is the AUC.

    What :func:`delong` computes of each model; kept with a model's predictions, they let the
    model be compared with any number of others without ranking its scores again.
    """

    v10: np.ndarray
    v01: np.ndarray

    @property
    def auc(self) -> float:
        return float(self.v10.mean())


def roc_components(scores, positive) -> RocComponents:
    """The structural components of one model's ``scores`` for the rows where ``positive`` (from
    :func:`roc_positive`) is True and those where it is False.

    Sun & Xu (2014): a row's component is the difference of its midrank among all rows and its
    midrank within its own class, which one sort gives for every row at once. The counts are
    made per block of tied scores, then put back in row order, because the covariance between
    two models pairs the components of the same row.
    """
    import numpy as np

    scores = _numbers(scores, "scores", finite=False)
    m = int(np.count_nonzero(positive))
    n = positive.size - m
    order, blocks = _tie_blocks(scores, positive)
    block_of_row = np.cumsum(blocks.starts_block) - 1
    positives_after = m - np.cumsum(blocks.positives_in)
    v10 = (blocks.negatives_before + 0.5 * blocks.negatives_in) / n
    v01 = (positives_after + 0.5 * blocks.positives_in) / m
    is_pos = positive[order]
    component = np.empty(scores.size)
    component[order] = np.where(is_pos, v10[block_of_row], v01[block_of_row])
    return RocComponents(component[positive], component[~positive])


def delong_of(a: RocComponents, b: RocComponents, confidence: float = 0.95) -> Difference:
    """DeLong's test of ``AUC(B) - AUC(A)`` from the two models' components on the same rows
    (see :func:`delong`, which checks its inputs and computes them)."""
    from scipy import special

    level = _check_confidence(confidence)
    d10 = b.v10 - a.v10
    d01 = b.v01 - a.v01
    m, n = d10.size, d01.size
    estimate = float(d10.mean())  # mean(V10) is the AUC exactly, so this is AUC(B) - AUC(A)
    variance = max(float(d10.var(ddof=1) / m + d01.var(ddof=1) / n), 0.0)
    if variance > 0:
        wald = _wald_difference(estimate, variance ** 0.5, level, "DeLong", m + n)
        # Against the constant scorer the interval is B's own, and a Wald interval that leaves
        # [0, 1] near a perfect AUC says B is surer than its few pairs allow.
        if not (_is_constant(a) and (a.auc + wald.low < 0 or a.auc + wald.high > 1)):
            return wald
    z = float(special.ndtri(0.5 + level / 2))
    low_a, high_a = _own_auc_interval(a, z)
    low_b, high_b = _own_auc_interval(b, z)
    auc_a, auc_b = a.auc, b.auc
    below = math.hypot(auc_b - low_b, high_a - auc_a)
    above = math.hypot(high_b - auc_b, auc_a - low_a)
    low, high = estimate - below, estimate + above
    toward_zero = below if estimate > 0 else above  # the side of the interval that reaches to 0
    p_value = 1.0 if estimate == 0 else float(2 * special.ndtr(-abs(estimate) * z / toward_zero))
    return Difference(estimate, low, high, p_value, "score interval (DeLong's variance is 0)", m + n)


def auc_interval(auc: float, positives: int, negatives: int, confidence: float = 0.95) -> tuple[float, float]:
    """A score-type interval for one ROC AUC that never collapses, even at 0 or 1.

    DeLong's and Hanley & McNeil's variances are both 0 at a perfect AUC, so their Wald
    intervals shrink to the point 1.00 however few rows there are. The AUC is the probability
    that a positive outscores a negative, and its variance is at most ``AUC (1 - AUC) / min(m, n)``
    for m positives and n negatives (van Dantzig, 1951; Birnbaum & Klose, 1957): the variance of
    a proportion of ``min(m, n)`` trials. Inverting the score test with that bound (Wilson's
    interval on ``min(m, n)`` effective trials) gives an interval that is conservative (its
    coverage is at least the level, asymptotically) and has width wherever there are finitely
    many rows: a perfect AUC on 10 positives and 10 negatives is 0.72 to 1 at 95%, not 1 to 1.

    Parameters
    ----------
    auc : float
        The AUC within [0, 1].
    positives, negatives : int
        The rows of each class it was measured on.
    confidence : float, default 0.95

    Returns
    -------
    (low, high)

    References
    ----------
    van Dantzig (1951), On the consistency and the power of Wilcoxon's two sample test.
    Indagationes Mathematicae 13, 1-8.
    Birnbaum & Klose (1957), Bounds for the variance of the Mann-Whitney statistic. Annals of
    Mathematical Statistics 28, 933-945.
    Wilson (1927), Probable inference, the law of succession, and statistical inference. JASA 22,
    209-212.

    Examples
    --------
    >>> [round(end, 3) for end in auc_interval(1.0, 10, 14)]
    [0.722, 1.0]
    """
    from scipy import special

    level = _check_confidence(confidence)
    if not 0 <= auc <= 1 or min(positives, negatives) < 1:
        raise EvaluationError(f"auc_interval needs an AUC within [0, 1] and rows of each class, not AUC {auc!r} on "
                              f"{positives!r} positive and {negatives!r} negative rows.")
    trials = min(positives, negatives)
    return _wilson(auc * trials, trials, float(special.ndtri(0.5 + level / 2)))


def _is_constant(components: RocComponents) -> bool:
    """Every row tied: the constant scorer, whose AUC is 0.5 on any rows."""
    import numpy as np

    return bool(np.all(components.v10 == 0.5) and np.all(components.v01 == 0.5))


def _own_auc_interval(components: RocComponents, z: float) -> tuple[float, float]:
    if _is_constant(components):
        return 0.5, 0.5
    trials = min(components.v10.size, components.v01.size)
    return _wilson(components.auc * trials, trials, z)


def roc_auc(y_true, y_score, **kwargs) -> float:
    """scikit-learn's ``roc_auc_score``, in one sort for the common case.

    Binary labels of numbers or booleans (the positive class the larger one, as scikit-learn
    takes it) and one finite score per row: the Mann-Whitney count of the pairs ordered right,
    a tie counting one half, which is the area under the ROC curve exactly (scikit-learn's
    trapezoids give the same number up to rounding). It skips the label checks scikit-learn
    makes on every call, which cost more than the ranking at 100,000 rows
    (``benchmarks/evaluate_cost.py``). Anything else (other labels, several columns, sample
    weights, ``max_fpr``, NaN) is scikit-learn's own function, which also says what is wrong.

    Examples
    --------
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    import numpy as np

    if not kwargs:
        y, scores = np.asarray(y_true), np.asarray(y_score)
        positive = _binary_numbers(y)
        if (positive is not None and scores.ndim == 1 and scores.shape == y.shape and scores.dtype.kind in "fiub"
                and np.isfinite(scores).all()):
            m = int(np.count_nonzero(positive))
            n = positive.size - m
            _, blocks = _tie_blocks(scores, positive)
            pairs_right = blocks.positives_in @ (blocks.negatives_before + 0.5 * blocks.negatives_in)
            return float(pairs_right / (m * n))
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y_true, y_score, **kwargs))


def two_labels_at_most(labels):
    """``(low, high)`` when every value of ``labels`` (a non-empty 1-D numpy array of numbers) is
    one of its two extremes: at most two distinct labels, told in two passes instead of a sort of
    them all; None for three or more, or for NaN. ``low == high``: one label only."""
    import numpy as np

    low, high = labels.min(), labels.max()
    if low == high or np.count_nonzero(labels == low) + np.count_nonzero(labels == high) == labels.size:
        return low, high
    return None


def _binary_numbers(y):
    """Which rows hold the larger of exactly two labels, for labels that are numbers or
    booleans with no NaN; None for anything else (scikit-learn's checks then apply)."""
    if y.ndim != 1 or y.size == 0 or y.dtype.kind not in "fiub":
        return None
    labels = two_labels_at_most(y)
    return None if labels is None or labels[0] == labels[1] else y == labels[1]


@dataclass(frozen=True, eq=False)
class _Blocks:
    """Per block of tied scores, in score order: the negatives below it, and the negatives and
    positives in it; ``starts_block`` marks, per sorted row, where a block starts."""

    starts_block: object
    negatives_before: object
    negatives_in: object
    positives_in: object


def _tie_blocks(scores, positive):
    """One sort of a model's scores: the order, and what each block of tied scores holds."""
    import numpy as np

    size = scores.size
    order = np.argsort(scores)  # unstable is fine: rows with equal scores share one block
    ordered = scores[order]
    starts_block = np.empty(size, dtype=bool)
    starts_block[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts_block[1:])
    starts = np.flatnonzero(starts_block)
    ends = np.append(starts[1:], size)
    negatives_through = np.cumsum(~positive[order])[ends - 1]  # negatives up to each block's end
    negatives_before = np.concatenate(([0], negatives_through[:-1]))
    negatives_in = negatives_through - negatives_before
    return order, _Blocks(starts_block, negatives_before, negatives_in, (ends - starts) - negatives_in)


# -------------------------------------------------------------------------------- accuracy


def mcnemar(y_true, labels_a, labels_b, confidence: float = 0.95) -> Difference:
    """McNemar's test for the difference of two accuracies on the same rows, with the interval
    that inverts the same test.

    Only the discordant rows carry information: b rows that A gets right and B wrong, c rows
    that B gets right and A wrong. The p-value is McNemar's asymptotic test,
    ``z = (c - b) / sqrt(b + c)`` with no continuity correction; the interval for
    ``accuracy(B) - accuracy(A)`` is Tango's (1998) asymptotic score interval, the differences
    that the score test of the same kind does not reject (:func:`paired_score_test`). At a
    difference of 0 Tango's score statistic *is* McNemar's, so the two are a matched pair: the
    interval excludes 0 exactly when the p-value is below ``1 - confidence``. (The exact
    conditional McNemar test beside a Newcombe interval disagreed with it: 5 to 0 discordant rows
    gave an interval above 0 and p = 0.0625.) Fagerland, Lydersen & Laake (2013, 2014) recommend
    both: the asymptotic McNemar test holds its level and has more power than the exact
    conditional one, which is conservative, and Tango's interval keeps its coverage with few
    discordant rows and stays inside [-1, 1].

    Parameters
    ----------
    y_true : array-like of shape (N,)
        True labels (any number of classes).
    labels_a, labels_b : array-like of shape (N,)
        Each model's predicted labels on the same rows.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    Difference
        ``estimate = accuracy(B) - accuracy(A)``.

    References
    ----------
    Tango (1998), Equivalence test and confidence interval for the difference in proportions for
    the paired-sample design. Statistics in Medicine 17, 891-908.
    Fagerland, Lydersen & Laake (2013), The McNemar test for binary matched-pairs data: mid-p and
    asymptotic are better than exact conditional. BMC Medical Research Methodology 13, 91.
    Fagerland, Lydersen & Laake (2014), Recommended tests and confidence intervals for paired
    binomial proportions. Statistics in Medicine 33, 2850-2875.

    Examples
    --------
    >>> y = [1, 0, 1, 1, 0, 1, 0, 0]
    >>> d = mcnemar(y, [1, 1, 0, 1, 0, 0, 1, 0], y)     # B is right on all rows, A on 4
    >>> d.estimate, round(d.p_value, 4), d.method
    (0.5, 0.0455, 'McNemar asymptotic score test, Tango interval')
    """
    import numpy as np

    level = _check_confidence(confidence)
    y, a, b = _paired_arrays("mcnemar", y_true=y_true, labels_a=labels_a, labels_b=labels_b)
    right_a = a == y
    right_b = b == y
    only_a = int(np.count_nonzero(right_a & ~right_b))
    only_b = int(np.count_nonzero(right_b & ~right_a))
    return paired_score_test(only_b, only_a, y.size, level)


def paired_score_test(only_b: int, only_a: int, size: int, confidence: float = 0.95) -> Difference:
    """The difference of two paired proportions, ``(only_b - only_a) / size``, with McNemar's
    asymptotic p-value and Tango's score interval (see :func:`mcnemar`), from the counts of a
    paired 2x2 table: rows only B gets right, rows only A gets right, and all rows.

    The score statistic for a difference ``d`` is ``(c - b - N d) / sqrt(N (2 q + d - d²))``, with
    ``c`` and ``b`` the rows only B and only A get right, and ``q`` the maximum-likelihood share of
    rows only A gets right under ``d`` (:func:`_restricted_share`). It falls as ``d`` grows; the
    interval's ends are where it crosses ``±z``, found by root finding, or -1 and 1 where it does
    not. At ``d = 0`` it is McNemar's ``(c - b) / sqrt(b + c)``.

    Examples
    --------
    >>> d = paired_score_test(5, 0, 500)     # 5 rows only B gets right, none only A
    >>> round(d.p_value, 4), d.low > 0
    (0.0253, True)
    """
    from scipy import optimize, special

    level = _check_confidence(confidence)
    b, c, n = int(only_a), int(only_b), int(size)
    if min(b, c) < 0 or b + c > n or n <= 0:
        raise EvaluationError(f"paired_score_test needs counts within the rows, not {c} and {b} of {n}.")
    estimate = (c - b) / n
    discordant = b + c
    p_value = 1.0 if discordant == 0 else float(special.erfc(abs(c - b) / math.sqrt(discordant) / math.sqrt(2)))
    z = float(special.ndtri(0.5 + level / 2))

    def score(d: float) -> float:
        share = _restricted_share(b, c, n, d)
        variance = max(n * (2 * share + d - d * d), 1e-300)
        return (c - b - n * d) / math.sqrt(variance)

    edge = 1 - 1e-12

    def end(target: float, towards: float) -> float:
        if (score(towards) - target) * (score(estimate) - target) > 0:
            return towards  # never crosses: the interval reaches the end of the range
        return float(optimize.brentq(lambda d: score(d) - target, min(estimate, towards), max(estimate, towards),
                                     xtol=1e-14, rtol=1e-15))

    low = end(z, -edge) if estimate > -edge else -1.0
    high = end(-z, edge) if estimate < edge else 1.0
    # the ends as found are within 1e-14 of the crossings; the test at 0 decides their side of 0
    if (p_value < 1 - level) and estimate > 0:
        low = max(low, math.ulp(0.0))
    elif (p_value < 1 - level) and estimate < 0:
        high = min(high, -math.ulp(0.0))
    elif estimate != 0 or discordant:
        low, high = min(low, 0.0), max(high, 0.0)
    return Difference(estimate, max(-1.0, low), min(1.0, high), p_value,
                      "McNemar asymptotic score test, Tango interval", n)


def _restricted_share(only_a: int, only_b: int, size: int, d: float) -> float:
    """The maximum-likelihood share ``q`` of rows only A gets right when the share only B gets right
    is ``q + d`` (Tango 1998). The log-likelihood ``c log(q + d) + b log q + m log(1 - 2q - d)``
    (``m`` the concordant rows) is largest at the positive root of ``2N q² - L q - b d (1 - d) = 0``,
    ``L = c (1 - d) + b (1 - 3d) - 2 m d``."""
    concordant = size - only_a - only_b
    # log-likelihood in q (share only A right): only_b log(q + d) + only_a log q + m log(1 - 2q - d)
    linear = only_b * (1 - d) + only_a * (1 - 3 * d) - 2 * concordant * d
    constant = only_a * d * (1 - d)
    root = (linear + math.sqrt(max(linear * linear + 8 * size * constant, 0.0))) / (4 * size)
    return min(max(root, max(0.0, -d)), (1 - d) / 2)


def _wilson(successes: float, size: float, z: float) -> tuple[float, float]:
    """Wilson's score interval for ``successes`` of ``size`` trials; either may be a real count
    (an AUC times its effective trials)."""
    p = successes / size
    centre = (p + z * z / (2 * size)) / (1 + z * z / size)
    half = z * math.sqrt(p * (1 - p) / size + z * z / (4 * size * size)) / (1 + z * z / size)
    # at a share of 0 or 1 one end is that share exactly (the sum above leaves a rounding error)
    return (0.0 if successes == 0 else centre - half), (1.0 if successes == size else centre + half)


# ------------------------------------------------------------------- one model's share


def proportion_interval(successes: float, trials: float, confidence: float = 0.95,
                        method: str = "exact") -> tuple[float, float]:
    """The interval of a share of a count: ``successes`` of ``trials`` (accuracy: rows right of the
    rows; recall: true cases found of the true cases).

    ``method="exact"`` is Clopper & Pearson's (1934): the ends are the shares at which the
    count seen would be in the tail of the binomial at ``(1 - confidence) / 2``, from the beta
    distribution's quantiles. It never covers less than the level, and it is never a single
    point: 38 rows all right is 0.907 to 1 at 95%, not 1 to 1 as the normal (Wald) interval
    of a share with no spread has it. ``method="wilson"`` is Wilson's (1927) score interval,
    shorter and close to the level on average. Both equal statsmodels' ``proportion_confint``
    (``method="beta"``, ``"wilson"``) and scipy's ``binomtest(...).proportion_ci``.

    A count may be fractional (a tie at the cut of a top share counts its rows in part): the
    beta quantiles are defined for any real count, and agree with the whole-number ones.

    Parameters
    ----------
    successes : float
        Within [0, trials].
    trials : float
        More than 0.
    confidence : float, default 0.95
    method : {"exact", "wilson"}

    Returns
    -------
    (low, high)

    References
    ----------
    Clopper & Pearson (1934), The use of confidence or fiducial limits illustrated in the case of
    the binomial. Biometrika 26, 404-413.

    Examples
    --------
    >>> [round(end, 4) for end in proportion_interval(38, 38)]
    [0.9075, 1.0]
    >>> [round(end, 4) for end in proportion_interval(7, 10, method="wilson")]
    [0.3968, 0.8922]
    """
    from scipy import special

    level = _check_confidence(confidence)
    _check_count(successes, trials, "proportion_interval")
    tail = (1 - level) / 2
    if method == "wilson":
        return _wilson(successes, trials, float(special.ndtri(0.5 + level / 2)))
    if method != "exact":
        raise EvaluationError(f'proportion_interval: method must be "exact" or "wilson", not {method!r}.')
    failures = trials - successes
    low = 0.0 if successes == 0 else float(special.betaincinv(successes, failures + 1, tail))
    high = 1.0 if failures == 0 else float(special.betaincinv(successes + 1, failures, 1 - tail))
    return low, high


def proportion_against(successes: float, trials: float, reference: float,
                       confidence: float = 0.95) -> Difference:
    """One model's share ``successes / trials`` against a fixed number: the exact test.

    The estimate is ``successes / trials - reference``, the interval Clopper-Pearson's
    (:func:`proportion_interval`) shifted by ``reference``, and the p-value the two-sided exact
    binomial test that matches it: twice the smaller tail of the count seen under a share of
    ``reference``, at most 1 (the central p-value, dual to Clopper-Pearson's interval: it excludes
    ``reference`` exactly when the p-value is below ``1 - confidence``; scipy's ``binomtest``
    sums the outcomes no more likely instead, which is not dual to it). Method ``"exact binomial
    (Clopper-Pearson)"``.

    Examples
    --------
    >>> d = proportion_against(10, 10, 0.9)     # 10 rows out of 10 right, against 90%
    >>> round(d.low, 3), round(d.high, 3), round(d.p_value, 3)
    (-0.208, 0.1, 0.697)
    """
    from scipy import special

    low, high = proportion_interval(successes, trials, confidence)
    if not 0 <= reference <= 1:
        raise EvaluationError(f"proportion_against: the reference is a share within [0, 1], not {reference!r}.")
    failures = trials - successes
    # P(X >= successes) and P(X <= successes) for X ~ Binomial(trials, reference), through the
    # regularized incomplete beta function (any real count)
    at_least = 1.0 if successes == 0 else float(special.betainc(successes, failures + 1, reference))
    at_most = 1.0 if failures == 0 else float(special.betainc(failures, successes + 1, 1 - reference))
    p_value = min(1.0, 2 * min(at_least, at_most))
    share = successes / trials
    return Difference(share - reference, low - reference, high - reference, p_value,
                      "exact binomial (Clopper-Pearson)", math.ceil(trials))


def _check_count(successes, trials, function: str) -> None:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                  for v in (successes, trials))
    if not numbers or trials <= 0 or not 0 <= successes <= trials:
        raise EvaluationError(f"{function} needs a count of successes within [0, trials] and trials above 0, not "
                              f"{successes!r} of {trials!r}.")


# ---------------------------------------------------------------------------- mean losses


def paired_losses(losses_a, losses_b, confidence: float = 0.95, reduce: str = "mean") -> Difference:
    """Paired t-test on per-row losses, for metrics that are the mean of a per-row loss.

    MSE, MAE, log loss and the Brier score are each the mean of a loss per row (see
    :func:`per_row_losses`), so their difference is the mean of the per-row differences
    ``d = loss_B - loss_A`` and the paired t-test applies: ``t = mean(d) / (sd(d) / sqrt(N))``
    with N - 1 degrees of freedom, the interval ``mean(d) ± t_crit * sd(d) / sqrt(N)``. It is
    ``scipy.stats.ttest_rel`` with the sign of B minus A. At test-set sizes the t is close to
    normal whatever the distribution of the losses (central limit theorem).

    ``reduce="root_mean"`` is for RMSE, the square root of the mean squared error: pass the
    squared errors. The estimate is ``sqrt(mean(loss_B)) - sqrt(mean(loss_A))``, and its
    standard error comes from the delta method: the difference of square roots moves like
    the mean of ``loss_B / (2 sqrt(MSE_B)) - loss_A / (2 sqrt(MSE_A))`` per row, which the
    same t-test then measures (method ``"paired t, delta method"``). Because the square root
    is monotone, "equal RMSE" is "equal MSE"; the two tests agree closely near no difference.

    Parameters
    ----------
    losses_a, losses_b : array-like of shape (N,)
        Each model's loss on each of the same rows; finite.
    confidence : float, default 0.95
        Coverage of the interval.
    reduce : {"mean", "root_mean"}, default "mean"
        How the per-row losses make the metric.

    Returns
    -------
    Difference
        ``estimate = metric(B) - metric(A)``; negative means B has the smaller loss.

    Examples
    --------
    >>> d = paired_losses([0.30, 0.25, 0.40, 0.35], [0.20, 0.20, 0.30, 0.30])
    >>> round(d.estimate, 4), round(d.p_value, 4), d.method
    (-0.075, 0.0138, 'paired t')
    """
    import numpy as np

    level = _check_confidence(confidence)
    a, b = _paired_arrays("paired_losses", losses_a=losses_a, losses_b=losses_b)
    a, b = _numbers(a, "losses_a", finite=True), _numbers(b, "losses_b", finite=True)
    size = a.size
    if size < 2:
        raise EvaluationError("paired_losses needs at least two rows to estimate a variance.")
    if reduce == "mean":
        difference = b - a
        estimate = float(difference.mean())
        method = "paired t"
    elif reduce == "root_mean":
        if (a < 0).any() or (b < 0).any():
            raise EvaluationError(
                'paired_losses(reduce="root_mean") takes squared errors, which are never negative; '
                'get them with per_row_losses("rmse", y_true, predictions).'
            )
        root_a, root_b = float(np.sqrt(a.mean())), float(np.sqrt(b.mean()))
        if root_a == 0 or root_b == 0:
            raise EvaluationError(
                'paired_losses(reduce="root_mean"): a model with an RMSE of exactly 0 leaves the '
                "delta method undefined; compare the squared errors with reduce=\"mean\" instead."
            )
        estimate = root_b - root_a
        difference = b / (2 * root_b) - a / (2 * root_a)  # gradient of sqrt at each mean
        method = "paired t, delta method"
    else:
        raise EvaluationError(f'paired_losses: reduce must be "mean" or "root_mean", not {reduce!r}.')
    standard_error = float(difference.std(ddof=1)) / size**0.5
    return _wald_difference(estimate, standard_error, level, method, size, df=size - 1)


def per_row_losses(metric_name: str, y_true, predictions, *, pos_label=None, labels=None):
    """The loss of each row, whose mean is the metric, for :func:`paired_losses`.

    ========== ============================================ ==============================
    name       loss of a row                                predictions
    ========== ============================================ ==============================
    mse        ``(y - p)²``                                 values
    rmse       ``(y - p)²``, the squared error (see below)  values
    mae        ``|y - p|``                                  values
    log_loss   ``-log(probability of the true class)``      probabilities (see below)
    brier      ``(1[y positive] - p)²``; with k > 2         probabilities
               classes ``Σ_k (1[y = k] - p_k)²``
    ========== ============================================ ==============================

    RMSE is not a mean, so no per-row loss averages to it: ``"rmse"`` returns the squared
    errors, and ``paired_losses(..., reduce="root_mean")`` takes the square root of their mean
    (with a delta-method interval).

    Probabilities are either of shape (N,), the probability of the positive class (the larger
    label, or ``pos_label``), or of shape (N, k) as ``predict_proba`` returns them, the columns
    in the order of ``labels`` (default: the sorted labels of ``y_true``; pass the model's
    ``classes_`` when the test rows lack a class). Log loss clips probabilities to
    [eps, 1 - eps] as scikit-learn does, so a confident mistake costs about 36, not infinity.
    The means equal scikit-learn's ``mean_squared_error``, ``mean_absolute_error``,
    ``log_loss`` and ``brier_score_loss`` (whose binary form is half the two-column sum).

    Parameters
    ----------
    metric_name : {"mse", "rmse", "mae", "log_loss", "brier"}
        Also ``"logloss"`` and ``"brier_score"``.
    y_true : array-like of shape (N,)
    predictions : array-like of shape (N,) or (N, k)
    pos_label, labels : optional
        See above; only for ``log_loss`` and ``brier``.

    Returns
    -------
    numpy.ndarray of shape (N,)

    Examples
    --------
    >>> per_row_losses("mae", [3.0, 5.0], [2.5, 7.0]).tolist()
    [0.5, 2.0]
    >>> per_row_losses("brier", ["no", "yes"], [0.2, 0.9]).round(2).tolist()   # "yes" is positive
    [0.04, 0.01]
    """
    import numpy as np

    name = _LOSS_ALIASES.get(str(metric_name).lower(), str(metric_name).lower())
    if name not in LOSSES:
        raise EvaluationError(
            f"per_row_losses: no per-row loss for {metric_name!r}. Choose one of "
            f"{', '.join(LOSSES)}; for any other metric use paired_bootstrap."
        )
    y, predictions = _paired_arrays("per_row_losses", flat=False, y_true=y_true, predictions=predictions)
    if y.ndim != 1:
        raise EvaluationError(f"per_row_losses: y_true must be one value per row, of shape (N,), not {y.shape}.")
    if name in ("mse", "rmse", "mae"):
        y = _numbers(y, "y_true", finite=True)
        predictions = _numbers(predictions, "predictions", finite=True)
        if predictions.ndim != 1:
            raise EvaluationError(f"per_row_losses({name!r}): predictions must be one value per row, of shape (N,).")
        error = predictions - y
        return np.abs(error) if name == "mae" else error * error
    probabilities = _probabilities(predictions, name)
    if probabilities.ndim == 1:
        positive = _positive_mask(y, pos_label, f"per_row_losses({name!r})")
        if name == "brier":
            return (positive - probabilities) ** 2
        eps = np.finfo(np.float64).eps
        clipped = np.clip(probabilities, eps, 1 - eps)
        return -np.log(np.where(positive, clipped, 1 - clipped))
    true_column = _column_of_each_row(y, probabilities.shape[1], labels, name)
    rows = np.arange(y.size)
    if name == "log_loss":
        eps = np.finfo(np.float64).eps
        return -np.log(np.clip(probabilities[rows, true_column], eps, 1 - eps))
    one_hot = np.zeros_like(probabilities)
    one_hot[rows, true_column] = 1.0
    squares = ((one_hot - probabilities) ** 2).sum(axis=1)
    # scikit-learn halves the binary sum so a binary Brier score stays within [0, 1]
    return squares / 2 if probabilities.shape[1] == 2 else squares


def _probabilities(predictions, name: str):
    if predictions.ndim not in (1, 2):
        raise EvaluationError(f"per_row_losses({name!r}): predictions must be of shape (N,) or (N, k).")
    probabilities = _numbers(predictions, "predictions", finite=True)
    if (probabilities < 0).any() or (probabilities > 1).any():
        raise EvaluationError(
            f"per_row_losses({name!r}) takes probabilities within [0, 1] (predict_proba), not labels "
            "or decision values."
        )
    return probabilities


def _column_of_each_row(y, columns: int, labels, name: str):
    import numpy as np

    classes = np.unique(y) if labels is None else np.asarray(labels)
    if classes.size != columns:
        raise EvaluationError(
            f"per_row_losses({name!r}): the predictions have {columns} columns but "
            f"{'y_true has' if labels is None else 'labels has'} {classes.size} classes; pass "
            "labels=model.classes_ (the class of each column)."
        )
    sorter = np.argsort(classes)
    found = sorter[np.minimum(np.searchsorted(classes, y, sorter=sorter), classes.size - 1)]
    missing = classes[found] != y
    if missing.any():
        raise EvaluationError(
            f"per_row_losses({name!r}): y_true has the label {y[missing][0]!r}, which is not one of "
            f"labels {classes.tolist()!r}."
        )
    return found


# ------------------------------------------------------------------------- any metric


def paired_bootstrap(metric, y_true, pred_a, pred_b, n_resamples: int = 2000,
                     confidence: float = 0.95, seed: int | None = 0, *,
                     reference: float | None = None) -> Difference:
    """Paired bootstrap of the difference of any metric, for those no formula covers.

    Each resample draws N rows with replacement, the same rows for both models (that is the
    pairing), and computes ``metric(y, pred_b) - metric(y, pred_a)`` on them. The interval is
    the percentile interval of the resampled differences. The p-value is the share of
    resampled differences on the other side of 0 from the estimate, doubled for two sides,
    with the usual +1 so that it is never 0::

        p = min(1, 2 * (1 + min(#{d* <= 0}, #{d* >= 0})) / (n_resamples + 1))

    A difference of exactly 0 counts on both sides (conservative for discrete metrics such as
    accuracy). The p-value is below ``1 - confidence`` about when the interval excludes 0.

    2000 resamples: the percentile interval's ends are the 2.5% and 97.5% quantiles, which
    need about 1000 resamples to be stable (Efron & Tibshirani, 1993, ch. 13); at 2000 their
    Monte Carlo error is about 3% of the interval's half-width, and a p-value near 0.05 is
    known within ±0.01. The smallest p-value it can give is 2 / 2001 ≈ 0.001.

    The indices of all resamples are drawn as one (n_resamples, N) integer array, a block of
    rows at a time to bound memory (``BOOTSTRAP_BLOCK_BYTES``), and the labels and predictions
    of a block are gathered at once; the metric, any Python function, is then called twice per
    resample. Its cost is the cost of 2 x n_resamples calls of the metric.

    Parameters
    ----------
    metric : callable
        ``metric(y_true, predictions) -> float``, e.g. ``sklearn.metrics.average_precision_score``
        or ``functools.partial(f1_score, pos_label="yes")``. Greater or smaller is better, as
        the metric is.
    y_true : array-like of shape (N,)
    pred_a, pred_b : array-like of shape (N,) or (N, k)
        What each model predicts for the same rows, as the metric takes it.
    n_resamples : int, default 2000
    confidence : float, default 0.95
        Coverage of the interval.
    seed : int or None, default 0
        Seed of the random generator; the same seed gives the same result.
    reference : float, optional
        With ``pred_a=None``: compare model B with this fixed score instead of a second model.

    Returns
    -------
    Difference
        ``estimate = metric(y, pred_b) - metric(y, pred_a)`` on all rows.

    Raises
    ------
    EvaluationError
        When the metric is not finite on a resample (e.g. a class missing from it): the test
        set is too small for this metric. And when every resample gives the same difference (a
        model right on every row, two models that predict alike): rows with no spread show no
        noise to measure, and the percentile interval would be a single point.

    Examples
    --------
    >>> from sklearn.metrics import f1_score
    >>> y = [0, 1] * 50
    >>> right_on_90 = [1 - v if i < 10 else v for i, v in enumerate(y)]
    >>> d = paired_bootstrap(f1_score, y, [0, 0] * 50, right_on_90, n_resamples=200)
    >>> round(d.estimate, 2), d.p_value < 0.01, d.method
    (0.9, True, 'paired bootstrap, percentile, 200 resamples')
    """
    import numpy as np

    level = _check_confidence(confidence)
    _check_resamples(n_resamples, "paired_bootstrap")
    a_or_reference = _reference("paired_bootstrap", pred_a, reference, pred_b)
    y, a, b = _paired_arrays("paired_bootstrap", flat=False, y_true=y_true, pred_a=a_or_reference, pred_b=pred_b)
    size = y.shape[0]

    def metric_a(y_rows, a_rows):
        return reference if pred_a is None else float(metric(y_rows, a_rows))

    estimate = float(metric(y, b)) - metric_a(y, a)
    rng = np.random.default_rng(seed)
    differences = np.empty(n_resamples)
    block = max(1, BOOTSTRAP_BLOCK_BYTES // (8 * size))
    for first in range(0, n_resamples, block):
        count = min(block, n_resamples - first)
        rows = rng.integers(0, size, size=(count, size))
        ys, as_, bs = y[rows], a[rows], b[rows]
        for i in range(count):
            differences[first + i] = float(metric(ys[i], bs[i])) - metric_a(ys[i], as_[i])
    return _bootstrap_difference("paired_bootstrap", estimate, differences, level, size,
                                 f"paired bootstrap, percentile, {n_resamples} resamples")


def paired_bootstrap_average_precision(y_true, scores_a, scores_b, n_resamples: int = 2000,
                                       confidence: float = 0.95, seed: int | None = 0, *,
                                       pos_label=None, reference: float | None = None) -> Difference:
    """:func:`paired_bootstrap` of average precision, vectorised: the same resamples and the same
    result as ``paired_bootstrap(average_precision_score, ...)`` with the same seed, in a fraction
    of the time (one sort per model, then a cumulative sum per resample, no Python loop).

    A resample is a vector of counts (how often each row was drawn). Sorted by score once, the
    weighted true and false positives above each distinct score are cumulative sums of the
    counts, and average precision is scikit-learn's step sum ``Σ (R_k − R_(k−1)) P_k`` over the
    distinct scores, scores no drawn row has adding nothing.

    Parameters
    ----------
    y_true : array-like of shape (N,)
        Two labels; the positive one is the larger, or ``pos_label``.
    scores_a, scores_b : array-like of shape (N,)
        Each model's score for the positive class (a probability or a decision function).
    n_resamples, confidence, seed
        As :func:`paired_bootstrap`.
    reference : float, optional
        With ``scores_a=None``: compare model B with this fixed score (a baseline stated as a
        number) instead of a second model; the interval is then B's own, shifted.

    Examples
    --------
    >>> y = [0, 1] * 50
    >>> d = paired_bootstrap_average_precision(y, [0.5] * 100, [0.1, 0.9] * 50, n_resamples=200)
    >>> round(d.estimate, 3), d.p_value < 0.01
    (0.5, True)
    """

    _check_confidence(confidence)
    _check_resamples(n_resamples, "paired_bootstrap_average_precision")
    a_or_reference = _reference("paired_bootstrap_average_precision", scores_a, reference, scores_b)
    y, a, b = _paired_arrays("paired_bootstrap_average_precision", y_true=y_true, pred_a=a_or_reference,
                             pred_b=scores_b)
    positive = _positive_mask(y, pos_label, "paired_bootstrap_average_precision")
    of_a: ResampledAP | float
    if scores_a is None:
        assert reference is not None  # _reference refuses neither
        of_a = reference
    else:
        of_a = resampled_average_precision(a, positive, n_resamples, seed)
    return paired_average_precision_of(of_a, resampled_average_precision(b, positive, n_resamples, seed), confidence)


@dataclass(frozen=True, eq=False)
class LeftOutAP:
    """One model's average precision on all rows (``estimate``) and with each row left out in
    turn (``left_out``, in row order): what the jackknife of :func:`jackknife_average_precision`
    takes, computed once per model and paired with any other model's on the same rows."""

    estimate: float
    left_out: np.ndarray  # of shape (N,)


def average_precision_left_out(scores, positive) -> LeftOutAP:
    """Average precision with each row left out, every one of them in one sort and a few
    cumulative sums (no refit, no loop over rows).

    With the rows in decreasing score and tied scores in blocks, scikit-learn's average precision
    is ``Σ_c tp_c · TP_c / N_c / P`` over the blocks ``c`` (``tp_c`` positives in the block,
    ``TP_c`` and ``N_c`` the positives and rows down to its end, ``P`` all positives). Leaving out
    a row of block ``b`` leaves the blocks above it as they were and takes one row (and, for a
    positive, one true positive) off every block from ``b`` down: a sum over the blocks above
    ``b`` and one over the blocks from ``b``, both cumulative sums, give every row's value.
    """
    import numpy as np

    scores = np.asarray(scores, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    order = np.argsort(-scores, kind="mergesort")
    ordered = scores[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    block = np.cumsum(starts) - 1  # each sorted row's block
    rows_in = np.bincount(block).astype(float)
    positives_in = np.bincount(block, weights=positive[order].astype(float))
    rows_to, positives_to = np.cumsum(rows_in), np.cumsum(positives_in)
    total = positives_to[-1]
    if total < 2:
        raise EvaluationError("average precision left out: fewer than two positive rows, so leaving one out "
                              "leaves no precision to measure.")
    terms = positives_in * positives_to / rows_to
    above = np.r_[0.0, np.cumsum(terms)[:-1]]  # the blocks above each block, as they were
    with np.errstate(divide="ignore", invalid="ignore"):
        fewer = np.where(rows_to > 1, rows_to - 1, np.inf)  # one row fewer (a lone first row adds 0 then)
        from_negative = positives_in * positives_to / fewer
        from_positive = positives_in * (positives_to - 1) / fewer
    below_negative = np.cumsum(from_negative[::-1])[::-1]  # from each block down, a negative left out
    below_positive = np.cumsum(from_positive[::-1])[::-1]  # ... a positive: then its own block has one
    # positive fewer too, which takes one (TP_b - 1) / (N_b - 1) off its own term
    own = (positives_to - 1) / fewer
    sorted_positive = positive[order]
    value_negative = (above + below_negative) / total
    value_positive = (above + below_positive - own) / (total - 1)
    left_out = np.empty(scores.size)
    left_out[order] = np.where(sorted_positive, value_positive[block], value_negative[block])
    return LeftOutAP(float(terms.sum() / total), left_out)


def jackknife_average_precision(a: LeftOutAP | float, b: LeftOutAP, confidence: float = 0.95) -> Difference:
    """Average precision of B minus A (or a fixed number) on the same rows, with the jackknife's
    standard error of the difference and a normal interval: the rows left out in turn, paired
    (Efron & Stein; for a smooth statistic of the rows, as average precision is, it estimates the
    variance the bootstrap does, without resampling)."""
    import numpy as np

    level = _check_confidence(confidence)
    n = b.left_out.size
    if isinstance(a, LeftOutAP):
        estimate, left_out = b.estimate - a.estimate, b.left_out - a.left_out
    else:
        estimate, left_out = b.estimate - float(a), b.left_out
    spread = float(np.sqrt((n - 1) / n * np.sum((left_out - left_out.mean()) ** 2)))
    return _wald_difference(estimate, spread, level, "jackknife of average precision", n)


@dataclass(frozen=True, eq=False)
class ResampledAP:
    """One model's average precision on all rows (``estimate``) and on each resample (``resamples``)
    that :func:`paired_bootstrap` draws with a seed. Resamples depend only on the seed and the
    number of rows, so two models' arrays on the same rows are paired: their difference is the
    paired bootstrap's, and a model compared with several others is resampled once."""

    estimate: float
    resamples: np.ndarray  # of shape (n_resamples,)
    rows: int


def resampled_average_precision(scores, positive, n_resamples: int = 2000, seed: int | None = 0) -> ResampledAP:
    """A model's :class:`ResampledAP`: its ``scores`` (floats) sorted once, then each resample
    is a vector of counts (how often each row was drawn, :func:`resample_counts`) and its
    average precision a cumulative sum (``_weighted_ap``)."""
    import numpy as np

    _check_resamples(n_resamples, "resampled_average_precision")
    positive = np.asarray(positive).astype(np.int32)
    size = positive.shape[0]
    by_score = _by_score(np.asarray(scores, dtype=float), positive)
    estimate = float(_weighted_ap(np.ones((1, size), dtype=np.int32), *by_score)[0])
    values = np.concatenate([_weighted_ap(counts, *by_score)
                             for counts in resample_counts(size, n_resamples, seed)])
    return ResampledAP(estimate, values, size)


# The resamples drawn last, as counts, so the next model bootstrapped on the same rows (every
# model of a test set is) does not draw them again: at most this many bytes in all (1,000
# resamples of 20,000 rows are 20 MB as bytes), the least recently used dropped first.
RESAMPLE_CACHE_BYTES = 64 * 2**20
_DRAWN: OrderedDict = OrderedDict()


def resample_counts(size: int, n_resamples: int, seed: int | None = 0):
    """The resamples :func:`paired_bootstrap` draws with ``seed`` on ``size`` rows, as counts:
    blocks of shape ``(resamples, size)`` whose cell ``[r, i]`` is how often resample r drew row
    i, in order (a block of resamples at a time, :data:`BOOTSTRAP_BLOCK_BYTES`).

    A statistic that is a weighted sum over the rows in a model's order (average precision, the
    cases in a top share) is computed from them with cumulative sums, without gathering or
    sorting the rows of each resample. The counts of one size and seed are drawn once and kept
    (read-only, as bytes where no count exceeds 255, within :data:`RESAMPLE_CACHE_BYTES`): two
    models compared on one test set, and a third one later, see the same resamples, which is
    what pairs them.
    """
    import numpy as np

    key = (size, n_resamples, seed)
    if key in _DRAWN:
        _DRAWN.move_to_end(key)
        yield _DRAWN[key]
        return
    keep = seed is not None and size * n_resamples <= RESAMPLE_CACHE_BYTES
    rng = np.random.default_rng(seed)
    drawn = []
    block = max(1, BOOTSTRAP_BLOCK_BYTES // (8 * size))  # as paired_bootstrap: the same draws
    for first in range(0, n_resamples, block):
        count = min(block, n_resamples - first)
        rows = rng.integers(0, size, size=(count, size))
        counts = np.empty((count, size), dtype=np.int32)
        for i, row in enumerate(rows):  # one bincount per resample: faster than one of them all
            counts[i] = np.bincount(row, minlength=size)
        if not keep:
            yield counts
            continue
        drawn.append(counts.astype(np.uint8) if counts.max() < 256 else counts)
    if keep:
        counts = np.concatenate(drawn)  # bytes, or int32 should a block hold a count above 255
        counts.flags.writeable = False
        _DRAWN[key] = counts
        while sum(kept.nbytes for kept in _DRAWN.values()) > RESAMPLE_CACHE_BYTES:
            _DRAWN.popitem(last=False)
        yield counts


@dataclass(frozen=True, eq=False)
class ResampledTopShare:
    """What acting on the top ``share`` of the rows by one model's score reaches, on each resample
    :func:`resample_counts` draws: ``true`` cases reached (a tie at the cut counting in part, as
    :func:`nbalign.business.acted` counts it), ``other`` cases reached, and ``positives``, the
    true cases drawn (reached or not); ``rows`` is the rows each resample draws. The confusion
    counts of the decision on a resample are then ``(true, other, positives - true, rows -
    positives - other)``. Like :class:`ResampledAP`, two models' arrays on the same rows are paired.
    """

    true: np.ndarray  # of shape (n_resamples,)
    other: np.ndarray
    positives: np.ndarray
    rows: int


def resampled_top_share(scores, positive, share: float, n_resamples: int = 2000,
                        seed: int | None = 0) -> ResampledTopShare:
    """A model's :class:`ResampledTopShare`: the rows sorted by score once, then on each resample the
    top ``round(share x rows)`` drawn rows found from the cumulative counts in that order.

    A resample draws as many rows as there are, so each acts on the same number of ``places``.
    Its cut falls in the first block of tied scores (in decreasing order) whose cumulative count
    of drawn rows reaches ``places``: the rows drawn above that block are reached, and the block's
    drawn rows share the places left equally, as :func:`~nbalign.business.acted` shares them. The
    cumulative counts are taken over the first rows in score order only, as far as a cut can
    fall (``places`` and 8 standard deviations of the count drawn there, to the end of a block);
    the rare resample that draws fewer rows up to there is counted over every row.
    """
    import numpy as np

    _check_resamples(n_resamples, "resampled_top_share")
    scores = _numbers(scores, "scores", finite=False)
    positive = np.asarray(positive, dtype=bool)
    size = positive.size
    places = min(size, max(0, math.floor(share * size + 0.5)))
    order = np.argsort(-scores, kind="stable")
    ordered = scores[order]
    ends = np.r_[np.flatnonzero(ordered[1:] != ordered[:-1]), size - 1]  # each tie block's last row
    reach = min(size, places + math.ceil(8 * math.sqrt(places) + 8))
    prefix = ends[np.searchsorted(ends, reach - 1)] + 1  # the rows up to the end of the block at reach
    positives_at = np.flatnonzero(positive)
    true, other, drawn_positives = [], [], []
    for counts in resample_counts(size, n_resamples, seed):
        positives = np.take(counts, positives_at, axis=1).sum(axis=1, dtype=np.int64)
        reached = _top_of(counts, order, positive, ends, places, prefix)
        short = np.isnan(reached[0])
        if short.any():  # a cut beyond the prefix: count that resample over every row
            reached[:, short] = _top_of(counts[short], order, positive, ends, places, size)
        true.append(reached[0])
        other.append(reached[1])
        drawn_positives.append(positives)
    return ResampledTopShare(np.concatenate(true), np.concatenate(other), np.concatenate(drawn_positives), size)


def _top_of(counts, order, positive, ends, places: int, prefix: int):
    """``(true, other)`` reached by the top ``places`` of each resample (row of ``counts``), from the
    first ``prefix`` rows in score ``order`` (``ends``: the last row of each tie block); NaN for a
    resample whose cut falls beyond them."""
    import numpy as np

    resamples = counts.shape[0]
    if places == 0:
        return np.zeros((2, resamples))
    ends = ends[ends < prefix]
    weights = np.take(counts, order[:prefix], axis=1)
    # drawn rows and drawn true cases down to each block's end (int32: a resample has < 2**31 rows)
    drawn = np.take(np.cumsum(weights, axis=1, dtype=np.int32), ends, axis=1)
    found = np.take(np.cumsum(weights * positive[order[:prefix]], axis=1, dtype=np.int32), ends, axis=1)
    cut = np.count_nonzero(drawn < places, axis=1)  # the block where the places run out
    inside = cut < ends.size
    cut = np.minimum(cut, ends.size - 1)
    every = np.arange(resamples)
    above = np.where(cut > 0, drawn[every, cut - 1], 0)
    true_above = np.where(cut > 0, found[every, cut - 1], 0)
    tied, true_tied = drawn[every, cut] - above, found[every, cut] - true_above
    with np.errstate(invalid="ignore", divide="ignore"):
        part = (places - above) / tied  # the share of each tied row the places left reach
    true = np.where(inside, true_above + true_tied * part, np.nan)
    return np.vstack([true, np.where(inside, (above - true_above) + (tied - true_tied) * part, np.nan)])


def paired_average_precision_of(a: ResampledAP | float, b: ResampledAP, confidence: float = 0.95) -> Difference:
    """The paired bootstrap of ``AP(B) - AP(A)`` from the two models' resamples, or of ``AP(B)``
    against a fixed number ``a`` (see :func:`paired_bootstrap_average_precision`)."""
    level = _check_confidence(confidence)
    if isinstance(a, ResampledAP):
        estimate, differences = float(b.estimate - a.estimate), b.resamples - a.resamples
    else:  # a fixed number
        estimate, differences = float(b.estimate - a), b.resamples - a
    return _bootstrap_difference("paired_bootstrap_average_precision", estimate, differences, level, b.rows,
                                 f"paired bootstrap of average precision, percentile, {differences.size} resamples")


def paired_resamples_of(estimate: float, differences, confidence: float, rows: int) -> Difference:
    """:func:`paired_bootstrap`'s result from the difference on all rows and the differences on
    each of its resamples (computed by other means, on the same resamples): the percentile
    interval and the p-value, the same refusals, the same words."""
    return _bootstrap_difference("paired_bootstrap", float(estimate), differences, _check_confidence(confidence),
                                 rows, f"paired bootstrap, percentile, {differences.size} resamples")


# Metrics of a confusion matrix, computed from the counts of each resample. A ratio whose
# denominator is 0 is 0, as scikit-learn's zero_division default gives it. Averaged variants
# follow scikit-learn: over the classes present in the resample's labels or predictions
# (macro), weighted by their support (weighted), or pooled (micro).
CONFUSION_METRICS = ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "jaccard",
                     "matthews_corrcoef")
AVERAGES = ("binary", "macro", "weighted", "micro")


def paired_bootstrap_confusion(metric_name: str, y_true, labels_a, labels_b, n_resamples: int = 2000,
                               confidence: float = 0.95, seed: int | None = 0, *, average: str = "binary",
                               pos_label=None, reference: float | None = None) -> Difference:
    """:func:`paired_bootstrap` of a metric of the confusion matrix, without a loop over rows.

    With k classes a row is one of k³ cells: its true class and each model's predicted class.
    Drawing N rows with replacement is drawing the cell counts from a multinomial with the
    cells' shares, so each resample costs k³ numbers instead of N rows, whatever N, and the
    metric is computed from the counts of all resamples at once. The resamples have exactly
    the distribution of :func:`paired_bootstrap`'s (not the same draws for a seed).

    Parameters
    ----------
    metric_name : {"accuracy", "balanced_accuracy", "precision", "recall", "f1", "jaccard", "matthews_corrcoef"}
        As scikit-learn computes it (a ratio of 0 / 0 is 0).
    y_true, labels_a, labels_b : array-like of shape (N,)
        True and predicted labels.
    average : {"binary", "macro", "weighted", "micro"}, default "binary"
        For precision, recall, F1 and Jaccard, as scikit-learn's ``average``. ``"binary"``
        scores the positive class: ``pos_label``, else the larger of two labels.
    n_resamples, confidence, seed, reference
        As :func:`paired_bootstrap_average_precision`. With ``reference`` (one model against a
        number), accuracy and binary precision and recall are shares of a count (of the rows,
        the predicted positives, the true positives): their interval and p-value are then the
        exact binomial ones of :func:`proportion_against`, not resampled.

    Examples
    --------
    >>> y = [0, 1] * 50
    >>> right_on_90 = [1 - v if i < 10 else v for i, v in enumerate(y)]
    >>> d = paired_bootstrap_confusion("f1", y, [0, 0] * 50, right_on_90, n_resamples=200)
    >>> round(d.estimate, 2), d.p_value < 0.01
    (0.9, True)
    """
    import numpy as np

    level = _check_confidence(confidence)
    if metric_name not in CONFUSION_METRICS or average not in AVERAGES:
        raise EvaluationError(f"paired_bootstrap_confusion: no confusion-matrix formula for {metric_name!r} "
                              f"(average {average!r}); choose one of {', '.join(CONFUSION_METRICS)} and an "
                              f"average of {', '.join(AVERAGES)}, or use paired_bootstrap.")
    _check_resamples(n_resamples, "paired_bootstrap_confusion")
    a_or_reference = _reference("paired_bootstrap_confusion", labels_a, reference, labels_b)
    y, a, b = _paired_arrays("paired_bootstrap_confusion", y_true=y_true, pred_a=a_or_reference, pred_b=labels_b)
    classes = np.unique(np.concatenate([y, b] + ([] if labels_a is None else [a])))
    k = classes.size
    if k > 50:
        raise EvaluationError(f"paired_bootstrap_confusion: {k} classes make {k ** 3:,} cells; use paired_bootstrap.")
    positive = None
    if average == "binary" and metric_name in ("precision", "recall", "f1", "jaccard"):
        if pos_label is None:
            mask = _positive_mask(y, None, "paired_bootstrap_confusion")
            pos_label = y[mask][0] if mask.any() else classes[-1]
        positive = int(np.searchsorted(classes, pos_label))
        if positive >= k or classes[positive] != pos_label:
            positive = None  # the positive class never occurs: every ratio of it is 0
    if labels_a is None and (metric_name == "accuracy" or (positive is not None and metric_name in ("precision",
                                                                                                  "recall"))):
        # One model's accuracy, precision or recall is a share of a count: its exact interval
        # needs no resampling, and unlike a percentile interval it keeps its width at 0 and 1.
        right = b == y
        if metric_name == "accuracy":
            successes, trials = int(np.count_nonzero(right)), int(y.shape[0])
        else:
            found = b == classes[positive]
            successes = int(np.count_nonzero(right & found))
            trials = int(np.count_nonzero(found if metric_name == "precision" else y == classes[positive]))
        if trials:
            assert reference is not None  # without labels_a, _reference asked for it
            return proportion_against(successes, trials, reference, confidence)
    codes = [np.searchsorted(classes, v) for v in (y, a if labels_a is not None else b, b)]
    cell = (codes[0] * k + codes[1]) * k + codes[2]
    shares = np.bincount(cell.astype(np.int64), minlength=k ** 3) / y.size
    size = y.shape[0]
    rng = np.random.default_rng(seed)
    counts = np.vstack([shares * size, rng.multinomial(size, shares, size=n_resamples)]).astype(np.float64)
    # Row 0 is all rows as drawn (the estimate), then the resamples. Cells are indexed
    # (true, a, b): each model's (true class, predicted class) table sums out the other model.
    cells = counts.reshape(-1, k, k, k)
    joint_a, joint_b = cells.sum(axis=3), cells.sum(axis=2)
    values_b = _confusion_metric(metric_name, joint_b, average, positive)
    values_a = (np.full_like(values_b, reference) if labels_a is None
                else _confusion_metric(metric_name, joint_a, average, positive))
    differences = values_b - values_a
    named = metric_name.replace("_", " ") + ("" if average == "binary" else f" ({average})")
    return _bootstrap_difference("paired_bootstrap_confusion", float(differences[0]), differences[1:], level, size,
                                 f"paired bootstrap of {named}, percentile, {n_resamples} resamples")


def _confusion_metric(name: str, joint, average: str = "binary", positive: int | None = None):
    """The metric of each (true, predicted) count table in ``joint`` (resamples, k, k)."""
    import numpy as np

    def ratio(numerator, denominator):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), 0.0)

    hits = np.diagonal(joint, axis1=1, axis2=2)  # (resamples, k): correct predictions per class
    true, predicted = joint.sum(axis=2), joint.sum(axis=1)  # support and predictions per class
    total = true.sum(axis=1)
    if name == "accuracy":
        return ratio(hits.sum(axis=1), total)
    if name == "balanced_accuracy":  # mean recall over the classes in the labels
        present = true > 0
        return ratio((ratio(hits, true) * present).sum(axis=1), present.sum(axis=1))
    if name == "matthews_corrcoef":
        covariance = hits.sum(axis=1) * total - (true * predicted).sum(axis=1)
        spread = (total ** 2 - (predicted ** 2).sum(axis=1)) * (total ** 2 - (true ** 2).sum(axis=1))
        return ratio(covariance, np.sqrt(spread))
    per_class = {"precision": (hits, predicted), "recall": (hits, true), "f1": (2 * hits, true + predicted),
                 "jaccard": (hits, true + predicted - hits)}[name]
    if average == "micro":
        return ratio(per_class[0].sum(axis=1), per_class[1].sum(axis=1))
    scores = ratio(*per_class)
    if average == "binary":
        return np.zeros(joint.shape[0]) if positive is None else scores[:, positive]
    if average == "weighted":
        return ratio((scores * true).sum(axis=1), total)
    present = (true + predicted) > 0  # macro: the classes in the labels or the predictions
    return ratio((scores * present).sum(axis=1), present.sum(axis=1))


def _reference(function: str, pred_a, reference, pred_b):
    """``pred_a``, or a stand-in of B's shape when B is compared with a fixed ``reference`` score."""
    import numpy as np

    if pred_a is None:
        if reference is None:
            raise EvaluationError(f"{function}: pass the first model's predictions, or reference= a score to "
                                  "compare with.")
        return np.zeros(np.shape(pred_b))
    if reference is not None:
        raise EvaluationError(f"{function}: pass either the first model's predictions or reference=, not both.")
    return pred_a


def _by_score(scores, positive):
    """What a resample's average precision needs of a model, computed once: the rows in
    decreasing score; where the positive rows fall in that order; which of them is the last
    positive of its block of tied scores; and where those blocks end."""
    import numpy as np

    order = np.argsort(-scores, kind="mergesort")
    ordered = scores[order]
    ends = np.r_[np.flatnonzero(ordered[1:] != ordered[:-1]), ordered.size - 1]  # each block's last row
    positives_at = np.flatnonzero(positive[order])
    block_of = np.searchsorted(ends, positives_at)  # the block each positive row is in
    last_of_block = np.r_[np.flatnonzero(block_of[1:] != block_of[:-1]), block_of.size - 1]
    return order, positives_at, last_of_block, ends[block_of[last_of_block]]


def _weighted_ap(counts, order, positives_at, last_of_block, block_ends):
    """Average precision of each row of ``counts`` (how often each row is drawn).

    scikit-learn's step sum ``Σ (R_k − R_(k−1)) P_k`` over the blocks of tied scores: only the
    blocks holding a positive row add to it, so precision is taken at their ends only. Counts
    are whole numbers, so the cumulative sums are exact.
    """
    import numpy as np

    # np.take along an axis is several times faster than fancy indexing; int32 sums are exact
    # (a resample draws as many rows as there are, far below 2**31) and half the memory.
    weights = np.take(counts, order, axis=1)
    drawn = np.take(np.cumsum(weights, axis=1, dtype=np.int32), block_ends, axis=1)  # drawn down to each block's end
    true_pos = np.take(np.cumsum(np.take(weights, positives_at, axis=1), axis=1, dtype=np.int32), last_of_block, axis=1)
    gained = np.diff(true_pos, axis=1, prepend=0)  # positives drawn in each block
    with np.errstate(invalid="ignore", divide="ignore"):
        # a block none of whose rows is drawn gains nothing; no positive drawn at all: NaN, refused
        precision = np.divide(true_pos, drawn, out=np.zeros(drawn.shape), where=drawn > 0)
        return (gained * precision).sum(axis=1) / true_pos[:, -1]


def _bootstrap_difference(function: str, estimate: float, differences, level: float, size: int,
                          method: str) -> Difference:
    """The percentile interval and the p-value of resampled differences (see paired_bootstrap)."""
    import numpy as np

    n_resamples = differences.size
    bad = ~np.isfinite(differences)
    if bad.any() or not np.isfinite(estimate):
        raise EvaluationError(
            f"{function}: the metric is not a finite number on "
            f"{'all rows' if not np.isfinite(estimate) else f'{int(bad.sum())} of {n_resamples} resamples'}"
            " (a class missing from a resample?). Use a larger test set or a metric defined on every "
            "resample."
        )
    if n_resamples > 1 and differences.max() - differences.min() <= 1e-12 * max(1.0, abs(estimate)):
        # Every resample agrees (to rounding: an average precision of 1 sums to 0.9999999999999998
        # on some): the rows show no spread (a score at the edge of its range, or two models that
        # predict alike), and a percentile interval would be a single point.
        raise EvaluationError(
            f"{function}: all {n_resamples} resamples give the same difference ({estimate:+.4g}): the {size:,} rows "
            "show no noise to measure, and a single-point interval would claim more than they show. The difference "
            "is untested; compare on more rows."
        )
    tail = (1 - level) / 2
    low, high = np.quantile(differences, [tail, 1 - tail])
    return Difference(estimate, float(low), float(high), _percentile_p_value(differences), method, size)


def _percentile_p_value(differences) -> float:
    """The two-sided p-value that matches the percentile interval: twice the tail at which the
    interval's end reaches 0 (its quantiles interpolated as ``numpy.quantile`` does), so the
    interval at ``confidence`` excludes 0 exactly when the p-value is below ``1 - confidence``.
    Every resample on one side of 0 gives 0: no level the resamples can tell excludes it."""
    import numpy as np

    ordered = np.sort(differences)
    last = ordered.size - 1

    def tail_at_zero(values) -> float:  # the quantile level at which ``values`` (ascending) cross 0
        below = int(np.searchsorted(values, 0.0, side="right"))  # values <= 0
        if below == 0:
            return 0.0
        if below > last:
            return 1.0
        before, after = values[below - 1], values[below]
        return (below - 1 + (0.0 - before) / (after - before)) / last

    lower = tail_at_zero(ordered)  # the lower end is above 0 beyond this level's tail
    upper = tail_at_zero(-ordered[::-1])  # the upper end is below 0 beyond this one
    return float(min(1.0, 2 * min(lower, upper)))


# ------------------------------------------------------------------------ many models


def holm(p_values):
    """Holm's step-down adjustment of p-values, for many models compared with one.

    When k models are each tested against the baseline, one of them will look significant by
    chance ever more often as k grows. Holm (1979) controls the chance of any false claim at
    the level used, without assuming the tests are independent: sort the p-values
    ``p_(1) <= ... <= p_(k)``; the adjusted ``p_(i)`` is ``max over j <= i of
    min(1, (k - j + 1) p_(j))``. Reject where the adjusted p-value is below the level. It is
    uniformly more powerful than Bonferroni.

    Parameters
    ----------
    p_values : array-like of shape (k,)
        p-values within [0, 1].

    Returns
    -------
    numpy.ndarray of shape (k,)
        The adjusted p-values, in the order given.

    References
    ----------
    Holm (1979), A simple sequentially rejective multiple test procedure. Scandinavian
    Journal of Statistics 6, 65-70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, 0.005]).tolist()
    [0.03, 0.06, 0.06, 0.02]
    """
    import numpy as np

    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise EvaluationError(f"holm takes a flat list of p-values, not an array of shape {p.shape}.")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise EvaluationError("holm: every p-value must be a number within [0, 1].")
    order = np.argsort(p, kind="stable")
    k = p.size
    stepped = np.minimum(1.0, (k - np.arange(k)) * p[order])
    adjusted = np.empty(k)
    adjusted[order] = np.maximum.accumulate(stepped)  # an adjusted p-value never falls
    return adjusted


# ------------------------------------------------------------------------------ shared


def _check_resamples(n_resamples, function: str) -> None:
    import numpy as np

    if not isinstance(n_resamples, (int, np.integer)) or n_resamples < 1:
        raise EvaluationError(f"{function}: n_resamples must be a positive whole number, not {n_resamples!r}.")


def _check_confidence(confidence) -> float:
    if not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise EvaluationError(f"confidence must be a number between 0 and 1 (e.g. 0.95), not {confidence!r}.")
    return float(confidence)


def _paired_arrays(function: str, *, flat: bool = True, **arrays):
    """The arrays as numpy arrays of one length N >= 1, or a message naming the mismatch.

    ``flat``: each must be of shape (N,); a (N, 2) ``predict_proba`` output passed as scores
    would otherwise be ranked along the wrong axis without a word.
    """
    import numpy as np

    converted = {name: np.asarray(value) for name, value in arrays.items()}
    for name, array in converted.items():
        if array.ndim == 0:
            raise EvaluationError(f"{function}: {name} must be one value per row, not a single {array.item()!r}.")
        if flat and array.ndim != 1:
            raise EvaluationError(
                f"{function}: {name} must be one value per row, of shape (N,), not {array.shape}; of a "
                "predict_proba output pass the column of the positive class, proba[:, 1]."
            )
    lengths = {name: array.shape[0] for name, array in converted.items()}
    if len(set(lengths.values())) > 1:
        said = ", ".join(f"{name} has {length:,}" for name, length in lengths.items())
        raise EvaluationError(f"{function}: the models must be scored on the same rows, but {said} rows.")
    if next(iter(lengths.values())) == 0:
        raise EvaluationError(f"{function}: there are no rows to compare.")
    return tuple(converted.values())


def _numbers(values, name: str, *, finite: bool):
    """``values`` as floats, refusing NaN, and infinities too where ``finite`` (a mean of them
    is no number; a ranking has a place for them)."""
    import numpy as np

    try:
        numbers = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        example = values.flat[0]
        raise EvaluationError(f"{name} must be numbers, not {values.dtype} values such as {example!r}.") from None
    bad = ~np.isfinite(numbers) if finite else np.isnan(numbers)
    if bad.any():
        what = "missing or infinite" if finite else "missing (NaN)"
        raise EvaluationError(f"{name} has {int(bad.sum()):,} {what} values; drop those rows from all inputs.")
    return numbers


def _positive_mask(y, pos_label, function: str):
    """Which rows are positive: ``pos_label``, else the larger of the two labels of y.

    With one label only, 1 (or True) is positive when the labels are 0/1; any other single
    label is ambiguous without ``pos_label``.
    """
    if y.ndim != 1:
        raise EvaluationError(f"{function}: y_true must be one label per row, not an array of shape {y.shape}.")
    classes = _two_or_more_classes(y, function)
    if len(classes) > 2:
        shown = ", ".join(repr(c) for c in classes[:5].tolist())
        raise EvaluationError(
            f"{function} needs binary labels, but y_true has {len(classes)} different values ({shown}"
            f"{', ...' if len(classes) > 5 else ''})."
        )
    if pos_label is not None:
        if pos_label not in classes.tolist() and len(classes) == 2:
            raise EvaluationError(
                f"{function}: pos_label={pos_label!r} is not a label of y_true; its labels are "
                f"{classes.tolist()!r}."
            )
        return y == pos_label
    if len(classes) == 2:
        return y == classes[1]
    if classes[0] in (0, 1):
        return y == 1
    raise EvaluationError(
        f"{function}: y_true has one label only ({classes[0]!r}); say which label is positive with pos_label=."
    )


def _two_or_more_classes(y, function: str):
    """The sorted distinct labels; for numbers, without sorting all rows when there are two."""
    import numpy as np

    if y.dtype.kind in "biuf":
        if y.dtype.kind == "f" and np.isnan(y).any():
            raise EvaluationError(f"{function}: y_true has missing (NaN) labels; drop those rows from all inputs.")
        low, high = y.min(), y.max()
        if low == high:
            return np.array([low])
        if np.count_nonzero(y == low) + np.count_nonzero(y == high) == y.size:
            return np.array([low, high])
    return np.unique(y)


def _wald_difference(estimate: float, standard_error: float, level: float, method: str, n: int,
                     df: int | None = None) -> Difference:
    """``estimate ± critical * standard_error`` against the normal, or Student's t with ``df``."""
    from scipy import special

    if standard_error == 0:
        return _no_spread(estimate, method, n)
    if df is None:
        critical = float(special.ndtri(0.5 + level / 2))
        p_value = float(2 * special.ndtr(-abs(estimate) / standard_error))
    else:
        critical = float(special.stdtrit(df, 0.5 + level / 2))
        p_value = float(2 * special.stdtr(df, -abs(estimate) / standard_error))
    return Difference(estimate, estimate - critical * standard_error, estimate + critical * standard_error,
                      p_value, method, n)


def _no_spread(estimate: float, method: str, n: int) -> Difference:
    """Every row differs by the same amount. A sample with no spread is not a difference known
    exactly (38 rows all right says the accuracy is at least about 0.91, not 1.00): a
    zero-width interval would claim what no test showed, so none is given."""
    raise EvaluationError(
        f"{method}: every one of the {n:,} rows differs by the same amount ({estimate:+.4g}), so the rows show no "
        "noise to test against and the interval would be a single point. The difference is untested; compare "
        "on more rows, or with a test of the counts (proportion_against)."
    )
