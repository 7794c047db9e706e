"""Which paired test each metric gets, on kept predictions, and how the judge uses the results."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import stats as scipy_stats
from sklearn import metrics as skm

from nbalign import comparison
from nbalign.comparison import Comparisons, compare
from nbalign.errors import EvaluationError
from nbalign.evaluation import Evaluation
from nbalign.judge import Judge
from nbalign.judge.wire import summary_view
from nbalign.metrics import resolve_metric
from nbalign.objective import parse_objective
from nbalign.predictions import keep
from nbalign.predictions import test_set as labels_of
from nbalign.store import Store


def binary(n=1500, seed=0, noise=(1.2, 1.1)):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    shared = rng.normal(0, 0.6, n)
    return y, y + shared + rng.normal(0, noise[0], n), y + shared + rng.normal(0, noise[1], n)


def probability(score):
    return 1 / (1 + np.exp(-2 * (score - 0.5)))


@pytest.mark.parametrize("name, response, method, reference", [
    ("auc", "decision_function", "DeLong", skm.roc_auc_score),
    ("ap", "decision_function", "jackknife of average precision", skm.average_precision_score),
    ("log_loss", "predict_proba", "paired t", skm.log_loss),
    ("brier", "predict_proba", "paired t", skm.brier_score_loss),
    ("accuracy", "predict", "McNemar", skm.accuracy_score),
    ("f1", "predict", "paired bootstrap of f1", skm.f1_score),
    ("mcc", "predict", "paired bootstrap of matthews corrcoef", skm.matthews_corrcoef),
    ("balanced_accuracy", "predict", "paired bootstrap of balanced accuracy", skm.balanced_accuracy_score),
    ("jaccard", "predict", "paired bootstrap of jaccard", skm.jaccard_score),
])
def test_each_metric_gets_its_test_and_the_estimate_is_the_metric_difference(name, response, method, reference):
    y, a, b = binary()
    if response == "predict_proba":
        a, b = probability(a), probability(b)
    elif response == "predict":
        a, b = (a > 0.5).astype(int), (b > 0.5).astype(int)
    labels = labels_of("fp", y, None)
    difference = compare(resolve_metric(name), labels, keep(response, b, None), keep(response, a, None))
    a32, b32 = np.float32(a), np.float32(b)  # what the store keeps
    assert difference.method.startswith(method)
    # within float32 rounding: the metric of the kept values, computed in float64
    assert difference.estimate == pytest.approx(reference(y, b32) - reference(y, a32), abs=1e-6)
    assert difference.low < difference.estimate < difference.high and 0 < difference.p_value <= 1
    assert difference.n == len(y)


@pytest.mark.parametrize("name, function", [("rmse", skm.root_mean_squared_error),
                                            ("mae", skm.mean_absolute_error), ("r2", skm.r2_score)])
def test_regression_metrics_in_their_own_units(name, function):
    rng = np.random.default_rng(1)
    y = rng.normal(0, 10, 800)
    a, b = y + rng.normal(0, 5, 800), y + rng.normal(0, 4, 800)
    difference = compare(resolve_metric(name), labels_of("r", y, None), keep("predict", b, None),
                         keep("predict", a, None))
    expected = function(y, np.float32(b)) - function(y, np.float32(a))
    assert difference.estimate == pytest.approx(expected, rel=1e-6)
    better = difference.high < 0 if name != "r2" else difference.low > 0  # b has less error
    assert better


def test_against_a_stated_number_the_interval_is_the_models_own():
    """A baseline stated as a number: DeLong's interval of one AUC, checked against its O(m*n)
    definition (the structural components by brute force)."""
    y, _, b = binary(n=300, seed=3)
    positives, negatives = b[y == 1], b[y == 0]
    pairs = (positives[:, None] > negatives[None, :]) + 0.5 * (positives[:, None] == negatives[None, :])
    auc = pairs.mean()
    variance = pairs.mean(axis=1).var(ddof=1) / len(positives) + pairs.mean(axis=0).var(ddof=1) / len(negatives)
    difference = compare(resolve_metric("auc"), labels_of("fp", y, None), keep("decision_function", b, None),
                         reference=0.7)
    half = 1.959963984540054 * variance**0.5
    assert difference.estimate == pytest.approx(auc - 0.7, abs=1e-6)
    assert (difference.low, difference.high) == pytest.approx((auc - 0.7 - half, auc - 0.7 + half), abs=1e-6)


def test_a_large_test_set_is_bootstrapped_on_a_subset_and_rescaled(monkeypatch):
    y, a, b = binary(n=16_000, seed=5)
    metric, labels = top_share_metric("recall_at_k", 0.3), labels_of("fp", y, None)
    full = compare(metric, labels, keep("decision_function", b, None), keep("decision_function", a, None))
    monkeypatch.setattr(comparison, "BOOTSTRAP_ROWS", 4_000)
    rescaled = compare(metric, labels, keep("decision_function", b, None), keep("decision_function", a, None))
    assert "on 4,000 of 16,000 rows, rescaled" in rescaled.method
    assert rescaled.estimate == pytest.approx(full.estimate, abs=1e-6)  # the estimate is on every row
    width, full_width = rescaled.high - rescaled.low, full.high - full.low
    assert 0.75 < width / full_width < 1.33


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_a_moved_interval_keeps_its_p_value_dual(confidence):
    """A test rescaled to the whole test set, centred on the records' scores or shifted to a
    reference gets the normal p-value its interval implies on the side toward 0: the interval
    excludes 0 exactly when p < 1 - confidence, for asymmetric intervals too (Tango's, a
    percentile interval, a score interval), and an estimate outside its interval."""
    rng = np.random.default_rng(21)
    for _ in range(2000):
        estimate = rng.normal(0, 1)
        below, above = rng.exponential(1, 2) * rng.choice([1, 1, 1, 0, -0.2], 2)  # lopsided, one side 0, or outside
        moved = comparison._with_normal_p(comparison.Difference(estimate, estimate - below, estimate + above, 0.5,
                                                                "m", 10), confidence)
        assert (moved.low > 0 or moved.high < 0) == (moved.p_value < 1 - confidence), moved
    symmetric = comparison._with_normal_p(comparison.Difference(0.3, 0.1, 0.5, 0.5, "m", 10), 0.95)
    assert symmetric.p_value == pytest.approx(2 * scipy_stats.norm.sf(0.3 / (0.2 / scipy_stats.norm.ppf(0.975))))
    # Tango's interval on a kept subset of the rows, centred on the records' scores: still dual
    tango = comparison.Difference(0.0125, 0.0002, 0.0312, 0.04, "McNemar", 800)
    assert comparison._with_normal_p(tango, 0.95).p_value < 0.05


def record(name, score, kept, labels, id, complexity=None, role="model"):
    return Evaluation("churn", 1, name, "Est", {}, "auc", score, n_rows=len(labels.labels), data_fingerprint="fp",
                      model_id=name, role=role, id=id, kept=kept, test_set=labels, complexity=complexity)


def test_tests_are_remembered_in_the_store_and_not_run_again(tmp_path):
    y, a, b = binary()
    labels = labels_of("fp", y, None)
    first = record("a", skm.roc_auc_score(y, a), keep("decision_function", a, None), labels, 1)
    second = record("b", skm.roc_auc_score(y, b), keep("decision_function", b, None), labels, 2)
    kept = {r.key: (r.kept, r.test_set) for r in (first, second)}
    store = Store(tmp_path / "nbalign.db")
    memory = type("Memory", (), {"get": lambda self, k: store.difference(k),
                                 "put": lambda self, k, d: store.remember_difference(k, d)})()
    metric = resolve_metric("auc")
    one = Comparisons(lambda e: kept[e.key], 0.95, memory)
    difference = one.between(metric, second, first)
    assert one.between(metric, second, first) is difference and one.tests_run == 1
    again = Comparisons(lambda e: pytest.fail("nothing is loaded: the store remembers"), 0.95, memory)
    assert again.between(metric, second, first) == difference and again.tests_run == 0
    other_level = Comparisons(lambda e: kept[e.key], 0.90, memory)
    assert other_level.between(metric, second, first).high < difference.high  # another level, another test


def judged(scores_and_predictions, objective_text, y):
    labels = labels_of("fp", y, None)
    records = [record(name, skm.roc_auc_score(y, p), keep("decision_function", p, None), labels, i,
                      complexity={"size_bytes": size})
               for i, (name, p, size) in enumerate(scores_and_predictions, start=1)]
    kept = {r.key: (r.kept, r.test_set) for r in records}
    comparisons = Comparisons(lambda e: kept[e.key], 0.95)
    judge = Judge(parse_objective(objective_text), [r.without_predictions() for r in records], comparisons)
    return judge.standing(), comparisons


def test_a_point_gain_over_min_gain_that_is_noise_is_not_a_real_gain():
    """Two models of nearly equal skill on 200 rows: the second's point gain clears min_gain but
    its interval holds 0, so it is "not distinguishable", with the gain these rows could detect;
    and as its interval still reaches min_gain it is no evidence that returns diminish."""
    from scipy import special

    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 200)
    shared = rng.normal(0, 1, 200)
    a = y + shared + rng.normal(0, 0.9, 200)
    b = y + shared + rng.normal(0, 0.9, 200)
    if skm.roc_auc_score(y, b) < skm.roc_auc_score(y, a):
        a, b = b, a
    standing, _ = judged([("a", a, 100), ("b", b, 100)], "metric: auc\nbaseline: 0.5\nstop:\n  min_gain: 0.001", y)
    row = standing.rows[-1]
    assert row.change_vs_best >= 0.001 and row.vs_best.low < 0 < row.vs_best.high
    assert row.verdict == "no_gain" and not row.facts.real_gain
    assert row.facts.evidence == "undecided" and row.facts.stalled == 0
    assert standing.summary.best.name == "b"  # the best by its score, not a claim it is better
    # the smallest gain the rows detect 80% of the time, by hand from the interval's standard error
    z = special.ndtri(0.975)
    detectable = (z + special.ndtri(0.8)) * (row.vs_best.high - row.vs_best.low) / (2 * z)
    (finding,) = [f for f in row.findings if f.code == "NBA302"]
    assert f"these 200 test rows detect a gain of +{detectable:.3f} or more 80% of the time" in finding.message


def test_the_model_to_ship_is_the_simplest_shown_not_worse_than_the_best_by_min_gain():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 6000)
    shared = y + rng.normal(0, 1.0, 6000)
    big, small = shared + rng.normal(0, 0.25, 6000), shared + rng.normal(0, 0.25, 6000)
    if skm.roc_auc_score(y, small) > skm.roc_auc_score(y, big):
        big, small = small, big  # the more complex one is the best, by a hair
    worse = y + rng.normal(0, 3.0, 6000)
    text = "metric: auc\nbaseline: 0.5\nstop:\n  min_gain: 0.01\n  patience: 2"
    # cheapest first by size: "weak" is simplest but clearly worse; "small" is as good as "big"
    standing, _ = judged([("big", big, 9_000_000), ("weak", worse, 10), ("small", small, 5_000)], text, y)
    row = standing.rows[-1]
    assert [r.facts.evidence for r in standing.rows[1:]] == ["short", "short"]
    assert row.facts.stalled == 2
    assert row.facts.adequate.name == "small"
    lead = row.facts.best_over_adequate  # shown under min_gain: non-inferior
    assert row.facts.metric.sign * lead.high < 0.01
    banner = row.banner
    assert banner.code == "NBA303" and "Ship small (" in banner.message
    assert "big: " in banner.message and "over small (95% CI" in banner.message and "1,800x the size" in banner.message
    assert "shown not worse than big by min_gain 0.010" in banner.message
    assert standing.ship.why == "simplest" and standing.ship.record.name == "small"


def test_a_simpler_model_the_rows_cannot_tell_is_not_shipped_and_returns_do_not_diminish():
    """Non-inferiority, not absence of evidence: on 300 rows a simpler model as good as the best
    is neither beaten nor shown within min_gain. The best is shipped, the reason says the rows
    cannot tell, NBA303 never fires, and NBA107 says how many rows would detect min_gain."""
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 300)
    shared = y + rng.normal(0, 1.0, 300)
    big, small = shared + rng.normal(0, 0.8, 300), shared + rng.normal(0, 0.8, 300)
    if skm.roc_auc_score(y, small) > skm.roc_auc_score(y, big):
        big, small = small, big
    text = "metric: auc\nbaseline: 0.5\nstop:\n  min_gain: 0.01\n  patience: 1"
    standing, _ = judged([("small", small, 5_000), ("big", big, 9_000_000)], text, y)
    assert all(r.facts.evidence == "undecided" for r in standing.rows[1:])
    assert all(f.code != "NBA303" for r in standing.rows for f in r.findings)
    ship = standing.ship
    assert ship.why == "undecided" and ship.record.name == "big"
    assert "whether the simpler small does as well, these test rows cannot tell" in ship.reason
    (nba107,) = [f for f in standing.findings if f.code == "NBA107"]
    assert "rows detect a gain in ROC AUC 80% of the time only from" in nba107.message
    assert "test rows would detect min_gain" in nba107.message


def test_a_model_a_hair_below_a_stated_baseline_is_within_the_noise_and_says_so_with_the_digits():
    """The review's case: 0.0004 below the baseline read "0.738, worse than the baseline 0.738"."""
    y, a, _ = binary(n=1000, seed=2)
    auc = skm.roc_auc_score(y, np.float32(a))
    baseline = round(auc + 0.0004, 4)
    standing, _ = judged([("m", a, 100)], f"metric: auc\nbaseline: {baseline}", y)
    row = standing.rows[0]
    assert row.verdict == "first" and [f.code for f in row.findings] == ["NBA304"]
    message = row.findings[0].message
    first, second = f"{auc:.4f}", f"{baseline:.4f}"
    assert f"m scores {first} against the baseline's {second}, a difference of −0.000" in message
    assert re.search(r"a difference of −0\.000[1-9]", message), message  # the digits it talks about
    assert "(95% CI −0.0" in message and "inside the noise" in message


