"""From metric to money and KPI: what a model is worth, and what it would do to the KPI.

An objective may say what each outcome is worth (``value:``), how many cases the business sees
(``population:``) and what it will do with the model's output (``action:``). From a model's
test-set predictions this module computes:

- **which cases the action reaches** (:func:`acted`): the top share by score (``contact: top
  20%``), the cases scored at or above a threshold (``contact: score >= 0.3``), or the model's
  own predictions of the positive class (``contact: predicted``, the default decision);
- **the business value** (:meth:`ValueMatrix.per_case`): the value matrix applied to the confusion
  counts of that decision, per case and per period; for a regression, the cost of each unit of
  error, with different prices for under- and over-prediction;
- **the decision threshold that maximises value** (:func:`best_threshold`, :func:`tune_threshold`),
  chosen on out-of-fold predictions of the *training* data, never on the test labels;
- **the projected KPI** (:func:`project_kpi`): the action changes the outcome of a share
  ``effect`` of the true cases it reaches, so a KPI that counts those cases (a churn rate, a count
  of cancellations, money lost to them) moves by ``effect x recall`` of itself::

      projected = current x (1 - effect x recall)                 (a KPI that falls)
      projected = current + (100% - current) x effect x recall    (a share that rises: retention)

  An effect stated as a range (``effect: 20% to 40%``) is projected at its middle, and over the
  range too (:func:`projected_span`: the projection is monotone in the recall and the effect, so
  its extremes are at their ends). What the projection assumes is said once where it is
  explained (:func:`projection_assumptions`). The value matrix is the user's, in money or points:
  how the effect enters it is not known here, so no value is computed from the effect;
- **the metric target the KPI target requires** (:func:`derive_target`): the recall at the action
  that makes the projection meet the KPI target, and from it the precision or the value per case.

Pure: numpy at call time, scikit-learn only to tune a threshold. No IPython.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, overload

from .format import DASH, format_money, format_number, format_share
from .kpi import MINUS, Quantity, format_quantity
from .refit import Memory

# The most training rows a threshold is tuned on (a fixed, stratified sample beyond it).
TUNE_ROW_LIMIT = 100_000
TUNE_FOLDS = 5

# ------------------------------------------------------------------ what outcomes are worth


@dataclass(frozen=True)
class ValueMatrix:
    """The business value of each outcome of a yes/no decision, per case (money or points).

    ``tp``: a true case acted on; ``fp``: a case acted on in vain; ``fn``: a true case missed;
    ``tn``: a case rightly left alone. ``currency`` is an ISO 4217 code when the values were
    written as money (``$180``), None for plain numbers (points); ``marker`` is how to show it.

    Examples
    --------
    >>> m = ValueMatrix(tp=180, fp=-20, fn=-200, tn=0, currency="USD", marker="$")
    >>> m.per_case(tp=30, fp=20, fn=10, tn=40)
    30.0
    """

    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0
    tn: float = 0.0
    currency: str | None = None
    marker: str | None = None

    kind = "matrix"

    def per_case(self, tp, fp, fn, tn):
        """Mean value per case of the confusion counts ``tp``, ``fp``, ``fn``, ``tn`` (numbers, or
        arrays of them: one per resample of a paired test)."""
        return _ratio(self.tp * tp + self.fp * fp + self.fn * fn + self.tn * tn, tp + fp + fn + tn)

    def per_row(self, positive, weights):
        """Each row's value: ``weights`` is the share of the row the action reaches (0..1)."""
        import numpy as np

        positive = np.asarray(positive, dtype=bool)
        weights = np.asarray(weights, dtype=float)
        acted = np.where(positive, self.tp, self.fp)
        left = np.where(positive, self.fn, self.tn)
        return weights * acted + (1 - weights) * left

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "currency": self.currency, "marker": self.marker}


@dataclass(frozen=True)
class ErrorCost:
    """What each unit of a regression's error costs: ``under`` when the prediction is too low,
    ``over`` when it is too high (both 0 or more). A case's value is minus its cost.

    Examples
    --------
    >>> ErrorCost(under=3, over=1).per_row([10, 10], [8, 13]).tolist()
    [-6.0, -3.0]
    """

    under: float = 0.0
    over: float = 0.0
    currency: str | None = None
    marker: str | None = None

    kind = "errors"

    def per_row(self, y_true, y_pred):
        import numpy as np

        error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
        return -(self.under * np.maximum(-error, 0) + self.over * np.maximum(error, 0))

    def to_dict(self) -> dict:
        return {"under": self.under, "over": self.over, "currency": self.currency, "marker": self.marker}


def value_from_dict(data: dict | None) -> ValueMatrix | ErrorCost | None:
    """The value an objective was stored with; older stores wrote the matrix as bare numbers."""
    if not data:
        return None
    if "under" in data or "over" in data:
        return ErrorCost(**{k: data[k] for k in ("under", "over", "currency", "marker") if k in data})
    return ValueMatrix(**{k: data[k] for k in ("tp", "fp", "fn", "tn", "currency", "marker") if k in data})


@dataclass(frozen=True)
class Population:
    """How many cases the business sees per period: ``12,000 customers per quarter``."""

    cases: float
    unit: str | None = None  # "customers"
    period: str | None = None  # "quarter"
    text: str = ""

    def per_period(self) -> str:
        return f" per {self.period}" if self.period else ""

    def to_dict(self) -> dict:
        return {"cases": self.cases, "unit": self.unit, "period": self.period, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict | None) -> Population | None:
        if not data:
            return None
        stored: dict[str, Any] = {k: data.get(k) for k in ("cases", "unit", "period", "text")}
        return cls(**stored)


