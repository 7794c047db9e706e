"""The live progress panel: what the sidebar shows, as an ipywidget in the notebook itself.

``%nbalign panel`` (``nbalign.panel()``) displays a :class:`Panel`: the objective in one sentence,
metric progress from baseline to target and KPI progress from its current value to its target,
the best model, the latest banner, and a small chart of the evaluations with their intervals,
the baseline and target lines and the best-so-far line. It renders the standing the sidebar
receives (:meth:`Session.message <nbalign.session.Session.message>`), never a second judgement,
and re-renders whenever the session publishes a new one, so every panel of the notebook stays in
step with the others and with the sidebar. Where widgets do not render (plain IPython, a
terminal) it shows as one line of text.

Every name, label and message is escaped.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from .format import format_percent, format_score

_MUTED = "var(--jp-ui-font-color2, #616161)"
_TEXT = "var(--jp-ui-font-color1, #212121)"
_BORDER = "var(--jp-border-color2, #e0e0e0)"
_TONES = {"good": "var(--jp-success-color1, #388e3c)", "bad": "var(--jp-error-color1, #d32f2f)",
          "neutral": "var(--jp-brand-color1, #1976d2)"}
_APART = ("baseline", "training_data", "other_test_set", "cross_validation", "other_metric")


class Panel:
    """A live view of the session's standing; ``close()`` stops following it."""

    def __init__(self, session):
        import ipywidgets

        self.session = session
        self.widget = ipywidgets.HTML(value=panel_html(session.message()))
        self.widget.add_class("nbalign-panel")
        session.subscribe(self._changed)

    def _changed(self, kind: str, message: dict) -> None:
        if kind == "standing":
            self.widget.value = panel_html(message)

    def close(self) -> None:
        self.session.unsubscribe(self._changed)
        self.widget.close()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/plain"] = panel_text(self.session.message())
        return bundle


def panel_text(message: dict) -> str:
    """The panel in one line, where widgets do not render."""
    standing = message.get("standing")
    if standing is None:
        return "nbalign: no objective yet. Declare one in a `%%objective <name>` cell."
    summary, objective = standing["summary"], standing["objective"]
    text = f"nbalign {objective['name']}: {objective['metric']['label']}"
    best = summary.get("best")
    if best is not None:
        text += f", best {format_score(best['score'])} ({best['name']})"
    if summary.get("progress") is not None:
        text += f", {format_percent(summary['progress'])} of the way to the target {format_score(summary['target'])}"
    kpi = (summary.get("business") or {}).get("kpi")
    if kpi is not None:
        text += f"; KPI {kpi['current']} → {kpi['projected']} projected (target {kpi['target']})"
    banner = summary.get("banner")
    if banner is not None:
        text += f". {banner['code']} {banner['title']}"
    return text + "."


def panel_html(message: dict) -> str:
    """The panel as HTML: header, progress bars, best model, banner, chart."""
    standing = message.get("standing")
    style = (f"font-family: var(--jp-ui-font-family, system-ui, sans-serif); font-size: 13px; line-height: 1.45;"
             f"color:{_TEXT};border:1px solid {_BORDER};border-radius:4px;padding:8px 12px;max-width:640px")
    if standing is None:
        return (f"<div class='nbalign-panel-body' style='{style}'>No objective yet: declare one in a "
                "<code>%%objective &lt;name&gt;</code> cell.</div>")
    objective, summary = standing["objective"], standing["summary"]
    parts = [f"<div style='font-weight:600'>{escape(objective['name'])}"
             f" <span style='color:{_MUTED};font-weight:normal'>version {objective['version']}</span></div>"]
    intent = standing.get("kpi_statement") or objective.get("outcome")
    if intent:
        parts.append(f"<div data-testid='nbalign-panel-intent'>{escape(intent)}</div>")
    parts.append(_meter(objective["metric"]["label"], summary.get("progress"), summary.get("progress_interval"),
                        f"baseline {format_score(summary.get('baseline'))} · target {format_score(summary.get('target'))}",
                        "nbalign-panel-metric"))
    business = summary.get("business") or {}
    kpi = business.get("kpi")
    if kpi is not None:
        parts.append(_meter(f"KPI: {kpi['name']}", kpi.get("progress"), kpi.get("progress_interval"),
                            f"{kpi['current']} → {kpi['projected']} projected with {kpi['model']} · target {kpi['target']}",
                            "nbalign-panel-kpi"))
    value = business.get("value")
    if value is not None:
        parts.append(f"<div style='color:{_MUTED}'>{escape(value['text'])}</div>")
    best = summary.get("best")
    if best is not None:
        parts.append(f"<div data-testid='nbalign-panel-best'><span style='color:{_MUTED}'>best</span> "
                     f"<strong>{escape(best['name'])}</strong> {format_score(best['score'])} "
                     f"<span style='color:{_MUTED}'>· {summary.get('n_models', 0)} models</span></div>")
    banner = summary.get("banner")
    if banner is not None:
        parts.append(f"<div data-testid='nbalign-panel-banner' style='margin-top:4px;padding:4px 8px;border-left:4px "
                     f"solid {_TONES['bad'] if banner['level'] == 'warning' else _TONES['neutral']};"
                     f"background:var(--jp-layout-color2, #f5f5f5)'><strong>{escape(banner['title'])}</strong> "
                     f"<code style='color:{_MUTED}'>{escape(banner['code'])}</code> {escape(banner['message'])}</div>")
    parts.append(chart_svg(standing))
    return f"<div class='nbalign-panel-body' style='{style}'>{''.join(parts)}</div>"


