"""The decision report: a decision record (:func:`nbalign.decision.decision_record`) as one page
to read, print or mail on (HTML), and as the same text for a pull request or a CI summary (Markdown).
``nbalign.report()``, ``%nbalign report`` and ``nbalign report`` write it. (The module is not
``nbalign.report``: importing it under that name would replace the function ``nbalign.report``.)

Both renderings are pure functions of the record: :func:`sections` puts every figure into words
once (with :mod:`nbalign.format`'s rules, as every other view writes them), and two Jinja2
templates (``templates/report.html.j2``, ``templates/report.md.j2``) lay the same sections out.
Nothing is judged here: the verdicts, the best, the model to ship and why, every interval and
the bar the shipped model is held to are the record's, so the report tells the story the sidebar
and the notebook tell. User text (names, the outcome, reasons, why-lines) is data: the HTML
template escapes it (autoescape), and the Markdown one escapes what Markdown would read as markup.

The HTML page stands alone: inline CSS, an inline SVG chart (:mod:`nbalign.report_chart`), no
script, no font, image or style sheet fetched from anywhere, and print styles so a browser's
"Save as PDF" gives a clean A4 or Letter document.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from .checks import LEVELS  # the order a reader should see findings in (checks.by_importance)
from .errors import NbalignError
from .events import short_hash
from .format import (
    format_change,
    format_ends,
    format_family_level,
    format_interval,
    format_level,
    format_p,
    format_percent,
    format_score,
    format_small,
)

_ROWS_PER_CHECK = 3  # messages shown under a check that fired on many rows; the rest are counted


def report_html(record: dict, today: _dt.date | None = None) -> str:
    """The decision record as a self-contained HTML page.

    ``today`` sets the time left to the KPI's deadline; by default the day the record was written.

    Examples
    --------
    >>> page = report_html(session.decision_record())  # doctest: +SKIP
    >>> page.startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    return _template("report.html.j2", html=True).render(**sections(record, today))


def report_markdown(record: dict, today: _dt.date | None = None) -> str:
    """The decision record as GitHub-flavoured Markdown: a pull request's comment or
    ``$GITHUB_STEP_SUMMARY``. The same sections as :func:`report_html`; the chart is one line."""
    return _template("report.md.j2", html=False).render(**sections(record, today))


def write_report(record: dict, path: str | Path, today: _dt.date | None = None) -> tuple[Path, Path]:
    """Write the report to ``path`` (HTML) and beside it the same name ending ``.md``; return both."""
    html = Path(path)
    markdown = html.with_suffix(".md")
    pages = report_html(record, today), report_markdown(record, today)
    try:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(pages[0], encoding="utf-8")
        markdown.write_text(pages[1], encoding="utf-8")
    except OSError as exc:  # a folder the user cannot write: a mistake to name, not a traceback
        raise NbalignError(f"could not write the report to {html} ({exc.strerror or exc}): name a file in a folder "
                           "you can write, such as `%nbalign report reports/churn.html`.") from None
    return html, markdown


# ------------------------------------------------------------------------------ the sections


def sections(record: dict, today: _dt.date | None = None) -> dict[str, Any]:
    """Every section of the report, its figures in words, in the order the report shows them."""
    from .report_chart import chart

    standing = record["standing"]
    today = today or _dt.date.fromisoformat(record["written_at"][:10])
    rows = _terms(standing, today)
    return {
        "record": record,
        "title": record["objective"]["name"],
        "version": record["objective"]["version"],
        "short_hash": short_hash(record["objective"]["content_hash"]),
        "written": when(record["written_at"]),
        "nbalign": record.get("nbalign"),
        "outcome": standing["objective"].get("outcome"),
        "kpi": _kpi(standing["objective"].get("kpi"), rows),
        "recommendation": _recommendation(standing),
        "derivation": ((standing["summary"].get("business") or {}).get("derivation")),
        "progress": _progress(standing, rows.get("Projection")),
        "models": _models(record),
        "chart": chart(record),
        "chart_line": _chart_line(record),
        "checks": _checks(standing),
        "terms": [(k, v) for k, v in rows.items() if k not in ("Outcome", "KPI", "Projection")
                  and not k.startswith("Why version")],
        "history": _history(record),
        "shipped": _shipped(record),
        "realized": [_realized(r) for r in record.get("realized", [])],
    }


