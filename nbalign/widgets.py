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
from .standing import APART

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
    percent = "—" if progress is None else format_percent(progress)
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
    ticks = _ticks(low, high)
    decimals = 0 if len(ticks) < 2 else max(0, -math.floor(math.log10(ticks[1] - ticks[0]) + 1e-9))
    for tick in ticks:  # one number of decimals for every tick, from their step
        parts.append(f"<text x='{left - 4}' y='{y(tick) + 4:.1f}' text-anchor='end' font-size='10' "
                     f"fill='{_MUTED}'>{tick:.{decimals}f}</text>"
                     f"<line x1='{left}' x2='{width - right}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' "
                     f"stroke='{_BORDER}' stroke-width='0.5'/>")
    for key, label, colour, dash in (("baseline", "baseline", _MUTED, "4 3"), ("target", "target", _TONES["good"], "6 3")):
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
        parts.append(f"<polyline points='{' '.join(best_points)}' fill='none' stroke='{_TONES['neutral']}' "
                     "stroke-width='1.5' opacity='0.8'><title>best so far</title></polyline>")
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
FORM_FIELDS = (
    ("name", "Name"), ("outcome", "Outcome"),
    ("kpi.name", "KPI"), ("kpi.current", "Current"), ("kpi.target", "Target"), ("kpi.deadline", "Deadline"),
    ("kpi.owner", "Owner"), ("kpi.judge", "Judge"),
    ("metric", "Metric"), ("target", "Metric target"), ("target_from_kpi", "Derive from the KPI"),
    ("baseline", "Baseline"), ("baseline.value", "Baseline value"),
    ("data.train", "Training data"), ("data.test", "Test data"),
    ("value.tp", "Value of tp"), ("value.fp", "Value of fp"), ("value.fn", "Value of fn"), ("value.tn", "Value of tn"),
    ("population", "Population"), ("action.verb", "Action"), ("action.rule", "Acts on"), ("action.effect", "Effect"),
    ("stop.min_gain", "Min gain"), ("stop.patience", "Patience"), ("stop.confidence", "Confidence"),
)


def metric_options() -> list[tuple[str, str]]:
    """The metric dropdown: the common metrics with a hint each, then every other scikit-learn
    scorer by task, each as ``task · name: hint``."""
    from sklearn.metrics import get_scorer_names

    from .metrics import _ALIASES
    from .tasks import metric_task

    options = [(f"{task} · {name}: {hint}", name) for task, name, hint in METRIC_CHOICES]
    offered = {name for _, name, _ in METRIC_CHOICES} | {_ALIASES[n][0] for _, n, _ in METRIC_CHOICES if n in _ALIASES}
    others = []
    for scorer in get_scorer_names():
        if scorer in offered:
            continue
        task = metric_task(scorer) or "clustering"
        direction = "a loss, negated (lower is better)" if scorer.startswith("neg_") else "higher is better"
        others.append((task != "classification", task != "regression", scorer,
                       f"{task} · {scorer}: scikit-learn's scorer, {direction}"))
    return options + [(label, scorer) for *_, scorer, label in sorted(others)]


