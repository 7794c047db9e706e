"""Is this model really better than that one? The paired test its metric calls for, on kept predictions.

:func:`compare` takes what two evaluations on one test set kept (:mod:`nbalign.predictions`) and
returns a :class:`~nbalign.stats.Difference`: ``metric(B) - metric(A)`` in the metric's own units
(a loss stays positive, so a negative difference of RMSE means B is better), its interval at the
objective's confidence and a p-value. With ``reference=`` instead of A, B is compared with a
fixed score (a baseline stated as a number) and the interval is B's own.

=========================================  =============================================
metric (scikit-learn scorer)               test
=========================================  =============================================
ROC AUC, binary                            DeLong (:func:`~nbalign.stats.delong`)
accuracy                                   McNemar (Tango's interval); against a number, a t interval
MSE, RMSE, MAE, log loss, Brier score      paired t on per-row losses
average precision, binary                  jackknife of the rows left out, paired
F1, precision, recall, Jaccard (binary or  paired bootstrap of the confusion matrices
macro, weighted, micro), balanced          (k³ cell counts per resample for k classes:
accuracy, MCC                              any number of rows)
anything else                              paired bootstrap of the scorer's function
=========================================  =============================================

Each metric's kind names its test (:class:`~nbalign.metrics.MetricKind`'s ``paired_test``, a key
of :data:`PAIRED_TESTS`). A test that does not fit what the two models kept (labels where it
takes scores, more than two classes where it scores one of them) leaves the comparison to the
paired bootstrap of the scorer's function.

Bootstraps draw :data:`RESAMPLES` resamples. The ones that go through every row (average
precision, any other metric) use at most :data:`BOOTSTRAP_ROWS` rows: a larger test set is
bootstrapped on a fixed subset of that many rows and the spread of the differences is scaled by
``sqrt(m / n)`` around the estimate on all rows, as the spread of a mean-like statistic shrinks
(a rescaled m-out-of-n bootstrap; its p-value is then the normal one of that spread). A
comparison then costs well under a second whatever the size of the test set.

An evaluation may keep its response on a nested subset of the test set's rows (what fits in
50 KB, see :mod:`nbalign.predictions`): :class:`Comparisons` then tests the rows both kept and
centres the result on the difference of the two records' scores, computed on every row, with its
spread scaled to the whole test set (:func:`_centred`).

:class:`Comparisons` loads what evaluations kept, runs the test once per pair and remembers it
(in memory and in the store), so judging a history again after a restart runs no test twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import OrderedDict
from collections.abc import Callable
from functools import cached_property

from .errors import EvaluationError
from .evaluation import Evaluation
from .metrics import Metric, same_metric
from .predictions import Kept, TestSet
from .stats import Difference

log = logging.getLogger(__name__)

RESAMPLES = 1000
BOOTSTRAP_ROWS = 20_000
# Bumped when a test changes, so differences remembered by an older version are not reused.
# 2: exact intervals for shares, no zero-width interval (issue 18); 3: AP's jackknife; 4: accuracy's
# matched pair, McNemar's asymptotic test and Tango's interval, and every p-value dual to its interval (issue 21).
TESTS_VERSION = 4


def compare(metric: Metric, test_set: TestSet, b: Kept, a: Kept | None = None, *,
            reference: float | None = None, confidence: float = 0.95) -> Difference:
    """``metric(B) - metric(A)`` on the kept rows of one test set, with its interval and p-value.

    Raises :class:`~nbalign.errors.EvaluationError` when the two were not kept on the same rows
    or the test cannot be computed on them (a class missing, a constant model).
    """

    if a is not None and not _same_rows(a, b):
        raise EvaluationError("the two evaluations kept different rows of the test set; they cannot be paired.")
    pair = _Pair(test_set, b, a)
    difference = PAIRED_TESTS[metric.kind.paired_test](metric, pair, reference, confidence)
    return _by_bootstrap(metric, pair, reference, confidence) if difference is None else difference


class _Pair:
    """What two models kept on the rows of one test set, as the tests take it: the labels ``y``,
    and each model's ``(Kept, predictions)`` (``a`` is None against a reference number)."""

    def __init__(self, test_set: TestSet, b: Kept, a: Kept | None):
        self.y = test_set.values()
        self.classes = test_set.classes
        self.b = (b, _predictions(b, test_set))
        self.a = None if a is None else (a, _predictions(a, test_set))

    @property
    def pred_b(self):
        return self.b[1]

    @property
    def pred_a(self):
        return None if self.a is None else self.a[1]

    @cached_property
    def binary(self) -> bool:
        return _two_labels(self.y)

    @property
    def flat(self) -> bool:
        """One value per row (labels, or the score of one class), not a column per class."""
        return self.pred_b.ndim == 1 and (self.pred_a is None or self.pred_a.ndim == 1)

    @property
    def labels_kept(self) -> bool:
        """B kept its predicted labels, not scores."""
        return self.b[0].method == "predict"


