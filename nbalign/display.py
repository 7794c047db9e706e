"""Inline renderers: every one returns a MIME bundle with ``text/plain`` and ``text/html``.

All user text (names, outcome, KPI, messages) goes through :func:`html.escape`. Styles are
inline and use JupyterLab's CSS variables with fallbacks, so the output also reads well in
Notebook 7, VS Code and a saved HTML export.
"""

from __future__ import annotations

from html import escape

from .diagnostics import Diagnostic
from .evaluation import Evaluation
from .objective import Objective
from .verdict import Verdict, format_change, format_score

_LEVEL_COLOURS = {
    "success": ("var(--jp-success-color1, #388e3c)", "rgba(56, 142, 60, 0.10)"),
    "warning": ("var(--jp-warn-color1, #f57c00)", "rgba(245, 124, 0, 0.10)"),
    "info": ("var(--jp-info-color1, #0288d1)", "rgba(2, 136, 209, 0.08)"),
}
_GOOD = "var(--jp-success-color1, #388e3c)"
_BAD = "var(--jp-error-color1, #d32f2f)"
_MUTED = "var(--jp-ui-font-color2, #616161)"
_FONT = "font-family: var(--jp-ui-font-family, system-ui, sans-serif); font-size: 13px; line-height: 1.5;"


# --------------------------------------------------------------------------- evaluation line


def evaluation_bundle(evaluation: Evaluation) -> dict[str, str]:
    """The compact line shown after each evaluation, plus its banner when a verdict applies."""
    return {"text/plain": evaluation_text(evaluation), "text/html": evaluation_html(evaluation)}


def evaluation_text(evaluation: Evaluation) -> str:
    line = "  ".join(text for text, _ in _segments(evaluation))
    banner = evaluation.verdict.banner if evaluation.verdict is not None else None
    return line + (f"\n{diagnostic_text(banner)}" if banner else "")


def evaluation_html(evaluation: Evaluation) -> str:
    line = " <span style='color:#9e9e9e'>·</span> ".join(html for _, html in _segments(evaluation))
    banner = evaluation.verdict.banner if evaluation.verdict is not None else None
    return (f"<div class='nbalign-evaluation' style='{_FONT}'><div>{line}</div>"
            f"{diagnostic_html(banner) if banner else ''}</div>")


def _segments(evaluation: Evaluation) -> list[tuple[str, str]]:
    """The pieces of the evaluation line, each as (plain text, HTML): one list, two renderings."""
    verdict: Verdict | None = evaluation.verdict
    label = verdict.metric.label if verdict and verdict.metric else evaluation.metric
    score = format_score(evaluation.score)
    segments = [(
        f"{evaluation.name}: {label} {score}",
        f"<strong>{escape(evaluation.name)}</strong> <span style='color:{_MUTED}'>·</span> "
        f"<span style='color:{_MUTED}'>{escape(label)}</span> <strong>{score}</strong>",
    )]
    if verdict is None or verdict.metric is None:
        return segments
    if evaluation.role == "baseline":
        segments.append(("(baseline)", f"<span style='color:{_MUTED}'>baseline</span>"))
    if verdict.best_before is not None:
        segments.append(_change(verdict.change_vs_best, verdict, "vs best"))
    if verdict.change_vs_baseline is not None and evaluation.role == "model":
        segments.append(_change(verdict.change_vs_baseline, verdict, "vs baseline"))
    if verdict.progress is not None:
        to_target = f"{verdict.progress:.0%} to target {format_score(verdict.target)}"
        segments.append((f"{_bar_text(verdict.progress)} {to_target}",
                         f"{progress_bar_html(verdict.progress)} <span>{to_target}</span>"))
    return segments


def _change(change: float | None, verdict: Verdict, suffix: str) -> tuple[str, str]:
    better = verdict.metric.improvement(change, 0) if change is not None else 0
    colour = _GOOD if better > 0 else _BAD if better < 0 else _MUTED
    return (f"{format_change(change)} {suffix}",
            f"<span style='color:{colour}'>{format_change(change)}</span> <span style='color:{_MUTED}'>{suffix}</span>")


def progress_bar_html(progress: float, width: int = 90) -> str:
    filled = max(0.0, min(1.0, progress))
    colour = _GOOD if progress >= 1 else "var(--jp-brand-color1, #1976d2)"
    return (
        f"<span role='progressbar' aria-valuenow='{progress * 100:.0f}' aria-valuemin='0' aria-valuemax='100' "
        f"style='display:inline-block;vertical-align:middle;width:{width}px;height:8px;border-radius:4px;"
        f"background:var(--jp-layout-color3, #e0e0e0);overflow:hidden'>"
        f"<span style='display:block;height:100%;width:{filled * 100:.1f}%;background:{colour}'></span></span>"
    )


def _bar_text(progress: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, progress)) * width)
    return "[" + "#" * filled + "." * (width - filled) + "]"


# --------------------------------------------------------------------------- diagnostics


