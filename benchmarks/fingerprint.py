"""What identifying an evaluation costs: the data fingerprint and the fit fingerprint.

Every evaluation hashes its test data (``fingerprint(X, y)``) and what the model learned
(``fit_identity(model)``). The anchor, measured in the same run and interleaved (A, B, A, B ...),
is the metric call itself on the same data (``Metric.score``: predict and score, what
``%evaluate`` cannot avoid). Figures are medians with the spread (interquartile range); nothing
passes or fails.

Data: 100,000 x 30 float64 as a C-ordered ndarray and as a DataFrame; 200,000 x 10 object array
(5 columns of category strings, 5 of numbers, as ``DataFrame.to_numpy()`` gives for a mixed
frame) and the same as a DataFrame (string and float columns); a 100,000 x 1,000 CSR matrix at
1% density. Models: a logistic regression, a 300-tree
random forest and a HistGradientBoosting model, fitted on 15,000 rows and scored on 5,000.

    .venv/bin/python benchmarks/fingerprint.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from nbalign.fingerprint import fingerprint  # noqa: E402
from nbalign.identity import fit_identity  # noqa: E402
from nbalign.metrics import resolve_metric  # noqa: E402

AUC = resolve_metric("auc")


def quartiles(samples: list[float]) -> tuple[float, float, float]:
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return median, q1, q3


def interleaved(measured, anchor, repeat: int) -> tuple[tuple, tuple]:
    """Time ``measured()`` and ``anchor()`` alternately, so machine noise hits both alike."""
    a, b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        measured()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        anchor()
        b.append(time.perf_counter() - start)
    return quartiles(a), quartiles(b)


def data_cases():
    from sklearn.compose import make_column_transformer
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = make_classification(100_000, 30, random_state=0)
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    yield "100k x 30 float64 ndarray", X, y, lr
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(30)])
    yield "100k x 30 float64 DataFrame", frame, pd.Series(y), LogisticRegression(max_iter=1000).fit(frame, y)

    rng = np.random.default_rng(0)
    n = 200_000
    levels = np.array(["Month-to-month", "One year", "Two year", "Yes", "No", "Fiber optic", "DSL"], dtype=object)
    codes = rng.integers(0, len(levels), size=(n, 5))
    numbers = rng.normal(size=(n, 5)).round(2)
    objects = np.concatenate([levels[codes], numbers.astype(object)], axis=1)
    y_objects = (numbers[:, 0] + (codes[:, 0] == 3) + rng.normal(size=n) > 0.5).astype(int)
    encode = make_column_transformer((OneHotEncoder(), list(range(5))), remainder="passthrough")
    model = make_pipeline(encode, LogisticRegression(max_iter=1000)).fit(objects, y_objects)
    yield "200k x 10 object ndarray", objects, y_objects, model
    mixed = pd.DataFrame({**{f"s{j}": levels[codes[:, j]] for j in range(5)},
                          **{f"x{j}": numbers[:, j] for j in range(5)}})
    encode = make_column_transformer((OneHotEncoder(), [f"s{j}" for j in range(5)]), remainder="passthrough")
    model = make_pipeline(encode, LogisticRegression(max_iter=1000)).fit(mixed, y_objects)
    yield "200k x 10 mixed DataFrame", mixed, pd.Series(y_objects), model

    sparse = sp.random(100_000, 1_000, density=0.01, format="csr", random_state=0)
    y_sparse = (np.asarray(sparse[:, :10].sum(axis=1)).ravel() > 0.05).astype(int)
    yield "100k x 1000 CSR, 1% dense", sparse, y_sparse, LogisticRegression(max_iter=1000).fit(sparse, y_sparse)


def model_cases():
    from sklearn.datasets import make_classification
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification(20_000, 20, n_informative=10, random_state=0)
    X_train, y_train, X_test, y_test = X[:15_000], y[:15_000], X[15_000:], y[15_000:]
    for name, model in [("logistic regression", LogisticRegression(max_iter=1000)),
                        ("random forest, 300 trees", RandomForestClassifier(n_estimators=300, random_state=0)),
                        ("HistGradientBoosting", HistGradientBoostingClassifier(random_state=0))]:
        yield name, model.fit(X_train, y_train), X_test, y_test


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def row(label: str, measured: tuple, anchor: tuple) -> str:
    return (f"{label:<28} | {ms(measured[0])} [{ms(measured[1]).strip()}-{ms(measured[2]).strip()}] | "
            f"{ms(anchor[0])} [{ms(anchor[1]).strip()}-{ms(anchor[2]).strip()}] | {measured[0] / anchor[0]:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"# nbalign fingerprints: Python {platform.python_version()}, {platform.machine()}, "
          f"{time.strftime('%Y-%m-%d')}; medians [q1 - q3] in ms; anchor: the metric call (ROC AUC) on the same data")
    header = f"{'':<28} | {'':>24} | {'metric call (anchor)':>24} | ratio"
    print(f"\n{'data':<28} | {'fingerprint(X, y)':>24}" + header[28 + 3 + 24:])
    for label, X, y, model in data_cases():
        print(f"  measuring {label}...", file=sys.stderr, flush=True)
        print(row(label, *interleaved(lambda: fingerprint(X, y), lambda: AUC.score(model, X, y), args.repeat)))
    print(f"\n{'model':<28} | {'fit_identity(model)':>24}" + header[28 + 3 + 24:])
    for label, model, X, y in model_cases():
        print(f"  measuring {label}...", file=sys.stderr, flush=True)
        print(row(label, *interleaved(lambda: fit_identity(model), lambda: AUC.score(model, X, y), args.repeat)))


if __name__ == "__main__":
    main()
