"""What the business figures add to one evaluation (issue 9), beside their anchors, in one run.

Three figures, each repeated and interleaved (A, B, A, B ...), quoted as medians with the
interquartile range and as ratios to the anchor measured in the same run; nothing passes or fails:

1. ``evaluate_model`` at ``--rows`` test rows with a value matrix and an action (``contact: top
   20%``): the decision, its recall, value per case and the value at the default threshold,
   against the same evaluation without them (the anchor). No training data: no tuning.
2. Choosing the value-maximising threshold by 5-fold cross-validation on ``--train`` rows,
   against one fit of the same model on them (the anchor: tuning is five fits on 4/5 of the rows,
   plus the out-of-fold scores and the exact search over every cut).
3. The exact search alone (:func:`nbalign.business.best_threshold`) at ``--rows`` scores, against
   scikit-learn's ``precision_recall_curve`` on the same scores (the anchor: one sort and the
   cumulative counts, as here).

    .venv/bin/python benchmarks/business_cost.py [--rows 100000] [--train 20000] [--repeat 9] [--smoke]
        [--markdown | --json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Table, interleaved, run
from nbalign.business import ValueMatrix, best_threshold, tune_threshold
from nbalign.evaluation import evaluate_model
from nbalign.objective import parse_objective

PLAIN = "metric: average_precision\ntarget: 0.9"
PRICED = (PLAIN + "\nvalue:\n  tp: $160\n  fp: -$20\npopulation: 12,000 customers per quarter"
          "\naction:\n  contact: top 20%\n  effect: 30%")


def figures(args):
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve

    X, y = make_classification(n_samples=args.rows + args.train, n_features=20, n_informative=8,
                               weights=[0.75], random_state=0)
    X_train, y_train, X_test, y_test = X[: args.train], y[: args.train], X[args.train:], y[args.train:]
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    plain, priced = parse_objective(PLAIN, "plain"), parse_objective(PRICED, "priced")

    yield Table(f"evaluate_model at {args.rows:,} test rows", "without value or action", interleaved({
        "without value or action": lambda: evaluate_model(plain, model, X_test, y_test, "lr"),
        "value matrix and `contact: top 20%`": lambda: evaluate_model(priced, model, X_test, y_test, "lr"),
    }, args.repeat, "evaluate_model"))

    matrix = ValueMatrix(tp=160, fp=-20)
    yield Table(f"Choosing the threshold on {args.train:,} training rows", "one fit of the model", interleaved({
        "one fit of the model": lambda: LogisticRegression(max_iter=1000).fit(X_train, y_train),
        "5-fold cross-validation and the exact search": lambda: tune_threshold(model, X_train, y_train, matrix),
    }, max(2, args.repeat // 3), "choosing the threshold"))

    scores = model.predict_proba(X_test)[:, 1]
    positive = y_test == 1
    search = Table(f"The exact search over every cut, {args.rows:,} scores", "precision_recall_curve", interleaved({
        "precision_recall_curve": lambda: precision_recall_curve(y_test, scores),
        "best_threshold": lambda: best_threshold(positive, scores, matrix),
    }, args.repeat, "the exact search"))
    threshold, value = best_threshold(positive, scores, matrix)
    search.notes.append(f"The threshold found: {threshold:.3f}, value per case {value:.2f}; "
                        f"{np.mean(scores >= threshold):.1%} of the test rows acted on.")
    yield search


if __name__ == "__main__":
    run(__doc__, figures, {"rows": 100_000, "train": 20_000, "repeat": 9},
        smoke={"rows": 2_000, "train": 1_000, "repeat": 2})
