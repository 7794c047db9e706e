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
import re
from html import escape
from typing import Any

from . import grammar
from .format import format_level, format_percent, format_score
from .judge import APART

_MUTED = "var(--jp-ui-font-color2, #616161)"
_TEXT = "var(--jp-ui-font-color1, #212121)"
_BORDER = "var(--jp-border-color2, #e0e0e0)"
_TONES = {"good": "var(--jp-success-color1, #388e3c)", "bad": "var(--jp-error-color1, #d32f2f)",
          "neutral": "var(--jp-brand-color1, #1976d2)"}
# Drawn hollow and off the best-so-far line: the baseline, another metric, and rows set apart.
_APART = APART | {"baseline", "other_metric"}


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
    parts = [(f"<div style='font-weight:600'>{escape(objective['name'])}"
             f" <span style='color:{_MUTED};font-weight:normal'>version {objective['version']}</span></div>")]
    intent = standing.get("kpi_statement") or objective.get("outcome")
    if intent:
        parts.append(f"<div data-testid='nbalign-panel-intent'>{escape(intent)}</div>")
    level = f"{format_level(summary.get('confidence') or 0.95)} CI"
    caption = f"baseline {format_score(summary.get('baseline'))} · target {format_score(summary.get('target'))}"
    parts.append(_meter(objective["metric"]["label"], summary.get("progress"), summary.get("progress_interval"),
                        caption, "nbalign-panel-metric", summary.get("progress_interval_label") or level))
    business = summary.get("business") or {}
    kpi = business.get("kpi")
    if kpi is not None:
        caption = f"{kpi['current']} → {kpi['projected']} projected with {kpi['model']} · target {kpi['target']}"
        parts.append(_meter(f"KPI: {kpi['name']}", kpi.get("progress"), kpi.get("progress_interval"),
                            caption, "nbalign-panel-kpi", level))
    value = business.get("value")
    if value is not None:
        parts.append(f"<div style='color:{_MUTED}'>{escape(value['text'])}</div>")
    best = summary.get("best")
    if best is not None:
        parts.append(f"<div data-testid='nbalign-panel-best'><span style='color:{_MUTED}'>best</span> "
                     f"<strong>{escape(best['name'])}</strong> {format_score(best['score'])} "
                     f"<span style='color:{_MUTED}'>· {summary.get('n_models', 0)} models</span></div>")
    ship = summary.get("ship")
    if ship is not None:
        parts.append(f"<div data-testid='nbalign-panel-ship'><span style='color:{_MUTED}'>ship</span> "
                     f"<strong>{escape(ship['name'])}</strong> {format_score(ship['score'])} "
                     f"<span style='color:{_MUTED}'>· {escape(ship['reason'])}</span></div>")
    if summary.get("story"):
        parts.append(f"<div data-testid='nbalign-panel-story'>{escape(summary['story'])}</div>")
    banner = summary.get("banner")
    if banner is not None:
        parts.append(f"<div data-testid='nbalign-panel-banner' style='margin-top:4px;padding:4px 8px;border-left:4px "
                     f"solid {_TONES['bad'] if banner['level'] == 'warning' else _TONES['neutral']};"
                     f"background:var(--jp-layout-color2, #f5f5f5)'><strong>{escape(banner['title'])}</strong> "
                     f"<code style='color:{_MUTED}'>{escape(banner['code'])}</code> {escape(banner['message'])}</div>")
    parts.append(chart_svg(standing))
    return f"<div class='nbalign-panel-body' style='{style}'>{''.join(parts)}</div>"


def _meter(title: str, progress, interval, caption: str, testid: str, label: str) -> str:
    """A progress bar from 0% to 100%, its percent, its interval (``label`` says which) and a caption."""
    percent = "—" if progress is None else format_percent(progress)
    fill = 0 if progress is None else max(0.0, min(1.0, progress)) * 100
    spread = "" if not interval else (f" <span style='color:{_MUTED}'>({escape(label)} {format_percent(interval[0])} "
                                      f"to {format_percent(interval[1])})</span>")
    colour = _TONES["good"] if progress is not None and progress >= 1 else _TONES["neutral"]
    return (f"<div data-testid='{testid}' style='margin-top:6px'>"
            f"<div><span style='color:{_MUTED}'>{escape(title)}</span> <strong>{percent}</strong>{spread}</div>"
            f"<div style='height:8px;border-radius:4px;background:var(--jp-layout-color3, #e0e0e0);overflow:hidden'>"
            f"<div style='height:100%;width:{fill:.1f}%;background:{colour}'></div></div>"
            f"<div style='color:{_MUTED};font-size:12px'>{escape(caption)}</div></div>")


