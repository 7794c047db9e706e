"""What recording one evaluation costs beside MLflow, on histories as users make them, and restoring them.

1. Recording one evaluation beyond computing its metric, against MLflow's ``start_run`` +
   ``log_params`` + ``log_metric`` + ``end_run`` on its default local store (MLflow 3: a SQLite
   file), the anchor. nbalign's arms: ``Session.record`` (the evaluation already made), all that
   recording adds to the metric in one go, and each of its parts on its own: the fitted check,
   the parameters and identity, the data fingerprint, the store write, the judgement (the judged
   standing), the message views receive and the inline verdict. A view is subscribed, as the
   sidebar's comm is in a kernel, and sends each message as JSON.
2. A real history recorded in a row (:mod:`benchmarks.histories`: rising complexity with simpler
   models scoring lower, long plateaus, sweeps of equal complexity, correlated models), three
   ways in turns, each record timed: nbalign keeping the predictions, nbalign keeping none, and
   an MLflow run of the same model (its parameters and score) on a store that grows alike. One
   more record with 10, 1,000 and 10,000 models in the history, and the whole session's total.
3. ``%load_ext nbalign`` in a fresh kernel (a real one, started for each load, timed in it) on the
   stores that session left at 10, 1,000 and 10,000 models, against an empty store; and the
   restore alone in a running process.

Medians with the interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/record_cost.py [--sizes 10000] [--rows 10000] [--history-rows 2000]
        [--repeat 40] [--restores 5] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
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
    progress,
    run,
    sizes,
)
from nbalign.judge.wire import view
from nbalign.objective import parse_objective
from nbalign.session import Session
from nbalign.store import Store

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "bench.ipynb"  # the notebook the objective belongs to: only its own is restored
PLAIN_OBJECTIVE = "metric: auc\ntarget: 0.95\nbaseline: 0.7\nstop:\n  min_gain: 0.01\n  patience: 3"
MLFLOW_RUN = "MLflow: start_run + log_params + log_metric + end_run"
SESSION_RECORD = "Session.record: the store write, the judgement, the message"
ALL_OF_IT = "nbalign, all that recording adds to the metric (the parts · below, in one go)"
KEEPING = "nbalign's Session.record, keeping the predictions"
KEEPING_NONE = "nbalign's Session.record, keeping no predictions"
HISTORY_SIZES = (10, 1_000, 10_000)
GOAL_FLAT = "Recording flat on real histories: one more record at 10,000 within 2x of one at 10"
GOAL_MLFLOW = "Recording at least 10x cheaper than MLflow's run at every history size"
GOAL_IN_A_ROW = "10,000 recorded in a row at least 10x cheaper than MLflow's runs in total"


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
    session.set_objective(parse_objective(PLAIN_OBJECTIVE, name="churn"))
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


# ------------------------------------------------------------------ 2. real histories, in a row


def in_a_row(size: int, rows: int, folder: Path, checkpoints: list[int], window: int):
    """A session of ``size`` models made as users make them (:mod:`benchmarks.histories`),
    recorded one after another three ways in turns, each record timed: nbalign keeping the
    predictions, nbalign keeping none, and an MLflow run. Copies of nbalign's store are taken
    at each checkpoint, for the restores. Returns ``{arm: [seconds per record]}`` and the sizes
    of the message views receive at each checkpoint."""
    from benchmarks import histories

    generator = histories.Session(rows, seed=0)
    sessions = {}
    for arm, kept in ((KEEPING, True), (KEEPING_NONE, False)):
        path = folder / f"{'kept' if kept else 'none'}.db"
        histories.fill(path, 0, predictions=kept, rows=rows, judged=False)  # the objective alone
        sessions[arm] = (viewed_session(path), kept)
        sessions[arm][0].restore()
    mlflow_run = _mlflow_run(folder)
    made = generator.baselines()
    total = size + window
    times: dict[str, list[float]] = {arm: [] for arm in (MLFLOW_RUN, KEEPING, KEEPING_NONE)}
    messages = []
    for i in range(total + 2):
        if i % 100 == 0:
            progress(f"record_cost: {i + 1:,} of {total + 2:,} recorded in a row, three ways")
        evaluation, scores = made[i] if i < 2 else generator.next_model(total)
        for arm, (session, kept) in sessions.items():
            record = histories.with_predictions(generator, evaluation, scores, kept)
            start = time.perf_counter()
            session.record(record)
            times[arm].append(time.perf_counter() - start)
        if mlflow_run is not None:
            start = time.perf_counter()
            mlflow_run(evaluation)
            times[MLFLOW_RUN].append(time.perf_counter() - start)
        if i - 2 + 1 in checkpoints:  # this many models recorded after the baselines
            session = sessions[KEEPING][0]
            session.flush()
            _copy_store(session.store.path, folder / f"history-{i - 1}.db")
            message = session.message()
            messages.append([f"{message['standing']['rows_total']:,}", f"{len(json.dumps(message)) / 1024:.1f} KB",
                             f"{len(message['standing']['rows']):,}"])
    shape = history_shape(sessions[KEEPING][0])
    for session, _ in sessions.values():
        session.close()
    return times, messages, shape


def history_shape(session: Session) -> list[list[str]]:
    """What the recorded history holds, as RESULTS.md describes it (the generator's own figures)."""
    from nbalign.judge.candidates import simplicity

    standing = session.require_standing()
    models = [r for r in session.records if r.role == "model"]
    sizes_seen = [r.complexity["size_bytes"] for r in models]
    ranked = sorted(models, key=simplicity)
    beaten_by_simpler, top = 0, -1.0
    for record in ranked:
        beaten_by_simpler += record.score <= top
        top = max(top, record.score)
    judge = session._require_judge()
    frontier = max(len(c.frontier) for c in judge._candidates.values())
    return [
        ["models (after the constant and the linear baseline)", f"{len(models):,}"],
        ["sweeps of equal complexity (runs of one size)", f"{len(set(sizes_seen)):,}"],
        ["pickled size, first to last", f"{number(sizes_seen[0] / 1e3)} KB to {number(sizes_seen[-1] / 1e6)} MB"],
        ["ROC AUC: linear baseline, first model, best",
         f"{session.records[1].score:.3f}, {models[0].score:.3f}, {standing.summary.best.score:.3f}"],
        ["times the best changed", f"{sum(r.became_best for r in standing.rows):,}"],
        ["models a simpler one scores at least as high as", f"{beaten_by_simpler:,}"],
        ["candidates to ship on the frontier the judge walks", f"{frontier:,}"],
        ["paired tests run by the judge (the rest remembered)", f"{judge.comparisons.tests_run:,}"],
    ]


def _mlflow_run(folder: Path):
    """MLflow's run for one evaluation (on its default local store, a SQLite file), or None."""
    try:
        import mlflow
    except ImportError:
        return None
    mlflow.set_tracking_uri(f"sqlite:///{folder / 'mlflow-history.db'}")
    mlflow.create_experiment("history", artifact_location=(folder / "artifacts-history").as_uri())
    mlflow.set_experiment("history")

    def run(evaluation):
        with mlflow.start_run(run_name=evaluation.name):
            mlflow.log_params(evaluation.params)
            mlflow.log_metric("auc", evaluation.score)

    return run


def _copy_store(source: Path, target: Path) -> None:
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def tests_per_record(shape: list[list[str]]) -> str:
    """The paired tests the judge ran per model, from the history's figures."""
    counted = dict(shape)
    models = int(counted["models (after the constant and the linear baseline)"].replace(",", ""))
    tests = int(counted["paired tests run by the judge (the rest remembered)"].replace(",", ""))
    return number(tests / max(models, 1))


def histories_note() -> str:
    """The generator's description, from its docstring: how the history is made."""
    from benchmarks import histories

    paragraphs = (histories.__doc__ or "").strip().split("\n\n")
    return " ".join(" ".join(p.split()) for p in paragraphs)


def history_figures(size: int, rows: int, repeat: int, folder: Path):
    checkpoints = [n for n in HISTORY_SIZES if n <= size] or [size]
    window = max(3, repeat)
    times, messages, shape = in_a_row(size, rows, folder, checkpoints, window)
    yield Grid("The real history recorded (`benchmarks/histories.py`)", ["what", "in this run"], shape,
               [histories_note()])
    has_mlflow = bool(times[MLFLOW_RUN])
    anchor = MLFLOW_RUN if has_mlflow else KEEPING_NONE
    at = {}
    for n in checkpoints:  # the records made with n models already in the history (after the baselines)
        table = Table(f"One more record with {n:,} models in a real history", anchor,
                      {arm: samples[n + 2:n + 2 + window] for arm, samples in times.items() if samples},
                      [(f"The {window} records after the {n:,}th of one session of rising complexity, plateaus and "
                        f"sweeps of equal complexity (`benchmarks/histories.py`), {rows:,} test rows, ROC AUC, "
                        "`baseline: auto`, a view subscribed (each message as JSON); the three arms take turns.")])
        at[n] = table
        yield table
    totals = {arm: [sum(samples[2:2 + size])] for arm, samples in times.items() if samples}
    yield Table(f"{size:,} models recorded in a row, in total", anchor, totals,
                [("Each record in turn with the other arms: the same session three ways. nbalign judges every "
                  "record against the baseline and the best with its paired test and sends the view model.")])
    yield Grid("The view model a view receives, as the history grows",
               ["evaluations in the history", "the message, as JSON", "rows in it"], messages,
               ["Views receive the most recent rows and the summary, so the message stays the same size."])
    first, last = checkpoints[0], checkpoints[-1]
    for arm in (KEEPING, KEEPING_NONE):
        growth = at[last].median(arm) / at[first].median(arm)
        yield Headline(GOAL_FLAT, f"{arm}: one more record at {last:,} {at[last].time(arm)} against "
                       f"{at[first].time(arm)} at {first:,}: {number(growth)}x",
                       f"met: {number(growth)}x" if growth <= 2 else f"missed: {number(growth)}x, goal 2x")
        if not has_mlflow:
            for goal in (GOAL_MLFLOW, GOAL_IN_A_ROW):
                yield Headline(goal, f"{arm}: {at[last].time(arm)} a record at {last:,}",
                               "not measured: MLflow is not installed (`make bench` installs it)")
        else:
            worst = min(1 / at[n].ratio(arm) for n in checkpoints)
            each = "; ".join(f"{n:,}: {at[n].time(arm)} against {at[n].time(MLFLOW_RUN)} "
                             f"({number(1 / at[n].ratio(arm))}x)" for n in checkpoints)
            if arm == KEEPING and worst < 10:
                extra = at[last].median(KEEPING) - at[last].median(KEEPING_NONE)
                each += (f". What holds it back: keeping the predictions and running the paired tests on them (about "
                         f"{tests_per_record(shape)} a record, DeLong against the baseline and the best) add "
                         f"{number(extra * 1e3)} ms at {last:,}; the record, its judgement and the sidebar's message "
                         f"without them are the next rows'")
            yield Headline(GOAL_MLFLOW, f"{arm}: {each}", at_least(worst, 10))
            cheaper = totals[MLFLOW_RUN][0] / totals[arm][0]
            held = ("; held back as the row above says: the kept predictions and their paired tests"
                    if arm == KEEPING and cheaper < 10 else "")
            yield Headline(GOAL_IN_A_ROW, f"{arm}: {number(totals[arm][0])} s against MLflow's "
                           f"{number(totals[MLFLOW_RUN][0])} s for {size:,} in a row{held}", at_least(cheaper, 10))


# ------------------------------------------------------------------ 3. restoring, in a fresh kernel


def load_ext_in_fresh_kernel(path: Path) -> float:
    """``%load_ext nbalign`` in a fresh kernel on this store, timed in the kernel: the import of
    nbalign, the restore of the history, the sidebar's comm target and the first message."""
    from jupyter_client.manager import start_new_kernel

    environment = dict(os.environ, NBALIGN_STORE=str(path), JPY_SESSION_NAME=NOTEBOOK,
                       PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    manager, client = start_new_kernel(kernel_name="python3", env=environment, stderr=subprocess.DEVNULL)
    try:
        said: list[str] = []
        client.execute_interactive(
            "import time as _t\n_s = _t.perf_counter()\nget_ipython().run_line_magic('load_ext', 'nbalign')\n"
            "print('SECONDS', _t.perf_counter() - _s)",
            output_hook=lambda m: said.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None,
            timeout=600)
        return float("".join(said).split("SECONDS")[1].split()[0])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def restore_seconds(path: Path) -> float:
    start = time.perf_counter()
    session = Session(path, notebook=NOTEBOOK)
    session.restore()
    seconds = time.perf_counter() - start
    session.close()
    return seconds


def restoring(sizes: list[int], repeat: int, folder: Path):
    empty = folder / "empty.db"
    from benchmarks.histories import OBJECTIVE

    Store(empty).save_objective(replace(parse_objective(OBJECTIVE, name="churn"), notebook=NOTEBOOK))
    stores = {"an empty store (anchor)": empty}
    stores.update({f"{size:,} evaluations": folder / f"history-{size}.db" for size in sizes})
    arms = {}
    for name, path in stores.items():
        arms[f"load {name}"] = lambda path=path: load_ext_in_fresh_kernel(path)
        arms[f"restore {name}"] = lambda path=path: restore_seconds(path)
    times = in_turns(arms, repeat, "%load_ext in fresh kernels, and restore")
    stores_note = ("The stores the session recorded in a row left (the two baselines, the models and their kept "
                   "predictions, the paired tests remembered), as a notebook leaves them.")
    notes = {"load": stores_note + (" A kernel is started for each load; the time is taken in it, around the "
                                    "magic: the import of nbalign, the restore, the comm target, the first message."),
             "restore": stores_note + " The store read and the history judged, in a process that has imported all."}
    tables = {}
    for kind, title in (("load", "`%load_ext nbalign` in a fresh kernel"),
                        ("restore", "Restoring the history in a running process (a new Session, its restore())")):
        tables[kind] = Table(title, "an empty store", {name.removesuffix(" (anchor)"): times[f"{kind} {name}"]
                                                       for name in stores}, [notes[kind]])
        yield tables[kind]
    largest = f"{sizes[-1]:,} evaluations"
    seconds = tables["load"].median(largest)
    yield Headline(f"`%load_ext` in a fresh kernel with {sizes[-1]:,} evaluations under 0.5 s",
                   f"{tables['load'].time(largest)} (an empty store: {tables['load'].time('an empty store')})",
                   "met" if seconds < 0.5 else f"missed: {number(seconds)} s, goal 0.5 s")


# ------------------------------------------------------------------ the figures


def figures(args):
    histories_sizes = sizes(args.sizes)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        yield from against_mlflow(args.rows, args.repeat, folder)
        yield from history_figures(histories_sizes[-1], args.history_rows, args.repeat, folder)
        yield from restoring([n for n in HISTORY_SIZES if n <= histories_sizes[-1]] or histories_sizes[-1:],
                             args.restores, folder)


if __name__ == "__main__":
    run(__doc__, figures, {
        "sizes": ("10000", "models in the real history recorded in a row (checkpoints at 10, 1,000, 10,000)"),
        "rows": (10_000, "test rows of the evaluation recorded beside MLflow"),
        "history_rows": (2_000, "test rows of the real history's models"),
        "repeat": 40,
        "restores": (5, "fresh kernels per store"),
    }, smoke={"sizes": "12", "rows": 1_000, "history_rows": 300, "repeat": 3, "restores": 1})
