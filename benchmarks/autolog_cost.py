"""What autolog adds to the user's own calls, beside the same calls without nbalign, in one run.

Each figure is the median of interleaved repeats (without, with, without, with ...), with the
interquartile range and the ratio to the anchor measured in the same run; nothing passes or
fails. The evaluation autolog queues is done at the end of the cell and is not part of the call:
what is measured here is what the user's own line pays.

1. A metric call at ``--rows`` rows: ``roc_auc_score(y, p)``, scikit-learn's own function (the
   anchor), watched on predictions no model made, and watched on a column of a model's
   ``predict_proba`` (matched by memory); ``f1_score`` on a threshold of that column, its own and
   watched (matched by content, the slowest path).
2. ``model.predict_proba(X)`` at ``--rows`` rows, unwatched and watched.
3. A cell that evaluates nothing, ``x = 1``, through a real IPython shell: without nbalign, with
   nbalign loaded and autolog off, and with autolog on (an objective declared), in alternating
   blocks of cells: what the hooks cost, and what autolog adds to them.

    .venv/bin/python benchmarks/autolog_cost.py [--rows 100000] [--repeat 31] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import interleaved, spread  # noqa: E402


def report(title: str, times: dict[str, list[float]], anchor: str, unit: float = 1e3, label: str = "ms") -> None:
    print(f"\n{title}")
    base = statistics.median(times[anchor])
    for name, seconds in times.items():
        q1, median, q3 = spread(seconds)
        print(f"  {name:<52} {median * unit:9.3f} {label}  (IQR {q1 * unit:.3f} to {q3 * unit:.3f})  "
              f"{median / base:5.2f}x" + ("  (anchor)" if name == anchor else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script runs")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 2_000, 4

    import numpy as np
    import sklearn.metrics
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from nbalign.autolog import Autolog, Watcher

    print(f"nbalign autolog: {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
          f"{args.rows:,} rows, {args.repeat} interleaved repeats")
    X, y = make_classification(n_samples=args.rows, n_features=20, random_state=0)
    model = LogisticRegression(max_iter=1000).fit(X[:5000], y[:5000])
    original = sklearn.metrics.roc_auc_score
    original_f1 = sklearn.metrics.f1_score
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

        report(f"1a. roc_auc_score at {args.rows:,} rows", interleaved({
            "scikit-learn's own (anchor)": lambda: original(y, column),
            "watched, on predictions no model made": lambda: watched(y, unrelated),
            "watched, on a column of predict_proba (by memory)": lambda: (watched(y, column), clear()),
        }, args.repeat), "scikit-learn's own (anchor)")
        report(f"1b. f1_score at {args.rows:,} rows", interleaved({
            "scikit-learn's own (anchor)": lambda: original_f1(y, decisions),
            "watched, on a threshold of that column (by content)": lambda: (watched_f1(y, decisions), clear()),
        }, args.repeat), "scikit-learn's own (anchor)")

        patched_predict = type(model).predict_proba
        autolog.stop()
        unpatched_predict = type(model).predict_proba
        autolog.start()
        report(f"2. predict_proba at {args.rows:,} rows", interleaved({
            "unwatched (anchor)": lambda: unpatched_predict(model, X),
            "watched": lambda: patched_predict(model, X),
        }, args.repeat), "unwatched (anchor)")
    finally:
        autolog.stop()

    cell_cost(args)


def cell_cost(args) -> None:
    """``x = 1`` through a real shell, with and without nbalign, in alternating blocks."""
    import os
    import tempfile

    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    os.environ["NBALIGN_STORE"] = os.path.join(tempfile.mkdtemp(), "nbalign.db")
    shell = InteractiveShell.instance()
    block = 20 if args.smoke else 200
    times = {"without nbalign (anchor)": [], "nbalign loaded, autolog off, an objective": [],
             "nbalign loaded, autolog on, an objective": []}
    with capture_output():
        shell.run_cell("import sklearn.metrics")
        for _ in range(max(2, args.repeat // 4)):
            for name in times:
                loaded = name.startswith("nbalign")
                if loaded:
                    shell.run_line_magic("load_ext", "nbalign")
                    shell.run_cell("%%objective bench\nmetric: auc\ntarget: 0.9\nbaseline: 0.7")
                    shell.run_line_magic("nbalign", "autolog " + ("on" if "autolog on" in name else "off"))
                for _ in range(block):
                    start = time.perf_counter()
                    shell.run_cell("x = 1")
                    times[name].append(time.perf_counter() - start)
                if loaded:
                    shell.run_line_magic("unload_ext", "nbalign")
    report(f"3. a cell that evaluates nothing (`x = 1`), blocks of {block} cells", times,
           "without nbalign (anchor)", unit=1e6, label="µs")


if __name__ == "__main__":
    main()