def objective_cell(values: dict[str, Any]) -> tuple[str, dict[int, str]]:
    """The ``%%objective`` cell for the form's values, and which field each of its lines holds.

    ``values`` maps the keys of :data:`FORM_FIELDS` to what was entered (text, or None/"" for
    nothing). Only what is filled in is written; text that YAML would read otherwise is quoted.
    """
    lines: list[tuple[str, str | None]] = [(f"%%objective {values.get('name') or 'objective'}", "name")]

    def put(key: str, text: str, field: str) -> None:
        lines.append((text, field))

    def scalar(field: str) -> str | None:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return _yaml_scalar(str(value).strip())

    if scalar("outcome"):
        put("outcome", f"outcome: {scalar('outcome')}", "outcome")
    kpi = [(k, scalar(f"kpi.{k}")) for k in ("name", "current", "target", "deadline", "owner", "judge")]
    if any(v for _, v in kpi):
        put("kpi", "kpi:", "kpi.name")
        for k, v in kpi:
            if v:
                put(f"kpi.{k}", f"  {k}: {v}", f"kpi.{k}")
    put("metric", f"metric: {scalar('metric') or 'auc'}", "metric")
    if values.get("target_from_kpi"):
        put("target", "target: from kpi", "target_from_kpi")
    elif scalar("target"):
        put("target", f"target: {scalar('target')}", "target")
    baseline = values.get("baseline") or "first"
    if baseline == "number":
        put("baseline", f"baseline: {scalar('baseline.value') or ''}", "baseline.value")
    else:
        put("baseline", f"baseline: {baseline}", "baseline")
    amounts = [(k, scalar(f"value.{k}")) for k in ("tp", "fp", "fn", "tn")]
    if any(v for _, v in amounts):
        put("value", "value:", "value.tp")
        for k, v in amounts:
            if v:
                put(f"value.{k}", f"  {k}: {v}", f"value.{k}")
    if scalar("population"):
        put("population", f"population: {scalar('population')}", "population")
    if scalar("action.rule") or scalar("action.effect"):
        put("action", "action:", "action.verb")
        put("action.rule", f"  {values.get('action.verb') or 'contact'}: {scalar('action.rule') or ''}", "action.rule")
        if scalar("action.effect"):
            put("action.effect", f"  effect: {scalar('action.effect')}", "action.effect")
    data = [(k, values.get(f"data.{k}")) for k in ("train", "test")]
    if any(v for _, v in data):
        put("data", "data:", "data.test")
        for k, v in data:
            if v:
                put(f"data.{k}", f"  {k}: {v}", f"data.{k}")
    stop = [(k, scalar(f"stop.{k}")) for k in ("min_gain", "patience", "confidence")]
    if any(v for _, v in stop):
        put("stop", "stop:", "stop.patience")
        for k, v in stop:
            if v:
                put(f"stop.{k}", f"  {k}: {v}", f"stop.{k}")
    text = "\n".join(t for t, _ in lines)
    return text, {i + 1: field for i, (_, field) in enumerate(lines)}


def _yaml_scalar(text: str) -> str:
    """``text`` as YAML reads it back as the same text or number: plain when it is, quoted if not."""
    import yaml

    try:
        read = yaml.safe_load(f"k: {text}")
    except (yaml.YAMLError, ValueError):  # ValueError: a date that does not exist (2027-02-30)
        read = None
    if isinstance(read, dict) and read.get("k") is not None and str(read["k"]) == text:
        return text
    if isinstance(read, dict) and isinstance(read.get("k"), (int, float)) and not isinstance(read["k"], bool):
        return text  # a number as the user wrote it (0.70, 1e-3)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def validate_cell(text: str, namespace: dict | None = None):
    """Validate a cell the way ``%%objective`` does: ``(objective, None, None)``, or ``(None,
    message, line)`` with the parser's own message and the cell line it names."""
    from .errors import ObjectiveError
    from .objective import check_names, parse_objective

    head, _, body = text.partition("\n")
    name = head.split(maxsplit=1)[1].strip() if len(head.split(maxsplit=1)) > 1 else "objective"
    try:
        objective = parse_objective(body, name=name)
        if namespace is not None:
            check_names(objective, namespace)
    except ObjectiveError as exc:
        return None, str(exc), exc.line
    return objective, None, None


def form_values(objective) -> dict[str, Any]:
    """The form's values for an existing objective (the form opens pre-filled with it)."""
    values: dict[str, Any] = {"name": objective.name, "outcome": objective.outcome or "",
                              "metric": objective.metric.name.split(":")[0]}
    if objective.kpi is not None:
        for key in ("name", "current", "target", "deadline", "owner", "judge"):
            values[f"kpi.{key}"] = getattr(objective.kpi, key) or ""
    values["target_from_kpi"] = objective.target_from_kpi
    values["target"] = "" if objective.target is None or objective.target_from_kpi else f"{objective.target:g}"
    baseline = objective.baseline
    values["baseline"] = "number" if baseline.kind == "number" else (baseline.model if baseline.kind == "model"
                                                                      else baseline.kind)
    if baseline.kind == "number":
        values["baseline.value"] = f"{baseline.value:g}"
    for key in ("train", "test"):
        pair = getattr(objective, f"data_{key}")
        values[f"data.{key}"] = ", ".join(pair) if pair else ""
    value = objective.value
    if value is not None and getattr(value, "kind", None) == "matrix":
        from .business import format_money

        for key in ("tp", "fp", "fn", "tn"):
            amount = getattr(value, key)
            values[f"value.{key}"] = (format_money(amount, value).replace("\u2212", "-") if value.currency
                                      else f"{amount:g}")
    if objective.population is not None:
        values["population"] = objective.population.text
    if objective.action is not None:
        values["action.verb"] = objective.action.verb
        values["action.rule"] = objective.action.text
        if objective.action.effect is not None:
            values["action.effect"] = f"{objective.action.effect * 100:g}%"
    stop = objective.stop
    values["stop.min_gain"] = "" if stop.min_gain is None else f"{stop.min_gain:g}"
    values["stop.patience"] = str(stop.patience)
    values["stop.confidence"] = f"{stop.confidence:g}"
    return values


