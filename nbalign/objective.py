"""The objective: business outcome, success criteria, ML metric, target, baseline, stop rule.

:func:`parse_objective` turns the YAML body of an ``%%objective`` cell into an
:class:`Objective`, or raises :class:`~nbalign.errors.ObjectiveError` naming the line and the fix.
Everything here is pure: no IPython, no scikit-learn at import time.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import difflib
import functools
import keyword
import math
import re
import reprlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from . import grammar
from .business import (
    Action,
    Derivation,
    ErrorCost,
    Population,
    ValueMatrix,
    projectable,
    value_from_dict,
)
from .errors import ObjectiveError
from .format import format_share
from .kpi import Quantity, QuantityError, QuantityTooLarge, parse_quantity
from .kpi import direction as kpi_direction
from .metrics import (
    CLASSIFICATION,
    REGRESSION,
    Metric,
    UnknownMetricError,
    bind_business,
    loss_alias,
    resolve_metric,
)

# The keys a cell may hold, from the cell's one grammar (nbalign/grammar.json).
TOP_KEYS = grammar.children()
KPI_KEYS = grammar.children("kpi")
DATA_KEYS = grammar.children("data")
STOP_KEYS = grammar.children("stop")
# `value:` holds a value matrix or the prices of errors, never both
VALUE_KEYS = ("tp", "fp", "fn", "tn")
ERROR_KEYS = ("under", "over")
DEFAULT_PATIENCE = 3
DEFAULT_CONFIDENCE = 0.95

VALUE_NAMES = {"tp": "true positive", "fp": "false positive", "fn": "false negative", "tn": "true negative",
               "under": "unit of error predicted too low", "over": "unit of error predicted too high"}
# `target: from kpi`: the metric target is derived from the KPI target under the action.
FROM_KPI = "from kpi"

# An objective nests three levels at most (`data:` > `train:` > a list); anything far deeper is a
# mistake, and composing it recursively would exhaust Python's stack.
MAX_DEPTH = 10

# Numbers as people write them. YAML 1.1 (PyYAML) reads `1e-3` and `5e4` as text; YAML 1.2 and
# Python read them as numbers, and so do we. `_` groups digits, as in `30_000`.
_NUMBER = re.compile(r"[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?")
_ABBREVIATED = re.compile(r"([-+]?\d+(?:\.\d*)?)\s*([kKM])")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})")

# User values shown in a message are cut short: a cell can hold a megabyte on one line.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxdict, _SHORT.maxlist, _SHORT.maxset = 2, 3, 3, 3
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 40
_SHOWN_LENGTH = 60


@dataclass(frozen=True)
class KPI:
    """A success criterion in business terms: a number with a target, or a named judge.

    ``current`` and ``target`` are kept as the user wrote them (``26.5%``, ``$1.2M``); the
    properties read them with their unit (:mod:`nbalign.kpi`). They are derived, so they are
    not stored: :meth:`to_dict` holds only what was declared.

    Examples
    --------
    >>> kpi = KPI("share of customers who cancel within the quarter", current="26.5%", target="22%")
    >>> kpi.target_quantity.value, kpi.direction
    (22.0, 'decrease')
    """

    name: str
    current: str | None = None
    target: str | None = None
    deadline: str | None = None  # ISO date
    owner: str | None = None
    judge: str | None = None

    @property
    def subjective(self) -> bool:
        return self.judge is not None and self.target is None

    @functools.cached_property  # read by every view of every evaluation: parsed once
    def current_quantity(self) -> Quantity | None:
        """``current`` with its unit; None when absent or unreadable (stored before values were checked)."""
        return _quantity_or_none(self.current)

    @functools.cached_property
    def target_quantity(self) -> Quantity | None:
        """``target`` with its unit; None when absent or unreadable."""
        return _quantity_or_none(self.target)

    @property
    def direction(self) -> str | None:
        """``"increase"`` or ``"decrease"`` from current to target; None when it cannot be told."""
        current, target = self.current_quantity, self.target_quantity
        if current is None or target is None:
            return None
        try:
            return kpi_direction(current, target)
        except ValueError:
            return None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in KPI_KEYS}

    @classmethod
    def from_dict(cls, data: dict) -> KPI:
        """A KPI from :meth:`to_dict`'s output; keys it does not know (written by another
        version of nbalign) are dropped."""
        return cls(**{k: v for k, v in data.items() if k in KPI_KEYS})


def _quantity_or_none(text: str | None) -> Quantity | None:
    if text is None:
        return None
    try:
        return parse_quantity(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Baseline:
    """What every model is measured against.

    ``kind`` is ``"number"`` (today's system, ``value`` set), ``"first"`` (the first model
    evaluated), ``"model"`` (a fitted estimator in the variable ``model``) or ``"auto"`` (a
    linear model fitted on ``data.train``, beside a constant model recorded as the floor: see
    :mod:`nbalign.baseline`). The score of a ``"model"``/``"auto"`` baseline is an evaluation
    with ``role="baseline"``.
    """

    kind: str = "first"
    value: float | None = None
    model: str | None = None

    @property
    def label(self) -> str | None:
        """The name its evaluation is recorded under, for the kinds that have one."""
        return {"model": self.model, "auto": "linear baseline"}.get(self.kind)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "model": self.model}


@dataclass(frozen=True)
class Stop:
    """When to stop iterating: once ``patience`` models since the last real gain are each shown to
    gain less than ``min_gain``.

    A real gain has its paired interval (two-sided, at ``confidence``, 0.95 by default) at or above
    ``min_gain``; a model shown to gain less has its interval's upper end under it; see
    :func:`nbalign.comparison.is_better` and :func:`~nbalign.comparison.is_short_of`.

    ``min_gain=None`` means "decide from the objective": 2% of the distance from baseline to
    target once both are known, else 1% of the first model's score (see
    :func:`nbalign.judge.resolve_min_gain`).
    """

    min_gain: float | None = None
    patience: int = DEFAULT_PATIENCE
    confidence: float = DEFAULT_CONFIDENCE

    def to_dict(self) -> dict:
        return {"min_gain": self.min_gain, "patience": self.patience, "confidence": self.confidence}


@dataclass(frozen=True)
class Objective:
    """A declared objective. ``version`` is 0 until the store assigns one.

    Examples
    --------
    >>> o = parse_objective("metric: auc\\ntarget: 0.9\\nbaseline: 0.7", name="churn")
    >>> o.metric.label, o.target, o.baseline.value
    ('ROC AUC', 0.9, 0.7)
    """

    name: str
    metric: Metric
    # the grammar's lines of free text (grammar.text_keys()): read, stored and shown as they are
    outcome: str | None = None
    why: str | None = None  # what changed since the version before, and why
    kpi: KPI | None = None
    target: float | None = None
    baseline: Baseline = field(default_factory=Baseline)
    value: ValueMatrix | ErrorCost | None = None
    population: Population | None = None
    action: Action | None = None
    # `target: from kpi`: the target is derived when the objective is declared (it needs the
    # test labels' share of true cases); `derivation` says how.
    target_from_kpi: bool = False
    derivation: Derivation | None = None
    data_train: tuple[str, str] | None = None
    data_test: tuple[str, str] | None = None
    stop: Stop = field(default_factory=Stop)
    source: str = ""
    version: int = 0
    created_at: str = ""
    notebook: str | None = None
    # Cell line of each key (e.g. "data.test"), for messages about the names it refers to.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def with_version(self, version: int, created_at: str) -> Objective:
        return replace(self, version=version, created_at=created_at)

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "created_at": self.created_at,
            "notebook": self.notebook,
            **{key: getattr(self, key) for key in grammar.text_keys()},
            "kpi": self.kpi.to_dict() if self.kpi else None,
            "metric": self.metric.to_dict(),
            "target": self.target,
            "baseline": self.baseline.to_dict(),
            "value": None if self.value is None else self.value.to_dict(),
            "population": None if self.population is None else self.population.to_dict(),
            "action": None if self.action is None else self.action.to_dict(),
            "target_from_kpi": self.target_from_kpi,
            "derivation": None if self.derivation is None else self.derivation.to_dict(),
            "data": {
                "train": list(self.data_train) if self.data_train else None,
                "test": list(self.data_test) if self.data_test else None,
            },
            "stop": self.stop.to_dict(),
            "source": self.source,
        }

    def stored(self) -> dict:
        """The storage form: what the store and the unsaved files keep, apart from the wire form
        views receive (:meth:`to_dict`). It keeps the cell as the user wrote it (``text``), which
        is read again on load, so a key renamed in a later release reads as the parser reads it
        then; and the parsed form beside it, for a cell a later release would refuse."""
        return {"form": STORAGE_FORM, "name": self.name, "version": self.version, "created_at": self.created_at,
                "notebook": self.notebook, "text": self.source, "parsed": self.to_dict()}

    @classmethod
    def restored(cls, data: dict) -> Objective:
        """An objective from its storage form, or from the form an earlier release stored (the
        parsed form alone, some of its keys missing or since renamed)."""
        if data.get("form") is None:  # stored before the storage form: the parsed form alone
            return cls.from_dict(data)
        kept = cls.from_dict(data["parsed"])
        if data.get("text"):
            try:
                parsed = parse_objective(data["text"], name=data["name"])
            except ObjectiveError:  # a cell this release refuses: the objective as it was parsed then
                return kept
            # what was measured when it was declared is not in the text: the notebook it came from,
            # and a target derived from the KPI with the test labels of the day (`target: from kpi`)
            if parsed.target_from_kpi:
                parsed = replace(parsed, target=kept.target, derivation=kept.derivation)
            return replace(parsed, version=data["version"], created_at=data.get("created_at", ""),
                           notebook=data.get("notebook"), source=data["text"])
        return kept

    @classmethod
    def from_dict(cls, data: dict) -> Objective:
        """The objective from its wire form, tolerantly: keys an earlier release did not write
        take their defaults, and keys this release does not know are left out."""
        kpi = data.get("kpi")
        texts: dict[str, Any] = {key: data.get(key) for key in grammar.text_keys()}
        return cls(
            name=data["name"],
            version=data["version"],
            created_at=data.get("created_at", ""),
            notebook=data.get("notebook"),
            **texts,
            kpi=KPI.from_dict(kpi) if kpi else None,
            metric=Metric.from_dict(data["metric"]),
            target=data.get("target"),
            baseline=_known(Baseline, data["baseline"]),
            value=value_from_dict(data.get("value")),
            population=Population.from_dict(data.get("population")),
            action=Action.from_dict(data.get("action")),
            target_from_kpi=bool(data.get("target_from_kpi")),
            derivation=Derivation.from_dict(data.get("derivation")),
            data_train=tuple(data["data"]["train"]) if (data.get("data") or {}).get("train") else None,
            data_test=tuple(data["data"]["test"]) if (data.get("data") or {}).get("test") else None,
            stop=_known(Stop, data.get("stop") or {}),
            source=data.get("source", ""),
        )


# The storage form's version (Objective.stored): 1 was the parsed form alone, before it had a name.
STORAGE_FORM = 2


def _known(kind, data: dict):
    """A dataclass from the keys it knows: a key an earlier release wrote and this one renamed
    or dropped does not break the store."""
    from dataclasses import fields

    names = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in data.items() if k in names})


# --------------------------------------------------------------------------- parsing


def parse_objective(text: str, name: str = "objective", line_offset: int = 1) -> Objective:
    """Parse the YAML body of an ``%%objective`` cell.

    Numbers may be written as people write them (``0.85``, ``1e-3``, ``5e4``, ``30_000``); every
    number must be finite, the target and baseline must lie in the metric's range
    (:attr:`Metric.bounds <nbalign.metrics.Metric.bounds>`), and the target cannot be the
    perfect value (AUC 1, RMSE 0). YAML aliases and nesting deeper than ``MAX_DEPTH`` are
    refused: an objective has no use for them.

    Parameters
    ----------
    text : str
        The cell body (without the ``%%objective`` line).
    name : str
        The objective's name, from the magic line.
    line_offset : int
        Lines above the body: messages name cell lines, and the magic line is line 1.

    Raises
    ------
    ObjectiveError
        For every mistake, with the cell line it concerns and what to write instead.
    """
    lines, raw = _load_yaml_with_lines(text, line_offset)
    if raw is None:
        raise ObjectiveError(
            "the objective is empty. Write at least `metric:` and `target:`, for example\n"
            "    outcome: Fewer customers cancel\n    metric: auc\n    target: 0.85",
            None,
        )
    if not isinstance(raw, dict):
        raise ObjectiveError(
            "the objective must be a set of `key: value` lines "
            f"({', '.join(TOP_KEYS)}), not a {type(raw).__name__}.",
            line_offset + 1,
        )
    _check_keys(raw, TOP_KEYS, "", lines)

    if "metric" not in raw:
        raise ObjectiveError(
            "no `metric:`. Name the ML metric that tracks the outcome, e.g. `metric: auc` "
            "(any scikit-learn scorer name, or auc, ap, f1, logloss, rmse, mae, r2 ...).",
            None,
        )
    metric = _parse_metric(raw["metric"], lines.get("metric"))
    value = _parse_value(raw.get("value"), metric, lines)
    population = _parse_population(raw.get("population"), lines)
    action = _parse_action(raw.get("action"), metric, population, lines)
    if metric.kind.own:
        try:
            metric = bind_business(metric, action, population, value)
        except ValueError as exc:
            raise ObjectiveError(f"{exc}.", lines.get("metric")) from None
    kpi = _parse_kpi(raw.get("kpi"), lines)
    from_kpi = isinstance(raw.get("target"), str) and " ".join(raw["target"].lower().split()) == FROM_KPI
    if from_kpi:
        _check_derivable(metric, kpi, action, value, lines)
    target = None if from_kpi else _parse_number(raw.get("target"), "target", lines)
    if target is not None:
        _check_metric_range(metric, target, "target", lines)
        _check_not_perfect(metric, target, lines)
    baseline = _parse_baseline(raw.get("baseline"), lines)
    if baseline.value is not None:
        _check_metric_range(metric, baseline.value, "baseline", lines)
    if target is not None and baseline.value is not None and metric.improvement(target, baseline.value) <= 0:
        better = "above" if metric.greater_is_better else "below"
        raise ObjectiveError(
            f"target {target:g} is not better than the baseline {baseline.value:g}: for "
            f"{metric.label} ({'greater' if metric.greater_is_better else 'lower'} is better) "
            f"the target must be {better} the baseline. Check which number is which.",
            lines.get("target"),
        )
    data_train, data_test = _parse_data(raw.get("data"), lines)
    if baseline.kind == "auto" and data_train is None:
        raise ObjectiveError(
            "`baseline: auto` fits a constant and a linear model on the training data, so it needs "
            "`data:` with `train: X_train, y_train`.",
            lines.get("baseline"),
        )
    texts: dict[str, Any] = {key: _parse_text(raw.get(key), key, lines) for key in grammar.text_keys()}
    return Objective(
        name=name,
        metric=metric,
        **texts,
        kpi=kpi,
        target=target,
        baseline=baseline,
        value=value,
        population=population,
        action=action,
        target_from_kpi=from_kpi,
        data_train=data_train,
        data_test=data_test,
        stop=_parse_stop(raw.get("stop"), metric, lines),
        source=text,
        lines=lines,
    )


def check_names(objective: Objective, namespace: dict[str, Any]) -> None:
    """Raise :class:`ObjectiveError` if a variable the objective names is not defined."""
    wanted = []
    if objective.data_test:
        wanted += [(n, "data.test") for n in objective.data_test]
    if objective.data_train:
        wanted += [(n, "data.train") for n in objective.data_train]
    if objective.baseline.kind == "model" and objective.baseline.model is not None:
        wanted.append((objective.baseline.model, "baseline"))
    for var, key in wanted:
        if var not in namespace:
            close = difflib.get_close_matches(var, [k for k in namespace if not k.startswith("_")], n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ObjectiveError(
                f"`{key}` names the variable {_shown(var)}, which is not defined.{hint} "
                "Run the cell that creates it first, or fix the name.",
                objective.line_of(key),
            )


# --------------------------------------------------------------------------- YAML


class _Refused(Exception):
    """What the loader refuses to read, and where: a message and a YAML mark."""

    def __init__(self, message: str, mark):
        super().__init__(message)
        self.message = message
        self.mark = mark


def _load_yaml_with_lines(text: str, offset: int) -> tuple[dict[str, int], Any]:
    import yaml  # only when a cell is parsed: keeps `import nbalign` light

    loader = None
    try:
        loader = _loader_class()(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise ObjectiveError(exc.message, exc.mark.line + 1 + offset) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark is not None else None
        problem = _cut(exc.problem or exc.context or "invalid YAML")
        raise ObjectiveError(
            f"this is not valid YAML ({problem}). Write one `key: value` per line, indent "
            "nested keys (kpi, data, stop) by two spaces, and quote text that contains `: ` or "
            "starts with a special character.",
            line,
        ) from None
    except yaml.reader.ReaderError as exc:
        raise ObjectiveError(
            f"the character #x{exc.character:04x} cannot appear in an objective; delete it.",
            text.count("\n", 0, exc.position) + 1 + offset,
        ) from None
    except yaml.YAMLError as exc:
        raise ObjectiveError(f"this is not valid YAML ({_cut(str(exc))}).", None) from None
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict[str, int] = {}
    _record_lines(node, "", offset, lines)
    return lines, data


@functools.lru_cache(maxsize=1)
def _loader_class():
    """PyYAML's safe loader, bounded (made on first use: yaml is imported only then)."""
    import yaml

    class ObjectiveLoader(yaml.SafeLoader):
        """Refuses aliases and nesting deeper than ``MAX_DEPTH``, so a short cell can neither
        expand into gigabytes nor exhaust the stack; a scalar its tag cannot read is refused
        with a message instead of PyYAML's ValueError."""

        depth = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                raise _Refused(
                    f"`*{_cut(event.anchor)}` repeats another value (a YAML alias). An objective has "
                    "no use for anchors and aliases, and they can expand a short cell into "
                    "gigabytes: write each value where it belongs.",
                    event.start_mark,
                )
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise _Refused(
                        f"this is nested more than {MAX_DEPTH} levels deep; an objective needs three "
                        "at most (e.g. `data:`, then `train:` on an indented line). Write one "
                        "`key: value` per line and close every bracket you open.",
                        event.start_mark,
                    )
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_object(self, node, deep=False):
            try:
                return super().construct_object(node, deep)
            except (ValueError, LookupError, AttributeError):
                if not isinstance(node, yaml.ScalarNode):
                    raise
                raise _Refused(_unreadable(node.tag, node.value), node.start_mark) from None

    return ObjectiveLoader


