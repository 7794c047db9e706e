"""What importing nbalign costs, beside importing MLflow and the libraries it stands on.

1. A whole fresh process that runs ``import nbalign``, against one that runs ``import mlflow`` and
   the anchor ``python -c pass`` (the interpreter alone): what a user waits for.
2. The import alone, as ``python -X importtime`` reports it (the cumulative time of the top-level
   package, so the interpreter's own start-up is left out), beside the libraries nbalign uses and
   MLflow; the anchor is nbalign.

Each round starts every process once, in turns; medians with the interquartile range; nothing
passes or fails.

    .venv/bin/python benchmarks/import_time.py [--repeat 15] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import Headline, Table, in_turns, interleaved, run  # noqa: E402

MODULES = ["nbalign", "yaml", "IPython", "sklearn", "pandas", "matplotlib.pyplot", "mlflow"]


def has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def process(code: str):
    """A fresh interpreter that runs ``code`` (nbalign from this working tree)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return lambda: subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def cumulative_seconds(module: str) -> float:
    """``python -X importtime``'s cumulative time of the module's top-level package."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], check=True,
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    top = module.split(".")[0]
    for line in run.stderr.splitlines():
        # "import time: self [us] | cumulative | imported package"
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == top:
            return int(parts[1]) / 1e6
    raise RuntimeError(f"python -X importtime did not report {top}")


def figures(args):
    arms = {"python -c pass": process("pass"), "import nbalign": process("import nbalign")}
    if has("mlflow"):
        arms["import mlflow"] = process("import mlflow")
    whole = Table("A whole process that imports the package", "python -c pass",
                  interleaved(arms, args.repeat, "a whole process that imports the package"))
    yield whole
    if "import mlflow" in whole.rows:
        lighter = whole.median("import mlflow") / whole.median("import nbalign")
        yield Headline("`import nbalign` lighter than `import mlflow`",
                       f"a whole process: {whole.time('import nbalign')} against {whole.time('import mlflow')} "
                       f"(the interpreter alone: {whole.time('python -c pass')})",
                       f"met: {lighter:.1f}x lighter" if lighter > 1 else f"missed: {1 / lighter:.1f}x heavier")
    else:
        yield Headline("`import nbalign` lighter than `import mlflow`",
                       f"`import nbalign`: {whole.time('import nbalign')}",
                       "not measured: MLflow is not installed here (`make bench` installs it)")

    modules = [m for m in (MODULES[:2] if args.smoke else MODULES) if has(m.split(".")[0])]
    samples = in_turns({m: lambda m=m: cumulative_seconds(m) for m in modules}, args.repeat,
                       "python -X importtime", warmup=False)
    yield Table("The import alone (`python -X importtime`, cumulative)", "nbalign", samples)

if __name__ == "__main__":
    run(__doc__, figures, {"repeat": 15}, smoke={"repeat": 1})
