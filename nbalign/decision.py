"""The decision as it leaves the notebook: the shipped model against the agreed bar, and the record.

The judge decides inside one notebook; this module gathers what was decided, by whom, under which
terms, and what came of it (:mod:`nbalign.events`), with the standing, in one record every outside
view renders (the report, the model card, the CI gate). It is plain Python on dicts, like the
judge it reads.

- :func:`assess` measures a model against the agreed bar now: its score's interval and the
  gain over the baseline at the level of the family it was chosen from;
- :func:`judged_when_shipped` is what a ship record keeps of the judgement when it is made;
- :func:`decision_record` puts the standing's view model, the history and the events in one
  JSON document: what ``nbalign report`` renders and what ``nbalign check``
  (:func:`nbalign.gate.gate`) reads, from the store or from an exported file alike.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import NbalignError
from .events import History, Realized, Shipped, event_to_dict, history_view

RECORD_FORMAT = "nbalign.decision"
RECORD_VERSION = 1


# ------------------------------------------------------------------------------ the bar


def assess(standing, record_id: int) -> dict | None:
    """The model of ``record_id`` against the agreed bar, now: its score with the interval at the
    level of the family it was chosen from (Bonferroni over the models compared on its test set,
    as the judge's claim), whether that interval clears the target, and its gain over the
    baseline at the same level, a real gain when the gain's interval clears min_gain.

    None when the record is not in the standing (pruned from the history, or scored another metric).
    """
    from .comparison import improvement_interval, is_better, is_worse
    from .judge.claim import BestClaim
    from .judge.facts import own_interval
    from .judge.wire import difference_view, finite

    try:
        row = standing.row(record_id)
    except StopIteration:
        return None
    summary, metric, facts = standing.summary, standing.metric, row.facts
    # the family the judge's claims use: the models compared on this model's test set
    # (as of now: a model recorded early was chosen among all those compared since)
    compared = max(1, summary.models_compared, 0 if facts is None else facts.models_on_test_set)
    level = 1 - (1 - summary.confidence) / compared
    bar: dict[str, Any] = {
        "record_id": record_id, "name": row.name, "score": finite(row.score), "metric": metric.name,
        "metric_label": metric.label, "higher_is_better": metric.greater_is_better,
        "target": finite(summary.target), "baseline": finite(summary.baseline), "min_gain": finite(summary.min_gain),
        "confidence": summary.confidence, "level": level, "models_compared": compared,
        "interval": None, "vs_target": None, "vs_baseline": None, "real_gain": False, "worse": False,
        "verdict": row.verdict, "word": row.word, "role": row.role,
    }
    evaluation = _evaluation_of(standing, row)
    if evaluation is None or standing.comparisons is None:
        return bar
    target = summary.target
    reference = target if target is not None else row.score
    own = own_interval(standing.comparisons, metric, evaluation, reference, standing.labels, level)
    if own is not None and math.isfinite(own.low) and math.isfinite(own.high):
        # the interval of score - reference, moved to the score's own scale (as NBA305 shows it)
        bar["interval"] = sorted((row.score + own.low - own.estimate, row.score + own.high - own.estimate))
    if target is not None and bar["interval"] is not None:
        low, high = bar["interval"]
        gains = (low - target, high - target) if metric.greater_is_better else (target - high, target - low)
        bar["vs_target"] = "reached" if gains[0] >= 0 else "short" if gains[1] < 0 else "straddles"
    if row.role == "model" and facts is not None:
        claim = BestClaim(facts, compared)
        tested = claim.difference
        shown = difference_view(tested)
        if tested is not None and shown is not None:
            bar["vs_baseline"] = {**shown, "improvement": sorted(improvement_interval(metric, tested)),
                                  "level": level, "p_adjusted": claim.p_adjusted}
            bar["real_gain"] = is_better(metric, tested, by=summary.min_gain)
            bar["worse"] = is_worse(metric, tested)
    return bar


def _evaluation_of(standing, row):
    """The record behind a row: a model's from its facts; a baseline model's (which has none) is
    the standing's baseline or the model to ship."""
    if row.facts is not None:
        return row.facts.evaluation
    known = (standing.baseline_record, None if standing.ship is None else standing.ship.record)
    return next((e for e in known if e is not None and e.id == row.id), None)


# ------------------------------------------------------------------------------ the record


def decision_record(standing, history: History, written_at: str | None = None) -> dict:
    """The decision as one JSON document: the objective (and its content hash), the standing's
    view model and every row's point (for the chart), the history with what each version changed
    and who agreed, each role's latest agreement, the ship record assessed now, and the realized
    KPI with its checks."""
    from ._version import __version__
    from .evaluation import now_iso
    from .events import content_hash
    from .judge.wire import row_point, view

    objective = standing.objective
    shipped = history.shipped
    record = {
        "format": RECORD_FORMAT, "version": RECORD_VERSION, "nbalign": __version__,
        "written_at": written_at or now_iso(),
        "objective": {"name": objective.name, "version": objective.version,
                      "content_hash": content_hash(objective)},
        "standing": view(standing),
        "points": [row_point(r) for r in standing.rows],
        "history": history_view(history),
        # each role's latest agreement: what the gate and the report hold the ship and the objective to
        "agreements": [event_to_dict(a) for a in history.latest_agreements()],
        "shipped": None,
        "ships": [event_to_dict(e) for e in history.events if isinstance(e, Shipped)],
        "realized": [],
    }
    if shipped is not None:
        current = _current_id(standing, shipped)
        record["shipped"] = {**event_to_dict(shipped),
                             "bar": None if current is None else assess(standing, current),
                             "latest_version": objective.version}
        record["realized"] = [realized_view(r, shipped) for r in history.realized if r.shipped_at == shipped.at]
    return record


def _current_id(standing, shipped: Shipped) -> int | None:
    """The shipped model's row in the standing: by its record's key (ids differ between stores)."""
    key = shipped.model.get("key")
    for row in reversed(standing.rows):
        if row.facts is not None and row.facts.evaluation.key == key:
            return row.id
    return next((r.id for r in standing.rows if r.id == shipped.model.get("id") and r.name == shipped.model["name"]),
                None)


def judged_when_shipped(standing, record) -> dict:
    """What the ship record keeps of the judgement when the model is shipped: the bar, the
    projected KPI (numbers and text) and value, and what the judge recommended then."""
    from .judge.wire import finite_pair, outlook_view, ship_view, story

    outlook = standing.outlook(record)
    shown = None if outlook is None else outlook_view(outlook)
    projection = None
    if outlook is not None and outlook.projected is not None and shown is not None and shown["kpi"] is not None:
        kpi = standing.objective.kpi
        from .business import format_kpi

        interval, ranged = finite_pair(outlook.projected_interval), finite_pair(outlook.projected_range)
        spans = [s for s in (interval, ranged) if s]
        # what a realized KPI is held against (NBA401): the wider of the two
        span = [min(s[0] for s in spans), max(s[1] for s in spans)] if spans else None
        projection = {
            "kpi": kpi.name, "current": kpi.current, "target": kpi.target, "direction": kpi.direction,
            "projected": outlook.projected, "interval": interval, "range": ranged, "span": span,
            "text": shown["kpi"]["text"],
            # the projection and its span in the KPI's own unit: what the messages say
            "shown": {"projected": format_kpi(standing.objective, outlook.projected),
                      "span": None if span is None else [format_kpi(standing.objective, v) for v in span]},
        }
    return {"bar": assess(standing, record.id), "projection": projection,
            "value": None if shown is None or shown["value"] is None else shown["value"]["text"],
            "recommended": ship_view(standing), "story": story(standing)}


def realized_view(realized: Realized, shipped: Shipped) -> dict:
    """A realized KPI beside the projection made when the model was shipped, and its checks."""
    from .checks import shipped_findings

    projection = shipped.judged.get("projection")
    return {**event_to_dict(realized), "projection": projection,
            "findings": [f.to_dict() for f in shipped_findings(realized, shipped)]}


def load_record(path) -> dict:
    """An exported decision record (``nbalign report --json``), checked to be one."""
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError) as exc:
        raise NbalignError(f"could not read the decision record {path} ({exc}).") from None
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        raise NbalignError(f"{path} is not an nbalign decision record: write one with `nbalign report --json FILE`.")
    if record.get("version", 0) > RECORD_VERSION:
        raise NbalignError(f"{path} was written by a newer nbalign (decision record version {record['version']}); "
                           "upgrade nbalign to read it.")
    return record
