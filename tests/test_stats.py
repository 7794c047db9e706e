"""Paired tests of two models, each against an independent computation and in simulation.

DeLong is checked against the O(m*n) definition, McNemar against scipy's binomial and
chi-square and a published interval, the paired t against ``scipy.stats.ttest_rel``, the
bootstrap against all three, Holm against a hand-worked example; then DeLong's p-values are
simulated: about 5% below 0.05 when the models are equally good, and a real difference found.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from sklearn import metrics as sk

from nbalign import stats
from nbalign.errors import EvaluationError
from nbalign.stats import (
    Difference,
    delong,
    holm,
    mcnemar,
    paired_bootstrap,
    paired_losses,
    per_row_losses,
)

# The bootstrap's interval ends must lie within this share of the analytic interval's
# half-width of the analytic ends. With 2000 resamples the Monte Carlo error of a 2.5% or
# 97.5% quantile is about 3% of the half-width (sqrt(0.025 * 0.975 / 2000) / phi(1.96) / 1.96),
# so 15% is about five of those, with room for the bootstrap's own small-sample skew.
BOOTSTRAP_TOLERANCE = 0.15


def delong_by_pairs(y, scores_a, scores_b, confidence=0.95):
    """DeLong from the definitions, in O(m*n): a kernel over every (positive, negative) pair.

    psi(x, z) = 1 if x > z, 1/2 if x == z, else 0; the AUC is its mean; V10 is its mean over
    the negatives for each positive, V01 its mean over the positives for each negative; the
    covariance matrix is S10 / m + S01 / n (DeLong et al., 1988).
    """
    positive = y == y.max()

    def kernel(scores):
        x = scores[positive][:, None]
        z = scores[~positive][None, :]
        return (x > z) + 0.5 * (x == z)

    k_a, k_b = kernel(scores_a), kernel(scores_b)
    m, n = k_a.shape
    v10 = np.stack([k_a.mean(axis=1), k_b.mean(axis=1)])
    v01 = np.stack([k_a.mean(axis=0), k_b.mean(axis=0)])
    s = np.cov(v10) / m + np.cov(v01) / n
    estimate = k_b.mean() - k_a.mean()
    se = math.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])
    z = scipy_stats.norm.ppf(0.5 + confidence / 2)
    return estimate, estimate - z * se, estimate + z * se, 2 * scipy_stats.norm.sf(abs(estimate) / se)


def two_scorers(rng, rows, positive_rate=0.3, gain_a=1.0, gain_b=1.3, shared=1.0):
    """Labels and two correlated scorers: both see the label and a shared noise, each its own."""
    y = (rng.random(rows) < positive_rate).astype(int)
    common = shared * rng.standard_normal(rows)
    a = gain_a * y + common + rng.standard_normal(rows)
    b = gain_b * y + common + rng.standard_normal(rows)
    return y, a, b


# ------------------------------------------------------------------------------ DeLong


@pytest.mark.parametrize("ties", [False, True], ids=["distinct scores", "ties"])
@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_delong_equals_the_pairwise_definition(ties, confidence):
    y, a, b = two_scorers(np.random.default_rng(1), 150)
    if ties:  # coarse scores: many ties within and across the classes
        a, b = np.round(a), np.round(b * 2) / 2
        assert np.unique(a).size < 15
    expected = delong_by_pairs(y, a, b, confidence)
    got = delong(y, a, b, confidence)
    assert (got.estimate, got.low, got.high, got.p_value) == pytest.approx(expected, abs=1e-9, rel=0)
    assert got.estimate == pytest.approx(sk.roc_auc_score(y, b) - sk.roc_auc_score(y, a), abs=1e-12)
    assert got.method == "DeLong" and got.n == 150


def test_delong_p_value_is_the_normal_tail_of_its_interval():
    y, a, b = two_scorers(np.random.default_rng(2), 400)
    d = delong(y, a, b)
    se = (d.high - d.low) / (2 * scipy_stats.norm.ppf(0.975))
    assert d.estimate == pytest.approx((d.low + d.high) / 2, abs=1e-12)
    assert d.p_value == pytest.approx(2 * scipy_stats.norm.sf(abs(d.estimate) / se), rel=1e-9)
    assert 0 < d.p_value < 1


def test_delong_perfect_against_random_scorer():
    rng = np.random.default_rng(3)
    y = (rng.random(300) < 0.4).astype(int)
    random_scores = rng.random(300)
    perfect = y + 0.5 * rng.random(300)  # every positive above every negative
    d = delong(y, random_scores, perfect)
    assert d.estimate == pytest.approx(1 - sk.roc_auc_score(y, random_scores), abs=1e-12)
    assert d.p_value < 1e-12 and d.low > 0.3

    # No spread in either model's components: DeLong's variance is 0, which is a small sample at
    # the edge, not a difference known exactly. Each perfect model's own AUC is then at least
    # Wilson's lower end on min(m, n) effective trials (the Birnbaum-Klose bound), never 1 to 1.
    m = int(y.sum())
    n_eff = min(m, y.size - m)
    z = scipy_stats.norm.ppf(0.975)
    own_low = scipy_stats.binomtest(n_eff, n_eff).proportion_ci(method="wilson").low
    assert own_low == pytest.approx(n_eff / (n_eff + z * z), abs=1e-15)
    both_perfect = delong(y, perfect, 2 * perfect)
    assert (both_perfect.estimate, both_perfect.p_value) == (0, 1)
    assert (both_perfect.low, both_perfect.high) == pytest.approx((own_low - 1, 1 - own_low), abs=1e-15)
    constant = delong(y, np.zeros(300), perfect)  # the constant scorer's AUC is 0.5 on any rows
    assert constant.estimate == 0.5 and constant.high == 0.5
    assert constant.low == pytest.approx(own_low - 0.5, abs=1e-15) and constant.p_value < 1e-12
    assert constant.method == both_perfect.method == "score interval (DeLong's variance is 0)"


def test_delong_swapping_the_models_negates_the_difference():
    y, a, b = two_scorers(np.random.default_rng(4), 500)
    ab, ba = delong(y, a, b), delong(y, b, a)
    assert ab.estimate != 0
    assert ba.estimate == pytest.approx(-ab.estimate, abs=1e-12)
    assert (ba.low, ba.high) == pytest.approx((-ab.high, -ab.low), abs=1e-12)
    assert ba.p_value == pytest.approx(ab.p_value, rel=1e-12)


def test_delong_takes_any_two_labels_and_pos_label():
    y, a, b = two_scorers(np.random.default_rng(5), 300)
    reference = delong(y, a, b)
    assert delong(np.where(y == 1, "yes", "no"), a, b) == reference  # "yes" > "no"
    assert delong(2 * y - 1, list(a), list(b)) == reference
    assert delong(y.astype(bool), a, b) == reference
    flipped = delong(y, a, b, pos_label=0)  # each AUC becomes 1 - AUC
    assert flipped.estimate == pytest.approx(-reference.estimate, abs=1e-12)


@pytest.mark.parametrize(
    "y, a, b, message",
    [
        ([0, 1, 1, 1], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], "at least two rows of each class"),
        ([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3], "scores_b has 3 rows"),
        ([0, 0, 1, 1], [0.1, float("nan"), 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], "scores_a has 1 missing"),
        ([0, 1, 2, 1], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], "binary labels, but y_true has 3"),
        ([0, 0, 1, 1], [[0.9, 0.1]] * 4, [0.1, 0.2, 0.3, 0.4], r"scores_a must be one value per row, of shape \(N,\)"),
        ([0, 0, 1, 1], ["low", "low", "high", "high"], [0.1, 0.2, 0.3, 0.4], "scores_a must be numbers"),
    ],
)
def test_delong_mistakes_are_messages(y, a, b, message):
    with pytest.raises(EvaluationError, match=message):
        delong(y, a, b)


# ----------------------------------------------------------------------------- McNemar


def paired_table(both, only_a, only_b, neither, classes=(0, 1, 2)):
    """Rows whose predictions make the given 2x2 table of "A right" against "B right"."""
    rows = both + only_a + only_b + neither
    y = np.resize(np.asarray(classes), rows)
    wrong = np.roll(np.resize(np.asarray(classes), rows), 1)  # another class on every row
    a_right = np.repeat([True, True, False, False], [both, only_a, only_b, neither])
    b_right = np.repeat([True, False, True, False], [both, only_a, only_b, neither])
    return y, np.where(a_right, y, wrong), np.where(b_right, y, wrong)


def test_mcnemar_is_the_asymptotic_test_of_the_discordant_rows():
    y, a, b = paired_table(both=30, only_a=3, only_b=9, neither=8)
    d = mcnemar(y, a, b)
    assert d.estimate == pytest.approx((9 - 3) / 50)
    assert d.estimate == pytest.approx(sk.accuracy_score(y, b) - sk.accuracy_score(y, a))
    # statsmodels' mcnemar(table, exact=False, correction=False): the chi-square (c - b)² / (b + c)
    assert d.p_value == pytest.approx(scipy_stats.chi2.sf((9 - 3) ** 2 / 12, df=1), rel=1e-12)
    assert d.method == "McNemar asymptotic score test, Tango interval" and d.n == 50
    assert mcnemar(y, b, a).p_value == pytest.approx(d.p_value, rel=1e-12)
    assert (mcnemar(y, b, a).low, mcnemar(y, b, a).high) == pytest.approx((-d.high, -d.low), abs=1e-12)
    assert mcnemar(y, a, a).p_value == 1.0
    balanced = mcnemar(*paired_table(both=800, only_a=55, only_b=55, neither=90))
    assert balanced.p_value == 1.0 and balanced.estimate == 0 and balanced.low < 0 < balanced.high


def score_interval_by_grid(only_b, only_a, size, confidence, step=1e-5):
    """Tango's interval by brute force: every difference on a fine grid whose score statistic,
    written out from Tango (1998) with the restricted estimate found numerically, is within ±z."""
    from scipy import optimize

    z = scipy_stats.norm.ppf(0.5 + confidence / 2)
    m = size - only_a - only_b

    def statistic(d):
        # maximise only_b log(q + d) + only_a log q + m log(1 - 2q - d) over the feasible q
        lo, hi = max(0.0, -d) + 1e-15, (1 - d) / 2 - 1e-15
        loglik = lambda q: -(only_b * np.log(q + d) + only_a * np.log(q) + m * np.log1p(-2 * q - d))  # noqa: E731
        q = optimize.minimize_scalar(loglik, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13}).x
        return (only_b - only_a - size * d) / math.sqrt(size * (2 * q + d - d * d))

    grid = np.arange(-1 + step, 1, step)
    inside = [d for d in grid if abs(statistic(d)) <= z]
    return min(inside), max(inside)


@pytest.mark.parametrize(("only_b", "only_a", "size"), [(16, 6, 161), (5, 0, 500), (30, 41, 900), (3, 1, 4)])
def test_the_accuracy_interval_is_tangos_score_interval(only_b, only_a, size):
    """Tango's interval inverts the score test: checked against the test written out and inverted
    on a grid. The first table is Cavo et al.'s (2012) in Fagerland, Lydersen & Laake (2017, ch. 8),
    whose Tango interval for after - before is 0.0054 to 0.1240."""
    d = stats.paired_score_test(only_b, only_a, size)
    low, high = score_interval_by_grid(only_b, only_a, size, 0.95, step=2e-4)
    assert (d.low, d.high) == pytest.approx((low, high), abs=3e-4)
    if (only_b, only_a, size) == (16, 6, 161):
        assert (round(d.low, 4), round(d.high, 4)) == (0.0054, 0.1240)


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_accuracy_verdict_and_p_value_agree_on_every_table(confidence):
    """Every paired table up to 60 discordant rows each way, with a few numbers of concordant rows:
    the interval excludes 0 exactly when the p-value is below 1 - confidence (the 5-0 table gave an
    interval above 0 beside an exact p of 0.0625)."""
    disagree = []
    for only_b in range(61):
        for only_a in range(61):
            for concordant in (0, 40, 1000):
                size = only_b + only_a + concordant
                if size == 0:
                    continue
                d = stats.paired_score_test(only_b, only_a, size, confidence)
                if (d.low > 0 or d.high < 0) != (d.p_value < 1 - confidence):
                    disagree.append((only_b, only_a, size, d))
                assert d.low <= d.estimate <= d.high
    assert not disagree, disagree[:3]
    five_to_none = stats.paired_score_test(5, 0, 1000, confidence)
    assert five_to_none.low > 0 and five_to_none.p_value < 1 - confidence


def test_the_accuracy_interval_covers_the_true_difference():
    """2,000 paired tables of 200 rows, accuracies 0.80 and 0.84 with correlated errors: the 95%
    interval covers the true difference 0.04 between 93% and 97% of the time."""
    rng = np.random.default_rng(4)
    # cells: both right, only A right, only B right, neither: p_B - p_A = 0.10 - 0.06
    cells = rng.multinomial(200, [0.74, 0.06, 0.10, 0.10], size=2000)
    covered = sum(d.low <= 0.04 <= d.high for d in (stats.paired_score_test(int(c[2]), int(c[1]), 200)
                                                     for c in cells))
    assert 0.93 <= covered / 2000 <= 0.97, covered


# --------------------------------------------------------------------------- paired t


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_paired_losses_is_scipys_paired_t(confidence):
    rng = np.random.default_rng(6)
    losses_a = rng.exponential(1.0, 500)
    losses_b = 0.9 * losses_a + rng.exponential(0.08, 500)
    d = paired_losses(losses_a, losses_b, confidence)
    scipy_t = scipy_stats.ttest_rel(losses_b, losses_a)
    interval = scipy_t.confidence_interval(confidence)
    assert d.estimate == pytest.approx(losses_b.mean() - losses_a.mean(), abs=1e-12)
    assert d.p_value == pytest.approx(scipy_t.pvalue, rel=1e-9)
    assert (d.low, d.high) == pytest.approx((interval.low, interval.high), abs=1e-12)
    assert d.method == "paired t" and d.n == 500


def test_per_row_losses_average_to_scikit_learns_metrics():
    rng = np.random.default_rng(7)
    target = rng.normal(10, 3, 200)
    values = target + rng.normal(0, 1, 200)
    assert per_row_losses("mse", target, values).mean() == pytest.approx(sk.mean_squared_error(target, values))
    assert per_row_losses("mae", target, values).mean() == pytest.approx(sk.mean_absolute_error(target, values))
    squared = per_row_losses("rmse", target, values)
    assert math.sqrt(squared.mean()) == pytest.approx(sk.root_mean_squared_error(target, values))

    churn = np.where(rng.random(200) < 0.3, "yes", "no")
    p_yes = np.clip(0.3 + 0.4 * (churn == "yes") + rng.normal(0, 0.15, 200), 0.01, 0.99)
    assert per_row_losses("log_loss", churn, p_yes).mean() == pytest.approx(sk.log_loss(churn, p_yes))
    assert per_row_losses("logloss", churn, np.column_stack([1 - p_yes, p_yes])).mean() == pytest.approx(
        sk.log_loss(churn, p_yes))
    assert per_row_losses("brier", churn, p_yes).mean() == pytest.approx(
        sk.brier_score_loss(churn, p_yes, pos_label="yes"))
    assert per_row_losses("brier", churn, 1 - p_yes, pos_label="no").mean() == pytest.approx(
        sk.brier_score_loss(churn, p_yes, pos_label="yes"))

    three = rng.integers(0, 3, 200)
    proba = rng.dirichlet([2, 2, 2], 200)
    assert per_row_losses("log_loss", three, proba).mean() == pytest.approx(sk.log_loss(three, proba))
    assert per_row_losses("brier", three, proba).mean() == pytest.approx(sk.brier_score_loss(three, proba))
    # a test set without class 2: the columns are named by labels (the model's classes_)
    assert per_row_losses("log_loss", three[three < 2], proba[three < 2], labels=[0, 1, 2]).mean() == pytest.approx(
        sk.log_loss(three[three < 2], proba[three < 2], labels=[0, 1, 2]))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: per_row_losses("r2", [1.0], [1.0]), "no per-row loss for 'r2'"),
        (lambda: per_row_losses("log_loss", [0, 1], [0, 1.2]), "probabilities within"),
        (lambda: per_row_losses("log_loss", [0, 1], [[0.5, 0.3, 0.2]] * 2), "pass labels=model.classes_"),
        (lambda: paired_losses([1, 2, 3], [1, 2, 3], reduce="median"), '"mean" or "root_mean"'),
        (lambda: paired_losses([1, -2, 3], [1, 2, 3], reduce="root_mean"), "squared errors"),
        (lambda: paired_losses([1, 2, 3], [1, 2, 3], confidence=95), "between 0 and 1"),
        (lambda: paired_losses([1, float("inf"), 3], [1, 2, 3]), "losses_a has 1 missing or infinite"),
        (lambda: paired_losses([1, 2, 3], [1, 2]), "losses_a has 3, losses_b has 2 rows"),
    ],
)
def test_loss_mistakes_are_messages(call, message):
    with pytest.raises(EvaluationError, match=message):
        call()


# ---------------------------------------------------------------------------- bootstrap


def auc(y, scores):
    """ROC AUC by counting, for each positive, the negatives below it (ties one half).

    Another formulation than DeLong's midranks, at a fiftieth of scikit-learn's cost per call.
    """
    positive = y == 1
    negatives = np.sort(scores[~positive])
    below = np.searchsorted(negatives, scores[positive], "left")
    not_above = np.searchsorted(negatives, scores[positive], "right")
    return (below + not_above).sum() / (2 * positive.sum() * negatives.size)


def accuracy(y, labels):
    return np.mean(y == labels)


def mean_squared_error(y, values):
    return np.mean((y - values) ** 2)


def root_mean_squared_error(y, values):
    return math.sqrt(np.mean((y - values) ** 2))


@pytest.fixture(scope="module")
def classified():
    return two_scorers(np.random.default_rng(8), 3000)


@pytest.fixture(scope="module")
def regressed():
    rng = np.random.default_rng(9)
    target = rng.normal(0, 1, 3000)
    shared = rng.normal(0, 0.5, 3000)
    return target, target + shared + rng.normal(0, 0.8, 3000), target + shared + rng.normal(0, 0.5, 3000)


def assert_close_intervals(bootstrap: Difference, analytic: Difference):
    half_width = (analytic.high - analytic.low) / 2
    assert bootstrap.estimate == pytest.approx(analytic.estimate, abs=1e-12)
    assert abs(bootstrap.low - analytic.low) <= BOOTSTRAP_TOLERANCE * half_width
    assert abs(bootstrap.high - analytic.high) <= BOOTSTRAP_TOLERANCE * half_width


def test_bootstrap_of_auc_agrees_with_delong(classified):
    y, a, b = classified
    assert auc(y, a) == pytest.approx(sk.roc_auc_score(y, a), abs=1e-12)
    analytic = delong(y, a, b)
    assert analytic.p_value < 0.05  # a real difference, so the interval is not centred on 0
    assert_close_intervals(paired_bootstrap(auc, y, a, b), analytic)


def test_bootstrap_of_accuracy_agrees_with_mcnemar(classified):
    y, a, b = classified
    labels_a, labels_b = (a > 0.8).astype(int), (b > 0.8).astype(int)
    assert_close_intervals(paired_bootstrap(accuracy, y, labels_a, labels_b), mcnemar(y, labels_a, labels_b))


@pytest.mark.parametrize("metric, reduce", [(mean_squared_error, "mean"), (root_mean_squared_error, "root_mean")])
def test_bootstrap_of_mse_and_rmse_agrees_with_the_paired_t(regressed, metric, reduce):
    y, a, b = regressed
    analytic = paired_losses(per_row_losses("mse", y, a), per_row_losses("mse", y, b), reduce=reduce)
    assert analytic.estimate == pytest.approx(metric(y, b) - metric(y, a), abs=1e-12)
    assert_close_intervals(paired_bootstrap(metric, y, a, b), analytic)


def test_rmse_interval_is_the_delta_method(regressed):
    """The gradient of sqrt(MSE_B) - sqrt(MSE_A) through the covariance of the squared errors."""
    y, a, b = regressed
    squared = np.stack([(a - y) ** 2, (b - y) ** 2])
    means = squared.mean(axis=1)
    gradient = np.array([-0.5 / math.sqrt(means[0]), 0.5 / math.sqrt(means[1])])
    rows = y.size
    se = math.sqrt(gradient @ np.cov(squared) @ gradient / rows)
    estimate = math.sqrt(means[1]) - math.sqrt(means[0])
    t = scipy_stats.t.ppf(0.975, rows - 1)
    d = paired_losses(squared[0], squared[1], reduce="root_mean")
    assert (d.estimate, d.low, d.high) == pytest.approx((estimate, estimate - t * se, estimate + t * se), abs=1e-12)
    assert d.p_value == pytest.approx(2 * scipy_stats.t.sf(abs(estimate) / se, rows - 1), rel=1e-9)


def test_rmse_delta_method_agrees_with_the_mse_test_near_no_difference(regressed):
    y, a, _ = regressed
    b = a + np.random.default_rng(10).normal(0, 0.05, a.size)
    mse = paired_losses(per_row_losses("mse", y, a), per_row_losses("mse", y, b))
    rmse = paired_losses(per_row_losses("rmse", y, a), per_row_losses("rmse", y, b), reduce="root_mean")
    assert rmse.method == "paired t, delta method"
    assert rmse.p_value == pytest.approx(mse.p_value, abs=0.01)


def test_bootstrap_is_seeded(regressed, monkeypatch):
    y, a, b = regressed
    first = paired_bootstrap(mean_squared_error, y, a, b, seed=1)
    assert paired_bootstrap(mean_squared_error, y, a, b, seed=1) == first
    other = paired_bootstrap(mean_squared_error, y, a, b, seed=2)
    assert (other.low, other.high) != (first.low, first.high)
    assert_close_intervals(other, first)
    # drawn in blocks of 3 resamples instead of all 2000 at once: the same draws
    monkeypatch.setattr(stats, "BOOTSTRAP_BLOCK_BYTES", 8 * y.size * 3)
    assert paired_bootstrap(mean_squared_error, y, a, b, seed=1) == first


def test_bootstrap_p_value_is_twice_the_tail_where_the_percentile_interval_reaches_zero():
    y = np.tile([0, 1], 50)
    never_right, mostly_right = 1 - y, np.where(np.arange(100) < 10, 1 - y, y)  # right on 90 rows
    d = paired_bootstrap(accuracy, y, never_right, mostly_right, n_resamples=99)
    assert d.estimate == pytest.approx(0.9) and 0.8 < d.low < d.high <= 1
    assert d.p_value == 0.0  # no resample on the other side: the interval clears 0 at every level
    differences = np.array([-0.2, -0.1, 0.1, 0.3, 0.5])  # 0 halfway from -0.1 to 0.1: position 1.5 of 4
    assert stats._percentile_p_value(differences) == pytest.approx(2 * 1.5 / 4)
    assert paired_bootstrap(accuracy, y, mostly_right, np.roll(mostly_right, 2), n_resamples=99).p_value == 1.0


@pytest.mark.parametrize("same", [False, True], ids=["every row better", "alike"])
def test_a_bootstrap_with_no_spread_gives_no_single_point_interval(same):
    """Every resample alike (a model right on every row against one wrong on every row, or two
    models that predict alike) is rows with no noise to measure: untested, not known exactly."""
    y = np.tile([0, 1], 50)
    with pytest.raises(EvaluationError, match=r"all 99 resamples give the same difference.*untested"):
        paired_bootstrap(accuracy, y, y if same else 1 - y, y, n_resamples=99)
    with pytest.raises(EvaluationError, match="rows show no noise"):
        paired_losses(np.zeros(20), np.full(20, 0.0 if same else 1.0))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_bootstrap_refuses_a_metric_undefined_on_resamples():
    y = np.array([1] + [0] * 19)  # most resamples lose the one positive row
    scores = np.linspace(0, 1, 20)
    with pytest.raises(EvaluationError, match=r"not a finite number on .* of 50 resamples"):
        paired_bootstrap(sk.roc_auc_score, y, scores, scores[::-1], n_resamples=50)


# -------------------------------------------------------------------------------- Holm


def test_holm_by_hand():
    # sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> raised to 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # capped at 1, and the cap carries on to larger p-values
    assert holm([0.5, 0.6, 0.02]) == pytest.approx([1.0, 1.0, 0.06])
    assert holm([0.01, 0.01]) == pytest.approx([0.02, 0.02])
    assert holm([0.3]) == pytest.approx([0.3])
    assert holm([]).size == 0
    with pytest.raises(EvaluationError, match="within"):
        holm([0.1, 1.5])


# -------------------------------------------------------------------------- calibration


def simulate_delong(rng, simulations, rows, gain_b):
    results = [delong(*two_scorers(rng, rows, gain_a=1.0, gain_b=gain_b)) for _ in range(simulations)]
    return np.array([d.estimate for d in results]), np.array([d.p_value for d in results])


def test_delong_p_values_are_calibrated_and_find_a_real_difference():
    """Equally good models: the share of p < 0.05 stays within the binomial range around 5%
    (its 0.1% and 99.9% quantiles for this many simulations; 20,000 simulations give 5.1%).

    Model B a little better: a true difference of about 2.65 standard errors, which DeLong
    finds in 75.6% of 20,000 simulations, as often as a test that knew the true standard
    error (Phi(2.65 - 1.96)). Here it must find it in at least 75.6% less 3.3 binomial
    standard deviations of a share of 500.
    """
    rng = np.random.default_rng(11)
    simulations, rows = 1000, 200
    _, p_equal = simulate_delong(rng, simulations, rows, gain_b=1.0)
    share = np.mean(p_equal < 0.05)
    low, high = scipy_stats.binom.ppf([0.001, 0.999], simulations, 0.05) / simulations
    assert low <= share <= high, share

    estimates, p_better = simulate_delong(rng, 500, rows, gain_b=1.65)
    standard_errors = estimates.mean() / estimates.std(ddof=1)
    assert 2 <= standard_errors <= 3, standard_errors
    power = 0.756
    assert np.mean(p_better < 0.05) >= power - 3.3 * math.sqrt(power * (1 - power) / 500)


@pytest.mark.parametrize("ties", [False, True])
def test_the_vectorised_average_precision_bootstrap_is_the_generic_one(ties):
    """The same resamples and the same numbers as paired_bootstrap with scikit-learn's metric."""
    from sklearn.metrics import average_precision_score

    from nbalign.stats import paired_bootstrap, paired_bootstrap_average_precision

    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 300)
    a = y * 0.6 + rng.normal(0, 0.5, 300)
    b = y * 0.9 + rng.normal(0, 0.5, 300)
    if ties:
        a, b = np.round(a, 1), np.round(b, 1)
    fast = paired_bootstrap_average_precision(y, a, b, n_resamples=300, seed=3)
    slow = paired_bootstrap(average_precision_score, y, a, b, n_resamples=300, seed=3)
    assert fast.estimate == pytest.approx(slow.estimate, abs=1e-12)
    assert (fast.low, fast.high, fast.p_value) == pytest.approx((slow.low, slow.high, slow.p_value), abs=1e-12)
    words = np.where(y == 1, "churn", "stay")
    labelled = paired_bootstrap_average_precision(words, a, b, n_resamples=300, seed=3, pos_label="churn")
    assert labelled.estimate == pytest.approx(fast.estimate)


