"""Inline renderers: every one returns a MIME bundle with ``text/plain`` and ``text/html``.

All user text (names, outcome, KPI, messages) goes through :func:`html.escape`. Styles are
inline and use JupyterLab's CSS variables with fallbacks, so the output also reads well in
Notebook 7, VS Code and a saved HTML export.
"""

from __future__ import annotations

import datetime as _dt
import logging
from html import escape

from .checks import CHECKS, Finding, objective_findings
from .evaluation import Evaluation
from .format import (
    format_change,
    format_interval,
    format_level,
    format_percent,
    format_score,
    format_small,
)
from .judge import ObjectiveFacts, Row, Standing
from .judge.wire import outlook_view, projection_spread, row_point, row_view, ship_view
from .objective import Objective
from .tasks import Labels

log = logging.getLogger(__name__)

_LEVEL_COLOURS = {
    "success": ("var(--jp-success-color1, #388e3c)", "rgba(56, 142, 60, 0.10)"),
    "warning": ("var(--jp-warn-color1, #f57c00)", "rgba(245, 124, 0, 0.10)"),
    "info": ("var(--jp-info-color1, #0288d1)", "rgba(2, 136, 209, 0.08)"),
}
_TONE_COLOURS = {
    "good": "var(--jp-success-color1, #388e3c)",
    "bad": "var(--jp-error-color1, #d32f2f)",
    "neutral": "var(--jp-ui-font-color2, #616161)",
}
_GOOD = _TONE_COLOURS["good"]
_MUTED = _TONE_COLOURS["neutral"]
_FONT = "font-family: var(--jp-ui-font-family, system-ui, sans-serif); font-size: 13px; line-height: 1.5;"


# --------------------------------------------------------------------------- evaluation line


class EvaluationResult:
    """What ``nbalign.evaluate`` and ``%evaluate`` return: the record and its row in the standing.

    It shows itself as one compact line (score, change against the best and the baseline,
    progress to the target) and the banner of the row's most important finding.

    Attributes
    ----------
    evaluation : Evaluation
        The record as stored.
    row : Row
        How it stands: ``row.verdict`` ("new_best", "no_gain", ...), ``row.progress``,
        ``row.findings``.
    standing : Standing
        The whole judged state right after it was recorded.
    notes : list of str
        What this evaluation left out, one line each (the recipe not compared: how long it would
        take, how to ask for it); shown below the line, not recorded.
    """

    def __init__(self, evaluation: Evaluation, row: Row, standing: Standing, notes: list[str] | None = None):
        self.evaluation = evaluation
        self.row = row
        self.standing = standing
        self.notes = list(notes or [])
        self._shown_in: object = None  # the cell run it was shown in

    def show(self) -> None:
        """Show it now, as ``print`` would: in a loop, on an assigned line, several in a cell.

        When it is also the cell's last expression, IPython does not show it a second time.
        """
        from IPython.display import display

        display(self)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        from .cells import current_run

        run = current_run()
        if run is not None and run is self._shown_in:
            return  # already shown in this cell run
        self._shown_in = run
        display(self._repr_mimebundle_(), raw=True)

    @property
    def score(self) -> float:
        return self.row.score

    @property
    def verdict(self) -> str:
        return self.row.verdict

    def __repr__(self) -> str:
        return f"<EvaluationResult {self.row.name!r} {self.row.metric} {self.row.score!r}: {self.row.verdict}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return evaluation_bundle(self.row, self.standing, self.evaluation, self.notes)
        except Exception as exc:  # a display bug must not hide the user's result
            log.warning("nbalign could not render an evaluation", exc_info=True)
            return {"text/plain": f"{self.row.name}: {self.row.metric} {self.row.score!r} "
                                  f"(nbalign could not render the verdict: {type(exc).__name__}: {exc})"}


def bundle(text: str, html: str) -> dict[str, str]:
    """A display bundle. The HTML is marked for MathJax to leave alone: front ends typeset HTML
    outputs, and user text such as "from $1.2M to $0.9M" would read as a formula
    (``mathjax_ignore`` for MathJax 3, as in JupyterLab; ``tex2jax_ignore`` for MathJax 2)."""
    return {"text/plain": text, "text/html": f"<div class='mathjax_ignore tex2jax_ignore'>{html}</div>"}


