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
4. ``%evaluate`` (``commands.evaluate`` and its inline verdict) with the churn objective of
   ``example_notebooks/churn.ipynb`` (``call: top 20%``, a value matrix, ``metric: recall_at_k``,
   ``target: from kpi``, ``baseline: auto``) at ``--rows`` test rows, for a logistic regression
   and a gradient-boosted model, against the bare call a user would write,
   ``recall_at(y, model.predict_proba(X)[:, 1], share=0.2)`` (the anchor). Three arms: a model
   seen before (the same fitted model evaluated again, as a re-run cell: its paired tests are
   remembered); the same model under a new name (a new record: its paired tests against the
   baseline and the best are computed); a new model (fitted anew each round, untimed: its
   identity and size are measured too, and its tests computed).

    .venv/bin/python benchmarks/business_cost.py [--rows 100000] [--train 20000] [--repeat 9] [--smoke]
        [--markdown | --json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Headline, Table, in_turns, interleaved, readme_objective, run
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
    yield from churn_objective(args)


# The churn notebook's objective (example_notebooks/churn.ipynb), on the benchmark's data.
BARE = "recall_at(y, model.predict_proba(X)[:, 1], share=0.2): the bare call"
SEEN = "%evaluate, a model seen before (evaluated again: tests remembered)"
RENAMED = "%evaluate, the same model under a new name (its paired tests computed)"
NEW = "%evaluate, a new model (fitted anew, untimed: identity, size and paired tests)"


def churn_objective(args):
    """``%evaluate`` with the churn objective beside the bare metric call (figure 4 of the module)."""
    import itertools
    import json
    import os
    import tempfile
    import time

    import numpy as np
    from sklearn.base import clone
    from sklearn.datasets import make_classification
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    from nbalign import commands
    from nbalign.business import recall_at
    from nbalign.refit import Budget
    from nbalign.session import Session

    X, y = make_classification(n_samples=args.rows + args.train, n_features=20, n_informative=8,
                               weights=[0.735], random_state=1)  # 26.5% churn, as the notebook's data
    namespace = {"X_train": X[: args.train], "y_train": y[: args.train], "X_test": X[args.train:],
                 "y_test": y[args.train:]}
    X_test, y_test = namespace["X_test"], namespace["y_test"]
    session = Session(store_path=os.path.join(tempfile.mkdtemp(), "nbalign.db"))
    session.subscribe(lambda kind, message: json.dumps(message))  # a view, as the sidebar's comm
    session.refit_budget = Budget(0.0)  # no automatic threshold tuning: the figure is the evaluation's
    commands.declare_objective(session, namespace, readme_objective().partition("\n")[2], "churn")
    names = (f"model {i}" for i in itertools.count())
    ratios = {}
    for label, estimator in (("logistic regression", LogisticRegression(max_iter=1000)),
                             ("gradient boosting", HistGradientBoostingClassifier(max_iter=100, random_state=0))):
        model = clone(estimator).fit(namespace["X_train"], namespace["y_train"])
        commands.evaluate(session, namespace, model, name=label)  # seen: the later ones are evaluated again
        seeds = itertools.count(1)

        def timed(run):
            start = time.perf_counter()
            run()
            return time.perf_counter() - start

        def new_model(estimator=estimator, seeds=seeds):
            seed = next(seeds)
            fresh = clone(estimator).set_params(**({"random_state": seed} if "random_state" in
                                                   estimator.get_params() else {}))
            if isinstance(fresh, LogisticRegression):
                fresh.set_params(C=1.0 + seed * 1e-3)  # another model, not a refit of the same
            fresh.fit(namespace["X_train"], namespace["y_train"])
            return timed(lambda: commands.evaluate(session, namespace, fresh, name=next(names))._repr_mimebundle_())

        table = Table(f"%evaluate with the churn objective at {args.rows:,} test rows: {label}", BARE, in_turns({
            BARE: lambda model=model: timed(lambda: recall_at(y_test, model.predict_proba(X_test)[:, 1], share=0.2)),
            SEEN: lambda model=model, label=label: timed(
                lambda: commands.evaluate(session, namespace, model, name=label)._repr_mimebundle_()),
            RENAMED: lambda model=model: timed(
                lambda: commands.evaluate(session, namespace, model, name=next(names))._repr_mimebundle_()),
            NEW: new_model,
        }, args.repeat, f"the churn objective, {label}"))
        table.notes.append("Each evaluation also measures the business figures (recall, value per case, value at "
                           "the default threshold) and is judged against the baseline (`baseline: auto`'s logistic "
                           "regression) and the best. Recall in the top 20% is tested by the paired bootstrap of "
                           "1,000 resamples, counted from each model's rows in score order "
                           f"(`top_share_bootstrap`); above 20,000 rows on a fixed subset, rescaled. "
                           f"{np.mean(y_test):.1%} positive.")
        yield table
        ratios[label] = table
    seen = "; ".join(f"{label}: {t.ratio(SEEN):.2f}x ({t.time(SEEN)} against {t.time(BARE)})"
                     for label, t in ratios.items())
    worst = max(t.ratio(SEEN) for t in ratios.values())
    if worst > 2:
        slowest = max(ratios, key=lambda label: ratios[label].ratio(SEEN))
        table = ratios[slowest]
        seen += (f". What holds it back: beyond the bare call, nbalign adds "
                 f"{(table.median(SEEN) - table.median(BARE)) * 1e3:.1f} ms to the {slowest}'s evaluation (the data's "
                 "fingerprint, the business figures, the kept predictions and the store write, the message to the "
                 "sidebar), a fixed cost that a short bare call cannot hide")
    yield Headline(f"`%evaluate` with the churn objective within 2x of the bare `predict_proba` + `recall_at_k` "
                   f"call for a model seen before, at {args.rows:,} rows", seen,
                   f"met: at most {worst:.2f}x" if worst <= 2 else f"missed: {worst:.2f}x, goal 2x")
    tested = "; ".join(f"{label}: {t.ratio(RENAMED):.2f}x under a new name, {t.ratio(NEW):.2f}x a new model"
                       for label, t in ratios.items())
    yield Headline(f"`%evaluate` with the churn objective when its paired tests are computed, at {args.rows:,} rows",
                   tested, "no number set")
    session.close()


if __name__ == "__main__":
    run(__doc__, figures, {"rows": 100_000, "train": 20_000, "repeat": 9},
        smoke={"rows": 2_000, "train": 1_000, "repeat": 2})