def test_bootstrap_of_the_confusion_cells_agrees_with_mcnemar_and_with_the_row_bootstrap(classified):
    """Drawing the 8 cell counts is drawing the rows: the same estimate as scikit-learn's, and
    intervals that agree with McNemar's for accuracy and with the row-by-row bootstrap for F1,
    recall and MCC (computed here by hand from each resample's rows)."""
    from sklearn import metrics as sk_metrics

    from nbalign.stats import paired_bootstrap_confusion

    y, a, b = classified
    labels_a, labels_b = (a > 0.8).astype(int), (b > 0.8).astype(int)
    assert_close_intervals(paired_bootstrap_confusion("accuracy", y, labels_a, labels_b),
                           mcnemar(y, labels_a, labels_b))

    def counts(t, p):
        return np.sum((t == 1) & (p == 1)), np.sum((t == 0) & (p == 1)), np.sum((t == 1) & (p == 0)), \
            np.sum((t == 0) & (p == 0))

    def f1(t, p):
        tp, fp, fn, _ = counts(t, p)
        return 2 * tp / (2 * tp + fp + fn)

    def recall(t, p):
        tp, _, fn, _ = counts(t, p)
        return tp / (tp + fn)

    def mcc(t, p):
        tp, fp, fn, tn = (float(c) for c in counts(t, p))
        return (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))

    for name, by_hand, reference in [("f1", f1, sk_metrics.f1_score), ("recall", recall, sk_metrics.recall_score),
                                     ("matthews_corrcoef", mcc, sk_metrics.matthews_corrcoef)]:
        cells = paired_bootstrap_confusion(name, y, labels_a, labels_b)
        rows = paired_bootstrap(by_hand, y, labels_a, labels_b)
        expected = reference(y, labels_b) - reference(y, labels_a)
        assert cells.estimate == pytest.approx(expected, abs=1e-12) and rows.estimate == pytest.approx(expected)
        assert_close_intervals(cells, rows)


