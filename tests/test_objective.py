"""The %%objective parser: what it accepts, and a clear message with the line for every mistake."""

from __future__ import annotations

import datetime as dt

import pytest

from nbalign.business import ValueMatrix
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
    assert o.value == ValueMatrix(tp=180, fp=-20, fn=-200, tn=0)
    assert o.data_train == ("X_train", "y_train") and o.data_test == ("X_test", "y_test")
    assert o.stop.min_gain == 0.01 and o.stop.patience == 3 and o.stop.confidence == 0.95


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
    ("metric: auc\nstop:\n  confidence:", 4, ["must be a level between 0.5 and 1", "`confidence: 0.95`"]),
    ("metric: auc\nstop:\n  confidence: 1", 4, ["`confidence: 1` must be a level between 0.5 and 1"]),
    ("metric: auc\nstop:\n  confidence: 95%", 4, ["must be a number", "`stop.confidence: 0.95`"]),
    ("metric: auc\nstop:\n  min_gain: -0.1", 4, ["negative"]),
    ("metric: auc\nmetric: ap", 3, ["given twice"]),
    ("outcome: fewer churners\ntarget: 0.9", None, ["no `metric:`", "metric: auc"]),
    ("", None, ["empty", "metric:"]),
    ("- metric: auc", 2, ["`key: value` lines"]),
]


def assert_refused(text: str, line: int | None, words: list[str]) -> None:
    """Parse ``text``: it must be one short ObjectiveError naming ``line`` and holding ``words``."""
    with pytest.raises(ObjectiveError) as caught:
        parse_objective(text, name="x")
    message = str(caught.value)
    assert caught.value.line == line, message[:500]
    if line is not None:
        assert f"line {line}:" in message
    assert len(message) < 400, message[:500]
    for word in words:
        assert word in message, message


@pytest.mark.parametrize("text, line, words", MISTAKES, ids=[m[2][0] for m in MISTAKES])
def test_every_mistake_names_the_line_and_the_fix(text, line, words):
    assert_refused(text, line, words)


def test_missing_variable_names_the_line_and_close_names(objective_text):
    o = parse_objective(objective_text, name="cancer")
    with pytest.raises(ObjectiveError) as caught:
        check_names(o, {"X_tst": 1, "y_test": 2})
    assert caught.value.line == 13  # the cell line of `  test: X_test, y_test`
    assert "'X_test', which is not defined" in str(caught.value)
    assert "Did you mean X_tst" in str(caught.value)
    check_names(o, {"X_test": 1, "y_test": 2})  # all defined: no error


def test_deadline_in_the_past_is_a_diagnostic_not_an_error():
    o = parse_objective("metric: auc\nkpi:\n  name: churn\n  deadline: 2020-01-01\n  judge: VP Growth")
    from nbalign.checks import objective_findings
    from nbalign.judge import ObjectiveFacts

    codes = [f.code for f in objective_findings(ObjectiveFacts(o, dt.date(2026, 11, 28)))]
    assert codes == ["NBA101"]
    assert objective_findings(ObjectiveFacts(o, dt.date(2019, 1, 1))) == ()


# Issue 6, item 10: numbers that are not finite would read as "Target reached", show as nan% and
# break the comm's strict JSON.
NON_FINITE = [
    ("metric: auc\ntarget: .inf", 3, ["`target: .inf` is not a finite number", "Write the metric value"]),
    ("metric: rmse\ntarget: .inf", 3, ["`target: .inf` is not a finite number"]),
    ("metric: rmse\ntarget: -.inf", 3, ["`target: -.inf` is not a finite number"]),
    ("metric: auc\ntarget: .nan", 3, ["`target: .nan` is not a finite number"]),
    ("metric: auc\nbaseline: .nan", 3, ["`baseline: .nan` is not a finite number", "today's system"]),
    ("metric: rmse\nbaseline: .inf", 3, ["`baseline: .inf` is not a finite number"]),
    ("metric: auc\nstop:\n  min_gain: .inf", 4, ["`stop.min_gain: .inf` is not a finite number", "min_gain: 0.01"]),
    ("metric: auc\nvalue:\n  tp: 180\n  fn: .nan", 5, ["`value.fn: .nan` is not a finite number", "false negative"]),
    ("metric: auc\nkpi:\n  name: churn\n  current: .inf", 5, ["`kpi.current: .inf`", "not text"]),
    ("metric: rmse\ntarget: 1e999", 3, ["`target: 1e999` is not a finite number", "too large"]),
    ("metric: rmse\ntarget: 1" + "0" * 400, 3, ["is not a finite number", "too large"]),
]