def _apart(row: dict) -> bool:
    """Drawn hollow, off the best-so-far line: set apart by the judge (the baseline and other metrics too)."""
    return row.get("apart", False) or row["verdict"] in _APART


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

    parts = [(f"<svg data-testid='nbalign-panel-chart' viewBox='0 0 {width} {height}' width='100%' "
             f"role='img' aria-label='evaluations against the baseline and target' style='margin-top:6px'>")]
    ticks = _ticks(low, high)
    decimals = 0 if len(ticks) < 2 else max(0, -math.floor(math.log10(ticks[1] - ticks[0]) + 1e-9))
    for tick in ticks:  # one number of decimals for every tick, from their step
        parts.append(f"<text x='{left - 4}' y='{y(tick) + 4:.1f}' text-anchor='end' font-size='10' "
                     f"fill='{_MUTED}'>{tick:.{decimals}f}</text>"
                     f"<line x1='{left}' x2='{width - right}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' "
                     f"stroke='{_BORDER}' stroke-width='0.5'/>")
    baseline, target = summary.get("baseline"), summary.get("target")
    # Two labels closer than a line of text apart: the baseline's goes to the left end.
    crowded = baseline is not None and target is not None and abs(y(baseline) - y(target)) < 12
    reference_lines = (("baseline", "baseline", _MUTED, "4 3"), ("target", "target", _TONES["good"], "6 3"))
    for key, label, colour, dash in reference_lines:
        value = summary.get(key)
        if value is not None:
            at, anchor = (left + 2, "start") if crowded and key == "baseline" else (width - right, "end")
            parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(value):.1f}' y2='{y(value):.1f}' "
                         f"stroke='{colour}' stroke-dasharray='{dash}'/><text x='{at}' "
                         f"y='{y(value) - 3:.1f}' text-anchor='{anchor}' font-size='10' fill='{colour}'>{label}</text>")
    best_points = [f"{x(i) - step / 2:.1f},{y(row['best_so_far']):.1f} "
                   f"{x(i) + step / 2:.1f},{y(row['best_so_far']):.1f}"
                   for i, row in enumerate(rows) if row.get("best_so_far") is not None and not _apart(row)]
    if best_points:
        parts.append(f"<polyline points='{' '.join(best_points)}' fill='none' stroke='{_TONES['neutral']}' "
                     "stroke-width='1.5' opacity='0.8'><title>best so far</title></polyline>")
    for i, row in enumerate(rows):
        interval = row.get("interval")
        colour = _TONES.get(row.get("tone"), _TONES["neutral"])
        if interval and all(math.isfinite(v) for v in interval):
            parts.append(f"<line x1='{x(i):.1f}' x2='{x(i):.1f}' y1='{y(interval[0]):.1f}' y2='{y(interval[1]):.1f}' "
                         f"stroke='{colour}' stroke-width='1.5' opacity='0.6'/>")
        apart = _apart(row)
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


# ------------------------------------------------------------------ the objective builder

# The metrics the form offers, by task, with a one-line hint each (any scorer name can be typed).
METRIC_CHOICES = (
    ("classification", "average_precision", "ranking quality when the cases to find are rare"),
    ("classification", "auc", "ROC AUC: how well positives rank above negatives"),
    ("classification", "logloss", "quality of the predicted probabilities (lower is better)"),
    ("classification", "brier", "mean squared error of the probabilities (lower is better)"),
    ("classification", "f1", "balance of precision and recall at the model's threshold"),
    ("classification", "recall", "share of the true cases the model finds"),
    ("classification", "precision", "share of the cases flagged that are true"),
    ("classification", "balanced_accuracy", "accuracy averaged over the classes"),
    ("classification", "accuracy", "share right: misleading when one class dominates"),
    ("classification", "mcc", "Matthews correlation: one number for the whole confusion matrix"),
    ("classification", "recall_at_k", "share of the true cases the action reaches (needs an action)"),
    ("classification", "precision_at_k", "share of true cases among those the action reaches (needs an action)"),
    ("classification", "business_value", "value per case by the value matrix (needs a value)"),
    ("regression", "rmse", "typical error, large misses weigh more (lower is better)"),
    ("regression", "mae", "mean absolute error, in the target's units (lower is better)"),
    ("regression", "r2", "share of the variance explained"),
    ("regression", "mape", "mean absolute percentage error (lower is better)"),
    ("regression", "medae", "median absolute error (lower is better)"),
    ("regression", "rmsle", "RMSE of the logs: relative misses (lower is better)"),
)