def test_a_bootstrap_against_a_fixed_score_is_the_models_own_interval_shifted(classified):
    """reference=: B against a number. Checked against resamples drawn here, as paired_bootstrap
    draws them (one block of indices from the seeded generator)."""
    from sklearn.metrics import average_precision_score

    from nbalign.stats import paired_bootstrap_average_precision

    y, _, b = classified
    y, b = y[:600], b[:600]
    rows = np.random.default_rng(1).integers(0, len(y), size=(300, len(y)))
    own = np.array([average_precision_score(y[r], b[r]) for r in rows]) - 0.3
    low, high = np.quantile(own, [0.025, 0.975])
    shifted = paired_bootstrap_average_precision(y, None, b, n_resamples=300, seed=1, reference=0.3)
    generic = paired_bootstrap(average_precision_score, y, None, b, n_resamples=300, seed=1, reference=0.3)
    for result in (shifted, generic):
        assert result.estimate == pytest.approx(average_precision_score(y, b) - 0.3, abs=1e-12)
        assert (result.low, result.high) == pytest.approx((low, high), abs=1e-12)
    with pytest.raises(EvaluationError, match="reference="):
        paired_bootstrap_average_precision(y, None, b)


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_confusion_formulas_are_scikit_learns_for_every_average(classes):
    """The counts-to-metric formulas of the confusion bootstrap against scikit-learn's functions,
    on random tables with classes missing from the labels or the predictions."""
    import warnings

    from sklearn import metrics as sk_metrics

    from nbalign.stats import _confusion_metric

    rng = np.random.default_rng(classes)
    for _ in range(40):
        n = int(rng.integers(5, 60))
        y = rng.integers(0, classes, n)
        p = np.where(rng.random(n) < 0.6, y, rng.integers(0, classes, n))
        table = np.zeros((1, classes, classes))
        np.add.at(table[0], (y, p), 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = [("accuracy", "binary", sk_metrics.accuracy_score(y, p)),
                        ("balanced_accuracy", "binary", sk_metrics.balanced_accuracy_score(y, p)),
                        ("matthews_corrcoef", "binary", sk_metrics.matthews_corrcoef(y, p))]
            for name, function in [("precision", sk_metrics.precision_score), ("recall", sk_metrics.recall_score),
                                   ("f1", sk_metrics.f1_score), ("jaccard", sk_metrics.jaccard_score)]:
                for average in ("macro", "weighted", "micro") + (("binary",) if classes == 2 else ()):
                    expected.append((name, average, function(y, p, average=average, zero_division=0)))
        for name, average, value in expected:
            got = _confusion_metric(name, table, average, 1 if classes == 2 else None)[0]
            assert got == pytest.approx(value, abs=1e-12), (name, average)


def test_a_multiclass_confusion_bootstrap_agrees_with_the_row_bootstrap():
    from sklearn.metrics import f1_score

    from nbalign.stats import paired_bootstrap_confusion

    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 400)
    a = np.where(rng.random(400) < 0.75, y, rng.integers(0, 3, 400))
    b = np.where(rng.random(400) < 0.65, y, rng.integers(0, 3, 400))
    cells = paired_bootstrap_confusion("f1", y, a, b, average="macro")
    rows = paired_bootstrap(lambda t, p: f1_score(t, p, average="macro"), y, a, b, n_resamples=600)
    assert cells.method == "paired bootstrap of f1 (macro), percentile, 2000 resamples"
    assert_close_intervals(cells, rows)


