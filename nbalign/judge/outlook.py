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

    The interval is the model's own recall at the action, bootstrapped on the test rows it
    kept (:meth:`Comparisons.against <nbalign.comparison.Comparisons.against>` with a
    reference of 0), carried through the projection; it is computed where the kept response is
    the one the action decides on.
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
    def projected_interval(self) -> tuple[float, float] | None:
        """The projected KPI's interval, from the recall's (None where it cannot be computed)."""
        from ..business import projected_kpi

        recall_metric = _decision_metric(self.objective)
        if self.projected is None or self.figures is None or recall_metric is None or self.comparisons is None:
            return None
        difference = own_interval(self.comparisons, recall_metric, self.record, 0.0, self.labels,
                                  score=self.figures.get("recall"))
        if difference is None:
            return None
        low, high = (projected_kpi(self.objective, min(1.0, max(0.0, r))) for r in (difference.low, difference.high))
        if low is None or high is None:  # (not once self.projected is a number: the same KPI and action)
            return None
        ends = sorted((low, high))
        return ends[0], ends[1]


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