def diagnostic_text(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.code} {diagnostic.title}: {diagnostic.message}"


def diagnostic_html(diagnostic: Diagnostic) -> str:
    edge, background = _LEVEL_COLOURS[diagnostic.level]
    return (
        f"<div class='nbalign-banner nbalign-{diagnostic.level}' style='margin-top:4px;padding:4px 8px;"
        f"border-left:4px solid {edge};background:{background};border-radius:2px'>"
        f"<strong>{escape(diagnostic.title)}</strong> <code style='font-size:11px;color:{_MUTED}'>"
        f"{escape(diagnostic.code)}</code> {escape(diagnostic.message)}</div>"
    )


# --------------------------------------------------------------------------- objective card


class ObjectiveCard:
    """The active objective as a card (``%objective`` with no body, and after declaring one)."""

    def __init__(self, objective: Objective, summary=None):
        self.objective = objective
        self.summary = summary

    def _rows(self) -> list[tuple[str, str]]:
        o = self.objective
        rows: list[tuple[str, str]] = []
        if o.outcome:
            rows.append(("Outcome", o.outcome))
        if o.kpi:
            rows.append(("KPI", kpi_text(o)))
        direction = "higher is better" if o.metric.greater_is_better else "lower is better"
        rows.append(("Metric", f"{o.metric.label} ({o.metric.scorer}, {direction})"))
        rows.append(("Target", format_score(o.target) if o.target is not None else "not set"))
        rows.append(("Baseline", baseline_text(o, self.summary)))
        if o.value:
            rows.append(("Value per case", ", ".join(f"{k} {v:g}" for k, v in o.value.items())))
        if o.data_test:
            rows.append(("Test data", ", ".join(o.data_test)))
        if o.data_train:
            rows.append(("Training data", ", ".join(o.data_train)))
        min_gain = format_score(o.stop.min_gain) if o.stop.min_gain is not None else "an automatic min_gain"
        if o.stop.min_gain is None and self.summary is not None:
            min_gain = f"{format_score(self.summary.min_gain)} (automatic: 2% of the way from baseline to target)" if self.summary.baseline is not None and o.target is not None else format_score(self.summary.min_gain)
        rows.append(("Stop", f"after {o.stop.patience} models in a row gain less than {min_gain}"))
        return rows

    def _repr_mimebundle_(self, include=None, exclude=None):
        o = self.objective
        diagnostics = o.diagnostics()
        title = f"Objective {o.name!r} (version {o.version})"
        text = "\n".join([title] + [f"  {k}: {v}" for k, v in self._rows()] + [diagnostic_text(d) for d in diagnostics])
        rows_html = "".join(
            f"<tr><th style='text-align:left;padding:2px 12px 2px 0;color:{_MUTED};font-weight:normal;"
            f"vertical-align:top'>{escape(k)}</th><td style='text-align:left;padding:2px 0'>{escape(v)}</td></tr>"
            for k, v in self._rows()
        )
        html = (
            f"<div class='nbalign-objective' style='{_FONT}border:1px solid var(--jp-border-color2, #e0e0e0);"
            f"border-radius:4px;padding:8px 12px;max-width:720px'>"
            f"<div style='font-weight:600;margin-bottom:4px'>Objective <code>{escape(o.name)}</code> "
            f"<span style='color:{_MUTED};font-weight:normal'>version {o.version}</span></div>"
            f"<table style='border-collapse:collapse'>{rows_html}</table>"
            + "".join(diagnostic_html(d) for d in diagnostics)
            + "</div>"
        )
        return {"text/plain": text, "text/html": html}


def kpi_text(objective: Objective) -> str:
    kpi = objective.kpi
    if kpi is None:
        return ""
    text = kpi.name
    if kpi.current is not None or kpi.target is not None:
        text += f": {kpi.current or '?'} → {kpi.target or '?'}"
    if kpi.deadline:
        text += f" by {kpi.deadline}"
    if kpi.owner:
        text += f" (owner: {kpi.owner})"
    if kpi.judge:
        text += f" (judged by {kpi.judge})"
    return text


def baseline_text(objective: Objective, summary=None) -> str:
    baseline = objective.baseline
    value = summary.baseline if summary is not None else baseline.value
    known = f" = {format_score(value)}" if value is not None else " (not measured yet)"
    return {
        "number": f"{format_score(baseline.value)} (today's system)",
        "first": "the first model evaluated" + known,
        "model": f"the model {baseline.model}" + known,
        "auto": "a constant model fitted on the training data" + known,
    }[baseline.kind]


class Message:
    """A one-line message with an HTML form (restored state, warnings)."""

    def __init__(self, text: str, level: str = "info"):
        self.text = text
        self.level = level

    def _repr_mimebundle_(self, include=None, exclude=None):
        edge, background = _LEVEL_COLOURS[self.level]
        return {
            "text/plain": self.text,
            "text/html": f"<div style='{_FONT}padding:2px 8px;border-left:4px solid {edge};"
            f"background:{background}'>{escape(self.text)}</div>",
        }