def _unreadable(tag: str, text: str) -> str:
    """Why a scalar cannot be read as what its (explicit or implicit) tag says it is."""
    kind = tag.rsplit(":", 1)[-1]
    problem = _date_problem(text) if kind == "timestamp" else None
    if problem:
        return (
            f"`{_cut(text)}` is not a date that exists: {problem}. Write a real date as YYYY-MM-DD, "
            "e.g. `2027-06-30`."
        )
    if kind == "int" and len(text) > 1000:
        return f"{_shown(text)} has too many digits to be a number; no objective needs one this long."
    if kind == "timestamp":
        return (f"{_shown(text)} is not a date and time that exists. Write a date as YYYY-MM-DD, "
                "or quote it to keep it as text.")
    what = {"int": "a whole number", "float": "a number", "bool": "true or false"}.get(kind, "its tag says")
    return (
        f"{_shown(text)} cannot be read as {what}. Write the value without a `!!` tag, or quote "
        "it to keep it as text."
    )


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _date_problem(text: str) -> str | None:
    """Why ``text``, written as YYYY-MM-DD, is not a date of the calendar; None if it is one."""
    match = _ISO_DATE.match(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
        return f"there is no year {year}"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{_MONTHS[month - 1]} {year} has {days} days"
    return None


def _record_lines(node, prefix: str, offset: int, lines: dict[str, int]) -> None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return
    seen = set()
    for key_node, value_node in node.value:
        key = f"{prefix}{key_node.value}"
        line = key_node.start_mark.line + 1 + offset
        if key in seen:
            raise ObjectiveError(f"`{_cut(key_node.value)}` is given twice; keep one.", line)
        seen.add(key)
        lines[key] = line
        _record_lines(value_node, f"{key}.", offset, lines)


# --------------------------------------------------------------------------- values


def _cut(text: str, length: int = _SHOWN_LENGTH) -> str:
    """``text`` as a message shows it: cut to ``length`` characters."""
    return text if len(text) <= length else text[: length - 3] + "..."


def _shown(value: Any) -> str:
    """A user value as a message shows it: its repr, short whatever the value's size."""
    return _cut(_SHORT.repr(value))


def _written(value: Any) -> str:
    """A number as YAML writes it (``.inf``, ``.nan``), cut short."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    return _cut(str(value))


def _check_keys(raw: dict, valid: tuple[str, ...], prefix: str, lines: dict[str, int]) -> None:
    for key in raw:
        if key not in valid:
            close = difflib.get_close_matches(str(key), valid, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            where = f" under `{prefix.rstrip('.')}`" if prefix else ""
            raise ObjectiveError(
                f"unknown key `{_cut(str(key))}`{where}.{hint} Valid keys: {', '.join(valid)}.",
                lines.get(f"{prefix}{key}"),
            )


def _parse_metric(value: Any, line: int | None) -> Metric:
    if not isinstance(value, str) or not value.strip():
        raise ObjectiveError(
            "`metric:` must be a metric name, e.g. `metric: average_precision`.", line
        )
    try:
        return resolve_metric(value)
    except UnknownMetricError as exc:
        raise ObjectiveError(str(exc), line) from None


def _as_number(value: Any) -> float | None:
    """The number ``value`` is, written as YAML or as text like ``1e-3``; None if it is none.

    Booleans are not numbers; a number too large for a float is infinite.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value.strip()):
            return None
        value = value.strip().replace("_", "")
    elif not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:  # an int beyond the floats
        return math.inf