def evaluation_bundle(row: Row, standing: Standing, record: Evaluation | None = None,
                      notes: list[str] | None = None) -> dict[str, str]:
    """The compact line shown after each evaluation, its business line when the objective
    prices outcomes or states an action, its recipe line (checked by cross-validation, or
    ``notes`` on why not), and its findings (the most important first). It renders the row's view
    (:func:`nbalign.judge.wire.row_view`), as every other view does."""
    pieces = _pieces(row, standing, record, notes)
    return bundle(evaluation_text(row, standing, record, pieces), evaluation_html(row, standing, record, pieces))


def _pieces(row: Row, standing: Standing, record: Evaluation | None,
            notes: list[str] | None = None) -> tuple[dict, list, list]:
    """The row's view, the line's segments and the lines below it (business, recipe), each
    segment (plain text, HTML): computed once for both renderings."""
    view = row_view(row)
    below = _business_segments(record, standing) + _recipe_segments(record, notes)
    return view, _segments(view, standing.summary) + _reported(record), below


def _recipe_segments(record: Evaluation | None, notes: list[str] | None) -> list[tuple[str, str]]:
    """``recipe checked by 5×2-fold CV on 426 training rows in 0.8 s``, or why it was not."""
    lines = list(notes or [])
    if record is not None and record.fold_scores is not None:
        from .recipe import describe

        lines.insert(0, describe(record.fold_scores))
    return [(line, escape(line)) for line in lines]


def evaluation_text(row: Row, standing: Standing, record: Evaluation | None = None, pieces=None) -> str:
    view, line_segments, business = pieces or _pieces(row, standing, record)
    line = "  ".join(text for text, _ in line_segments)
    for text, _ in business:
        line += f"\n  {text}"
    return "\n".join([line] + [finding_text(f) for f in _findings(view)])


def evaluation_html(row: Row, standing: Standing, record: Evaluation | None = None, pieces=None) -> str:
    view, line_segments, business = pieces or _pieces(row, standing, record)
    line = " <span style='color:#9e9e9e'>·</span> ".join(html for _, html in line_segments)
    if business:
        line += (f"</div><div class='nbalign-business' style='color:{_MUTED};margin-top:2px'>"
                 + "<br>".join(html for _, html in business))
    return (f"<div class='nbalign-evaluation' data-verdict='{view['verdict']}' style='{_FONT}'><div>{line}</div>"
            f"{''.join(finding_html(f) for f in _findings(view))}</div>")


def _findings(view: dict) -> list[Finding]:
    """The row's findings as the view carries them (the banner first), with their checks' words."""
    return [Finding(f["code"], f["message"]) for f in view["findings"]]


def _reported(record: Evaluation | None) -> list[tuple[str, str]]:
    """A cross-validation's spread over its folds, and what the user's own code computed when
    autolog logged it: ``± 0.012 (sd) over 5 folds``, ``(your f1_score 0.612)``."""
    found = []
    cv = None if record is None else record.cv
    if cv:
        text = f"± {format_score(cv['std'])} (sd) over {cv['folds']} folds of the training data"
        found.append((text, f"<span style='color:{_MUTED}'>{escape(text)}</span>"))
    reported = None if record is None else record.reported
    if reported and reported.get("value") is not None:
        text = f"(your {reported['metric']} {format_score(reported['value'])})"
        found.append((text, f"<span style='color:{_MUTED}'>{escape(text)}</span>"))
    return found


