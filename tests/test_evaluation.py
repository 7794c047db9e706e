"""Evaluations: their identity (role, fitted state, data content), the metric fitting the task,
and models that are not scikit-learn estimators. Real models on scikit-learn's bundled data."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import get_scorer, roc_auc_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from nbalign import commands
from nbalign.errors import EvaluationError, NbalignError
from nbalign.evaluation import evaluate_model
from nbalign.fingerprint import fingerprint
from nbalign.identity import fit_identity, model_identity
from nbalign.objective import parse_objective
from nbalign.session import Session

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ data and models

@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    return X_train, X_test, y_train, y_test


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    lr = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    return X_train, X_test, y_train, y_test, lr


def objective(metric: str, baseline: str = "0.5", target: str | None = None):
    target = target or ("0.99" if metric not in ("rmse", "mae", "logloss") else "1")
    return parse_objective(f"metric: {metric}\ntarget: {target}\nbaseline: {baseline}", name="t")


@pytest.fixture
def session(private_store):
    return Session(private_store)


def declare(session, namespace, text):
    return commands.declare_objective(session, namespace, text, name="cancer")


CANCER_OBJECTIVE = "metric: auc\ntarget: 0.999\nbaseline: {baseline}\ndata:\n  test: X_test, y_test"


# ------------------------------------------------------------------ 1. the baseline keeps its role

def test_evaluating_the_baseline_model_keeps_the_baseline_record(session, cancer):
    X_train, X_test, y_train, y_test = cancer
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X_train, y_train)
    namespace = {"tree": tree, "X_test": X_test, "y_test": y_test}
    declare(session, namespace, CANCER_OBJECTIVE.format(baseline="tree"))
    commands.evaluate(session, namespace, tree)
    assert [(e.name, e.role) for e in session.records] == [("tree", "baseline"), ("tree", "model")]
    assert session.standing.summary.baseline == session.records[0].score
    commands.evaluate(session, namespace, tree)  # evaluating it again updates the model record
    assert [(e.name, e.role) for e in session.records] == [("tree", "baseline"), ("tree", "model")]


# ------------------------------------------------------------------ 2. a refit is another evaluation

def test_a_refit_on_other_rows_is_a_new_evaluation(session, cancer):
    X_train, X_test, y_train, y_test = cancer
    lr = make_pipeline(StandardScaler(), LogisticRegression())
    namespace = {"lr": lr, "X_test": X_test, "y_test": y_test}
    declare(session, namespace, CANCER_OBJECTIVE.format(baseline="0.9"))
    lr.fit(X_train[:40], y_train[:40])
    commands.evaluate(session, namespace, lr)
    lr.fit(X_train, y_train)  # same hyper-parameters, all rows
    commands.evaluate(session, namespace, lr)
    first, second = session.records
    assert first.name == second.name == "lr" and first.model_id == second.model_id
    assert first.fit_id != second.fit_id and first.score != second.score


def test_the_same_fit_on_the_same_data_is_the_same_evaluation(session, cancer):
    X_train, X_test, y_train, y_test = cancer
    lr = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)
    namespace = {"lr": lr, "X_test": X_test, "y_test": y_test}
    declare(session, namespace, CANCER_OBJECTIVE.format(baseline="0.9"))
    commands.evaluate(session, namespace, lr)
    commands.evaluate(session, namespace, lr)
    # a fresh fit that learned exactly the same thing, on the same test data as an ndarray
    namespace["lr"] = clone(lr).fit(X_train, y_train)
    commands.evaluate(session, namespace, namespace["lr"], X_test.to_numpy(), y_test.to_numpy())
    assert len(session.records) == 1


def test_fits_with_random_state_none_are_different_evaluations(session, cancer):
    X_train, X_test, y_train, y_test = cancer
    forest = RandomForestClassifier(n_estimators=20, random_state=None)
    namespace = {"forest": forest, "X_test": X_test, "y_test": y_test}
    declare(session, namespace, CANCER_OBJECTIVE.format(baseline="0.9"))
    for _ in range(2):
        forest.fit(X_train, y_train)
        commands.evaluate(session, namespace, forest)
    assert len(session.records) == 2 and len({e.fit_id for e in session.records}) == 2


def test_fit_identity_sees_inside_pipelines_and_column_transformers(cancer):
    X_train, _, y_train, _ = cancer
    frame = X_train.assign(size=pd.cut(X_train["mean radius"], 3, labels=["small", "medium", "large"]).astype(str))
    lr = LogisticRegression(max_iter=5000).fit(X_train, y_train)
    scaler_a, scaler_b = StandardScaler().fit(X_train[:100]), StandardScaler().fit(X_train[100:])
    # the same fitted final step behind scalers fitted on other rows: another fitted pipeline
    assert fit_identity(make_pipeline(scaler_a, lr)) != fit_identity(make_pipeline(scaler_b, lr))
    assert fit_identity(make_pipeline(scaler_a, lr)) == fit_identity(make_pipeline(copy.deepcopy(scaler_a), lr))

    def encoded():
        encode = make_column_transformer((OneHotEncoder(), make_column_selector(dtype_exclude="number")),
                                         remainder=StandardScaler())
        return make_pipeline(encode, LogisticRegression(max_iter=5000))

    assert fit_identity(encoded().fit(frame, y_train)) == fit_identity(encoded().fit(frame, y_train))
    assert fit_identity(encoded().fit(frame, y_train)) != fit_identity(encoded().fit(frame[:200], y_train[:200]))


def test_fit_identity_sees_every_tree_of_a_forest_and_a_boosted_model(cancer):
    X_train, _, y_train, _ = cancer
    forest = RandomForestClassifier(n_estimators=300, random_state=0).fit(X_train, y_train)
    nudged = copy.deepcopy(forest)
    assert fit_identity(nudged) == fit_identity(forest)
    nudged.estimators_[217].tree_.threshold[0] += 1e-9
    assert fit_identity(nudged) != fit_identity(forest)

    boosted = HistGradientBoostingClassifier(random_state=None).fit(X_train, y_train)
    # no early stopping nor subsampling here: a second fit learns the same trees, seeds aside
    unseeded = HistGradientBoostingClassifier(random_state=None).fit(X_train, y_train)
    assert fit_identity(unseeded) == fit_identity(boosted)
    assert fit_identity(HistGradientBoostingClassifier().fit(X_train[:300], y_train[:300])) != fit_identity(boosted)
    nudged = copy.deepcopy(boosted)
    nudged._predictors[-1][0].nodes["value"][-1] += 1e-9  # one leaf of the last tree
    assert fit_identity(nudged) != fit_identity(boosted)


def test_fit_identity_of_meta_estimators_and_models_keeping_their_data(cancer):
    X_train, X_test, y_train, _ = cancer
    X, y = X_train.to_numpy(), y_train.to_numpy()

    def search():
        return GridSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [2, 4]}, cv=3)

    # refit_time_ and cv_results_' timings differ between two identical searches; they are not learning
    assert fit_identity(search().fit(X, y)) == fit_identity(search().fit(X, y))
    assert fit_identity(search().fit(X[:200], y[:200])) != fit_identity(search().fit(X, y))
    calibrated = CalibratedClassifierCV(SVC(), cv=3)
    first_half, second_half = clone(calibrated).fit(X[:200], y[:200]), clone(calibrated).fit(X[200:], y[200:])
    assert fit_identity(first_half) != fit_identity(second_half)
    # nearest neighbours keep their training rows privately; a query does not change what was learned
    neighbours = KNeighborsClassifier(algorithm="kd_tree").fit(X[:200, :4], y[:200])
    before = fit_identity(neighbours)
    neighbours.predict(X_test.to_numpy()[:, :4])
    assert fit_identity(neighbours) == before
    assert fit_identity(KNeighborsClassifier().fit(X[200:400, :4], y[200:400])) != before


STABILITY = """
import sys, json
import numpy as np, pandas as pd
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from nbalign.fingerprint import fingerprint
from nbalign.identity import fit_identity, model_identity

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
frame = X.assign(size=pd.cut(X["mean radius"], 3, labels=["small", "medium", "large"]).astype(str),
                 seen=pd.date_range("2024-01-01", periods=len(X), freq="h", tz="Europe/Paris"))