def _terms(standing: dict, today: _dt.date) -> dict[str, str]:
    """The objective in words, by label, as its card says it in the notebook (with what the KPI's
    projection assumes), the measured baseline and min_gain the standing's."""
    from .display import objective_rows
    from .objective import Objective

    summary = standing["summary"]
    measured = SimpleNamespace(baseline=summary["baseline"], min_gain=summary["min_gain"])
    return dict(objective_rows(Objective.from_dict(standing["objective"]), measured, today=today))


def _kpi(kpi: dict | None, rows: dict[str, str]) -> dict | None:
    if not kpi:
        return None
    who = [("Owner", kpi.get("owner")), ("Judge", kpi.get("judge"))]
    return {"statement": rows.get("KPI"), "name": kpi.get("name"), "current": kpi.get("current"),
            "target": kpi.get("target"), "deadline": kpi.get("deadline"),
            "who": [(role, name) for role, name in who if name]}


def _recommendation(standing: dict) -> dict:
    summary = standing["summary"]
    ship, banner = summary["ship"], summary["banner"]
    return {
        "story": summary.get("story") or "Nothing to recommend yet: no model has been evaluated.",
        "ship": None if ship is None else {"name": ship["name"], "score": format_score(ship["score"]),
                                           "reason": ship["reason"], "baseline": ship["role"] == "baseline"},
        "metric": standing["objective"]["metric"]["label"],
        "banner": banner,
    }


def _progress(standing: dict, assumptions: str | None) -> dict | None:
    """Progress to the target (the best's, with the interval of the claim over the baseline) and
    the projected KPI; None when there is neither a target nor a projection to show."""
    summary = standing["summary"]
    business = summary.get("business") or {}
    kpi, value = business.get("kpi"), business.get("value")
    metric = None
    if summary["progress"] is not None and summary["best"] is not None:
        spread = summary["progress_interval"]
        metric = {
            "best": summary["best"]["name"], "percent": format_percent(summary["progress"]),
            "bar": _bar(summary["progress"], spread),
            "interval": None if spread is None else f"{format_percent(spread[0])} to {format_percent(spread[1])}",
            "label": summary["progress_interval_label"],
            "baseline": format_score(summary["baseline"]), "target": format_score(summary["target"]),
        }
    claim = summary.get("best_vs_baseline")
    if metric is None and kpi is None and claim is None:
        return None
    shown = None
    if kpi is not None:
        spread = kpi["progress_interval"]
        shown = {**kpi, "percent": format_percent(kpi["progress"]), "bar": _bar(kpi["progress"], spread),
                 "interval": None if not spread else f"{format_percent(spread[0])} to {format_percent(spread[1])}",
                 "level": format_level(summary["confidence"])}
    return {"metric": metric, "claim": None if claim is None else _claim(claim, summary), "kpi": shown,
            "value": None if value is None else value["text"], "assumptions": assumptions}


def _claim(claim: dict, summary: dict) -> dict:
    """"The best beats the baseline", in the sidebar's words (``baselineClaim`` in format.ts)."""
    words, tone = {"better": ("better than", "good"), "worse": ("worse than", "bad")}.get(
        claim["verdict"], ("not distinguishable from", "neutral"))
    corrected = claim["models_compared"] > 1 and claim["correction"].lower() not in ("", "none")
    correction = (f"after {claim['correction']}'s correction over {claim['models_compared']} models" if corrected
                  else "(a single comparison)")
    best = summary["best"]["name"] if summary["best"] else "the best"
    interval = format_interval(claim["low"], claim["high"], summary["confidence"])
    return {"text": f"{best} is {words} the baseline {correction}", "tone": tone,
            "difference": f"{format_change(claim['estimate'])} ({'Bonferroni-adjusted ' if corrected else ''}"
                          f"{interval}), {format_p(claim['p_adjusted'])}"}


def _bar(progress: float | None, interval) -> dict:
    """A progress bar's fill and interval, in percent of its width (0% to 100%, clamped)."""
    def clamp(v: float) -> float:
        return round(max(0.0, min(1.0, v)) * 100, 1)

    shown = interval and clamp(interval[1]) > clamp(interval[0])  # an interval wholly past an end is said, not drawn
    return {"fill": 0 if progress is None else clamp(progress), "reached": progress is not None and progress >= 1,
            "low": clamp(interval[0]) if shown else None, "high": clamp(interval[1]) if shown else None}


