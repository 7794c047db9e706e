"""What a fitted model costs: parameter counts checked against hand computation on real models
fitted on scikit-learn's bundled data, pickled sizes, and the words that compare two models."""

from __future__ import annotations

import json
import pickle
import threading

import pytest
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    BaggingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    StackingClassifier,
    VotingClassifier,
)
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from nbalign.complexity import (
    Complexity,
    count_parameters,
    describe,
    measure,
    pickled_size,
    ratio_text,
)


@pytest.fixture(scope="module")
def cancer():
    """569 rows, 30 features, two classes."""
    return load_breast_cancer(return_X_y=True)


@pytest.fixture(scope="module")
def iris():
    """150 rows, 4 features, three classes."""
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def big_forest(cancer):
    return RandomForestClassifier(n_estimators=300, random_state=0).fit(*cancer)


def lr():
    """A logistic regression that converges on unscaled data in milliseconds (lbfgs takes seconds)."""
    return LogisticRegression(solver="newton-cholesky")


def logreg(X, y):
    return lr().fit(X, y)


def binary_tree_nodes(n_leaves):
    """A binary tree with n leaves has n - 1 split nodes."""
    return 2 * n_leaves - 1


# ------------------------------------------------------------------ parameter counts


def test_logistic_regression_counts_coefficients_and_intercepts(cancer, iris):
    assert count_parameters(logreg(*cancer)) == 30 + 1
    assert count_parameters(logreg(*iris)) == 3 * 4 + 3  # one row of coefficients per class


def test_linear_regression_counts_an_intercept_only_when_it_fits_one():
    X, y = load_diabetes(return_X_y=True)
    assert count_parameters(LinearRegression().fit(X, y)) == 10 + 1
    assert count_parameters(LinearRegression(fit_intercept=False).fit(X, y)) == 10


def test_pipeline_sums_its_steps_and_a_scaler_counts_mean_and_scale(cancer):
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(*cancer)
    assert count_parameters(model) == (30 + 30) + (30 + 1)


def test_column_transformer_sums_encoder_categories_scaler_and_model():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    numeric = [c for c in X.columns if c != "sex"]
    encode = make_column_transformer((OneHotEncoder(), ["sex"]), (StandardScaler(), numeric))
    model = make_pipeline(encode, LinearRegression()).fit(X, y)
    assert X["sex"].nunique() == 2
    assert count_parameters(model) == 2 + 2 * 9 + (2 + 9 + 1)


def test_decision_tree_counts_its_nodes(cancer):
    tree = DecisionTreeClassifier(random_state=0).fit(*cancer)
    assert count_parameters(tree) == binary_tree_nodes(tree.get_n_leaves())
    assert count_parameters(tree) > 1


def test_forest_sums_its_trees(cancer):
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(*cancer)
    assert count_parameters(forest) == sum(binary_tree_nodes(t.get_n_leaves()) for t in forest.estimators_)


def test_hist_gradient_boosting_counts_its_trees_nodes_and_starting_constant(cancer):
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(*cancer)
    trees = [tree for iteration in model._predictors for tree in iteration]
    assert len(trees) == model.n_iter_  # binary: one tree per iteration
    nodes = sum(binary_tree_nodes(tree.get_n_leaf_nodes()) for tree in trees)
    assert count_parameters(model) == nodes + 1


def test_nearest_neighbours_count_the_stored_training_rows_and_labels(iris):
    assert count_parameters(KNeighborsClassifier().fit(*iris)) == 150 * 4 + 150


def test_svc_counts_support_vectors_dual_coefficients_and_intercept(cancer, iris):
    binary = SVC().fit(*cancer)
    n = int(binary.n_support_.sum())
    assert count_parameters(binary) == n * 30 + n + 1
    three = SVC().fit(*iris)
    n = int(three.n_support_.sum())
    assert count_parameters(three) == n * 4 + 2 * n + 3  # 3 one-vs-one pairs: 2 dual rows, 3 intercepts


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_mlp_counts_weights_and_biases(iris):
    mlp = MLPClassifier(hidden_layer_sizes=(10,), max_iter=20, random_state=0).fit(*iris)
    assert count_parameters(mlp) == (4 * 10 + 10) + (10 * 3 + 3)


