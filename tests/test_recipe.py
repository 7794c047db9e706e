"""Is a change of recipe better? 5×2-fold CV on the training data and the corrected resampled t
(:mod:`nbalign.recipe`): the arithmetic, its calibration under the null and its power, that it does
no harm, its budget, and its place in the store."""

from __future__ import annotations

import math
import pickle
import random

import numpy as np
import pytest
from IPython.utils.capture import capture_output
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, scale
from sklearn.tree import DecisionTreeClassifier

from nbalign import commands, refit
from nbalign.errors import EvaluationError
from nbalign.evaluation import Evaluation
from nbalign.metrics import resolve_metric
from nbalign.objective import parse_objective
from nbalign.recipe import Checked, FoldScores, fold_scores, recipe_difference, training_folds
from nbalign.refit import Budget, Cancelled
from nbalign.session import Session, active_session
from nbalign.store import Store

SCORES_A = (0.80, 0.82, 0.79, 0.81, 0.80, 0.83, 0.78, 0.80, 0.81, 0.82)
SCORES_B = (0.84, 0.83, 0.82, 0.85, 0.81, 0.86, 0.80, 0.84, 0.83, 0.85)


def scores(values, folds="f", train_rows=426, held_out=213, seconds=0.5) -> FoldScores:
    return FoldScores(folds, 5, 2, train_rows, held_out, tuple(values), seconds)


