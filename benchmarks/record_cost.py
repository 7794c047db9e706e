"""What recording one evaluation costs beside MLflow, its parts, and as the history grows.

1. Recording one evaluation beyond computing its metric, against MLflow's ``start_run`` +
   ``log_params`` + ``log_metric`` + ``end_run`` on its default local store (MLflow 3: a SQLite
   file), the anchor. nbalign's arms: ``Session.record`` (the evaluation already made), all that
   recording adds to the metric in one go, and each of its parts on its own: the fitted check,
   the parameters and identity, the data fingerprint, the store write, the judgement (the judged
   standing), the message views receive and the inline verdict. A view is subscribed, as the
   sidebar's comm is in a kernel, and sends each message as JSON.
2. Restoring a history of 10, 1,000, 10,000 evaluations: ``Session.restore`` and all of
   ``%load_ext nbalign`` in a running kernel (a real IPython ``InteractiveShell``), against an
   empty store.
3. As the history grows: ``Session.record`` and the update in place of the first record
   (``baseline: first``, so everything after it is judged again: the worst case), against the
   bare store write (``Store.record``) on a store of the same size; and the size of the standing
   a view receives.

Interleaved; medians with the interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/record_cost.py [--sizes 10,1000,10000] [--rows 10000] [--repeat 40]
        [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    Grid,
    Headline,
    Table,
    at_least,
    in_turns,
    interleaved,
    number,
    run,
    sizes,
)
from nbalign.evaluation import Evaluation
from nbalign.judge.wire import view
from nbalign.objective import parse_objective
from nbalign.session import Session
from nbalign.store import Store

NOTEBOOK = "bench.ipynb"  # the notebook the objective belongs to: only its own is restored
OBJECTIVE = "metric: auc\ntarget: 0.95\nbaseline: {baseline}\nstop:\n  min_gain: 0.01\n  patience: 3"
MLFLOW_RUN = "MLflow: start_run + log_params + log_metric + end_run"
SESSION_RECORD = "Session.record: the store write, the judgement, the message"
ALL_OF_IT = "nbalign, all that recording adds to the metric (the parts · below, in one go)"


def evaluation(i: int, score: float) -> Evaluation:
    return Evaluation("churn", 1, f"model {i}", "sklearn.ensemble.RandomForestClassifier",
                      {"n_estimators": 100 + i, "max_depth": None}, "auc", score, predict_seconds=0.01,
                      n_rows=1761, data_fingerprint="3f1c0a9e5d", model_id=f"{i:016x}",
                      created_at="2026-11-28T10:00:00+00:00")


def fill(path: Path, size: int, baseline: str) -> None:
    store = Store(path)
    objective = parse_objective(OBJECTIVE.format(baseline=baseline), name="churn")
    store.save_objective(replace(objective, notebook=NOTEBOOK))
    for i in range(size):
        store.record(evaluation(i, 0.70 + 0.2 * ((i * 7919) % size) / size))
    store.close()


def viewed_session(path: Path) -> Session:
    """A session with a view subscribed, as in a kernel: the view sends each message as JSON."""
    session = Session(path, notebook=NOTEBOOK)
    session.subscribe(lambda kind, message: json.dumps(message))
    return session


# ------------------------------------------------------------------ 1. one evaluation, against MLflow


def against_mlflow(rows: int, repeat: int, folder: Path):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from nbalign.display import evaluation_bundle
    from nbalign.evaluation import _check_fitted, evaluate_model
    from nbalign.fingerprint import fingerprint
    from nbalign.identity import fit_identity, model_identity, model_params
    from nbalign.judge import Judge

    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 20))
    y = (X[:, 0] + rng.normal(size=rows) > 0).astype(int)
    model = LogisticRegression(max_iter=1000).fit(X[:2000], y[:2000])
    session = viewed_session(folder / "recording.db")
    session.set_objective(parse_objective(OBJECTIVE.format(baseline="0.7"), name="churn"))
    # the metric computed once: every arm records this evaluation under a new name (a new record);
    # no predictions kept (MLflow logs none either: keeping them is in predictions_cost.py)
    made = evaluate_model(session.objective, model, X, y, "lr", rows_kept=0)
    names = (f"model {i}" for i in itertools.count())
    bare = Store(folder / "bare.db")
    judge = Judge(session.objective, [], session._comparisons(session.objective))  # as the session's own
    ids = itertools.count(1)
    judged = {}

    def all_of_it():
        _check_fitted(model, "lr")
        model_params(model), model_identity(model), fit_identity(model)
        fingerprint(X, y)
        record = replace(made, name=next(names))
        evaluation_bundle(session.record(record), session.standing, record)

    def judgement():  # what Session.record does once the store has the record
        judged["record"] = replace(made, name=next(names), id=next(ids))
        judge.put([judged["record"]])
        judged["standing"] = judge.standing()

    arms = {
        ALL_OF_IT: all_of_it,
        SESSION_RECORD: lambda: session.record(replace(made, name=next(names))),
        "· the fitted check": lambda: _check_fitted(model, "lr"),
        "· the parameters and identity (model_params, model_identity, fit_identity)":
            lambda: (model_params(model), model_identity(model), fit_identity(model)),
        f"· the data fingerprint ({rows:,} x 20)": lambda: fingerprint(X, y),
        "· the store write (Store.record)": lambda: bare.record(replace(made, name=next(names))),
        "· the judgement (Judge.put, Judge.standing)": judgement,
        "· the message views receive (wire.view, as JSON)": lambda: json.dumps(view(judged["standing"])),
        "· the inline verdict (evaluation_bundle)":
            lambda: evaluation_bundle(judged["standing"].rows[-1], judged["standing"], judged["record"]),
    }
    notes = [(f"A logistic regression on {rows:,} test rows x 20 features; the history starts empty and grows "
              "by a few records a round. The parts are measured in the same rounds, each on its own; they do not "
              "add up to the whole exactly: `Session.record` also checks that the store's file is still there and "
              "reads what another kernel wrote, if any.")]
    try:
        import mlflow
    except ImportError:
        mlflow = None
        notes.append("MLflow is not installed here (`make bench` installs it): the anchor is `Session.record`.")
    else:
        mlflow.set_tracking_uri(f"sqlite:///{folder / 'mlflow.db'}")  # MLflow 3's default: a SQLite file
        mlflow.create_experiment("bench", artifact_location=(folder / "artifacts").as_uri())  # not ./mlruns
        mlflow.set_experiment("bench")

        def mlflow_run():
            with mlflow.start_run():
                mlflow.log_params({"C": 1.0, "max_iter": 1000})
                mlflow.log_metric("auc", 0.8)

        arms = {MLFLOW_RUN: mlflow_run, **arms}
    table = Table("Recording one evaluation beyond computing its metric, and its parts", next(iter(arms)),
                  interleaved(arms, repeat, "recording one evaluation and its parts"), notes)
    yield table
    session.close()
    bare.close()
    goal = "Recording an evaluation at least 100x cheaper than MLflow's start_run + log_params + log_metric + end_run"
    if mlflow is None:
        yield Headline(goal, f"`Session.record`: {table.time(SESSION_RECORD)}", "not measured: MLflow is not installed")
        return
    # What holds the goal back: each part of Session.record on its own, as a share of MLflow's run.
    parts = ("· the store write (Store.record)", "· the judgement (Judge.put, Judge.standing)",
             "· the message views receive (wire.view, as JSON)")
    held_back = ", ".join(f"{name.split(' (')[0].lstrip('· ')} {table.time(name)} ({number(1 / table.ratio(name))}x "
                          "cheaper)" for name in parts)
    for arm, what in ((SESSION_RECORD, "`Session.record`, the evaluation made"),
                      (ALL_OF_IT, (f"with what makes the record (fitted check, identity, fingerprint of {rows:,} rows, "
                                   "inline verdict)"))):
        cheaper = 1 / table.ratio(arm)
        figure = f"{what}: {table.time(arm)} against MLflow's {table.time(MLFLOW_RUN)}, {number(cheaper)}x cheaper"
        if arm == SESSION_RECORD and cheaper < 100:
            figure += (f". Its parts, each on its own: {held_back}; a durable write, a judged verdict with its "
                       "paired tests and the whole standing for the sidebar, where MLflow only writes")
        yield Headline(goal, figure, at_least(cheaper, 100))


# ------------------------------------------------------------------ 2. restoring


def load_ext_seconds(path: Path) -> float:
    """``%load_ext nbalign`` in a running IPython shell on this store: restore, comm, message."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    os.environ["NBALIGN_STORE"] = str(path)
    os.environ["JPY_SESSION_NAME"] = NOTEBOOK
    shell = InteractiveShell.instance()
    with capture_output():
        start = time.perf_counter()
        shell.run_line_magic("load_ext", "nbalign")
        seconds = time.perf_counter() - start
        shell.run_line_magic("unload_ext", "nbalign")
    InteractiveShell.clear_instance()
    return seconds


