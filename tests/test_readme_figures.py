"""Every figure the README quotes is one `make bench` wrote in `benchmarks/RESULTS.md`.

The README quotes the benchmarks between the markers ``<!-- figures: benchmarks/RESULTS.md -->``
and ``<!-- end of figures -->``; each figure there (a number with its unit: ``2.9 ms``, ``0.82 s``,
``41.5 KB``, ``12.3x``, ``+6.8%``) must appear in RESULTS.md as it is written, so a figure cannot
be rounded into a claim, carried over from an earlier run, or made up."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- figures: benchmarks/RESULTS.md -->", "<!-- end of figures -->"
# a number (with thousands separators and a sign, maybe) and the unit right after it
FIGURE = re.compile(r"(?<![\w.,])[+−-]?\d[\d,]*(?:\.\d+)?(?:\s?(?:ms|µs|s|KB|MB|GB|B)\b|x\b|%)")


def quoted(readme: str) -> list[str]:
    sections = re.findall(re.escape(START) + r"(.*?)" + re.escape(END), readme, flags=re.S)
    return [figure for section in sections for figure in FIGURE.findall(section)]


def test_every_figure_the_readme_quotes_is_in_the_results():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    figures = quoted(readme)
    assert len(figures) >= 10, "the README quotes the benchmarks between its figure markers"
    written = set(FIGURE.findall(results))
    missing = [figure for figure in figures if figure not in written]
    assert not missing, f"figures in the README that benchmarks/RESULTS.md does not hold: {missing}"


def test_a_figure_rounded_or_made_up_is_found():
    results = "| Session.record | 2.93 ms (IQR 2.81 to 3.10) | 0.118x |\n| import nbalign | 177 ms |"
    readme = f"{START}\nrecording took 2.93 ms, **8.5x cheaper**; import 177 ms, +6.8% and 1,234 KB\n{END}"
    written = set(FIGURE.findall(results))
    assert [f for f in quoted(readme) if f not in written] == ["8.5x", "+6.8%", "1,234 KB"]
    assert quoted("2.93 ms outside the markers") == []