@pytest.mark.parametrize("text, line, words", NON_FINITE, ids=[m[2][0] for m in NON_FINITE])
def test_numbers_that_are_not_finite_are_refused(text, line, words):
    assert_refused(text, line, words)


# Issue 6, item 11: a few hundred characters of anchors expand into gigabytes; deep brackets
# exhaust the stack. Neither may reach the parser's checks, and no message may print a whole value.
def lol_bomb(levels: int) -> str:
    """Each level repeats the one before nine times: 9**levels strings from a short cell."""
    cell = "metric: auc\nkpi:\n  name: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in range(1, levels):
        cell += f"  owner: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]\n".replace("owner", f"o{level}")
    return cell + f"target: *l{levels - 1}\n"


def test_yaml_aliases_are_refused_before_they_expand():
    bomb = lol_bomb(6)  # half a million strings; nine levels would be 387 million
    assert len(bomb) < 400
    assert_refused(bomb, 5, ["`*l0` repeats another value (a YAML alias)", "write each value"])


def test_a_harmless_alias_is_refused_too():
    assert_refused("metric: auc\nkpi:\n  name: &who churn\n  owner: *who", 5, ["`*who`", "alias"])


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_not_a_recursion_error(opening, closing):
    text = "metric: auc\ntarget: " + opening * 10_000 + closing * 10_000
    assert_refused(text, 3, ["nested more than 10 levels deep"])


LONG = "x " * 5_000  # ten thousand characters: enough to drown a message
LONG_VALUES = [
    ("metric: auc\nbaseline: " + LONG, 3, ["`baseline: 'x x x", "...", "is not understood"]),
    ("metric: " + "m" * 10_000, 2, ["unknown metric 'mmm", "..."]),
    ("metric: auc\ntarget: " + LONG, 3, ["`target:` must be a number, not 'x x", "..."]),
    ("metric: auc\ndata:\n  test: [" + "a, " * 5_000 + "]", 4, ["two variables", "..."]),
    ("metric: auc\nstop:\n  patience: [" + "1, " * 5_000 + "]", 4, ["`patience: [1, 1, 1, ...]`"]),
    ("metric: auc\n" + "k" * 1000 + ": 1", 3, ["unknown key `kkk", "...`"]),
    ("metric: auc\nkpi:\n  name: churn\n  deadline: " + LONG, 5, ["not a date", "..."]),
    ("metric: auc\nkpi:\n  name: &" + "a" * 1000 + " churn\n  owner: *" + "a" * 1000, 5, ["alias", "..."]),
]


@pytest.mark.parametrize("text, line, words", LONG_VALUES, ids=[m[2][0][:20] for m in LONG_VALUES])
def test_user_values_in_messages_are_cut_short(text, line, words):
    assert_refused(text, line, words)


def test_names_in_a_missing_variable_message_are_cut_short():
    name = "X" * 10_000
    o = parse_objective(f"metric: auc\ndata:\n  test: {name}, y_test")
    with pytest.raises(ObjectiveError) as caught:
        check_names(o, {"y_test": 1})
    assert len(str(caught.value)) < 400 and "which is not defined" in str(caught.value)


# Issue 6, item 12: dates that do not exist, numbers as people write them, empty `value` entries.
DATES = [
    ("metric: auc\nkpi:\n  name: churn\n  deadline: 2027-02-30", 5,
     ["`2027-02-30` is not a date that exists", "February 2027 has 28 days", "YYYY-MM-DD"]),
    ("metric: auc\nkpi:\n  name: churn\n  deadline: '2028-02-30'", 5,
     ["`deadline: 2028-02-30` is not a date that exists", "February 2028 has 29 days"]),
    ("metric: auc\nkpi:\n  name: churn\n  deadline: 2027-13-01", 5, ["there is no month 13"]),
    ("metric: auc\nkpi:\n  name: churn\n  deadline: 2027-06-31", 5, ["June 2027 has 30 days"]),
    ("metric: auc\nkpi:\n  name: churn\n  deadline: 2027-06-30 25:00:00", 5, ["not a date and time that exists"]),
    ("metric: auc\noutcome: 2027-04-31", 3, ["April 2027 has 30 days"]),
]