def test_target_reached_says_whether_it_holds_with_confidence():
    y, _, b = binary(n=2000, seed=4, noise=(0.5, 0.5))
    auc = skm.roc_auc_score(y, np.float32(b))
    sure, _ = judged([("m", b, 100)], f"metric: auc\nbaseline: 0.5\ntarget: {auc - 0.05:.3f}", y)
    assert sure.summary.banner.code == "NBA305"
    assert "It holds with confidence (95% interval" in sure.summary.banner.message
    just, _ = judged([("m", b, 100)], f"metric: auc\nbaseline: 0.5\ntarget: {auc - 0.001:.4f}", y)
    assert just.summary.banner.code == "NBA305"
    assert "Its interval still reaches below the target (95% interval" in just.summary.banner.message


def test_the_claim_against_the_baseline_is_corrected_for_the_models_compared():
    """One procedure for the verdict and its interval: Bonferroni's interval at 1 - 0.05 / k and
    the p-value k x p, which agree, and the label says so."""
    y, a, b = binary(n=1500, seed=6, noise=(1.0, 0.9))
    rng = np.random.default_rng(6)
    models = [("a", a, 10), ("b", b, 20)] + [(f"n{i}", y + rng.normal(0, 2.5, len(y)), 30) for i in range(3)]
    text = "metric: auc\nbaseline: 0.5\ntarget: 0.99"
    standing, _ = judged(models, text, y)
    summary = standing.summary
    view = summary_view(standing)
    claim = view["best_vs_baseline"]
    own = summary.best.vs_baseline
    assert summary.models_compared == 5 and claim["models_compared"] == 5 and claim["correction"] == "Bonferroni"
    assert claim["high"] - claim["low"] > own.high - own.low  # at 1 - 0.05/5
    assert claim["p_adjusted"] == pytest.approx(min(1, 5 * own.p_value)) and claim["verdict"] == "better"
    assert (claim["p_adjusted"] < 0.05) == (claim["low"] > 0)
    assert view["progress_interval_label"] == "95% CI for the best of 5 models (99% each, Bonferroni)"
    low, high = summary.progress_interval
    assert low < summary.progress < high
    assert view["progress_interval"] == [low, high]


