"""What autolog adds to the user's own calls, beside the same calls without nbalign and beside MLflow's.

The evaluation autolog queues is done at the end of the cell and is not part of the call: what is
measured here is what the user's own line pays.

1. A metric call at ``--rows`` rows: ``roc_auc_score(y, p)``, scikit-learn's own function (the
   anchor), watched on predictions no model made, and watched on a column of a model's
   ``predict_proba`` (matched by memory); ``f1_score`` on a threshold of that column, its own and
   watched (matched by content, the slowest path).
2. ``model.predict_proba(X)`` at ``--rows`` rows, unwatched and watched.
3. ``mlflow.sklearn.autolog()`` on the same ``roc_auc_score`` call, in a process of its own (it
   patches scikit-learn for good), and what each autolog logs for it.
4. A cell that evaluates nothing, ``x = 1``, through a real IPython shell: without nbalign, with
   nbalign loaded and autolog off, and with autolog on (an objective declared), in alternating
   blocks of cells: what the hooks cost, and what autolog adds to them.
5. The whole cell, end-of-cell logging included, through a real IPython shell at ``--rows`` rows
   (the model fitted before): ``roc_auc_score(y, model.predict_proba(X)[:, 1])`` and
   ``f1_score(y, model.predict(X))``, without nbalign and with autolog on under an objective on
   ROC AUC, and on F1 (where the user's ``f1_score`` is the scorer's very call), in turns.

Interleaved; medians with the interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/autolog_cost.py [--rows 100000] [--repeat 31] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import Headline, Table, in_turns, interleaved, number, run  # noqa: E402

ANCHOR = "scikit-learn's own"
BY_MEMORY = "watched, on a column of predict_proba (by memory)"
BY_CONTENT = "watched, on a threshold of that column (by content)"


def metric_calls(args):
    import numpy as np
    import sklearn.metrics
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from nbalign.autolog import Autolog, Watcher

    X, y = make_classification(n_samples=args.rows, n_features=20, random_state=0)
    model = LogisticRegression(max_iter=1000).fit(X[:5000], y[:5000])
    original, original_f1 = sklearn.metrics.roc_auc_score, sklearn.metrics.f1_score
    unrelated = np.random.default_rng(0).random(args.rows)

    watcher = Watcher()
    autolog = Autolog(watcher)
    autolog.start()
    try:
        watched, watched_f1 = sklearn.metrics.roc_auc_score, sklearn.metrics.f1_score
        proba = model.predict_proba(X)  # remembered: the model's output
        column = proba[:, 1]
        decisions = column >= 0.5

        def clear():
            watcher.queued.clear()

        auc = Table(f"roc_auc_score at {args.rows:,} rows", ANCHOR, interleaved({
            ANCHOR: lambda: original(y, column),
            "watched, on predictions no model made": lambda: watched(y, unrelated),
            BY_MEMORY: lambda: (watched(y, column), clear()),
        }, args.repeat, "roc_auc_score"))
        watched(y, column)
        found = watcher.take()
        auc.notes.append("nbalign's autolog logs " + ("the model" if found and found[0].model is model else "nothing")
                         + " for `roc_auc_score(y, model.predict_proba(X)[:, 1])`.")
        yield auc
        f1 = Table(f"f1_score at {args.rows:,} rows", ANCHOR, interleaved({
            ANCHOR: lambda: original_f1(y, decisions),
            BY_CONTENT: lambda: (watched_f1(y, decisions), clear()),
        }, args.repeat, "f1_score"))
        yield f1

        patched_predict = type(model).predict_proba
        autolog.stop()
        unpatched_predict = type(model).predict_proba
        autolog.start()
        yield Table(f"predict_proba at {args.rows:,} rows", "unwatched", interleaved({
            "unwatched": lambda: unpatched_predict(model, X),
            "watched": lambda: patched_predict(model, X),
        }, args.repeat, "predict_proba"))
    finally:
        autolog.stop()

    mlflow, mlflow_logged = mlflow_autolog(args.rows, args.repeat)
    if mlflow is not None:
        yield mlflow
    shown = auc.median(BY_MEMORY) <= auc.quartiles(ANCHOR)[2]
    added = auc.ratio(BY_MEMORY) - 1
    yield Headline(
        "Autolog adds nothing measurable to the user's metric call",
        f"`roc_auc_score(y, model.predict_proba(X)[:, 1])` at {args.rows:,} rows: {auc.time(BY_MEMORY)} watched "
        f"against {auc.time(ANCHOR)} ({added:+.1%}); on the slowest path (`f1_score`, matched by content) "
        f"{f1.ratio(BY_CONTENT) - 1:+.1%}. "
        + ("`mlflow.sklearn.autolog` was not measured (not installed)." if mlflow is None else
           f"`mlflow.sklearn.autolog` logs {', '.join(mlflow_logged) or 'nothing'} for that call."),
        "met: within the unwatched call's IQR" if shown else f"missed: {added:+.1%}, beyond the unwatched call's IQR")


# The same call under mlflow.sklearn.autolog, in a process of its own: a file, as MLflow reads the
# caller's source; the same rounds as here (benchmarks.common), its figures back as JSON.
MLFLOW_AUTOLOG = r"""
import json, os, sys, tempfile
import mlflow, sklearn.metrics
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from benchmarks.common import interleaved
rows, repeat = int(sys.argv[1]), int(sys.argv[2])
X, y = make_classification(n_samples=rows, n_features=20, random_state=0)
original = sklearn.metrics.roc_auc_score
mlflow.set_tracking_uri("sqlite:///" + os.path.join(tempfile.mkdtemp(), "mlflow.db"))
mlflow.sklearn.autolog(silent=True)
model = LogisticRegression(max_iter=1000).fit(X[:5000], y[:5000])  # fitted under autolog: a run
proba = model.predict_proba(X)
watched = sklearn.metrics.roc_auc_score
times = interleaved({"unwatched": lambda: original(y, proba[:, 1]),
                     "mlflow.sklearn.autolog": lambda: watched(y, proba[:, 1])}, repeat, "mlflow.sklearn.autolog")
