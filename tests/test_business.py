"""Money and KPI (nbalign.business): value, decision, threshold, KPI projection, derived target.

Every figure is checked against a computation by hand (a confusion matrix from scikit-learn, a
brute force over thresholds, the projection formula written out) on real data: scikit-learn's
breast cancer set (the ``cancer`` fixture) or ``make_classification``. Nothing of nbalign is mocked.

Sections:
  1. the decision and its value (value_at, acted, recall_at, precision_at, the bound metrics)
  2. a regression's priced errors (ErrorCost)
  3. the value-maximising threshold (best_threshold)
  4. tuning on the training data only (measure, tune_threshold)
  5. the KPI projection (project_kpi, required_recall)
  6. `target: from kpi`, declared and evaluated through a real shell
  7. NBA108: a KPI target the action cannot reach
  8. parsing: messages with the line and the fix; round trips through JSON
  9. paired tests of the business metrics (nbalign.comparison)
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.metrics import confusion_matrix, precision_score, recall_score
from test_objective import assert_refused  # the one helper for refused objectives

import nbalign
from nbalign import business, format, predictions
from nbalign.business import (
    ErrorCost,
    Population,
    ValueMatrix,
    acted,
    best_threshold,
    errors_value,
    precision_at,
    project_kpi,
    recall_at,
    required_recall,
    tune_threshold,
    value_at,
)
from nbalign.comparison import compare
from nbalign.errors import ObjectiveError
from nbalign.metrics import bind_business, resolve_metric
from nbalign.objective import STORAGE_FORM, Objective, parse_objective
from nbalign.predictions import keep
from nbalign.session import active_session

PRICES = {"tp": 180.0, "fp": -20.0, "fn": -200.0, "tn": 0.0}  # a churn campaign, per customer
MATRIX = ValueMatrix(**PRICES)


def hand_value(y, flagged, prices=PRICES) -> float:
    """Value per case of acting on ``flagged`` rows, from scikit-learn's confusion matrix."""
    tn, fp, fn, tp = confusion_matrix(np.asarray(y), np.asarray(flagged, dtype=int), labels=[0, 1]).ravel()
    return (prices["tp"] * tp + prices["fp"] * fp + prices["fn"] * fn + prices["tn"] * tn) / len(flagged)


def top_rows(scores, share: float) -> np.ndarray:
    """1 for the round(share x n) highest scores (half up), 0 elsewhere; scores must not tie."""
    places = math.floor(share * len(scores) + 0.5)
    flagged = np.zeros(len(scores), dtype=int)
    flagged[np.argsort(-np.asarray(scores))[:places]] = 1
    return flagged


@pytest.fixture(scope="module")
def scored(cancer):
    """The logistic regression's test-set probabilities of class 1 (no two alike) and the labels."""
    scores = cancer["logreg"].predict_proba(cancer["X_test"])[:, 1]
    assert len(np.unique(scores)) == len(scores)  # the share tests below need a ranking without ties
    return np.asarray(cancer["y_test"]), scores


# ------------------------------------------------------------------ 1. the decision and its value


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.5, 0.9, 0.999])
def test_value_at_a_threshold_is_the_confusion_matrix_priced(scored, threshold):
    y, scores = scored
    flagged = scores >= threshold
    assert value_at(y, scores, **PRICES, threshold=threshold) == pytest.approx(hand_value(y, flagged))


@pytest.mark.parametrize("share", [0.1, 0.2, 0.37, 0.8, 1.0])
def test_value_at_a_top_share_is_the_confusion_matrix_of_the_top_rows(scored, share):
    y, scores = scored
    assert value_at(y, scores, **PRICES, share=share) == pytest.approx(hand_value(y, top_rows(scores, share)))


@pytest.mark.parametrize("share", [0.1, 0.2, 0.5])
def test_recall_and_precision_at_a_top_share_agree_with_scikit_learn(scored, share):
    y, scores = scored
    flagged = top_rows(scores, share)
    assert recall_at(y, scores, share=share) == pytest.approx(recall_score(y, flagged))
    assert precision_at(y, scores, share=share) == pytest.approx(precision_score(y, flagged))


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.95])
def test_recall_and_precision_at_a_threshold_agree_with_scikit_learn(scored, threshold):
    y, scores = scored
    flagged = (scores >= threshold).astype(int)
    assert recall_at(y, scores, threshold=threshold) == pytest.approx(recall_score(y, flagged))
    assert precision_at(y, scores, threshold=threshold) == pytest.approx(precision_score(y, flagged))


def test_a_constant_score_reaches_exactly_the_share_of_every_row():
    _, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    weights = acted(np.full(200, 0.5), share=0.2)
    assert np.array_equal(weights, np.full(200, 0.2))  # 40 places shared by 200 rows alike
    assert recall_at(y, np.full(200, 0.5), share=0.2) == pytest.approx(0.2)
    assert precision_at(y, np.full(200, 0.5), share=0.2) == pytest.approx(y.mean())


def test_rows_tied_at_the_cut_share_the_places_left_equally():
    scores = np.array([0.9, 0.5, 0.5, 0.5, 0.1])
    weights = acted(scores, share=0.4)  # 2 places: 0.9 takes one, three rows tie for the other
    assert weights.tolist() == pytest.approx([1, 1 / 3, 1 / 3, 1 / 3, 0])
    positive = np.array([0, 1, 0, 0, 1])
    assert recall_at(positive, scores, share=0.4) == pytest.approx((1 / 3) / 2)


def test_acting_on_nobody_or_everybody_by_share():
    y = np.array([1, 0, 1, 0])
    assert acted([0.4, 0.3, 0.2, 0.1], share=0.1).tolist() == [0, 0, 0, 0]  # round(0.4) = 0 places
    assert acted([0.4, 0.3, 0.2, 0.1], share=1.0).tolist() == [1, 1, 1, 1]
    assert value_at(y, [0.4, 0.3, 0.2, 0.1], **PRICES, share=1.0) == pytest.approx((180 - 20 + 180 - 20) / 4)


def test_the_metric_bound_to_the_action_scores_what_the_functions_compute(cancer, scored):
    """The objective's recall_at_k / precision_at_k / business_value scorers, on a real model."""
    y, scores = scored
    model, X = cancer["logreg"], cancer["X_test"]
    recall = parse_objective("metric: recall_at_k\naction:\n  contact: top 20%").metric
    precision = parse_objective("metric: precision_at_k\naction:\n  call: score >= 0.3").metric
    value = parse_objective("metric: business_value\nvalue:\n  tp: $180\n  fp: -$20\n  fn: -$200\n  tn: 0\n"
                            "population: 12,000 customers per quarter\naction:\n  contact: top 1,200").metric
    assert (recall.label, precision.label) == ("recall in the top 20%", "precision at score ≥ 0.30")
    assert value.label == "business value per case (top 10%)" and value.kwargs["share"] == pytest.approx(0.1)
    assert recall.score(model, X, y)[0] == pytest.approx(recall_score(y, top_rows(scores, 0.2)))
    assert precision.score(model, X, y)[0] == pytest.approx(precision_score(y, scores >= 0.3))
    assert value.score(model, X, y)[0] == pytest.approx(hand_value(y, top_rows(scores, 0.1)))