def _models(record: dict) -> dict:
    """The rows the record carries (the most recent), with their place in the chart's order."""
    from .complexity import Complexity, describe

    standing = record["standing"]
    summary, confidence = standing["summary"], standing["summary"]["confidence"]
    points = {p["id"]: p for p in record["points"]}
    order = {p["id"]: i for i, p in enumerate(p for p in record["points"] if p["judged"] and p["score"] is not None)}
    shipped = record.get("shipped")
    shipped_id = None if shipped is None or shipped.get("bar") is None else shipped["bar"]["record_id"]
    best_id = summary["best"]["id"] if summary["best"] else None
    ship_id = summary["ship"]["id"] if summary["ship"] else None
    rows = []
    for row in standing["rows"]:
        tested = row["vs_baseline"]
        change = row["change_vs_baseline"] if row["role"] == "model" else None
        cost = (points.get(row["id"]) or {}).get("complexity")
        # "to ship" where the judge would ship another model than the one shipped, or before a ship
        tags = [word for word, on in (("baseline", row["role"] == "baseline"), ("best", row["id"] == best_id),
                                      ("to ship", row["id"] == ship_id and ship_id != shipped_id),
                                      ("shipped", row["id"] == shipped_id)) if on]
        rows.append({
            "order": order[row["id"]] + 1 if row["id"] in order else "", "name": row["name"], "tags": tags,
            "word": row["word"], "tone": row["tone"], "score": format_score(row["score"]),
            "interval": None if row["interval"] is None else format_score_pair(row["interval"]),
            "change": None if change is None else format_change(change),
            "change_interval": None if change is None or tested is None else format_ends(tested["low"], tested["high"]),
            "cost": describe(Complexity.from_dict(cost)) if cost else "not measured",
        })
    metric = standing["objective"]["metric"]
    return {"rows": rows, "total": standing["rows_total"], "level": format_level(confidence), "metric": metric["label"],
            "direction": "higher is better" if metric["greater_is_better"] else "lower is better"}


def _chart_line(record: dict) -> str:
    """The chart as one line of text, for the Markdown form: each score in order."""
    summary = record["standing"]["summary"]
    scores = [f"{p['name']} {format_score(p['score'])}" for p in record["points"] if p["judged"]
              and p["score"] is not None]
    refs = [f"{k} {format_score(summary[k])}" for k in ("baseline", "target") if summary[k] is not None]
    return " · ".join(scores) + (f" ({', '.join(refs)})" if refs else "")


def _checks(standing: dict) -> list[dict]:
    """Each check that fired, the most important first: its title, level, what it said and its
    explanation. What it said of the objective as it stands (its findings, the banner) comes
    first; a check that fired on rows only gives the latest rows' messages (a row's message is
    as it was judged then, so the standing's own, when there is one, is the one to read)."""
    banner = standing["summary"]["banner"]
    now = list(standing["findings"]) + ([banner] if banner else [])
    on_rows = [f for row in reversed(standing["rows"]) for f in row["findings"]]
    checks = []
    for code, check in standing["checks"].items():
        said: list[str] = []
        for finding in [f for f in now if f["code"] == code] or [f for f in on_rows if f["code"] == code]:
            if finding["message"] not in said:
                said.append(finding["message"])
        checks.append({"code": code, **check, "messages": [pieces(m) for m in said[:_ROWS_PER_CHECK]],
                       "more": max(0, len(said) - _ROWS_PER_CHECK), "why": paragraphs(check["explanation"])})
    return sorted(checks, key=lambda c: (LEVELS.index(c["level"]) if c["level"] in LEVELS else 9, c["code"]))