# ------------------------------------------------------------------ the metric itself, in one sort


@pytest.mark.parametrize("labels", ["0/1", "bool", "-2/5", "float 0/1"])
@pytest.mark.parametrize("rounding", [None, 1, 0], ids=["distinct", "ties", "many ties"])
def test_roc_auc_is_scikit_learns_for_binary_numbers(labels, rounding):
    rng = np.random.default_rng(11)
    y01 = rng.integers(0, 2, 2_000)
    scores = y01 * 0.8 + rng.normal(0, 1, y01.size)
    if rounding is not None:
        scores = np.round(scores, rounding)
    y = {"0/1": y01, "bool": y01.astype(bool), "-2/5": np.where(y01 == 1, 5, -2),
         "float 0/1": y01.astype(float)}[labels]
    assert stats.roc_auc(y, scores) == pytest.approx(sk.roc_auc_score(y, scores), abs=1e-14)
    assert stats.roc_auc(y, scores.astype(np.float32)) == pytest.approx(
        sk.roc_auc_score(y, scores.astype(np.float32)), abs=1e-14)


def test_roc_auc_leaves_everything_else_to_scikit_learn():
    """Other labels, several columns, options and NaN get scikit-learn's answer, or its error."""
    rng = np.random.default_rng(12)
    y = rng.integers(0, 3, 600)
    proba = rng.dirichlet([1, 1, 1], 600)
    assert stats.roc_auc(y, proba, multi_class="ovr") == sk.roc_auc_score(y, proba, multi_class="ovr")
    words = np.where(y > 0, "stay", "churn")
    assert stats.roc_auc(words, proba[:, 0]) == sk.roc_auc_score(words, proba[:, 0])
    binary = (y > 0).astype(int)
    assert stats.roc_auc(binary, proba[:, 0], max_fpr=0.2) == sk.roc_auc_score(binary, proba[:, 0], max_fpr=0.2)
    with pytest.raises(ValueError, match="NaN"):
        stats.roc_auc(binary, np.where(binary == 1, np.nan, 0.3))
    with pytest.raises(ValueError):
        stats.roc_auc(y, proba)  # multiclass without multi_class: scikit-learn's own message