def test_value_per_row_weights_acted_and_left_alone():
    positive = np.array([True, True, False, False])
    weights = np.array([1.0, 0.25, 1.0, 0.0])
    expected = [180, 0.25 * 180 + 0.75 * -200, -20, 0]
    assert MATRIX.per_row(positive, weights).tolist() == pytest.approx(expected)
    assert MATRIX.per_case(*business.counts(positive, weights)) == pytest.approx(np.mean(expected))


# ------------------------------------------------------------------ 2. a regression's priced errors


@pytest.fixture(scope="module")
def diabetes():
    """A linear regression's test-set predictions of scikit-learn's diabetes progression."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = LinearRegression().fit(X_train, y_train)
    return model, X_test, y_test, model.predict(X_test)


def test_error_cost_prices_under_and_over_prediction_differently(diabetes):
    _, _, y, predicted = diabetes
    under, over = 3.0, 0.5
    by_hand = []
    for truth, guess in zip(y, predicted, strict=True):
        if guess < truth:
            by_hand.append(-under * (truth - guess))  # predicted too low: each unit costs 3
        else:
            by_hand.append(-over * (guess - truth))  # too high: each unit costs 0.5
    assert ErrorCost(under=under, over=over).per_row(y, predicted).tolist() == pytest.approx(by_hand)
    assert errors_value(y, predicted, under=under, over=over) == pytest.approx(np.mean(by_hand))
    # swapping the prices changes the value: the data has errors both ways
    assert errors_value(y, predicted, under=over, over=under) != pytest.approx(np.mean(by_hand))


def test_a_regression_objective_measures_the_value_of_its_errors(diabetes):
    model, X, y, predicted = diabetes
    objective = parse_objective("metric: rmse\nvalue:\n  under: $3\n  over: $0.50")
    assert objective.value == ErrorCost(under=3.0, over=0.5, currency="USD", marker="$")
    figures = business.measure(objective, model, X, y)
    assert figures.value == pytest.approx(errors_value(y, predicted, under=3, over=0.5))
    assert figures.recall is None and figures.tuned is None


def test_business_value_of_a_regression_can_be_declared():
    objective = parse_objective("metric: business_value\nvalue:\n  under: $3\n  over: $1")
    assert objective.metric.scorer == "business_value_errors"


# ------------------------------------------------------------------ 3. the value-maximising threshold


def brute_force(positive, scores, matrix: ValueMatrix) -> float:
    """The best value per case over every threshold a rule could use: each distinct score, or none."""
    candidates = [matrix.per_case(*business.counts(positive, np.zeros(len(scores))))]  # act on nobody
    for cut in np.unique(scores):
        candidates.append(matrix.per_case(*business.counts(positive, scores >= cut)))
    return max(candidates)


MATRICES = {
    "churn campaign": MATRIX,
    "cheap action": ValueMatrix(tp=5, fp=-1, fn=-5, tn=0),
    "costly action": ValueMatrix(tp=10, fp=-40, fn=0, tn=0),
    "screening": ValueMatrix(tp=0, fp=-1, fn=-30, tn=0),
}


@pytest.mark.parametrize("name", MATRICES)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("decimals", [1, 2, 6])  # one decimal: many ties; six: almost none
def test_best_threshold_is_the_best_of_every_threshold(name, seed, decimals):
    matrix = MATRICES[name]
    rng = np.random.default_rng(seed)
    positive = rng.random(300) < 0.3
    scores = np.round(np.clip(0.3 * positive + rng.normal(0.35, 0.2, 300), 0, 1), decimals)
    threshold, value = best_threshold(positive, scores, matrix)
    assert value == pytest.approx(brute_force(positive, scores, matrix))
    # the threshold returned is one that reaches that value
    assert matrix.per_case(*business.counts(positive, scores >= threshold)) == pytest.approx(value)


def test_best_threshold_acts_on_nobody_when_every_action_loses():
    rng = np.random.default_rng(3)
    positive, scores = rng.random(50) < 0.5, rng.random(50)
    threshold, value = best_threshold(positive, scores, ValueMatrix(tp=-1, fp=-2, fn=0, tn=0))
    assert threshold > scores.max() and value == 0.0


def test_best_threshold_acts_on_everybody_when_every_action_wins():
    rng = np.random.default_rng(4)
    positive, scores = rng.random(50) < 0.5, rng.random(50)
    matrix = ValueMatrix(tp=2, fp=1, fn=-1, tn=0)
    threshold, value = best_threshold(positive, scores, matrix)
    assert threshold <= scores.min()
    assert value == pytest.approx((2 * positive.sum() + (~positive).sum()) / 50)


def test_best_threshold_between_scores_one_float_apart():
    matrix = ValueMatrix(tp=1, fp=-1, fn=0, tn=0)
    failures = []
    for high in np.linspace(0.1, 0.9, 50):
        low = np.nextafter(high, 0)  # a negative scored a hair below a positive
        scores, positive = np.array([high, low]), np.array([True, False])
        threshold, value = best_threshold(positive, scores, matrix)
        if matrix.per_case(*business.counts(positive, scores >= threshold)) != value:
            failures.append(high)
    assert failures == []


# ------------------------------------------------------------------ 4. tuning on the training data only


def test_tuned_threshold_never_reads_the_test_labels(cancer):
    objective = parse_objective("metric: auc\nvalue:\n  tp: 180\n  fp: -20\n  fn: -200\n  tn: 0")
    model, X_test, y_test = cancer["logreg"], cancer["X_test"], np.asarray(cancer["y_test"])
    train = (cancer["X_train"], cancer["y_train"])
    figures = business.measure(objective, model, X_test, y_test)
    tuned = business.tune(objective, model, X_test, y_test, train, asked=True)
    shuffled = np.random.default_rng(0).permutation(y_test)
    again = business.tune(objective, model, X_test, shuffled, train, asked=True)  # no session's memory: chosen again

    assert tuned["threshold"] == again["threshold"]
    assert tuned["cv_value"] == again["cv_value"]  # chosen on the training folds alone
    assert (tuned["folds"], tuned["rows"]) == (5, len(train[1]))
    assert tuned["value"] != again["value"]  # measured on the test labels given
    scores = model.predict_proba(X_test)[:, 1]
    assert tuned["value"] == pytest.approx(value_at(y_test, scores, **PRICES, threshold=tuned["threshold"]))
    default = figures.default
    assert (default["threshold"], default["value"]) == (0.5, pytest.approx(hand_value(y_test, scores >= 0.5)))


def test_a_threshold_is_chosen_once_per_model_and_training_data(cancer, monkeypatch):
    """The folds refit a clone, so the choice depends on the class, the parameters and the
    training data, not on the fitted model: evaluating it again (another metric call under
    autolog, a re-run cell) reuses it; other parameters or other training rows choose anew."""
    from sklearn.base import clone

    objective = parse_objective("metric: auc\nvalue:\n  tp: 180\n  fp: -20\n  fn: -200\n  tn: 0")
    model, X_test, y_test = cancer["logreg"], cancer["X_test"], np.asarray(cancer["y_test"])
    X_train, y_train = cancer["X_train"], np.asarray(cancer["y_train"])
    chosen, session = [], business.Thresholds()  # what a session keeps
    monkeypatch.setattr(business, "tune_threshold",
                        lambda *args, _tune=business.tune_threshold, **kw: chosen.append(1) or _tune(*args, **kw))
    first = business.tune(objective, model, X_test, y_test, (X_train, y_train), asked=True, chosen=session)
    refitted = clone(model).fit(X_train, y_train)  # the same class, parameters and data: the same choice
    again = business.tune(objective, refitted, X_test, y_test, (X_train, y_train), asked=True, chosen=session)
    assert len(chosen) == 1 and again == first
    business.tune(objective, clone(model).set_params(logisticregression__C=0.01).fit(X_train, y_train), X_test, y_test,
                  (X_train, y_train), asked=True, chosen=session)
    business.tune(objective, model, X_test, y_test, (X_train[:-20], y_train[:-20]), asked=True, chosen=session)
    assert len(chosen) == 3
    business.tune(objective, model, X_test, y_test, (X_train, y_train), asked=True, chosen=business.Thresholds())
    assert len(chosen) == 4  # another session (a restarted kernel) chooses anew


def test_tune_threshold_is_deterministic_and_chooses_on_out_of_fold_scores(cancer):
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model, X, y = cancer["logreg"], cancer["X_train"], np.asarray(cancer["y_train"])
    first = tune_threshold(model, X, y, MATRIX)
    assert tune_threshold(model, X, y, MATRIX) == first
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    out_of_fold = cross_val_predict(clone(model), X, y, cv=folds, method="predict_proba")[:, 1]
    assert (first.threshold, first.value) == pytest.approx(best_threshold(y == 1, out_of_fold, MATRIX))


# ------------------------------------------------------------------ 5. the KPI projection


def test_projection_of_a_falling_kpi():
    # 26.5% churn; the campaign reaches 56.6% of churners and keeps 30% of those it reaches
    assert project_kpi(26.5, "decrease", True, 0.3, 0.566) == pytest.approx(22.0, abs=0.005)
    assert project_kpi(1200, "decrease", False, 0.5, 0.5) == pytest.approx(900)  # a count that falls


def test_projection_of_a_rising_percentage():
    # 70% retained; 30% lost. Reaching 40% of those at risk and keeping half of them: 70 + 30 x 0.2
    assert project_kpi(70, "increase", True, 0.5, 0.4) == pytest.approx(76.0)


def test_a_rising_count_cannot_be_projected():
    assert project_kpi(1000, "increase", False, 0.3, 0.5) is None
    assert required_recall(1000, 1200, "increase", False, 0.3) is None


@pytest.mark.parametrize("direction, current", [("decrease", 26.5), ("decrease", 9.0), ("increase", 70.0),
                                                ("increase", 12.0)])
def test_required_recall_inverts_the_projection(direction, current):
    for effect in (0.1, 0.3, 0.75, 1.0):
        for recall in np.linspace(0, 1, 11):
            target = project_kpi(current, direction, True, effect, recall)
            assert required_recall(current, target, direction, True, effect) == pytest.approx(recall, abs=1e-12)


# ------------------------------------------------------------------ 6. `target: from kpi`, end to end

CHURN = """\
%%objective churn
outcome: Fewer customers cancel
kpi:
  name: share of customers who cancel
  current: {current}
  target: {target}
  owner: VP Growth
