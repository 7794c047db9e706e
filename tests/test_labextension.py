"""The sidebar's own tests (TypeScript, node's test runner), run from the one pytest suite.

They include the replay: random sequences of operations played on a real Session generate the
messages the sidebar receives, and the TypeScript model must hold the kernel's standing after
every step.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from replay import generate

LABEXTENSION = Path(__file__).resolve().parents[1] / "labextension"


def test_sidebar_unit_tests_and_the_replay_of_random_sequences_pass(tmp_path):
    bin_dir = str(Path(sys.executable).parent)  # jlpm comes with jupyterlab, in this environment
    replay = tmp_path / "replay.json"
    sequences = generate(range(30), n_steps=30)
    replay.write_text(json.dumps(sequences), encoding="utf-8")
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "NBALIGN_REPLAY": str(replay)}
    jlpm = shutil.which("jlpm", path=env["PATH"])
    assert jlpm, "jlpm (from jupyterlab) is not installed in this environment"
    if not (LABEXTENSION / "node_modules").exists():
        pytest.fail("labextension/node_modules is missing: run `make test` (it installs and builds the sidebar)")
    run = subprocess.run([jlpm, "test"], cwd=LABEXTENSION, capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "# fail 0" in run.stdout, run.stdout[-2000:]
    steps = sum(len(s["steps"]) for s in sequences["sequences"])
    assert f"replayed {steps} steps" in run.stdout, "the replay test did not read the generated file"
    ops = {step["op"].split()[0] for s in sequences["sequences"] for step in s["steps"]}
    assert {"record", "update", "objective", "new", "baseline", "metric", "restart", "reload"} <= ops
