"""What an evaluation costs beyond its metric, and its parts, at 100,000 and 1,000,000 test rows.

The anchor is the bare metric call on the same predictions (``roc_auc_score(y, p)``); the arms
are the whole evaluation (``evaluate_model`` + ``Session.record``: what ``%evaluate`` does) and its
parts, each measured on its own: scoring (predict and the metric, through scikit-learn's scorer),
the fitted check, the model's identity (parameters and fitted state), the data fingerprint,
keeping the predictions, and recording (store write, judging, the views' standing, the paired
tests). Interleaved; medians with the interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/evaluate_cost.py [--rows 100000,1000000] [--repeat 7] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import interleaved, spread  # noqa: E402


def report(rows: int, times: dict[str, list[float]], anchor: str) -> None:
    base = statistics.median(times[anchor])
    print(f"\n{rows:,} test rows")
    for name, seconds in times.items():
        q1, median, q3 = spread(seconds)
        print(f"  {name:<52} {median * 1e3:9.2f} ms  (IQR {q1 * 1e3:.2f} to {q3 * 1e3:.2f})  {median / base:6.2f}x"
              + ("  (anchor)" if name == anchor else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    sizes = [2_000] if args.smoke else [int(n) for n in args.rows.split(",")]
    repeat = 2 if args.smoke else args.repeat

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from nbalign.evaluation import _check_fitted, evaluate_model
    from nbalign.fingerprint import fingerprint
    from nbalign.identity import fit_identity, model_identity
    from nbalign.metrics import resolve_metric
    from nbalign.objective import parse_objective
    from nbalign.predictions import keep, kept_rows, test_set
    from nbalign.session import Session

    print(f"nbalign evaluation cost: {platform.machine()}, Python {platform.python_version()}; "
          f"logistic regression on 20 features, ROC AUC; {repeat} interleaved repeats")
    rng = np.random.default_rng(0)
    model = LogisticRegression(max_iter=1000).fit(rng.normal(size=(2000, 20)), rng.integers(0, 2, 2000))
    metric = resolve_metric("auc")
    for rows in sizes:
        X = rng.normal(size=(rows, 20))
        y = (X[:, 0] + rng.normal(size=rows) > 0).astype(int)
        scores = model.predict_proba(X)[:, 1]
        session = Session(store_path=os.path.join(tempfile.mkdtemp(), "nbalign.db"))
        objective = parse_objective("metric: auc\ntarget: 0.99\nbaseline: first", name="bench")
        session.set_objective(objective)
        objective = session.objective
        session.record(evaluate_model(objective, model, X, y, "first"))  # the baseline: later ones are tested
        counter = iter(range(10**9))

        def whole():
            evaluation = evaluate_model(objective, model, X, y, f"model {next(counter)}")
            session.record(evaluation)

        print(f"(measuring {rows:,} rows)", file=sys.stderr)
        times = interleaved({
            "roc_auc_score(y, p), the bare metric (anchor)": lambda: roc_auc_score(y, scores),
            "%evaluate: evaluate_model + Session.record": whole,
            "  scoring: predict + metric, by the scorer": lambda: metric.score_and_respond(model, X, y),
            "  the fitted check": lambda: _check_fitted(model, "m"),
            "  identity: parameters and fitted state": lambda: (model_identity(model), fit_identity(model)),
            "  the data fingerprint": lambda: fingerprint(X, y),
            "  keeping the predictions": lambda: keep("predict_proba", scores,
                                                      kept_rows(rows, "f"), test_set("f", y, kept_rows(rows, "f")).classes),
        }, repeat)
        report(rows, times, "roc_auc_score(y, p), the bare metric (anchor)")
        session.close()


if __name__ == "__main__":
    main()