# What each number states, for the message that asks for a finite one.
_MEANING = {
    "target": "the metric value that delivers the KPI",
    "baseline": "what today's system scores",
    "stop.min_gain": "the smallest improvement that counts, e.g. `min_gain: 0.01`",
    "stop.confidence": "how sure a verdict must be, e.g. `confidence: 0.95`",
}


def _parse_number(value: Any, key: str, lines: dict[str, int]) -> float | None:
    if value is None:
        return None
    number = _as_number(value)
    if number is None:
        raise ObjectiveError(
            f"`{key}:` must be a number, not {_shown(value)}.{_number_hint(value, key)}",
            lines.get(key),
        )
    if not math.isfinite(number):
        meaning = _MEANING.get(key) or f"the business value of one {VALUE_NAMES[key.split('.')[-1]]}"
        why = ("(`.inf` and `.nan` are YAML's infinity and not-a-number)" if isinstance(value, float)
               else "(it is too large for a floating-point number)")
        raise ObjectiveError(
            f"`{key}: {_written(value)}` is not a finite number {why}. Write {meaning}.",
            lines.get(key),
        )
    return number


def _number_hint(value: Any, key: str) -> str:
    """How to write a number the user wrote another way (85%, 30k), or ""."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if text.endswith("%"):
        percent = _as_number(text[:-1])
        if percent is not None and math.isfinite(percent):
            return f" For a percentage write the fraction: `{key}: {percent / 100:g}`."
    abbreviated = _ABBREVIATED.fullmatch(text)
    if abbreviated:
        number = float(abbreviated.group(1)) * {"k": 1e3, "K": 1e3, "M": 1e6}[abbreviated.group(2)]
        return f" Write the number in full: `{key}: {number:.15g}` (or with `_` between thousands)."
    return ""


def _check_metric_range(metric: Metric, number: float, key: str, lines: dict[str, int]) -> None:
    """Refuse a number the metric cannot take, saying which number was meant where that is clear."""
    low, high = metric.bounds
    line = lines.get(key)
    if metric.greater_is_better and metric.kind.negated and number > 0:
        alias = loss_alias(metric.scorer)
        loss = f"`metric: {alias}` with `{key}: {number:g}`, or keep the scorer and write " if alias else ""
        raise ObjectiveError(
            f"`{key}: {number:g}` is above 0, but `{metric.scorer}` is a loss negated by "
            "scikit-learn (so that greater is better): its values are 0 or below. "
            f"Write {loss}the negative number: `{key}: {-number:g}`.",
            line,
        )
    if not metric.greater_is_better and number < 0 <= low:
        raise ObjectiveError(
            f"`{key}: {number:g}` is negative, but {metric.label} is a loss (0 is perfect). "
            f"Write the loss itself: `{key}: {-number:g}`.",
            line,
        )
    if low <= number <= high:
        return
    if math.isfinite(low) and math.isfinite(high):
        hint = f" Did you mean {number / 100:g}?" if (low, high) == (0, 1) and 1 < number <= 100 else ""
        problem = (f"is outside {low:g}..{high:g}, the range of {metric.label}."
                   + (hint or f" Write a value from {low:g} to {high:g}."))
    elif number > high:
        problem = f"is above {high:g}, the most {metric.label} can be. Write a value of at most {high:g}."
    else:
        problem = f"is below {low:g}, the least {metric.label} can be. Write a value of at least {low:g}."
    raise ObjectiveError(f"`{key}: {number:g}` {problem}", line)


def _check_not_perfect(metric: Metric, target: float, lines: dict[str, int]) -> None:
    """Refuse a target at the metric's perfect value: no model beats it, real data rarely allows it."""
    if target != metric.perfect:
        return
    side = "below" if metric.greater_is_better else "above"
    least = "lowest" if metric.greater_is_better else "largest"
    raise ObjectiveError(
        f"`target: {target:g}` is a perfect {metric.label}: no model can beat it and real data "
        f"rarely allows it. Write the {least} {metric.label} that still delivers the KPI, "
        f"{side} {target:g}.",
        lines.get("target"),
    )


