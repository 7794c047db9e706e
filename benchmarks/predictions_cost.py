"""What keeping per-row predictions adds to one evaluation, at 100,000 test rows.

One evaluation is ``evaluate_model`` (predict, metric, identity, fingerprint) plus
``Session.record`` (store write, judging). Measured with predictions kept (``rows_kept`` =
100,000: a float32 response and the labels written to the store) and, as the anchor in the same
run and interleaved, without (``rows_kept = 0``). Medians with the interquartile range; nothing
passes or fails.

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
from nbalign.session import Session  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification(n_samples=args.rows + 5_000, n_features=20, random_state=0)
    X_train, y_train, X_test, y_test = X[:5_000], y[:5_000], X[5_000:], y[5_000:]
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    print(f"# keeping predictions: Python {platform.python_version()}, {platform.machine()}, "
          f"{time.strftime('%Y-%m-%d')}; {args.rows:,} test rows, logistic regression, ROC AUC; "
          "medians [q1 - q3] in ms", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        session = Session(Path(folder) / "nbalign.db", notebook="bench.ipynb")
        session.set_objective(parse_objective("metric: auc\ntarget: 0.99\nbaseline: 0.5", name="bench"))
        timings: dict[int, list[float]] = {args.rows: [], 0: []}
        for i in range(args.repeat):
            for kept in (args.rows, 0):  # interleaved, so machine noise hits both alike
                session.rows_kept = kept
                start = time.perf_counter()
                evaluation = evaluate_model(session.objective, model, X_test, y_test, f"lr {i} {kept}",
                                            rows_kept=kept)
                session.record(evaluation)
                timings[kept].append(time.perf_counter() - start)
        session.store.close()
    with_kept, without = (statistics.quantiles(timings[k], n=4) for k in (args.rows, 0))
    print(f"{'evaluation':>32} | {'median':>9} | {'q1 - q3':>17}")
    print(f"{'predictions kept':>32} | {with_kept[1] * 1000:9.1f} | {with_kept[0] * 1000:7.1f} - {with_kept[2] * 1000:7.1f}")
    print(f"{'none kept (anchor)':>32} | {without[1] * 1000:9.1f} | {without[0] * 1000:7.1f} - {without[2] * 1000:7.1f}")
    print(f"keeping adds {(with_kept[1] - without[1]) * 1000:.1f} ms ({with_kept[1] / without[1] - 1:+.0%}) "
          f"and {args.rows * 4 / 1024:.0f} KB of float32 per evaluation (labels once per test set)")


if __name__ == "__main__":
    main()