metric: {metric}
target: from kpi
{value}action:
  contact: top {share}
  effect: {effect}
data:
  train: X_train, y_train
  test: X_test, y_test
"""


def declare(shell, cancer, metric="recall_at_k", current="20%", target="18%", share="20%", value="", effect="30%"):
    """Declare the churn objective on the cancer data, malignant (37% of rows) as the class to act on."""
    from IPython.utils.capture import capture_output

    shell.run_line_magic("load_ext", "nbalign")
    shell.user_ns.update(X_train=cancer["X_train"], X_test=cancer["X_test"],
                         y_train=1 - cancer["y_train"], y_test=1 - cancer["y_test"])
    with capture_output():
        result = shell.run_cell(CHURN.format(metric=metric, current=current, target=target, share=share,
                                             value=value, effect=effect))
    assert result.success
    standing = active_session().standing
    assert standing is not None and standing.objective.name == "churn"
    return standing


class FixedRanking(ClassifierMixin, BaseEstimator):
    """A 'model' that scores the rows of ``first`` highest, then those of ``second``, then the rest
    (rows named by their DataFrame index): its recall in a top share is whatever the test asks."""

    def __init__(self, first=(), second=()):
        self.first = first
        self.second = second

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def __sklearn_is_fitted__(self):
        return True

    def predict_proba(self, X):
        rows = np.asarray(X.index)
        p = np.where(np.isin(rows, self.first), 0.9, np.where(np.isin(rows, self.second), 0.8, 0.1))
        return np.column_stack([1 - p, p])


def test_a_model_at_the_derived_recall_projects_the_kpi_target(shell, cancer):
    standing = declare(shell, cancer)
    objective = standing.objective
    required = (1 - 18 / 20) / 0.3  # 20% x (1 - 30% x recall) = 18%
    assert objective.target == pytest.approx(required) and objective.derivation.recall == pytest.approx(required)
    assert "20% × (1 − 30% × 0.33) = 18%" in objective.derivation.text
    assert Objective.from_dict(json.loads(json.dumps(objective.to_dict()))) == objective

    # a model whose top 20% holds exactly ceil(target x P) of the P true cases, and negatives after
    y_test = shell.user_ns["y_test"]
    positives, negatives = y_test.index[y_test == 1], y_test.index[y_test == 0]
    places = math.floor(0.2 * len(y_test) + 0.5)
    found = math.ceil(objective.target * len(positives))
    model = FixedRanking(tuple(positives[:found]), tuple(negatives[: places - found]))
    shell.user_ns["ranking"] = model.fit(shell.user_ns["X_train"], shell.user_ns["y_train"])
    result = nbalign.evaluate(model)

    recall = found / len(positives)
    assert result.evaluation.score == pytest.approx(recall)
    assert result.evaluation.business["recall"] == pytest.approx(recall)
    projected = active_session().standing.summary.business.projected
    assert projected == pytest.approx(20 * (1 - 0.3 * recall))
    one_case = 20 * 0.3 / len(positives)  # one true case more or less moves the projection this much
    assert projected <= 18.0 and 18.0 - projected < one_case


def test_derived_precision_and_value_targets_by_hand(shell, cancer):
    p = float((1 - cancer["y_test"]).mean())  # the share of true cases in the test labels
    recall = (1 - 18 / 20) / 0.3
    precision = declare(shell, cancer, metric="precision_at_k").objective
    assert precision.target == pytest.approx(recall * p / 0.2)  # true cases reached / cases reached

    shell.run_line_magic("unload_ext", "nbalign")
    value = declare(shell, cancer, metric="business_value",
                    value="value:\n  tp: $180\n  fp: -$20\n  fn: -$200\n  tn: 0\n").objective
    tp, fn = recall * p, (1 - recall) * p  # per case, in the top 20%
    fp = 0.2 - tp
    assert value.target == pytest.approx(180 * tp - 20 * fp - 200 * fn)
    assert value.derivation.text.startswith("business value per case (top 20%) must reach −$")


def test_an_effect_range_widens_the_projected_kpi_by_the_formula_at_its_corners(shell, cancer):
    """`effect: 20% to 40%`: the projection at the middle (30%), its interval from the recall's, and
    beside it the projection over both ranges, each end computed here by the documented formula
    ``projected = current x (1 - effect x recall)`` at the four corners of the recall's exact
    interval (Clopper-Pearson, from scipy) and the effect's range."""
    from IPython.utils.capture import capture_output
    from scipy.stats import binomtest
    from sklearn.base import clone

    standing = declare(shell, cancer, effect="20% to 40%")
    action = standing.objective.action
    assert (action.effect, action.effect_range) == (0.3, (0.2, 0.4))
    # the derived target is the middle's; the line gives the recall each end of the range needs
    assert standing.objective.target == pytest.approx((1 - 18 / 20) / 0.3)
    assert standing.objective.derivation.text.endswith(
        f"20% × (1 − 30% × 0.33) = 18%; with the effect 20% to 40%, {(1 - 18 / 20) / 0.4:.2f} to "
        f"{(1 - 18 / 20) / 0.2:.2f}")

    shell.user_ns["logreg"] = clone(cancer["logreg"]).fit(shell.user_ns["X_train"], shell.user_ns["y_train"])
    with capture_output():
        result = nbalign.evaluate(shell.user_ns["logreg"])
    y_test = shell.user_ns["y_test"]
    recall = result.evaluation.business["recall"]
    found, positives = round(recall * int(y_test.sum())), int(y_test.sum())
    assert recall == found / positives  # no ties in the top 20%: a whole number of true cases
    interval = binomtest(found, positives).proportion_ci(0.95, method="exact")
    low, high = interval.low, interval.high

    def projected(effect, r):
        return 20 * (1 - effect * r)

    corners = [projected(e, r) for e in (0.2, 0.4) for r in (low, high)]
    outlook = active_session().standing.outlook(result.evaluation)
    assert outlook.projected == pytest.approx(projected(0.3, recall), abs=1e-12)
    assert outlook.projected_interval == pytest.approx((projected(0.3, high), projected(0.3, low)), abs=1e-12)
    assert outlook.projected_range == pytest.approx((min(corners), max(corners)), abs=1e-12)
    assert (min(corners), max(corners)) == (projected(0.4, high), projected(0.2, low))  # the hull's corners
    # the effect moves the projection more than the recall's sampling does
    assert max(corners) - min(corners) > outlook.projected_interval[1] - outlook.projected_interval[0]

    text = result._repr_mimebundle_()["text/plain"]
    assert (f"\n  KPI 20% → {projected(0.3, recall):.1f}% projected (95% CI {projected(0.3, high):.1f}% to "
            f"{projected(0.3, low):.1f}% for the recall; {min(corners):.1f}% to {max(corners):.1f}% with the effect "
            "20% to 40%), target 18%") in text, text
    kpi = nbalign.judge.wire.outlook_view(outlook)["kpi"]
    assert kpi["projected_range"] == [f"{min(corners):.1f}%", f"{max(corners):.1f}%"]
    assert kpi["effect_range"] == "20% to 40%"
    recommendation = nbalign.recommendation().text
    assert f"{min(corners):.1f}% to {max(corners):.1f}% with the effect 20% to 40%)" in recommendation