def _parse_text(value: Any, key: str, lines: dict[str, int]) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise ObjectiveError(f"`{key}:` must be one line of text.", lines.get(key))
    if isinstance(value, float) and not math.isfinite(value):
        raise ObjectiveError(
            f"`{key}: {_written(value)}` is YAML's {'not-a-number' if math.isnan(value) else 'infinity'}, "
            "not text. Write the words you mean, in quotes if they start with a dot.",
            lines.get(key),
        )
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def _parse_baseline(value: Any, lines: dict[str, int]) -> Baseline:
    line = lines.get("baseline")
    if value is None or value == "first":
        return Baseline("first")
    if value == "auto":
        return Baseline("auto")
    if _as_number(value) is not None:
        return Baseline("number", value=_parse_number(value, "baseline", lines))
    if isinstance(value, str) and value.isidentifier() and not keyword.iskeyword(value):
        return Baseline("model", model=value)
    raise ObjectiveError(
        f"`baseline: {_shown(value)}` is not understood. Write a number (today's system scores "
        "this), `first` (the first model you evaluate), `auto` (a linear model fitted on "
        "data.train) or the variable of a fitted model (e.g. `baseline: dummy`)."
        + _number_hint(value, "baseline"),
        line,
    )


def _parse_pair(value: Any, key: str, lines: dict[str, int]) -> tuple[str, str] | None:
    if value is None:
        return None
    parts = value if isinstance(value, list) else str(value).split(",")
    names = [str(p).strip() for p in parts]
    if len(names) != 2 or not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
        leaf = key.split(".")[-1]
        raise ObjectiveError(
            f"`{key}:` must name two variables, features then labels, e.g. "
            f"`{leaf}: X_{leaf}, y_{leaf}`; got {_shown(value)}.",
            lines.get(key),
        )
    return names[0], names[1]