def _meter(title: str, progress, interval, caption: str, testid: str) -> str:
    """A progress bar from 0% to 100%, its percent, its interval and a caption."""
    percent = "n/a" if progress is None else format_percent(progress)
    fill = 0 if progress is None else max(0.0, min(1.0, progress)) * 100
    spread = "" if not interval else f" <span style='color:{_MUTED}'>(95% CI {format_percent(interval[0])} to " \
                                     f"{format_percent(interval[1])})</span>"
    colour = _TONES["good"] if progress is not None and progress >= 1 else _TONES["neutral"]
    return (f"<div data-testid='{testid}' style='margin-top:6px'><div><span style='color:{_MUTED}'>{escape(title)}</span> "
            f"<strong>{percent}</strong>{spread}</div>"
            f"<div style='height:8px;border-radius:4px;background:var(--jp-layout-color3, #e0e0e0);overflow:hidden'>"
            f"<div style='height:100%;width:{fill:.1f}%;background:{colour}'></div></div>"
            f"<div style='color:{_MUTED};font-size:12px'>{escape(caption)}</div></div>")


def chart_svg(standing: dict, width: int = 560, height: int = 160) -> str:
    """Each evaluation's score with its interval, the baseline and target lines, the best so far."""
    rows = [r for r in standing["rows"] if r["verdict"] != "other_metric" and r.get("score") is not None]
    summary = standing["summary"]
    if not rows:
        return ""
    values = [r["score"] for r in rows] + [v for r in rows for v in (r.get("interval") or [])]
    values += [v for v in (summary.get("baseline"), summary.get("target")) if v is not None]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.05 or 1.0
    low, high = low - pad, high + pad
    left, right, top, bottom = 44, 8, 8, 18
    step = (width - left - right) / max(1, len(rows))

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + (high - v) / (high - low) * (height - top - bottom)

    parts = [f"<svg data-testid='nbalign-panel-chart' viewBox='0 0 {width} {height}' width='100%' "
             f"role='img' aria-label='evaluations against the baseline and target' style='margin-top:6px'>"]
    for tick in _ticks(low, high):
        parts.append(f"<text x='{left - 4}' y='{y(tick) + 4:.1f}' text-anchor='end' font-size='10' "
                     f"fill='{_MUTED}'>{escape(format_score(tick))}</text>"
                     f"<line x1='{left}' x2='{width - right}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' "
                     f"stroke='{_BORDER}' stroke-width='0.5'/>")
    for key, label, colour, dash in (("baseline", "baseline", _MUTED, "4 3"), ("target", "target", _TONES["good"], "")):
        value = summary.get(key)
        if value is not None:
            parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(value):.1f}' y2='{y(value):.1f}' "
                         f"stroke='{colour}' stroke-dasharray='{dash}'/><text x='{width - right}' "
                         f"y='{y(value) - 3:.1f}' text-anchor='end' font-size='10' fill='{colour}'>{label}</text>")
    best_points, best = [], None
    for i, row in enumerate(rows):
        if row.get("became_best"):
            best = row["score"]
        if best is not None and row["role"] == "model" and row["verdict"] not in _APART:
            best_points.append(f"{x(i) - step / 2:.1f},{y(best):.1f} {x(i) + step / 2:.1f},{y(best):.1f}")
    if best_points:
        parts.append(f"<polyline points='{' '.join(best_points)}' fill='none' stroke='{_TONES['good']}' "
                     "stroke-width='1.5' opacity='0.7'/>")
    for i, row in enumerate(rows):
        interval = row.get("interval")
        colour = _TONES.get(row.get("tone"), _TONES["neutral"])
        if interval and all(math.isfinite(v) for v in interval):
            parts.append(f"<line x1='{x(i):.1f}' x2='{x(i):.1f}' y1='{y(interval[0]):.1f}' y2='{y(interval[1]):.1f}' "
                         f"stroke='{colour}' stroke-width='1.5' opacity='0.6'/>")
        apart = row["verdict"] in _APART
        fill = "none" if apart else colour
        stroke = _MUTED if apart else colour
        parts.append(f"<circle cx='{x(i):.1f}' cy='{y(row['score']):.1f}' r='4' fill='{fill}' stroke='{stroke}' "
                     f"stroke-width='1.5'><title>{escape(row['name'])}: {escape(format_score(row['score']))}"
                     f"</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return []
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(count + 2) if first + k * step <= high]


def panel_for(session) -> Any:
    """A new live panel of ``session``; where ipywidgets is missing, a message saying so."""
    try:
        return Panel(session)
    except ImportError:
        from .display import Message

        return Message("The live panel needs ipywidgets: `pip install ipywidgets`.", "warning")