def test_a_single_effect_projects_as_before(shell, cancer):
    """No range: the projection's interval is the recall's alone, said as it was."""
    from IPython.utils.capture import capture_output
    from sklearn.base import clone

    declare(shell, cancer)
    shell.user_ns["logreg"] = clone(cancer["logreg"]).fit(shell.user_ns["X_train"], shell.user_ns["y_train"])
    with capture_output():
        result = nbalign.evaluate(shell.user_ns["logreg"])
    outlook = active_session().standing.outlook(result.evaluation)
    assert outlook.projected_range is None
    kpi = nbalign.judge.wire.outlook_view(outlook)["kpi"]
    assert "projected_range" not in kpi and "effect_range" not in kpi  # the form of every earlier standing
    low, high = kpi["projected_interval"]
    assert f"projected (95% CI {low} to {high}), target 18%" in result._repr_mimebundle_()["text/plain"]


def test_the_card_says_once_what_the_projection_assumes(shell, cancer):
    """The objective card explains the projection: its formula and assumptions, and the cap a top
    share smaller than the share of true cases puts on every model's recall (k / prevalence)."""
    from nbalign.display import ObjectiveCard

    standing = declare(shell, cancer, effect="20% to 40%")
    card = ObjectiveCard(standing.objective, standing)._repr_mimebundle_()
    y_test = shell.user_ns["y_test"]
    p, places, true_cases = float(y_test.mean()), math.floor(0.2 * len(y_test) + 0.5), int(y_test.sum())
    row = next(line for line in card["text/plain"].splitlines() if line.startswith("  Projection: "))
    assert row == (
        "  Projection: The KPI is projected as 20% × (1 − effect × recall), which assumes that the KPI counts the "
        "cases of the model's positive class (1); that the action changes the outcome of the same share (the effect, "
        "20% to 40%) of every true case it reaches, whatever the model's score (uplift is not modelled); and that "
        "the recall measured on the test set carries over to deployment. Contacting the top 20% reaches at most "
        f"20% / {format.format_share(p)} = {format.format_share(0.2 / p)} of the true cases, whatever the model: on "
        f"the test set, recall in the top 20% is at most {places / true_cases:.3f} ({places} places for {true_cases} "
        "true cases).")
    assert card["text/plain"].count("uplift is not modelled") == 1
    assert "it changes the outcome of 20% to 40% of the true cases it reaches" in card["text/plain"]
    assert card["text/html"].count("uplift is not modelled") == 1

    shell.run_line_magic("unload_ext", "nbalign")
    wide = declare(shell, cancer, share="50%")  # half the cases reached: more than the true cases (37%)
    card = ObjectiveCard(wide.objective, wide)._repr_mimebundle_()["text/plain"]
    assert "uplift is not modelled" in card and "places for" not in card and "reaches at most" not in card


# ------------------------------------------------------------------ 7. NBA108: out of reach


def test_a_kpi_target_beyond_the_reach_of_the_action_is_nba108(shell, cancer):
    standing = declare(shell, cancer, share="5%", current="20%", target="10%")
    p = float((1 - cancer["y_test"]).mean())
    reachable = 0.05 / p  # a perfect model fills the top 5% with true cases: 13.5% of them
    best = 20 * (1 - 0.3 * reachable)
    found = [f for f in standing.findings if f.code == "NBA108"]
    assert len(found) == 1, [f.code for f in standing.findings]
    message = found[0].message
    assert f"at most {reachable:.1%}" in message
    assert f"to {best:.1f}%, not 10%" in message and f"({best:.1f}% at best)" in message


def test_a_reachable_kpi_target_is_not_nba108(shell, cancer):
    standing = declare(shell, cancer, share="50%", current="20%", target="18%")
    assert "NBA108" not in [f.code for f in standing.findings]


def derived(metric: str, current: str, target: str, share: str = "20%", effect: str = "30%", rate=0.63):
    """derive_target of a parsed objective's KPI and action, the share of true cases given."""
    text = (f"metric: {metric}\ntarget: from kpi\nkpi:\n  name: churn\n  current: {current}\n  target: {target}\n"
            f"action:\n  contact: top {share}\n  effect: {effect}\n")
    o = parse_objective(text)
    return business.derive_target(o.metric, o.kpi, o.action, o.population, o.value, rate)


