"""The view model: the one form of the standing every view renders.

The judge (:mod:`nbalign.judge.fold`) decides; this module is the only place that turns its
decisions into what views show, so the inline line, the cards, ``%nbalign models``, the plot,
the panel and the sidebar cannot tell different stories. Everything a view needs is here, decided
once: each row's verdict word and tone, whether it is set apart, the best so far after it; the
best candidate (the baseline model counts), the model to ship and why, the progress interval and
what it is adjusted for, the banner, and the business story in one line. It is also the comm's
``standing`` payload (``protocol/schema.json``), so it holds strict JSON only: no number that is
not finite ever leaves the kernel.

A row's view is built once and kept on the row (the judge keeps rows while later records come),
so each standing a kernel sends reuses the views of the rows before.
"""

from __future__ import annotations

import math
from typing import Any

from ..format import format_family_level, format_level, format_percent, format_score

# Rows sent to views: the most recent ones. The sidebar shows these; the plot shows them all.
ROWS_SHIPPED = 50


def view(standing, limit: int | None = ROWS_SHIPPED, history=None) -> dict[str, Any]:
    """The standing as views receive it: the summary and the most recent ``limit`` rows, and what
    was decided (``history``, :class:`nbalign.events.History`) when anything was."""
    from ..checks import CHECKS
    from ..kpi import kpi_statement

    rows = standing.rows if limit is None else standing.rows[-limit:] if limit else ()
    codes = {f.code for r in rows for f in r.findings} | {f.code for f in standing.findings}
    if standing.summary.banner is not None:
        codes.add(standing.summary.banner.code)
    kpi = standing.objective.kpi
    decided = None if history is None else decision_view(history, standing.objective)
    if decided is not None:
        codes |= {f["code"] for r in decided["realized"] for f in r["findings"]}
    shown = {
        "objective": standing.objective.to_dict(),
        # the KPI as one statement of intent, with the time left as of today
        "kpi_statement": None if kpi is None else kpi_statement(kpi),
        "findings": [f.to_dict() for f in standing.findings],
        "summary": summary_view(standing),
        "rows": [row_view(r) for r in rows],
        "rows_total": len(standing.rows),
        "checks": {code: CHECKS[code].to_dict() for code in sorted(codes)},
    }
    if decided is not None:
        shown["decision"] = decided
    return shown


def decision_view(history, objective) -> dict[str, Any] | None:
    """What was decided, as views show it beside the standing: the model shipped (as judged when
    shipped: no test runs again), the KPI realized since with its checks, and whether the
    objective's content is the one agreed. None when nothing was decided yet."""
    from ..checks import shipped_findings
    from ..events import content_hash

    if not history.events:
        return None
    digest = content_hash(objective)
    agreements = [{"role": a.role, "by": a.by, "at": a.at, "version": a.version, "holds": a.content_hash == digest}
                  for a in history.latest_agreements()]
    shipped = history.shipped
    shown: dict[str, Any] = {"agreements": agreements, "shipped": None, "realized": []}
    if shipped is not None:
        bar, projection = shipped.judged.get("bar") or {}, shipped.judged.get("projection")
        shown["shipped"] = {
            "name": shipped.model["name"], "version": shipped.version, "at": shipped.at, "by": shipped.by,
            "recommended": shipped.recommended, "reason": shipped.reason,
            "projection": None if projection is None else projection["text"],
            "vs_target": bar.get("vs_target"), "real_gain": bool(bar.get("real_gain")),
            "agreed": any(a.content_hash == shipped.content_hash for a in history.latest_agreements()),
            "current": shipped.content_hash == digest,
        }
        shown["realized"] = [
            {"value": r.value, "on": r.on,
             "findings": [{"code": f.code, "message": f.message} for f in shipped_findings(r, shipped)]}
            for r in history.realized if r.shipped_at == shipped.at]
    return shown


def summary_view(standing) -> dict[str, Any]:
    """Where the objective stands as a whole: the sidebar's headline, the plot's title, the
    recommendation."""
    summary = standing.summary
    claim = None if summary.claim is None else claim_view(summary.claim)
    interval = summary.progress_interval
    best = summary.best
    return {
        "baseline": finite(summary.baseline),
        "target": finite(summary.target),
        "min_gain": finite(summary.min_gain),
        "best": None if best is None else {"id": best.id, "name": best.name, "score": finite(best.score),
                                           "role": best.role},
        "ship": ship_view(standing),
        "progress": finite(summary.progress),
        "n_models": summary.n_models,
        "banner": summary.banner.to_dict() if summary.banner else None,
        "confidence": summary.confidence,
        "best_vs_baseline": claim,
        "progress_interval": None if interval is None or not all(map(math.isfinite, interval)) else list(interval),
        "progress_interval_label": None if interval is None else interval_label(summary.confidence, claim),
        "models_compared": summary.models_compared,
        "business": None if summary.business is None else outlook_view(summary.business),
        "story": story(standing),
    }


