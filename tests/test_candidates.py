"""The candidates to ship: the frontier walk gives the answer of the plain walk, as of any row,
and a real session's judge runs a bounded number of paired tests per record however long it is."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import histories
from nbalign.evaluation import Evaluation
from nbalign.judge.candidates import Candidates, simplicity
from nbalign.metrics import resolve_metric
from nbalign.session import Session

AUC = resolve_metric("auc")
LOG_LOSS = resolve_metric("log_loss")


def record(i: int, score: float, size: int, role: str = "model") -> Evaluation:
    return Evaluation("o", 1, f"m{i}", "E", {"i": i}, AUC.scorer, score, id=i + 1, role=role, model_id=str(i),
                      complexity={"size_bytes": size, "predict_ms_per_1k": 1.0})


def plain_walk(records, metric, baseline, best, position, adequate):
    """The rule as the judge states it, over every candidate: simplest first, skip a model below
    the baseline and one no higher than a simpler one met before; the first adequate (shown not
    worse than the best by min_gain)."""
    top = None
    for candidate in sorted(records[:position + 1], key=simplicity):
        if baseline is not None and candidate.role == "model" and metric.improvement(candidate.score, baseline) < 0:
            continue
        if candidate.key == best.key:
            return best
        if top is not None and metric.improvement(candidate.score, top.score) <= 0:
            continue
        if adequate(candidate):
            return candidate
        top = candidate
    return best


histories_drawn = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12), st.booleans()), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(histories_drawn, st.sampled_from([None, 10]), st.sampled_from([AUC, LOG_LOSS]), st.integers(0, 2**32 - 1),
       st.integers(0, 40))
def test_the_frontier_walk_answers_as_the_plain_walk_at_every_position(drawn, baseline, metric, seed, forget):
    rng = random.Random(seed)
    records = [record(i, score, size, "baseline" if i == 0 and is_baseline else "model")
               for i, (score, size, is_baseline) in enumerate(drawn)]
    records = [Evaluation(r.objective, 1, r.name, r.estimator, r.params, metric.scorer, r.score, id=r.id,
                          role=r.role, model_id=r.model_id, complexity=r.complexity) for r in records]
    verdicts = {}  # is the candidate shown not worse than the best: drawn once per pair, as a test's answer is fixed

    def adequate_for(best):
        return lambda c: verdicts.setdefault((best.key, c.key), rng.random() < 0.3)

    candidates = Candidates(records, metric, baseline)
    for position in range(len(records)):
        candidates.add(position)
    start = min(forget, len(records))
    candidates.forget_from(start)  # a record judged again: those after it are forgotten, then added back
    for position in range(start, len(records)):
        candidates.add(position)
    for position in range(len(records)):
        best = max(records[:position + 1], key=lambda r: (metric.sign * r.score, -r.id))
        expected = plain_walk(records, metric, baseline, best, position, adequate_for(best))
        assert candidates.simplest(best, position, adequate_for(best)).key == expected.key


def test_a_model_no_higher_than_a_simpler_one_is_not_shipped():
    records = [record(0, 0.70, 100), record(1, 0.75, 200), record(2, 0.72, 300), record(3, 0.80, 400)]
    candidates = Candidates(records, AUC, None)
    for position in range(4):
        candidates.add(position)
    asked = []

    def adequate(candidate):
        asked.append(candidate.name)
        return candidate.name == "m2"  # shown within min_gain of the best, but m0 and m1 are not
    assert candidates.simplest(records[3], 3, adequate).name == "m3"
    assert asked == ["m0", "m1"]  # m2 scores below m1, which is simpler: never tested, never shipped
    assert [records[at].name for _, at in candidates.frontier] == ["m0", "m1", "m3"]


def test_a_real_session_runs_a_bounded_number_of_paired_tests_per_record(tmp_path: Path):
    """The session of `benchmarks/histories.py` (simpler models scoring lower, plateaus, sweeps),
    its predictions kept: the paired tests the judge runs for a record do not grow with the
    history (a walk over every simpler model would run hundreds here)."""
    path = tmp_path / "store.db"
    generator = histories.fill(path, 0, rows=400)
    session = Session(path, notebook="bench.ipynb")
    session.subscribe(lambda kind, message: json.dumps(message))
    session.restore()
    total = 400
    runs = []
    for evaluation, scores in [*generator.baselines(), *generator.models(total)]:
        before = session._require_judge().comparisons.tests_run
        session.record(histories.with_predictions(generator, evaluation, scores))
        runs.append(session._require_judge().comparisons.tests_run - before)
    standing = session.standing
    assert standing is not None and standing.summary.n_models == total
    frontier = max(len(c.frontier) for c in session._require_judge()._candidates.values())
    assert frontier < total / 5  # the history is one users make: most models are beaten by a simpler one
    assert max(runs[-100:]) <= frontier + 4, runs[-100:]
    assert sum(runs[-100:]) < 100 * 4
    session.close()