@pytest.mark.parametrize("text, line, words", DATES, ids=[m[2][0] for m in DATES])
def test_dates_that_do_not_exist_are_named(text, line, words):
    assert_refused(text, line, words)


@pytest.mark.parametrize(
    "written, number",
    [("1e-3", 0.001), ("5e4", 50_000.0), ("5E4", 50_000.0), ("1.5e3", 1500.0), ("1_000", 1000.0),
     ("30_000.5", 30_000.5), ("'2e4'", 20_000.0), ("+3e+2", 300.0)],
)
def test_numbers_as_people_write_them(written, number):
    o = parse_objective(f"metric: rmse\ntarget: {written}\nbaseline: 1e6\nstop:\n  min_gain: 1e1\n"
                        f"value:\n  under: {written}")
    assert o.target == number and o.value.under == number
    assert (o.baseline.kind, o.baseline.value, o.stop.min_gain) == ("number", 1e6, 10.0)


def test_yaml_numbers_in_text_fields_stay_as_written():
    o = parse_objective("metric: rmse\nkpi:\n  name: churn\n  current: 5e4\n  target: 1e-3")
    assert (o.kpi.current, o.kpi.target) == ("5e4", "1e-3")


WRITTEN_OTHERWISE = [
    ("metric: rmse\ntarget: 30k", 3, ["must be a number, not '30k'", "`target: 30000`"]),
    ("metric: rmse\nbaseline: 1.5M", 3, ["is not understood", "`baseline: 1500000`"]),
    ("metric: rmse\nstop:\n  min_gain: 2k", 4, ["`stop.min_gain: 2000`"]),
    ("metric: rmse\ntarget: 1e-3e4", 3, ["must be a number"]),
    ("metric: auc\nvalue:\n  tp: ~", 4, ["`value.tp:` is empty", "true positive", "tp: $180"]),
    ("metric: auc\nvalue:\n  tp: 180\n  fp:", 5, ["`value.fp:` is empty", "false positive"]),
    ("metric: auc\nvalue:\n  fn: lots", 4,
     ["`value.fn:` must be a number or an amount of money, not 'lots'", "fn: -$200"]),
    ("metric: auc\nvalue:\n  tn: [1, 2]", 4, ["`value.tn:` must be a number"]),
    ("metric: auc\ntarget: !!int ''", 3, ["cannot be read as a whole number", "`!!` tag"]),
    ("metric: auc\ntarget: !!float x", 3, ["cannot be read as a number"]),
    ("metric: auc\ntarget: !!bool maybe", 3, ["cannot be read as true or false"]),
    ("metric: auc\ntarget: !!timestamp soon", 3, ["not a date and time that exists"]),
    ("metric: auc\ntarget: " + "1" * 5000, 3, ["too many digits"]),
    ("metric: auc\n\x00", 3, ["character #x0000", "delete it"]),
]


@pytest.mark.parametrize("text, line, words", WRITTEN_OTHERWISE, ids=[m[2][0] for m in WRITTEN_OTHERWISE])
def test_numbers_written_otherwise_and_empty_values_are_refused(text, line, words):
    assert_refused(text, line, words)


