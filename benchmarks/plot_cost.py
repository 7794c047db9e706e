"""`nbalign.plot()` at 10 and 1,000 evaluations, beside a bare matplotlib chart of the same points.

The anchor draws the same scores as a line with markers, a baseline and a target line, and renders
it to PNG, as IPython shows a figure; the arm is nbalign's two-panel plot of the standing
(intervals, best so far, the cost-against-score frontier), rendered the same way. Interleaved;
medians with the interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/plot_cost.py [--sizes 10,1000] [--repeat 5] [--smoke]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    sizes = [10] if args.smoke else [int(n) for n in args.sizes.split(",")]
    repeat = 2 if args.smoke else args.repeat

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nbalign.evaluation import Evaluation
    from nbalign.objective import parse_objective
    from nbalign.plotting import figure_png, plot_progress
    from nbalign.session import Session

    print(f"nbalign plot cost: {platform.machine()}, Python {platform.python_version()}, matplotlib "
          f"{matplotlib.__version__}; {repeat} interleaved repeats")
    for size in sizes:
        session = Session(store_path=os.path.join(tempfile.mkdtemp(), "nbalign.db"))
        session.set_objective(parse_objective("metric: auc\ntarget: 0.95\nbaseline: 0.7", name="bench"))
        scores = 0.7 + 0.2 * np.random.default_rng(0).random(size)
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

        times = interleaved({"a bare matplotlib chart of the scores (anchor)": bare, "nbalign.plot()": nbalign_plot},
                            repeat)
        base = statistics.median(times["a bare matplotlib chart of the scores (anchor)"])
        print(f"\n{size:,} evaluations")
        for name, seconds in times.items():
            q1, median, q3 = spread(seconds)
            print(f"  {name:<48} {median * 1e3:9.1f} ms  (IQR {q1 * 1e3:.1f} to {q3 * 1e3:.1f})  "
                  f"{median / base:5.2f}x" + ("  (anchor)" if "anchor" in name else ""))
        session.close()


if __name__ == "__main__":
    main()