encode = make_column_transformer((OneHotEncoder(), make_column_selector(dtype_exclude="number")),
                                 (StandardScaler(), make_column_selector(dtype_include="number")))
pipeline = make_pipeline(encode, LogisticRegression()).fit(frame, y)
forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
boosted = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
print(json.dumps([fit_identity(pipeline), model_identity(pipeline), fit_identity(forest), fit_identity(boosted),
                  fingerprint(frame, y), fingerprint(frame.to_numpy(), y.to_list())]))
"""


def test_identities_are_stable_across_kernels():
    """No addresses, no hash(), no pickle: a fresh interpreter with another hash seed agrees."""
    kernels = [subprocess.Popen([sys.executable, "-c", STABILITY], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                env={**os.environ, "PYTHONHASHSEED": seed}) for seed in ("1", "2")]
    first, second = (json.loads(kernel.communicate()[0]) for kernel in kernels)
    assert [kernel.returncode for kernel in kernels] == [0, 0]
    assert first == second
    assert first[4] == first[5]  # a DataFrame and its .to_numpy() with the labels as a list


# ------------------------------------------------------------------ 3. data fingerprints by content

def test_the_same_values_in_any_container_have_one_fingerprint(cancer):
    _, X_test, _, y_test = cancer
    values = X_test.to_numpy()
    same = [
        (X_test, y_test),
        (values, y_test.to_numpy()),
        (np.ascontiguousarray(values), y_test.to_list()),
        (values.tolist(), tuple(y_test)),
        (X_test.set_axis([f"feature {i}" for i in range(30)], axis=1).set_axis(range(1000, 1000 + len(X_test))),
         y_test.set_axis(range(len(y_test))).rename("malignant")),  # index and names are not content
        (X_test.to_numpy(dtype=np.float32).astype(np.float64).astype(np.float64) * 0 + values, y_test.astype(float)),
        (sp.csr_matrix(values), pd.Categorical(y_test)),
    ]
    assert len({fingerprint(X, y) for X, y in same}) == 1
    rounded = X_test.round()  # 1, 1.0 and True are one value, as scikit-learn sees them
    assert fingerprint(rounded, y_test) == fingerprint(rounded.astype(int), y_test.astype(bool))
    assert fingerprint(X_test, y_test) != fingerprint(X_test, 1 - y_test)
    assert fingerprint(X_test, y_test) != fingerprint(X_test.iloc[::-1], y_test.iloc[::-1])  # row order
    assert fingerprint(X_test, y_test) != fingerprint(X_test.iloc[:, ::-1], y_test)  # column order
    assert fingerprint(X_test, y_test) != fingerprint(values.reshape(-1, 15), y_test)  # shape


def test_sparse_data_is_fingerprinted_by_its_values():
    digits = load_digits().data  # 8x8 images, half of the pixels are 0
    X = sp.csr_matrix(digits)
    assert fingerprint(X, None) != fingerprint(2 * X, None)  # same shape, same non-zeros
    forms = [X, X.tocsc(), X.tocoo(), sp.csr_array(digits), sp.coo_array(digits), digits, digits.astype(int)]
    assert len({fingerprint(form, None) for form in forms}) == 1
    # explicit zeros and duplicate entries: as the dense form has them
    coo = X.tocoo()
    rows, cols, data = coo.row, coo.col, coo.data
    split = sp.coo_matrix((np.concatenate([data / 2, data / 2, [0.0]]),
                           (np.concatenate([rows, rows, [0]]), np.concatenate([cols, cols, [0]]))), shape=X.shape)
    assert fingerprint(split, None) == fingerprint(X, None)
    unsorted = sp.csr_matrix((X.data[::-1].copy(), X.indices[::-1].copy(), X.indptr.copy()), shape=X.shape)
    unsorted.has_sorted_indices = False
    reordered = sp.csr_matrix(unsorted.toarray())
    assert fingerprint(unsorted, None) == fingerprint(reordered, None)
    one_changed = X.copy()
    one_changed.data[100] += 1
    assert fingerprint(one_changed, None) != fingerprint(X, None)


def every_kind_of_column(n: int = 8) -> pd.DataFrame:
    iris = load_iris(as_frame=True).frame.iloc[::19].head(n).reset_index(drop=True)
    species = load_iris().target_names[iris["target"]]
    return pd.DataFrame({
        "length": iris["sepal length (cm)"],
        "petals": iris["petal width (cm)"].where(iris.index % 3 > 0),  # with missing values
        "count": iris["target"],
        "nullable": pd.array(iris["target"].where(iris.index % 4 > 0), dtype="Int64"),
        "flag": iris["target"] == 1,
        "species": pd.Categorical(species),
        "name": species.astype(object),
        "text": pd.array(np.where(iris.index % 5 > 0, species, None), dtype="string"),
        "seen": pd.date_range("2024-03-30", periods=n, freq="7h").where(iris.index % 3 > 0),
        "seen_utc": pd.date_range("2024-03-30", periods=n, freq="7h", tz="Europe/Paris"),
        "waited": pd.to_timedelta(iris["target"] * 90, unit="min"),
        "tags": [["setosa"], [], ["a", "b"], ["a"], ["b", "a"], ["x"], [], ["y"]][:n],
        "attrs": [{"a": 1, "b": [1, 2]}, {}, {"b": [1, 2], "a": 1}, {"a": 2}, None, {"c": "x"}, {}, {"a": 1.0}][:n],
        "vector": [np.arange(3.0) + i for i in range(n)],
    })


def test_pandas_columns_of_every_kind_agree_with_their_numpy_form():
    frame = every_kind_of_column()
    base = fingerprint(frame, None)
    assert fingerprint(frame.to_numpy(), None) == base  # an object array of Timestamps, lists, dicts...
    assert fingerprint(frame.to_numpy().tolist(), None) == base
    for column in frame:  # one column at a time, as a Series and as an object array
        series = frame[column]
        assert fingerprint(series, None) == fingerprint(series.to_numpy(dtype=object), None)
        if column not in ("tags", "vector"):  # a list of equal-length vectors is a 2-D array
            assert fingerprint(series.to_list(), None) == fingerprint(series, None)
    # content of cells counts: a list as a tuple or array is the same, dict keys in any order
    as_tuples = frame.assign(tags=[tuple(t) for t in frame["tags"]], vector=[v.tolist() for v in frame["vector"]])
    assert fingerprint(as_tuples, None) == base
    assert frame["attrs"][0] == frame["attrs"][2]
    assert fingerprint(frame["attrs"][:1], None) == fingerprint(frame["attrs"][2:3], None)


@pytest.mark.parametrize("column", list(every_kind_of_column().columns))
def test_one_changed_cell_of_any_kind_changes_the_fingerprint(column):
    frame = every_kind_of_column()
    changed = frame.copy()
    changed[column] = frame[column].iloc[::-1].to_numpy() if column != "species" else frame[column].iloc[::-1].to_list()
    assert fingerprint(changed, None) != fingerprint(frame, None)
    new = {"tags": ["a", "c"], "attrs": {"a": 2}, "vector": np.arange(3.0) * 2, "flag": True,
           "seen": pd.Timestamp("2024-04-01 01:00"), "seen_utc": pd.Timestamp("2024-04-01 01:00", tz="Europe/Paris"),
           "waited": pd.Timedelta("1min"), "species": "virginica", "name": "virginica",
           "text": "virginica"}.get(column, 99)
    cells = frame[column].to_list()
    assert not (isinstance(cells[1], type(new)) and np.array_equal(cells[1], new, equal_nan=False))
    cells[1] = new
    changed = frame.assign(**{column: pd.Series(cells, dtype=frame[column].dtype if column != "vector" else object)})
    assert fingerprint(changed, None) != fingerprint(frame, None)


def test_strings_are_not_numbers_and_every_missing_value_is_one():
    assert fingerprint(np.array(["1.5", "2"], dtype=object), None) != fingerprint(np.array([1.5, 2.0]), None)
    missing = [np.array([1.0, np.nan]), np.array([1.0, None], dtype=object), pd.array([1.0, None], dtype="Float64"),
               pd.Series([1, pd.NA], dtype=object), [1, float("nan")]]
    assert len({fingerprint(m, None) for m in missing}) == 1
    assert fingerprint([dt.date(2024, 1, 2)], None) == fingerprint(pd.to_datetime(["2024-01-02"]), None)
    assert (fingerprint(np.array(["a", "b"]), None) == fingerprint(["a", "b"], None)
            == fingerprint(pd.array(["a", "b"]), None))


def test_large_data_sees_one_value_and_row_order_anywhere(cancer):
    """Above the sampled part, every value still counts through its row's sum."""
    _, X_test, _, y_test = cancer
    tiled = np.tile(X_test.to_numpy(), (40, 1))  # 5,720 rows x 30: more than the rows hashed in full
    y = np.tile(y_test.to_numpy(), 40)
    base = fingerprint(tiled, y)
    assert fingerprint(pd.DataFrame(tiled), pd.Series(y)) == base  # column by column, same fingerprint
    assert fingerprint(np.asfortranarray(tiled), y) == base
    for row in range(3000, 3010):  # consecutive rows: some are outside the sample
        changed = tiled.copy()
        changed[row, 7] = np.nextafter(changed[row, 7], np.inf)
        assert fingerprint(changed, y) != base
        swapped = tiled.copy()
        swapped[[row, row + 1]] = swapped[[row + 1, row]]
        if not np.array_equal(tiled[row], tiled[row + 1]):
            assert fingerprint(swapped, y) != base