def _parse_data(value: Any, lines: dict[str, int]):
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise ObjectiveError(
            "`data:` must hold `test:` (and optionally `train:`) on indented lines, e.g.\n"
            "    data:\n      test: X_test, y_test",
            lines.get("data"),
        )
    _check_keys(value, DATA_KEYS, "data.", lines)
    return _parse_pair(value.get("train"), "data.train", lines), _parse_pair(
        value.get("test"), "data.test", lines
    )


def _parse_kpi(value: Any, lines: dict[str, int]) -> KPI | None:
    if value is None:
        return None
    if isinstance(value, str):
        return KPI(name=value.strip())
    if not isinstance(value, dict):
        raise ObjectiveError(
            "`kpi:` must hold `name:` and either `current:`, `target:`, `deadline:`, `owner:` "
            "or, for a criterion no number fits, `judge:`.",
            lines.get("kpi"),
        )
    _check_keys(value, KPI_KEYS, "kpi.", lines)
    if not value.get("name"):
        raise ObjectiveError(
            "the KPI has no `name:`. Say what the business measures, e.g. "
            "`name: 3-month churn rate of new customers`.",
            lines.get("kpi"),
        )
    fields: dict[str, Any] = {k: _parse_text(value.get(k), f"kpi.{k}", lines) for k in KPI_KEYS}
    fields["deadline"] = _parse_deadline(value.get("deadline"), lines)
    _check_kpi_values(fields["current"], fields["target"], lines)
    return KPI(**fields)


def _check_kpi_values(current: str | None, target: str | None, lines: dict[str, int]) -> None:
    """Refuse KPI values that cannot be read, that are not the same kind, or that do not move.

    The values stay text in the :class:`KPI` (as written); this only checks that they read.
    """
    quantities = {}
    for key, text in (("current", current), ("target", target)):
        if text is None:
            continue
        try:
            quantities[key] = parse_quantity(text)
        except QuantityError as exc:
            raise ObjectiveError(f"`kpi.{key}: {_cut(text)}` {exc.problem}: {exc.fix}.",
                                 lines.get(f"kpi.{key}")) from None
    if len(quantities) == 2:
        try:
            kpi_direction(quantities["current"], quantities["target"])
        except QuantityError as exc:
            raise ObjectiveError(f"{exc.problem}: {exc.fix}.", lines.get("kpi.target")) from None