def test_the_baseline_model_is_not_a_comparison_with_itself():
    """`baseline: first`: the first model is the baseline; the family is the models after it."""
    y, a, b = binary(n=800, seed=5, noise=(1.0, 0.9))
    if skm.roc_auc_score(y, a) > skm.roc_auc_score(y, b):
        a, b = b, a
    standing, _ = judged([("a", a, 10), ("b", b, 20)], "metric: auc\nbaseline: first", y)
    assert standing.summary.best.name == "b"
    assert standing.summary.models_compared == 1
    assert summary_view(standing)["best_vs_baseline"]["correction"] == "none"


def test_many_models_on_one_test_set_are_flagged_once_as_reuse():
    from nbalign.judge import REUSE_LIMIT

    y, a, _ = binary(n=400, seed=9)
    rng = np.random.default_rng(9)
    models = [(f"m{i}", a + rng.normal(0, 0.3, len(y)), 10) for i in range(REUSE_LIMIT + 3)]
    standing, _ = judged(models, "metric: auc\nbaseline: 0.5", y)
    flagged = [r.name for r in standing.rows if any(f.code == "NBA202" for f in r.findings)]
    assert flagged == [f"m{REUSE_LIMIT}"]  # the 21st model, once
    assert standing.summary.models_compared == REUSE_LIMIT + 3
    message = standing.rows[REUSE_LIMIT].findings[0].message
    assert f"{REUSE_LIMIT + 1} models have now been compared on this test set" in message