# ------------------------------------------------------------------ 4. the metric fits the task

@pytest.mark.parametrize("metric, variant", [("auc", "roc_auc_ovr"), ("f1", "f1_macro"),
                                             ("precision", "precision_macro"), ("recall", "recall_macro")])
def test_two_class_metrics_on_multiclass_labels_name_the_variant(iris, metric, variant):
    _, X_test, _, y_test, lr = iris
    with pytest.raises(EvaluationError) as caught:
        evaluate_model(objective(metric), lr, X_test, y_test, "lr")
    message = str(caught.value)
    assert f"`metric: {variant}`" in message and "3 (0, 1, 2)" in message
    assert "average=" not in message and "\n" not in message
    assert evaluate_model(objective(variant), lr, X_test, y_test, "lr").score == pytest.approx(1.0)


def test_average_precision_on_multiclass_is_refused(iris):
    _, X_test, _, y_test, lr = iris
    assert get_scorer("accuracy")(lr, X_test, y_test) == 1.0
    assert get_scorer("average_precision")(lr, X_test, y_test) < 0.8  # what scikit-learn would have said
    with pytest.raises(EvaluationError, match=r"defined for two classes, and the test labels have 3 \(0, 1, 2\)\. "
                                              r"For a multiclass target it is refused: .*`metric: roc_auc_ovr`"):
        evaluate_model(objective("ap"), lr, X_test, y_test, "lr")


