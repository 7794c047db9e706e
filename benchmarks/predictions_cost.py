"""What keeping per-row predictions adds to one evaluation, at 100,000 test rows, in time and on disk.

One evaluation is ``evaluate_model`` (predict, metric, identity, fingerprint) plus
``Session.record`` (store write, judging, the standing views receive). Measured three ways,
interleaved in one run: predictions kept (``rows_kept`` = 100,000: the compact response and the
labels written to the store) with the paired tests the standing then runs (against the best
and the baseline: what a user waits for); kept, with the tests left out (what keeping alone
costs); and, as the anchor, none kept (``rows_kept = 0``, so no test either). Medians with the
interquartile range.

Then the store's size per evaluation (bytes on disk after VACUUM, divided by the evaluations),
beside MLflow's per run (a run with the model's parameters and its metric, in MLflow's SQLite
tracking store, measured in a process of its own when ``mlflow`` is installed), the compact
form's size for each response kind, and the cost of encoding and decoding it against the float32
bytes older versions stored. Headline: goal 5 of issue 20, at most 50 KB per evaluation.

    .venv/bin/python benchmarks/predictions_cost.py [--rows 100000] [--repeat 15] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Grid, Headline, Table, interleaved, run
from nbalign.comparison import Comparisons
from nbalign.evaluation import evaluate_model
from nbalign.objective import parse_objective
from nbalign.predictions import compact, decode_kept, encode_kept, keep
from nbalign.session import Session
from nbalign.store import Store

GOAL_BYTES = 50 * 1024

TESTED, KEPT, NONE = "kept, with the paired tests", "kept, tests left out", "none kept"


class _Columns:
    """A fitted model that sees the first ``k`` columns: scikit-learn's response methods, duck-typed."""

    def __init__(self, model, k: int):
        self.model, self.k, self.classes_ = model, k, model.classes_

    def fit(self, X, y):
        return self

    def predict(self, X):
        return self.model.predict(X[:, :self.k])

    def predict_proba(self, X):
        return self.model.predict_proba(X[:, :self.k])

    def decision_function(self, X):
        return self.model.decision_function(X[:, :self.k])


def figures(args):
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification(n_samples=args.rows + 5_000, n_features=20, random_state=0)
    X_train, y_train, X_test, y_test = X[:5_000], y[:5_000], X[5_000:], y[5_000:]
    # models of rising skill (more features seen), each a new evaluation compared with the best
    models = [_Columns(LogisticRegression(max_iter=1000).fit(X_train[:, :k], y_train), k) for k in range(2, 21)]

    sessions = []

    def evaluations(folder: Path, kept: int, tested: bool):
        session = Session(folder / f"{kept}-{tested}.db", notebook="bench.ipynb")
        sessions.append(session)
        if not tested:  # a judge whose comparisons find nothing kept: point verdicts only
            session._comparisons = lambda objective: Comparisons(lambda evaluation: None)
        session.set_objective(parse_objective("metric: auc\ntarget: 0.99\nbaseline: 0.5", name="bench"))
        session.rows_kept = kept
        counter = itertools.count()

        def evaluate_and_record():
            i = next(counter)  # models of rising score, so each is compared with the best before it
            session.record(evaluate_model(session.objective, models[i % len(models)], X_test, y_test,
                                          f"model {i}", rows_kept=kept))

        return evaluate_and_record

    with tempfile.TemporaryDirectory() as folder:
        table = Table(f"One evaluation at {args.rows:,} test rows, its predictions kept or not", NONE, interleaved({
            TESTED: evaluations(Path(folder), args.rows, True),
            KEPT: evaluations(Path(folder), args.rows, False),
            NONE: evaluations(Path(folder), 0, False),
        }, args.repeat, "keeping predictions"))
        for session in sessions:
            session.close()
        per_evaluation, count = _store_size(Path(folder) / f"{args.rows}-True.db")
    keeping = table.median(KEPT) - table.median(NONE)
    tests = table.median(TESTED) - table.median(KEPT)
    table.notes.append(f"Keeping adds {keeping * 1e3:.1f} ms ({keeping / table.median(NONE):+.0%}); "
                       f"the paired tests then add {tests * 1e3:.1f} ms. A logistic regression, ROC AUC.")
    yield table

    kinds, codec = _kinds(X_test, y_test, models, args)
    yield kinds
    yield codec
    mlflow = _mlflow_run_size(args.runs)
    rows = [["nbalign, this store (ROC AUC, kept)", f"{per_evaluation / 1024:.1f} KB"]]
    rows.append(["MLflow 3, a run with its parameters and metric",
                 "not measured (mlflow not installed)" if mlflow is None else f"{mlflow / 1024:.1f} KB"])
    yield Grid(f"The store's size per evaluation at {args.rows:,} test rows (after VACUUM)",
               ["store", "per evaluation"], rows,
               [(f"{count} evaluations of one objective on one test set; MLflow keeps no predictions, so no "
                 "paired test: its figure is what a run costs without them.")])
    classified = [int(r[3]) for r in kinds.rows if r[0] != "rmse"]
    regression = next(int(r[3]) for r in kinds.rows if r[0] == "rmse")
    met = per_evaluation <= GOAL_BYTES and max(classified) <= GOAL_BYTES
    yield Headline("Kept predictions: at most 50 KB per evaluation at 100k test rows, paired tests unchanged",
                   f"{per_evaluation / 1024:.1f} KB per evaluation on disk (ROC AUC); the largest classifier's "
                   f"kind {max(classified) / 1024:.1f} KB; MLflow "
                   + ("not measured" if mlflow is None else f"{mlflow / 1024:.1f} KB a run")
                   + f". A regression keeps its values on every row ({regression / 1024:.0f} KB): a subset of rows "
                   "misses the few huge errors the spread of its squared errors rests on",
                   ("met for classifiers" if met else "missed") + f": goal {GOAL_BYTES // 1024} KB; "
                   "a regression's values are kept whole")


