"""The claim "the best beats the baseline", corrected for the models it was chosen from."""

from __future__ import annotations

from functools import cached_property

from ..evaluation import Evaluation
from ..stats import Difference
from .facts import Facts, own_interval

# Up to this many models compared with the baseline, the best-vs-baseline claim uses Holm's
# adjustment over all of them (each model's test against the baseline); beyond, Bonferroni's
# (the best's p-value times the count: an upper bound of Holm's, with no test of every model).
HOLM_UP_TO = 50


class BestClaim:
    """"The best beats the baseline", corrected for the models it was chosen from.

    Choosing the best of k models and testing it against the baseline at 95% would claim too
    often: the adjusted p-value is Holm's (1979) over every model's test against the baseline
    when k is at most :data:`HOLM_UP_TO`, Bonferroni's (the best's p-value times k, an upper
    bound of Holm's) beyond. The interval is Bonferroni's: at level ``1 - (1 - confidence) / k``.
    Computed when first asked.
    """

    def __init__(self, facts: Facts, competitors: list[Evaluation] | None, models_compared: int | None = None):
        # ``competitors`` are only needed (and only given) for Holm's correction, up to
        # HOLM_UP_TO models: beyond, the count is enough, and a standing costs the same at 10,000.
        self._facts = facts
        self._competitors = competitors or []
        self._k = len(self._competitors) if models_compared is None else models_compared

    @cached_property
    def _result(self) -> tuple[Difference | None, float | None, str]:
        facts = self._facts
        comparisons, metric, k = facts.comparisons, facts.metric, max(1, self._k)
        baseline = facts.baseline
        if comparisons is None or baseline is None:
            return None, None, ""
        level = 1 - (1 - facts.confidence) / k

        def against_baseline(record: Evaluation, confidence: float) -> Difference | None:
            if facts.baseline_record is not None:
                return comparisons.between(metric, record, facts.baseline_record, confidence=confidence)
            if facts.objective.baseline.kind == "number":
                return own_interval(comparisons, metric, record, baseline, facts.labels, confidence)
            return None

        widened = against_baseline(facts.evaluation, level)
        if widened is None:
            return None, None, ""
        if k == 1:
            return widened, facts.vs_baseline.p_value if facts.vs_baseline else widened.p_value, "none"
        if k > HOLM_UP_TO:
            own = facts.vs_baseline
            return widened, min(1.0, k * (own.p_value if own else widened.p_value)), "Bonferroni"
        from ..stats import holm

        tests = [against_baseline(r, facts.confidence) for r in self._competitors]
        p_values = [1.0 if t is None else (t.p_value if metric.improvement(r.score, baseline) > 0 else 1.0)
                    for r, t in zip(self._competitors, tests, strict=True)]
        adjusted = holm(p_values)
        at = next(i for i, r in enumerate(self._competitors) if r.key == facts.evaluation.key)
        return widened, float(adjusted[at]), "Holm"

    @property
    def difference(self) -> Difference | None:
        return self._result[0]

    @property
    def p_adjusted(self) -> float | None:
        return self._result[1]

    @property
    def correction(self) -> str:
        return self._result[2]

    @property
    def models_compared(self) -> int:
        return self._k

    @property
    def verdict(self) -> str:
        """``better``, ``worse`` (the adjusted p-value below 1 - confidence, by the estimate's
        direction) or ``not_distinguishable``."""
        if self.p_adjusted is None or self.difference is None or self.p_adjusted >= 1 - self._facts.confidence:
            return "not_distinguishable"
        gain = self._facts.metric.sign * self.difference.estimate
        return "better" if gain > 0 else "worse" if gain < 0 else "not_distinguishable"