def test_a_classification_metric_on_a_continuous_target_is_one_message():
    X, y = load_diabetes(return_X_y=True)
    log_y = np.log(y)  # a continuous target (y itself holds whole numbers: scikit-learn calls it multiclass)
    tree = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, log_y)
    for metric in ("auc", "accuracy", "f1"):
        with pytest.raises(EvaluationError, match=r"classification metric, but the test labels are continuous "
                                                  r"\(5\.01.*, \.\.\.\)\. Declare a regression metric"):
            evaluate_model(objective(metric), tree, X, log_y, "tree")
    with pytest.raises(EvaluationError, match="but tree is a regressor: it predicts numbers"):
        evaluate_model(objective("auc"), tree, X, (y > 140).astype(int), "tree")


def test_a_regression_metric_on_a_classifier_is_one_message(cancer):
    X_train, X_test, y_train, y_test = cancer
    tree = DecisionTreeClassifier(max_depth=2).fit(X_train, y_train)
    for metric in ("rmse", "r2", "mae"):
        with pytest.raises(EvaluationError, match=r"regression metric, but tree is a classifier"):
            evaluate_model(objective(metric, target="0.99" if metric == "r2" else "0.1", baseline="0.5"),
                           tree, X_test, y_test, "tree")


def test_a_ranking_metric_on_a_model_without_scores_is_one_message(cancer):
    X_train, X_test, y_train, y_test = cancer
    svc = make_pipeline(StandardScaler(), SVC()).fit(X_train, y_train)  # decision_function, no predict_proba
    assert evaluate_model(objective("auc"), svc, X_test, y_test, "svc").score > 0.9
    with pytest.raises(EvaluationError, match=r"log loss needs class probabilities, and svc \(Pipeline\) has "
                                              r"predict but no predict_proba\. Give it"):
        evaluate_model(objective("logloss", baseline="0.7", target="0.1"), svc, X_test, y_test, "svc")


