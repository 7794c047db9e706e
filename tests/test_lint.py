"""The code meets the project's rules: ruff's ([tool.ruff] in pyproject.toml) on nbalign/, tests/
and benchmarks/, and mypy's ([tool.mypy]) on nbalign/, each at zero findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess:
    # from the checkout, whatever folder the test runs in: the tools read pyproject.toml there
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    done = _run("ruff", "check", "nbalign", "tests", "benchmarks")
    assert done.returncode == 0, f"ruff check nbalign tests benchmarks:\n{done.stdout}{done.stderr}"


def test_mypy_finds_nothing():
    done = _run("mypy", "nbalign")
    assert done.returncode == 0, f"mypy nbalign:\n{done.stdout}{done.stderr}"