def interval_label(confidence: float, claim: dict | None) -> str:
    """``95% CI``, or ``95% CI for the best of 3 models (98.33% each, Bonferroni)`` when the
    interval is the best's claim over the baseline, adjusted for the models it was chosen from."""
    label = f"{format_level(confidence)} CI"
    compared = 0 if claim is None else claim.get("models_compared") or 0
    if compared > 1:
        each = format_family_level(1 - (1 - confidence) / compared)
        label += f" for the best of {compared:,} models ({each} each, Bonferroni)"
    return label


def ship_view(standing) -> dict[str, Any] | None:
    """The model to ship, why, and how far it goes: what the banner and recommendation name."""
    ship = standing.ship
    if ship is None:
        return None
    record, summary = ship.record, standing.summary
    from .facts import progress_to_target

    progress = progress_to_target(record.score, summary.baseline, summary.target, standing.metric.sign)
    return {"id": record.id, "name": record.name, "score": finite(record.score), "role": record.role,
            "why": ship.why, "reason": ship.reason, "progress": finite(progress)}


def story(standing) -> str | None:
    """The business story in one line a VP can read: what shipping the recommended model does
    to the KPI (or the metric, without a KPI), and what the best model adds beyond it."""
    ship, summary = standing.ship, standing.summary
    if ship is None:
        return None
    outlook = summary.business  # the model to ship's (see Judge._outlook)
    shown = None if outlook is None else outlook_view(outlook)
    kpi = None if shown is None else shown["kpi"]
    if kpi is not None:
        spread = projection_spread(kpi, summary.confidence)
        reach = "" if kpi["progress"] is None else (
            ", which meets the target" if kpi["progress"] >= 1 else f", {format_percent(kpi['progress'])} of the way")
        from ..kpi import _with_article

        text = (f"Shipping {ship.record.name} is projected to bring {_with_article(kpi['name'])} "
                f"from {kpi['current']} to "
                f"{kpi['projected']}{spread}{reach} (target {kpi['target']})")
    else:
        text = f"Shipping {ship.record.name} scores {standing.metric.label} {format_score(ship.record.score)}"
        if summary.target is not None:
            text += f" (target {format_score(summary.target)})"
    best = summary.best
    if best is None or best.id == ship.record.id:
        return text + "."
    return text + f"; the best model, {best.name}, adds no real gain beyond it."


def row_view(row) -> dict[str, Any]:
    """One record as judged, as views receive it (built once per row)."""
    kept = row.__dict__.get("_view")
    if kept is None:
        kept = row.__dict__["_view"] = _row_view(row)
    return dict(kept)


def _row_view(row) -> dict[str, Any]:
    from ..checks import most_important
    from .facts import APART

    banner = most_important(row.findings)
    findings = [] if banner is None else [banner] + [f for f in row.findings if f is not banner]
    before = None if row.facts is None else row.facts.best_before
    return {
        "id": row.id,
        "name": row.name,
        "estimator": row.estimator,
        "role": row.role,
        "version": row.version,
        "metric": row.metric,
        "metric_label": row.metric_label,
        "score": finite(row.score),
        "verdict": row.verdict,
        "word": row.word,
        "tone": row.tone,
        "apart": row.verdict in APART,
        "best_before": finite(row.best_before),
        "best_before_name": None if before is None else before.name,
        "best_before_role": None if before is None else before.role,
        "best_so_far": finite(row.best_so_far),
        "change_vs_best": finite(row.change_vs_best),
        "change_vs_baseline": finite(row.change_vs_baseline),
        "progress": finite(row.progress),
        "vs_best": difference_view(row.vs_best),
        "vs_baseline": difference_view(row.vs_baseline),
        "codes": [f.code for f in row.findings],
        # every finding's message, the most important first: the row's banner leads
        "findings": [{"code": f.code, "message": f.message} for f in findings],
        "business": row.business,
        "became_best": row.became_best,
        "cell_id": row.cell_id,
        "interval": finite_pair(row.interval),
        "progress_interval": finite_pair(progress_interval(row)),
    }


def progress_interval(row) -> tuple[float, float] | None:
    """A model's progress to the target as an interval: its paired interval against the
    baseline, in units of the way from the baseline to the target (unadjusted: one model's)."""
    facts, tested = row.facts, row.vs_baseline
    if tested is None or facts is None or row.role != "model" or row.progress is None:
        return None
    target, baseline = facts.objective.target, facts.baseline
    span = target - baseline
    low, high = sorted((tested.low / span, tested.high / span))
    return low, high


def row_point(row) -> dict[str, Any]:
    """What a chart draws of a row without testing anything: where it sits, whether it is set
    apart, and the best so far after it. A long history's plot draws every row as a point, and
    the full view (:func:`row_view`, which runs the row's paired tests) of the latest ones only."""
    from .facts import APART

    apart = row.verdict in APART if row.preset is not None else (row.facts is not None and row.facts.few_rows)
    return {"id": row.id, "name": row.name, "role": row.role, "version": row.version,
            "metric_label": row.metric_label, "score": finite(row.score), "apart": apart,
            "judged": row.preset != "other_metric", "best_so_far": finite(row.best_so_far),
            "complexity": row.complexity}


