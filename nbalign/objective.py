"""The objective: business outcome, success criteria, ML metric, target, baseline, stop rule.

:func:`parse_objective` turns the YAML body of an ``%%objective`` cell into an
:class:`Objective`, or raises :class:`~nbalign.errors.ObjectiveError` naming the line and the fix.
Everything here is pure: no IPython, no scikit-learn at import time.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import keyword
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ObjectiveError
from .metrics import Metric, UnknownMetricError, resolve_metric

TOP_KEYS = ("outcome", "kpi", "metric", "target", "baseline", "value", "data", "stop")
KPI_KEYS = ("name", "current", "target", "deadline", "owner", "judge")
DATA_KEYS = ("train", "test")
STOP_KEYS = ("min_gain", "patience")
VALUE_KEYS = ("tp", "fp", "fn", "tn")
DEFAULT_PATIENCE = 3

# Scorers whose values live in [0, 1]: a target of 60 there is a typo for 0.60.
_UNIT_INTERVAL_PREFIXES = (
    "roc_auc",
    "average_precision",
    "accuracy",
    "balanced_accuracy",
    "f1",
    "precision",
    "recall",
    "jaccard",
    "top_k_accuracy",
)


@dataclass(frozen=True)
class KPI:
    """A success criterion in business terms: a number with a target, or a named judge."""

    name: str
    current: str | None = None
    target: str | None = None
    deadline: str | None = None  # ISO date
    owner: str | None = None
    judge: str | None = None

    @property
    def subjective(self) -> bool:
        return self.judge is not None and self.target is None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in KPI_KEYS}


@dataclass(frozen=True)
class Baseline:
    """What every model is measured against.

    ``kind`` is ``"number"`` (today's system, ``value`` set), ``"first"`` (the first model
    evaluated), ``"model"`` (a fitted estimator in the variable ``model``) or ``"auto"`` (a
    constant model fitted on ``data.train``). The score of a ``"model"``/``"auto"`` baseline is
    an evaluation with ``role="baseline"``.
    """

    kind: str = "first"
    value: float | None = None
    model: str | None = None

    @property
    def label(self) -> str | None:
        """The name its evaluation is recorded under, for the kinds that have one."""
        return {"model": self.model, "auto": "constant baseline"}.get(self.kind)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "model": self.model}


@dataclass(frozen=True)
class Stop:
    """When to stop iterating: ``patience`` models in a row without a gain of ``min_gain``.

    ``min_gain=None`` means "decide from the objective": 2% of the distance from baseline to
    target once both are known, else 1% of the first model's score (see
    :func:`nbalign.standing.resolve_min_gain`).
    """

    min_gain: float | None = None
    patience: int = DEFAULT_PATIENCE

    def to_dict(self) -> dict:
        return {"min_gain": self.min_gain, "patience": self.patience}


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
    outcome: str | None = None
    kpi: KPI | None = None
    target: float | None = None
    baseline: Baseline = field(default_factory=Baseline)
    value: dict[str, float] | None = None
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
            "outcome": self.outcome,
            "kpi": self.kpi.to_dict() if self.kpi else None,
            "metric": self.metric.to_dict(),
            "target": self.target,
            "baseline": self.baseline.to_dict(),
            "value": self.value,
            "data": {
                "train": list(self.data_train) if self.data_train else None,
                "test": list(self.data_test) if self.data_test else None,
            },
            "stop": self.stop.to_dict(),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Objective:
        kpi = data.get("kpi")
        return cls(
            name=data["name"],
            version=data["version"],
            created_at=data.get("created_at", ""),
            notebook=data.get("notebook"),
            outcome=data.get("outcome"),
            kpi=KPI(**kpi) if kpi else None,
            metric=Metric.from_dict(data["metric"]),
            target=data.get("target"),
            baseline=Baseline(**data["baseline"]),
            value=data.get("value"),
            data_train=tuple(data["data"]["train"]) if data["data"].get("train") else None,
            data_test=tuple(data["data"]["test"]) if data["data"].get("test") else None,
            stop=Stop(**data["stop"]),
            source=data.get("source", ""),
        )


# --------------------------------------------------------------------------- parsing


def parse_objective(text: str, name: str = "objective", line_offset: int = 1) -> Objective:
    """Parse the YAML body of an ``%%objective`` cell.

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
    target = _parse_number(raw.get("target"), "target", lines)
    if target is not None:
        _check_metric_range(metric, target, "target", lines)
    baseline = _parse_baseline(raw.get("baseline"), lines)
    if baseline.value is not None:
        _check_metric_range(metric, baseline.value, "baseline", lines)
    if target is not None and baseline.value is not None:
        if metric.improvement(target, baseline.value) <= 0:
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
            "`baseline: auto` fits a constant model on the training data, so it needs "
            "`data:` with `train: X_train, y_train`.",
            lines.get("baseline"),
        )
    return Objective(
        name=name,
        metric=metric,
        outcome=_parse_text(raw.get("outcome"), "outcome", lines),
        kpi=_parse_kpi(raw.get("kpi"), lines),
        target=target,
        baseline=baseline,
        value=_parse_value(raw.get("value"), lines),
        data_train=data_train,
        data_test=data_test,
        stop=_parse_stop(raw.get("stop"), lines),
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
    if objective.baseline.kind == "model":
        wanted.append((objective.baseline.model, "baseline"))
    for var, key in wanted:
        if var not in namespace:
            close = difflib.get_close_matches(var, [k for k in namespace if not k.startswith("_")], n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ObjectiveError(
                f"`{key}` names the variable {var!r}, which is not defined.{hint} "
                "Run the cell that creates it first, or fix the name.",
                objective.line_of(key),
            )


def _load_yaml_with_lines(text: str, offset: int) -> tuple[dict[str, int], Any]:
    import yaml  # only when a cell is parsed: keeps `import nbalign` light

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ObjectiveError(
            f"this is not valid YAML ({problem}). Write one `key: value` per line, indent "
            "nested keys (kpi, data, stop) by two spaces, and quote text that contains `: ` or "
            "starts with a special character.",
            line,
        ) from None
    except yaml.YAMLError as exc:
        raise ObjectiveError(f"this is not valid YAML ({exc}).", None) from None
    lines: dict[str, int] = {}
    _record_lines(node, "", offset, lines)
    return lines, data


def _record_lines(node, prefix: str, offset: int, lines: dict[str, int]) -> None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return
    seen = set()
    for key_node, value_node in node.value:
        key = f"{prefix}{key_node.value}"
        line = key_node.start_mark.line + 1 + offset
        if key in seen:
            raise ObjectiveError(
                f"`{key_node.value}` is given twice; keep one.", line
            )
        seen.add(key)
        lines[key] = line
        _record_lines(value_node, f"{key}.", offset, lines)


def _check_keys(raw: dict, valid: tuple[str, ...], prefix: str, lines: dict[str, int]) -> None:
    for key in raw:
        if key not in valid:
            close = difflib.get_close_matches(str(key), valid, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            where = f" under `{prefix.rstrip('.')}`" if prefix else ""
            raise ObjectiveError(
                f"unknown key `{key}`{where}.{hint} Valid keys: {', '.join(valid)}.",
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


def _parse_number(value: Any, key: str, lines: dict[str, int]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = str(value).strip()
        hint = ""
        if text.endswith("%"):
            try:
                hint = f" For a percentage write the fraction: `{key}: {float(text[:-1]) / 100:g}`."
            except ValueError:
                pass
        raise ObjectiveError(f"`{key}:` must be a number, not {value!r}.{hint}", lines.get(key))
    return float(value)


def _check_metric_range(metric: Metric, number: float, key: str, lines: dict[str, int]) -> None:
    if metric.scorer.startswith(_UNIT_INTERVAL_PREFIXES) and not 0 <= number <= 1:
        hint = f" Did you mean {number / 100:g}?" if 1 < number <= 100 else ""
        raise ObjectiveError(
            f"`{key}: {number:g}` is outside 0..1, the range of {metric.label}.{hint}",
            lines.get(key),
        )
    if not metric.greater_is_better and number < 0:
        raise ObjectiveError(
            f"`{key}: {number:g}` is negative, but {metric.label} is a loss (0 is perfect). "
            f"Write the loss itself: `{key}: {-number:g}`.",
            lines.get(key),
        )


def _parse_text(value: Any, key: str, lines: dict[str, int]) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise ObjectiveError(f"`{key}:` must be one line of text.", lines.get(key))
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def _parse_baseline(value: Any, lines: dict[str, int]) -> Baseline:
    line = lines.get("baseline")
    if value is None or value == "first":
        return Baseline("first")
    if value == "auto":
        return Baseline("auto")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Baseline("number", value=float(value))
    if isinstance(value, str) and value.isidentifier() and not keyword.iskeyword(value):
        return Baseline("model", model=value)
    raise ObjectiveError(
        f"`baseline: {value!r}` is not understood. Write a number (today's system scores "
        "this), `first` (the first model you evaluate), `auto` (a constant model fitted on "
        "data.train) or the variable of a fitted model (e.g. `baseline: dummy`).",
        line,
    )


def _parse_pair(value: Any, key: str, lines: dict[str, int]) -> tuple[str, str] | None:
    if value is None:
        return None
    parts = value if isinstance(value, list) else str(value).split(",")
    names = [str(p).strip() for p in parts]
    if len(names) != 2 or not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
        raise ObjectiveError(
            f"`{key}:` must name two variables, features then labels, e.g. "
            f"`{key.split('.')[-1]}: X_{key.split('.')[-1]}, y_{key.split('.')[-1]}`; got {value!r}.",
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
    deadline = value.get("deadline")
    if deadline is not None:
        if isinstance(deadline, _dt.datetime):
            deadline = deadline.date()
        if not isinstance(deadline, _dt.date):
            try:
                deadline = _dt.date.fromisoformat(str(deadline).strip())
            except ValueError:
                raise ObjectiveError(
                    f"`deadline: {value['deadline']}` is not a date. Write it as YYYY-MM-DD, "
                    "e.g. `deadline: 2027-06-30`.",
                    lines.get("kpi.deadline"),
                ) from None
        deadline = deadline.isoformat()
    fields = {k: _parse_text(value.get(k), f"kpi.{k}", lines) for k in KPI_KEYS}
    fields["deadline"] = deadline
    return KPI(**fields)


def _parse_value(value: Any, lines: dict[str, int]) -> dict[str, float] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ObjectiveError(
            "`value:` must give the business value of each outcome per case: tp, fp, fn, tn.",
            lines.get("value"),
        )
    _check_keys(value, VALUE_KEYS, "value.", lines)
    return {k: _parse_number(v, f"value.{k}", lines) for k, v in value.items()}


def _parse_stop(value: Any, lines: dict[str, int]) -> Stop:
    if value is None:
        return Stop()
    if not isinstance(value, dict):
        raise ObjectiveError(
            "`stop:` must hold `min_gain:` and/or `patience:` on indented lines.",
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
    patience = value.get("patience", DEFAULT_PATIENCE)
    if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
        raise ObjectiveError(
            f"`patience: {patience!r}` must be a whole number of models, at least 1, "
            "e.g. `patience: 3`.",
            lines.get("stop.patience"),
        )
    return Stop(min_gain=min_gain, patience=patience)