class Comparisons:
    """The differences between evaluations, each computed once.

    ``load(evaluation)`` returns what it kept, ``(Kept, TestSet)``, or None. ``remember`` is
    the store's memory of earlier results (``get(key) -> dict | None``, ``put(key, dict)``), or
    None. A comparison that cannot be made (nothing kept, another test set, a test that fails on
    these rows) is None: the judge then falls back to the point values.
    """

    def __init__(self, load: Callable, confidence: float = 0.95, remember=None, loaded: int = 16):
        self.load = load
        self.confidence = confidence
        self.remember = remember
        self._known: dict[tuple, Difference | None] = {}
        self._loaded: OrderedDict[str, tuple | None] = OrderedDict()
        self._loaded_max = loaded
        self.tests_run = 0  # how many tests were computed (not remembered): for tests and benchmarks

    def between(self, metric: Metric, b: Evaluation, a: Evaluation,
                confidence: float | None = None) -> Difference | None:
        """``metric(b) - metric(a)``, when both kept predictions on the same test set."""
        if a.data_fingerprint is None or a.data_fingerprint != b.data_fingerprint or a.key == b.key:
            return None
        return self._difference(metric, b, a, None, confidence or self.confidence)

    def against(self, metric: Metric, b: Evaluation, reference: float,
                confidence: float | None = None) -> Difference | None:
        """``metric(b) - reference``, with b's own interval."""
        return self._difference(metric, b, None, float(reference), confidence or self.confidence)

    def _difference(self, metric: Metric, b: Evaluation, a: Evaluation | None,
                    reference: float | None, confidence: float) -> Difference | None:
        # In memory by what the difference depends on, hashed for the store only when first needed:
        # the judge asks for the same pairs on every record (a json.dumps and a sha256 each).
        known = (metric.scorer, metric.sign, metric.name, confidence, b.key, b.score, b.n_rows,
                 None if a is None else (a.key, a.score, a.n_rows), reference)
        if known in self._known:
            return self._known[known]
        key = _key(metric, b, a, reference, confidence)
        difference = self._remembered(key)
        if difference is None:
            difference = self._compute(metric, b, a, reference, confidence)
            if difference is not None and self.remember is not None:
                try:
                    self.remember.put(key, difference.to_dict())
                except Exception as exc:  # noqa: BLE001 -- a cache: a refused write costs a recomputation, no more
                    log.debug("nbalign could not remember a comparison: %s", exc)
        self._known[known] = difference
        return difference

    def _remembered(self, key: str) -> Difference | None:
        if self.remember is None:
            return None
        try:
            found = self.remember.get(key)
        except Exception as exc:  # noqa: BLE001 -- a cache that cannot be read is only a slower one
            log.debug("nbalign could not read a remembered comparison: %s", exc)
            return None
        return None if found is None else Difference(**found)

    def _compute(self, metric: Metric, b: Evaluation, a: Evaluation | None,
                 reference: float | None, confidence: float) -> Difference | None:
        kept_b = self._kept(b)
        kept_a = None if a is None else self._kept(a)
        if kept_b is None or (a is not None and kept_a is None):
            return None
        from .predictions import paired

        test_set, on_b, on_a = paired(kept_b[1], kept_b[0], None if kept_a is None else kept_a[0])
        try:
            self.tests_run += 1
            difference = compare(metric, test_set, on_b, on_a, reference=reference, confidence=confidence)
            return _centred(difference, metric, b, a, reference, test_set.labels.shape[0], confidence)
        except EvaluationError as exc:  # e.g. one class only in the kept rows: no test, point values
            log.info("nbalign compared %s with %s on point values only: %s", b.name,
                     a.name if a is not None else reference, exc)
            return None

    def _kept(self, evaluation: Evaluation):
        key = evaluation.key
        if key in self._loaded:
            self._loaded.move_to_end(key)
            return self._loaded[key]
        found = self.load(evaluation)
        self._loaded[key] = found
        if len(self._loaded) > self._loaded_max:
            self._loaded.popitem(last=False)
        return found


