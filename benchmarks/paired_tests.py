"""What the paired tests of ``nbalign.stats`` cost at test-set sizes, beside their anchors.

Each test is timed interleaved with an anchor on the same data in the same run, so machine
noise hits both alike: for DeLong (two models, AUCs and their covariance) the anchor is
``sklearn.metrics.roc_auc_score`` of one model; for McNemar, ``accuracy_score`` of one model;
for the paired t on per-row losses, ``scipy.stats.ttest_rel`` on the same losses. Figures are
medians with the spread (interquartile range); nothing passes or fails.

The paired bootstrap of the same pair (metric ``roc_auc_score``) is estimated from a few
resamples: a run of k resamples also computes the estimate on all rows, about one resample's
work, so its time is divided by k + 1 and multiplied by 2000 (the default).

    .venv/bin/python benchmarks/paired_tests.py [--sizes 100000,1000000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from scipy import stats as scipy_stats  # noqa: E402
from sklearn.metrics import accuracy_score, average_precision_score, roc_auc_score  # noqa: E402

from nbalign.stats import (  # noqa: E402
    delong,
    mcnemar,
    paired_bootstrap,
    paired_bootstrap_average_precision,
    paired_losses,
)

DEFAULT_RESAMPLES = 2000


def two_models(rows: int, seed: int = 0):
    """Labels (30% positive) and two correlated scorers, the second a little better."""
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.3).astype(int)
    shared = rng.standard_normal(rows)
    return y, y + shared + rng.standard_normal(rows), 1.2 * y + shared + rng.standard_normal(rows)


def seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def interleaved(ours, anchor, repeat: int) -> tuple[list[float], list[float]]:
    ours(), anchor()  # warm-up: imports, first-touch of memory
    ours_s, anchor_s = [], []
    for _ in range(repeat):
        ours_s.append(seconds(ours))
        anchor_s.append(seconds(anchor))
    return ours_s, anchor_s


def quartiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        return samples[0], samples[0], samples[0]
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return median, q1, q3


def shown(samples: list[float]) -> str:
    median, q1, q3 = quartiles(samples)
    unit, scale = ("s", 1) if median >= 10 else ("ms", 1000)
    return f"{median * scale:9.1f} [{q1 * scale:.1f}-{q3 * scale:.1f}] {unit}"


def measure(rows: int, repeat: int, resamples: int) -> list[tuple]:
    y, a, b = two_models(rows)
    labels_a, labels_b = (a > 0.8).astype(int), (b > 0.8).astype(int)
    losses_a, losses_b = (a - y) ** 2, (b - y) ** 2
    table = []
    ours, anchor = interleaved(lambda: delong(y, a, b), lambda: roc_auc_score(y, a), repeat)
    table.append(("DeLong (2 models)", rows, ours, "roc_auc_score (1 model)", anchor))
    ours, anchor = interleaved(lambda: mcnemar(y, labels_a, labels_b), lambda: accuracy_score(y, labels_a), repeat)
    table.append(("McNemar (2 models)", rows, ours, "accuracy_score (1 model)", anchor))
    ours, anchor = interleaved(lambda: paired_losses(losses_a, losses_b),
                               lambda: scipy_stats.ttest_rel(losses_b, losses_a), repeat)
    table.append(("paired t on losses", rows, ours, "scipy ttest_rel", anchor))
    # a few runs of `resamples` resamples, each scaled to the default 2000
    runs = max(3, repeat // 5)
    ours, anchor = interleaved(lambda: paired_bootstrap(roc_auc_score, y, a, b, n_resamples=resamples),
                               lambda: roc_auc_score(y, a), runs)
    per_default = [s / (resamples + 1) * DEFAULT_RESAMPLES for s in ours]
    table.append((f"bootstrap AUC, {DEFAULT_RESAMPLES} resamples (est.)", rows, per_default,
                  "roc_auc_score (1 model)", anchor))
    # average precision: the vectorised bootstrap, estimated the same way (blocks of resamples)
    block = 40
    ours, anchor = interleaved(lambda: paired_bootstrap_average_precision(y, a, b, n_resamples=block),
                               lambda: average_precision_score(y, a), runs)
    per_default = [s / (block + 1) * DEFAULT_RESAMPLES for s in ours]
    table.append((f"vectorised AP bootstrap, {DEFAULT_RESAMPLES} (est.)", rows, per_default,
                  "average_precision_score (1 model)", anchor))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--resamples", type=int, default=3, help="resamples per bootstrap run (estimate)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# nbalign paired tests: Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {time.strftime('%Y-%m-%d')}; medians [q1-q3]")
    rows_out = []
    for size in sizes:
        print(f"  measuring {size:,} rows...", file=sys.stderr, flush=True)
        rows_out.extend(measure(size, args.repeat, args.resamples))
    print(f"{'test':<38} | {'rows':>9} | {'time':>28} | {'anchor':<24} | {'anchor time':>28} | ratio")
    for name, rows, ours, anchor_name, anchor in rows_out:
        ratio = quartiles(ours)[0] / quartiles(anchor)[0]
        print(f"{name:<38} | {rows:>9,} | {shown(ours):>28} | {anchor_name:<24} | {shown(anchor):>28} | {ratio:6.2f}")


if __name__ == "__main__":
    main()