@dataclass(frozen=True)
class Action:
    """What the business does with the model's output, and how much it changes.

    ``verb`` is the user's word (``contact``); ``rule`` is ``"top"`` (the top ``share`` of cases
    by score, or the top ``count`` per period), ``"threshold"`` (score of at least
    ``threshold``) or ``"predicted"`` (the model's own yes). ``effect`` is the share of the true
    cases reached whose outcome the action changes (0..1), None when not stated; when it was
    stated as a range (``effect: 20% to 40%``, ``30% ± 10%``), ``effect_range`` holds its ends and
    ``effect`` its middle, and every projection from the effect is given over the range too.
    """

    verb: str
    rule: str
    share: float | None = None
    count: float | None = None
    threshold: float | None = None
    effect: float | None = None
    text: str = ""
    effect_range: tuple[float, float] | None = None

    def effects(self) -> tuple[float, ...]:
        """The effects a projection is computed at: the ends of the range, or the one effect."""
        if self.effect_range is not None:
            return self.effect_range
        return () if self.effect is None else (self.effect,)

    def effect_text(self) -> str:
        """``30%``, or ``20% to 40%`` for a range."""
        if self.effect_range is not None:
            return f"{format_share(self.effect_range[0])} to {format_share(self.effect_range[1])}"
        return format_share(self.effect)

    def capacity(self, population: Population | None) -> float | None:
        """The share of cases acted on for a ``top`` rule (a count over the population)."""
        if self.rule != "top":
            return None
        if self.share is not None:
            return self.share
        assert self.count is not None  # a top rule has a share or a count
        return None if population is None or not population.cases else min(1.0, self.count / population.cases)

    def describe(self, population: Population | None = None) -> str:
        """``contact the top 20% (2,400 customers per quarter)``."""
        if self.rule == "threshold":
            return f"{self.verb} cases scored {format_number(self.threshold)} or more"
        if self.rule == "predicted":
            return f"{self.verb} the cases the model predicts positive"
        share = self.capacity(population)
        if self.share is not None:
            text = f"{self.verb} the top {format_share(self.share)}"
            if population is not None:
                text += f" ({_count(self.share * population.cases, population)})"
            return text
        assert self.count is not None  # a top rule has a share or a count
        text = f"{self.verb} the top {_count(self.count, population)}"
        return text + (f" ({format_share(share)})" if share is not None else "")

    def to_dict(self) -> dict:
        return {"verb": self.verb, "rule": self.rule, "share": self.share, "count": self.count,
                "threshold": self.threshold, "effect": self.effect, "text": self.text,
                "effect_range": None if self.effect_range is None else list(self.effect_range)}

    @classmethod
    def from_dict(cls, data: dict | None) -> Action | None:
        """The action from :meth:`to_dict`'s form; one stored before effect ranges (a single
        ``effect``, no ``effect_range``) loads as it was."""
        if not data:
            return None
        stored: dict[str, Any] = {k: data.get(k) for k in
                                  ("verb", "rule", "share", "count", "threshold", "effect", "text")}
        ends = data.get("effect_range")
        stored["effect_range"] = None if not ends else (float(ends[0]), float(ends[1]))
        return cls(**stored)


# ------------------------------------------------------------------ the decision


def acted(scores, *, share: float | None = None, threshold: float | None = None):
    """How much of each row the action reaches, 0..1.

    ``share``: the top ``round(share x n)`` rows by score. Rows tied at the cut share the places
    left equally (the expected outcome of breaking the tie at random), so a model that scores
    every row alike reaches ``share`` of every row, positives and negatives alike.
    ``threshold``: rows scored at least ``threshold``. Neither: ``scores`` are the decisions
    already (true or 1 for "act").
    """
    import numpy as np

    scores = np.asarray(scores, dtype=float).ravel()
    n = scores.size
    if threshold is not None:
        return (scores >= threshold).astype(float)
    if share is None:
        return (scores > 0.5).astype(float) if scores.size else scores
    places = min(n, max(0, math.floor(share * n + 0.5)))
    if places == 0:
        return np.zeros(n)
    if places == n:
        return np.ones(n)
    cut = np.partition(scores, n - places)[n - places]  # the places-th largest score
    above = scores > cut
    tied = scores == cut
    weights = above.astype(float)
    weights[tied] = (places - above.sum()) / tied.sum()
    return weights


def counts(positive, weights) -> tuple[float, float, float, float]:
    """``(tp, fp, fn, tn)`` of a decision that reaches ``weights`` of each row."""
    import numpy as np

    positive = np.asarray(positive, dtype=bool).ravel()
    weights = np.asarray(weights, dtype=float).ravel()
    # sums, not masks: no copy of the rows of each class (100,000 rows, three times an evaluation)
    tp = float(np.dot(weights, positive))
    fp = float(weights.sum()) - tp
    cases = float(np.count_nonzero(positive))
    return tp, fp, cases - tp, float(positive.size) - cases - fp


def _positive(y_true, pos_label):
    import numpy as np

    return np.asarray(y_true).ravel() == pos_label


def recall_at(y_true, y_score, *, share=None, threshold=None, pos_label=1) -> float:
    """Share of the true cases the action reaches (scikit-learn's ``make_scorer`` signature)."""
    return _recall_of(counts(_positive(y_true, pos_label), acted(y_score, share=share, threshold=threshold)), {})


def precision_at(y_true, y_score, *, share=None, threshold=None, pos_label=1) -> float:
    """Share of the cases reached that are true cases."""
    return _precision_of(counts(_positive(y_true, pos_label), acted(y_score, share=share, threshold=threshold)), {})


def value_at(y_true, y_score, *, tp, fp, fn, tn, share=None, threshold=None, pos_label=1) -> float:
    """Value per case of the decision, by the value matrix."""
    decision = counts(_positive(y_true, pos_label), acted(y_score, share=share, threshold=threshold))
    return _value_of(decision, {"tp": tp, "fp": fp, "fn": fn, "tn": tn})


# Each metric of a decision from its confusion counts ``(tp, fp, fn, tn)``, numbers or arrays
# of them (one per resample), and the metric's terms: what recall_at, precision_at and
# value_at compute of one decision, and what a paired test computes of a thousand resampled
# ones at once (nbalign.comparison). A ratio of no cases is NaN.


def _recall_of(decision, terms: dict):
    tp, _, fn, _ = decision
    return _ratio(tp, tp + fn)


def _precision_of(decision, terms: dict):
    tp, fp, _, _ = decision
    return _ratio(tp, tp + fp)


