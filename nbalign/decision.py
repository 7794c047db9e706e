"""The decision as it leaves the notebook: versions, agreements, the ship record, the realized KPI.

The judge decides inside one notebook; this module keeps what was decided, by whom, under which
terms, and what came of it, in one record every outside view renders (the report, the model card,
the CI gate). It is plain Python on dataclasses and dicts, like the judge it reads.

- An objective's **content** is what it commits to (metric, target, baseline, KPI, terms, stop
  rule), without when, where or why it was written; its **hash** names that content, so an
  agreement holds for every version with the same content and a changed version is noticed.
- :func:`changes` says what a version changed, field by field: ``target 0.70 → 0.75``.
- Three **events** belong to an objective's history: an :class:`Agreement` (who agreed, as which
  role, to which content), a :class:`Shipped` record (the model, its figures as judged when
  shipped, the saved model) and a :class:`Realized` KPI (measured after shipping).
- :func:`assess` measures a model against the agreed bar now: its score's interval and the
  gain over the baseline at the level of the family it was chosen from.
- :func:`decision_record` puts the standing's view model, the history and the events in one
  JSON document: what ``nbalign report`` renders and what ``nbalign check``
  (:func:`nbalign.gate.gate`) reads, from the store or from an exported file alike.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass
from typing import Any

from .errors import NbalignError
from .format import format_score

RECORD_FORMAT = "nbalign.decision"
RECORD_VERSION = 1

# What a version records besides what it commits to: left out of its content and its hash.
_NOT_CONTENT = ("version", "created_at", "notebook", "source", "why", "derivation")


def content(objective) -> dict[str, Any]:
    """What the objective commits to, as a plain dict: its metric by name, its target, baseline,
    KPI, terms, data and stop rule; not its version, date, notebook, wording or reason."""
    data = {k: v for k, v in objective.to_dict().items() if k not in _NOT_CONTENT}
    # the metric by name; a metric the action parametrises (recall_at_k:top 20%) changes with the
    # action, which is content of its own
    data["metric"] = objective.metric.name.split(":")[0]
    # the population and the action as written: the rest of their forms is read from these words
    if objective.population is not None:
        data["population"] = objective.population.to_dict()["text"]
    if objective.action is not None:
        action = objective.action.to_dict()
        data["action"] = {action["verb"]: action["text"], "effect": objective.action.effect_text()}
    return data


def content_hash(objective) -> str:
    """The SHA-256 of :func:`content`, hex: the same for two versions that commit to the same."""
    text = json.dumps(content(objective), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def short_hash(digest: str) -> str:
    """The first 12 hex digits: enough to tell versions apart where people read them."""
    return digest[:12]


# ------------------------------------------------------------------------------ what changed


@dataclass(frozen=True)
class Change:
    """One field of an objective that differs between two versions (dotted: ``kpi.target``)."""

    field: str
    before: Any
    after: Any

    @property
    def text(self) -> str:
        if self.before is None:
            return f"{self.field} set to {_shown(self.after)}"
        if self.after is None:
            return f"{self.field} removed (was {_shown(self.before)})"
        return f"{self.field} {_shown(self.before)} → {_shown(self.after)}"

    def to_dict(self) -> dict:
        return {"field": self.field, "before": _plain(self.before), "after": _plain(self.after), "text": self.text}


def changes(before, after) -> list[Change]:
    """What ``after`` changed from ``before`` (None: the first version, which changes nothing),
    field by field in the order the objective lists them."""
    if before is None:
        return []
    old, new = _flatten(content(before)), _flatten(content(after))
    fields = list(new) + [k for k in old if k not in new]
    return [Change(k, old.get(k), new.get(k)) for k in fields if old.get(k) != new.get(k)]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted keys; a list as one value (``data.test``: ``X_test, y_test``)."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, (list, tuple)):
        return {prefix: ", ".join(_shown(v) for v in value)}
    if value is False and prefix.endswith("target_from_kpi"):
        return {prefix: None}  # "not derived" reads as absent, so `target: from kpi` reads as set
    return {prefix: value}


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return format_score(value)
    return str(value)


def _plain(value: Any) -> Any:
    """A JSON value: a number that is not finite becomes its text."""
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value


# ------------------------------------------------------------------------------ events


def who() -> str:
    """Who is doing it: ``$NBALIGN_USER``, else the operating system's user name."""
    configured = os.environ.get("NBALIGN_USER")
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this process's environment (some containers)
        return "unknown"


@dataclass(frozen=True)
class Agreement:
    """``by`` agreed, as ``role``, to version ``version`` of the objective, whose content hashed
    to ``content_hash``: it holds for every version with that content."""

    objective: str
    version: int
    content_hash: str
    role: str
    by: str
    at: str
    note: str | None = None

    kind = "agreement"


@dataclass(frozen=True)
class Shipped:
    """A model shipped under version ``version`` of the objective: which model, its figures as
    judged when it was shipped (``judged``), whether the judge recommended it and, if not, the
    reason given; the saved model and its card (``saved``: their folder and files)."""

    objective: str
    version: int
    content_hash: str
    model: dict  # id, key, name, estimator, role, model_id, fit_id of its evaluation
    judged: dict  # assess() when shipped, the projection and value, the judge's recommendation
    recommended: bool
    by: str
    at: str
    reason: str | None = None  # why a model the judge does not recommend was shipped
    saved: dict | None = None  # {"folder", "model": SavedModel dict, "card"}

    kind = "ship"


