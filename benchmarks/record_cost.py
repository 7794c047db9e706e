"""What recording one evaluation costs as the history grows, and what restoring it costs.

For each history size the store is filled once, then a session records new evaluations one at a
time (``Session.record``: store write, change feed, judging, the standing for the views). The
anchor, measured in the same run and interleaved, is the bare store write (``Store.record``) on the
same store: the part no design can avoid. Figures are medians with the spread (interquartile
range); nothing passes or fails.

Also: an update in place of the first record (with ``baseline: first`` that moves the baseline,
so everything after it is judged again: the worst case), the restore of the whole history
(``Session.restore``) and all of ``%load_ext nbalign`` in a real InteractiveShell, and the size of
the standing a view receives.

    .venv/bin/python benchmarks/record_cost.py [--sizes 10,1000,10000] [--repeat 40]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nbalign.evaluation import Evaluation  # noqa: E402
from nbalign.objective import parse_objective  # noqa: E402
from nbalign.session import Session  # noqa: E402
from nbalign.store import Store  # noqa: E402

NOTEBOOK = "bench.ipynb"  # the notebook the objective belongs to: only its own is restored
OBJECTIVE = "metric: auc\ntarget: 0.95\nbaseline: {baseline}\nstop:\n  min_gain: 0.01\n  patience: 3"


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


def quartiles(samples: list[float]) -> tuple[float, float, float]:
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return median, q1, q3


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f}"


def measure(size: int, repeat: int, folder: Path) -> dict:
    path = folder / f"history-{size}.db"
    fill(path, size, baseline="0.7")
    session = Session(path, notebook=NOTEBOOK)
    session.restore()
    bare = Store(path)
    record_s, store_s = [], []
    for i in range(repeat):  # interleaved: A, B, A, B ... so machine noise hits both alike
        start = time.perf_counter()
        session.record(evaluation(size + 2 * i, 0.8))
        record_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.record(evaluation(size + 2 * i + 1, 0.8))
        store_s.append(time.perf_counter() - start)
    standing_bytes = len(json.dumps(session.message()))

    restore_s, load_ext_s = [], []
    for _ in range(max(3, repeat // 8)):
        fresh = Session(path, notebook=NOTEBOOK)
        start = time.perf_counter()
        fresh.restore()
        restore_s.append(time.perf_counter() - start)
        fresh.store.close()
        load_ext_s.append(load_ext_seconds(path))

    first_path = folder / f"first-{size}.db"
    fill(first_path, size, baseline="first")
    first = Session(first_path, notebook=NOTEBOOK)
    first.restore()
    oldest = first.records[0]
    update_s = []
    for i in range(max(3, repeat // 8)):
        start = time.perf_counter()
        first.record(replace(oldest, score=0.70 + 0.001 * (i % 2), id=None))
        update_s.append(time.perf_counter() - start)
    for s in (session, first):
        s.store.close()
    bare.close()
    return {"size": size, "record": quartiles(record_s), "store": quartiles(store_s),
            "restore": quartiles(restore_s), "load_ext": quartiles(load_ext_s), "update_first": quartiles(update_s), "bytes": standing_bytes}


def load_ext_seconds(path: Path) -> float:
    """``%load_ext nbalign`` in a real InteractiveShell on this store: restore, comm, message."""
    import os

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# nbalign record cost: Python {platform.python_version()}, {platform.machine()}, "
          f"{time.strftime('%Y-%m-%d')}; medians [q1 - q3] in ms")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            print(f"  measuring a history of {size:,} records...", file=sys.stderr, flush=True)
            results.append(measure(size, args.repeat, Path(folder)))
    smallest = results[0]["record"][0]
    print(f"{'history':>8} | {'record()':>24} | {'store write (anchor)':>24} | {'ratio':>5} | "
          f"{'vs smallest':>11} | {'update first (worst)':>24} | {'restore':>24} | {'%load_ext':>24} | standing sent")
    for r in results:
        rec, sto, upd, res, ext = r["record"], r["store"], r["update_first"], r["restore"], r["load_ext"]
        print(f"{r['size']:>8,} | {ms(rec[0])} [{ms(rec[1]).strip()}-{ms(rec[2]).strip()}] | "
              f"{ms(sto[0])} [{ms(sto[1]).strip()}-{ms(sto[2]).strip()}] | {rec[0] / sto[0]:5.2f} | "
              f"{rec[0] / smallest:10.2f}x | {ms(upd[0])} [{ms(upd[1]).strip()}-{ms(upd[2]).strip()}] | "
              f"{ms(res[0])} [{ms(res[1]).strip()}-{ms(res[2]).strip()}] | "
              f"{ms(ext[0])} [{ms(ext[1]).strip()}-{ms(ext[2]).strip()}] | {r['bytes'] / 1024:.1f} KB")


if __name__ == "__main__":
    main()