def _value_of(decision, terms: dict):
    return ValueMatrix(terms["tp"], terms["fp"], terms["fn"], terms["tn"]).per_case(*decision)


# The scorers' functions (what nbalign.metrics makes its scorers of), by their form on counts.
OF_COUNTS = {recall_at: _recall_of, precision_at: _precision_of, value_at: _value_of}


def _ratio(numerator, denominator):
    """``numerator / denominator``, NaN where the denominator is 0; of numbers or of arrays."""
    import numpy as np

    if np.ndim(denominator) == 0:
        return numerator / denominator if denominator else math.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator != 0, numerator / np.where(denominator != 0, denominator, 1), math.nan)


def errors_value(y_true, y_pred, *, under, over) -> float:
    """Value per case of a regression's errors: minus their cost."""
    return float(ErrorCost(under, over).per_row(y_true, y_pred).mean())


def best_threshold(positive, scores, matrix: ValueMatrix, max_share: float | None = None) -> tuple[float, float]:
    """The threshold that maximises value per case on these rows, and that value.

    Exact: every cut between two distinct scores is tried at once (cumulative counts over the
    rows sorted by score). The threshold returned is halfway between the last score acted on and
    the next one, so that new cases are cut where these rows leave the widest room. With
    ``max_share`` (the action's capacity: ``call: top 20%``), no cut acts on more than that share
    of the rows.
    """
    import numpy as np

    positive = np.asarray(positive, dtype=bool).ravel()
    scores = np.asarray(scores, dtype=float).ravel()
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_positive = scores[order], positive[order]
    n, p = scores.size, int(positive.sum())
    tp = np.concatenate([[0], np.cumsum(sorted_positive)])  # acting on the first k rows, k = 0..n
    fp = np.arange(n + 1) - tp
    value = (matrix.tp * tp + matrix.fp * fp + matrix.fn * (p - tp) + matrix.tn * (n - p - fp)) / n
    # only cuts between distinct scores can be made by a threshold
    cuttable = np.concatenate([[True], sorted_scores[1:] < sorted_scores[:-1], [True]])
    if max_share is not None:
        cuttable[math.floor(max_share * n + 1e-9) + 1:] = False  # within the capacity; acting on nobody always is
    k = int(np.flatnonzero(cuttable)[np.argmax(value[cuttable])])
    if k == 0:
        threshold = float(sorted_scores[0]) + 1.0 if n else 1.0  # act on nobody
    elif k == n:
        threshold = float(sorted_scores[-1])
    else:
        threshold = float(sorted_scores[k - 1] + sorted_scores[k]) / 2
        if threshold <= sorted_scores[k]:  # two scores one float apart: no number lies between them
            threshold = float(sorted_scores[k - 1])
    return threshold, float(value[k])


@dataclass(frozen=True)
class ThresholdChoice:
    """A threshold chosen on out-of-fold predictions of the training data."""

    threshold: float
    value: float  # value per case on the out-of-fold predictions
    folds: int
    rows: int
    sampled_from: int | None = None  # training rows before sampling, when sampled


def tune_threshold(model, X, y, matrix: ValueMatrix, *, method: str | None = None, pos_label=1,
                   folds: int = TUNE_FOLDS, row_limit: int = TUNE_ROW_LIMIT, max_share: float | None = None,
                   deadline: float = math.inf) -> ThresholdChoice:
    """Choose the value-maximising threshold of ``model`` by cross-validation on ``(X, y)``.

    What the model is (a search's best estimator with its parameters, not the search) is refitted
    on ``folds - 1`` stratified folds and scores the one left out, so every training row gets a
    score from a model that did not see it; the threshold that maximises value on those scores,
    acting on at most ``max_share`` of the cases, is chosen, as scikit-learn's
    ``TunedThresholdClassifierCV`` does (it averages per-fold curves on a grid; this pools the
    folds' scores and tries every cut). The fitted model is not touched, the test labels are
    never read, and the refits draw from nbalign's own random generator
    (:mod:`nbalign.refit`). Above ``row_limit`` training rows a fixed stratified sample is used.

    ``method`` is the response to threshold (``predict_proba`` by default, else
    ``decision_function``): the one the test-set scores were taken from. Raises
    :class:`~nbalign.refit.Cancelled` when a fold would start after ``deadline``
    (``time.perf_counter()``), and whatever the refit raises when the model cannot be refitted.
    """
    import time

    import numpy as np
    from sklearn.model_selection import StratifiedKFold
    from sklearn.utils import _safe_indexing

    from .refit import Cancelled, best_estimator, own_randomness, seeded_clone

    model = best_estimator(model)
    y_array = np.asarray(y).ravel()
    n = y_array.size
    sampled_from = None
    if n > row_limit:
        from sklearn.model_selection import train_test_split

        rows, _ = train_test_split(np.arange(n), train_size=row_limit, stratify=y_array, random_state=0)
        rows = np.sort(rows)
        X = _safe_indexing(X, rows)
        y_array, sampled_from, n = y_array[rows], n, row_limit
    method = method or ("predict_proba" if hasattr(model, "predict_proba") else "decision_function")
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    out_of_fold = np.empty(n, dtype=float)
    with own_randomness():
        for train, test in splitter.split(np.zeros((n, 1)), y_array):
            if time.perf_counter() > deadline:
                raise Cancelled("it ran past its time budget")
            fitted = seeded_clone(model).fit(_safe_indexing(X, train), y_array[train])
            response = np.asarray(getattr(fitted, method)(_safe_indexing(X, test)))
            if response.ndim == 2:
                classes = list(getattr(fitted, "classes_", np.unique(y_array[train])))
                response = response[:, classes.index(pos_label) if pos_label in classes else -1]
            out_of_fold[test] = response
    threshold, value = best_threshold(y_array == pos_label, out_of_fold, matrix, max_share)
    return ThresholdChoice(threshold, value, folds, n, sampled_from)


# ------------------------------------------------------------------ the KPI