@pytest.mark.parametrize("metric, current, target, effect, required", [
    ("recall_at_k", "26.5%", "0%", "30%", (1 - 0 / 26.5) / 0.3),  # 3.33: more than every true case
    ("recall_at_k", "80%", "95%", "30%", (95 - 80) / (20 * 0.3)),  # a share that rises: 2.5
    ("precision_at_k", "26.5%", "20%", "30%", (1 - 20 / 26.5) / 0.3 * 0.63 / 0.2),  # precision 2.57
    ("recall_at_k", "-5%", "-10%", "30%", (1 - (-10) / (-5)) / 0.3),  # a negative KPI: recall -3.33
])
def test_a_derived_target_outside_the_metrics_range_is_no_target(metric, current, target, effect, required):
    derivation = derived(metric, current, target, effect=effect)
    assert derivation.target is None and derivation.out_of_range
    assert derivation.required == pytest.approx(required, rel=1e-12)
    assert "would have to reach" in derivation.text and "no model can, so there is no metric target" in derivation.text
    assert "must reach" not in derivation.text
    # stored with the number required (the schema's target) and read back out of range
    stored = derivation.to_dict()
    assert stored["target"] == derivation.required and stored["out_of_range"] is True
    assert business.Derivation.from_dict(json.loads(json.dumps(stored))) == derivation


def test_a_derived_target_within_the_metrics_range_is_the_target():
    derivation = derived("recall_at_k", "26.5%", "22%")
    assert derivation.target == pytest.approx((1 - 22 / 26.5) / 0.3) and not derivation.out_of_range
    assert "out_of_range" not in derivation.to_dict()  # the stored form of every earlier version
    assert business.Derivation.from_dict(derivation.to_dict()) == derivation


def test_an_effect_too_small_to_move_the_kpi_is_refused():
    with pytest.raises(ValueError, match=r"moves the KPI by nothing a model can make up for.*effect: 30%"):
        derived("recall_at_k", "26.5%", "22%", effect="5e-322")


# ------------------------------------------------------------------ 8. parsing


FROM_KPI = "metric: {metric}\ntarget: from kpi\nkpi:\n  name: {kpi}\n  current: {current}\n  target: {target}\n"
TOP = "action:\n  contact: top 20%\n  effect: 30%"