class ObjectiveForm:
    """``%objective --form``: the objective as a form of widgets, checked as it is typed.

    There is one validator, the ``%%objective`` parser itself: the form writes the cell its
    fields stand for (:func:`objective_cell`), parses it, and shows the parser's message under the
    field of the line it names, then the objective's checks (NBA1xx). "Write objective cell"
    inserts that cell below, so the declaration lives as text; an existing objective pre-fills
    the form.
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
                current = value if value in {v for _, v in options} else "auto"
                widget = w.Dropdown(options=options, value=current, description=label)
            elif key == "target_from_kpi":
                widget = w.Checkbox(value=bool(value), description=label, indent=False)
            elif key in ("data.train", "data.test"):
                part = key.split(".")[1]
                widget = w.Combobox(value=value or "", options=pairs, ensure_option=False, description=label,
                                    placeholder=f"X_{part}, y_{part}")
            elif key == "outcome":
                widget = w.Textarea(value=value or "", description=label, rows=2)
            else:
                widget = w.Text(value=value or "", description=label)
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

        self.widget = w.VBox([
            section("1. Business outcome", ("name", "outcome")),
            section("2. Success criteria (numbers with their unit, or a judge)",
                    ("kpi.name", "kpi.current", "kpi.target", "kpi.deadline", "kpi.owner", "kpi.judge")),
            section("3. The ML metric", ("metric", "target", "target_from_kpi")),
            section("4. The baseline and the data", ("baseline", "baseline.value", "data.train", "data.test")),
            w.Accordion([section("Money and KPI (optional)",
                                 ("value.tp", "value.fp", "value.fn", "value.tn", "population", "action.verb",
                                  "action.rule", "action.effect"))], titles=("Money and KPI (optional)",)),
            section("5. When to stop", ("stop.min_gain", "stop.patience", "stop.confidence")),
            self.general, self.findings, self.button, self.written,
        ])
        self.widget.add_class("nbalign-form")
        self.validate()

    def values(self) -> dict[str, Any]:
        return {key: widget.value for key, widget in self.fields.items()}

    def cell(self) -> str:
        return objective_cell(self.values())[0]

    def _changed(self, change=None) -> None:
        try:
            self.validate()
        except Exception as exc:  # noqa: BLE001 - a form that cannot check still lets the user type
            self.general.value = f"<span style='color:{_TONES['bad']}'>nbalign could not check the form " \
                                 f"({escape(type(exc).__name__)}: {escape(str(exc))}).</span>"

    def validate(self):
        """Parse the cell the form stands for; put the parser's message under its field."""
        text, fields = objective_cell(self.values())
        objective, message, line = validate_cell(text, self.namespace)
        for box in self.errors.values():
            box.value = ""
        self.general.value = self.findings.value = ""
        self.button.disabled = objective is None
        if objective is None:
            reason = message.split(": ", 1)[1] if message.startswith("%%objective") and ": " in message else message
            shown = f"<span style='color:{_TONES['bad']}'>{escape(reason)}</span>"
            field = fields.get(line)
            (self.errors[field] if field in self.errors else self.general).value = shown
            self.error = (field, message)
            return None
        self.error = None
        import datetime

        from .checks import objective_findings
        from .standing import ObjectiveFacts

        found = objective_findings(ObjectiveFacts(objective, datetime.date.today()))
        self.findings.value = "".join(
            f"<div style='color:{_MUTED}'><code>{escape(f.code)}</code> {escape(f.message)}</div>" for f in found)
        return objective

    def write(self) -> str:
        """Insert the objective cell below (through the sidebar's channel), or show it to copy."""
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
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/plain"] = self.cell()
        return bundle


def _data_variables(namespace: dict) -> tuple[list[str], list[str]]:
    """Names of the user's feature tables (two dimensions) and label vectors (one)."""
    xs, ys = [], []
    for name, value in namespace.items():
        if name.startswith("_") or isinstance(value, type):
            continue
        shape = getattr(value, "shape", None)
        if not isinstance(shape, tuple):
            continue
        (xs if len(shape) == 2 else ys if len(shape) == 1 else []).append(name)
    return sorted(xs), sorted(ys)