def test_delong_from_components_is_delong():
    """A model's components, computed once, give the same test against any other model."""
    rng = np.random.default_rng(13)
    y, a, b = two_scorers(rng, 800)
    c = np.round(b + rng.normal(0, 0.5, y.size), 1)
    positive = stats.roc_positive(y)
    of = {name: stats.roc_components(s, positive) for name, s in (("a", a), ("b", b), ("c", c))}
    assert of["b"].auc == pytest.approx(sk.roc_auc_score(y, b), abs=1e-14)
    for first, second, scores in (("a", "b", (a, b)), ("b", "c", (b, c)), ("a", "c", (a, c))):
        assert stats.delong_of(of[first], of[second]) == delong(y, *scores)


# ------------------------------------------------------------ one model's share, exactly


@pytest.mark.parametrize("successes, trials", [(38, 38), (0, 10), (7, 10), (1, 5), (140, 200), (5, 5)])
@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_the_interval_of_a_share_is_clopper_pearsons_or_wilsons(successes, trials, confidence):
    """scipy's binomtest computes the same intervals (statsmodels' proportion_confint
    method="beta" and "wilson" are the same formulas). scipy finds the exact ends by a root
    search, good to about 1e-13; ours are beta quantiles, exact to the last digit where there
    is a closed form (all right, below)."""
    from nbalign.stats import proportion_interval

    found = scipy_stats.binomtest(successes, trials)
    for method, tolerance in (("exact", 1e-12), ("wilson", 1e-15)):
        expected = found.proportion_ci(confidence_level=confidence, method=method)
        low, high = proportion_interval(successes, trials, confidence, method=method)
        assert (low, high) == pytest.approx((expected.low, expected.high), abs=tolerance)
        assert high > low  # never a single point, not even at 0 or 1 of the trials
    low, high = proportion_interval(successes, trials, confidence)
    if successes == trials:  # all right: the lower end is the share at which that has chance alpha/2
        assert low == pytest.approx(((1 - confidence) / 2) ** (1 / trials), rel=1e-15) and high == 1


