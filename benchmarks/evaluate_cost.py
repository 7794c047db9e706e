"""What ``%evaluate`` costs beyond its metric, and its parts, at 100,000 and 1,000,000 test rows.

The anchor is the bare metric call a user would write without nbalign,
``roc_auc_score(y, model.predict_proba(X)[:, 1])``. The arms: all of ``%evaluate``
(``commands.evaluate``: ``evaluate_model`` and ``Session.record``, then its inline verdict), and
its parts, each measured on its own: scoring (predict and the metric, through scikit-learn's
scorer), the fitted check, the model's identity (parameters and fitted state), the data
fingerprint, keeping the predictions, recording (the store write with the predictions, the
judgement with its paired tests, the message to a view) and the inline verdict. A view is
subscribed, as the sidebar's comm is in a kernel. Interleaved; medians with the interquartile
range; nothing passes or fails.

    .venv/bin/python benchmarks/evaluate_cost.py [--rows 100000,1000000] [--repeat 7] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Headline, Table, interleaved, number, run, sizes

BARE = "roc_auc_score(y, model.predict_proba(X)[:, 1]): the bare metric call"
WHOLE = "%evaluate: commands.evaluate and its inline verdict"
SCORING = "· scoring: predict + metric, by the scorer"


def evaluate_table(rows: int, repeat: int, model) -> Table:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from nbalign import commands
    from nbalign.display import evaluation_bundle
    from nbalign.evaluation import _check_fitted, _keep, evaluate_model
    from nbalign.fingerprint import fingerprint
    from nbalign.identity import fit_identity, model_identity, model_params
    from nbalign.objective import parse_objective
    from nbalign.predictions import DEFAULT_LIMIT
    from nbalign.session import Session

    rng = np.random.default_rng(rows)
    X = rng.normal(size=(rows, 20))
    y = (X[:, 0] + rng.normal(size=rows) > 0).astype(int)
    scores = model.predict_proba(X)[:, 1]
    session = Session(store_path=os.path.join(tempfile.mkdtemp(), "nbalign.db"))
    session.subscribe(lambda kind, message: json.dumps(message))  # a view, as the sidebar's comm
    session.set_objective(parse_objective("metric: auc\ntarget: 0.99\nbaseline: first", name="bench"))
    objective, metric = session.objective, session.objective.metric
    session.record(evaluate_model(objective, model, X, y, "first"))  # the baseline: later ones are tested
    made = evaluate_model(objective, model, X, y, "made")  # recorded under new names by the recording arm
    _, _, response = metric.score_and_respond(model, X, y)
    data_fingerprint = fingerprint(X, y)
    names = (f"model {i}" for i in itertools.count())
    recorded = {}

    def recording():
        recorded["record"] = replace(made, name=next(names))
        recorded["row"] = session.record(recorded["record"])

    table = Table(f"%evaluate at {rows:,} test rows, and its parts", BARE, interleaved({
        BARE: lambda: roc_auc_score(y, model.predict_proba(X)[:, 1]),
        WHOLE: lambda: commands.evaluate(session, {}, model, X, y, name=next(names))._repr_mimebundle_(),
        SCORING: lambda: metric.score_and_respond(model, X, y),
        "· the fitted check": lambda: _check_fitted(model, "m"),
        "· identity: parameters and fitted state": lambda: (model_params(model), model_identity(model),
                                                            fit_identity(model)),
        "· the data fingerprint": lambda: fingerprint(X, y),
        "· keeping the predictions": lambda: _keep(response, y, data_fingerprint, DEFAULT_LIMIT),
        "· recording: Session.record (the store write, the judgement with its paired tests, the message)": recording,
        "· the inline verdict": lambda: evaluation_bundle(recorded["row"], session.standing, recorded["record"]),
        "roc_auc_score(y, p), on predictions already made": lambda: roc_auc_score(y, scores),
    }, repeat, f"%evaluate at {rows:,} rows"))
    session.close()
    return table


# Other metrics: what a user would write for each, without nbalign.
OTHER_METRICS = {
    "average_precision": ("average_precision_score(y, model.predict_proba(X)[:, 1])",
                          lambda m, X, y: _sk().average_precision_score(y, m.predict_proba(X)[:, 1])),
    "log_loss": ("log_loss(y, model.predict_proba(X))", lambda m, X, y: _sk().log_loss(y, m.predict_proba(X))),
    "accuracy": ("accuracy_score(y, model.predict(X))", lambda m, X, y: _sk().accuracy_score(y, m.predict(X))),
    "f1": ("f1_score(y, model.predict(X))", lambda m, X, y: _sk().f1_score(y, m.predict(X))),
}


def _sk():
    import sklearn.metrics

    return sklearn.metrics


def other_metric_table(metric_name: str, rows: int, repeat: int, model) -> Table:
    """``%evaluate`` beside the bare call of another metric: its paired test is another one
    (the jackknife for average precision, a bootstrap for F1, a paired t for log loss, McNemar for accuracy)."""
    import numpy as np

    from nbalign import commands
    from nbalign.objective import parse_objective
    from nbalign.session import Session

    rng = np.random.default_rng(rows)
    X = rng.normal(size=(rows, 20))
    y = (X[:, 0] + rng.normal(size=rows) > 0).astype(int)
    session = Session(store_path=os.path.join(tempfile.mkdtemp(), "nbalign.db"))
    session.subscribe(lambda kind, message: json.dumps(message))
    session.set_objective(parse_objective(f"metric: {metric_name}\nbaseline: first", name="bench"))
    commands.evaluate(session, {}, model, X, y, name="first")
    names = (f"model {i}" for i in itertools.count())
    label, bare = OTHER_METRICS[metric_name]
    table = Table(f"{metric_name} at {rows:,} test rows", label, interleaved({
        label: lambda: bare(model, X, y),
        "%evaluate: commands.evaluate and its inline verdict": lambda: commands.evaluate(
            session, {}, model, X, y, name=next(names))._repr_mimebundle_(),
    }, repeat, f"%evaluate with {metric_name}"))
    session.close()
    return table


def figures(args):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    model = LogisticRegression(max_iter=1000).fit(rng.normal(size=(2000, 20)), rng.integers(0, 2, 2000))
    for rows in sizes(args.rows):
        table = evaluate_table(rows, args.repeat, model)
        table.notes.append("A logistic regression on 20 features, ROC AUC, the baseline the first model: "
                           "each evaluation is tested against it and the best.")
        yield table
        added = table.ratio(WHOLE) - 1
        beyond = table.median(WHOLE) - table.median(SCORING)  # a difference of medians, not measured on its own
        yield Headline(f"`%evaluate` within 10% of the bare metric call at {rows:,} rows",
                       f"{table.time(WHOLE)} against {table.time(BARE)}: {added:+.0%}. nbalign's own scoring (predict "
                       f"and its metric) takes {table.time(SCORING)}; all the rest, {number(beyond * 1e3)} ms, is "
                       f"{beyond / table.median(BARE):.0%} of the bare call",
                       f"met: {added:+.0%}" if added <= 0.10 else f"missed: {added:+.0%}, goal +10%")
    rows = sizes(args.rows)[0]
    ratios = {}
    for metric_name in OTHER_METRICS:
        table = other_metric_table(metric_name, rows, args.repeat, model)
        table.notes.append("The same logistic regression; each evaluation tested against the first and the best "
                           "with the metric's own paired test.")
        yield table
        ratios[metric_name] = (table.time(table.anchor),
                               table.ratio("%evaluate: commands.evaluate and its inline verdict"))
    bare, ratio = ratios["average_precision"]
    yield Headline(f"`%evaluate` with average precision within 3x of its bare call at {rows:,} rows",
                   f"{ratio:.2f}x the bare `average_precision_score` call ({bare}), its paired test (the jackknife "
                   "of the rows left out) against the first model and the best included",
                   f"met: {ratio:.2f}x" if ratio <= 3 else f"missed: {ratio:.2f}x, goal 3x")
    yield Headline(f"`%evaluate` with other metrics at {rows:,} rows (the goal is set for the AUC)",
                   "; ".join(f"{name}: {ratio:.2f}x the bare call ({bare})" for name, (bare, ratio) in ratios.items()),
                   "no number set")


if __name__ == "__main__":
    run(__doc__, figures, {"rows": ("100000,1000000", "test rows, comma-separated"), "repeat": 7},
        smoke={"rows": "2000", "repeat": 2})