def _business_segments(record: Evaluation | None, standing: Standing) -> list[tuple[str, str]]:
    """The projected KPI, the value at the action, and the values at the default and tuned
    thresholds: what the model would mean for the business."""
    outlook = None if record is None else standing.outlook(record)
    shown = None if outlook is None else outlook_view(outlook)
    if not shown or record is None or outlook is None:  # (no record, no outlook: nothing shown)
        return []
    from .business import ErrorCost, format_value, gerund, threshold_line

    objective = standing.objective
    segments = []
    kpi, value = shown["kpi"], shown["value"]
    if kpi is not None:
        spread = projection_spread(kpi, objective.stop.confidence)
        text = f"{kpi['current']} → {kpi['projected']} projected{spread}, target {kpi['target']}"
        segments.append((f"KPI {text}", (f"<span style='color:var(--jp-ui-font-color1, #212121)'>KPI</span> "
                                         f"{escape(kpi['current'])} → <strong>{escape(kpi['projected'])}</strong> "
                                         f"projected{escape(spread)}, target {escape(kpi['target'])}")))
    if value is not None and outlook.figures is not None:  # (a value is one of the figures')
        errors = isinstance(objective.value, ErrorCost)
        if errors:
            amount = format_value(objective, -outlook.figures["value"])
        else:
            amount = value["per_period"] or value["per_case"]
        rule = f", {gerund(value['rule'])}" if value["rule"] else ""
        text = f"{'errors cost' if errors else 'value'} {amount}{rule}"
        segments.append((text, escape(text)))
    thresholds = threshold_line(objective, record.business)
    if thresholds:
        segments.append((thresholds, escape(thresholds)))
    return segments


def _segments(row: dict, summary) -> list[tuple[str, str]]:
    """The pieces of the evaluation line, each as (plain text, HTML): one list, two renderings."""
    score = format_score(row["score"])
    segments = [(
        f"{row['name']}: {row['metric_label']} {score}",
        (f"<strong>{escape(row['name'])}</strong> <span style='color:{_MUTED}'>·</span> "
         f"<span style='color:{_MUTED}'>{escape(row['metric_label'])}</span> <strong>{score}</strong>"),
    )]
    if row["verdict"] == "baseline":
        segments.append(("(baseline)", f"<span style='color:{_MUTED}'>baseline</span>"))
    confidence, tone = summary.confidence, _TONE_COLOURS[row["tone"]]
    model = row["role"] == "model"
    if model and row["verdict"] != "other_metric":
        segments.append((row["word"], f"<span style='color:{tone};font-weight:600'>{escape(row['word'])}</span>"))
    # while no model beats the baseline model, a model's change against it is said once, as "vs baseline"
    if row["best_before"] is not None and row["best_before_role"] == "model" and not row["apart"]:
        change, interval = format_change(row["change_vs_best"]), _interval(row["vs_best"], confidence)
        segments.append((f"{change} vs best{interval}",
                         (f"<span style='color:{tone}'>{change}</span> "
                          f"<span style='color:{_MUTED}'>vs best{interval}</span>")))
    if row["change_vs_baseline"] is not None and model:
        change, interval = format_change(row["change_vs_baseline"]), _interval(row["vs_baseline"], confidence)
        segments.append((f"{change} vs baseline{interval}",
                         f"{change} <span style='color:{_MUTED}'>vs baseline{interval}</span>"))
    if row["progress"] is not None:
        spread = row["progress_interval"]
        spread = "" if spread is None or not model else \
            f" ({format_level(confidence)} CI {format_percent(spread[0])} to {format_percent(spread[1])})"
        to_target = f"{format_percent(row['progress'])}{spread} to target {format_score(summary.target)}"
        segments.append((f"{_bar_text(row['progress'])} {to_target}",
                         f"{progress_bar_html(row['progress'])} <span>{to_target}</span>"))
    return segments


def _interval(difference: dict | None, confidence: float) -> str:
    """`` (95% CI −0.164 to −0.059)`` after a change that was tested; nothing otherwise."""
    return "" if difference is None else f" ({format_interval(difference['low'], difference['high'], confidence)})"


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


# --------------------------------------------------------------------------- findings


def finding_text(finding: Finding) -> str:
    return f"{finding.code} {finding.title}: {finding.message}\n  why: %nbalign explain {finding.code}"