# Form fields: (key in the objective, label). The key is where the parser's message lands.
# The form's fields (key, label) and their hints, from the cell's one grammar (nbalign/grammar.json).
FORM_FIELDS = tuple((f["key"], f["label"]) for f in grammar.form_fields())
# Hints in the fields whose meaning their label cannot say in two words.
_PLACEHOLDERS = {f["key"]: f["placeholder"] for f in grammar.form_fields() if "placeholder" in f}


def metric_options() -> list[tuple[str, str]]:
    """The metric dropdown: the common metrics with a hint each, then every other scikit-learn
    scorer by task, each as ``task · name: hint``."""
    from sklearn.metrics import get_scorer_names

    from .metrics import kind_of, resolve_metric

    options = [(f"{task} · {name}: {hint}", name) for task, name, hint in METRIC_CHOICES]
    offered = {name for _, name, _ in METRIC_CHOICES} | {resolve_metric(n).scorer for _, n, _ in METRIC_CHOICES}
    others = []
    for scorer in get_scorer_names():
        if scorer in offered:
            continue
        kind = kind_of(scorer)
        task = kind.task or "clustering"
        direction = "a loss, negated (lower is better)" if kind.negated else "higher is better"
        others.append((task != "classification", task != "regression", scorer,
                       f"{task} · {scorer}: scikit-learn's scorer, {direction}"))
    return options + [(label, scorer) for *_, scorer, label in sorted(others)]


def objective_cell(values: dict[str, Any]) -> tuple[str, dict[int, str]]:
    """The ``%%objective`` cell for the form's values, and which field each of its lines holds.

    ``values`` maps the keys of :data:`FORM_FIELDS` to what was entered (text, or None/"" for
    nothing). Only what is filled in is written, and written so that the cell reads back as what
    was entered: text as the YAML string it is (quoted where YAML would read a number, a
    boolean, null or a comment: ``'007'``, ``'yes'``, ``'#1'``), numbers as typed, the name so the
    magic's line reads it back (:func:`name_on_magic_line`).

    Raises
    ------
    ObjectiveError
        On line 1, when the name cannot be written on the magic's line.
    """
    name = str(values.get("name") or "").strip() or "objective"
    lines: list[tuple[str, str]] = [(f"%%objective {name_on_magic_line(name)}", "name")]

    def put(text: str, field: str) -> None:
        lines.append((text, field))

    def entered(field: str) -> str | None:
        value = values.get(field)
        if value is None or not str(value).strip():
            return None
        return str(value).strip()

    def text(field: str) -> str | None:
        value = entered(field)
        return None if value is None else _yaml_text(value)

    def number(field: str) -> str | None:
        value = entered(field)
        return None if value is None else _yaml_number(value)

    def date(field: str) -> str | None:
        value = entered(field)
        return None if value is None else _yaml_date(value)

    for key in grammar.text_keys():  # outcome, and any line of free text the grammar adds
        if text(key):
            put(f"{key}: {text(key)}", key)
    kpi = [(k, date(f"kpi.{k}") if k == "deadline" else text(f"kpi.{k}"))
           for k in ("name", "current", "target", "deadline", "owner", "judge")]
    if any(v for _, v in kpi):
        put("kpi:", "kpi.name")
        for k, v in kpi:
            if v:
                put(f"  {k}: {v}", f"kpi.{k}")
    put(f"metric: {text('metric') or 'auc'}", "metric")
    if values.get("target_from_kpi"):
        put("target: from kpi", "target_from_kpi")
    elif number("target"):
        put(f"target: {number('target')}", "target")
    baseline = entered("baseline") or "first"
    if baseline == "number":
        put(f"baseline: {number('baseline.value') or ''}", "baseline.value")
    else:
        put(f"baseline: {_yaml_text(baseline)}", "baseline")
    amounts = [(k, number(f"value.{k}")) for k in ("tp", "fp", "fn", "tn", "under", "over")]
    amounts = [(k, v) for k, v in amounts if v]
    if amounts:
        put("value:", f"value.{amounts[0][0]}")
        for k, v in amounts:
            put(f"  {k}: {v}", f"value.{k}")
    if text("population"):
        put(f"population: {text('population')}", "population")
    if entered("action.rule") or entered("action.effect"):
        put("action:", "action.verb")
        verb = _yaml_text(entered("action.verb") or "contact")
        put(f"  {verb}: {text('action.rule') or ''}", "action.rule")
        if number("action.effect"):
            put(f"  effect: {number('action.effect')}", "action.effect")
    data = [(k, text(f"data.{k}")) for k in ("train", "test")]
    if any(v for _, v in data):
        put("data:", "data.test")
        for k, v in data:
            if v:
                put(f"  {k}: {v}", f"data.{k}")
    stop = [(k, number(f"stop.{k}")) for k in ("min_gain", "patience", "confidence")]
    if any(v for _, v in stop):
        put("stop:", "stop.patience")
        for k, v in stop:
            if v:
                put(f"  {k}: {v}", f"stop.{k}")
    cell = "\n".join(t for t, _ in lines)
    return cell, {i + 1: field for i, (_, field) in enumerate(lines)}