def project_kpi(current: float, direction: str, percent: bool, effect: float, recall: float) -> float | None:
    """The KPI once the action has changed ``effect x recall`` of the cases it counts.

    ``direction`` is the KPI's (``"decrease"``: it counts the cases the model finds;
    ``"increase"``: a percentage of the other cases, which rises as true cases are prevented).
    None where the KPI's relation to the cases is not known (a count or amount that rises).

    Examples
    --------
    >>> round(project_kpi(26.5, "decrease", True, 0.30, 0.566), 2)
    22.0
    """
    moved = effect * recall
    if direction == "decrease":
        return current * (1 - moved)
    if direction == "increase" and percent:
        return current + (100 - current) * moved
    return None


def required_recall(current: float, target: float, direction: str | None, percent: bool,
                    effect: float | None) -> float | None:
    """The recall at the action for which :func:`project_kpi` meets ``target``; None where it
    cannot be said (see :func:`project_kpi`)."""
    if not effect:
        return math.inf
    if direction == "decrease":
        return None if current == 0 else (1 - target / current) / effect
    if direction == "increase" and percent:
        return None if current >= 100 else (target - current) / ((100 - current) * effect)
    return None


def max_recall(share: float | None, positive_rate: float | None) -> float:
    """The most any model can reach: a top share smaller than the share of true cases cannot
    reach them all."""
    if share is None or not positive_rate:
        return 1.0
    return min(1.0, share / positive_rate)


def projectable(kpi) -> str | None:
    """Why this KPI cannot be projected from the model's recall, or None when it can."""
    if kpi is None or kpi.current_quantity is None or kpi.target_quantity is None:
        return "the KPI has no current and target values"
    direction = kpi.direction
    if direction == "increase" and kpi.current_quantity.kind != "percent":
        return ("the KPI rises, and only a percentage that rises (the share of cases kept) can be "
                "projected: write the KPI as what falls (the cases the model finds)")
    return None


@dataclass(frozen=True)
class Derivation:
    """The metric target a KPI target requires under the action, and the line that shows why.

    ``required`` is the value of the metric the KPI target requires; ``target`` is the same
    number when the metric can take it, and None when it cannot (a recall of 3.33, a precision
    of 1.05, a negative recall): no model reaches it, so the objective gets no target and NBA108
    says what to change. Stored as ``target`` (the value required) with ``out_of_range``.
    """

    target: float | None
    recall: float
    text: str
    reachable_recall: float = 1.0
    required: float | None = None  # None: the target itself

    @property
    def out_of_range(self) -> bool:
        return self.target is None

    def to_dict(self) -> dict:
        data = {"target": self.target if self.required is None else self.required, "recall": self.recall,
                "text": self.text, "reachable_recall": self.reachable_recall}
        return {**data, "out_of_range": True} if self.out_of_range else data

    @classmethod
    def from_dict(cls, data: dict | None) -> Derivation | None:
        if not data:
            return None
        known = cls(**{k: data[k] for k in ("target", "recall", "text", "reachable_recall") if k in data})
        return replace(known, target=None, required=known.target) if data.get("out_of_range") else known


def derive_target(metric, kpi, action: Action, population: Population | None,
                  value: ValueMatrix | ErrorCost | None, positive_rate: float | None) -> Derivation:
    """The value of ``metric`` (one of nbalign's own, bound to the objective's terms) at which the
    projected KPI meets the KPI target: the recall of the action it needs, and from it the metric
    (its kind's ``from_recall``).

    A value the metric cannot take (outside its range, or from a recall outside 0..1: a KPI
    target no action of this effect reaches, a negative KPI) is no target: the derivation's
    ``target`` is then None, its text says why, and NBA108 what to change.

    Raises ``ValueError`` with what is missing (a rate of true cases for precision or value).
    """
    label = metric.label
    current, target = kpi.current_quantity, kpi.target_quantity
    percent = current.kind == "percent"
    direction = kpi.direction
    recall = required_recall(current.value, target.value, direction, percent, action.effect)
    if recall is None:
        raise ValueError(projectable(kpi) or "the KPI cannot be projected")
    for effect in action.effects():
        if not math.isfinite(required_recall(current.value, target.value, direction, percent, effect) or 0.0):
            raise ValueError(f"an action that changes the outcome of {format_share(effect)} of the true cases it "
                             "reaches moves the KPI by nothing a model can make up for; write the share it changes, "
                             "e.g. `effect: 30%`")
    share = action.capacity(population)
    reachable = max_recall(share, positive_rate)

    def reach() -> tuple[float, float]:
        """The share of the cases acted on and the share of true cases, for a metric of more than the recall."""
        if share is None:
            raise ValueError(f"{label} at a threshold depends on how many cases each model reaches; derive "
                             "it with a `top` action (e.g. `contact: top 20%`), or derive recall_at_k")
        if positive_rate is None:
            raise ValueError(f"deriving a target of {label} needs the share of true cases, from the test labels "
                             "(`data: test:`)")
        return share, positive_rate

    metric_target = metric.kind.from_recall(recall, reach, value)
    moved = f"{format_share(action.effect)} × {format_number(recall)}"
    if direction == "decrease":
        formula = f"{_q(current)} × (1 − {moved}) = {_q(target)}"
    else:
        formula = f"{_q(current)} + (100% − {_q(current)}) × {moved} = {_q(target)}"
    verb = "fall" if direction == "decrease" else "rise"
    shown = format_money(metric_target, value) if metric.kind.priced else format_number(metric_target)
    via = "" if metric.kind.is_recall else f" (recall {format_number(recall)})"
    from .kpi import _with_article

    movement = f"for {_with_article(kpi.name)} to {verb} from {_q(current)} to {_q(target)}"
    over_range = ""
    if action.effect_range is not None:  # the metric the KPI target requires at each end of the effect's range
        ends = []
        for effect in action.effect_range:
            end = required_recall(current.value, target.value, direction, percent, effect)
            assert end is not None  # as at the middle: the same KPI (and finite: refused above)
            ends.append(metric.kind.from_recall(end, reach, value))
        shown_ends = [format_money(v, value) if metric.kind.priced else format_number(v) for v in sorted(ends)]
        over_range = f"; with the effect {action.effect_text()}, {shown_ends[0]} to {shown_ends[1]}"
    low, high = metric.bounds
    if 0 <= recall <= 1 and low <= metric_target <= high:
        return Derivation(metric_target, recall, f"{label} must reach {shown}{via} {movement}: {formula}{over_range}",
                          reachable)
    # The recall of the action is a share of the true cases: what the metric cannot be, no model reaches.
    if recall > 1:
        limit = "but no action reaches more than every true case (a recall of 1)"
    elif recall < 0:
        limit = "but a recall is never below 0 (a negative KPI does not fall as the action prevents true cases)"
    else:
        bound = f"at most {format_number(high)}" if metric_target > high else f"at least {format_number(low)}"
        limit = f"but {label} is {bound}"
    text = (f"{label} would have to reach {shown}{via} {movement} ({formula}{over_range}), {limit}: no model can, so "
            "there is no metric target (NBA108 says what to change)")
    return Derivation(None, recall, text, reachable, required=metric_target)