def test_a_task_mistake_in_the_notebook_is_one_line(shell, iris):
    _, X_test, _, y_test, lr = iris
    from IPython.utils.capture import capture_output

    shell.user_ns.update({"lr": lr, "X_test": X_test, "y_test": y_test})
    shell.run_line_magic("load_ext", "nbalign")
    with capture_output() as captured:
        shell.run_cell("%%objective flowers\nmetric: f1\ntarget: 0.99\nbaseline: 0.5\ndata:\n  test: X_test, y_test")
        result = shell.run_cell("%evaluate lr")
    text = re.sub(r"\x1b\[[0-9;]*m", "", captured.stdout + captured.stderr)
    assert not result.success and "Traceback" not in text
    assert "F1 is defined for two classes" in text and "`metric: f1_macro`" in text
    assert len(text.strip().splitlines()) == 1


# ------------------------------------------------------------------ 5. models that are not scikit-learn's

class ThresholdModel:
    """A team's wrapper: a fitted model plus the decision threshold the business agreed on."""

    def __init__(self, model, threshold=0.5):
        self.model = model
        self.threshold = threshold

    def predict_proba(self, X):
        return self.model.predict_proba(X)

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)


class StumpBooster:
    """Like a boosting library's booster: trained by a function, no scikit-learn base class, its
    trees as arrays, and ``predict`` returning the probability of the positive class."""

    def __init__(self, features, thresholds, left, right, base_score, params):
        self.features, self.thresholds, self.left, self.right = features, thresholds, left, right
        self.base_score = base_score
        self.params = params

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        margin = np.full(len(X), self.base_score)
        for f, t, lo, hi in zip(self.features, self.thresholds, self.left, self.right, strict=True):
            margin += np.where(X[:, f] <= t, lo, hi)
        return 1 / (1 + np.exp(-margin))


