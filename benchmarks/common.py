"""What every benchmark script measures with, and the one shape its figures take.

The machine is shared and noisy, so arms are interleaved (A, B, A, B ...) and figures are quoted
as medians with the interquartile range, and as ratios to an anchor measured in the same run.

A script yields its figures, and :func:`show` prints them as they come:

- :class:`Table`: times. Each row is a name and its samples in seconds; one row is the anchor.
  Shown as ``what | median (IQR q1 to q3) | ratio to the anchor``.
- :class:`Grid`: figures that are not times (sizes, rates with their intervals), as given.
- :class:`Headline`: a goal of the issue, the figure that answers it, and whether it is met.

Text on the terminal by default, markdown with ``--markdown`` (as RESULTS.md shows them), or JSON
with ``--json``: how ``bench.py`` gets every script's figures, headlines included.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

# ------------------------------------------------------------------ measuring


def progress(text: str) -> None:
    """One line on stderr, rewritten in place: what is being measured now."""
    sys.stderr.write(f"\r{text[:110]:<110}")
    sys.stderr.flush()


def in_turns(arms: dict[str, Callable[[], float]], repeat: int, what: str = "",
             warmup: bool = True) -> dict[str, list[float]]:
    """Each arm's seconds over ``repeat`` rounds, the arms taking turns within a round; each arm
    returns the seconds it measured itself (what it sets up or tears down is left out).

    A first round, not counted, warms up what a first call pays once (imports, caches, memory).
    """
    if warmup:
        for run in arms.values():
            run()
    times: dict[str, list[float]] = {name: [] for name in arms}
    for round_ in range(repeat):
        progress(f"{Path(sys.argv[0]).stem}: {what or ', '.join(arms)}, round {round_ + 1} of {repeat}")
        for name, run in arms.items():
            times[name].append(run())
    return times


def interleaved(arms: dict[str, Callable[[], object]], repeat: int, what: str = "",
                warmup: bool = True) -> dict[str, list[float]]:
    """Each arm's seconds over ``repeat`` rounds, the arms taking turns: the wall-clock time of each call."""
    return in_turns({name: _timed(run) for name, run in arms.items()}, repeat, what, warmup)


def _timed(run: Callable[[], object]) -> Callable[[], float]:
    def seconds() -> float:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    return seconds


def spread(seconds: list[float]) -> tuple[float, float, float]:
    """``(q1, median, q3)`` of the samples (all three the one value for a single sample)."""
    if len(seconds) < 2:
        return (seconds[0],) * 3
    q1, median, q3 = statistics.quantiles(seconds, n=4, method="inclusive")  # within the samples
    return q1, median, q3


# ------------------------------------------------------------------ the shape of a figure


def number(value: float) -> str:
    """Three significant figures, never in scientific notation: 1,234 / 12.3 / 1.23 / 0.0123."""
    if not math.isfinite(value):
        return str(value)
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


UNITS = {"s": 1.0, "ms": 1e3, "µs": 1e6}


def unit_for(seconds: float) -> str:
    return "µs" if seconds < 1e-3 else "ms" if seconds < 1 else "s"


@dataclass
class Table:
    """Times of arms measured in the same run, each against the anchor among them.

    ``rows`` maps each arm's name to its samples in seconds (in the order shown); ``anchor`` is
    the name of the row the others are divided by. ``unit`` ("s", "ms", "µs") shows every row in
    one unit; by default each row gets the unit that suits it. ``notes`` are lines shown under it.
    """

    title: str
    anchor: str
    rows: dict[str, list[float]]
    notes: list[str] = field(default_factory=list)
    unit: str | None = None

    def median(self, name: str) -> float:
        return statistics.median(self.rows[name])

    def quartiles(self, name: str) -> tuple[float, float, float]:
        return spread(self.rows[name])

    def ratio(self, name: str) -> float:
        """The row's median over the anchor's."""
        base = self.median(self.anchor)
        return self.median(name) / base if base else math.nan

    def time(self, name: str) -> str:
        """The row's median with its unit, e.g. ``12.3 ms``."""
        unit = self.unit or unit_for(self.median(name))
        return f"{number(self.median(name) * UNITS[unit])} {unit}"

    def cells(self, name: str) -> tuple[str, str, str]:
        """``(what, median (IQR q1 to q3), ratio)`` of one row, as shown."""
        q1, median, q3 = self.quartiles(name)
        unit = self.unit or unit_for(median)
        scale = UNITS[unit]
        return (f"{name} (anchor)" if name == self.anchor else name,
                f"{number(median * scale)} {unit} (IQR {number(q1 * scale)} to {number(q3 * scale)})",
                f"{number(self.ratio(name))}x")

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| what | median (IQR q1 to q3) | ratio to the anchor |", "|---|---|---|"]
        lines += ["| " + " | ".join(self.cells(name)) + " |" for name in self.rows]
        return "\n".join(lines + _markdown_notes(self.notes))

    def text(self) -> str:
        cells = [self.cells(name) for name in self.rows]
        wide = [max(len(c[i]) for c in cells) for i in range(2)]
        lines = [self.title]
        lines += [f"  {what:<{wide[0]}}  {time_:>{wide[1]}}  {ratio:>8} the anchor" for what, time_, ratio in cells]
        return "\n".join(lines + [f"  {note}" for note in self.notes])