@dataclass(frozen=True)
class Realized:
    """The KPI measured after shipping: ``value`` as written (``23.1%``), its number in the KPI's
    unit, the day it was measured on (``on``), and the ship record it measures (its ``at``)."""

    objective: str
    value: str
    number: float
    on: str
    by: str
    at: str
    shipped_at: str | None = None
    note: str | None = None

    kind = "realized"


EVENTS: dict[str, type] = {"agreement": Agreement, "ship": Shipped, "realized": Realized}
Event = Agreement | Shipped | Realized


def event_to_dict(event: Event) -> dict:
    return {"kind": event.kind, **asdict(event)}


def event_from_dict(data: dict) -> Event:
    """An event from :func:`event_to_dict`'s form; keys an other release wrote are dropped."""
    from dataclasses import fields

    kind = EVENTS.get(data.get("kind", ""))
    if kind is None:
        raise NbalignError(f"unknown kind of decision event {data.get('kind')!r}")
    names = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class History:
    """An objective's versions (oldest first) and its events (in the order recorded)."""

    versions: tuple = ()
    events: tuple[Event, ...] = ()

    @property
    def agreements(self) -> list[Agreement]:
        return [e for e in self.events if isinstance(e, Agreement)]

    @property
    def shipped(self) -> Shipped | None:
        """The latest ship record: what is in production now."""
        return next((e for e in reversed(self.events) if isinstance(e, Shipped)), None)

    @property
    def realized(self) -> list[Realized]:
        return [e for e in self.events if isinstance(e, Realized)]

    def version(self, number: int):
        return next((v for v in self.versions if v.version == number), None)

    def agreed_to(self, objective) -> list[Agreement]:
        """The agreements that hold for ``objective``'s content."""
        digest = content_hash(objective)
        return [a for a in self.agreements if a.content_hash == digest]

    def changed_since_agreed(self, objective) -> list[Agreement]:
        """Agreements to an earlier content: ``objective`` changed after they were given. Only
        the latest agreement of each role counts (a role that agreed again holds)."""
        latest: dict[str, Agreement] = {}
        for agreement in self.agreements:
            latest[agreement.role] = agreement
        digest = content_hash(objective)
        return [a for a in latest.values() if a.content_hash != digest]


def history_view(history: History) -> list[dict]:
    """Each version, newest first: when, from which notebook, why, what it changed, its hash,
    and who agreed to its content."""
    shown, before = [], None
    for version in history.versions:
        digest = content_hash(version)
        shown.append({
            "version": version.version, "created_at": version.created_at, "notebook": version.notebook,
            "why": version.why, "content_hash": digest,
            "changes": [c.to_dict() for c in changes(before, version)],
            "agreements": [asdict(a) for a in history.agreements if a.content_hash == digest],
        })
        before = version
    return shown[::-1]


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
        "verdict": row.verdict, "word": row.word,
    }
    if facts is None or standing.comparisons is None:
        return bar
    target = summary.target
    reference = target if target is not None else row.score
    own = own_interval(standing.comparisons, metric, facts.evaluation, reference, standing.labels, level)
    if own is not None and math.isfinite(own.low) and math.isfinite(own.high):
        # the interval of score - reference, moved to the score's own scale (as NBA305 shows it)
        bar["interval"] = sorted((row.score + own.low - own.estimate, row.score + own.high - own.estimate))
    if target is not None and bar["interval"] is not None:
        low, high = bar["interval"]
        gains = (low - target, high - target) if metric.greater_is_better else (target - high, target - low)
        bar["vs_target"] = "reached" if gains[0] >= 0 else "short" if gains[1] < 0 else "straddles"
    if row.role == "model":
        claim = BestClaim(facts, compared)
        tested = claim.difference
        shown = difference_view(tested)
        if tested is not None and shown is not None:
            bar["vs_baseline"] = {**shown, "improvement": sorted(improvement_interval(metric, tested)),
                                  "level": level}
            bar["real_gain"] = is_better(metric, tested, by=summary.min_gain)
            bar["worse"] = is_worse(metric, tested)
    return bar


# ------------------------------------------------------------------------------ the record


def decision_record(standing, history: History, written_at: str | None = None) -> dict:
    """The decision as one JSON document: the objective (and its content hash), the standing's
    view model and every row's point (for the chart), the history with what each version changed
    and who agreed, the ship record assessed now, and the realized KPI with its checks."""
    from ._version import __version__
    from .evaluation import now_iso
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
    from .judge.wire import outlook_view, ship_view, story

    outlook = standing.outlook(record)
    shown = None if outlook is None else outlook_view(outlook)
    projection = None
    if outlook is not None and outlook.projected is not None and shown is not None and shown["kpi"] is not None:
        kpi = standing.objective.kpi
        projection = {
            "kpi": kpi.name, "current": kpi.current, "target": kpi.target, "direction": kpi.direction,
            "projected": outlook.projected, "interval": _numbers(outlook.projected_interval),
            "range": _numbers(outlook.projected_range), "text": shown["kpi"]["text"],
            "unit": kpi.current_quantity.kind if kpi.current_quantity is not None else None,
        }
    return {"bar": assess(standing, record.id), "projection": projection,
            "value": None if shown is None or shown["value"] is None else shown["value"]["text"],
            "recommended": ship_view(standing), "story": story(standing)}


def _numbers(pair) -> list[float] | None:
    return None if pair is None or not all(math.isfinite(v) for v in pair) else sorted(pair)


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