def _centred(difference: Difference, metric: Metric, b: Evaluation, a: Evaluation | None,
              reference: float | None, m: int, confidence: float) -> Difference:
    """A test run on ``m`` of the test set's ``n`` rows (a kept subset, see
    :mod:`nbalign.predictions`), moved to the whole test set: the estimate is the difference of
    the two records' scores, computed on every row (``score - reference`` against a number), and
    the spread around it is the subset's scaled by ``sqrt(m / n)``, as the spread of a mean-like
    statistic shrinks (the rescaling of :func:`_rescaled`); the p-value is then the normal one.

    Left as it is on all rows, or where a score is not in the metric's terms (a record of another
    metric): then its interval is the subset's, wider than the whole test set's would be."""
    n = b.n_rows
    scores = [b] if a is None else [b, a]
    if (not n or not m or m >= n or any(e.n_rows != n or not same_metric(e.metric, metric) for e in scores)
            or not math.isfinite(difference.estimate)):
        return difference
    against = a.score if a is not None else reference
    assert against is not None  # a comparison is with a record or with a number
    estimate = b.score - against
    scale = math.sqrt(m / n)
    method = f"{difference.method}; kept on {m:,} of {n:,} rows, rescaled"
    return _with_normal_p(Difference(estimate, estimate + (difference.low - difference.estimate) * scale,
                                     estimate + (difference.high - difference.estimate) * scale,
                                     difference.p_value, method, n), confidence)


def improvement_interval(metric: Metric, difference: Difference) -> tuple[float, float]:
    """The interval of the difference as an improvement: positive is better, whatever the direction."""
    low, high = metric.sign * difference.low, metric.sign * difference.high
    return min(low, high), max(low, high)


def is_better(metric: Metric, difference: Difference, by: float = 0.0) -> bool:
    """Shown better by at least ``by``: the improvement interval's lower end above 0 and at least
    ``by``. One rule for "a real gain" (``by`` = min_gain) and for "better" (``by`` = 0): a gain is
    at least min_gain when its interval says so, not its point estimate."""
    low = improvement_interval(metric, difference)[0]
    return low > 0 and low >= by


def is_worse(metric: Metric, difference: Difference) -> bool:
    """Significantly worse: the whole interval below 0."""
    return improvement_interval(metric, difference)[1] < 0


def is_short_of(metric: Metric, difference: Difference, by: float) -> bool:
    """Shown to improve by less than ``by``: the improvement interval's upper end under it. Said of
    the best over a simpler model, the simpler one is non-inferior: not worse by ``by``."""
    return improvement_interval(metric, difference)[1] < by


# Power at which the smallest detectable gain is given beside "not distinguishable".
POWER = 0.8


def detectable_gain(difference: Difference, confidence: float, power: float = POWER) -> float | None:
    """The smallest true gain a test with this one's spread detects (its interval clear of 0) with
    probability ``power``: ``(z_(1 - alpha/2) + z_power) x SE``, the standard error the interval
    implies (its width over ``2 z``). None when the interval has no width or is not finite."""
    from scipy import special

    z = float(special.ndtri(0.5 + confidence / 2))
    width = difference.high - difference.low
    if not math.isfinite(width) or width <= 0:
        return None
    return (z + float(special.ndtri(power))) * width / (2 * z)


