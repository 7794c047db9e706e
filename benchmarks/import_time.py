"""Import time of nbalign beside its anchors, measured the same way in one run.

Each import runs in a fresh interpreter, N times; the figure is the median of
``python -X importtime``'s cumulative time for the top-level package (microseconds), so the
interpreter's own start-up is left out. Prints a table with ratios; nothing passes or fails.

    .venv/bin/python benchmarks/import_time.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys

MODULES = ["nbalign", "yaml", "IPython", "sklearn", "pandas", "matplotlib.pyplot", "mlflow"]


def cumulative_us(module: str) -> int | None:
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return None
    top = module.split(".")[0]
    for line in run.stderr.splitlines():
        # "import time: self [us] | cumulative | imported package"
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == top:
            return int(parts[1])
    return None


def main(repeat: int = 7) -> None:
    results = {}
    for module in MODULES:
        samples = [cumulative_us(module) for _ in range(repeat)]
        if None in samples:
            continue
        results[module] = statistics.median(samples)
    reference = results["nbalign"]
    print(f"import time, median of {repeat} fresh interpreters (python -X importtime, cumulative)")
    print(f"{'module':<20}{'ms':>10}{'x nbalign':>12}")
    for module, us in results.items():
        print(f"{module:<20}{us / 1000:>10.1f}{us / reference:>12.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
