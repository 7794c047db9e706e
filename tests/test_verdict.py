"""Verdicts are pure: progress, changes, and the banners, judged from the history in order."""

from __future__ import annotations

import pytest

from nbalign.evaluation import Evaluation
from nbalign.objective import parse_objective
from nbalign.verdict import judge_history, progress_to_target


def history(*scores, metric="auc", roles=None):
    roles = roles or ["model"] * len(scores)
    return [
        Evaluation("o", 1, f"m{i}", "Est", {"i": i}, metric, s, id=i, role=r)
        for i, (s, r) in enumerate(zip(scores, roles), start=1)
    ]


def codes(evaluation):
    return [d.code for d in evaluation.verdict.diagnostics]


@pytest.mark.parametrize(
    "score, baseline, target, expected",
    [(0.7, 0.7, 0.9, 0.0), (0.8, 0.7, 0.9, 0.5), (0.9, 0.7, 0.9, 1.0), (0.6, 0.7, 0.9, -0.5),
     (25.0, 30.0, 20.0, 0.5), (0.5, None, 0.9, None), (0.5, 0.7, None, None)],
)
def test_progress_from_baseline_to_target_in_either_direction(score, baseline, target, expected):
    result = progress_to_target(score, baseline, target)
    assert result == (None if expected is None else pytest.approx(expected))


def test_changes_against_best_and_baseline():
    o = parse_objective("metric: auc\ntarget: 0.9\nbaseline: 0.7\nstop:\n  min_gain: 0.01")
    judged, summary = judge_history(o, history(0.80, 0.85))
    first, second = judged
    assert first.verdict.best_before is None and first.verdict.is_best
    assert second.verdict.change_vs_best == pytest.approx(0.05)
    assert second.verdict.change_vs_baseline == pytest.approx(0.15)
    assert second.verdict.progress == pytest.approx(0.75)
    assert summary.best.name == "m2" and summary.progress == pytest.approx(0.75)
    assert codes(first) == codes(second) == []


def test_below_baseline_is_flagged():
    o = parse_objective("metric: auc\ntarget: 0.9\nbaseline: 0.7")
    judged, summary = judge_history(o, history(0.65))
    assert codes(judged[0]) == ["NBA301"]
    assert summary.banner.code == "NBA301"
    assert "worse than the baseline 0.700" in summary.banner.message


def test_target_reached_wins_the_banner_and_speaks_of_the_kpi():
    o = parse_objective("metric: rmse\ntarget: 20\nbaseline: 30\nkpi:\n  name: late deliveries\n  current: 12%\n  target: 8%")
    judged, summary = judge_history(o, history(25.0, 19.5, metric="rmse"))
    assert codes(judged[1]) == ["NBA305"]
    assert summary.banner.code == "NBA305" and summary.banner.level == "success"
    assert "late deliveries 12% → 8%" in summary.banner.message


def test_diminishing_returns_after_patience_models_without_real_gain():
    o = parse_objective("metric: auc\ntarget: 0.99\nbaseline: 0.7\nstop:\n  min_gain: 0.02\n  patience: 3")
    judged, summary = judge_history(o, history(0.80, 0.81, 0.79, 0.815))
    assert [codes(e) for e in judged] == [[], ["NBA302"], ["NBA302"], ["NBA302", "NBA303"]]
    banner = summary.banner
    assert banner.code == "NBA303"
    # the earliest model within min_gain of the best (0.815) is the first one (0.80)
    assert "Ship m1 (0.800)" in banner.message
    assert summary.best.name == "m4"


def test_a_real_gain_resets_the_count():
    o = parse_objective("metric: auc\ntarget: 0.99\nbaseline: 0.7\nstop:\n  min_gain: 0.02\n  patience: 2")
    judged, _ = judge_history(o, history(0.80, 0.81, 0.85, 0.851, 0.852))
    assert ["NBA303" in codes(e) for e in judged] == [False, False, False, False, True]


def test_baseline_first_is_the_first_model_and_auto_uses_the_baseline_evaluation():
    first = parse_objective("metric: auc\ntarget: 0.9\nbaseline: first")
    judged, summary = judge_history(first, history(0.75, 0.80))
    assert summary.baseline == 0.75 and judged[0].verdict.progress == 0.0

    named = parse_objective("metric: auc\ntarget: 0.9\nbaseline: m1\ndata:\n  test: X, y")
    judged, summary = judge_history(named, history(0.5, 0.7, roles=["baseline", "model"]))
    assert summary.baseline == 0.5 and summary.n_evaluations == 1
    assert judged[1].verdict.progress == pytest.approx(0.5)


def test_only_the_baseline_the_objective_names_counts():
    evaluations = history(0.5, 0.6, 0.8, roles=["baseline", "baseline", "model"])  # m1, m2 baselines
    for name, expected in [("m1", 0.5), ("m2", 0.6)]:
        o = parse_objective(f"metric: auc\ntarget: 0.9\nbaseline: {name}\ndata:\n  test: X, y")
        assert judge_history(o, evaluations)[1].baseline == expected
    first = parse_objective("metric: auc\ntarget: 0.9\nbaseline: first")
    assert judge_history(first, evaluations)[1].baseline == 0.8  # old baseline records do not count


def test_automatic_min_gain_is_two_percent_of_the_gap():
    o = parse_objective("metric: auc\ntarget: 0.9\nbaseline: 0.4")
    _, summary = judge_history(o, history(0.8))
    assert summary.min_gain == pytest.approx(0.01)


def test_verdict_dict_matches_the_protocol_shape():
    o = parse_objective("metric: auc\ntarget: 0.9\nbaseline: 0.7")
    judged, summary = judge_history(o, history(0.8))
    row = judged[0].to_dict()
    assert set(row["verdict"]) >= {"baseline", "best_before", "change_vs_best", "change_vs_baseline",
                                   "progress", "is_best", "diagnostics"}
    assert summary.to_dict()["best"] == {"id": 1, "name": "m1", "score": 0.8}


def test_once_the_target_is_reached_the_headline_stays_on_it():
    o = parse_objective("metric: auc\ntarget: 0.9\nbaseline: 0.7\nstop:\n  min_gain: 0.01")
    judged, summary = judge_history(o, history(0.92, 0.85))
    assert codes(judged[1]) == ["NBA302"]  # the later, weaker model has its own finding
    assert summary.banner.code == "NBA305" and "m1 scores 0.920" in summary.banner.message


def test_scores_read_as_the_sidebar_writes_them():
    import json
    from pathlib import Path

    from nbalign.verdict import format_score

    table = json.loads((Path(__file__).resolve().parents[1] / "protocol" / "score_format.json").read_text())
    for value, text in table["cases"]:
        assert format_score(value) == text, value


def test_progress_at_the_baseline_is_zero_not_minus_zero():
    assert str(progress_to_target(107.9, 107.9, 50.0)) == "0.0"