# ------------------------------------------------------------------ the tests
# Each is ``test(metric, pair, reference, confidence)``: a Difference, or None where it does not
# fit what was kept (then the paired bootstrap of the scorer's function decides).


def _by_delong(metric: Metric, pair: _Pair, reference, confidence) -> Difference | None:
    if pair.binary and pair.flat and not pair.labels_kept:
        return _delong(pair.y, pair.a, pair.b, reference, confidence)
    return None


def _by_per_row_losses(metric: Metric, pair: _Pair, reference, confidence) -> Difference:
    (loss,) = metric.kind.test_terms
    return _losses(loss, pair.y, pair.pred_a, pair.pred_b, reference, confidence, pair.classes)


def _by_mcnemar(metric: Metric, pair: _Pair, reference, confidence) -> Difference | None:
    return _accuracy(pair.y, pair.pred_a, pair.pred_b, reference, confidence) if pair.labels_kept else None


def _by_average_precision_jackknife(metric: Metric, pair: _Pair, reference, confidence) -> Difference | None:
    if not (pair.binary and pair.flat and not pair.labels_kept):
        return None
    from .stats import average_precision_left_out, jackknife_average_precision, positive_rows

    positive = None

    def left_out(kept: Kept, scores):  # once per kept response, however many it is compared with
        nonlocal positive
        if "average_precision_left_out" not in kept.derived:
            if positive is None:
                positive = positive_rows(pair.y, 1 if _has_one(pair.y) else None, "the jackknife of average precision")
            kept.derived["average_precision_left_out"] = average_precision_left_out(scores, positive)
        return kept.derived["average_precision_left_out"]

    of_b = left_out(*pair.b)
    return jackknife_average_precision(reference if pair.a is None else left_out(*pair.a), of_b, confidence)


def _by_confusion_bootstrap(metric: Metric, pair: _Pair, reference, confidence) -> Difference | None:
    # any number of classes, except for the score of one positive class (f1, precision, ...)
    if not (pair.flat and pair.labels_kept and (pair.binary or not metric.kind.needs_positive)):
        return None
    from .stats import paired_bootstrap_confusion

    name, average = metric.kind.test_terms
    return paired_bootstrap_confusion(name, pair.y, pair.pred_a, pair.pred_b, RESAMPLES, confidence,
                                      average=average, pos_label=1 if _has_one(pair.y) else None,
                                      reference=reference)


def _by_decision_values(metric: Metric, pair: _Pair, reference, confidence) -> Difference | None:
    """A value matrix applied by a threshold or the model's own labels: each row's value under a
    fixed rule (not by a top share, which depends on the other rows)."""
    terms = metric.kwargs
    if "share" in terms:
        return _by_top_share_bootstrap(metric, pair, reference, confidence)
    if not pair.flat:
        return None
    import numpy as np

    from .business import POSITIVE, ValueMatrix, acted

    positive = np.asarray(pair.y).ravel() == POSITIVE
    matrix = ValueMatrix(terms["tp"], terms["fp"], terms["fn"], terms["tn"])
    return _values(lambda pred: matrix.per_row(positive, acted(pred, threshold=terms.get("threshold"))),
                   pair, reference, confidence)


def _by_top_share_bootstrap(metric: Metric, pair: _Pair, reference, confidence) -> Difference | None:
    """A decision by a top share (recall, precision or value in the top 20% by score): the paired
    bootstrap of the scorer's function, its resamples and its numbers, each model's decisions on
    every resample counted at once from its rows in score order (:func:`~nbalign.stats.resampled_top_share`)."""
    import numpy as np

    from .business import OF_COUNTS

    scorer = metric.sklearn_scorer()
    of_counts = OF_COUNTS.get(scorer._score_func)
    if ("share" not in metric.kwargs or of_counts is None or not pair.flat or pair.labels_kept
            or any(np.isnan(p).any() for p in (pair.pred_a, pair.pred_b) if p is not None)):
        return None  # (NaN scores have no place in an order: the scorer's own function says what it makes of them)
    test = _TopShare(metric, scorer, of_counts, pair, reference, confidence)
    return _rescaled(test.bootstrap, pair.y.size, confidence, on_all_rows=lambda: test.estimate(None))