def test_a_fractional_count_lies_between_its_whole_neighbours():
    """A tie at the cut of a top share counts rows in part: the beta quantiles take any count."""
    from nbalign.stats import proportion_interval

    below, within, above = (proportion_interval(k, 20) for k in (12, 12.5, 13))
    assert below[0] < within[0] < above[0] and below[1] < within[1] < above[1]


def test_a_share_against_a_number_is_the_exact_binomial_test():
    from nbalign.stats import proportion_against, proportion_interval

    for successes, trials, reference in ((38, 38, 0.9), (10, 10, 0.95), (30, 100, 0.4), (55, 100, 0.5)):
        d = proportion_against(successes, trials, reference)
        low, high = proportion_interval(successes, trials)
        assert d.estimate == pytest.approx(successes / trials - reference, abs=1e-15)
        assert (d.low, d.high) == pytest.approx((low - reference, high - reference), abs=1e-15)
        tails = (scipy_stats.binom.sf(successes - 1, trials, reference),
                 scipy_stats.binom.cdf(successes, trials, reference))
        assert d.p_value == pytest.approx(min(1.0, 2 * min(tails)), rel=1e-10)
        # dual to the interval: it excludes the reference exactly when the p-value is below 5%
        assert (d.low > 0 or d.high < 0) == (d.p_value < 0.05)
    assert proportion_against(38, 38, 0.9).method == "exact binomial (Clopper-Pearson)"
    with pytest.raises(EvaluationError, match="within \\[0, trials\\]"):
        proportion_against(11, 10, 0.5)
    with pytest.raises(EvaluationError, match="a share within \\[0, 1\\]"):
        proportion_against(5, 10, 3.33)