def clopper_pearson(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The exact interval of a binomial rate, from the beta distribution."""
    alpha = 1 - level
    low = 0.0 if successes == 0 else stats.beta.ppf(alpha / 2, successes, trials - successes + 1)
    high = 1.0 if successes == trials else stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes)
    return float(low), float(high)


# ------------------------------------------------------------------ the arithmetic


@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.99])
def test_recipe_difference_is_the_corrected_resampled_t_computed_by_hand(confidence):
    a, b = scores(SCORES_A, train_rows=427, held_out=213), scores(SCORES_B, train_rows=427, held_out=213)
    d = np.array(SCORES_B) - np.array(SCORES_A)
    mean, variance = d.mean(), d.var(ddof=1)
    correction = 1 / 10 + 213 / (427 - 213)  # 1/(r·k) + n_test/n_train
    se = math.sqrt(variance * correction)
    critical = stats.t.ppf(0.5 + confidence / 2, df=9)
    p = 2 * stats.t.sf(abs(mean) / se, df=9)
    found = recipe_difference(a, b, confidence)
    assert found.estimate == pytest.approx(mean, abs=1e-12)
    assert found.low == pytest.approx(mean - critical * se, abs=1e-12)
    assert found.high == pytest.approx(mean + critical * se, abs=1e-12)
    assert found.p_value == pytest.approx(p, abs=1e-12)
    assert found.n == 427 and found.method == \
        "corrected resampled t (Nadeau–Bengio), 5×2-fold CV on 427 training rows"  # noqa: RUF001
    # B minus A: the other way round is the same test, mirrored
    back = recipe_difference(b, a, confidence)
    assert (back.estimate, back.low, back.high) == pytest.approx((-found.estimate, -found.high, -found.low), abs=1e-15)
    assert back.p_value == pytest.approx(found.p_value, abs=1e-15)


def test_recipe_difference_is_a_matched_pair():
    """The interval excludes 0 exactly when p < 1 - confidence, whatever the scores."""
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(400):
        a = rng.normal(0.8, 0.02, 10)
        b = a + rng.normal(rng.normal(0, 0.01), rng.uniform(0.001, 0.03), 10)
        for confidence in (0.9, 0.95):
            d = recipe_difference(scores(a), scores(b), confidence)
            excludes = d.low > 0 or d.high < 0
            assert excludes == (d.p_value < 1 - confidence), (d, confidence)
            checked += excludes
    assert 20 < checked < 780  # both sides of the line were tried


def test_recipes_scored_on_other_folds_are_not_compared():
    assert recipe_difference(scores(SCORES_A, folds="f"), scores(SCORES_B, folds="g")) is None
    assert recipe_difference(scores(SCORES_A), scores(SCORES_B[:8])) is None


def test_the_same_deterministic_recipe_differs_by_exactly_nothing_and_a_constant_shift_is_untested():
    same = recipe_difference(scores(SCORES_A), scores(SCORES_A))
    assert (same.estimate, same.low, same.high, same.p_value) == (0.0, 0.0, 0.0, 1.0)
    exact = [k / 64 for k in range(40, 50)]  # a shift of 1/4 is exact on these
    with pytest.raises(EvaluationError, match="every one of the 10 folds differs by the same amount"):
        recipe_difference(scores(exact), scores([s + 0.25 for s in exact]))


def test_fold_scores_round_trip_through_a_dict():
    original = scores(SCORES_A, folds="abc", seconds=0.812)
    assert FoldScores.from_dict(original.to_dict()) == original
    assert original.scheme == "5×2"


# ------------------------------------------------------------------ the splits


def test_every_model_of_an_objective_gets_the_same_stratified_splits(cancer):
    metric = resolve_metric("auc")
    y = cancer["y_train"]
    first, again = training_folds(y, metric), training_folds(y.to_numpy(), metric)
    assert first.identity == again.identity and first.seed == again.seed and first.stratified
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(first.splits, again.splits, strict=True))
    assert len(first.splits) == 10 and first.held_out_rows == len(y) // 2
    for repetition in range(5):  # each repetition holds every row out once, in two halves of one class mix
        (_, one), (_, other) = first.splits[2 * repetition: 2 * repetition + 2]
        assert sorted(np.concatenate([one, other]).tolist()) == list(range(len(y)))
        assert abs(np.asarray(y)[one].mean() - np.asarray(y).mean()) < 0.01
    # other labels (another split of the data, other rows) are other folds
    assert training_folds(y.iloc[:-1], metric).identity != first.identity
    # a regression's folds are not stratified
    assert not training_folds(np.linspace(0, 1, 50), resolve_metric("rmse")).stratified


def test_the_features_are_part_of_the_recipe_and_the_labels_name_the_folds(cancer):
    """A model given one more column is compared with the model without it, on the same rows."""
    metric = resolve_metric("logloss")
    X, y = cancer["X_train"], cancer["y_train"]
    folds = training_folds(y, metric)
    lr = make_pipeline(StandardScaler(), LogisticRegression())
    without = fold_scores(lr, X.iloc[:, :6], y, metric, folds=folds)
    with_it = fold_scores(lr, X.iloc[:, [0, 1, 2, 3, 4, 5, 27]], y, metric, folds=folds)
    assert without.folds == with_it.folds == folds.identity
    assert (without.repeats, without.k, without.train_rows, without.held_out_rows) == (5, 2, len(y), len(y) // 2)
    assert len(without.scores) == 10 and without.seconds > 0
    difference = recipe_difference(without, with_it)
    assert difference.estimate < 0 and difference.p_value < 0.05  # the seventh column lowers the log loss


# ------------------------------------------------------------------ calibration and power


def test_two_seeds_of_one_recipe_are_called_different_at_most_5_percent_of_the_time():
    """Under the null (two random_state values of one randomised tree: equal skill), on 200 fresh
    training sets of 120 rows of the breast cancer data, the corrected test calls the recipes
    different at 95% in at most 5% of them (the exact lower bound of the rate is at most 0.05);
    the uncorrected paired t on the same folds calls them different far more often."""
    X, y = load_breast_cancer(return_X_y=True)
    metric = resolve_metric("auc")
    rng = np.random.default_rng(21)
    repetitions, corrected, uncorrected = 200, 0, 0
    for i in range(repetitions):
        rows = rng.choice(len(y), 120, replace=False)
        X_train, y_train = X[rows], y[rows]
        folds = training_folds(y_train, metric)
        a, b = (fold_scores(DecisionTreeClassifier(max_depth=3, max_features=0.3, random_state=seed),
                            X_train, y_train, metric, folds=folds) for seed in (2 * i, 2 * i + 1))
        corrected += recipe_difference(a, b).p_value < 0.05
        d = np.subtract(b.scores, a.scores)
        spread = d.std(ddof=1)
        plain_t = abs(d.mean()) / (spread / math.sqrt(d.size)) if spread > 0 else 0.0
        uncorrected += bool(2 * stats.t.sf(plain_t, d.size - 1) < 0.05)
    low, high = clopper_pearson(corrected, repetitions)
    plain_low, plain_high = clopper_pearson(uncorrected, repetitions)
    said = (f"corrected: {corrected}/{repetitions} called different (95% CI {low:.3f} to {high:.3f}); "
            f"uncorrected paired t on the same folds: {uncorrected}/{repetitions} "
            f"({plain_low:.3f} to {plain_high:.3f})")
    assert low <= 0.05, said
    assert uncorrected > corrected and plain_low > 0.05, said  # the correction matters


def test_a_useful_feature_is_called_better_most_of_the_time():
    """Power beside the calibration: logistic regression on six features of the breast cancer
    data, against the same with a seventh, useful one (worst concave points), on 40 fresh
    training sets of 150 rows, scored by log loss."""
    X, y = load_breast_cancer(return_X_y=True)
    X = scale(X)
    metric = resolve_metric("logloss")
    rng = np.random.default_rng(21)
    repetitions, better = 40, 0
    for _ in range(repetitions):
        rows = rng.choice(len(y), 150, replace=False)
        y_train = y[rows]
        folds = training_folds(y_train, metric)
        without = fold_scores(LogisticRegression(), X[rows][:, :6], y_train, metric, folds=folds)
        with_it = fold_scores(LogisticRegression(), X[rows][:, [0, 1, 2, 3, 4, 5, 27]], y_train, metric, folds=folds)
        d = recipe_difference(without, with_it)
        better += d.p_value < 0.05 and metric.improvement(d.estimate, 0.0) > 0
    low, high = clopper_pearson(better, repetitions)
    said = f"power: {better}/{repetitions} called better (95% CI {low:.2f} to {high:.2f})"
    assert low > 0.05 and better / repetitions > 0.5, said


# ------------------------------------------------------------------ do no harm


def test_fold_scores_draw_nothing_from_the_users_streams_and_leave_the_model_alone(cancer, monkeypatch):
    X, y = cancer["X_train"], cancer["y_train"]
    forest = RandomForestClassifier(n_estimators=5, random_state=None).fit(X, y)
    before = pickle.dumps(forest)
    params, fitted = forest.get_params(), [e.tree_.node_count for e in forest.estimators_]
    clones = []
    monkeypatch.setattr(refit, "seeded_clone", lambda model, _clone=refit.seeded_clone: clones.append(
        copy := _clone(model)) or copy)
    np.random.seed(11)  # noqa: NPY002 - the legacy global stream, which unseeded estimators draw from
    random.seed(11)
    numpy_state, python_state = np.random.get_state(), random.getstate()  # noqa: NPY002
    found = fold_scores(forest, X, y, resolve_metric("auc"), folds=training_folds(y, resolve_metric("auc")))
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == numpy_state[0] and np.array_equal(after[1], numpy_state[1]) and after[2:] == numpy_state[2:]
    assert random.getstate() == python_state
    assert pickle.dumps(forest) == before and forest.get_params() == params
    assert [e.tree_.node_count for e in forest.estimators_] == fitted
    assert len(found.scores) == 10 and len(clones) == 10
    assert all(isinstance(c.random_state, int) for c in clones)  # seeded by nbalign, not by the global stream


def test_a_search_is_refitted_as_its_best_estimator(cancer, monkeypatch):
    from sklearn.model_selection import GridSearchCV

    X, y = cancer["X_train"], cancer["y_train"]
    search = GridSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [2, 3]}, cv=3).fit(X, y)
    clones = []
    monkeypatch.setattr(refit, "seeded_clone", lambda model, _clone=refit.seeded_clone: clones.append(
        copy := _clone(model)) or copy)
    fold_scores(search, X, y, resolve_metric("auc"), folds=training_folds(y, resolve_metric("auc")))
    assert len(clones) == 10 and all(type(c) is DecisionTreeClassifier for c in clones)
    assert {c.max_depth for c in clones} == {search.best_params_["max_depth"]}


class Interrupting(ClassifierMixin, BaseEstimator):
    """A classifier whose third fit is interrupted (Ctrl-C)."""

    fits = 0

    def fit(self, X, y):
        Interrupting.fits += 1
        if Interrupting.fits == 3:
            raise KeyboardInterrupt
        self.classes_ = np.unique(y)
        self.prior_ = float(np.mean(y))
        return self

    def predict_proba(self, X):
        return np.tile([1 - self.prior_, self.prior_], (len(X), 1))


def test_ctrl_c_and_the_deadline_stop_the_refits_between_fits(cancer):
    X, y = cancer["X_train"], cancer["y_train"]
    metric = resolve_metric("auc")
    folds = training_folds(y, metric)
    Interrupting.fits = 0
    with pytest.raises(Cancelled, match="interrupted"):
        fold_scores(Interrupting(), X, y, metric, folds=folds)
    assert Interrupting.fits == 3
    with pytest.raises(Cancelled, match="past its time budget after 0 of 10 fits"):
        fold_scores(LogisticRegression(), X, y, metric, folds=folds, deadline=0.0)


# ------------------------------------------------------------------ in the user's cell, within the budget


@pytest.fixture
def session(private_store):
    return Session(private_store)


CANCER = "metric: auc\ntarget: 0.999\nbaseline: {baseline}\ndata:\n  train: X_train, y_train\n  test: X_test, y_test"


def namespace_of(cancer, **models):
    return {**{k: v for k, v in cancer.items() if k.startswith(("X_", "y_"))}, **models}


def test_a_recipe_over_the_budget_is_not_checked_in_the_cell_and_the_output_says_how_to_ask(session, cancer):
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(cancer["X_train"], cancer["y_train"])
    namespace = namespace_of(cancer, forest=forest)
    commands.declare_objective(session, namespace, CANCER.format(baseline="0.9"), name="cancer")
    # fitted in 2 s (as if): 10 fits on half the rows take about 10 s, over the 1 s budget
    result = commands.evaluate(session, namespace, forest, fit_seconds=2.0)
    line = ("recipe not compared: 5×2-fold CV would take about 10 s, over the 1.0 s budget; "
            "`%evaluate forest --tune` compares it")
    assert result.notes == [line] and result.evaluation.fold_scores is None
    assert line in result._repr_mimebundle_()["text/plain"].splitlines()[1]
    (first,) = session.records
    assert first.fold_scores is None
    # asked for, it is done whatever it costs, and the one record is updated with it
    asked = commands.evaluate(session, namespace, forest, fit_seconds=2.0, tune=True)
    (again,) = session.records
    assert asked.notes == [] and again.id == first.id and again.fold_scores is not None
    assert len(again.fold_scores.scores) == 10 and again.fold_scores.train_rows == len(cancer["y_train"])
    text = asked._repr_mimebundle_()["text/plain"]
    assert "recipe checked by 5×2-fold CV on 426 training rows in " in text
    # and it is not done twice: evaluated again, the model keeps the scores it has
    assert commands.evaluate(session, namespace, forest, fit_seconds=2.0).evaluation.fold_scores == again.fold_scores


def test_a_recipe_whose_fit_time_nbalign_did_not_see_is_not_checked_without_asking(session, cancer):
    import time

    start = time.perf_counter()
    lr = make_pipeline(StandardScaler(), LogisticRegression()).fit(cancer["X_train"], cancer["y_train"])
    seconds = time.perf_counter() - start
    namespace = namespace_of(cancer, lr=lr)
    commands.declare_objective(session, namespace, CANCER.format(baseline="0.9"), name="cancer")
    result = commands.evaluate(session, namespace, lr)
    assert result.notes == [("recipe not compared: 5×2-fold CV refits the model 10 times and nbalign did not see "
                             "how long its fit takes; `%evaluate lr --tune` compares it")]
    session.refit_budget = Budget(0.0)
    off = commands.evaluate(session, namespace, lr, fit_seconds=0.001)
    assert off.notes[0].startswith("recipe not compared: automatic refits are off")
    session.refit_budget = Budget(60.0)  # (a generous budget: the machine may be busy)
    within = commands.evaluate(session, namespace, lr, fit_seconds=seconds)
    assert within.notes == [] and within.evaluation.fold_scores is not None


def test_an_interrupted_check_keeps_the_evaluation(session, cancer):
    model = Interrupting().fit(cancer["X_train"], cancer["y_train"])
    namespace = namespace_of(cancer, model=model)
    commands.declare_objective(session, namespace, CANCER.format(baseline="0.5"), name="cancer")
    Interrupting.fits = 1  # the next fit is the first of the check; its second is interrupted
    result = commands.evaluate(session, namespace, model, fit_seconds=0.001)
    assert result.notes == ["recipe not compared: stopped (interrupted); `%evaluate model --tune` compares it"]
    (recorded,) = session.records
    assert recorded.name == "model" and recorded.fold_scores is None


def test_the_baseline_and_every_model_are_checked_on_the_same_folds(session, cancer):
    namespace = namespace_of(cancer)
    session.refit_budget = Budget(60.0)  # within it, however busy the machine
    commands.declare_objective(session, namespace, CANCER.format(baseline="auto"), name="cancer")
    constant, linear = session.records
    assert constant.fold_scores is None  # the floor is not a recipe to compare with
    assert linear.name == "linear baseline" and len(linear.fold_scores.scores) == 10
    lr = make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(cancer["X_train"], cancer["y_train"])
    model = commands.evaluate(session, {**namespace, "lr": lr}, lr, fit_seconds=0.01).evaluation
    assert model.fold_scores.folds == linear.fold_scores.folds
    assert recipe_difference(linear.fold_scores, model.fold_scores) is not None


def test_autolog_checks_the_recipe_on_what_fit_took(loaded, cancer):
    """A model fitted on the training data with one column less is checked on what it was
    fitted on, on the same folds as the baseline (the labels are the same rows)."""
    run = loaded.run_cell
    with capture_output():
        run("%config NbalignMagics.refit_budget = 60")  # within it, however busy the machine
        run("%%objective cancer\n" + CANCER.format(baseline="auto"))
        run("X_fewer = X_train.iloc[:, 1:]\nfrom sklearn.linear_model import LogisticRegression\n"
            "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
            "fewer = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_fewer, y_train)")
        result = run("%evaluate fewer X_test.iloc[:, 1:] y_test")
    assert result.success, result.error_in_exec
    records = {r.name: r for r in active_session().records}
    fewer, linear = records["fewer"], records["linear baseline"]
    assert fewer.fold_scores is not None and fewer.fold_scores.folds == linear.fold_scores.folds
    metric = resolve_metric("auc")
    alone = fold_scores(loaded.user_ns["fewer"], loaded.user_ns["X_fewer"], cancer["y_train"], metric,
                        folds=training_folds(cancer["y_train"], metric))
    assert fewer.fold_scores.scores == alone.scores  # on the 29 columns it was fitted on, not data.train's 30


def test_a_model_fitted_on_other_columns_than_data_train_is_not_checked_on_them(session, cancer):
    X_train, y_train = cancer["X_train"], cancer["y_train"]
    fewer = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train.iloc[:, 1:], y_train)
    namespace = namespace_of(cancer, fewer=fewer)
    commands.declare_objective(session, namespace, CANCER.format(baseline="0.9"), name="cancer")
    result = commands.evaluate(session, namespace, fewer, cancer["X_test"].iloc[:, 1:], cancer["y_test"],
                               fit_seconds=0.01)
    assert result.notes == [("recipe not compared: fewer was fitted on other columns than the training data "
                             "(`data.train`)")] and result.evaluation.fold_scores is None


def shown(captured) -> str:
    """What a cell printed and displayed, as plain text."""
    return captured.stdout + "\n".join(o.data.get("text/plain", "") for o in captured.outputs)


def test_evaluate_tune_asks_for_the_recipe_check(loaded, cancer):
    with capture_output() as captured:
        loaded.run_cell("%%objective cancer\n" + CANCER.format(baseline="0.9"))
        loaded.run_cell("%config NbalignMagics.refit_budget = 0\n"
                        "from sklearn.tree import DecisionTreeClassifier\n"
                        "tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)")
        loaded.run_cell("%evaluate tree")
    assert "\n  recipe not compared: automatic refits are off" in shown(captured)
    with capture_output() as captured:
        loaded.run_cell("%evaluate tree --tune")
    assert "nbalign: checking tree's recipe by 5×2-fold CV on 426 training rows (10 fits)…" in shown(captured)
    assert "\n  recipe checked by 5×2-fold CV on 426 training rows in" in shown(captured)
    (record,) = [r for r in active_session().records if r.name == "tree"]
    assert record.fold_scores is not None


def test_the_session_remembers_a_recipe_checked_on_the_same_training_data(cancer):
    X, y = cancer["X_train"], cancer["y_train"]
    metric = resolve_metric("auc")
    folds, checked = training_folds(y, metric), Checked()
    lr = LogisticRegression(C=0.5)
    assert checked.get(lr, X, folds, metric) is None
    found = scores(SCORES_A, folds=folds.identity)
    checked.remember(lr, X, folds, metric, found)
    assert checked.get(clone(lr), X, folds, metric) is found  # the recipe, not the object
    assert checked.get(LogisticRegression(C=0.6), X, folds, metric) is None
    assert checked.get(lr, X.iloc[:, 1:], folds, metric) is None  # other features: another recipe's scores


# ------------------------------------------------------------------ the store


def record(name: str, fold_scores: FoldScores | None = None, score: float = 0.9) -> Evaluation:
    return Evaluation(objective="churn", objective_version=1, name=name, estimator="X", params={}, metric="auc",
                      score=score, model_id=name, fold_scores=fold_scores)


def test_fold_scores_are_stored_beside_the_record_and_read_back(tmp_path):
    store = Store(tmp_path / "nbalign.db")
    kept = scores(SCORES_A, folds="abc", seconds=0.8)
    stored = store.record(record("lr", kept))
    store.record(record("tree"))
    assert "fold_scores" not in stored.to_dict()  # not in the record, nor in what views are sent
    assert stored.key == record("lr").key  # nor in its identity
    again = {e.name: e for e in Store(tmp_path / "nbalign.db").evaluations("churn")}
    assert again["lr"].fold_scores == kept and again["tree"].fold_scores is None


def test_a_session_keeps_the_fold_scores_of_a_model_evaluated_again_without_a_check(tmp_path):
    session = Session(tmp_path / "nbalign.db")
    session.set_objective(parse_objective("metric: auc\ntarget: 0.99\nbaseline: 0.5", name="churn"))
    kept = scores(SCORES_A, folds="abc")
    session.record(record("lr", kept))
    session.record(record("lr", score=0.91))  # the same key: the record is updated, its fold scores kept
    (updated,) = session.records
    assert updated.score == 0.91 and updated.fold_scores == kept
    assert Session(tmp_path / "nbalign.db").store.evaluations("churn")[0].fold_scores == kept


def test_unsaved_records_keep_their_fold_scores(tmp_path, monkeypatch):
    import tempfile

    from nbalign import unsaved

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))  # not the real folders
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    kept = scores(SCORES_A, folds="abc")
    path = unsaved.save(tmp_path / "nbalign.db", [record("lr", kept)])
    (found,) = unsaved.find(tmp_path / "nbalign.db")
    assert path is not None and found.evaluations[0].fold_scores == kept


def test_a_store_written_before_fold_scores_opens_with_none_and_keeps_them_from_then_on(tmp_path):
    from pathlib import Path

    path = tmp_path / "nbalign.db"
    path.write_bytes((Path(__file__).parent / "data" / "store_v6.db").read_bytes())
    store = Store(path)
    assert [e.fold_scores for e in store.evaluations("churn")] == [None] * 4
    kept = scores(SCORES_B, folds="abc")
    store.record(record("gbm", kept))
    assert {e.name: e.fold_scores for e in Store(path).evaluations("churn")}["gbm"] == kept


def test_nbalign_still_imports_lightly():
    import subprocess
    import sys

    code = ("import sys, nbalign, nbalign.recipe; "
            "print(sorted(m for m in ('numpy', 'scipy', 'sklearn', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"



def test_a_scoring_line_under_autolog_does_not_wait_for_the_check(loaded, cancer):
    """Autolog's refits add at most a tenth of the cell's time: the forest's check is left out of
    the cell that scores it, and its line says how long it would take and how to ask."""
    with capture_output():
        loaded.run_cell("%%objective cancer\n" + CANCER.format(baseline="0.9"))
        loaded.run_cell("from sklearn.ensemble import RandomForestClassifier\n"
                        "from sklearn.metrics import roc_auc_score\n"
                        "big = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_train, y_train)")
    with capture_output() as captured:
        loaded.run_cell("roc_auc_score(y_test, big.predict_proba(X_test)[:, 1])")
    lines = [line for line in shown(captured).splitlines() if "recipe" in line]
    assert len(lines) == 1 and lines[0].startswith("  recipe not compared: 5×2-fold CV would take about "), lines
    assert "over what autolog may add to this cell (a tenth of its" in lines[0]
    assert lines[0].endswith("; `%evaluate big --tune` compares it")
    (record,) = [r for r in active_session().records if r.name == "big"]
    assert record.source == "autolog" and record.fold_scores is None
