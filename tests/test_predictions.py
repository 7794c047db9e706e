"""Per-row predictions are kept in the store beside each evaluation, bounded, paired, and never
sent to a view: what significance tests between two models are computed from."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nbalign.evaluation import evaluate_model
from nbalign.objective import parse_objective
from nbalign.session import Session


def declare(session, text):
    return session.set_objective(parse_objective(text, name="churn"))


@pytest.fixture
def session(tmp_path):
    s = Session(tmp_path / "nbalign.db", notebook="churn.ipynb")
    return s


def record(session, model, X, y, name, **kwargs):
    evaluation = evaluate_model(session.objective, model, X, y, name, rows_kept=session.rows_kept, **kwargs)
    row = session.record(evaluation)
    return next(e for e in session.records if e.id == row.id)


def test_a_ranking_metric_keeps_the_scores_it_ranked_and_the_labels(session, cancer):
    declare(session, "metric: auc\ntarget: 0.999\nbaseline: 0.9")
    stored = record(session, cancer["logreg"], cancer["X_test"], cancer["y_test"], "logreg")
    assert stored.kept is None  # the session keeps the record alone in memory
    kept, test_set = session.store.predictions(stored)
    # scikit-learn's roc_auc scorer ranks by decision_function where a model has one; what
    # DeLong needs of it is its order: the dense ranks of the float32 scores, ties kept
    expected = ranks(cancer["logreg"].decision_function(cancer["X_test"]))
    assert kept.method == "decision_function" and kept.form == "ranks" and kept.values.dtype == np.float32
    np.testing.assert_array_equal(kept.values, expected)
    np.testing.assert_array_equal(test_set.values(), cancer["y_test"].to_numpy())
    assert kept.rows is None  # 143 rows: all kept

    again = Session(session.store.path, notebook="churn.ipynb")  # after a restart
    again.restore()
    reread, _ = again.store.predictions(again.records[0])
    np.testing.assert_array_equal(reread.values, expected)

    forest = record(session, cancer["forest"], cancer["X_test"], cancer["y_test"], "forest")
    kept, _ = session.store.predictions(forest)  # no decision_function: the positive class's probability
    assert kept.method == "predict_proba"
    expected = ranks(cancer["forest"].predict_proba(cancer["X_test"])[:, 1])
    np.testing.assert_array_equal(kept.values, expected)


def ranks(scores):
    return np.unique(np.asarray(scores, dtype=np.float32), return_inverse=True)[1].astype(np.float32)


def test_threshold_and_regression_metrics_keep_labels_and_values(session, cancer):
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    declare(session, "metric: accuracy\ntarget: 0.99\nbaseline: 0.9")
    stored = record(session, cancer["forest"], cancer["X_test"], cancer["y_test"], "forest")
    kept, _ = session.store.predictions(stored)
    assert kept.method == "predict"
    np.testing.assert_array_equal(kept.values, cancer["forest"].predict(cancer["X_test"]))

    X, y = load_diabetes(return_X_y=True)
    ridge = Ridge().fit(X[:300], y[:300])
    declare(session, "metric: rmse\ntarget: 40\nbaseline: 70")
    stored = record(session, ridge, X[300:], y[300:], "ridge")
    kept, test_set = session.store.predictions(stored)
    np.testing.assert_allclose(kept.values, ridge.predict(X[300:]), rtol=1e-6)
    np.testing.assert_array_equal(test_set.values(), y[300:])


def test_labels_that_are_words_are_kept_as_codes_of_the_test_sets_classes(session, cancer):
    from sklearn.linear_model import LogisticRegression

    words = np.where(cancer["y_train"] == 1, "benign", "malignant")
    model = LogisticRegression(max_iter=5000).fit(cancer["X_train"], words)
    declare(session, "metric: accuracy\ntarget: 0.99\nbaseline: 0.5")
    y_words = np.where(cancer["y_test"] == 1, "benign", "malignant")
    stored = record(session, model, cancer["X_test"], y_words, "words")
    kept, test_set = session.store.predictions(stored)
    assert test_set.classes == ["benign", "malignant"]
    predicted = np.asarray(test_set.classes)[kept.values.astype(int)]
    np.testing.assert_array_equal(predicted, model.predict(cancer["X_test"]))


def test_a_large_test_set_keeps_the_same_seeded_rows_for_every_model(session, cancer):
    session.rows_kept = 100  # of 143 test rows
    declare(session, "metric: auc\ntarget: 0.999\nbaseline: 0.9")
    a = record(session, cancer["logreg"], cancer["X_test"], cancer["y_test"], "logreg")
    b = record(session, cancer["forest"], cancer["X_test"], cancer["y_test"], "forest")
    (kept_a, set_a), (kept_b, _) = session.store.predictions(a), session.store.predictions(b)
    assert len(kept_a.rows) == 100 and np.array_equal(kept_a.rows, kept_b.rows)
    assert np.all(np.diff(kept_a.rows) > 0)
    expected_b = ranks(cancer["forest"].predict_proba(cancer["X_test"])[kept_b.rows, 1])
    np.testing.assert_array_equal(kept_b.values, expected_b)
    np.testing.assert_array_equal(set_a.values(), cancer["y_test"].to_numpy()[kept_a.rows])

    session.rows_kept = 0
    c = record(session, cancer["stump"], cancer["X_test"], cancer["y_test"], "stump")
    assert session.store.predictions(c) is None


def test_re_recording_replaces_the_predictions_and_none_reach_a_view(session, cancer):
    from dataclasses import replace

    declare(session, "metric: auc\ntarget: 0.999\nbaseline: 0.9")
    evaluation = evaluate_model(session.objective, cancer["logreg"], cancer["X_test"], cancer["y_test"], "logreg")
    first = session.record(evaluation)
    shifted = replace(evaluation.kept, values=evaluation.kept.values[::-1].copy())
    second = session.record(replace(evaluation, kept=shifted))
    assert first.id == second.id
    kept, _ = session.store.predictions(session.records[0])
    np.testing.assert_array_equal(kept.values, shifted.values)
    sent = json.dumps(session.message())
    assert "decision_function" not in sent and "kept" not in json.dumps(evaluation.to_dict())
    assert len(sent) < 20_000