def test_one_models_accuracy_precision_and_recall_against_a_number_are_exact():
    """paired_bootstrap_confusion with reference=: the counts are known, so no resampling."""
    from nbalign.stats import paired_bootstrap_confusion, proportion_against

    rng = np.random.default_rng(20)
    y = rng.integers(0, 2, 40)
    predicted = np.where(rng.random(40) < 0.85, y, 1 - y)
    tp = int(np.sum((y == 1) & (predicted == 1)))
    for name, successes, trials in (("accuracy", int(np.sum(predicted == y)), 40),
                                    ("recall", tp, int(np.sum(y == 1))),
                                    ("precision", tp, int(np.sum(predicted == 1)))):
        got = paired_bootstrap_confusion(name, y, None, predicted, reference=0.7)
        assert got == proportion_against(successes, trials, 0.7)
    perfect = paired_bootstrap_confusion("recall", y, None, y, reference=0.9)
    assert perfect.estimate == pytest.approx(0.1) and perfect.low < 0 < perfect.high  # not 1.00 to 1.00


@pytest.mark.parametrize("positives, negatives", [(10, 14), (3, 40), (120, 180)])
def test_a_perfect_auc_has_a_score_interval_on_its_effective_rows(positives, negatives):
    """Wilson's interval on min(m, n) trials (the Birnbaum-Klose bound of the AUC's variance),
    checked against scipy's Wilson interval of as many trials all right; and the DeLong path a
    model's own interval takes (against the constant scorer) gives it rather than 1 to 1."""
    from nbalign.stats import RocComponents, auc_interval, delong_of

    n_eff = min(positives, negatives)
    expected = scipy_stats.binomtest(n_eff, n_eff).proportion_ci(method="wilson")
    assert auc_interval(1.0, positives, negatives) == pytest.approx((expected.low, expected.high), abs=1e-15)
    inside = scipy_stats.binomtest(round(0.8 * n_eff), n_eff).proportion_ci(method="wilson")
    assert auc_interval(round(0.8 * n_eff) / n_eff, positives, negatives) == pytest.approx(
        (inside.low, inside.high), abs=1e-14)

    y = np.r_[np.ones(positives), np.zeros(negatives)]
    perfect = stats.roc_components(y + np.linspace(0, 0.5, y.size), y == 1)
    constant = RocComponents(np.full(positives, 0.5), np.full(negatives, 0.5))
    own = delong_of(constant, perfect)
    assert (own.estimate, own.high) == (0.5, 0.5) and own.low == pytest.approx(expected.low - 0.5, abs=1e-15)