def _history(record: dict) -> dict:
    """The objective's versions, newest first, and a warning for each role whose latest agreement
    is to another content than the current version's."""
    current = record["objective"]
    versions = [{**v, "when": when(v["created_at"]), "short_hash": short_hash(v["content_hash"]),
                 "current": v["content_hash"] == current["content_hash"] and v["version"] == current["version"],
                 "agreed": [{**a, "when": when(a["at"])} for a in v["agreements"]]}
                for v in record.get("history", [])]
    latest = record.get("agreements", [])
    stale = []
    for agreement in latest:
        if agreement["content_hash"] == current["content_hash"]:
            continue
        since = [c["text"] for v in reversed(record.get("history", [])) if v["version"] > agreement["version"]
                 for c in v["changes"]]
        stale.append({**agreement, "when": when(agreement["at"]), "short_hash": short_hash(agreement["content_hash"]),
                      "since": since, "command": f"%nbalign agree {current['name']} --as \"{agreement['role']}\""})
    holding = [a for a in latest if a["content_hash"] == current["content_hash"]]
    return {"versions": versions, "stale": stale, "agreed": bool(holding), "current": current["version"]}


def _shipped(record: dict) -> dict | None:
    shipped = record.get("shipped")
    if shipped is None:
        return None
    judged = shipped.get("judged") or {}
    recommended = judged.get("recommended")
    saved = shipped.get("saved")
    model = (saved or {}).get("model") or {}
    return {
        "name": shipped["model"]["name"], "estimator": shipped["model"].get("estimator"),
        "when": when(shipped["at"]), "by": shipped["by"], "version": shipped["version"],
        "short_hash": short_hash(shipped["content_hash"]),
        "changed_since": shipped["content_hash"] != record["objective"]["content_hash"],
        # a role's latest agreement holds for every version with the content it was given to (as the gate reads it)
        "agreed": any(a["content_hash"] == shipped["content_hash"] for a in record.get("agreements", [])),
        "latest_version": record["objective"]["version"],
        "recommended": shipped["recommended"], "reason": shipped.get("reason"),
        "judge_recommended": None if recommended is None else recommended["name"],
        "bar": bar_words(shipped.get("bar")),
        "story": judged.get("story"), "projection": (judged.get("projection") or {}).get("text"),
        "value": judged.get("value"),
        "saved": None if saved is None else {
            "folder": saved.get("folder"), "file": model.get("file"), "format": model.get("format"),
            "sha256": model.get("sha256"), "card": saved.get("card"),
            "libraries": ", ".join(f"{k} {v}" for k, v in (model.get("libraries") or {}).items())},
        "earlier": [{"name": s["model"]["name"], "when": when(s["at"]), "by": s["by"], "version": s["version"]}
                    for s in record.get("ships", [])[:-1]][::-1],
    }


def bar_words(bar: dict | None) -> dict | None:
    """A model against the agreed bar (:func:`nbalign.decision.assess`'s), in words: its score
    with its interval at its family's level, then (sentence, tone) against the target (None
    without one) and against the baseline. The report and the model card both say it so."""
    if bar is None:
        return None
    family = bar["models_compared"]
    level = format_family_level(bar["level"]) if family > 1 else format_level(bar["level"])
    interval = bar["interval"]
    score = f"{bar['metric_label']} {format_score(bar['score'])}"
    if interval is not None:
        ends = format_score_pair(interval)
        score += (f" (interval {ends} at {level}, for the best of {family} models)" if family > 1
                  else f" ({level} interval {ends})")
    target = None if bar["target"] is None else format_score(bar["target"])
    vs_target = None if target is None else {
        "reached": (f"Its interval clears the target {target}.", "good"),
        "short": (f"Its interval lies short of the target {target}.", "bad"),
        "straddles": (f"Its interval holds the target {target}: reaching it is not shown.", "neutral"),
        None: (f"It has no interval to compare with the target {target}.", "neutral"),
    }[bar["vs_target"]]
    gain = bar["vs_baseline"]
    baseline = format_score(bar["baseline"])
    min_gain = format_small(bar["min_gain"])
    if bar.get("role") == "baseline":
        vs_baseline = (f"It is the baseline model ({baseline}): shipping it brings no gain over the baseline.",
                       "neutral")
    elif gain is None:
        vs_baseline = (f"No paired comparison with the baseline {baseline}.", "neutral")
    else:
        said = (f"{format_change(gain['estimate'])} vs the baseline {baseline} "
                f"(interval {format_ends(gain['low'], gain['high'])} at {format_family_level(gain['level'])})")
        if bar["worse"]:
            vs_baseline = (f"{said}: shown worse than the baseline.", "bad")
        elif bar["real_gain"]:
            vs_baseline = (f"{said}: a real gain, clear of min_gain {min_gain}.", "good")
        else:
            vs_baseline = (f"{said}: no real gain, its interval does not clear min_gain {min_gain}.", "neutral")
    return {"score": score, "vs_target": vs_target, "vs_baseline": vs_baseline, "word": bar.get("word")}