def test_models_are_measured_against_the_baseline_model_until_one_beats_it_and_it_can_be_the_one_to_ship():
    """`baseline: auto`: the linear baseline is the first thing to beat. Three models of the same
    skill bring no real gain over it: the banner says to ship the baseline itself."""
    from nbalign.plotting import plot_progress

    rng = np.random.default_rng(12)
    y = rng.integers(0, 2, 3000)
    shared = y + rng.normal(0, 1, 3000)
    labels = labels_of("fp", y, None)
    def scored(name, id, size, role="model"):
        p = shared + rng.normal(0, 0.3, 3000)
        return Evaluation("churn", 1, name, "Est", {}, "auc", skm.roc_auc_score(y, np.float32(p)), n_rows=3000,
                          data_fingerprint="fp", model_id=name, role=role, id=id,
                          kept=keep("decision_function", p, None), test_set=labels,
                          complexity={"size_bytes": size, "predict_ms_per_1k": size / 1000})
    records = [scored("linear baseline", 1, 5_000, role="baseline"), scored("tree", 2, 30_000),
               scored("forest", 3, 9_000_000), scored("boosting", 4, 400_000)]
    kept = {r.key: (r.kept, r.test_set) for r in records}
    text = ("metric: auc\ntarget: 0.99\nbaseline: auto\ndata:\n  train: X, y\n  test: X_test, y_test\n"
            "stop:\n  min_gain: 0.01\n  patience: 3")
    judge = Judge(parse_objective(text), [r.without_predictions() for r in records],
                  Comparisons(lambda e: kept[e.key], 0.95))
    standing = judge.standing()
    models = [r for r in standing.rows if r.role == "model"]
    first = models[0]
    assert first.best_before_name == "linear baseline" and first.verdict == "no_gain" and first.facts.stalled == 1
    assert [r.facts.stalled for r in models] == [1, 2, 3]
    banner = standing.summary.banner
    assert banner.code == "NBA303" and "Ship linear baseline (" in banner.message, banner.message
    assert standing.summary.baseline_id == 1
    costs = plot_progress(standing).axes[1]
    labels_drawn = [c.get_label() for c in costs.collections]
    assert "baseline model: linear baseline" in labels_drawn and "ship: linear baseline" in labels_drawn
    ship = next(c for c in costs.collections if c.get_label() == "ship: linear baseline")
    assert tuple(ship.get_offsets()[0]) == pytest.approx((5.0, records[0].score))