def _parse_deadline(value: Any, lines: dict[str, int]) -> str | None:
    """The KPI deadline as YYYY-MM-DD. YAML reads an unquoted date; a quoted one is text."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = _cut(str(value).strip())
    problem = _date_problem(text)
    if problem:
        raise ObjectiveError(
            f"`deadline: {text}` is not a date that exists: {problem}. Write a real date as "
            "YYYY-MM-DD, e.g. `deadline: 2027-06-30`.",
            lines.get("kpi.deadline"),
        )
    try:
        return _dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ObjectiveError(
            f"`deadline: {text}` is not a date. Write it as YYYY-MM-DD, e.g. `deadline: 2027-06-30`.",
            lines.get("kpi.deadline"),
        ) from None


def _parse_value(value: Any, metric: Metric, lines: dict[str, int]) -> ValueMatrix | ErrorCost | None:
    """What outcomes are worth: a value matrix (classification) or the cost of each unit of
    error (regression), as numbers (points) or amounts in one currency (``$180``)."""
    if value is None:
        return None
    task = metric.kind.task
    if metric.kind.priced and isinstance(value, dict) and set(value) & set(ERROR_KEYS):
        task = REGRESSION  # the value of a regression's errors: the metric follows the value
    errors = task == REGRESSION
    keys = ERROR_KEYS if errors else VALUE_KEYS
    if not isinstance(value, dict):
        raise ObjectiveError(
            "`value:` must give, on indented lines, "
            + ("the cost of each unit of error: `under:` (predicted too low) and `over:` (too high)."
               if errors else "the business value of each outcome per case: tp, fp, fn, tn."),
            lines.get("value"),
        )
    if task is None:
        raise ObjectiveError(f"`value:` prices the outcomes of a classifier (tp, fp, fn, tn) or the errors "
                             f"of a regression (under, over); {metric.label} is neither.", lines.get("value"))
    other = ERROR_KEYS if not errors else VALUE_KEYS
    for key in value:
        if key in other:
            raise ObjectiveError(
                f"`value.{key}` prices a {'classifier' if errors else 'regression'}, and {metric.label} is a "
                f"{task} metric. Write " + ("`under:` and `over:`, the cost of each unit of error "
                                            "predicted too low and too high." if errors else
                                            "the value of each outcome: `tp`, `fp`, `fn`, `tn`."),
                lines.get(f"value.{key}"))
    _check_keys(value, keys, "value.", lines)
    amounts, currencies = {}, {}
    for key, entry in value.items():
        if entry is None:
            example = _VALUE_EXAMPLES[key]
            raise ObjectiveError(
                f"`value.{key}:` is empty. Give the business value of one {VALUE_NAMES[key]} as a "
                f"number or an amount, e.g. `{key}: {example}` (0 if it is worth nothing), or "
                "leave the line out.",
                lines.get(f"value.{key}"),
            )
        amounts[key], currency = _amount(entry, f"value.{key}", lines)
        if currency is not None:
            currencies[key] = currency
    if len({c[0] for c in currencies.values()}) > 1:
        shown = ", ".join(f"{k} in {c[0]}" for k, c in currencies.items())
        raise ObjectiveError(f"the values are in different currencies ({shown}); write them all in one.",
                             lines.get("value"))
    code, marker = next(iter(currencies.values()), (None, None))
    if errors:
        for key, amount in amounts.items():
            if amount < 0:
                raise ObjectiveError(
                    f"`value.{key}:` is the cost of one {VALUE_NAMES[key]}: write it as a positive amount, "
                    f"e.g. `{key}: {_VALUE_EXAMPLES[key]}`.", lines.get(f"value.{key}"))
        return ErrorCost(currency=code, marker=marker, **amounts)
    return ValueMatrix(currency=code, marker=marker, **amounts)


_VALUE_EXAMPLES = {"tp": "$180", "fp": "-$20", "fn": "-$200", "tn": 0, "under": "$3", "over": "$1"}


def _amount(entry: Any, key: str, lines: dict[str, int]) -> tuple[float, tuple[str | None, str | None] | None]:
    """A number, or an amount of money with its currency: ``(value, (code, marker) or None)``."""
    if not isinstance(entry, str) or _as_number(entry) is not None:
        number = _parse_number(entry, key, lines)
        assert number is not None  # not empty: the caller refused that first
        return number, None
    try:
        quantity = parse_quantity(entry)
    except QuantityTooLarge as exc:  # `$1e309`: refused as a plain number too large is (_parse_number)
        leaf = key.split(".")[-1]
        raise ObjectiveError(f"`{key}: {_cut(entry)}` {exc.problem}. Write the business value of one "
                             f"{VALUE_NAMES[leaf]}, e.g. `{leaf}: {_VALUE_EXAMPLES[leaf]}`.", lines.get(key)) from None
    except QuantityError:
        quantity = None
    if quantity is None or quantity.kind != "money" or quantity.unit:
        raise ObjectiveError(
            f"`{key}:` must be a number or an amount of money, not {_shown(entry)}. Write e.g. "
            f"`{key.split('.')[-1]}: {_VALUE_EXAMPLES[key.split('.')[-1]]}`.",
            lines.get(key),
        )
    return quantity.value, (quantity.currency, quantity.marker or quantity.currency)


def _parse_population(value: Any, lines: dict[str, int]) -> Population | None:
    """Cases per period: ``12,000 customers per quarter`` (or a plain number of cases)."""
    if value is None:
        return None
    line = lines.get("population")
    text = str(value).strip() if not isinstance(value, (dict, list, bool)) else None
    example = "Write how many cases the business sees per period, e.g. `population: 12,000 customers per quarter`."
    if not text:
        raise ObjectiveError(f"`population:` must be a number of cases. {example}", line)
    period = None
    body = text
    match = re.search(r"\s(?:per|a|an|each|every)\s+([A-Za-z][A-Za-z ]*)$|/\s*([A-Za-z][A-Za-z ]*)$", text)
    if match:
        period = (match.group(1) or match.group(2)).strip()
        body = text[: match.start()].strip()
    try:
        quantity = parse_quantity(body)
    except QuantityError as exc:
        raise ObjectiveError(f"`population: {_cut(text)}` {exc.problem}. {example}", line) from None
    if quantity.kind not in ("count", "number") or (quantity.kind == "number" and quantity.unit):
        raise ObjectiveError(f"`population: {_cut(text)}` is not a number of cases. {example}", line)
    if not math.isfinite(quantity.value) or quantity.value <= 0:
        raise ObjectiveError(f"`population: {_cut(text)}` must be more than 0 cases. {example}", line)
    return Population(quantity.value, quantity.unit, period, text)


_TOP = re.compile(r"top\s+(?P<amount>.+)", re.IGNORECASE)
_AT_LEAST = re.compile(r"(?:score|probability|proba|p)\s*(?:>=|≥|=>)\s*(?P<threshold>\S+)", re.IGNORECASE)
_PREDICTED = re.compile(r"predicted(?:\s+(?:positive|yes|1|true))?", re.IGNORECASE)
_RULE_HELP = ("Write `top 20%` (the top share of cases by score), `top 1,000` (cases per period; needs "
              "`population:`), `score >= 0.3` (cases whose probability is at least 0.3) or `predicted` "
              "(the cases the model predicts positive).")


def _parse_action(value: Any, metric: Metric, population: Population | None,
                  lines: dict[str, int]) -> Action | None:
    """What the business does with the output: one rule under the user's verb, and its effect."""
    if value is None:
        return None
    example = "    action:\n      contact: top 20%\n      effect: 30%"
    if not isinstance(value, dict) or not value:
        raise ObjectiveError("`action:` says what the business does with the model's output, on indented "
                             f"lines, e.g.\n{example}", lines.get("action"))
    if metric.kind.task != CLASSIFICATION:
        raise ObjectiveError(f"`action:` picks cases to act on from a classifier's scores, and {metric.label} "
                             "is not a classification metric. For a regression, price the errors in `value:` "
                             "(under, over).", lines.get("action"))
    rules = {k: v for k, v in value.items() if k != "effect"}
    if not rules:
        raise ObjectiveError(f"`action:` has an effect but no rule: say whom the business acts on, e.g.\n{example}",
                             lines.get("action"))
    if len(rules) > 1:
        keys = ", ".join(f"`{_cut(str(k))}`" for k in rules)
        close = [k for k in rules if difflib.get_close_matches(str(k), ["effect"], n=1, cutoff=0.7)]
        hint = f" Did you mean `effect` for `{_cut(str(close[0]))}`?" if close else ""
        raise ObjectiveError(f"`action:` holds one rule and `effect:`, and it has {len(rules)} rules ({keys}).{hint}",
                             lines.get(f"action.{close[0] if close else list(rules)[1]}"))
    verb, rule_text = next(iter(rules.items()))
    key = f"action.{verb}"
    verb = str(verb).strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z ]{0,40}", verb):
        raise ObjectiveError(f"`{_cut(verb)}` under `action:` should be the verb of the action (contact, call, "
                             f"review), followed by its rule, e.g.\n{example}", lines.get(key))
    rule = _parse_rule(rule_text, verb, key, population, lines)
    effect, effect_range = _parse_effect(value.get("effect"), lines) if "effect" in value else (None, None)
    return Action(verb=verb, effect=effect, effect_range=effect_range, text=str(rule_text).strip(), **rule)