def finding_html(finding: Finding) -> str:
    edge, background = _LEVEL_COLOURS[finding.level]
    return (
        f"<div class='nbalign-banner nbalign-{finding.level}' style='margin-top:4px;padding:4px 8px;"
        f"border-left:4px solid {edge};background:{background};border-radius:2px'>"
        f"<strong>{escape(finding.title)}</strong> <code style='font-size:11px;color:{_MUTED}'>"
        f"{escape(finding.code)}</code> {escape(finding.message)}"
        f"<details class='nbalign-why' style='margin-top:2px'><summary style='cursor:pointer;color:{_MUTED};"
        f"font-size:12px'>why</summary><div style='font-size:12px'>{escape(finding.explanation)}</div></details></div>"
    )


class ModelsTable:
    """``%nbalign models``: every evaluation with its score, verdict and what the model costs."""

    def __init__(self, standing: Standing, records: list[Evaluation]):
        self.standing = standing
        self.records = {r.id: r for r in records}

    def _rows(self) -> list[tuple[str, ...]]:
        from .complexity import Complexity, describe

        rows: list[tuple[str, ...]] = []
        for row in map(row_view, self.standing.rows):
            record = self.records.get(row["id"])
            cost = Complexity.from_dict(record.complexity) if record and record.complexity else None
            tested = None if row["apart"] else row["vs_best"]
            against = "" if row["best_before"] is None or row["apart"] else format_change(row["change_vs_best"])
            if tested is not None:
                against += f" ({format_change(tested['low'])} to {format_change(tested['high'])})"
            rows.append((row["name"], row["metric_label"], format_score(row["score"]), row["word"], against,
                         describe(cost) if cost else "not measured"))
        return rows

    def _repr_mimebundle_(self, include=None, exclude=None):
        level = format_level(self.standing.summary.confidence)
        head = ("model", "metric", "score", "verdict", f"vs the best before it ({level} CI)", "cost")
        rows = self._rows()
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
        text = "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows])
        cells = "".join(
            "<tr>" + "".join(f"<td style='padding:2px 10px 2px 0;text-align:left'>{escape(c)}</td>" for c in r)
            + "</tr>" for r in rows)
        heads = "".join(f"<th style='padding:2px 10px 2px 0;text-align:left;color:{_MUTED};font-weight:normal'>"
                        f"{escape(h)}</th>" for h in head)
        html = (f"<div style='{_FONT}'><table style='border-collapse:collapse'><tr>{heads}</tr>{cells}</table></div>")
        return bundle(text, html)


class Explanation:
    """``%nbalign explain CODE``: a check's title, level and explanation; all codes without one."""

    def __init__(self, codes: list[str]):
        self.codes = codes

    def _repr_mimebundle_(self, include=None, exclude=None):
        checks = [CHECKS[c] for c in self.codes]
        text = "\n\n".join(f"{c.code} {c.title} ({c.level})\n{c.explanation}" for c in checks)
        html = "".join(
            f"<div style='{_FONT}margin-bottom:6px'><code>{escape(c.code)}</code> <strong>{escape(c.title)}</strong> "
            f"<span style='color:{_MUTED}'>{escape(c.level)}</span><div>{escape(c.explanation)}</div></div>"
            for c in checks
        )
        return bundle(text, html)


# --------------------------------------------------------------------------- objective card


class ObjectiveCard:
    """The active objective as a card (``%objective`` with no body, and after declaring one)."""

    def __init__(self, objective: Objective, standing: Standing | None = None):
        self.objective = objective
        self.summary = standing.summary if standing is not None else None
        self.labels = standing.labels if standing is not None else None
        # The objective's checks as judged with its data; without a standing, those that need none.
        self.findings = standing.findings if standing is not None else objective_findings(
            ObjectiveFacts(objective, _dt.date.today()))

    def _rows(self) -> list[tuple[str, str]]:
        return objective_rows(self.objective, self.summary, self.labels)

    def _repr_mimebundle_(self, include=None, exclude=None):
        o = self.objective
        findings = self.findings
        title = f"Objective {o.name!r} (version {o.version})"
        text = "\n".join([title] + [f"  {k}: {v}" for k, v in self._rows()] + [finding_text(f) for f in findings])
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
            + "".join(finding_html(f) for f in findings)
            + "</div>"
        )
        return bundle(text, html)