# What the `%%objective` line cannot take as part of a name: quotes and backslashes are read as
# quoting, and `{...}` and `$name` are code in the line of a magic that does not opt out of
# IPython's expansion (nbalign's magics do; a copied cell may meet one that does not).
_NAME_REFUSED = re.compile(r"""[{}$'"\\]""")


def name_on_magic_line(name: str) -> str:
    """``name`` as written after ``%%objective``, so that the magic reads it back as ``name``.

    A name with spaces is quoted. A name with braces, ``$``, quotes, a backslash or a character
    that does not print, or one starting with ``-`` (an option), is refused, with a name to
    write instead.

    Raises
    ------
    ObjectiveError
        On line 1 (the magic's line), saying what to write instead.

    Examples
    --------
    >>> name_on_magic_line("churn"), name_on_magic_line("churn model")
    ('churn', "'churn model'")
    """
    from .errors import ObjectiveError

    instead = re.sub(r"[^\w.\- ]+", "_", name).strip("_-. ") or "objective"
    refused = sorted(set(_NAME_REFUSED.findall(name)))
    refused += [repr(c) for c in dict.fromkeys(name) if not c.isprintable()]
    if refused:
        shown = ", ".join(c if c.startswith("'\\") else f"`{c}`" for c in refused)
        raise ObjectiveError(f"the objective's name cannot hold {shown}: the `%%objective` line would not "
                             f"read it back as written. Write letters, digits, spaces and - _ . ( ), e.g. "
                             f"`{instead}`.", 1)
    if name.startswith("-"):
        raise ObjectiveError(f"the objective's name cannot start with `-`: the `%%objective` line reads it as "
                             f"an option. Write e.g. `{instead}`.", 1)
    written = f"'{name}'" if any(c.isspace() for c in name) else name
    if _name_read_back(written) != name:  # a last check with the magic's own parser
        raise ObjectiveError(f"the objective's name cannot be written on the `%%objective` line as it is. "
                             f"Write letters, digits, spaces and - _ . ( ), e.g. `{instead}`.", 1)
    return written


def _name_read_back(line: str) -> str | None:
    """The name ``%%objective <line>`` declares, read by the magic's own parser; None if it refuses."""
    from IPython.core.error import UsageError

    from .errors import NbalignError
    from .lines import objective_name

    try:
        return objective_name(line)
    except (UsageError, NbalignError):
        return None


def _yaml_text(text: str) -> str:
    """``text`` as a YAML scalar that reads back as this very string: plain where YAML reads it
    so, quoted where it would read something else (``'007'``, ``'yes'``, ``'null'``, ``'#1'``,
    ``': '``), on one line (a line break is written ``\\n`` in double quotes)."""
    import yaml

    def dump(**style) -> str:
        dumped = yaml.safe_dump({"k": text}, allow_unicode=True, width=1 << 30, **style)
        return dumped.split(": ", 1)[1].rstrip("\n")  # `k: ` or, in double quotes, `"k": `

    written = dump()
    if len(written.splitlines()) > 1:  # a line break (\n, \x85, \u2028 ...) folds: escape it
        written = dump(default_style='"')
    return written