def restore_seconds(path: Path) -> float:
    start = time.perf_counter()
    session = Session(path, notebook=NOTEBOOK)
    session.restore()
    seconds = time.perf_counter() - start
    session.close()
    return seconds


def restoring(sizes: list[int], repeat: int, folder: Path):
    stores = {"an empty store (anchor)": folder / "empty.db"}
    stores.update({f"{size:,} evaluations": folder / f"history-{size}.db" for size in sizes})
    arms = {}
    for name, path in stores.items():
        arms[f"load {name}"] = lambda path=path: load_ext_seconds(path)
        arms[f"restore {name}"] = lambda path=path: restore_seconds(path)
    times = in_turns(arms, repeat, "%load_ext and restore")
    for kind, title in (("load", "`%load_ext nbalign` in a running kernel"),
                        ("restore", "Restoring the history (a new Session, its restore())")):
        yield Table(title, "an empty store", {name.removesuffix(" (anchor)"): times[f"{kind} {name}"]
                                              for name in stores})


# ------------------------------------------------------------------ 3. as the history grows


def as_history_grows(size: int, repeat: int, folder: Path) -> tuple[Table, list[str]]:
    """The session records into ``history-{size}.db``; the bare writes go to a store of the same
    size of their own (in the session's, they would read as another kernel's writes)."""
    bare_path, first_path = folder / f"bare-{size}.db", folder / f"first-{size}.db"
    fill(bare_path, size, baseline="0.7")
    fill(first_path, size, baseline="first")
    session, first = viewed_session(folder / f"history-{size}.db"), viewed_session(first_path)
    session.restore()
    first.restore()
    oldest = first.records[0]
    bare = Store(bare_path)
    new = itertools.count(size)
    flip = itertools.cycle([0.0, 0.001])  # the first record's score changes each time
    times = interleaved({
        "Store.record: the bare write": lambda: bare.record(evaluation(next(new), 0.8)),
        "Session.record": lambda: session.record(evaluation(next(new), 0.8)),
        "updating the first record (baseline: first, all judged again: the worst case)":
            lambda: first.record(replace(oldest, score=0.70 + next(flip), id=None)),
    }, repeat, f"recording with {size:,} in the history")
    table = Table(f"Recording one evaluation with {size:,} in the history", "Store.record: the bare write", times)
    message = session.message()
    sent = [f"{message['standing']['rows_total']:,}", f"{len(json.dumps(message)) / 1024:.1f} KB",
            f"{len(message['standing']['rows']):,}"]
    for s in (session, first):
        s.close()
    bare.close()
    return table, sent


# ------------------------------------------------------------------ the figures


def figures(args):
    histories = sizes(args.sizes)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        yield from against_mlflow(args.rows, args.repeat, folder)
        for size in histories:
            fill(folder / f"history-{size}.db", size, baseline="0.7")
        yield from restoring(histories, max(3, args.repeat // 6), folder)
        sent = []
        for size in histories:
            table, message = as_history_grows(size, args.repeat, folder)
            sent.append(message)
            yield table
        yield Grid("The standing a view receives, as the history grows",
                   ["evaluations in the history", "the message, as JSON", "rows in it"], sent,
                   ["Views receive the most recent rows and the summary, so the message stays the same size."])


if __name__ == "__main__":
    run(__doc__, figures, {
        "sizes": ("10,1000,10000", "evaluations in the history, comma-separated"),
        "rows": (10_000, "test rows of the evaluation recorded beside MLflow"),
        "repeat": 40,
    }, smoke={"sizes": "10,100", "rows": 1_000, "repeat": 3})