def _q(quantity: Quantity) -> str:
    return format_quantity(quantity)


# ------------------------------------------------------------------ words and numbers


def gerund(phrase: str) -> str:
    """``contact the top 20%`` -> ``contacting the top 20%``; ``call`` -> ``calling``."""
    verb, _, rest = phrase.partition(" ")
    if verb.endswith("ing"):
        return phrase
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        verb = verb[:-1]
    elif len(verb) > 2 and verb[-1] in "bdgmnprt" and verb[-2] in "aeiou" and verb[-3] not in "aeiou" \
            and verb[-2:] not in ("er", "en", "on", "or", "et", "it"):
        verb += verb[-1]  # stop -> stopping
    return f"{verb}ing {rest}".rstrip()


def _count(cases: float, population: Population | None) -> str:
    unit = f" {population.unit}" if population is not None and population.unit else ""
    period = population.per_period() if population is not None else ""
    return f"{cases:,.0f}{unit}{period}"


@dataclass(frozen=True)
class Terms:
    """What a record's business figures were measured under; figures measured under other
    terms (an earlier value matrix or action) are not shown as if they were current."""

    value: dict | None = None
    action: dict | None = None
    share: float | None = None

    def key(self) -> str:
        import hashlib
        import json

        return hashlib.sha256(json.dumps([self.value, self.action, self.share], sort_keys=True,
                                         default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Figures:
    """What a model's decision is measured to do on the test set, under the objective's terms.

    Measured once, at evaluation, and kept on the record: ``recall``/``precision`` of the
    cases the action reaches, ``acted`` (share of cases reached), ``value`` per case, the value at
    the model's default threshold and at the threshold tuned on the training data.
    """

    terms: str
    recall: float | None = None
    precision: float | None = None
    acted: float | None = None
    value: float | None = None
    # the response ("predict_proba", "decision_function") says the threshold's scale; records made
    # before it was kept have none (threshold_line reads 0.5 as a probability's, 0 as a decision function's)
    default: dict | None = None  # {"threshold": 0.5, "value": ..., "acted": ..., "response": "predict_proba"}
    tuned: dict | None = None  # {"threshold", "value", "cv_value", "folds", "rows", "response"} or {"skipped": why}

    def to_dict(self) -> dict:
        """The figures as the record keeps them: strict JSON (a number that is not finite is left out)."""
        data = {"terms": self.terms, "recall": self.recall, "precision": self.precision, "acted": self.acted,
                "value": self.value, "default": self.default, "tuned": self.tuned}
        return _finite_only(data)


def _finite_only(data: dict) -> dict:
    kept = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _finite_only(value)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        kept[key] = value
    return kept


# ------------------------------------------------------------------ measuring a model

POSITIVE = 1  # the class the action looks for: 1 or True (the objective refuses labels without it)


def terms_of(objective) -> Terms | None:
    """The terms a record's figures are measured under; None when the objective states none."""
    if objective.value is None and objective.action is None:
        return None
    action = objective.action
    # the effect's range is left out: no figure depends on the effect, and records measured before
    # ranges were stated keep their figures (a range's middle is the effect they were measured with)
    stated = None if action is None else {k: v for k, v in action.to_dict().items() if k != "effect_range"}
    return Terms(None if objective.value is None else objective.value.to_dict(), stated,
                 None if action is None else action.capacity(objective.population))


def measure(objective, model, X, y, response=None) -> Figures | None:
    """What the model's decision does on the test set ``(X, y)`` under the objective's terms.

    ``response`` is ``(method, values)`` the metric was computed from (reused, not predicted
    again, when it is what the decision needs). Nothing is refitted here: the threshold that
    maximises value is :func:`tune`'s, apart.
    """
    import numpy as np

    terms = terms_of(objective)
    if terms is None:
        return None
    key, value, action = terms.key(), objective.value, objective.action
    if isinstance(value, ErrorCost):
        predicted = response[1] if response is not None and response[0] == "predict" else model.predict(X)
        return Figures(key, value=float(value.per_row(y, predicted).mean()))
    positive = np.asarray(y).ravel() == POSITIVE
    n = positive.size
    needs_probability = action is not None and action.rule == "threshold"
    scores, method = _scores(model, X, response, needs_probability)
    if scores is None and action is not None and action.rule != "predicted":
        raise ValueError(f"the action ({action.text}) needs the model's "
                         + ("probabilities" if needs_probability else "scores")
                         + ", and it has no predict_proba" + ("" if needs_probability else " nor decision_function"))
    if action is None or action.rule == "predicted":
        labels = response[1] if response is not None and response[0] == "predict" else model.predict(X)
        weights = (np.asarray(labels).ravel() == POSITIVE).astype(float)
    elif action.rule == "top":
        weights = acted(scores, share=terms.share)
    else:
        weights = acted(scores, threshold=action.threshold)
    tp, fp, fn, tn = counts(positive, weights)
    figures: dict[str, Any] = {"recall": tp / (tp + fn) if tp + fn else None,
                               "precision": tp / (tp + fp) if tp + fp else None,
                               "acted": (tp + fp) / n if n else None}
    if isinstance(value, ValueMatrix):
        figures["value"] = value.per_case(tp, fp, fn, tn)
        if scores is not None:
            default = 0.5 if method == "predict_proba" else 0.0
            at_default = acted(scores, threshold=default)
            figures["default"] = {"threshold": default, "value": value.per_case(*counts(positive, at_default)),
                                  "acted": float(at_default.mean()) if n else None, "response": method}
    return Figures(key, **figures)


def _scores(model, X, response, needs_probability: bool):
    """The positive class's scores ``(values, method)``: the metric's response when it is one,
    else the model's probabilities (or decision function); ``(None, None)`` when it has neither."""
    import numpy as np

    if response is not None:
        method, values = response
        values = np.asarray(values)
        wanted = ("predict_proba",) if needs_probability else ("predict_proba", "decision_function")
        if method in wanted and values.ndim == 1:
            return values.astype(float), method
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(X))
        if proba.ndim == 1:
            return proba.astype(float), "predict_proba"
        classes = list(getattr(model, "classes_", range(proba.shape[1])))
        column = classes.index(POSITIVE) if POSITIVE in classes else proba.shape[1] - 1
        return proba[:, column].astype(float), "predict_proba"
    if hasattr(model, "decision_function") and not needs_probability:
        return np.asarray(model.decision_function(X), dtype=float).ravel(), "decision_function"
    return None, None


def tune(objective, model, X, y, train, *, budget=None, fit_seconds: float | None = None, report=None,
         label: str = "the model", asked: bool = False, plan: dict | None = None,
         chosen: Thresholds | None = None) -> dict | None:
    """The threshold that maximises value on the training data's out-of-fold scores, and its value
    on the test set ``(X, y)``; or ``{"skipped": why}``. None when there is nothing to tune (no
    value matrix, a model without scores).

    It refits the model ``TUNE_FOLDS`` times, so unless ``asked`` it is done only when that is
    estimated (from ``fit_seconds``, one fit of the model) to fit in ``budget``
    (:class:`~nbalign.refit.Budget`), and stopped between folds once it is spent; otherwise the reason says how
    long it would take and how to ask for it (:func:`tuning_plan`, which costs no refit). Ctrl-C
    stops it too. The threshold acts on at most the action's capacity (``call: top 20%``).
    ``report(text, done)`` hears of its progress. ``plan`` is :func:`tuning_plan`'s, when the
    caller made it already; ``chosen`` the session's thresholds chosen before, where the choice
    is kept.
    """
    import numpy as np

    from . import refit

    if plan is None:
        plan = tuning_plan(objective, model, train, budget=budget, fit_seconds=fit_seconds, label=label, asked=asked,
                           chosen=chosen)
    if plan is None or "skipped" in plan:
        return plan
    choice = plan.get("choice")
    if choice is None:
        X_train, y_train = train
        try:
            choice = _tune_telling(model, X_train, y_train, objective.value, plan["method"], plan["rows"], report,
                                   label, plan["capacity"], plan["deadline"])
        except refit.Cancelled as cancelled:
            if report is not None:
                report(f"nbalign: choosing {label}'s decision threshold stopped: {cancelled.why}; "
                       f"{label} is recorded without it.", True)
            return {"skipped": f"stopped: {cancelled.why}; {plan['ask']}"}
        except Exception as exc:  # noqa: BLE001 - the model cannot be refitted here: the figure is left out, not the evaluation
            if report is not None:
                report(f"nbalign: {label}'s decision threshold was not tuned ({type(exc).__name__}: {_short(exc)}).",
                       True)
            return {"skipped": f"the model could not be refitted ({type(exc).__name__}: {_short(exc)})"}
        if chosen is not None:
            chosen.remember(plan["key"], choice)
    action = objective.action
    scores, _ = _scores(model, X, None, action is not None and action.rule == "threshold")
    positive = np.asarray(y).ravel() == POSITIVE
    at_tuned = acted(scores, threshold=choice.threshold)
    tuned = {"threshold": choice.threshold, "value": objective.value.per_case(*counts(positive, at_tuned)),
             "acted": float(at_tuned.mean()) if at_tuned.size else None, "cv_value": choice.value,
             "folds": choice.folds, "rows": choice.rows, "response": plan["method"]}
    if plan["capacity"] is not None:
        tuned["capacity"] = plan["capacity"]
    if choice.sampled_from:
        tuned["sampled_from"] = choice.sampled_from
    return tuned


def tuning_plan(objective, model, train, *, budget=None, fit_seconds: float | None = None,
                label: str = "the model", asked: bool = False, chosen: Thresholds | None = None) -> dict | None:
    """What :func:`tune` will do, decided without refitting anything: None (nothing to tune),
    ``{"skipped": why}``, or how it tunes (the response, the rows, the capacity, the deadline,
    and the choice already made in ``chosen`` for the same model class, parameters and training
    data)."""
    from . import refit

    matrix, action = objective.value, objective.action
    if not isinstance(matrix, ValueMatrix) or terms_of(objective) is None:
        return None
    needs_probability = action is not None and action.rule == "threshold"
    method = "predict_proba" if hasattr(model, "predict_proba") else (
        None if needs_probability or not hasattr(model, "decision_function") else "decision_function")
    if method is None:
        return None
    if train is None:
        return {"skipped": "no training data (`data: train:`) to choose it on"}
    X_train, y_train = train
    try:
        rows = len(y_train)
    except TypeError:
        return {"skipped": "the training labels have no length"}
    capacity = action.capacity(objective.population) if action is not None else None
    ask = f"`%evaluate {label} --tune` chooses it"
    plan: dict[str, Any] = {"method": method, "rows": min(rows, TUNE_ROW_LIMIT), "capacity": capacity, "ask": ask,
                            "key": None}
    # the choice is looked up (which fingerprints the training data) only for a model tuned before
    if chosen is not None and chosen.knows(model):
        plan["key"] = _tuning_key(model, X_train, y_train, matrix, method, capacity)
        plan["choice"] = chosen.get(plan["key"])
        if plan["choice"] is not None:
            return plan
    budget = budget or refit.Budget()
    estimate = refit.estimate(TUNE_FOLDS, refit.fit_seconds(model, fit_seconds),
                              (TUNE_FOLDS - 1) / TUNE_FOLDS * plan["rows"] / max(rows, 1))
    if not asked and not budget.allows(estimate):
        return {"skipped": budget.refusal(estimate, f"{TUNE_FOLDS} refits",
                                          f"{TUNE_FOLDS} refits of a model whose fit time nbalign did not see", ask)}
    if plan["key"] is None:
        plan["key"] = _tuning_key(model, X_train, y_train, matrix, method, capacity)
    plan["deadline"] = math.inf if asked else budget.deadline(estimate)
    return plan


def _tune_telling(model, X_train, y_train, matrix: ValueMatrix, method, rows: int, report, label, capacity,
                  deadline) -> ThresholdChoice:
    """:func:`tune_threshold`, with a progress line before (it refits the model five times) and
    the time it took after; Ctrl-C is :class:`~nbalign.refit.Cancelled`."""
    import time
    import warnings

    from .refit import Cancelled

    if report is not None:
        report(f"nbalign: choosing {label}'s decision threshold by {TUNE_FOLDS}-fold cross-validation "
               f"on {rows:,} training rows…", False)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            choice = tune_threshold(model, X_train, y_train, matrix, method=method, max_share=capacity,
                                    deadline=deadline)
    except KeyboardInterrupt:
        raise Cancelled("interrupted") from None
    if report is not None:
        report(f"nbalign: tuned {label}'s decision threshold on {choice.folds} folds of {choice.rows:,} training "
               f"rows in {time.perf_counter() - start:.1f} s.", True)
    return choice


class Thresholds(Memory):
    """Thresholds chosen in a session, by what the choice depends on (:func:`_tuning_key`): the
    model's class and parameters (the folds refit a clone: what the fitted model learned plays no
    part), the training data, the value matrix, the response and the capacity. The same model
    evaluated again (another metric call under autolog, a re-run cell) is not refitted five times
    again. The session owns one (``Session.thresholds``); the most recent ``kept`` are kept."""


def _tuning_key(model, X_train, y_train, matrix: ValueMatrix, method, capacity) -> str | None:
    """What a threshold choice depends on, hashed; None when the model or data cannot say."""
    import hashlib

    from .fingerprint import fingerprint
    from .refit import recipe_identity

    identity = recipe_identity(model)
    if identity is None:
        return None
    try:
        parts = (identity, fingerprint(X_train, y_train), repr(matrix), method, TUNE_FOLDS, TUNE_ROW_LIMIT, capacity)
    except Exception:  # noqa: BLE001 - data nbalign cannot identify is tuned every time
        return None
    # the model's identity first: see refit.Memory.knows
    return f"{identity}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def _short(exc: Exception, limit: int = 120) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ what views show


def current_figures(objective, figures: dict | None, key: str | None = None) -> dict | None:
    """A record's figures when measured under the objective's current terms (their ``key``,
    computed here when not given), else None."""
    if figures is None:
        return None
    if key is None:
        terms = terms_of(objective)
        key = None if terms is None else terms.key()
    return figures if key is not None and figures.get("terms") == key else None


def projected_kpi(objective, recall: float | None, effect: float | None = None) -> float | None:
    """The KPI projected from the recall of the action (see :func:`project_kpi`), in its units,
    at the action's effect (the middle of its range), or at ``effect``."""
    kpi, action = objective.kpi, objective.action
    if recall is None or action is None or action.effect is None or projectable(kpi) is not None:
        return None
    current = kpi.current_quantity
    return project_kpi(current.value, kpi.direction, current.kind == "percent",
                       action.effect if effect is None else effect, recall)


def projected_span(objective, recalls: tuple[float, float]) -> tuple[float, float] | None:
    """The lowest and the highest projected KPI over the recalls from ``recalls[0]`` to
    ``recalls[1]`` and the effects of the action's range (its one effect without a range).

    The projection is monotone in the recall and in the effect (it moves by ``effect x recall``),
    so its extremes are at the four corners: the hull of the projection over both ranges.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from nbalign.objective import KPI
    >>> churn = SimpleNamespace(kpi=KPI("churn", "26.5%", "22%"),
    ...                         action=Action("call", "top", share=0.2, effect=0.3, effect_range=(0.2, 0.4)))
    >>> [round(v, 2) for v in projected_span(churn, (0.48, 0.53))]   # 26.5 x (1 - 0.4 x 0.53), 26.5 x (1 - 0.2 x 0.48)
    [20.88, 23.96]
    """
    action = objective.action
    if action is None:
        return None
    corners = [projected_kpi(objective, recall, effect) for effect in action.effects() for recall in recalls]
    if not corners or any(v is None for v in corners):
        return None
    known = [v for v in corners if v is not None]
    return min(known), max(known)


def projection_assumptions(objective, labels=None) -> str | None:
    """How the KPI is projected and what the projection assumes, in two or three sentences: said
    once where a reader learns what the projection is (the objective card, the recommendation),
    not on every line that shows one. None when nothing is projected (no KPI with both values, no
    action with an effect).

    ``labels`` are the test labels (:class:`~nbalign.tasks.Labels`), once seen: a top share
    smaller than their share of true cases caps the recall of every model, perfect or not, and
    the sentence says by how much (``k / prevalence``), and what that is on the test set's rows.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from nbalign.objective import KPI
    >>> from nbalign.tasks import Labels
    >>> churn = SimpleNamespace(kpi=KPI("churn", "26.5%", "22%"), population=None,
    ...                         action=Action("call", "top", share=0.2, effect=0.3))
    >>> print(projection_assumptions(churn, Labels(1000, "binary", ((0, 0.735), (1, 0.265)))))
    ... # doctest: +NORMALIZE_WHITESPACE
    The KPI is projected as 26.5% × (1 − effect × recall), which assumes that the KPI counts the
    cases of the model's positive class (1); that the action changes the outcome of the same share
    (the effect, 30%) of every true case it reaches, whatever the model's score (uplift is not
    modelled); and that the recall measured on the test set carries over to deployment. Calling the
    top 20% reaches at most 20% / 26.5% = 75.5% of the true cases, whatever the model: on the test
    set, recall in the top 20% is at most 0.755 (200 places for 265 true cases).
    """
    from .format import format_score

    kpi, action = objective.kpi, objective.action
    if action is None or action.effect is None or projectable(kpi) is not None:
        return None
    current = _q(kpi.current_quantity)
    if kpi.direction == "decrease":
        formula = f"{current} × (1 − effect × recall)"
        counted = "the KPI counts the cases of the model's positive class (1)"
    else:
        formula = f"{current} + (100% − {current}) × effect × recall"
        counted = ("the KPI is the share of the cases outside the model's positive class (1), so that 100% minus it "
                   "is the share of true cases")
    text = (f"The KPI is projected as {formula}, which assumes that {counted}; that the action changes the outcome "
            f"of the same share (the effect, {action.effect_text()}) of every true case it reaches, whatever the "
            "model's score (uplift is not modelled); and that the recall measured on the test set carries over to "
            "deployment.")
    share = action.capacity(objective.population)
    if share is None or share >= 1:
        return text
    acting = gerund(action.describe(objective.population))
    acting = acting[:1].upper() + acting[1:]
    rate = None if labels is None else labels.positive_share
    if rate is None:
        return (f"{text} {acting} caps the recall of every model at {format_share(share)} / the share of true cases, "
                f"when true cases are more than {format_share(share)} of all cases.")
    if share >= rate:
        return text
    text += (f" {acting} reaches at most {format_share(share)} / {format_share(rate)} = {format_share(share / rate)} "
             "of the true cases, whatever the model")
    # on the test rows the places are whole (the rounding acted() makes), and so are the true cases
    places, true_cases = math.floor(share * labels.n_rows + 0.5), round(rate * labels.n_rows)
    if not true_cases or places >= true_cases:
        return text + "."
    return (f"{text}: on the test set, recall in the top {format_share(share)} is at most "
            f"{format_score(places / true_cases)} ({places:,} places for {true_cases:,} true cases).")


def kpi_progress(objective, projected: float | None) -> float | None:
    """0 at the KPI's current value, 1 at its target."""
    if projected is None:
        return None
    current, target = objective.kpi.current_quantity.value, objective.kpi.target_quantity.value
    return (projected - current) / (target - current) + 0.0


def format_kpi(objective, value: float | None) -> str:
    """A KPI value in the KPI's own unit, rounded as people read it: ``24.1%``, ``1,130 customers``."""
    if value is None or not math.isfinite(value):
        return DASH
    current = objective.kpi.current_quantity
    if current.kind == "percent":
        return f"{value:.1f}%".replace("-", MINUS)
    if current.kind == "money":
        return format_money(value, current)
    if current.kind == "count":
        return f"{value:,.0f} {current.unit}".replace("-", MINUS)
    text = f"{value:,.3g}".replace("-", MINUS)
    return f"{text} {current.unit}" if current.unit else text


def value_per_period(objective, per_case: float | None) -> float | None:
    population = objective.population
    return None if per_case is None or population is None else per_case * population.cases


@overload
def format_value(objective, per_case: float) -> str: ...
@overload
def format_value(objective, per_case: None) -> None: ...
def format_value(objective, per_case: float | None) -> str | None:
    """``$149k per quarter`` with a population, else ``$12.40 per case``."""
    if per_case is None:
        return None
    period = value_per_period(objective, per_case)
    if period is not None:
        return f"{format_money(period, objective.value)}{objective.population.per_period() or ' in all'}"
    return f"{format_money(per_case, objective.value)} per case"


def value_phrase(objective, per_case: float | None) -> str | None:
    """``worth $237k per quarter``; for a regression's priced errors, ``whose errors cost $362k per year``."""
    if per_case is None:
        return None
    if isinstance(objective.value, ErrorCost):
        return f"whose errors cost {format_value(objective, -per_case)}"
    return f"worth {format_value(objective, per_case)}"


def row_view(objective, figures: dict | None, key: str | None = None) -> dict | None:
    """What a row shows: its projected KPI and its value, as text."""
    figures = current_figures(objective, figures, key)
    if figures is None:
        return None
    projected = projected_kpi(objective, figures.get("recall"))
    return {"projected_kpi": None if projected is None else format_kpi(objective, projected),
            "value": format_value(objective, figures.get("value"))}


def threshold_line(objective, figures: dict | None) -> str | None:
    """The value at the default threshold and at the one tuned on the training data, in words."""
    figures = current_figures(objective, figures)
    if figures is None or "default" not in figures:
        return None
    default = figures["default"]
    verb = objective.action.verb if objective.action is not None else "acting on"

    def reached(figure: dict) -> str:
        share = figure.get("acted")
        return "" if share is None else f", {gerund(verb)} {format_share(share)} of cases"

    # a decision function's threshold is no probability (LinearSVC's 0, or −1.98): said where it is shown;
    # figures recorded before the response was kept have 0.5 for probabilities, 0 for a decision function
    response = default.get("response") or ("predict_proba" if default["threshold"] == 0.5 else "decision_function")
    scale = " on the decision function" if response == "decision_function" else ""
    text = (f"value at the default threshold {format_number(default['threshold'])}"
            f"{scale + ' (not a probability)' if scale else ''}: "
            f"{format_value(objective, default['value'])}{reached(default)}")
    tuned = figures.get("tuned") or {}
    if "threshold" in tuned:
        within = "" if tuned.get("capacity") is None else f" {gerund(verb)} at most {format_share(tuned['capacity'])}"
        text += (f"; at {format_number(tuned['threshold'])}{scale}, the threshold that maximises value{within} on the "
                 f"training data ({tuned['folds']}-fold cross-validation): {format_value(objective, tuned['value'])}"
                 f"{reached(tuned)}")
    elif "skipped" in tuned:
        text += f"; no threshold tuned: {tuned['skipped']}"
    return text
