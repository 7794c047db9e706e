"""What keeping per-row predictions adds to one evaluation, at 100,000 test rows.

One evaluation is ``evaluate_model`` (predict, metric, identity, fingerprint) plus
``Session.record`` (store write, judging, the standing views receive). Measured three ways,
interleaved in one run: predictions kept (``rows_kept`` = 100,000: a float32 response and the
labels written to the store) with the paired tests the standing then runs (against the best
and the baseline: what a user waits for); kept, with the tests left out (what keeping alone
costs); and, as the anchor, none kept (``rows_kept = 0``, so no test either). Medians with the
interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/predictions_cost.py [--rows 100000] [--repeat 15] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Table, interleaved, run
from nbalign.comparison import Comparisons
from nbalign.evaluation import evaluate_model
from nbalign.objective import parse_objective
from nbalign.session import Session

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
    keeping = table.median(KEPT) - table.median(NONE)
    tests = table.median(TESTED) - table.median(KEPT)
    table.notes.append(f"Keeping adds {keeping * 1e3:.1f} ms ({keeping / table.median(NONE):+.0%}) and "
                       f"{args.rows * 4 / 1024:,.0f} KB of float32 per evaluation (the labels once per test set); "
                       f"the paired tests then add {tests * 1e3:.1f} ms. A logistic regression, ROC AUC.")
    yield table


if __name__ == "__main__":
    run(__doc__, figures, {"rows": 100_000, "repeat": 15}, smoke={"rows": 2_000, "repeat": 3})
