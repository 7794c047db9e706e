"""The sidebar's own tests (TypeScript, node's test runner), run from the one pytest suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LABEXTENSION = Path(__file__).resolve().parents[1] / "labextension"


def test_sidebar_unit_tests_pass():
    bin_dir = str(Path(sys.executable).parent)  # jlpm comes with jupyterlab, in this environment
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    jlpm = shutil.which("jlpm", path=env["PATH"])
    assert jlpm, "jlpm (from jupyterlab) is not installed in this environment"
    if not (LABEXTENSION / "node_modules").exists():
        pytest.fail("labextension/node_modules is missing: run `make test` (it installs and builds the sidebar)")
    run = subprocess.run([jlpm, "test"], cwd=LABEXTENSION, capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "# fail 0" in run.stdout, run.stdout[-2000:]
