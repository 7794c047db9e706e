"""An objective's history: its versions' content, what each changed, and the decisions about it.

Plain dataclasses and functions of the objective, importing nothing of the judge, so the checks
(``NBA4xx`` read a ship record and a realized KPI) and the view model can use them:

- an objective's **content** is what it commits to (metric, target, baseline, KPI, terms, stop
  rule), without when, where or why it was written; its **hash** names that content, so an
  agreement holds for every version with the same content and a changed version is noticed;
- :func:`changes` says what a version changed, field by field: ``target 0.700 → 0.750``;
- three **events** belong to an objective's history: an :class:`Agreement` (who agreed, as which
  role, to which content), a :class:`Shipped` record (the model, its figures as judged when
  shipped, the saved model) and a :class:`Realized` KPI (measured after shipping);
- :class:`History` holds an objective's versions and events, as the store reads them.
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

    def latest_agreements(self) -> list[Agreement]:
        """Each role's latest agreement, in the order given: the one that counts for the role (a
        role that agreed again to a changed objective holds; an older agreement of it does not)."""
        latest: dict[str, Agreement] = {}
        for agreement in self.agreements:
            latest.pop(agreement.role, None)
            latest[agreement.role] = agreement
        return list(latest.values())

    def changed_since_agreed(self, objective) -> list[Agreement]:
        """The roles' latest agreements to another content than ``objective``'s: it changed after
        they were given."""
        digest = content_hash(objective)
        return [a for a in self.latest_agreements() if a.content_hash != digest]


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