def train_booster(X, y, rounds=10, eta=0.5) -> StumpBooster:
    """Gradient boosting of stumps on log loss: each round, the split of one feature at its median."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    base = float(np.log(y.mean() / (1 - y.mean())))
    margin = np.full(len(y), base)
    features, thresholds, left, right = [], [], [], []
    for r in range(rounds):
        gradient = y - 1 / (1 + np.exp(-margin))
        f = r % X.shape[1]
        t = float(np.median(X[:, f]))
        low = X[:, f] <= t
        lo, hi = eta * gradient[low].mean(), eta * gradient[~low].mean()
        margin += np.where(low, lo, hi)
        features.append(f), thresholds.append(t), left.append(lo), right.append(hi)
    return StumpBooster(np.array(features), np.array(thresholds), np.array(left), np.array(right), base,
                        {"rounds": rounds, "eta": eta})


class BoosterClassifier:
    """What the message says to write: a booster given predict_proba (its 1-D probabilities)."""

    def __init__(self, booster):
        self.booster = booster

    def predict_proba(self, X):
        return self.booster.predict(X)

    def predict(self, X):
        return (self.booster.predict(X) > 0.5).astype(int)


def test_a_wrapper_is_scored_as_the_model_it_wraps(cancer):
    X_train, X_test, y_train, y_test = cancer
    lr = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)
    strict, lenient = ThresholdModel(lr, 0.8), ThresholdModel(lr, 0.2)
    auc = evaluate_model(objective("auc"), strict, X_test, y_test, "strict")
    assert auc.score == pytest.approx(evaluate_model(objective("auc"), lr, X_test, y_test, "lr").score)
    assert auc.estimator.endswith("ThresholdModel") and auc.params["threshold"] == 0.8
    f1 = [evaluate_model(objective("f1"), m, X_test, y_test, "m").score for m in (strict, lenient)]
    assert f1[0] != f1[1]
    # identity: class + settings + the wrapped model's parameters; what it learned: the wrapped fit
    assert model_identity(strict) != model_identity(lenient)
    assert model_identity(strict) == model_identity(ThresholdModel(clone(lr), 0.8))
    refit = ThresholdModel(clone(lr).fit(X_train[:60], y_train[:60]), 0.8)
    assert model_identity(refit) == model_identity(strict) and fit_identity(refit) != fit_identity(strict)


def test_a_booster_is_scored_by_duck_typing_or_told_how_to_wrap(cancer):
    X_train, X_test, y_train, y_test = cancer
    booster = train_booster(X_train, y_train)
    with pytest.raises(EvaluationError) as caught:
        evaluate_model(objective("auc"), booster, X_test, y_test, "booster")
    message = str(caught.value)
    assert message.startswith("ROC AUC needs scores to rank cases, and booster (StumpBooster) has predict but no "
                              "predict_proba or decision_function. Give it a `predict_proba(X)`")
    assert "__sklearn_tags__" not in message and "\n" not in message
    wrapped = evaluate_model(objective("auc"), BoosterClassifier(booster), X_test, y_test, "booster")
    assert wrapped.score == pytest.approx(roc_auc_score(y_test, booster.predict(X_test)))
    accuracy = evaluate_model(objective("accuracy"), BoosterClassifier(booster), X_test, y_test, "booster")
    assert 0.5 < accuracy.score <= 1
    # a booster trained on other rows is another fit of the same model
    other = BoosterClassifier(train_booster(X_train[:100], y_train[:100]))
    assert model_identity(other) == model_identity(BoosterClassifier(booster))
    assert fit_identity(other) != fit_identity(BoosterClassifier(booster))
    assert model_identity(train_booster(X_train, y_train, rounds=5)) != model_identity(booster)  # params differ


def test_a_duck_typed_regressor_is_scored():
    X, y = load_diabetes(return_X_y=True)
    ridge = Ridge().fit(X[:300], y[:300])

    class Scaled:
        """Predictions in another unit, as a wrapper for reporting might."""

        def __init__(self, model, factor=1.0):
            self.model, self.factor = model, factor

        def predict(self, X):
            return self.model.predict(X) * self.factor

    e = evaluate_model(objective("rmse", baseline="80", target="40"), Scaled(ridge), X[300:], y[300:], "scaled")
    assert e.score == pytest.approx(-get_scorer("neg_root_mean_squared_error")(ridge, X[300:], y[300:]))


def test_not_a_model_is_one_message(cancer):
    _, X_test, _, y_test = cancer
    with pytest.raises(NbalignError, match="StandardScaler is not a model: it has no predict method"):
        evaluate_model(objective("auc"), StandardScaler().fit(X_test), X_test, y_test)


@pytest.fixture(scope="module")
def word_labels():
    """Two classes named by words, as the telco churn data has them, and a model fitted on them."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression

    X, y = load_breast_cancer(return_X_y=True)
    words = np.where(y == 1, "Yes", "No")
    return X, words, LogisticRegression(solver="newton-cholesky").fit(X, words)


