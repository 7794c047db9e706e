"""What identifying an evaluation costs: the data fingerprint and the fit fingerprint.

Every evaluation hashes its test data (``fingerprint(X, y)``) and what the model learned
(``fit_identity(model)``). The anchor, measured in the same run and interleaved (A, B, A, B ...),
is the metric call itself on the same data (``Metric.score``: predict and score, what
``%evaluate`` cannot avoid). Figures are medians with the spread (interquartile range); nothing
passes or fails.

Data: 100,000 x 30 float64 as a C-ordered ndarray and as a DataFrame; 200,000 x 10 object array
(5 columns of category strings, 5 of numbers, as ``DataFrame.to_numpy()`` gives for a mixed
frame) and the same as a DataFrame (string and float columns); a 100,000 x 1,000 CSR matrix at
1% density. Models: a logistic regression, a 300-tree random forest and a HistGradientBoosting
model, fitted on 15,000 rows and scored on 5,000. ``--smoke`` divides the rows by 50 and the trees
by 30.

    .venv/bin/python benchmarks/fingerprint.py [--repeat 15] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import sys
import warnings
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd
import scipy.sparse as sp

from benchmarks.common import Table, interleaved, run
from nbalign.fingerprint import fingerprint
from nbalign.identity import fit_identity
from nbalign.metrics import resolve_metric

AUC = resolve_metric("auc")
METRIC = "the metric call (ROC AUC)"


def data_cases(scale: int = 1):
    from sklearn.compose import make_column_transformer
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = make_classification(100_000 // scale, 30, random_state=0)
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    yield f"{len(X):,} x 30 float64 ndarray", X, y, lr
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(30)])
    yield f"{len(X):,} x 30 float64 DataFrame", frame, pd.Series(y), LogisticRegression(max_iter=1000).fit(frame, y)

    rng = np.random.default_rng(0)
    n = 200_000 // scale
    levels = np.array(["Month-to-month", "One year", "Two year", "Yes", "No", "Fiber optic", "DSL"], dtype=object)
    codes = rng.integers(0, len(levels), size=(n, 5))
    numbers = rng.normal(size=(n, 5)).round(2)
    objects = np.concatenate([levels[codes], numbers.astype(object)], axis=1)
    y_objects = (numbers[:, 0] + (codes[:, 0] == 3) + rng.normal(size=n) > 0.5).astype(int)
    encode = make_column_transformer((OneHotEncoder(), list(range(5))), remainder="passthrough")
    model = make_pipeline(encode, LogisticRegression(max_iter=1000)).fit(objects, y_objects)
    yield f"{n:,} x 10 object ndarray", objects, y_objects, model
    mixed = pd.DataFrame({**{f"s{j}": levels[codes[:, j]] for j in range(5)},
                          **{f"x{j}": numbers[:, j] for j in range(5)}})
    encode = make_column_transformer((OneHotEncoder(), [f"s{j}" for j in range(5)]), remainder="passthrough")
    model = make_pipeline(encode, LogisticRegression(max_iter=1000)).fit(mixed, y_objects)
    yield f"{n:,} x 10 mixed DataFrame", mixed, pd.Series(y_objects), model

    n = 100_000 // scale
    sparse = sp.random(n, 1_000, density=0.01, format="csr", random_state=0)
    y_sparse = (np.asarray(sparse[:, :10].sum(axis=1)).ravel() > 0.05).astype(int)
    yield f"{n:,} x 1000 CSR, 1% dense", sparse, y_sparse, LogisticRegression(max_iter=1000).fit(sparse, y_sparse)


def model_cases(scale: int = 1):
    from sklearn.datasets import make_classification
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification(20_000 // scale, 20, n_informative=10, random_state=0)
    train = len(X) * 3 // 4
    X_train, y_train, X_test, y_test = X[:train], y[:train], X[train:], y[train:]
    trees = 300 // min(scale, 30)
    forest = RandomForestClassifier(n_estimators=trees, random_state=0)
    boosting = HistGradientBoostingClassifier(random_state=0, max_iter=100 // min(scale, 10))
    for name, model in [("a logistic regression", LogisticRegression(max_iter=1000)),
                        (f"a random forest of {trees} trees", forest),
                        ("a HistGradientBoosting model", boosting)]:
        yield name, model.fit(X_train, y_train), X_test, y_test


def figures(args):
    warnings.simplefilter("ignore")
    scale = 50 if args.smoke else 1
    for label, X, y, model in data_cases(scale):
        yield Table(f"fingerprint(X, y) of a {label}", METRIC, interleaved({
            METRIC: partial(AUC.score, model, X, y),
            "fingerprint(X, y)": partial(fingerprint, X, y),
        }, args.repeat, f"fingerprint of a {label}"))
    for label, model, X, y in model_cases(scale):
        yield Table(f"fit_identity(model) of {label}", f"{METRIC} on {len(X):,} rows", interleaved({
            f"{METRIC} on {len(X):,} rows": partial(AUC.score, model, X, y),
            "fit_identity(model)": partial(fit_identity, model),
        }, args.repeat, f"fit identity of {label}"))


if __name__ == "__main__":
    run(__doc__, figures, {"repeat": 15}, smoke={"repeat": 2})