def _realized(realized: dict) -> dict:
    projection = realized.get("projection") or {}
    return {"value": realized["value"], "on": realized["on"], "by": realized["by"], "note": realized.get("note"),
            "kpi": projection.get("kpi"), "current": projection.get("current"), "target": projection.get("target"),
            "projection": projection.get("text"),
            "findings": [{**f, "message": pieces(f["message"]), "why": paragraphs(f["explanation"])}
                         for f in realized.get("findings", [])]}


# ------------------------------------------------------------------------------ words


def when(iso: str | None) -> str:
    """``2026-12-07 23:27 UTC`` from an ISO time (its own offset when not UTC)."""
    if not iso:
        return "—"
    try:
        moment = _dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.utcoffset() in (None, _dt.timedelta(0)):
        return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.tzinfo else "")
    return moment.strftime("%Y-%m-%d %H:%M %z")


def format_score_pair(pair) -> str:
    """A score's interval: ``0.881 to 1.000``."""
    return f"{format_score(pair[0])} to {format_score(pair[1])}"


def paragraphs(text: str) -> list[list[tuple[str, str]]]:
    """A check's explanation (a docstring, wrapped at 100 columns) as paragraphs of running text,
    each as :func:`pieces`."""
    return [pieces(" ".join(line.strip() for line in block.splitlines()), emphasis=True)
            for block in re.split(r"\n\s*\n", text.strip())]


def pieces(text: str, emphasis: bool = False) -> list[tuple[str, str]]:
    """Text as (text, kind) pieces, ``kind`` one of ``text``, ``code`` and ``em``: what the
    messages and explanations quote between backticks (``min_gain`` in a docstring, `stop:
    min_gain:` in a message) is code; with ``emphasis`` (nbalign's own explanations, never a
    message that names the user's models), a verdict's words between asterisks (*not
    distinguishable*) are emphasised."""
    found, at = [], 0
    marks = r"``(.+?)``|`([^`]+)`" + (r"|(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])" if emphasis else "")
    for quoted in re.finditer(marks, text):
        if quoted.start() > at:
            found.append((text[at:quoted.start()], "text"))
        code = quoted.group(1) or quoted.group(2)
        found.append((code, "code") if code else (quoted.group(3), "em"))
        at = quoted.end()
    return found + ([(text[at:], "text")] if at < len(text) else [])


# ------------------------------------------------------------------------------ templates


class Raw(str):
    """Markdown the template wrote itself (a code span): not escaped again."""


def markdown_text(value: Any) -> Any:
    """User text in Markdown: markup characters escaped (a model named ``*best*`` is not emphasis,
    ``a|b`` does not split a table cell) and HTML made inert (``<script>`` reads as text)."""
    if value is None or isinstance(value, Raw) or not isinstance(value, str):
        return "" if value is None else value
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)
    return " ".join(text.split("\n"))


def code_span(value: str) -> Raw:
    """``value`` as a Markdown code span, fenced by more backticks than it holds."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    return Raw(f"{fence} {value} {fence}" if value.startswith("`") or value.endswith("`") else f"{fence}{value}{fence}")


def markdown_pieces(found: list[tuple[str, str]]) -> Raw:
    """:func:`pieces` as Markdown: code spans, emphasis and escaped text."""
    written = {"code": code_span, "em": lambda text: Raw(f"*{markdown_text(text)}*")}
    return Raw("".join(written.get(kind, markdown_text)(text) for text, kind in found))


def _template(name: str, html: bool):
    """The template ``name``, from the package's templates folder; HTML escapes every value."""
    return _environment(html).get_template(name)


_ENVIRONMENTS: dict[bool, Any] = {}


def _environment(html: bool):
    environment = _ENVIRONMENTS.get(html)
    if environment is None:
        import jinja2

        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("nbalign", "templates"),
            autoescape=html, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True, finalize=None if html else markdown_text,
        )
        environment.filters["code"] = code_span
        environment.filters["pieces"] = markdown_pieces
        _ENVIRONMENTS[html] = environment
    return environment
