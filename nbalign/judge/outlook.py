"""The business outlook of a model: the KPI it is projected to bring under the objective's
action, with an interval, and the value it brings per case and per period."""

from __future__ import annotations

from functools import cached_property

from ..comparison import Comparisons
from ..evaluation import Evaluation
from ..metrics import Metric
from ..objective import Objective
from ..tasks import Labels
from .facts import own_interval


class Outlook:
    """What a model is projected to do for the business: the KPI under the objective's action,
    with an interval, and its value per case and per period. Computed when first asked.

    The interval is the model's own interval of its recall at the action (:func:`own_interval
    <nbalign.judge.facts.own_interval>`: exact binomial of the true cases it found, or
    bootstrapped on the test rows it kept, with a reference of 0), carried through the
    projection at the action's effect; it is computed where the kept response is the one the
    action decides on. An effect stated as a range (``effect: 20% to 40%``) gives the projection
    its range too: the projection over the recall's interval and the effect's range
    (:attr:`projected_range`). What the projection assumes is said once, where it is explained
    (:func:`nbalign.business.projection_assumptions`).
    """

    def __init__(self, objective: Objective, record: Evaluation, comparisons: Comparisons | None,
                 labels: Labels | None = None):
        self.objective = objective
        self.record = record
        self.comparisons = comparisons
        self.labels = labels  # the objective's test labels: the recall's exact interval needs the true cases

    @cached_property
    def figures(self) -> dict | None:
        from ..business import current_figures

        return current_figures(self.objective, self.record.business)

    @cached_property
    def projected(self) -> float | None:
        from ..business import projected_kpi

        return None if self.figures is None else projected_kpi(self.objective, self.figures.get("recall"))

    @cached_property
    def recall_interval(self) -> tuple[float, float] | None:
        """The interval of the recall at the action, within 0..1 (None where it cannot be computed)."""
        recall_metric = _decision_metric(self.objective)
        if self.projected is None or self.figures is None or recall_metric is None or self.comparisons is None:
            return None
        difference = own_interval(self.comparisons, recall_metric, self.record, 0.0, self.labels,
                                  score=self.figures.get("recall"))
        if difference is None:
            return None
        return min(1.0, max(0.0, difference.low)), min(1.0, max(0.0, difference.high))

    @cached_property
    def projected_interval(self) -> tuple[float, float] | None:
        """The projected KPI's interval, from the recall's, at the action's effect (the middle of
        its range); None where it cannot be computed."""
        from ..business import projected_kpi

        recalls = self.recall_interval
        if recalls is None:
            return None
        low, high = (projected_kpi(self.objective, r) for r in recalls)
        if low is None or high is None:  # (not once self.projected is a number: the same KPI and action)
            return None
        ends = sorted((low, high))
        return ends[0], ends[1]

    @cached_property
    def projected_range(self) -> tuple[float, float] | None:
        """The projected KPI over the recall's interval and the effect's range: the lowest and
        highest projection at their ends (:func:`~nbalign.business.projected_span`). Without the
        recall's interval, over the effect's range at the recall measured. None when the effect
        has no range."""
        from ..business import projected_span

        action = self.objective.action
        if self.projected is None or self.figures is None or action is None or action.effect_range is None:
            return None
        recall = self.figures["recall"]  # (a projection has one)
        return projected_span(self.objective, self.recall_interval or (recall, recall))


def _decision_metric(objective: Objective) -> Metric | None:
    """The recall of the objective's action, when the records keep the response it decides on."""
    from ..metrics import bind_business, resolve_metric

    action, metric = objective.action, objective.metric
    if action is None or action.rule == "predicted":
        return None
    own = metric.kind.own and metric.params
    if not own and not (action.rule == "top" and metric.kind.ranks_positives):
        return None
    return bind_business(resolve_metric("recall_at_k"), action, objective.population)
