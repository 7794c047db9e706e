"""The %%objective parser: what it accepts, and a clear message with the line for every mistake."""

from __future__ import annotations

import datetime as dt

import pytest

from nbalign.errors import ObjectiveError
from nbalign.objective import Objective, check_names, parse_objective

FULL = """\
# 1. business outcome
outcome: Fewer new subscribers cancel in their first 3 months
kpi:
  name: 3-month churn rate of new customers
  current: 9%
  target: 5%
  deadline: 2027-06-30
  owner: VP Growth
metric: average_precision      # a scikit-learn scorer name
target: 0.60
value:
  tp: 180
  fp: -20
  fn: -200
  tn: 0
baseline: 0.27
data:
  train: X_train, y_train
  test: X_test, y_test
stop:
  min_gain: 0.01
  patience: 3
"""


def test_full_objective_parses_every_field():
    o = parse_objective(FULL, name="churn")
    assert o.name == "churn"
    assert o.outcome == "Fewer new subscribers cancel in their first 3 months"
    assert o.kpi.name == "3-month churn rate of new customers"
    assert (o.kpi.current, o.kpi.target, o.kpi.deadline, o.kpi.owner) == ("9%", "5%", "2027-06-30", "VP Growth")
    assert o.metric.scorer == "average_precision" and o.metric.greater_is_better
    assert o.target == 0.60
    assert o.baseline.kind == "number" and o.baseline.value == 0.27
    assert o.value == {"tp": 180, "fp": -20, "fn": -200, "tn": 0}
    assert o.data_train == ("X_train", "y_train") and o.data_test == ("X_test", "y_test")
    assert o.stop.min_gain == 0.01 and o.stop.patience == 3


def test_round_trip_through_dict_keeps_everything_but_lines():
    o = parse_objective(FULL, name="churn").with_version(3, "2026-01-01T00:00:00+00:00")
    again = Objective.from_dict(o.to_dict())
    assert again == o
    assert again.to_dict() == o.to_dict()


def test_subjective_kpi_with_a_judge_and_defaults():
    o = parse_objective(
        "outcome: Support agents trust the suggested replies\n"
        "kpi:\n  name: agents find the suggestions useful\n  judge: Head of Support\n"
        "metric: f1\ntarget: 0.8\n",
        name="support",
    )
    assert o.kpi.subjective and o.kpi.judge == "Head of Support"
    assert o.baseline.kind == "first"
    assert o.stop.min_gain is None and o.stop.patience == 3


@pytest.mark.parametrize(
    "text, kind, value, model",
    [
        ("metric: auc\nbaseline: first", "first", None, None),
        ("metric: auc\nbaseline: 0.7", "number", 0.7, None),
        ("metric: auc\nbaseline: dummy", "model", None, "dummy"),
        ("metric: auc\nbaseline: auto\ndata:\n  train: X_train, y_train\n  test: X_test, y_test", "auto", None, None),
    ],
)
def test_baseline_forms(text, kind, value, model):
    b = parse_objective(text).baseline
    assert (b.kind, b.value, b.model) == (kind, value, model)


def test_loss_metric_target_below_baseline_is_valid():
    o = parse_objective("metric: rmse\ntarget: 20000\nbaseline: 35000")
    assert not o.metric.greater_is_better
    assert o.metric.improvement(20000, 35000) > 0


# Each mistake: the cell body, the cell line it concerns (the magic is line 1), words the message must hold.
MISTAKES = [
    ("metric: auc\n  target: 0.9\nfoo", 3, ["not valid YAML", "indent"]),
    ("metric: [auc\n", 3, ["not valid YAML"]),
    ("metirc: auc\ntarget: 0.9", 2, ["unknown key `metirc`", "Did you mean `metric`?", "Valid keys"]),
    ("metric: auc\nkpi:\n  name: churn\n  ownr: me", 5, ["unknown key `ownr` under `kpi`", "`owner`"]),
    ("metric: auc\nstop:\n  patiense: 3", 4, ["`patience`"]),
    ("metric: aucc\ntarget: 0.9", 2, ["unknown metric 'aucc'", "auc"]),
    ("metric: average_precison", 2, ["average_precision"]),
    ("metric: auc\ntarget: 0.6\nbaseline: 0.7", 3, ["not better than the baseline 0.7", "above"]),
    ("metric: rmse\ntarget: 40000\nbaseline: 35000", 3, ["below the baseline", "lower is better"]),
    ("metric: auc\ntarget: 85", 3, ["outside 0..1", "Did you mean 0.85?"]),
    ("metric: auc\ntarget: 85%", 3, ["must be a number", "0.85"]),
    ("metric: rmse\ntarget: -3", 3, ["is a loss", "target: 3"]),
    ("metric: auc\nbaseline: 'not a model'", 3, ["`baseline:", "first", "auto"]),
    ("metric: auc\nbaseline: auto", 3, ["needs", "train: X_train, y_train"]),
    ("metric: auc\ndata:\n  test: X_test", 4, ["two variables", "X_test, y_test"]),
    ("metric: auc\ndata: X_test", 3, ["`data:` must hold `test:`"]),
    ("metric: auc\nkpi:\n  name: churn\n  deadline: next summer", 5, ["not a date", "YYYY-MM-DD"]),
    ("metric: auc\nkpi:\n  owner: me", 3, ["no `name:`"]),
    ("metric: auc\nstop:\n  patience: 0", 4, ["at least 1"]),
    ("metric: auc\nstop:\n  min_gain: -0.1", 4, ["negative"]),
    ("metric: auc\nmetric: ap", 3, ["given twice"]),
    ("outcome: fewer churners\ntarget: 0.9", None, ["no `metric:`", "metric: auc"]),
    ("", None, ["empty", "metric:"]),
    ("- metric: auc", 2, ["`key: value` lines"]),
]


@pytest.mark.parametrize("text, line, words", MISTAKES, ids=[m[2][0] for m in MISTAKES])
def test_every_mistake_names_the_line_and_the_fix(text, line, words):
    with pytest.raises(ObjectiveError) as caught:
        parse_objective(text, name="x")
    message = str(caught.value)
    assert caught.value.line == line, message
    if line is not None:
        assert f"line {line}:" in message
    for word in words:
        assert word in message


def test_missing_variable_names_the_line_and_close_names(objective_text):
    o = parse_objective(objective_text, name="cancer")
    with pytest.raises(ObjectiveError) as caught:
        check_names(o, {"X_tst": 1, "y_test": 2})
    assert caught.value.line == 13  # the cell line of `  test: X_test, y_test`
    assert "'X_test', which is not defined" in str(caught.value)
    assert "Did you mean X_tst" in str(caught.value)
    check_names(o, {"X_test": 1, "y_test": 2})  # all defined: no error


def test_deadline_in_the_past_is_a_diagnostic_not_an_error():
    o = parse_objective("metric: auc\nkpi:\n  name: churn\n  deadline: 2020-01-01\n  owner: VP Growth")
    from nbalign.checks import objective_findings

    codes = [f.code for f in objective_findings(o, today=dt.date(2026, 11, 28))]
    assert codes == ["NBA101"]
    assert objective_findings(o, today=dt.date(2019, 1, 1)) == ()
