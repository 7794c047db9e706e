"""What keeping per-row predictions adds to one evaluation, at 100,000 test rows.

One evaluation is ``evaluate_model`` (predict, metric, identity, fingerprint) plus
``Session.record`` (store write, judging, the standing views receive). Measured three ways,
interleaved in one run: predictions kept (``rows_kept`` = 100,000: a float32 response and the
labels written to the store) with the paired tests the standing then runs (against the best
and the baseline: what a user waits for); kept, with the tests left out (what keeping alone
costs); and, as the anchor, none kept (``rows_kept = 0``, so no test either). Medians with the
interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/predictions_cost.py [--rows 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nbalign.evaluation import evaluate_model  # noqa: E402
from nbalign.objective import parse_objective  # noqa: E402
from nbalign.comparison import Comparisons  # noqa: E402
from nbalign.session import Session  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification(n_samples=args.rows + 5_000, n_features=20, random_state=0)
    X_train, y_train, X_test, y_test = X[:5_000], y[:5_000], X[5_000:], y[5_000:]
    # models of rising skill (more features seen), each a new evaluation compared with the best
    models = [LogisticRegression(max_iter=1000).fit(X_train[:, :k], y_train) for k in range(2, 21)]
    models = [_Columns(model, k) for model, k in zip(models, range(2, 21))]
    print(f"# keeping predictions: Python {platform.python_version()}, {platform.machine()}, "
          f"{time.strftime('%Y-%m-%d')}; {args.rows:,} test rows, logistic regression, ROC AUC; "
          "medians [q1 - q3] in ms", flush=True)
    arms = {"kept, with the paired tests": (args.rows, True), "kept, tests left out": (args.rows, False),
            "none kept (anchor)": (0, False)}
    timings: dict[str, list[float]] = {arm: [] for arm in arms}
    with tempfile.TemporaryDirectory() as folder:
        sessions = {}
        for arm, (_, tested) in arms.items():
            session = Session(Path(folder) / f"{len(sessions)}.db", notebook="bench.ipynb")
            if not tested:  # a judge whose comparisons find nothing kept: point verdicts only
                session._comparisons = lambda objective: Comparisons(lambda evaluation: None)
            session.set_objective(parse_objective("metric: auc\ntarget: 0.99\nbaseline: 0.5", name="bench"))
            sessions[arm] = session
        for i in range(args.repeat):
            for arm, (kept, _) in arms.items():  # interleaved, so machine noise hits all alike
                session = sessions[arm]
                session.rows_kept = kept
                start = time.perf_counter()
                # models of rising score, so each is compared with the best before it
                evaluation = evaluate_model(session.objective, models[i % len(models)], X_test, y_test,
                                            f"model {i}", rows_kept=kept)
                session.record(evaluation)
                timings[arm].append(time.perf_counter() - start)
        for session in sessions.values():
            session.store.close()
    quartiles = {arm: statistics.quantiles(times, n=4) for arm, times in timings.items()}
    anchor = quartiles["none kept (anchor)"][1]
    print(f"{'evaluation':>32} | {'median':>9} | {'q1 - q3':>17} | ratio")
    for arm, (q1, median, q3) in quartiles.items():
        print(f"{arm:>32} | {median * 1000:9.1f} | {q1 * 1000:7.1f} - {q3 * 1000:7.1f} | {median / anchor:5.2f}")
    kept_alone = quartiles["kept, tests left out"][1] - anchor
    tests = quartiles["kept, with the paired tests"][1] - quartiles["kept, tests left out"][1]
    print(f"keeping adds {kept_alone * 1000:.1f} ms ({kept_alone / anchor:+.0%}) and {args.rows * 4 / 1024:.0f} KB "
          f"of float32 per evaluation (labels once per test set); the paired tests then add {tests * 1000:.1f} ms")


if __name__ == "__main__":
    main()