def _by_error_values(metric: Metric, pair: _Pair, reference, confidence) -> Difference | None:
    """A regression's priced errors: each row's value is minus the cost of its error."""
    if not pair.flat:
        return None
    from .business import ErrorCost

    terms = metric.kwargs
    cost = ErrorCost(terms["under"], terms["over"])
    return _values(lambda pred: cost.per_row(pair.y, pred), pair, reference, confidence)


def _by_bootstrap(metric: Metric, pair: _Pair, reference, confidence) -> Difference:
    return _rescaled(lambda rows, resamples: _generic(metric, pair.y, pair.pred_a, pair.pred_b, reference,
                                                      confidence, rows, resamples), pair.y.size, confidence)


# The paired tests, by the name a metric's kind gives (nbalign.metrics.MetricKind.paired_test).
PAIRED_TESTS: dict[str, Callable[..., Difference | None]] = {
    "delong": _by_delong,
    "per_row_losses": _by_per_row_losses,
    "mcnemar": _by_mcnemar,
    "average_precision_jackknife": _by_average_precision_jackknife,
    "confusion_bootstrap": _by_confusion_bootstrap,
    "decision_values": _by_decision_values,
    "error_values": _by_error_values,
    "top_share_bootstrap": _by_top_share_bootstrap,
    "bootstrap": _by_bootstrap,
}


def _delong(y, a, b, reference, confidence):
    """DeLong on the two models' ROC components, each computed once per kept response (``a``
    and ``b`` are ``(Kept, scores)``; ``a`` is None against a reference number)."""
    import numpy as np

    from .stats import RocComponents, delong_of, roc_components, roc_positive

    positive = None

    def components(kept: Kept, scores) -> RocComponents:
        nonlocal positive
        if "roc" not in kept.derived:
            if positive is None:
                positive = roc_positive(y)
            kept.derived["roc"] = roc_components(scores, positive)
        return kept.derived["roc"]

    of_b = components(*b)
    if a is not None:
        return delong_of(components(*a), of_b, confidence)
    # Against a constant model (AUC 0.5: every component one half, no variance of its own),
    # DeLong's interval is B's own, shifted to the reference.
    constant = RocComponents(np.full(of_b.v10.size, 0.5), np.full(of_b.v01.size, 0.5))
    return _shifted(delong_of(constant, of_b, confidence), 0.5 - reference, confidence)


def _losses(name, y, a, b, reference, confidence, classes):
    import numpy as np

    from .stats import paired_losses, per_row_losses

    labels = None if classes is None else np.asarray(classes, dtype=object)
    losses_b = per_row_losses(name, y, b, labels=labels if b.ndim == 2 else None)
    if a is not None:
        losses_a = per_row_losses(name, y, a, labels=labels if a.ndim == 2 else None)
        return paired_losses(losses_a, losses_b, confidence, reduce="root_mean" if name == "rmse" else "mean")
    mean = paired_losses(np.zeros_like(losses_b), losses_b, confidence)  # B's mean loss, its own interval
    if name != "rmse":
        return _shifted(mean, -reference, confidence)
    # RMSE is the root of the mean squared error: the root of the MSE's interval, the test on the MSE.
    tested = _shifted(mean, -reference**2, confidence)
    root = math.sqrt(max(mean.estimate, 0.0))
    return Difference(root - reference, math.sqrt(max(mean.low, 0.0)) - reference,
                      math.sqrt(max(mean.high, 0.0)) - reference, tested.p_value, mean.method, mean.n)


def _accuracy(y, a, b, reference, confidence):
    import numpy as np

    from .stats import mcnemar, paired_losses

    if a is not None:
        return mcnemar(y, a, b, confidence)
    correct = (b == y).astype(float)
    return _shifted(paired_losses(np.zeros_like(correct), correct, confidence), -reference, confidence)