def _yaml_number(text: str) -> str:
    """A number typed into the form as YAML: as typed when YAML reads it as the number the
    objective parser reads in the text (``0.70``, ``1_000``, ``3``), quoted as text otherwise
    (``010``, which YAML reads as octal 8; ``30%``, ``$160`` stay plain text)."""
    import yaml

    from .objective import _as_number

    try:
        read = yaml.safe_load(f"k: {text}")
    except (yaml.YAMLError, ValueError):
        read = None
    number = read.get("k") if isinstance(read, dict) else None
    if isinstance(number, (int, float)) and not isinstance(number, bool) and number == _as_number(text):
        return text  # patience must stay an integer: it is not quoted
    return _yaml_text(text)


def _yaml_date(text: str) -> str:
    """A date as YAML reads it back as the same date (plain ISO); anything else as text, for the
    parser to say what is wrong with it."""
    import datetime

    try:
        if datetime.date.fromisoformat(text).isoformat() == text:
            return text
    except ValueError:
        pass
    return _yaml_text(text)


def validate_cell(text: str, namespace: dict | None = None):
    """Validate a cell the way ``%%objective`` does: ``(objective, None, None)``, or ``(None,
    message, line)`` with the parser's own message and the cell line it names."""
    from .errors import ObjectiveError
    from .objective import check_names, parse_objective

    head, _, body = text.partition("\n")
    name = _name_read_back(head.partition(" ")[2])
    if name is None:
        return None, "%%objective, line 1: the objective's name cannot be read from this line.", 1
    try:
        objective = parse_objective(body, name=name)
        if namespace is not None:
            check_names(objective, namespace)
    except ObjectiveError as exc:
        return None, str(exc), exc.line
    return objective, None, None


def _number_text(x: float, scale: float = 1) -> str | None:
    """The shortest text of ``x * scale`` that reads back as exactly ``x`` once divided by
    ``scale`` (0.8123456789 stays 0.8123456789; 0.3 at scale 100 is ``30``); None if none does."""
    for digits in range(1, 18):
        shown = float(f"{x * scale:.{digits}g}")
        if shown / scale == x:
            written = repr(shown)  # not the `g` format: 160, not 1.6e+02
            return written.removesuffix(".0")
    return None


def _amount_text(amount: float, value) -> str:
    """An amount of the value's currency as the parser reads it back exactly: ``-$20``,
    ``EUR 0.5``, ``3 euros`` (the marker where it was written); a plain number without one."""
    from .kpi import parse_quantity

    number = _number_text(abs(amount))
    assert number is not None  # a finite amount (the parser's): 17 significant digits always read back
    sign = "-" if amount < 0 else ""
    if not value.currency:
        return sign + number
    marker = value.marker or value.currency
    spaced = (f"{sign}{marker} {number}", f"{sign}{number} {marker}")  # EUR 30000, 3 euros
    for written in spaced if marker[-1].isalpha() else (f"{sign}{marker}{number}", *spaced):
        try:
            read = parse_quantity(written)
        except ValueError:
            continue
        if (read.kind, read.value, read.currency, read.marker or read.currency) == ("money", amount, value.currency,
                                                                                      marker):
            return written
    return f"{sign}{value.currency} {number}"  # the code, if the marker cannot be written back