def objective_rows(objective: Objective, summary=None, labels: Labels | None = None,
                   today: _dt.date | None = None) -> list[tuple[str, str]]:
    """The objective in words, row by row (label, text): what its card shows, and the decision
    report. ``summary`` (the standing's) gives the measured baseline and an automatic min_gain;
    ``labels`` what the projection can reach on the test set; ``today`` the time left to the deadline."""
    o = objective
    rows: list[tuple[str, str]] = []
    if o.outcome:
        rows.append(("Outcome", o.outcome))
    if o.why:
        rows.append((f"Why version {o.version}", o.why))
    if o.kpi:
        rows.append(("KPI", kpi_text(o, today)))
    direction = "higher is better" if o.metric.greater_is_better else "lower is better"
    rows.append(("Metric", f"{o.metric.label} ({o.metric.scorer}, {direction})"))
    target = format_score(o.target) if o.target is not None else "not set"
    if o.derivation is not None:
        target += f", derived from the KPI: {o.derivation.text}"
    rows.append(("Target", target))
    rows.append(("Baseline", baseline_text(o, summary)))
    rows += business_rows(o, labels)
    if o.data_test:
        rows.append(("Test data", ", ".join(o.data_test)))
    if o.data_train:
        rows.append(("Training data", ", ".join(o.data_train)))
    min_gain = format_small(o.stop.min_gain) if o.stop.min_gain is not None else "an automatic min_gain"
    if o.stop.min_gain is None and summary is not None:
        automatic = summary.baseline is not None and o.target is not None
        min_gain = format_small(summary.min_gain) + (
            " (automatic: 2% of the way from baseline to target)" if automatic else " (automatic)")
    rows.append(("Stop", (f"once {o.stop.patience} models since the last real gain are each shown to gain "
                          f"less than {min_gain} (a real gain: its {format_level(o.stop.confidence)} interval "
                          f"at or above {min_gain})")))
    return rows


def business_rows(objective: Objective, labels: Labels | None = None) -> list[tuple[str, str]]:
    """The objective's value, population and action, in words, for its card; and how the KPI is
    projected, with what that assumes (the test ``labels``, once seen, say how far a top share
    caps the recall)."""
    from .business import ErrorCost, projection_assumptions
    from .format import format_money

    rows = []
    value = objective.value
    if isinstance(value, ErrorCost):
        rows.append(("Value", (f"each unit of error costs {format_money(value.under, value)} when the prediction "
                               f"is too low, {format_money(value.over, value)} when too high")))
    elif value is not None:
        rows.append(("Value per case", ", ".join(f"{name} {format_money(getattr(value, key), value)}" for key, name in
                                                 (("tp", "true case acted on"), ("fp", "acted on in vain"),
                                                  ("fn", "true case missed"), ("tn", "rightly left alone")))))
    if objective.population is not None:
        rows.append(("Population", objective.population.text))
    action = objective.action
    if action is not None:
        text = action.describe(objective.population)
        text = text[0].upper() + text[1:]
        if action.effect is not None:
            text += f"; it changes the outcome of {action.effect_text()} of the true cases it reaches"
        rows.append(("Action", text))
    assumptions = projection_assumptions(objective, labels)
    if assumptions is not None:
        rows.append(("Projection", assumptions))
    return rows


def kpi_text(objective: Objective, today: _dt.date | None = None) -> str:
    """The KPI as one statement of intent: which way it moves, from what to what, by when (and
    how long is left), who is accountable or who judges it (:func:`nbalign.kpi.kpi_statement`)."""
    from .kpi import kpi_statement

    return "" if objective.kpi is None else kpi_statement(objective.kpi, today or _dt.date.today())


def baseline_text(objective: Objective, summary=None) -> str:
    baseline = objective.baseline
    value = summary.baseline if summary is not None else baseline.value
    known = f" = {format_score(value)}" if value is not None else " (not measured yet)"
    return {
        "number": f"{format_score(baseline.value)} (today's system)",
        "first": "the first model evaluated" + known,
        "model": f"the model {baseline.model}" + known,
        "auto": "a linear model fitted on the training data" + known,
    }[baseline.kind]