def _parse_rule(text: Any, verb: str, key: str, population: Population | None, lines: dict[str, int]) -> dict:
    line = lines.get(key)
    close = difflib.get_close_matches(verb, ["effect"], n=1, cutoff=0.7)
    hint = " (Did you mean `effect`?)" if close else ""
    if not isinstance(text, str) or not text.strip():
        raise ObjectiveError(f"`{key}: {_shown(text)}` is not a rule.{hint} {_RULE_HELP}", line)
    text = " ".join(text.split())
    if _PREDICTED.fullmatch(text):
        return {"rule": "predicted"}
    at_least = _AT_LEAST.fullmatch(text)
    if at_least:
        threshold = _as_number(at_least.group("threshold"))
        if threshold is None or not 0 < threshold < 1:
            raise ObjectiveError(f"`{key}: {_cut(text)}`: the threshold is a probability, between 0 and 1 "
                                 "(exclusive), e.g. `score >= 0.3`.", line)
        return {"rule": "threshold", "threshold": threshold}
    top = _TOP.fullmatch(text)
    if top is None:
        raise ObjectiveError(f"`{key}: {_cut(text)}` is not a rule.{hint} {_RULE_HELP}", line)
    amount = top.group("amount")
    try:
        quantity = parse_quantity(amount)
    except QuantityError as exc:
        raise ObjectiveError(f"`{key}: {_cut(text)}`: {exc.problem}. {_RULE_HELP}", line) from None
    if quantity.kind == "percent":
        if not 0 < quantity.value <= 100:
            raise ObjectiveError(f"`{key}: {_cut(text)}`: the share acted on must be more than 0% and at most "
                                 "100%.", line)
        return {"rule": "top", "share": quantity.value / 100}
    if quantity.kind in ("count", "number") and quantity.value > 0 and float(quantity.value).is_integer():
        if population is None:
            raise ObjectiveError(f"`{key}: {_cut(text)}` is a number of cases per period; add "
                                 "`population:` (cases per period, e.g. `population: 12,000 customers per "
                                 "quarter`) so it is a share, or write a share: `top 20%`.", line)
        if quantity.value > population.cases:
            raise ObjectiveError(f"`{key}: {_cut(text)}` is more than the population ({population.text}).", line)
        return {"rule": "top", "count": quantity.value}
    raise ObjectiveError(f"`{key}: {_cut(text)}` is not a rule. {_RULE_HELP}", line)


_EFFECT_FIX = ("Write the share of the true cases reached whose outcome the action changes, e.g. `effect: 30%` "
               "(30 of 100 churners contacted stay), or the range it lies in when it is not known better, "
               "e.g. `effect: 20% to 40%` or `effect: 30% ± 10%`.")
_EFFECT_TO = re.compile(r"\s*\bto\b\s*", re.IGNORECASE)
_EFFECT_PLUS_MINUS = re.compile(r"\s*(?:±|\+/-|\+-)\s*")