@pytest.mark.parametrize("metric", ["f1", "precision", "recall", "average_precision"])
def test_a_metric_with_a_positive_class_on_word_labels_asks_which_is_positive(metric, word_labels):
    """Found trying the telco churn data: labels "No"/"Yes" gave scikit-learn's pos_label=1 message."""
    from sklearn.linear_model import LogisticRegression

    X, words, model = word_labels
    objective = parse_objective(f"metric: {metric}\ntarget: 0.99", name="churn")
    with pytest.raises(EvaluationError, match=r"labels are 'No', 'Yes': which is it\? .*`y_test == 'Yes'`"):
        evaluate_model(objective, model, X, words)
    booleans = LogisticRegression(solver="newton-cholesky").fit(X, words == "Yes")
    assert evaluate_model(objective, booleans, X, words == "Yes").score > 0.9


@pytest.mark.parametrize("metric", ["f1_macro", "precision_weighted", "recall_micro", "jaccard_macro"])
def test_an_average_over_the_classes_scores_word_labels(metric, word_labels):
    """The refusal above suggests f1_macro: an average over the classes has no positive class to ask for."""
    X, words, model = word_labels
    objective = parse_objective(f"metric: {metric}\ntarget: 0.99", name="churn")
    assert evaluate_model(objective, model, X, words).score == pytest.approx(get_scorer(metric)(model, X, words))


def test_a_parameter_that_is_not_a_finite_number_is_kept_as_text():
    """XGBoost's `missing=nan`: the store's JSON is strict, so the parameter is written as text."""
    from sklearn.impute import SimpleImputer

    from nbalign.identity import model_identity, model_params

    params = model_params(SimpleImputer(missing_values=float("nan"), fill_value=float("inf")))
    assert params["missing_values"] == "nan" and params["fill_value"] == "inf"
    import json

    json.dumps(params, allow_nan=False)
    assert model_identity(SimpleImputer()) == model_identity(SimpleImputer(missing_values=float("nan")))