def test_naive_bayes_and_dummy_models(iris, cancer):
    assert count_parameters(GaussianNB().fit(*iris)) == 3 * 4 + 3 * 4 + 3  # means, variances, priors
    assert count_parameters(DummyClassifier().fit(*cancer)) == 2  # the class distribution
    assert count_parameters(DummyClassifier(strategy="uniform").fit(*cancer)) == 0
    assert count_parameters(DummyClassifier(strategy="most_frequent").fit(*cancer)) == 1
    assert count_parameters(DummyRegressor().fit(*load_diabetes(return_X_y=True))) == 1


def test_grid_search_counts_its_best_estimator(iris):
    search = GridSearchCV(lr(), {"C": [0.1, 1.0]}, cv=3).fit(*iris)
    assert count_parameters(search) == 3 * 4 + 3
    without_refit = GridSearchCV(lr(), {"C": [0.1, 1.0]}, cv=3, refit=False)
    assert count_parameters(without_refit.fit(*iris)) is None


def test_ensembles_sum_their_members(iris):
    members = [("lr", lr()), ("nb", GaussianNB())]
    voting = VotingClassifier(members).fit(*iris)
    assert count_parameters(voting) == 15 + 27
    stacking = StackingClassifier(members, final_estimator=lr(), cv=3).fit(*iris)
    assert stacking.final_estimator_.n_features_in_ == 3 + 3  # each member's probabilities
    assert count_parameters(stacking) == 15 + 27 + (3 * 6 + 3)
    bagging = BaggingClassifier(DecisionTreeClassifier(), n_estimators=5, random_state=0).fit(*iris)
    assert count_parameters(bagging) == sum(binary_tree_nodes(t.get_n_leaves()) for t in bagging.estimators_)


class DuckModel:
    """Not scikit-learn: it predicts, and records that it was asked to."""

    def __init__(self):
        self.threshold = 0.5
        self.predictions = 0

    def predict(self, X):
        self.predictions += 1
        return [0] * len(X)


def test_unknown_and_unfitted_models_have_no_count(cancer):
    assert count_parameters(DuckModel()) is None
    assert count_parameters(LogisticRegression()) is None  # not fitted
    with_unknown_step = make_pipeline(StandardScaler(), DuckModel())
    with_unknown_step.steps[0][1].fit(cancer[0])
    assert count_parameters(with_unknown_step) is None  # a composite is known only whole


# ------------------------------------------------------------------ size


def test_pickled_size_is_the_length_of_the_pickle(cancer, big_forest):
    for model in (logreg(*cancer), big_forest):
        assert pickled_size(model) == len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))


class RefusesPickling:
    def __reduce__(self):
        raise RuntimeError("this model lives in GPU memory")

    def predict(self, X):
        return [0] * len(X)


def test_unpicklable_model_has_no_size_and_does_not_raise(cancer):
    with_lambda = make_pipeline(FunctionTransformer(lambda X: X), lr()).fit(*cancer)
    complexity = measure(with_lambda, cancer[0])
    assert complexity.size_bytes is None
    assert complexity.n_parameters == 0 + 31  # a FunctionTransformer learns nothing
    assert pickled_size(RefusesPickling()) is None
    holding_a_lock = DuckModel()
    holding_a_lock.lock = threading.Lock()
    assert pickled_size(holding_a_lock) is None


def test_a_big_forest_costs_more_than_a_logistic_regression(cancer, big_forest):
    small, big = measure(logreg(*cancer), cancer[0]), measure(big_forest, cancer[0])
    assert big.size_bytes > 100 * small.size_bytes
    assert big.n_parameters > 100 * small.n_parameters


# ------------------------------------------------------------------ measure