# Issue 6, item 13: every metric's range, the negated losses of scikit-learn, perfect targets.
RANGES = [
    ("metric: r2\ntarget: 1.5", 3, ["`target: 1.5` is above 1, the most R² can be"]),
    ("metric: explained_variance\nbaseline: 2", 3, ["above 1"]),
    ("metric: mcc\ntarget: 5", 3, ["`target: 5` is outside -1..1", "Matthews correlation"]),
    ("metric: mcc\nbaseline: -1.5", 3, ["outside -1..1"]),
    ("metric: balanced_accuracy\ntarget: 80", 3, ["outside 0..1", "Did you mean 0.8?"]),
    ("metric: jaccard_macro\ntarget: 1.2", 3, ["outside 0..1"]),
    ("metric: top_k_accuracy\nbaseline: -0.1", 3, ["outside 0..1"]),
    ("metric: adjusted_rand_score\ntarget: -0.7", 3, ["outside -0.5..1"]),
    ("metric: brier\ntarget: 3", 3, ["outside 0..2"]),
    ("metric: positive_likelihood_ratio\ntarget: -1", 3, ["below 0", "at least 0"]),
    ("metric: neg_root_mean_squared_error\ntarget: 3000", 3,
     ["`neg_root_mean_squared_error` is a loss negated", "`metric: rmse` with `target: 3000`", "`target: -3000`"]),
    ("metric: neg_mean_poisson_deviance\nbaseline: 2", 3, ["`metric: mean_poisson_deviance`", "`baseline: -2`"]),
    ("metric: neg_log_loss\ntarget: 0.3", 3, ["`metric: logloss`"]),
    ("metric: logloss\ntarget: -0.3", 3, ["is a loss", "target: 0.3"]),
    ("metric: rmse\ntarget: 0", 3, ["`target: 0` is a perfect RMSE", "above 0"]),
    ("metric: neg_mean_absolute_error\ntarget: 0", 3, ["is a perfect"]),
    ("metric: auc\ntarget: 1", 3, ["`target: 1` is a perfect ROC AUC", "below 1"]),
    ("metric: r2\ntarget: 1.0\nbaseline: 0.5", 3, ["perfect"]),
    ("metric: neg_mean_absolute_error\ntarget: -5\nbaseline: -3", 3, ["not better than the baseline -3", "above"]),
    ("metric: mcc\ntarget: -0.2\nbaseline: 0.1", 3, ["not better than the baseline 0.1"]),
    ("metric: auc\nstop:\n  min_gain: 1", 4, ["whole range of ROC AUC (0..1)", "min_gain: 0.01"]),
]


@pytest.mark.parametrize("text, line, words", RANGES, ids=[m[0].replace("\n", " ") for m in RANGES])
def test_numbers_outside_the_metric_range_are_refused(text, line, words):
    assert_refused(text, line, words)


@pytest.mark.parametrize(
    "text",
    [
        "metric: neg_root_mean_squared_error\ntarget: -3000\nbaseline: -5000",
        "metric: mcc\ntarget: 0.5\nbaseline: -0.2",
        "metric: r2\ntarget: 0.8\nbaseline: -3",
        "metric: positive_likelihood_ratio\ntarget: 12\nbaseline: 4",
        "metric: auc\nbaseline: 1",  # today's system may be perfect; only a target cannot be
    ],
)
def test_numbers_inside_the_metric_range_are_accepted(text):
    parse_objective(text)


BUSINESS = """\
metric: recall_at_k
target: 0.5
kpi:
  name: churn
  current: {current}
  target: 20%
action:
  call: top 20%
  effect: 30%
population: {population}
value:
  tp: {tp}
  fp: -$20
"""


@pytest.mark.parametrize("change, line, words", [
    ({"tp": "$1e309"}, 13, ["`value.tp: $1e309` is not a finite number (it is too large for a floating-point number)",
                            "Write the business value of one true positive, e.g. `tp: $180`"]),
    ({"tp": "EUR 1e400"}, 13, ["`value.tp: EUR 1e400` is not a finite number", "e.g. `tp: $180`"]),
    ({"tp": "1e309"}, 13, ["`value.tp: 1e309` is not a finite number (it is too large for a floating-point number)"]),
    ({"population": "1e309"}, 11, ["`population: 1e309` is not a finite number (it is too large",
                                   "e.g. `population: 12,000 customers per quarter`"]),
    ({"population": "1e309 customers per quarter"}, 11, ["`population: 1e309 customers per quarter` is not a finite"]),
    ({"current": "1e309%"}, 6, ["`kpi.current: 1e309%` is not a finite number", "write a percentage as 26.5%"]),
    ({"current": "1e309 customers"}, 6, ["`kpi.current: 1e309 customers` is not a finite number",
                                         "write a count as 1,200 customers"]),
])
def test_money_counts_and_kpi_values_too_large_for_a_number_are_refused_where_written(change, line, words):
    """One message, as for a plain number too large: what, where (the cell line, the magic's
    being line 1), what to write instead; no OverflowError, no infinite value taken in to fail
    later on the card, the evaluation line and the sidebar."""
    fields = {"current": "26.5%", "population": "12,000 customers per quarter", "tp": "$160", **change}
    if change.get("current", "").endswith("customers"):
        fields["current"], text = change["current"], BUSINESS.replace("target: 20%", "target: 900 customers")
    else:
        text = BUSINESS
    assert_refused(text.format(**fields), line, words)


