"""`make bench` in a smoke run: every part of the benchmark runs, so it never rots. No figure is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_writes_its_results_in_a_smoke_run(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--smoke", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# nbalign benchmarks\n\nMeasured ")
    for section in ("A whole process that imports the package", "Recording one evaluation",
                    "What autolog adds to roc_auc_score", "Recording and restoring as the history grows",
                    "What %evaluate costs beyond its metric", "nbalign.plot() beside a bare matplotlib chart"):
        assert f"### {section}" in text, section
    assert "| import nbalign |" in text and "(anchor)" in text