class _TopShare:
    """The paired bootstrap of a metric of a top-share decision on ``rows`` (None: all): what
    :func:`_generic` computes with the scorer's function, the resampled decisions of each model
    computed once per kept response and the metric from their counts (``of_counts``)."""

    def __init__(self, metric: Metric, scorer, of_counts, pair: _Pair, reference, confidence):
        self.metric, self.scorer, self.of_counts, self.pair = metric, scorer, of_counts, pair
        self.reference, self.confidence = reference, confidence
        self.share = metric.kwargs["share"]

    def _value(self, kept: Kept, predictions, rows) -> float:
        """The metric of one model on the rows, as :func:`_generic` computes it (the same number)."""
        key = ("metric", self.metric.name, rows is None)  # the rows are fixed by the test set's size
        if key not in kept.derived:
            scorer, y = self.scorer, self.pair.y
            y, predictions = (y, predictions) if rows is None else (y[rows], predictions[rows])
            kept.derived[key] = float(self.metric.sign * scorer._sign
                                      * scorer._score_func(y, predictions, **scorer._kwargs))
        return kept.derived[key]

    def estimate(self, rows) -> float:
        a, b = self.pair.a, self.pair.b
        return self._value(*b, rows) - (self.reference if a is None else self._value(*a, rows))

    def _resampled(self, kept: Kept, predictions, rows, resamples):
        import numpy as np

        from .business import POSITIVE
        from .stats import resampled_top_share

        key = ("top_share", self.share, rows is None, resamples)
        if key not in kept.derived:
            y = self.pair.y if rows is None else self.pair.y[rows]
            scores = predictions if rows is None else predictions[rows]
            kept.derived[key] = resampled_top_share(scores, np.asarray(y).ravel() == POSITIVE, self.share, resamples, 0)
        top = kept.derived[key]
        counts = (top.true, top.other, top.positives - top.true, top.rows - top.positives - top.other)
        return self.metric.sign * self.scorer._sign * self.of_counts(counts, self.metric.kwargs)

    def bootstrap(self, rows, resamples: int) -> Difference:
        from .stats import paired_resamples_of

        a, b = self.pair.a, self.pair.b
        differences = self._resampled(*b, rows, resamples) - (
            self.reference if a is None else self._resampled(*a, rows, resamples))
        return paired_resamples_of(self.estimate(rows), differences, self.confidence,
                                   self.pair.y.size if rows is None else rows.size)


def _values(per_row, pair: _Pair, reference, confidence):
    """Paired t on each row's business value, ``per_row(predictions)`` (its mean is the metric)."""
    import numpy as np

    from .stats import paired_losses

    values_b = per_row(pair.pred_b)
    if pair.a is not None:
        return paired_losses(per_row(pair.pred_a), values_b, confidence)
    return _shifted(paired_losses(np.zeros_like(values_b), values_b, confidence), -reference, confidence)


def _generic(measured: Metric, y, a, b, reference, confidence, rows, resamples):
    from .stats import paired_bootstrap

    scorer = measured.sklearn_scorer()
    sign = measured.sign

    def metric(y_rows, predictions):  # in the metric's units, as the user reads it (losses positive)
        return sign * scorer._sign * scorer._score_func(y_rows, predictions, **scorer._kwargs)

    pick = (lambda v: v) if rows is None else (lambda v: None if v is None else v[rows])
    return paired_bootstrap(metric, pick(y), pick(a), pick(b), resamples, confidence, 0, reference=reference)