def form_values(objective) -> dict[str, Any]:
    """The form's values for an existing objective (the form opens pre-filled with it), each
    written so that the cell the form writes reads back as the same objective."""
    values: dict[str, Any] = {"name": objective.name, "metric": objective.metric.name.split(":")[0]}
    values.update({key: getattr(objective, key) or "" for key in grammar.text_keys()})
    if objective.kpi is not None:
        for key in ("name", "current", "target", "deadline", "owner", "judge"):
            values[f"kpi.{key}"] = getattr(objective.kpi, key) or ""
    values["target_from_kpi"] = objective.target_from_kpi
    values["target"] = "" if objective.target is None or objective.target_from_kpi else _number_text(objective.target)
    baseline = objective.baseline
    values["baseline"] = "number" if baseline.kind == "number" else (baseline.model if baseline.kind == "model"
                                                                      else baseline.kind)
    if baseline.kind == "number":
        values["baseline.value"] = _number_text(baseline.value)
    for key in ("train", "test"):
        pair = getattr(objective, f"data_{key}")
        values[f"data.{key}"] = ", ".join(pair) if pair else ""
    value = objective.value
    if value is not None:
        keys = ("tp", "fp", "fn", "tn") if value.kind == "matrix" else ("under", "over")
        for key in keys:
            values[f"value.{key}"] = _amount_text(getattr(value, key), value)
    if objective.population is not None:
        values["population"] = objective.population.text
    if objective.action is not None:
        values["action.verb"] = objective.action.verb
        values["action.rule"] = objective.action.text
        effect, ends = objective.action.effect, objective.action.effect_range
        if ends is not None:  # a range: its ends, as percentages when they read back exactly so (the middle follows)
            percents = [_number_text(end, 100) for end in ends]
            written = [f"{p}%" for p in percents] if None not in percents else [_number_text(end) for end in ends]
            values["action.effect"] = f"{written[0]} to {written[1]}"
        elif effect is not None:
            percent = _number_text(effect, 100)
            values["action.effect"] = f"{percent}%" if percent is not None else _number_text(effect)
    stop = objective.stop
    values["stop.min_gain"] = "" if stop.min_gain is None else _number_text(stop.min_gain)
    values["stop.patience"] = str(stop.patience)
    values["stop.confidence"] = _number_text(stop.confidence)
    return values


