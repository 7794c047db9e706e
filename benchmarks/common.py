"""What every benchmark script measures with: arms taken in turns, and the median with its spread.

The machine is shared and noisy, so arms are interleaved (A, B, A, B ...) and figures are quoted
as medians with the interquartile range, and as ratios to an anchor measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved(arms: dict[str, Callable[[], object]], repeat: int,
                progress: Callable[[int], None] | None = None) -> dict[str, list[float]]:
    """Each arm's seconds over ``repeat`` rounds, the arms taking turns within a round."""
    times: dict[str, list[float]] = {name: [] for name in arms}
    for round_ in range(repeat):
        if progress is not None:
            progress(round_)
        for name, run in arms.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def spread(seconds: list[float]) -> tuple[float, float, float]:
    """``(q1, median, q3)`` of the samples (all three the one value for a single sample)."""
    if len(seconds) < 2:
        return (seconds[0],) * 3
    q1, median, q3 = statistics.quantiles(seconds, n=4)
    return q1, statistics.median(seconds), q3