def test_near_a_perfect_auc_a_wald_interval_beyond_1_becomes_the_score_interval():
    """One pair out of order on 20 rows: DeLong's Wald interval of the model's own AUC reaches
    above 1; the score interval stays within [0, 1]. Further from the edge, DeLong is kept."""
    from nbalign.stats import RocComponents, auc_interval, delong_of

    y = np.r_[np.ones(10), np.zeros(10)]
    scores = np.r_[np.linspace(1, 2, 10), np.linspace(0, 0.9, 10)]
    scores[0] = 0.85  # the lowest positive now below the top negative: AUC 0.99
    components = stats.roc_components(scores, y == 1)
    constant = RocComponents(np.full(10, 0.5), np.full(10, 0.5))
    own = delong_of(constant, components)
    assert components.auc == pytest.approx(0.99)
    assert (own.low + 0.5, own.high + 0.5) == pytest.approx(auc_interval(0.99, 10, 10), abs=1e-15)
    assert own.high + 0.5 <= 1 and own.method == "score interval (DeLong's variance is 0)"

    rng = np.random.default_rng(5)
    y, _, b = two_scorers(rng, 300)
    far = delong_of(RocComponents(np.full(int(y.sum()), 0.5), np.full(int((1 - y).sum()), 0.5)),
                    stats.roc_components(b, y == 1))
    assert far.method == "DeLong"


def test_resample_counts_are_the_rows_paired_bootstrap_draws_and_are_kept_read_only():
    from nbalign.stats import BOOTSTRAP_BLOCK_BYTES, resample_counts

    size, resamples = 500, 40
    rows = np.random.default_rng(3).integers(0, size, size=(resamples, size))
    expected = np.stack([np.bincount(r, minlength=size) for r in rows])
    assert max(1, BOOTSTRAP_BLOCK_BYTES // (8 * size)) >= resamples  # one block: the draws of one call
    (first,) = resample_counts(size, resamples, 3)
    (again,) = resample_counts(size, resamples, 3)
    assert again is first and not first.flags.writeable  # drawn once; no caller can change them
    np.testing.assert_array_equal(first, expected)


@settings(max_examples=60, deadline=None)
@given(scores=st.lists(st.integers(0, 4), min_size=2, max_size=300), share=st.floats(0.0, 1.0),
       seed=st.integers(0, 2**16))
def test_a_resampled_top_share_is_the_decision_on_the_drawn_rows(scores, share, seed):
    """On each resample, the cases the top share reaches are those nbalign.business.acted reaches
    on the drawn rows (few distinct scores: ties at the cut, shared in part; up to 300 rows: the
    cut found within the first rows in score order)."""
    from nbalign.business import acted, counts
    from nbalign.stats import resample_counts, resampled_top_share

    scores = np.asarray(scores, dtype=float)
    positive = (np.arange(scores.size) * 7 + seed) % 3 == 0
    top = resampled_top_share(scores, positive, share, n_resamples=5, seed=seed)
    (drawn,) = resample_counts(scores.size, 5, seed)
    for r, times in enumerate(drawn):
        rows = np.repeat(np.arange(scores.size), times)
        tp, fp, fn, _ = counts(positive[rows], acted(scores[rows], share=share))
        assert (top.true[r], top.other[r], top.positives[r]) == pytest.approx((tp, fp, tp + fn), abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(5, 400), st.floats(-0.3, 0.3), st.sampled_from([None, 1, 2]),
       st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.999]))
def test_a_bootstraps_p_value_and_percentile_interval_are_a_matched_pair(seed, size, shift, decimals, confidence):
    """The percentile interval at any level excludes 0 exactly when the p-value is below 1 - level,
    ties at 0 included (rounded differences)."""
    differences = np.random.default_rng(seed).normal(shift, 0.1, size)
    if decimals is not None:
        differences = np.round(differences, decimals)
    if differences.max() - differences.min() <= 1e-12:
        return  # no spread: refused, not tested
    d = stats._bootstrap_difference("test", float(differences.mean()), differences, confidence, size, "m")
    assert (d.low > 0 or d.high < 0) == (d.p_value < 1 - confidence), (d, confidence)