@dataclass
class Grid:
    """Figures that are not times (sizes, rates with their intervals): columns and rows of text."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines + _markdown_notes(self.notes))

    def text(self) -> str:
        wide = [max(len(str(r[i])) for r in [self.columns, *self.rows]) for i in range(len(self.columns))]
        lines = [self.title] + ["  ".join(f"{cell:<{w}}" for cell, w in zip(row, wide, strict=True)).rstrip()
                                for row in [self.columns, *self.rows]]
        return "\n".join(lines + [f"  {note}" for note in self.notes])


@dataclass
class Headline:
    """A goal, the figure of this run that answers it, and whether it is met (or by how much it is
    missed); ``status`` says so in words: "met: 120x", "missed: 20x, goal 100x", "no number set"."""

    goal: str
    figure: str
    status: str

    def text(self) -> str:
        return f"Goal: {self.goal}\n  this run: {self.figure}\n  {self.status}"

    def markdown(self) -> str:
        return headlines_markdown([self])


def headlines_markdown(headlines: list[Headline]) -> str:
    lines = ["| goal | this run | met? |", "|---|---|---|"]
    return "\n".join(lines + [f"| {h.goal} | {h.figure} | {h.status} |" for h in headlines])


def at_least(ratio: float, goal: float) -> str:
    """Status of a "ratio at least ``goal``" goal."""
    return f"met: {number(ratio)}x" if ratio >= goal else f"missed: {number(ratio)}x, goal {number(goal)}x"


def _markdown_notes(notes: list[str]) -> list[str]:
    return [line for note in notes for line in ("", note)]


Figure = Table | Grid | Headline
KINDS = {kind.__name__: kind for kind in (Table, Grid, Headline)}


def to_json(figures: Iterable[Figure]) -> str:
    return json.dumps([{"kind": type(f).__name__, **asdict(f)} for f in figures], ensure_ascii=False)


def from_json(text: str) -> list[Figure]:
    return [KINDS[item.pop("kind")](**item) for item in json.loads(text)]


# ------------------------------------------------------------------ what users write


def readme_objective() -> str:
    """The churn objective of the example notebook (the README's), the cell as the user declares it."""
    notebook = json.loads((Path(__file__).resolve().parents[1] / "example_notebooks" / "churn.ipynb")
                          .read_text(encoding="utf-8"))
    return next("".join(cell["source"]) for cell in notebook["cells"]
                if cell["cell_type"] == "code" and "".join(cell["source"]).startswith("%%objective"))


# ------------------------------------------------------------------ a script's command line


def sizes(text: str) -> list[int]:
    """``"10,1000"`` -> ``[10, 1000]``: an option of several sizes."""
    return [int(n) for n in text.split(",")]


def run(doc: str, figures: Callable[[argparse.Namespace], Iterable[Figure]], options: dict,
        smoke: dict) -> None:
    """A script's main: prints what ``figures(args)`` yields.

    ``options`` are the script's own (``name: default``, or ``name: (default, help)``), on top of
    ``--smoke``, ``--markdown`` and ``--json``; ``--smoke`` puts the ``smoke`` values in their place.
    """
    arguments = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, value in options.items():
        default, help_ = value if isinstance(value, tuple) else (value, None)
        arguments.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default, help=help_)
    arguments.add_argument("--smoke", action="store_true",
                           help="tiny sizes, to check that it runs (figures mean nothing)")
    output = arguments.add_mutually_exclusive_group()
    output.add_argument("--markdown", action="store_true", help="print markdown tables, as RESULTS.md shows them")
    output.add_argument("--json", action="store_true", help="print every figure as one line of JSON (for bench.py)")
    args = arguments.parse_args()
    if args.smoke:
        vars(args).update(smoke)
    show(figures(args), args)


def show(figures: Iterable[Figure], args: argparse.Namespace) -> None:
    """Print each figure as it is measured (text, or markdown); with ``--json``, all at the end."""
    if args.json:
        figures = list(figures)
        progress("")
        sys.stderr.write("\r")
        print(to_json(figures))
        return
    for figure in figures:
        progress("")
        sys.stderr.write("\r")
        print((figure.markdown() if args.markdown else figure.text()) + "\n", flush=True)