# --------------------------------------------------------------------------- the storage form


def test_the_storage_form_keeps_the_cell_and_reads_it_again():
    text = "metric: auc\ntarget: 0.9\nbaseline: 0.7\nstop:\n  min_gain: 0.01\n"
    objective = parse_objective(text, name="churn").with_version(3, "2026-12-01T00:00:00+00:00")
    stored = objective.stored()
    assert stored["form"] == 2 and stored["text"] == text and stored["parsed"] == objective.to_dict()
    assert Objective.restored(stored).to_dict() == objective.to_dict()


def test_a_key_renamed_or_added_since_does_not_break_an_old_store():
    """The parsed form as an earlier release wrote it: a key this release does not know (or
    renamed) is left out, one it added takes its default."""
    objective = parse_objective("metric: auc\ntarget: 0.9\nbaseline: 0.7", name="churn")
    old = objective.to_dict()
    old["stop"] = {"min_gain": 0.02, "patience": 4, "min_improvement": 0.02}  # no confidence; an unknown key
    old["baseline"]["old_field"] = "kept by an earlier release"
    del old["derivation"], old["data"]
    restored = Objective.restored(old)
    assert (restored.stop.min_gain, restored.stop.patience, restored.stop.confidence) == (0.02, 4, 0.95)
    assert restored.baseline.value == 0.7 and restored.data_test is None
    # a stored cell this release would refuse is read as it was parsed then
    refused = {**objective.stored(), "text": "metric: auc\ntarget: 2\n"}
    assert Objective.restored(refused).target == 0.9


def test_a_store_written_by_the_previous_release_opens_and_judges(tmp_path):
    """tests/data/objective_form1.db: written by the release before the storage form (b0268e8),
    two versions of an objective with a KPI, a linear baseline and three evaluations."""
    from pathlib import Path

    from nbalign.session import Session
    from nbalign.store import Store

    path = tmp_path / "nbalign.db"
    path.write_bytes((Path(__file__).parent / "data" / "objective_form1.db").read_bytes())
    store = Store(path)
    latest = store.latest_objective("cancer")
    assert (latest.version, latest.target, latest.baseline.kind) == (2, 0.995, "auto")
    session = Session(path, notebook="churn.ipynb")
    session.restore()
    standing = session.standing
    assert [(r.name, r.verdict) for r in standing.rows if r.role == "model"] == [
        ("stump", "below_baseline"), ("forest", "no_gain")]
    assert standing.summary.best.name == "linear baseline" and standing.ship.record.name == "linear baseline"
    # and a new version is stored in the new form beside the old ones, both read back
    again = store.save_objective(parse_objective("metric: auc\ntarget: 0.999\nbaseline: auto\ndata:\n"
                                                 "  train: X_train, y_train\n  test: X_test, y_test", name="cancer"))
    assert again.version == 3 and store.latest_objective("cancer").target == 0.999


def test_why_a_version_changed_is_kept_and_sent():
    """`why:` (one line of free text, from the grammar): parsed, stored, and in the wire form."""
    text = "outcome: Fewer customers cancel\nwhy: target raised after the Q1 review\nmetric: auc\ntarget: 0.9\n"
    objective = parse_objective(text, name="churn")
    assert objective.why == "target raised after the Q1 review" and objective.to_dict()["why"] == objective.why
    assert Objective.restored(objective.stored()).why == objective.why
    assert parse_objective("metric: auc", name="churn").why is None
    with pytest.raises(ObjectiveError, match=r"line 4: `why:` must be one line of text"):  # the magic's is line 1
        parse_objective("metric: auc\ntarget: 0.9\nwhy: [not, text]", name="churn")