# Each mistake: the cell body, the cell line it concerns (the magic is line 1), words the message must hold.
MISTAKES = [
    ("metric: rmse\nvalue:\n  tp: 180", 4, ["`value.tp` prices a classifier", "`under:` and `over:`"]),
    ("metric: auc\nvalue:\n  under: 3", 4, ["`value.under` prices a regression", "`tp`, `fp`, `fn`, `tn`"]),
    ("metric: auc\nvalue:\n  tp: $180\n  fp: -EUR 20", 3, ["different currencies (tp in USD, fp in EUR)",
                                                          "all in one"]),
    ("metric: rmse\nvalue:\n  under: -3\n  over: 1", 4, ["`value.under:` is the cost", "positive amount",
                                                        "`under: $3`"]),
    ("metric: auc\npopulation: 12%", 3, ["not a number of cases", "`population: 12,000 customers per quarter`"]),
    ("metric: auc\npopulation: $12,000", 3, ["not a number of cases", "12,000 customers per quarter"]),
    ("metric: auc\npopulation: 0 customers", 3, ["must be more than 0 cases"]),
    ("metric: auc\naction:\n  contact: everyone", 4, ["`action.contact: everyone` is not a rule", "`top 20%`",
                                                     "`score >= 0.3`", "`predicted`"]),
    ("metric: auc\naction:\n  efect: 30%", 4, ["`action.efect: 30%` is not a rule", "Did you mean `effect`?"]),
    ("metric: auc\naction:\n  contact: top 1,000", 4, ["number of cases per period", "add `population:`",
                                                      "`top 20%`"]),
    ("metric: auc\npopulation: 12,000\naction:\n  contact: top 20,000", 5, ["more than the population"]),
    ("metric: auc\naction:\n  contact: score >= 1.5", 4, ["between 0 and 1 (exclusive)", "`score >= 0.3`"]),
    ("metric: auc\naction:\n  contact: score >= 0", 4, ["between 0 and 1 (exclusive)"]),
    ("metric: auc\naction:\n  contact: top 0%", 4, ["more than 0% and at most 100%"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: 0%", 5, ["more than 0% and at most 100%",
                                                                  "`effect: 30%`"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: 150%", 5, ["more than 0% and at most 100%",
                                                                    "`effect: 30%`"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: 40% to 20%", 5, ["ends the wrong way round",
                                                                        "`effect: 20% to 40%`"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: 30% ± 40%", 5, ["goes from −10% to 70%",
                                                                       "more than 0% and at most 100%",
                                                                       "`effect: 20% to 40%`"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: to 40%", 5, ["has no low end", "`effect: 20% to 40%`"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: 20% to", 5, ["has no high end"]),
    ("metric: auc\noutcome: fewer cancel\npopulation: 12,000\naction:\n  contact: top 20%\n  effect: 20% to 0.4", 7,
     ["a % on the low end only", "`effect: 20% to 40%`"]),
    ("metric: auc\naction:\n  effect: 20% to lots\n  contact: top 20%", 4, ["the high end `lots` is not a share",
                                                                         "`effect: 20% to 40%`"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: 20% to 20%", 5, ["one value, not a range",
                                                                        "`effect: 20%`"]),
    ("metric: auc\naction:\n  contact: top 20%\n  effect: 30% ± 0%", 5, ["more than 0", "`effect: 30% ± 10%`"]),
    ("metric: rmse\naction:\n  contact: top 20%", 3, ["not a classification metric", "price the errors"]),
    ("metric: recall_at_k\ntarget: 0.5", 2, ["add `action:` with a rule", "`contact: top 20%`"]),
    ("metric: business_value\n" + TOP, 2, ["needs `value:`", "tp, fp, fn, tn"]),
    (FROM_KPI.format(metric="auc", kpi="churn", current="9%", target="5%") + TOP, 3,
     ["`target: from kpi`", "ROC AUC is not one", "`metric: recall_at_k`"]),
    (FROM_KPI.format(metric="recall_at_k", kpi="churn", current="9%", target="5%")
     + "action:\n  contact: top 20%", 3, ["needs `action:` with its `effect:`", "effect: 30%"]),
    (FROM_KPI.format(metric="recall_at_k", kpi="customers kept", current="1,000 customers",
                     target="1,200 customers") + TOP, 3, ["the KPI rises", "write the KPI as what falls"]),
    ("metric: recall_at_k\ntarget: from kpi\nkpi:\n  name: churn\n" + TOP, 3,
     ["the KPI has no current and target values", "Give `kpi:` a `current:` and a `target:`"]),
]


@pytest.mark.parametrize("text, line, words", MISTAKES, ids=[m[2][0][:40] for m in MISTAKES])
def test_every_business_mistake_names_the_line_and_the_fix(text, line, words):
    assert_refused(text, line, words)


@pytest.mark.parametrize("written, effect, ends", [
    ("20% to 40%", 0.3, (0.2, 0.4)),
    ("30% ± 10%", 0.3, (0.2, 0.4)),
    ("30% +/- 10%", 0.3, (0.2, 0.4)),
    ("0.2 to 0.4", 0.3, (0.2, 0.4)),
    ("0.3 ± 0.1", 0.3, (0.2, 0.4)),  # in decimal: 0.3 - 0.1 is 0.2, not 0.19999999999999998
    ("20 to 40%", 0.3, (0.2, 0.4)),  # the % is the range's
    ("10% TO 100%", 0.55, (0.1, 1.0)),
    ("30%", 0.3, None),
    ("0.3", 0.3, None),
])
def test_an_effect_is_one_share_or_the_range_it_lies_in(written, effect, ends):
    action = parse_objective(f"metric: auc\naction:\n  contact: top 20%\n  effect: {written}").action
    assert (action.effect, action.effect_range) == (effect, ends)
    assert action.effect_text() == (format.format_share(effect) if ends is None else
                                    f"{format.format_share(ends[0])} to {format.format_share(ends[1])}")


def test_a_misspelt_effect_beside_a_rule_is_named():
    with pytest.raises(ObjectiveError) as caught:
        parse_objective("metric: auc\naction:\n  contact: top 20%\n  efect: 30%")
    assert "Did you mean `effect` for `efect`?" in str(caught.value)


def test_a_misspelt_effect_beside_a_rule_names_its_own_line():
    assert_refused("metric: auc\naction:\n  contact: top 20%\n  efect: 30%", 5, ["Did you mean `effect`"])


@pytest.mark.parametrize("text", [
    "metric: auc\nvalue:\n  tp: $180\n  fp: -$20\n  fn: -$200\n  tn: 0",
    "metric: rmse\nvalue:\n  under: EUR 3\n  over: EUR 1",
    ("metric: recall_at_k\ntarget: 0.5\npopulation: 12,000 customers per quarter\n"
     "action:\n  contact: top 1,000\n  effect: 30%"),
    "metric: precision_at_k\naction:\n  call: score >= 0.3",
    "metric: business_value\nvalue:\n  tp: 180\n  fp: -20\naction:\n  review: predicted",
    FROM_KPI.format(metric="recall_at_k", kpi="churn", current="26.5%", target="22%") + TOP,
    FROM_KPI.format(metric="recall_at_k", kpi="churn", current="26.5%", target="22%") + TOP.replace("30%", "30% ± 10%"),
], ids=["matrix in dollars", "error costs", "top count", "threshold", "predicted", "from kpi", "effect range"])
def test_business_terms_survive_a_round_trip_through_json(text):
    o = parse_objective(text, name="churn").with_version(2, "2026-01-01T00:00:00+00:00")
    assert o.value is not None or o.action is not None
    again = Objective.from_dict(json.loads(json.dumps(o.to_dict())))
    assert again == o and again.to_dict() == o.to_dict()


def test_an_objective_stored_with_a_single_effect_loads_unchanged():
    """Stores written before effect ranges hold `effect` (a float) and no `effect_range`: they load as
    they were, and the figures their records were measured under stay current."""
    import hashlib

    objective = parse_objective(FROM_KPI.format(metric="recall_at_k", kpi="churn", current="26.5%", target="22%")
                                + TOP, name="churn").with_version(1, "2026-01-01T00:00:00+00:00")
    stored = json.loads(json.dumps(objective.to_dict()))
    del stored["action"]["effect_range"]  # what an earlier release wrote
    loaded = Objective.from_dict(stored)
    assert loaded == objective and loaded.action.effect == 0.3 and loaded.action.effect_range is None
    older = {"form": STORAGE_FORM, "name": "churn", "version": 1, "created_at": "2026-01-01T00:00:00+00:00",
             "notebook": None, "text": "", "parsed": stored}  # the storage form, without the cell's text
    assert Objective.restored(older) == objective
    # the key of the terms figures are measured under is the one an earlier release computed
    earlier = dict(stored["action"])
    key = hashlib.sha256(json.dumps([None, earlier, 0.2], sort_keys=True, default=str).encode()).hexdigest()[:16]
    assert business.terms_of(loaded).key() == key == business.terms_of(objective).key()


def test_population_and_count_are_read_as_written():
    o = parse_objective("metric: recall_at_k\npopulation: 12,000 customers per quarter\n"
                        "action:\n  contact: top 1,000\n  effect: 0.3")
    assert o.population == Population(12000.0, "customers", "quarter", "12,000 customers per quarter")
    assert (o.action.rule, o.action.count, o.action.effect) == ("top", 1000.0, 0.3)
    assert o.action.capacity(o.population) == pytest.approx(1 / 12)
    assert o.action.describe(o.population) == "contact the top 1,000 customers per quarter (8.3%)"


def test_an_older_stored_value_of_bare_numbers_still_loads():
    stored = parse_objective("metric: auc\ntarget: 0.9", name="churn").to_dict()
    stored["value"] = {"tp": 1, "fp": -1}  # before currencies, and before fn/tn were written out
    for key in ("population", "action", "target_from_kpi", "derivation"):
        del stored[key]
    loaded = Objective.from_dict(json.loads(json.dumps(stored)))
    assert loaded.value == ValueMatrix(tp=1, fp=-1, fn=0, tn=0)
    assert loaded.population is None and loaded.action is None and not loaded.target_from_kpi


# ------------------------------------------------------------------ 9. paired tests of the business metrics


@pytest.fixture(scope="module")
def two_models(cancer):
    """The stump's and the logistic regression's test-set probabilities, kept as an evaluation keeps them."""
    X, y = cancer["X_test"], np.asarray(cancer["y_test"])
    a = cancer["stump"].predict_proba(X)[:, 1]
    b = cancer["logreg"].predict_proba(X)[:, 1]
    kept_a, kept_b = keep("predict_proba", a, None), keep("predict_proba", b, None)
    # predictions.test_set, not imported by its bare name: pytest would collect it as a test
    # the comparison reads the kept float32 values: compute the expected figures from those too
    test_set = predictions.test_set("cancer", y, None)
    return y, test_set, kept_a, kept_b, np.asarray(kept_a.values), np.asarray(kept_b.values)


def test_business_value_at_a_threshold_is_a_paired_t_on_each_rows_value(two_models):
    y, rows, kept_a, kept_b, a, b = two_models
    metric = parse_objective("metric: business_value\nvalue:\n  tp: 180\n  fp: -20\n  fn: -200\n  tn: 0\n"
                             "action:\n  contact: score >= 0.3").metric
    difference = compare(metric, rows, kept_b, kept_a)
    assert difference.method == "paired t" and difference.n == len(y)
    expected = value_at(y, b, **PRICES, threshold=0.3) - value_at(y, a, **PRICES, threshold=0.3)
    assert difference.estimate == pytest.approx(expected)
    assert difference.low < difference.estimate < difference.high


def test_priced_errors_are_a_paired_t_on_each_rows_cost(diabetes):
    _, _, y, predicted = diabetes
    metric = bind_business(resolve_metric("business_value"), value=ErrorCost(under=3, over=0.5))
    assert metric.scorer == "business_value_errors"
    rows = predictions.test_set("diabetes", y, None)
    constant = np.full(len(y), float(np.mean(y)))
    kept_a, kept_b = keep("predict", constant, None), keep("predict", predicted, None)
    difference = compare(metric, rows, kept_b, kept_a)
    assert difference.method == "paired t"
    expected = (errors_value(y, np.asarray(kept_b.values), under=3, over=0.5)
                - errors_value(y, np.asarray(kept_a.values), under=3, over=0.5))
    assert difference.estimate == pytest.approx(expected)


def test_recall_in_a_top_share_is_a_paired_bootstrap(two_models):
    y, rows, kept_a, kept_b, a, b = two_models
    metric = parse_objective("metric: recall_at_k\naction:\n  contact: top 20%").metric
    difference = compare(metric, rows, kept_b, kept_a)
    assert "bootstrap" in difference.method and "paired t" not in difference.method
    assert difference.estimate == pytest.approx(recall_at(y, b, share=0.2) - recall_at(y, a, share=0.2))
    assert difference.low <= difference.estimate <= difference.high


# ------------------------------------------------------------------ 10. what the user sees


def test_each_evaluation_shows_its_projected_kpi_value_and_thresholds(shell, cancer):
    from IPython.utils.capture import capture_output

    declare(shell, cancer,
            value="value:\n  tp: $180\n  fp: -$20\n  fn: 0\n  tn: 0\npopulation: 1,000 patients a month\n")
    with capture_output() as captured:
        shell.run_cell("import nbalign\nfrom sklearn.ensemble import RandomForestClassifier\n"
                       "forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)\n"
                       "result = nbalign.evaluate(forest)")
    result = shell.user_ns["result"]
    text = result._repr_mimebundle_()["text/plain"]
    recall = result.evaluation.business["recall"]
    projected = 20 * (1 - 0.3 * recall)
    assert f"\n  KPI 20% → {projected:.1f}% projected (95% CI " in text, text
    value = result.evaluation.business["value"] * 1000
    assert value > 0, text
    assert f"\n  value ${value / 1000:.3g}k per month, contacting the top 20% (200 patients per month)" in text, text
    assert "\n  value at the default threshold 0.50: $" in text and "(5-fold cross-validation)" in text
    assert "tuned forest's decision threshold on 5 folds of 426 training rows" in captured.stdout
    html = result._repr_mimebundle_()["text/html"]
    assert "class='nbalign-business'" in html


def test_the_recommendation_names_the_model_to_ship_and_what_it_does_to_the_kpi(shell, cancer):
    from IPython.utils.capture import capture_output

    declare(shell, cancer, value="value:\n  tp: $180\n  fp: -$20\n  fn: 0\n  tn: 0\n")
    from sklearn.base import clone

    for name in ("stump", "logreg"):  # refitted: the class to act on here is the malignant one
        shell.user_ns[name] = clone(cancer[name]).fit(shell.user_ns["X_train"], shell.user_ns["y_train"])
        with capture_output():
            shell.run_line_magic("evaluate", name)
    recommendation = nbalign.recommendation()
    model = recommendation.model
    assert model is not None and model.name in ("stump", "logreg")
    projected = 20 * (1 - 0.3 * model.business["recall"])
    assert recommendation.text.startswith(f"Ship {model.name} (recall in the top 20% ")
    assert (f"used to contact the top 20%, it is projected to bring the share of customers who cancel from 20% to "
            f"{projected:.1f}% (95% CI ") in recommendation.text
    assert recommendation.text.endswith(" per case.")
    # under the sentence, once: how the KPI is projected and what that assumes, with the cap of a top
    # share smaller than the share of true cases (20% of the rows, 37% of them malignant)
    y_test = shell.user_ns["y_test"]
    p, places, true_cases = float(y_test.mean()), math.floor(0.2 * len(y_test) + 0.5), int(y_test.sum())
    assert recommendation.assumptions.startswith("The KPI is projected as 20% × (1 − effect × recall), which assumes")
    assert (f"reaches at most 20% / {format.format_share(p)} = {format.format_share(0.2 / p)} of the true cases, "
            f"whatever the model: on the test set, recall in the top 20% is at most {places / true_cases:.3f} "
            f"({places} places for {true_cases} true cases)") in recommendation.assumptions
    assert model.business["recall"] <= places / true_cases
    with capture_output() as captured:
        shell.run_line_magic("nbalign", "recommend")
    assert captured.outputs[0].data["text/plain"] == f"{recommendation.text}\n{recommendation.assumptions}"
    assert captured.outputs[0].data["text/html"].count("The KPI is projected as") == 1


def test_the_value_scorer_chooses_a_threshold_with_scikit_learn(shell, cancer):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import TunedThresholdClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    declare(shell, cancer, value="value:\n  tp: $180\n  fp: -$20\n  fn: -$200\n  tn: 0\n")
    scorer = nbalign.value_scorer()
    X, y = shell.user_ns["X_train"], shell.user_ns["y_train"]
    model = make_pipeline(StandardScaler(), LogisticRegression())
    tuned = TunedThresholdClassifierCV(model, scoring=scorer, cv=5, random_state=0).fit(X, y)
    # a true case is worth 380 more when acted on, a false one costs 20: act far below 0.5
    assert tuned.best_threshold_ < 0.5
    fitted = model.fit(X, y)
    X_test, y_test = shell.user_ns["X_test"], shell.user_ns["y_test"]
    assert scorer(tuned, X_test, y_test) == pytest.approx(value_at(
        y_test, tuned.predict(X_test), tp=180, fp=-20, fn=-200, tn=0))
    assert scorer(fitted, X_test, y_test) <= scorer(tuned, X_test, y_test) + 1.0


def test_the_value_scorer_needs_a_value_matrix(shell, cancer):
    declare(shell, cancer)
    with pytest.raises(nbalign.NbalignError, match="no value matrix"):
        nbalign.value_scorer()


def test_user_text_in_the_business_lines_is_escaped(shell, cancer):
    from dataclasses import replace

    from IPython.utils.capture import capture_output
    from sklearn.base import clone

    declare(shell, cancer)
    shell.user_ns["logreg"] = clone(cancer["logreg"]).fit(shell.user_ns["X_train"], shell.user_ns["y_train"])
    with capture_output():
        shell.run_line_magic("evaluate", "logreg")
    standing = active_session().standing

    from nbalign.display import Recommendation, business_rows, evaluation_html

    hostile = "<img src=x onerror=alert(1)>"
    objective = replace(standing.objective, kpi=replace(standing.objective.kpi, name=hostile))
    recommendation = Recommendation(replace(standing, objective=objective))
    html = recommendation._repr_mimebundle_()["text/html"]
    assert hostile not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    row = standing.rows[-1]
    record = active_session().records[-1]
    line = evaluation_html(row, replace(standing, objective=objective), record)
    assert "nbalign-business" in line and hostile not in line
    assert all(hostile not in v for _, v in business_rows(objective))


def test_the_business_benchmark_runs():
    """`benchmarks/business_cost.py --smoke`: the benchmark never rots (its figures are not asserted)."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "business_cost.py"
    done = subprocess.run([sys.executable, str(script), "--smoke"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "x the anchor" in done.stdout and "best_threshold" in done.stdout


@pytest.mark.parametrize("value", [1e30, 1e-300, -1e30, 1e308, -1e308, 5e-324])
def test_numbers_percentages_and_money_of_any_size_read_without_raising(value):
    dollars = ValueMatrix(currency="USD", marker="$")
    texts = [format.format_number(value), format.format_share(value), format.format_money(value, dollars),
             format.format_money(value)]
    for text in texts:
        assert len(text) < 16 and "inf" not in text and "n/a" not in text, texts


def test_huge_and_tiny_business_numbers_read_in_scientific_notation():
    format_money, format_number, format_percent = format.format_money, format.format_number, format.format_share
    dollars = ValueMatrix(currency="USD", marker="$")
    assert format_number(1e30) == "1e+30" and format_number(-1e30) == "\u22121e+30"
    assert format_percent(1e308) == "1e+310%" and format_percent(-1e30) == "\u22121e+32%"
    assert format_money(1e30, dollars) == "$1e+30" and format_money(-1e30, dollars) == "\u2212$1e+30"
    # an effect of 1e-300 is not 0%: a share that is not zero never reads as zero
    assert format_percent(1e-300) == "1e\u2212298%" and format_percent(0.00004) == "0.004%"
    # everyday sizes read as before
    assert (format_number(0.566), format_percent(0.2), format_money(184_000, dollars)) == ("0.57", "20%", "$184k")
    assert format_money(12_000_000_000_000, dollars) == "$12,000bn"


# ------------------------------------------------------------------ nbalign's refits do no harm (issue 18)


def test_the_tuned_threshold_acts_on_at_most_the_actions_capacity():
    rng = np.random.default_rng(3)
    positive = rng.random(2_000) < 0.4
    scores = np.where(positive, rng.normal(0.6, 0.2, 2_000), rng.normal(0.4, 0.2, 2_000))
    matrix = MATRIX
    free, _ = best_threshold(positive, scores, matrix)
    assert (scores >= free).mean() > 0.3  # the value alone would act on a third of the cases or more
    for share in (0.05, 0.2, 0.3):
        threshold, value = best_threshold(positive, scores, matrix, max_share=share)
        assert (scores >= threshold).mean() <= share
        # the best within the capacity: no cut acting on at most that share does better
        cuts = np.sort(scores)[::-1][: int(share * scores.size)]
        best = max(matrix.per_case(*business.counts(positive, (scores >= c).astype(float))) for c in cuts)
        assert value == pytest.approx(max(best, matrix.per_case(*business.counts(positive, np.zeros(scores.size)))))


def test_the_tuning_is_left_out_when_it_does_not_fit_the_budget_and_says_how_to_ask(cancer):
    from nbalign.refit import Budget

    objective = parse_objective("metric: auc\nvalue:\n  tp: 180\n  fp: -20\n  fn: -200\n  tn: 0")
    model, X_test, y_test = cancer["forest"], cancer["X_test"], np.asarray(cancer["y_test"])
    train = (cancer["X_train"], cancer["y_train"])
    chosen = business.Thresholds()
    skipped = business.tune(objective, model, X_test, y_test, train, budget=Budget(1.0), fit_seconds=2.0,
                            label="forest", chosen=chosen)
    assert skipped == {"skipped": "5 refits would take about 8.0 s, over the 1.0 s budget; `%evaluate forest --tune` "
                                  "chooses it"}
    unknown = business.tune(objective, model, X_test, y_test, train, budget=Budget(1.0), label="forest", chosen=chosen)
    assert unknown["skipped"].startswith("5 refits of a model whose fit time nbalign did not see")
    off = business.tune(objective, model, X_test, y_test, train, budget=Budget(0.0), fit_seconds=0.0,
                        label="forest", chosen=chosen)
    assert off["skipped"].startswith("automatic refits are off (`%config NbalignMagics.refit_budget`)")
    assert not chosen.knows(model)  # nothing was refitted, so nothing chosen
    asked = business.tune(objective, model, X_test, y_test, train, budget=Budget(0.0), label="forest", asked=True)
    assert asked["folds"] == 5 and "threshold" in asked


def test_a_search_is_tuned_as_its_best_estimator_with_nbalign_seeds(cancer, monkeypatch):
    """Five fits of what the search chose, not a search in each fold; its parameters left to
    chance are seeded by nbalign, not drawn from the user's stream."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import GridSearchCV

    from nbalign import refit

    search = GridSearchCV(RandomForestClassifier(n_estimators=5), {"max_depth": [2, 3]}, cv=3).fit(
        cancer["X_train"], cancer["y_train"])
    fitted = []
    monkeypatch.setattr(refit, "seeded_clone", lambda model, _clone=refit.seeded_clone: fitted.append(
        clone := _clone(model)) or clone)
    objective = parse_objective("metric: auc\nvalue:\n  tp: 180\n  fp: -20\n  fn: -200\n  tn: 0")
    # the legacy global stream, which estimators without a seed draw from, is what this test watches
    np.random.seed(11)  # noqa: NPY002
    expected = np.random.rand()  # noqa: NPY002
    np.random.seed(11)  # noqa: NPY002
    tuned = business.tune(objective, search, cancer["X_test"], np.asarray(cancer["y_test"]),
                          (cancer["X_train"], cancer["y_train"]), asked=True, label="search")
    assert np.random.rand() == expected  # noqa: NPY002 - the global stream is where it was
    assert tuned["folds"] == 5 and len(fitted) == 5
    assert all(type(m) is RandomForestClassifier and isinstance(m.random_state, int) for m in fitted)
    assert {m.max_depth for m in fitted} == {search.best_params_["max_depth"]}


def test_evaluate_tune_asks_for_the_threshold_whatever_it_costs(shell, cancer):
    from IPython.utils.capture import capture_output

    declare(shell, cancer, value="value:\n  tp: $180\n  fp: -$20\n  fn: 0\n  tn: 0\n")
    with capture_output() as captured:
        shell.run_cell("%config NbalignMagics.refit_budget = 0\n"
                       "from sklearn.linear_model import LogisticRegression\n"
                       "lr = LogisticRegression(max_iter=5000).fit(X_train, y_train)")
        shell.run_cell("%evaluate lr")
    (first,) = [r for r in active_session().records if r.name == "lr"]
    assert first.business["tuned"]["skipped"].startswith("automatic refits are off")
    with capture_output() as captured:
        shell.run_cell("%evaluate lr --tune")
    assert "tuned lr's decision threshold on 5 folds" in captured.stdout
    (again,) = [r for r in active_session().records if r.name == "lr"]
    assert again.id == first.id and "threshold" in again.business["tuned"]  # the same record, updated


def test_a_threshold_on_a_decision_function_is_said_to_be_no_probability(shell, cancer):
    """A LinearSVC has a decision function and no probabilities: its default threshold (0) and the
    one tuned on the training data are on the decision function's scale, and the line says so."""
    from IPython.utils.capture import capture_output

    declare(shell, cancer, value="value:\n  tp: $180\n  fp: -$20\n  fn: 0\n  tn: 0\n")
    with capture_output():
        shell.run_cell("from sklearn.pipeline import make_pipeline\n"
                       "from sklearn.preprocessing import StandardScaler\n"
                       "from sklearn.svm import LinearSVC\n"
                       "svc = make_pipeline(StandardScaler(), LinearSVC(random_state=0)).fit(X_train, y_train)\n"
                       "assert not hasattr(svc, 'predict_proba')")
    with capture_output() as captured:
        shell.run_cell("%evaluate svc --tune")
    (record,) = [r for r in active_session().records if r.name == "svc"]
    default, tuned = record.business["default"], record.business["tuned"]
    assert default["threshold"] == 0.0 and default["response"] == tuned["response"] == "decision_function"
    text = captured.outputs[-1].data["text/plain"]
    assert "value at the default threshold 0 on the decision function (not a probability): $" in text, text
    shown = format.format_number(tuned["threshold"])
    assert (f"; at {shown} on the decision function, the threshold that maximises value contacting at most 20% on "
            "the training data (5-fold cross-validation): $") in text, text
    # a model with probabilities: its thresholds are probabilities, said as before
    figures = {"terms": business.terms_of(active_session().objective).key(),
               "default": {"threshold": 0.5, "value": 1.0, "response": "predict_proba"}}
    line = business.threshold_line(active_session().objective, figures)
    assert line.startswith("value at the default threshold 0.50: ") and "decision function" not in line
    # figures recorded before the response was kept: 0 was a decision function's default
    del figures["default"]["response"]
    figures["default"]["threshold"] = 0.0
    assert "0 on the decision function (not a probability)" in business.threshold_line(active_session().objective,
                                                                                          figures)