def _rescaled(bootstrap, n: int, confidence: float, on_all_rows: Callable[[], float] | None = None) -> Difference:
    """``bootstrap(rows, resamples)`` on all rows, or on a fixed subset scaled back (see the module);
    ``on_all_rows()`` is the difference on all rows, by default one resample's work."""
    if n <= BOOTSTRAP_ROWS:
        return bootstrap(None, RESAMPLES)
    import numpy as np

    rows = np.sort(np.random.default_rng(n).choice(n, size=BOOTSTRAP_ROWS, replace=False))
    sub = bootstrap(rows, RESAMPLES)
    estimate = bootstrap(None, 1).estimate if on_all_rows is None else on_all_rows()
    scale = math.sqrt(BOOTSTRAP_ROWS / n)
    low = estimate + (sub.low - sub.estimate) * scale
    high = estimate + (sub.high - sub.estimate) * scale
    return _with_normal_p(Difference(estimate, low, high, sub.p_value,
                                     f"{sub.method}, on {BOOTSTRAP_ROWS:,} of {n:,} rows, rescaled", n),
                          confidence)


def _shifted(difference: Difference, shift: float, confidence: float) -> Difference:
    """A Wald-type difference moved by a constant; the p-value is that of the moved estimate."""
    return _with_normal_p(Difference(difference.estimate + shift, difference.low + shift,
                                     difference.high + shift, difference.p_value, difference.method,
                                     difference.n), confidence)


def _with_normal_p(difference: Difference, confidence: float) -> Difference:
    """The two-sided normal p-value of the estimate, with the standard error the interval implies
    on the side toward 0: ``(estimate - low) / z`` for an estimate above 0, ``(high - estimate) / z``
    below. The interval then excludes 0 exactly when ``p < 1 - confidence``, also where it is not
    symmetric (Tango's, a percentile interval, a score interval, rescaled or shifted): the verdict,
    which follows the interval, and the p-value agree. (Half the width, which this replaced, is
    dual only for a symmetric interval.) An estimate outside its interval (a percentile interval
    can leave it out) is replaced by the interval's middle for this."""
    from scipy import special

    z = float(special.ndtri(0.5 + confidence / 2))
    low, high = difference.low, difference.high
    centre = difference.estimate if low <= difference.estimate <= high else (low + high) / 2
    toward_zero = centre - low if centre > 0 else high - centre
    if centre == 0:
        p_value = 1.0
    elif toward_zero <= 0:  # the interval ends at the centre, on the side of 0: it excludes 0
        p_value = 0.0
    else:
        p_value = float(2 * special.ndtr(-abs(centre) * z / toward_zero))
    return Difference(difference.estimate, difference.low, difference.high, p_value, difference.method,
                      difference.n)


# ------------------------------------------------------------------ helpers


def _predictions(kept: Kept, test_set: TestSet):
    """The kept response as the metric took it: class codes back to labels."""
    import numpy as np

    values = np.asarray(kept.values, dtype=np.float64)
    if kept.method == "predict" and test_set.classes is not None:
        classes = np.asarray(list(test_set.classes) + ["\0unknown"], dtype=object)
        return classes[values.astype(np.int64)]  # -1 (a label the test set lacks) is the last
    return values


def _two_labels(y) -> bool:
    """Exactly two distinct labels; for numbers without sorting them (labels are never NaN)."""
    import numpy as np

    from .stats import two_labels_at_most

    if y.dtype.kind in "fiub" and y.size:
        labels = two_labels_at_most(y)
        return labels is not None and labels[0] != labels[1]
    return len(np.unique(y)) == 2


def _same_rows(a: Kept, b: Kept) -> bool:
    import numpy as np

    if a.rows is None or b.rows is None:
        return a.rows is None and b.rows is None and len(a.values) == len(b.values)
    return np.array_equal(a.rows, b.rows)


def _has_one(y) -> bool:
    import numpy as np

    try:
        return bool(np.any(y == 1))
    except TypeError:
        return False


def _key(metric: Metric, b: Evaluation, a: Evaluation | None, reference: float | None, confidence: float) -> str:
    """What a remembered difference is valid for: both records as scored, the test, the level."""
    parts = [TESTS_VERSION, metric.scorer, metric.sign, confidence, b.key, b.score, b.n_rows,
             None if a is None else [a.key, a.score, a.n_rows], reference]
    if metric.params:  # nbalign's own metrics: the same records under other terms are another test
        parts.append(metric.name)
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]