sklearn.metrics.accuracy_score(y, model.predict(X))  # the case MLflow matches: the very array predict returned
if hasattr(mlflow, "flush_async_logging"):
    mlflow.flush_async_logging()
run = mlflow.last_active_run()
metrics = mlflow.get_run(run.info.run_id).data.metrics if run else {}
logged = lambda name: sorted(k for k in metrics if name in k and not k.startswith("training_"))
print(json.dumps({"times": times, "sliced": logged("roc_auc"), "whole": logged("accuracy_score")}))
"""


def mlflow_autolog(rows: int, repeat: int) -> tuple[Table | None, list[str]]:
    """The table, and what MLflow logs for the call (None, [] when MLflow is not installed)."""
    if importlib.util.find_spec("mlflow") is None:
        return None, []
    script = Path(tempfile.mkdtemp()) / "mlflow_autolog.py"
    script.write_text(MLFLOW_AUTOLOG, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    done = subprocess.run([sys.executable, str(script), str(rows), str(repeat)], stdout=subprocess.PIPE,
                          text=True, cwd=script.parent, env={**clean, "PYTHONPATH": str(ROOT)}, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    sliced = ", ".join(found["sliced"]) or "nothing"
    note = (f"`mlflow.sklearn.autolog` logs {sliced} for it: it matches predictions to models by the identity "
            "of the array `predict_proba` returned, and `[:, 1]` is another array. For "
            f"`accuracy_score(y, model.predict(X))` it logs {', '.join(found['whole']) or 'nothing'}.")
    return Table("roc_auc_score(y, model.predict_proba(X)[:, 1]) under mlflow.sklearn.autolog, in its own process",
                 "unwatched", found["times"], [note]), found["sliced"]


def cell_cost(args):
    """``x = 1`` through a real shell, with and without nbalign, in alternating blocks of cells."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    os.environ["NBALIGN_STORE"] = os.path.join(tempfile.mkdtemp(), "nbalign.db")
    shell = InteractiveShell.instance()
    block = 20 if args.smoke else 200

    def cells(nbalign: bool, autolog: bool = False):
        def mean_seconds():
            with capture_output():
                if nbalign:
                    shell.run_line_magic("load_ext", "nbalign")
                    shell.run_cell("%%objective bench\nmetric: auc\ntarget: 0.9\nbaseline: 0.7")
                    shell.run_line_magic("nbalign", "autolog " + ("on" if autolog else "off"))
                start = time.perf_counter()
                for _ in range(block):
                    shell.run_cell("x = 1")
                seconds = (time.perf_counter() - start) / block
                if nbalign:
                    shell.run_line_magic("unload_ext", "nbalign")
            return seconds

        return mean_seconds

    with capture_output():
        shell.run_cell("import sklearn.metrics")
    without = "without nbalign"
    off, on = "nbalign loaded, autolog off, an objective", "nbalign loaded, autolog on, an objective"
    times = in_turns({without: cells(False), off: cells(True), on: cells(True, autolog=True)},
                     max(3, args.repeat // 2), "a cell that evaluates nothing")
    table = Table("What the hooks add to a cell that evaluates nothing (`x = 1`): "
                  f"the mean of a block of {block} cells", without, times, unit="µs")
    yield table
    added = {arm: (table.median(arm) - table.median(without)) * 1e6 for arm in (off, on)}
    yield Headline("What nbalign's hooks add to every cell (one that evaluates nothing)",
                   f"{number(added[off])} µs a cell with nbalign loaded, {number(added[on])} µs with autolog on; "
                   f"the cell itself: {table.time(without)}", "no number set")


WITHOUT = "without nbalign"
UNDER_AUC, UNDER_F1 = "autolog on, objective ROC AUC", "autolog on, objective F1"
WHOLE_CELLS = {"roc_auc_score": "roc_auc_score(y, model.predict_proba(X)[:, 1])",
               "f1_score": "f1_score(y, model.predict(X))"}


def whole_cells(args):
    """Each cell of :data:`WHOLE_CELLS` through a real shell, timed from ``run_cell`` to its end
    (nbalign's end-of-cell logging, recording and line included), in the arms' turns; a switch
    of arm (loading nbalign and declaring the objective, or unloading it) and one run of the cell
    after it are not timed, so each arm is timed as a cell in a session already in that state."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    os.environ["NBALIGN_STORE"] = os.path.join(tempfile.mkdtemp(), "nbalign.db")
    shell = InteractiveShell.instance()
    with capture_output():
        shell.run_cell("from sklearn.datasets import make_classification\n"
                       "from sklearn.linear_model import LogisticRegression\n"
                       "from sklearn.metrics import roc_auc_score, f1_score\n"
                       f"X, y = make_classification(n_samples={args.rows}, n_features=20, random_state=0)\n"
                       "model = LogisticRegression(max_iter=1000).fit(X[:5000], y[:5000])")
    objectives = {WITHOUT: None, UNDER_AUC: "whole_auc\nmetric: auc\ntarget: 0.99\nbaseline: 0.5",
                  UNDER_F1: "whole_f1\nmetric: f1\ntarget: 0.99\nbaseline: 0.5"}
    state: dict[str, str | None] = {"arm": WITHOUT}

    def arm(name: str, cell: str):
        def seconds():
            with capture_output():
                if state["arm"] != name:
                    if state["arm"] != WITHOUT:
                        shell.run_line_magic("unload_ext", "nbalign")
                    if objectives[name] is not None:
                        shell.run_line_magic("load_ext", "nbalign")
                        shell.run_cell(f"%%objective {objectives[name]}")
                        shell.run_line_magic("nbalign", "autolog on")
                    state["arm"] = name
                    shell.run_cell(cell)
                start = time.perf_counter()
                shell.run_cell(cell)
                return time.perf_counter() - start

        return seconds

    tables = {}
    for metric, cell in WHOLE_CELLS.items():
        times = in_turns({name: arm(name, cell) for name in objectives}, args.repeat, f"the whole {metric} cell")
        tables[metric] = table = Table(f"The whole cell `{cell}` at {args.rows:,} rows, end-of-cell logging included",
                                       WITHOUT, times)
        yield table
    with capture_output():
        if state["arm"] != WITHOUT:
            shell.run_line_magic("unload_ext", "nbalign")
    added = {metric: table.ratio(UNDER_AUC) - 1 for metric, table in tables.items()}
    met = all(value <= 0.10 for value in added.values())
    yield Headline(
        "Autolog reuses what the user computed: the whole cell within 10% of the cell without nbalign",
        f"at {args.rows:,} rows under an objective on ROC AUC: `roc_auc_score` cell {added['roc_auc_score']:+.1%}, "
        f"`f1_score` cell {added['f1_score']:+.1%}; under an objective on F1 (the user's f1_score is the score): "
        f"`f1_score` cell {tables['f1_score'].ratio(UNDER_F1) - 1:+.1%}"
        + ("" if met else
           ". What holds it back: the end of the cell adds "
           + " and ".join(f"{number((table.median(UNDER_AUC) - table.median(WITHOUT)) * 1e3)} ms to the {metric} cell"
                          for metric, table in tables.items())
           + ", a fixed cost (the objective's metric on the model, the data's fingerprint, the store write, the line "
             "shown) that cells of a few milliseconds cannot hide; no second predict is in it"),
        "met" if met else f"missed: {max(added.values()):+.1%}, goal +10%")


def figures(args):
    yield from metric_calls(args)
    yield from cell_cost(args)
    yield from whole_cells(args)


if __name__ == "__main__":
    run(__doc__, figures, {"rows": 100_000, "repeat": 31}, smoke={"rows": 2_000, "repeat": 3})
