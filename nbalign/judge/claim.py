"""The claim "the best beats the baseline", corrected for the models it was chosen from."""

from __future__ import annotations

from functools import cached_property

from ..stats import Difference
from .facts import Facts, own_interval


class BestClaim:
    """"The best beats the baseline", corrected for the models it was chosen from.

    The best of k models tested against the baseline at 95% would be claimed better too often: the
    choice itself favours a lucky one. The family is every model compared with the baseline on
    the best's test set (the baseline model itself is no comparison and is not counted), and one
    procedure, Bonferroni's, makes both the verdict and the interval: the interval at level
    ``1 - (1 - confidence) / k``, the p-value ``min(1, k x p)``. They are a matched pair (the
    interval clears 0 exactly when the adjusted p-value is below ``1 - confidence``), so "better"
    never stands beside an interval that covers 0. For the best model, which has the smallest
    p-value of the family whenever its lead is the clearest, Holm's step-down adjustment is the
    same number, and Bonferroni's needs no test of the other models. Computed when first asked.
    """

    def __init__(self, facts: Facts, models_compared: int):
        self._facts = facts
        self._k = max(1, models_compared)

    @property
    def level(self) -> float:
        """The level of each comparison of the family, so that the family holds at the objective's."""
        return 1 - (1 - self._facts.confidence) / self._k

    @cached_property
    def difference(self) -> Difference | None:
        """The best against the baseline, its interval at :attr:`level`."""
        facts = self._facts
        comparisons, metric, baseline = facts.comparisons, facts.metric, facts.baseline
        if comparisons is None or baseline is None:
            return None
        if facts.baseline_record is not None:
            return comparisons.between(metric, facts.evaluation, facts.baseline_record, confidence=self.level)
        if facts.objective.baseline.kind == "number":
            return own_interval(comparisons, metric, facts.evaluation, baseline, facts.labels, self.level)
        return None

    @property
    def p_adjusted(self) -> float | None:
        """The best's p-value against the baseline times the models compared, at most 1."""
        widened = self.difference
        return None if widened is None else min(1.0, self._k * widened.p_value)

    @property
    def detectable(self) -> float | None:
        """The smallest gain over the baseline this test detects 80% of the time at :attr:`level`
        (from its standard error): what "not distinguishable" could have seen."""
        from ..comparison import detectable_gain

        widened = self.difference
        return None if widened is None else detectable_gain(widened, self.level)

    @property
    def correction(self) -> str:
        return "none" if self._k == 1 else "Bonferroni"

    @property
    def models_compared(self) -> int:
        return self._k

    @property
    def verdict(self) -> str:
        """``better`` or ``worse`` when the widened interval lies on one side of 0, else
        ``not_distinguishable``: the interval decides, and the adjusted p-value agrees with it."""
        from ..comparison import is_better, is_worse

        widened = self.difference
        if widened is None:
            return "not_distinguishable"
        metric = self._facts.metric
        return "better" if is_better(metric, widened) else "worse" if is_worse(metric, widened) \
            else "not_distinguishable"

