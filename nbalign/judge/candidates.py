"""The models one could ship on one test set, simplest first, and the frontier the judge walks.

The model to ship is the simplest candidate shown not worse than the best by min_gain
(:attr:`Facts.simplest_adequate <nbalign.judge.facts.Facts.simplest_adequate>`). Walked
candidate by candidate, that costs a paired test for every simpler model: in a real session,
where simpler models score lower, it is most of the history, on every record.

But a candidate that scores no higher than a simpler one is never the answer: it would be a model
both more complex and no better than one the walk met first. It is set aside, untested. What is left is
the *frontier*, the candidates scoring above every simpler one (a running maximum in simplicity
order). A real session keeps it to a few dozen models however long it grows; the walk reads it, so
the best is tested against those few, each test once (:class:`~nbalign.comparison.Comparisons`
remembers it).

A candidate counts when it is not a model scoring below the baseline (never the one to ship). The
baseline is fixed for a judge's candidates: a new one re-judges the history, and the judge makes
its candidates anew.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator

from ..evaluation import Evaluation
from ..metrics import Metric


class Candidates:
    """The models of one test set, simplest first (``ranked``: ``(simplicity, position)``, a
    position into the judge's ``records``), and the frontier among those that count."""

    def __init__(self, records: list[Evaluation], metric: Metric, baseline: float | None):
        self.records = records  # the judge's own list: positions index into it
        self.metric = metric
        self.baseline = baseline
        self.ranked: list[tuple] = []
        self.frontier: list[tuple] = []
        self.last = -1  # the latest position added
        # Every entry the frontier ever held, simplest first, and the position of the candidate
        # that pushed each one off: the frontier as of an earlier position, for an earlier row.
        self.ever: list[tuple] = []
        self.left_at: dict[int, int] = {}

    def add(self, position: int) -> None:
        record = self.records[position]
        entry = (simplicity(record), position)
        bisect.insort(self.ranked, entry)
        self.last = max(self.last, position)
        if not self.counts(record):
            return
        at = bisect.bisect_left(self.frontier, entry)
        if at > 0 and not self._above(record, self.frontier[at - 1]):
            return  # a simpler candidate scores as high
        end = at
        while end < len(self.frontier) and not self._above(self.records[self.frontier[end][1]], entry):
            self.left_at[self.frontier[end][1]] = position  # more complex, and no higher: off the frontier
            end += 1
        self.frontier[at:end] = [entry]
        bisect.insort(self.ever, entry)

    def forget_from(self, start: int) -> None:
        """Forget the candidates at ``start`` and after (records the judge judges again)."""
        kept = sorted(position for _, position in self.ranked if position < start)
        self.ranked, self.frontier, self.ever, self.left_at, self.last = [], [], [], {}, -1
        for position in kept:  # in the order recorded: the frontier as of each position depends on it
            self.add(position)

    def counts(self, record: Evaluation) -> bool:
        """A model scoring below the baseline is never the one to ship; a baseline model is."""
        return (self.baseline is None or record.role != "model"
                or self.metric.improvement(record.score, self.baseline) >= 0)

    def simpler(self, best: Evaluation, position: int) -> Iterator[Evaluation]:
        """The candidates on the frontier as of ``position`` that are simpler than ``best``,
        simplest first. A candidate off that frontier scores no higher than a simpler one, which
        comes first: the more complex of two models is never preferred to a simpler one scoring
        as high."""
        entries = self.frontier if position >= self.last else self.ever
        for _, at in entries:
            if at > position or self.left_at.get(at, position + 1) <= position:
                continue  # recorded later, or off the frontier by then
            candidate = self.records[at]
            if candidate.key == best.key:
                return
            yield candidate

    def simplest(self, best: Evaluation, position: int, adequate: Callable[[Evaluation], bool]) -> Evaluation:
        """The simplest candidate simpler than ``best`` (see :meth:`simpler`) that is
        ``adequate`` (shown not worse than the best by min_gain); the best itself when none is."""
        return next((candidate for candidate in self.simpler(best, position) if adequate(candidate)), best)

    def _above(self, record: Evaluation, entry: tuple) -> bool:
        return self.metric.improvement(record.score, self.records[entry[1]].score) > 0


def simplicity(record: Evaluation) -> tuple:
    """Sort key: the simplest model first. Size is the steadiest measure (a pickle's length does
    not vary from run to run as timings do), prediction time breaks ties, then the earlier model."""
    cost = record.complexity or {}
    size, predict = cost.get("size_bytes"), cost.get("predict_ms_per_1k")
    return (math.inf if size is None else size, math.inf if predict is None else predict, record.id or 0)