def claim_view(claim) -> dict[str, Any] | None:
    """"The best beats the baseline", corrected for the models it was chosen from."""
    shown = difference_view(claim.difference)
    if shown is None or claim.p_adjusted is None or not math.isfinite(claim.p_adjusted):
        return None
    shown = {**shown, "p_adjusted": claim.p_adjusted, "correction": claim.correction,
             "models_compared": claim.models_compared, "verdict": claim.verdict}
    detectable = claim.detectable if claim.verdict == "not_distinguishable" else None
    if detectable is not None and math.isfinite(detectable):
        shown["detectable"] = detectable
    return shown


def outlook_view(outlook) -> dict[str, Any] | None:
    """What a model is projected to do for the business: the KPI with its interval, the value."""
    from ..business import (
        ErrorCost,
        format_kpi,
        format_value,
        gerund,
        kpi_progress,
        value_per_period,
    )
    from ..format import format_money

    objective, figures, record = outlook.objective, outlook.figures, outlook.record
    derivation = None if objective.derivation is None else objective.derivation.text
    if figures is None:
        return None if derivation is None else {"kpi": None, "value": None, "derivation": derivation}
    kpi = None
    if outlook.projected is not None:
        interval, ranged = outlook.projected_interval, outlook.projected_range
        spread = None if interval is None else [format_kpi(objective, v) for v in interval]
        shown = format_kpi(objective, outlook.projected)
        kpi = {
            "name": objective.kpi.name, "current": objective.kpi.current, "target": objective.kpi.target,
            "projected": shown, "projected_interval": spread,
            "progress": finite(kpi_progress(objective, outlook.projected)),
            "progress_interval": finite_pair(None if interval is None else
                                             [kpi_progress(objective, v) for v in interval]),
            "model": record.name,
        }
        if ranged is not None:  # an effect stated as a range (only then: the form of every earlier standing)
            kpi["projected_range"] = [format_kpi(objective, v) for v in ranged]
            kpi["effect_range"] = objective.action.effect_text()
        text = f"{objective.kpi.current} → {shown} projected with {record.name}"
        kpi["text"] = f"{text}{projection_spread(kpi, objective.stop.confidence)}; target {objective.kpi.target}"
    value = None
    per_case = figures.get("value")
    if per_case is not None:
        per_period = value_per_period(objective, per_case)
        action = objective.action
        rule = action.describe(objective.population) if action is not None else None
        if isinstance(objective.value, ErrorCost):
            said = f"errors cost {format_value(objective, -per_case)}"
        else:
            said = format_value(objective, per_case)
            if per_period is not None:
                said += f" ({format_money(per_case, objective.value)} per case)"
        value = {
            "per_case": format_money(per_case, objective.value),
            "per_period": None if per_period is None else format_value(objective, per_case),
            "model": record.name,
            "rule": rule,
            "text": f"{record.name}: {said}" + (f", {gerund(rule)}" if rule else ""),
        }
    return {"kpi": kpi, "value": value, "derivation": derivation}


def projection_spread(kpi: dict[str, Any], confidence: float) -> str:
    """How uncertain a projected KPI is (``kpi`` is :func:`outlook_view`'s), after it:
    `` (95% CI 22.1% to 22.9%)``, the recall's interval carried through the projection; with an
    effect stated as a range, `` (95% CI 22.1% to 22.9% for the recall; 20.7% to 24.1% with the
    effect 20% to 40%)``, the second the projection over both; nothing when neither is known."""
    parts = []
    interval, ranged = kpi["projected_interval"], kpi.get("projected_range")
    if interval:
        parts.append(f"{format_level(confidence)} CI {interval[0]} to {interval[1]}"
                     + (" for the recall" if ranged else ""))
    if ranged:
        parts.append(f"{ranged[0]} to {ranged[1]} with the effect {kpi['effect_range']}")
    return f" ({'; '.join(parts)})" if parts else ""


def difference_view(difference) -> dict[str, Any] | None:
    """A test's result as views receive it; None when it has a number that is not finite."""
    if difference is None:
        return None
    values = difference.to_dict()
    numbers = (values["estimate"], values["low"], values["high"], values["p_value"])
    return values if all(math.isfinite(v) for v in numbers) else None


def finite(value: float | None) -> float | None:
    """Views receive strict JSON: a non-finite number never leaves the kernel."""
    return value if value is None or math.isfinite(value) else None


def finite_pair(pair) -> list[float] | None:
    """``[low, high]`` when both are finite numbers, else None."""
    if pair is None or not all(v is not None and math.isfinite(v) for v in pair):
        return None
    return sorted(pair)