class Recommendation:
    """``nbalign.recommendation()`` / ``%nbalign recommend``: the model to ship, and in one
    sentence what shipping it is projected to do to the KPI, and by when.

    Attributes: ``model`` (its record, or None), ``text`` (the sentence), ``outlook`` (its
    :class:`~nbalign.judge.Outlook`, or None), ``assumptions`` (how the KPI is projected and what
    that assumes, shown under the sentence when it projects the KPI; else None).
    """

    def __init__(self, standing: Standing):
        from .business import projection_assumptions

        self.standing = standing
        self.model = standing.recommended
        self.outlook = None if self.model is None else standing.outlook(self.model)
        self.text = recommendation_text(standing, self.model, self.outlook)
        projected = self.outlook is not None and self.outlook.projected is not None
        self.assumptions = projection_assumptions(standing.objective, standing.labels) if projected else None

    def __repr__(self) -> str:
        return self.text if self.assumptions is None else f"{self.text}\n{self.assumptions}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        below = "" if self.assumptions is None else (f"<div style='color:{_MUTED};font-size:12px;margin-top:2px'>"
                                                     f"{escape(self.assumptions)}</div>")
        html = f"<div class='nbalign-recommendation' style='{_FONT}'>{escape(self.text)}{below}</div>"
        return bundle(repr(self), html)


def recommendation_text(standing: Standing, model: Evaluation | None, outlook=None) -> str:
    """One sentence: which model to ship, why that one, and what it is projected to do."""
    from .business import kpi_progress, value_phrase
    from .kpi import _with_article, time_left

    objective, summary = standing.objective, standing.summary
    ship = ship_view(standing)  # the model to ship and why, as every view names it
    if model is None or ship is None:
        return "Nothing to recommend yet: evaluate a model (or declare a baseline model) first."
    why = ship["reason"]
    score = f"{objective.metric.label} {format_score(model.score)}"
    text = f"Ship {model.name} ({score}), {why}"
    shown = None if outlook is None else outlook_view(outlook)
    kpi = objective.kpi
    deadline = ""
    if kpi is not None and kpi.deadline:
        deadline = f" by {kpi.deadline} ({time_left(kpi.deadline)})"
    # (a projected KPI: the objective has a KPI and an action)
    if shown and shown["kpi"] is not None and kpi is not None and objective.action is not None:
        projected = shown["kpi"]
        action = objective.action.describe(objective.population)
        spread = projection_spread(projected, objective.stop.confidence)
        progress = kpi_progress(objective, outlook.projected)
        reach = (f"which meets the target {kpi.target}" if progress is not None and progress >= 1
                 else f"{format_percent(progress)} of the way to the target {kpi.target}")
        text += (f": used to {action}, it is projected to bring {_with_article(kpi.name)} from {kpi.current} to "
                 f"{projected['projected']}{spread}{deadline}, {reach}")
        if shown["value"] is not None:
            text += f", {value_phrase(objective, outlook.figures['value'])}"
        return text + "."
    if summary.target is not None and summary.baseline is not None:
        from .judge import progress_to_target

        progress = progress_to_target(model.score, summary.baseline, summary.target, objective.metric.sign)
        if progress is not None:
            text += (f": {format_percent(progress)} of the way from the baseline to the target "
                     f"{format_score(summary.target)}")
    if shown and shown["value"] is not None:
        text += f", {value_phrase(objective, outlook.figures['value'])}"
    return text + "."


class Message:
    """A one-line message with an HTML form (restored state, warnings)."""

    def __init__(self, text: str, level: str = "info"):
        self.text = text
        self.level = level

    def _repr_mimebundle_(self, include=None, exclude=None):
        edge, background = _LEVEL_COLOURS[self.level]
        return bundle(self.text, f"<div style='{_FONT}padding:2px 8px;border-left:4px solid {edge};"
                                 f"background:{background}'>{escape(self.text)}</div>")


# --------------------------------------------------------------------------- baseline card