def _parse_effect(value: Any, lines: dict[str, int]) -> tuple[float, tuple[float, float] | None]:
    """The share of true cases reached whose outcome the action changes: ``30%`` or ``0.3``; or
    the range it lies in, ``20% to 40%`` (``0.2 to 0.4``) or ``30% ± 10%`` (``30% +/- 10%``).

    Returns the effect and its range (None for a single value); the effect of a range is its
    middle, which is the stated centre of ``30% ± 10%``.
    """
    line = lines.get("action.effect")
    if isinstance(value, str) and (_EFFECT_TO.search(value) or _EFFECT_PLUS_MINUS.search(value)):
        low, high = _parse_effect_range(" ".join(value.split()), line)
        middle = float((Decimal(repr(low)) + Decimal(repr(high))) / 2)
        return middle, (low, high)
    number = _as_number(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        number = _as_number(value.strip()[:-1])
        number = None if number is None else number / 100
    if number is None or not math.isfinite(number):
        raise ObjectiveError(f"`effect: {_shown(value)}` is not a share. {_EFFECT_FIX}", line)
    if not 0 < number <= 1:
        raise ObjectiveError(f"`effect: {_shown(value)}` must be more than 0% and at most 100%. {_EFFECT_FIX}", line)
    return number, None


def _parse_effect_range(text: str, line: int | None) -> tuple[float, float]:
    """``20% to 40%`` or ``30% ± 10%`` as its two ends, shares (0..1); refused with what to write."""
    written = f"`effect: {_cut(text)}`"
    example = "e.g. `effect: 20% to 40%`"
    to = _EFFECT_TO.split(text)
    plus_minus = _EFFECT_PLUS_MINUS.split(text)
    if len(to) > 1 and len(plus_minus) > 1:
        raise ObjectiveError(f"{written} has both `to` and `±`: write the two ends of the range, {example}, or its "
                             "centre and how far the effect may be from it, `effect: 30% ± 10%`.", line)
    parts, ranged = (to, True) if len(to) > 1 else (plus_minus, False)
    names = ("low end", "high end") if ranged else ("centre", "part after the ±")
    fix = example if ranged else "e.g. `effect: 30% ± 10%`"
    if len(parts) > 2:
        separator = "`to`" if ranged else "`±`"
        raise ObjectiveError(f"{written} has more than one {separator}: write one range, {fix}.", line)
    for name, part in zip(names, parts, strict=True):
        if not part.strip():
            raise ObjectiveError(f"{written} has no {name}: write both, {fix}.", line)
    first, second = (part.strip() for part in parts)
    percent = [part.endswith("%") for part in (first, second)]
    digits, numbers = [], []
    for name, part in zip(names, (first, second), strict=True):
        written_number = part[:-1].strip() if part.endswith("%") else part
        number = _as_number(written_number)
        if number is None or not math.isfinite(number):
            raise ObjectiveError(f"{written}: the {name} `{_cut(part, 20)}` is not a share. {_EFFECT_FIX}", line)
        digits.append(written_number.replace("_", ""))
        numbers.append(number)
    if percent[0] and not percent[1]:  # `20% to 0.4`: the second as a percentage too
        as_percent = f"{numbers[1] * 100:g}%" if ranged and 0 < numbers[1] <= 1 else f"{second}%"
        raise ObjectiveError(f"{written} has a % on the {names[0]} only: write both as percentages, "
                             f"`effect: {first} {'to' if ranged else '±'} {as_percent}`.", line)
    scale = 100 if percent[1] else 1  # `20 to 40%`: the % is the range's
    if ranged:  # each end read as a single effect is
        low, high = numbers[0] / scale, numbers[1] / scale
    else:  # in decimal, so that 0.3 ± 0.1 is 0.2 to 0.4, not 0.19999999999999998
        centre, half = (Decimal(d) for d in digits)
        if half <= 0:
            raise ObjectiveError(f"{written}: the part after the ± is how far the effect may be from {first}, more "
                                 "than 0: e.g. `effect: 30% ± 10%`.", line)
        low, high = float((centre - half) / scale), float((centre + half) / scale)
    shown = f"{format_share(low)} to {format_share(high)}"
    if low > high:
        raise ObjectiveError(f"{written} has its ends the wrong way round: write the low end first, "
                             f"`effect: {second} to {first}`.", line)
    if low == high:
        raise ObjectiveError(f"{written} is one value, not a range: write `effect: {first}`.", line)
    if not (low > 0 and high <= 1):
        where = "" if ranged else f" goes from {shown}"
        raise ObjectiveError(f"{written}{where}: an effect is more than 0% and at most 100%. Write the lowest and the "
                             f"highest share of the true cases reached the action may change, {example}.", line)
    return low, high


def _check_derivable(metric: Metric, kpi: KPI | None, action: Action | None, value, lines: dict[str, int]) -> None:
    """`target: from kpi` needs a KPI with numbers, an action with its effect, and a metric of the action."""
    line = lines.get("target")
    if metric.kind.from_recall is None:
        raise ObjectiveError(
            f"`target: from kpi` derives the target of a metric the KPI can be projected from, and "
            f"{metric.label} is not one: write `metric: recall_at_k` (or precision_at_k, business_value), "
            "or give the target as a number.", line)
    why = projectable(kpi)
    if why is not None:
        raise ObjectiveError(f"`target: from kpi` projects the KPI, but {why}. Give `kpi:` a `current:` and a "
                             "`target:`, or write the metric target as a number.", line)
    if action is None or action.effect is None:
        raise ObjectiveError("`target: from kpi` needs `action:` with its `effect:` (the share of true cases "
                             "reached whose outcome changes), e.g.\n    action:\n      contact: top 20%\n"
                             "      effect: 30%", line)


def _parse_stop(value: Any, metric: Metric, lines: dict[str, int]) -> Stop:
    if value is None:
        return Stop()
    if not isinstance(value, dict):
        raise ObjectiveError(
            "`stop:` must hold `min_gain:`, `patience:` and/or `confidence:` on indented lines.",
            lines.get("stop"),
        )
    _check_keys(value, STOP_KEYS, "stop.", lines)
    min_gain = _parse_number(value.get("min_gain"), "stop.min_gain", lines)
    if min_gain is not None and min_gain < 0:
        raise ObjectiveError(
            f"`min_gain: {min_gain:g}` is negative; it is the smallest improvement that counts, "
            "e.g. `min_gain: 0.01`.",
            lines.get("stop.min_gain"),
        )
    low, high = metric.bounds
    if min_gain is not None and min_gain >= high - low:  # false when the range is unbounded
        raise ObjectiveError(
            f"`min_gain: {min_gain:g}` is not less than the whole range of {metric.label} "
            f"({low:g}..{high:g}), so no model could ever gain that much. Write a small step, "
            f"e.g. `min_gain: {(high - low) / 100:g}`.",
            lines.get("stop.min_gain"),
        )
    patience = value.get("patience", DEFAULT_PATIENCE)
    if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
        raise ObjectiveError(
            f"`patience: {_shown(patience)}` must be a whole number of models, at least 1, "
            "e.g. `patience: 3`.",
            lines.get("stop.patience"),
        )
    confidence = _parse_number(value.get("confidence", DEFAULT_CONFIDENCE), "stop.confidence", lines)
    if confidence is None or not 0.5 <= confidence < 1:
        raise ObjectiveError(
            f"`confidence: {'' if confidence is None else f'{confidence:g}'}` must be a level between 0.5 "
            "and 1 (exclusive), how sure a verdict must be: e.g. `confidence: 0.95` for 95%.",
            lines.get("stop.confidence"),
        )
    return Stop(min_gain=min_gain, patience=patience, confidence=confidence)