class ObjectiveForm:
    """``%objective --form``: the objective as a form of widgets, checked as it is typed.

    There is one validator, the ``%%objective`` magic's own: the form writes the cell its fields
    stand for (:func:`objective_cell`), reads its line with the magic's argument parser and its
    body with the objective parser, and shows the message under the field of the line it names,
    then the objective's checks (NBA1xx). "Write objective cell" inserts that cell below, so the
    declaration lives as text, and writes nothing while the form shows a mistake. An existing
    objective pre-fills the form, and the cell written from it declares that same objective
    (a name the magic's line cannot hold excepted: the form says what to write instead).
    """

    def __init__(self, namespace: dict, objective=None, write=None):
        import ipywidgets as w

        self.namespace = namespace
        self.write_cell = write
        values = form_values(objective) if objective is not None else {"name": "objective", "baseline": "auto",
                                                                        "metric": "average_precision",
                                                                        "stop.patience": "3"}
        xs, ys = _data_variables(namespace)
        pairs = [f"{x}, {y}" for x in xs for y in ys]
        pairs.sort(key=lambda p: (p.split(", ")[0][1:] != p.split(", ")[1][1:], p))  # X_test, y_test first
        models = [k for k, v in namespace.items() if not k.startswith("_") and hasattr(v, "predict")
                  and not isinstance(v, type)]
        self.fields: dict[str, Any] = {}
        widgets_of = {f["key"]: f.get("widget") for f in grammar.form_fields()}
        for key, label in FORM_FIELDS:
            value = values.get(key)
            if key == "metric":
                options = metric_options()
                chosen = value if value in {v for _, v in options} else None
                if value and chosen is None:  # an alias the list does not show (ap, roc_auc ...)
                    options.append((value, value))
                    chosen = value
                widget = w.Dropdown(options=options, value=chosen or "average_precision", description=label)
            elif key == "baseline":
                options = [("auto: a linear model fitted on the training data", "auto"),
                           ("first: the first model evaluated", "first"),
                           ("a number: today's system scores", "number")]
                options += [(f"the model {m}", m) for m in models]
                if value and value not in {v for _, v in options}:  # a stored objective's model, not defined yet
                    options.append((f"the model {value} (not defined yet)", value))
                current = value or "auto"
                widget = w.Dropdown(options=options, value=current, description=label)
            elif key == "target_from_kpi":
                widget = w.Checkbox(value=bool(value), description=label, indent=False)
            elif key in ("data.train", "data.test"):
                part = key.split(".")[1]
                widget = w.Combobox(value=value or "", options=pairs, ensure_option=False, description=label,
                                    placeholder=f"X_{part}, y_{part}")
            elif widgets_of.get(key) == "textarea":
                widget = w.Textarea(value=value or "", description=label, rows=2)
            else:
                widget = w.Text(value=value or "", description=label, placeholder=_PLACEHOLDERS.get(key, ""))
            widget.style = {"description_width": "120px"}
            widget.layout = w.Layout(width="auto", max_width="680px")  # never wider than the output area
            widget.observe(self._changed, names="value")
            self.fields[key] = widget
        self.errors = {key: w.HTML() for key, _ in FORM_FIELDS}
        self.general = w.HTML()
        self.findings = w.HTML()
        self.button = w.Button(description="Write objective cell", button_style="primary", icon="pencil")
        self.button.on_click(lambda _: self.write())
        self.written = w.Textarea(layout=w.Layout(width="100%", display="none"), rows=12)

        def section(title: str, keys: tuple[str, ...]):
            rows = [w.VBox([self.fields[k], self.errors[k]]) for k in keys]
            return w.VBox([w.HTML(f"<b>{escape(title)}</b>")] + rows)

        parts = [w.Accordion([section(s["title"], s["keys"])], titles=(s["title"],)) if s.get("folded")
                 else section(s["title"], s["keys"]) for s in grammar.sections()]
        self.widget = w.VBox(parts + [self.general, self.findings, self.button, self.written])
        self.widget.add_class("nbalign-form")
        self.validate()

    def values(self) -> dict[str, Any]:
        return {key: widget.value for key, widget in self.fields.items()}

    def cell(self) -> str:
        """The ``%%objective`` cell the form stands for; ObjectiveError if its name cannot be written."""
        return objective_cell(self.values())[0]

    def _changed(self, change=None) -> None:
        try:
            self.validate()
        except Exception as exc:  # noqa: BLE001 - a form that cannot check still lets the user type
            self.general.value = (f"<span style='color:{_TONES['bad']}'>nbalign could not check the form "
                                  f"({escape(type(exc).__name__)}: {escape(str(exc))}).</span>")

    def validate(self):
        """Parse the cell the form stands for; put the parser's message under its field."""
        from .errors import ObjectiveError

        try:
            text, fields = objective_cell(self.values())
        except ObjectiveError as exc:  # a name the magic's line cannot hold: there is no cell to parse
            objective, message, line, fields = None, str(exc), exc.line, {1: "name"}
        else:
            objective, message, line = validate_cell(text, self.namespace)
        for box in self.errors.values():
            box.value = ""
        self.general.value = self.findings.value = ""
        self.button.disabled = objective is None
        if objective is None:
            reason = message.split(": ", 1)[1] if message.startswith("%%objective") and ": " in message else message
            shown = f"<span style='color:{_TONES['bad']}'>{escape(reason)}</span>"
            field = None if line is None else fields.get(line)
            (self.errors.get(field, self.general)).value = shown
            self.error: tuple[str | None, str] | None = (field, message)
            return None
        self.error = None
        import datetime

        from .checks import objective_findings
        from .judge import ObjectiveFacts

        found = objective_findings(ObjectiveFacts(objective, datetime.date.today()))
        self.findings.value = "".join(
            f"<div style='color:{_MUTED}'><code>{escape(f.code)}</code> {escape(f.message)}</div>" for f in found)
        return objective

    def write(self) -> str | None:
        """Insert the objective cell below (through the sidebar's channel), or show it to copy.

        Nothing is written while the form shows a mistake (the button is disabled then): None.
        """
        if self.validate() is None:
            return None
        text = self.cell()
        inserted = False
        if self.write_cell is not None:
            try:
                inserted = bool(self.write_cell(text))
            except Exception:  # noqa: BLE001 - no front end to ask: the text is shown instead
                inserted = False
        if not inserted:
            self.written.value = text
            self.written.layout.display = "block"
            self.general.value = (f"<span style='color:{_MUTED}'>Copy this cell into the notebook below and run "
                                  "it.</span>")
        return text

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .errors import ObjectiveError

        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        try:
            bundle["text/plain"] = self.cell()
        except ObjectiveError as exc:
            bundle["text/plain"] = f"nbalign: {exc.reason}"
        return bundle


def _data_variables(namespace: dict) -> tuple[list[str], list[str]]:
    """Names of the user's feature tables (two dimensions) and label vectors (one)."""
    xs: list[str] = []
    ys: list[str] = []
    for name, value in namespace.items():
        if name.startswith("_") or isinstance(value, type):
            continue
        shape = getattr(value, "shape", None)
        if not isinstance(shape, tuple):
            continue
        (xs if len(shape) == 2 else ys if len(shape) == 1 else []).append(name)
    return sorted(xs), sorted(ys)