@pytest.mark.parametrize("name", ["auc", "ap"])
def test_a_model_compared_with_several_others_is_ranked_once(name, monkeypatch):
    """What a test computes of one model (DeLong's components, average precision left out) is
    kept with its predictions: a second comparison of the same model does not compute it again,
    and gives what a fresh computation gives."""
    from nbalign import stats

    y, a, b = binary(n=900, seed=4)
    c = b + np.random.default_rng(5).normal(0, 0.4, y.size)
    metric = resolve_metric(name)
    labels = labels_of("f", y, None)
    kept = {k: keep("decision_function", v, None, None) for k, v in (("a", a), ("b", b), ("c", c))}
    fresh = {pair: compare(metric, labels, keep("decision_function", {"a": a, "b": b, "c": c}[pair[1]], None, None),
                           keep("decision_function", {"a": a, "b": b, "c": c}[pair[0]], None, None))
             for pair in (("a", "b"), ("b", "c"))}
    computed = []
    for function in ("roc_components", "average_precision_left_out"):
        original = getattr(stats, function)
        monkeypatch.setattr(stats, function, lambda *args, _f=original, **kw: computed.append(1) or _f(*args, **kw))
    first = compare(metric, labels, kept["b"], kept["a"])
    second = compare(metric, labels, kept["c"], kept["b"])
    assert len(computed) == 3  # a, b, c: b once for both comparisons
    assert (first, second) == (fresh[("a", "b")], fresh[("b", "c")])