def _store_size(path: Path) -> tuple[float, int]:
    """Bytes on disk per evaluation, after VACUUM, and how many evaluations kept predictions."""
    store = Store(path)
    store.check()
    store.vacuum()
    count = len(store.kept_predictions())
    size = store.size_on_disk() / count
    store.close()
    return size, count


def _kinds(X, y, models, args):
    """The compact form of each response kind, and the cost of encoding and decoding ROC AUC's."""
    import numpy as np
    from sklearn.linear_model import LinearRegression

    values = X[:, 0] * 3 + X[:, 1]
    regression = LinearRegression().fit(X[:5_000], values[:5_000])
    kinds, kept = [], {}
    for metric, model, labels in (("auc", models[-1], y), ("logloss", models[-1], y), ("accuracy", models[-1], y),
                                  ("rmse", regression, values)):
        loss = metric in ("logloss", "rmse")
        objective = parse_objective(f"metric: {metric}\ntarget: {0.01 if loss else 0.99}\n"
                                    f"baseline: {1 if loss else 0.5}", name="bench")
        evaluation = evaluate_model(objective, model, X, labels, metric)
        kept[metric] = evaluation
        data, header = encode_kept(evaluation.kept, evaluation.test_set)
        kinds.append([metric, evaluation.kept.form, f"{len(evaluation.kept.values):,}", str(len(data) + len(header))])
    auc = kept["auc"]
    method, test_set = auc.kept.method, auc.test_set
    response = getattr(models[-1], method)(X)
    response = response[:, 1] if response.ndim == 2 else response
    raw = np.asarray(response, dtype=np.float32)
    data, header = encode_kept(auc.kept, test_set)
    codec_times = {
        "float32 bytes (as before): encode": lambda: (raw.tobytes(),
                                                      json.dumps({"dtype": raw.dtype.str, "shape": list(raw.shape)})),
        "compact form: encode": lambda: encode_kept(compact(keep(method, response, None), test_set, "delong"),
                                                    test_set),
        "float32 bytes (as before): decode": lambda: np.frombuffer(raw.tobytes(), np.float32),
        "compact form: decode": lambda: decode_kept(method, data, header, test_set),
    }
    grid = Grid(f"What an evaluation keeps at {args.rows:,} test rows, by response kind",
                ["metric", "form", "rows kept", "bytes"], kinds,
                [("Predicted labels are 1 bit a row on every row; ranks 16 bits a row on 20,000 rows; one float32 "
                  "a row on 10,000; a regression's values float32 on every row; zlib where it is smaller.")])
    codec = Table(f"Encoding and decoding ROC AUC's kept response at {args.rows:,} rows",
                  "float32 bytes (as before): encode", interleaved(codec_times, args.repeat, "encoding"))
    codec.notes.append("Encoding (ranks of a subset, packed) is part of keeping, above; decoding is what a "
                       "comparison loads from the store.")
    return grid, codec


# A run of MLflow's in its own process: its model's parameters and one metric, in its SQLite store.
MLFLOW_RUNS = r"""
import json, os, sqlite3, sys, tempfile
import mlflow
runs = int(sys.argv[1])
path = os.path.join(tempfile.mkdtemp(), "mlflow.db")
mlflow.set_tracking_uri("sqlite:///" + path)
mlflow.set_experiment("bench")
empty = None
for i in range(runs):
    with mlflow.start_run():
        mlflow.log_params({"C": 1.0, "max_iter": 1000, "penalty": "l2", "solver": "lbfgs", "tol": 1e-4,
                           "fit_intercept": True, "class_weight": None, "features": i})
        mlflow.log_metric("roc_auc", 0.9 + i * 1e-4)
    if i == 0:
        connection = sqlite3.connect(path); connection.execute("VACUUM"); connection.close()
        empty = os.path.getsize(path)
connection = sqlite3.connect(path); connection.execute("VACUUM"); connection.close()
print(json.dumps({"bytes": os.path.getsize(path), "first": empty}))
"""


def _mlflow_run_size(runs: int) -> float | None:
    """Bytes of MLflow's store per run (None when MLflow is not installed)."""
    if importlib.util.find_spec("mlflow") is None:
        return None
    done = subprocess.run([sys.executable, "-c", MLFLOW_RUNS, str(runs)], capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures["bytes"] / runs


if __name__ == "__main__":
    run(__doc__, figures, {"rows": 100_000, "repeat": 15, "runs": 200}, smoke={"rows": 2_000, "repeat": 3, "runs": 10})