class BaselineCard:
    """After ``baseline: auto``: both baselines' scores, what the linear one is and what it learned.

    The constant model is the floor; the linear model is the baseline to beat, shown with its
    steps in words and its largest coefficients by feature name (``contract=Month-to-month
    +1.21``), because an explainable baseline is part of the argument for shipping it.
    """

    def __init__(self, fitted, standing: Standing):
        from .baseline import CONSTANT_LABEL, LINEAR_LABEL

        self.fitted = fitted
        self.standing = standing
        version = standing.objective.version
        latest = {r["name"]: r for r in map(row_point, standing.rows)
                  if r["role"] == "baseline" and r["version"] == version}
        self.constant, self.linear = latest.get(CONSTANT_LABEL), latest.get(LINEAR_LABEL)

    def _parts(self) -> tuple[list[tuple[str, str]], list[str], list[tuple[str, str]], str]:
        """(scores as label and value, steps in words, coefficients as name and signed value, sign line)."""
        from .baseline import coefficients, sign_meaning, steps_in_words

        fitted, scores = self.fitted, []
        floor = "the class prior" if fitted.task == "classification" else "the mean"
        if self.constant is not None:
            scores.append(("Constant model (the floor)",
                           f"{self.constant['metric_label']} {format_score(self.constant['score'])}: predicts {floor}"))
        if fitted.linear is None:
            scores.append(("Linear model", f"not fitted ({fitted.problem}); the constant model is the baseline"))
            return scores, [], [], ""
        if self.linear is not None:
            scores.append(("Linear model (to beat)",
                           f"{self.linear['metric_label']} {format_score(self.linear['score'])}"))
        # coefficients read like changes (+1.21, −0.82; +53,262 for a price in dollars)
        shown = [(name, format_change(value)) for name, value in coefficients(fitted)]
        return scores, steps_in_words(fitted), shown, sign_meaning(fitted)

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return self._bundle()
        except Exception as exc:  # a display bug must not hide that the baselines were scored
            log.warning("nbalign could not render the baseline card", exc_info=True)
            return {"text/plain": f"nbalign could not render the baseline card ({type(exc).__name__}: {exc}); "
                                  "both baselines are recorded: %nbalign models lists them."}

    def _bundle(self) -> dict[str, str]:
        scores, steps, shown, sign = self._parts()
        lines = ["Baseline to beat: the linear model" if steps else "Baseline to beat: the constant model"]
        lines += [f"  {k}: {v}" for k, v in scores]
        if steps:
            lines.append("  The linear model:")
            lines += [f"    - {step}" for step in steps]
        if shown:
            lines.append(f"  Largest coefficients ({sign}):")
            width = max(len(name) for name, _ in shown)
            lines += [f"    {name.ljust(width)}  {value}" for name, value in shown]
        row = (f"<tr><th style='text-align:left;padding:2px 12px 2px 0;color:{_MUTED};font-weight:normal;"
               "vertical-align:top'>{}</th><td style='text-align:left;padding:2px 0'>{}</td></tr>")
        html = (
            f"<div class='nbalign-baseline' style='{_FONT}border:1px solid var(--jp-border-color2, #e0e0e0);"
            f"border-radius:4px;padding:8px 12px;max-width:720px;margin-top:4px'>"
            f"<div style='font-weight:600;margin-bottom:4px'>{escape(lines[0])}</div>"
            f"<table style='border-collapse:collapse'>{''.join(row.format(escape(k), escape(v)) for k, v in scores)}"
            "</table>"
        )
        if steps:
            html += ("<div style='margin-top:4px'>The linear model:</div><ul style='margin:0;padding-left:20px'>"
                     + "".join(f"<li>{escape(step)}</li>" for step in steps) + "</ul>")
        if shown:
            html += (f"<div style='margin-top:4px'>Largest coefficients <span style='color:{_MUTED}'>"
                     f"({escape(sign)})</span></div><table style='border-collapse:collapse'>"
                     + "".join(f"<tr><td style='text-align:left;padding:0 12px 0 0'><code>{escape(name)}</code></td>"
                               "<td style='text-align:right;font-variant-numeric:tabular-nums'>"
                               f"{escape(value)}</td></tr>"
                               for name, value in shown) + "</table>")
        return bundle("\n".join(lines), html + "</div>")