# ------------------------------------------------------------------ a decision by a top share


def top_share_metric(name, share=0.2):
    from nbalign.business import Action, ValueMatrix
    from nbalign.metrics import bind_business

    value = ValueMatrix(tp=160, fp=-20, fn=0, tn=0) if name == "business_value" else None
    return bind_business(resolve_metric(name), Action("call", "top", share=share), None, value)


@pytest.fixture(scope="module")
def cancer_models():
    """Breast cancer (212 malignant of 569), held-out scores of three models: a logistic
    regression (almost no ties), a depth-2 tree (four distinct scores: ties everywhere, at the
    cut too) and a constant model (one block of ties)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # malignant is the case to act on
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.6, stratify=y, random_state=0)
    linear = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X_train, y_train)
    scores = {"linear": linear.predict_proba(X_test)[:, 1], "tree": tree.predict_proba(X_test)[:, 1],
              "constant": np.full(y_test.size, 0.37)}
    return y_test, scores


@pytest.mark.parametrize("name", ["recall_at_k", "precision_at_k", "business_value"])
@pytest.mark.parametrize("b, a", [("linear", "tree"), ("tree", "constant"), ("linear", None)])
def test_a_top_share_is_tested_in_score_order_with_the_generic_bootstraps_numbers(cancer_models, name, b, a):
    """The same resamples as the paired bootstrap of the scorer's function, so the same numbers:
    the estimate exactly (it is the scorer's own), the interval ends to rounding (1e-12: a
    resample's recall is summed in another order), the same p-value and words. Ties at the cut
    (the tree, the constant model) count in part, as nbalign.business.acted counts them."""
    from nbalign.comparison import _by_bootstrap, _Pair

    y, scores = cancer_models
    metric, labels = top_share_metric(name), labels_of("bc", y, None)
    kept_b = keep("predict_proba", scores[b], None)
    kept_a = None if a is None else keep("predict_proba", scores[a], None)
    reference = 0.5 if a is None else None
    pair = _Pair(labels, keep("predict_proba", scores[b], None),
                 None if a is None else keep("predict_proba", scores[a], None))
    try:
        generic = _by_bootstrap(metric, pair, reference, 0.95)
    except EvaluationError as refused:  # every resample alike (a precision of 1 in the top 20%): refused alike
        with pytest.raises(EvaluationError, match=re.escape(str(refused))):
            compare(metric, labels, kept_b, kept_a, reference=reference)
        return
    fast = compare(metric, labels, kept_b, kept_a, reference=reference)
    assert any("top_share" in key for key in kept_b.derived)  # the fast test ran, not the generic one
    assert fast.estimate == generic.estimate
    assert (fast.low, fast.high) == pytest.approx((generic.low, generic.high), abs=1e-12)
    assert (fast.p_value, fast.method, fast.n) == (generic.p_value, generic.method, generic.n)


def test_recall_in_a_top_share_is_the_count_of_true_cases_among_the_highest_scores(cancer_models):
    """The estimate against a number computed apart: the true cases among the round(0.2 n) highest
    scores of the logistic regression (no tie at its cut), over the true cases."""
    y, scores = cancer_models
    places = math.floor(0.2 * y.size + 0.5)
    top = np.argsort(-np.float32(scores["linear"]), kind="stable")[:places]
    expected = y[top].sum() / y.sum()
    difference = compare(top_share_metric("recall_at_k"), labels_of("bc", y, None),
                         keep("predict_proba", scores["linear"], None), reference=0.0)
    assert difference.estimate == pytest.approx(expected, abs=1e-15)
    assert 0 < difference.low < expected < difference.high < 1


def test_a_large_test_sets_top_share_is_bootstrapped_on_the_generic_subset(monkeypatch):
    """Above BOOTSTRAP_ROWS rows: the same fixed subset, rescaled, as the generic bootstrap."""
    from nbalign.comparison import _by_bootstrap, _Pair

    monkeypatch.setattr(comparison, "BOOTSTRAP_ROWS", 1_000)
    y, a, b = binary(n=3_000, seed=8)
    metric, labels = top_share_metric("recall_at_k", 0.3), labels_of("fp", y, None)
    fast = compare(metric, labels, keep("decision_function", b, None), keep("decision_function", a, None))
    generic = _by_bootstrap(metric, _Pair(labels, keep("decision_function", b, None),
                                          keep("decision_function", a, None)), None, 0.95)
    assert "on 1,000 of 3,000 rows, rescaled" in fast.method and fast.method == generic.method
    assert fast.estimate == generic.estimate
    assert (fast.low, fast.high, fast.p_value) == pytest.approx((generic.low, generic.high, generic.p_value),
                                                                abs=1e-12)


def test_a_models_top_share_resamples_are_computed_once(cancer_models, monkeypatch):
    from nbalign import stats

    y, scores = cancer_models
    metric, labels = top_share_metric("recall_at_k"), labels_of("bc", y, None)
    kept = {k: keep("predict_proba", v, None) for k, v in scores.items()}
    computed = []
    original = stats.resampled_top_share
    monkeypatch.setattr(stats, "resampled_top_share", lambda *a, **kw: computed.append(1) or original(*a, **kw))
    compare(metric, labels, kept["linear"], kept["tree"])
    compare(metric, labels, kept["linear"], kept["constant"])
    compare(metric, labels, kept["linear"], reference=0.4)
    assert len(computed) == 3  # linear, tree, constant: linear once for all three comparisons


def test_the_kinds_that_take_a_top_share_name_its_test():
    assert resolve_metric("recall_at_k").kind.paired_test == "top_share_bootstrap"
    assert resolve_metric("precision_at_k").kind.paired_test == "top_share_bootstrap"
    assert resolve_metric("business_value").kind.paired_test == "decision_values"  # which hands a share over


def test_average_precision_left_out_is_every_row_left_out_and_its_jackknife_is_the_bootstraps_spread():
    """Average precision with each row left out equals scikit-learn's on the rows left (ties
    included); the jackknife's interval of a paired difference is about the paired bootstrap's
    on real data (breast cancer: two models, one of them with tied scores)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier

    from nbalign.stats import average_precision_left_out, paired_bootstrap_average_precision

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)
    linear = LogisticRegression(max_iter=5000).fit(X_train, y_train).decision_function(X_test)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train).predict_proba(X_test)[:, 1]
    positive = y_test == 1
    for scores in (linear, tree):
        left = average_precision_left_out(scores, positive)
        assert left.estimate == pytest.approx(skm.average_precision_score(y_test, scores), abs=1e-15)
        keep_rows = np.ones(y_test.size, dtype=bool)
        for row in range(0, y_test.size, 7):
            keep_rows[row] = False
            assert left.left_out[row] == pytest.approx(
                skm.average_precision_score(y_test[keep_rows], scores[keep_rows]), abs=1e-12)
            keep_rows[row] = True
    labels = labels_of("fp", y_test, None)
    jackknife = compare(resolve_metric("ap"), labels, keep("decision_function", tree, None),
                        keep("decision_function", linear, None))
    bootstrap = paired_bootstrap_average_precision(y_test, linear, tree, n_resamples=4000)
    assert jackknife.method == "jackknife of average precision"
    assert jackknife.estimate == pytest.approx(bootstrap.estimate, abs=1e-6)
    assert 0.8 < (jackknife.high - jackknife.low) / (bootstrap.high - bootstrap.low) < 1.25
