"""`nbalign.plot()` at 10 and 1,000 evaluations, beside a bare matplotlib chart of the same points.

The anchor draws the same scores as a line with markers, a baseline and a target line, and renders
it to PNG, as IPython shows a figure; the arm is nbalign's two-panel plot of the standing
(intervals, best so far, the cost-against-score frontier), rendered the same way. Interleaved;
medians with the interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/plot_cost.py [--sizes 10,1000] [--repeat 5] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Headline, Table, interleaved, run, sizes

BARE = "a bare matplotlib chart of the scores"
PLOT = "nbalign.plot()"


def plot_table(size: int, repeat: int) -> Table:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nbalign.evaluation import Evaluation
    from nbalign.objective import parse_objective
    from nbalign.plotting import figure_png, plot_progress
    from nbalign.session import Session

    session = Session(store_path=os.path.join(tempfile.mkdtemp(), "nbalign.db"))
    session.set_objective(parse_objective("metric: auc\ntarget: 0.95\nbaseline: 0.7", name="bench"))
    scores = 0.7 + 0.2 * np.random.default_rng(0).random(size)
    with session.batch():
        for i, score in enumerate(scores):
            session.record(Evaluation("bench", 1, f"model {i}", "LogisticRegression", {"C": i}, "auc", float(score),
                                      model_id=str(i), data_fingerprint="f", n_rows=1000,
                                      complexity={"size_bytes": 1000 + i, "predict_ms_per_1k": 1.0 + i % 7,
                                                  "n_parameters": 10}))
    standing = session.standing

    def bare():
        figure, axes = plt.subplots(figsize=(10, 4))
        axes.plot(range(size), scores, marker="o")
        axes.axhline(0.7, linestyle="--")
        axes.axhline(0.95)
        figure_png(figure)
        plt.close(figure)

    def nbalign_plot():
        figure = plot_progress(standing)
        figure_png(figure)
        plt.close(figure)

    table = Table(f"nbalign.plot() at {size:,} evaluations, rendered to PNG", BARE,
                  interleaved({BARE: bare, PLOT: nbalign_plot}, repeat, f"plots of {size:,} evaluations"))
    session.close()
    return table


def figures(args):
    for size in sizes(args.sizes):
        table = plot_table(size, args.repeat)
        yield table
    yield Headline(f"`nbalign.plot()` at {size:,} evaluations beside a bare matplotlib chart",
                   f"{table.time(PLOT)} against {table.time(BARE)}: {table.ratio(PLOT):.1f}x", "no number set")


if __name__ == "__main__":
    run(__doc__, figures, {"sizes": "10,1000", "repeat": 5}, smoke={"sizes": "10", "repeat": 2})
