"""`make bench` in a smoke run: every part of the benchmark runs, so it never rots. No figure is asserted:
only that every figure is there, in its shape (a median, its IQR and a ratio to an anchor)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench import SCRIPTS  # noqa: E402
from benchmarks.common import Grid, Headline, Table, from_json, to_json  # noqa: E402

pytestmark = pytest.mark.kernel  # the benchmarks run cells in real kernels

TIME_HEADER = "| what | median (IQR q1 to q3) | ratio to the anchor |"
TIME_ROW = re.compile(r"^\| .+ \| [\d,.]+ (s|ms|µs) \(IQR [\d,.]+ to [\d,.]+\) \| [\d,.]+x \|$")
GOALS = ["100x cheaper than MLflow", "`%evaluate` within 10% of the bare metric call", "`import nbalign` lighter",
         "Autolog adds nothing measurable", "hooks add to every cell", "`nbalign.plot()` at", "by chance at most 5%",
         "A fitted GridSearchCV scored in one line", "A store another kernel holds locked",
         "Recording flat on real histories", "10x cheaper than MLflow's run at every history size",
         "recorded in a row at least 10x cheaper", "`%load_ext` in a fresh kernel",
         "`%evaluate` with average precision within 3x", "`%evaluate` with the churn objective within 2x",
         "Kept predictions: at most 50 KB", "the whole cell within 10% of the cell without nbalign"]


def markdown_tables(text: str) -> list[list[str]]:
    """Every markdown table of the text, as its lines (header, separator, rows)."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_the_benchmark_writes_every_section_in_a_smoke_run(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--smoke", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# nbalign benchmarks\n\n") and "Measured " in text.split("## ")[0]
    assert "failed" not in text

    # the headlines come first, after the header: each goal with its figure and whether it is met
    sections = text.split("\n## ")
    assert sections[1].startswith("Headlines\n")
    headlines = markdown_tables(sections[1])[0]
    assert headlines[0] == "| goal | this run | met? |"
    for goal in GOALS:
        assert any(goal in row for row in headlines[2:]), goal
    for row in headlines[2:]:
        assert re.search(r"\| (met|missed|no number set|not measured)[^|]* \|$", row), row

    # every script of benchmarks/ has its section, named after it, with its figures in tables
    scripts = {p.name for p in (ROOT / "benchmarks").glob("*.py")} - {"bench.py", "common.py", "histories.py"}
    assert {script for script, _ in SCRIPTS} == scripts
    for script, title in SCRIPTS:
        section = next((s for s in sections if s.startswith(f"{title} (`benchmarks/{script}`)\n")), None)
        assert section is not None, script
        assert markdown_tables(section), f"{script}: no table"

    # every table of times gives each row a median, an IQR and a ratio; every other table is whole
    tables = markdown_tables("\n## ".join(sections[2:]))
    assert sum(table[0] == TIME_HEADER for table in tables) >= 20
    for table in tables:
        assert re.fullmatch(r"\|(---\|)+", table[1]), table[:2]
        for row in table[2:]:
            if table[0] == TIME_HEADER:
                assert TIME_ROW.match(row), row
            else:
                assert row.count(" | ") == table[0].count(" | "), row
    assert text.count("(anchor) |") == sum(table[0] == TIME_HEADER for table in tables)  # one anchor each


def test_a_table_shows_the_median_its_spread_and_the_ratio_to_its_anchor():
    table = Table("two arms", "anchor arm", {"anchor arm": [0.010, 0.011, 0.012, 0.013, 0.014],
                                             "other arm": [0.0001, 0.0002, 0.0003, 0.0004, 0.0005]})
    assert table.markdown().splitlines()[2:] == [
        TIME_HEADER, "|---|---|---|",
        "| anchor arm (anchor) | 12.0 ms (IQR 11.0 to 13.0) | 1.00x |",
        "| other arm | 300 µs (IQR 200 to 400) | 0.0250x |",
    ]
    assert "0.0250x the anchor" in table.text()
    figures = [table, Grid("sizes", ["a", "b"], [["1", "2"]], ["a note"]), Headline("goal", "figure", "met")]
    assert from_json(to_json(figures)) == figures
