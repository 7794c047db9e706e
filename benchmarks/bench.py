"""`make bench`: every figure behind "fast", beside its anchor measured in the same run.

Runs every script of ``benchmarks/`` (each in a process of its own, with ``--json``) and writes
``benchmarks/RESULTS.md``: the machine, the versions and the date at the top; then the headlines,
each goal with the figure of this run that answers it and whether it is met; then each script's
figures as markdown tables: for each arm the median, the spread (interquartile range) and the
ratio to its anchor, measured in the same run. Arms are repeated and interleaved (A, B, A, B ...),
because the machine is shared and noisy. Nothing passes or fails: no figure is asserted anywhere.

MLflow, the anchor of several figures, is installed by ``make bench`` into the environment (never a
dependency of nbalign); without it those figures say they were not measured.

    .venv/bin/python benchmarks/bench.py [--smoke] [--out PATH]

``--smoke`` runs every script at tiny sizes (``tests/test_bench.py`` does, in ``make test``): the
figures then mean nothing, but nothing rots.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import Headline, from_json, headlines_markdown, progress  # noqa: E402

# Each script and the section of RESULTS.md it writes, in the order shown.
SCRIPTS = [
    ("record_cost.py", "Recording one evaluation: beside MLflow, its parts, as the history grows, restoring"),
    ("evaluate_cost.py", "What %evaluate costs beyond its metric, and its parts"),
    ("import_time.py", "Importing nbalign"),
    ("autolog_cost.py", "What autolog adds, beside mlflow.sklearn.autolog"),
    ("search_cell.py", "A fitted search scored in one line, with a value matrix, in fresh kernels"),
    ("locked_store.py", "%evaluate while another kernel holds the store locked"),
    ("plot_cost.py", "nbalign.plot() beside a bare matplotlib chart"),
    ("business_cost.py", "What the business figures add"),
    ("paired_tests.py", "Paired tests against a bootstrap"),
    ("predictions_cost.py", "Keeping predictions"),
    ("fingerprint.py", "The data fingerprint and the fit identity"),
    ("calibration.py", "How often a verdict says 'better' by chance"),
]


def run(script: str, smoke: bool) -> list | str:
    """The script's figures, or why there are none. Its progress and errors go to our stderr."""
    command = [sys.executable, str(ROOT / "benchmarks" / script), "--json", *(["--smoke"] if smoke else [])]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode != 0:
        return f"`{script}` failed (exit status {done.returncode}); its error is on `bench.py`'s stderr."
    return from_json(done.stdout.strip().splitlines()[-1])


def header(minutes: float, smoke: bool) -> str:
    import numpy
    import sklearn

    import nbalign

    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT)
    versions = [f"Python {platform.python_version()}",
                f"nbalign {nbalign.__version__}" + (f" ({commit.stdout.strip()})" if commit.returncode == 0 else ""),
                f"scikit-learn {sklearn.__version__}", f"numpy {numpy.__version__}"]
    try:
        import mlflow

        versions.append(f"MLflow {mlflow.__version__}")
    except ImportError:
        versions.append("MLflow not installed (`make bench` installs it)")
    return ("# nbalign benchmarks\n\n"
            + ("**A smoke run: tiny sizes, the figures mean nothing.**\n\n" if smoke else "")
            + f"Measured {datetime.date.today().isoformat()} on {platform.machine()} ({os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}) in {minutes:.1f} minutes: {', '.join(versions)}. "
            "Medians of interleaved repeats, with the interquartile range, and ratios to an anchor measured "
            "in the same run; the machine is shared, so the ratios are the figures to read. Written by "
            "`make bench` (`benchmarks/bench.py`); each section names the script that measures it, which "
            "also runs on its own (`--markdown` prints its tables as here).\n")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--smoke", action="store_true", help="every script at tiny sizes, to check that all runs")
    arguments.add_argument("--out", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    args = arguments.parse_args()
    start = time.perf_counter()
    headlines, sections, failed = [], [], False
    for i, (script, title) in enumerate(SCRIPTS, start=1):
        progress(f"bench: {script} ({i} of {len(SCRIPTS)})")
        figures = run(script, args.smoke)
        failed |= isinstance(figures, str)
        body = [figures] if isinstance(figures, str) else [f.markdown() for f in figures if not isinstance(f, Headline)]
        headlines += [] if isinstance(figures, str) else [f for f in figures if isinstance(f, Headline)]
        sections.append(f"## {title} (`benchmarks/{script}`)\n\n" + "\n\n".join(body) + "\n")
    text = "\n".join([header((time.perf_counter() - start) / 60, args.smoke), "## Headlines\n",
                      headlines_markdown(headlines) + "\n", *sections])
    Path(args.out).write_text(text, encoding="utf-8")
    progress("")
    sys.stderr.write(f"\rbench: wrote {args.out}" + (" (some scripts failed)" if failed else "") + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
