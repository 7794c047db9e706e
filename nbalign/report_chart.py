"""The report's chart: every evaluation's score in order, placed in Python for an inline SVG.

A report is a file read anywhere, printed and mailed on, so no script runs in it: this module
computes where each mark goes, and the template (``templates/report.html.j2``) writes the SVG,
escaping every name. It draws the decision record's ``points`` (each row's score, role, whether
it is set apart, the best so far after it), the baseline and target lines, the best-so-far step,
each row's interval where the record's view of the row has one, and names the best and the model
shipped (or, before anything is shipped, the model to ship). Like the sidebar's chart
(``labextension/src/chart.tsx``) it judges nothing: tones, rows set apart, the best, the best so
far and the model to ship are the record's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .format import DASH, MINUS, format_score

WIDTH, HEIGHT = 720, 300
TOP, RIGHT = 14, 104  # the right margin holds the baseline's and the target's labels
PLOT_HEIGHT = 230
CHAR = 6.0  # about the width of a character at the chart's 11px, to keep labels apart and inside
NAMED_UP_TO = 16  # beyond this many evaluations the x axis counts them instead of naming them
NAME_LENGTH = 18


@dataclass(frozen=True)
class Point:
    """One evaluation's mark: where, how (``kind``: model, baseline or apart: the last two hollow),
    its tone (the record's verdict colour), and its hover text."""

    x: float
    y: float
    name: str
    kind: str
    tone: str
    title: str
    best: bool = False
    marked: bool = False  # shipped (or, before a ship, the model to ship)


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"
    rotate: bool = False


@dataclass(frozen=True)
class Line:
    """A horizontal reference line across the plot, labelled in the right margin."""

    kind: str  # "baseline" or "target"
    y: float
    label: Label


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    description: str
    y_title: str
    x_title: str
    ticks: list[Label] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    intervals: list[tuple[float, float, float, str]] = field(default_factory=list)  # x, top, bottom, tone
    best_path: str | None = None
    points: list[Point] = field(default_factory=list)
    names: list[Label] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (key class, words)


def chart(record: dict) -> Chart | None:
    """The chart of a decision record's evaluations; None when none has a score on its metric."""
    standing = record["standing"]
    summary, metric = standing["summary"], standing["objective"]["metric"]
    points = [p for p in record["points"] if p["judged"] and p["score"] is not None]
    if not points:
        return None
    rows = {r["id"]: r for r in standing["rows"]}
    baseline, target = summary["baseline"], summary["target"]
    values = [p["score"] for p in points] + [v for p in points for v in (rows.get(p["id"], {}).get("interval") or [])]
    values += [v for v in (baseline, target) if v is not None]
    low, high = _padded(min(values), max(values))
    ticks = _ticks(low, high)
    decimals = _decimals(ticks)
    tick_texts = [_axis_number(t, decimals) for t in ticks]
    left = 34 + CHAR * max(len(t) for t in tick_texts)
    right = WIDTH - RIGHT
    spacing = (right - left) / len(points)

    def x(index: int) -> float:
        return round(left + spacing * (index + 0.5), 1)

    def y(value: float) -> float:
        return round(TOP + (high - value) / (high - low) * PLOT_HEIGHT, 1)

    bottom = TOP + PLOT_HEIGHT
    named = len(points) <= NAMED_UP_TO
    short = [_short(p["name"]) for p in points]
    rotate = named and max(len(s) for s in short) * CHAR > spacing - 6
    x_labels = ([Label(x(i), bottom + 14, text, "end" if rotate else "middle", rotate) for i, text in enumerate(short)]
                if named else [Label(x(i), bottom + 14, str(i + 1), "middle")
                               for i in range(0, len(points), math.ceil(len(points) / NAMED_UP_TO))])
    depth = (max(len(s) for s in short) * CHAR * 0.5 + 12) if rotate else 14
    height = math.ceil(bottom + depth + 30)

    shipped = record.get("shipped")
    marked_id, marked_word = _marked(summary, shipped)
    best_id = None if summary["best"] is None else summary["best"]["id"]
    drawn = []
    for i, p in enumerate(points):
        row = rows.get(p["id"], {})
        kind = "baseline" if p["role"] == "baseline" else "apart" if p["apart"] else "model"
        title = f"{p['name']}: {metric['label']} {format_score(p['score'])}" + (f" · {row['word']}" if row else "")
        drawn.append(Point(x(i), y(p["score"]), p["name"], kind, row.get("tone", "neutral"), title,
                           p["id"] == best_id, p["id"] == marked_id))
    intervals = [(x(i), y(iv[1]), y(iv[0]), rows[p["id"]].get("tone", "neutral")) for i, p in enumerate(points)
                 if (iv := rows.get(p["id"], {}).get("interval"))]
    steps = [(x(i), y(p["best_so_far"])) for i, p in enumerate(points)
             if p["role"] == "model" and not p["apart"] and p["best_so_far"] is not None]
    path = None if len(steps) < 2 else f"M{steps[0][0]} {steps[0][1]}" + "".join(f"H{sx}V{sy}" for sx, sy in steps[1:])

    direction = "higher is better" if metric["greater_is_better"] else "lower is better"
    return Chart(
        width=WIDTH, height=height, left=left, right=right, top=TOP, bottom=bottom,
        description=_description(metric, drawn, baseline, target, marked_word),
        y_title=f"{metric['label']} ({direction})",
        x_title="evaluations, in order" if named else "evaluations, in order (numbered)",
        ticks=[Label(left - 6, y(t), text, "end") for t, text in zip(ticks, tick_texts, strict=True)],
        x_labels=x_labels, lines=_lines(baseline, target, y, right), intervals=intervals, best_path=path,
        points=drawn, names=_names(drawn, marked_word, left, right),
        legend=_legend(drawn, intervals, path, standing["summary"]["confidence"]),
    )


def _marked(summary: dict, shipped: dict | None) -> tuple[int | None, str]:
    """The row the chart names beside the best: the model shipped, found in the standing by the
    record (``bar.record_id``); before anything is shipped, the model the judge would ship."""
    if shipped is not None:
        bar = shipped.get("bar")
        return (None if bar is None else bar["record_id"]), "shipped"
    return (None if summary["ship"] is None else summary["ship"]["id"]), "to ship"


def _names(points: list[Point], marked_word: str, left: float, right: float) -> list[Label]:
    """"best, shipped: logistic" beside its point: above it, towards the middle of the plot; a
    second name that would cover the first goes below its point."""
    labels: list[Label] = []
    for p in points:
        roles = [w for w, on in (("best", p.best), (marked_word, p.marked)) if on]
        if not roles:
            continue
        text = f"{', '.join(roles)}: {_short(p.name, 32)}"
        width = len(text) * CHAR
        anchor, at = ("start", p.x + 8) if p.x + 8 + width <= right or p.x < (left + right) / 2 else ("end", p.x - 8)
        y = p.y - 10
        if any(abs(y - other.y) < 12 and _overlap(at, width, anchor, other) for other in labels) or y < TOP + 4:
            y = p.y + 18
        labels.append(Label(at, y, text, anchor))
    return labels


def _overlap(at: float, width: float, anchor: str, other: Label) -> bool:
    start = at if anchor == "start" else at - width
    other_width = len(other.text) * CHAR
    other_start = other.x if other.anchor == "start" else other.x - other_width
    return start < other_start + other_width and other_start < start + width


def _lines(baseline: float | None, target: float | None, y, right: float) -> list[Line]:
    """The baseline and target lines; their labels in the right margin, kept a line of text apart."""
    lines = [(kind, value) for kind, value in (("target", target), ("baseline", baseline)) if value is not None]
    placed: list[Line] = []
    for kind, value in lines:
        at = y(value) + 4
        if placed and abs(at - placed[0].label.y) < 13:
            at = placed[0].label.y + (13 if y(value) >= placed[0].y else -13)
        placed.append(Line(kind, y(value), Label(right + 6, round(at, 1), f"{kind} {format_score(value)}")))
    return placed


def _legend(points: list[Point], intervals: list, path: str | None, confidence: float) -> list[tuple[str, str]]:
    legend = [("model", "model, in its verdict's colour")]
    if any(p.kind != "model" for p in points):
        legend.append(("hollow", "baseline model or set apart"))
    if path:
        legend.append(("best", "best so far"))
    if intervals:
        from .format import format_level

        legend.append(("interval", f"{format_level(confidence)} interval of the score"))
    return legend


def _description(metric: dict, points: list[Point], baseline, target, marked_word: str) -> str:
    """The chart in one sentence, for a screen reader and for the Markdown form."""
    text = f"{metric['label']} of {len(points)} {'evaluation' if len(points) == 1 else 'evaluations'} in order"
    if baseline is not None:
        text += f", baseline {format_score(baseline)}"
    if target is not None:
        text += f", target {format_score(target)}"
    marked = next((p for p in points if p.marked), None)
    if marked is not None:
        text += f", {marked_word} {marked.name}"
    return text


def _padded(low: float, high: float) -> tuple[float, float]:
    if high - low < 1e-12:
        half = abs(low) * 0.05 or 0.05
        return low - half, high + half
    margin = (high - low) * 0.08
    return low - margin, high + margin


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round ticks inside [low, high], a step of 1, 2, 2.5 or 5 times a power of ten, as near
    ``count`` of them as those steps allow."""
    power = 10 ** math.floor(math.log10((high - low) / count))
    best: list[float] = []
    for step in (m * power for m in (1, 2, 2.5, 5, 10)):
        ticks = [round(k * step, 12) for k in range(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1)]
        if ticks and (not best or abs(len(ticks) - count) < abs(len(best) - count)):
            best = ticks
    return best


def _decimals(ticks: list[float]) -> int:
    """One number of decimals for every tick: as many as their step needs."""
    if len(ticks) < 2:
        return 3
    step = ticks[1] - ticks[0]
    exponent = math.floor(math.log10(step) + 1e-9)
    quarter = round(step / 10**exponent, 6) == 2.5  # 0.25 needs a decimal more than 0.2
    return max(0, -exponent + quarter)


def _axis_number(value: float, decimals: int) -> str:
    if not math.isfinite(value):
        return DASH
    text = f"{abs(value):,.{decimals}f}"
    return MINUS + text if value < 0 and text.strip("0.,") else text


def _short(name: str, limit: int = NAME_LENGTH) -> str:
    one_line = " ".join(str(name).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