def test_prediction_time_comes_from_the_callers_timing_only(cancer):
    X = cancer[0]
    model = DuckModel()
    assert measure(model, X, predict_seconds=0.05, n_rows=500).predict_ms_per_1k == pytest.approx(100.0)
    assert measure(model, X[:250], predict_seconds=0.05).predict_ms_per_1k == pytest.approx(200.0)  # rows of X
    assert measure(model, list(range(1000)), predict_seconds=0.002).predict_ms_per_1k == pytest.approx(2.0)
    untimed = measure(model, X)
    assert untimed.predict_ms_per_1k is None
    assert model.predictions == 0  # never predicts again
    assert untimed.size_bytes == pickled_size(model)
    assert untimed.n_parameters is None
    assert measure(model, None, predict_seconds=0.1).predict_ms_per_1k is None  # no rows to divide by
    assert measure(model, X, fit_seconds=3.25).fit_seconds == 3.25


def test_to_dict_and_from_dict_round_trip_through_json(cancer):
    complexity = measure(logreg(*cancer), cancer[0], predict_seconds=0.004, fit_seconds=0.2)
    data = json.loads(json.dumps(complexity.to_dict()))
    assert Complexity.from_dict(data) == complexity
    assert type(data["n_parameters"]) is int and type(data["size_bytes"]) is int
    assert Complexity.from_dict({"size_bytes": 10, "later_measure": 1}) == Complexity(size_bytes=10)
    assert Complexity().to_dict() == dict.fromkeys(["predict_ms_per_1k", "size_bytes", "n_parameters", "fit_seconds"])
    assert Complexity(fit_seconds=float("nan")).to_dict()["fit_seconds"] is None


# ------------------------------------------------------------------ words


def test_describe_says_what_is_known_in_one_line():
    assert describe(Complexity(2.1, 45_000, 31)) == "2.1 ms per 1k rows, 45 KB, 31 parameters"
    assert describe(Complexity(0.35, 1_094_832, 1, 12.5)) == "0.35 ms per 1k rows, 1.1 MB, 1 parameter, fit 12 s"
    assert describe(Complexity(predict_ms_per_1k=0.004, size_bytes=909)) == "<0.01 ms per 1k rows, 909 B"
    assert describe(Complexity(size_bytes=3_200_000_000, n_parameters=1_234_567)) == "3.2 GB, 1,234,567 parameters"
    assert describe(Complexity()) == "cost not known"


def test_ratio_text_compares_what_both_know():
    forest = Complexity(predict_ms_per_1k=120, size_bytes=45_000_000, n_parameters=40_000)
    logreg = Complexity(predict_ms_per_1k=2, size_bytes=50_000)
    assert ratio_text(forest, logreg) == "60x the prediction time and 900x the size"
    assert ratio_text(logreg, forest) == "60x less prediction time and 900x smaller"
    assert ratio_text(Complexity(size_bytes=10), Complexity(n_parameters=3)) == ""


def test_ratio_text_reads_about_the_same_under_one_and_a_half():
    a = Complexity(predict_ms_per_1k=3.0, size_bytes=1000, n_parameters=310, fit_seconds=6)
    b = Complexity(predict_ms_per_1k=2.0, size_bytes=1400, n_parameters=31, fit_seconds=2)
    assert ratio_text(a, b) == "1.5x the prediction time, about the same size, 10x the parameters and 3x the fit time"
    assert ratio_text(Complexity(size_bytes=1000), Complexity(size_bytes=1499)) == "about the same size"
    same_time = ratio_text(Complexity(predict_ms_per_1k=2.9), Complexity(predict_ms_per_1k=2))
    assert same_time == "about the same prediction time"


def test_ratio_text_gives_amounts_where_one_side_is_zero():
    dummy, lr = Complexity(n_parameters=0), Complexity(n_parameters=31)
    assert ratio_text(lr, dummy) == "31 parameters against 0 parameters"
    assert ratio_text(dummy, Complexity(n_parameters=0)) == "about the same parameters"


