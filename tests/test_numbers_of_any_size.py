"""Numbers of any size in a real shell (issue 18, items 10 and 11).

A regression target in units of 1e13 makes an MSE near 1e30; a value written as ``$1e309`` is
no number at all; an effect of 1e-300 or a KPI target of 0% asks a model for a recall no model
has. Each must read on the card, the evaluation line, ``%nbalign models`` and ``%nbalign
status`` (scientific notation where digits would not do), be refused where it is written, or
be said to be out of reach (NBA108), never shown as a target to reach.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from IPython.utils.capture import capture_output

import nbalign

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "protocol" / "schema.json").read_text())


def run(shell, cell: str):
    with capture_output() as captured:
        result = shell.run_cell(cell)
    shown = captured.stdout + captured.stderr + "".join(o.data.get("text/plain", "") for o in captured.outputs)
    return result, shown


def test_an_mse_near_1e30_reads_on_every_view(shell):
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y * 1e13, random_state=0)  # an MSE of about 3e29
    shell.user_ns.update(X_test=X_test, y_test=y_test, lr=LinearRegression().fit(X_train, y_train))
    shell.run_line_magic("load_ext", "nbalign")
    for cell in ("%%objective sales\nmetric: mse\ntarget: 1e29\nbaseline: 1e31\ndata:\n  test: X_test, y_test",
                 "%evaluate lr", "%nbalign models", "%nbalign status"):
        result, shown = run(shell, cell)
        assert result.success and "Traceback" not in shown and "could not render" not in shown, shown
        assert "e+29" in shown or "e+31" in shown, shown  # 3.18e+29, not 31 digits
    assert nbalign.active_session().standing.rows[-1].score > 1e29


def test_a_value_too_large_for_a_number_is_refused_in_the_cell(shell):
    shell.run_line_magic("load_ext", "nbalign")
    result, shown = run(shell, "%%objective churn\nmetric: business_value\naction:\n  call: top 20%\n"
                               "value:\n  tp: $1e309\n  fp: -$20")
    assert not result.success
    assert "line 6: `value.tp: $1e309` is not a finite number" in shown and "e.g. `tp: $180`" in shown
    assert "Traceback" not in shown and nbalign.active_session().objective is None


OUT_OF_REACH = """\
kpi:
  name: share of customers who cancel
  current: {current}
  target: {target}
  owner: VP Customer Success
action:
  call: top {top}
  effect: {effect}
metric: {metric}
target: from kpi
data:
  test: X_test, y_test
"""


@pytest.mark.parametrize("metric, current, target, top, effect, why", [
    ("recall_at_k", "26.5%", "0%", "20%", "30%", "no action reaches more than every true case"),
    ("precision_at_k", "26.5%", "20%", "20%", "30%", "precision in the top 20% is at most 1.00"),
    ("recall_at_k", "-5%", "-10%", "20%", "30%", "a recall is never below 0"),
    ("recall_at_k", "26.5%", "22%", "20%", "1e-300", "no action reaches more than every true case"),
])
def test_a_derived_target_no_model_can_reach_is_no_target_and_nba108_says_why(
        loaded, cancer, channel_free_standing, metric, current, target, top, effect, why):
    """The breast cancer test labels (63% of the cases are 1): a KPI target the action cannot
    deliver asks for a metric value outside the metric's range. It is said on the card, as a
    derivation and not as a target, and NBA108 says why and what to change."""
    from nbalign.format import format_number

    result, card = run(loaded, "%%objective churn\n" + OUT_OF_REACH.format(
        metric=metric, current=current, target=target, top=top, effect=effect))
    assert result.success, card
    share, moved = float(top.rstrip("%")) / 100, float(effect.rstrip("%")) / (100 if effect.endswith("%") else 1)
    recall = (1 - float(target.rstrip("%")) / float(current.rstrip("%"))) / moved  # the projection, solved
    required = recall if metric == "recall_at_k" else recall * cancer["y_test"].mean() / share
    objective = nbalign.active_session().objective
    assert objective.target is None and objective.derivation.out_of_range
    assert objective.derivation.required == pytest.approx(required, rel=1e-9)
    assert "Target: not set, derived from the KPI:" in card
    assert f"would have to reach {format_number(required)}" in card and why in card and "no model can" in card
    assert "must reach" not in card  # never worded as a target to reach
    findings = {f.code: f.message for f in nbalign.active_session().standing.findings}
    assert "NBA108" in findings, card
    assert "NBA108 KPI target out of reach under the action" in card
    message = findings["NBA108"]
    assert ("To reach" in message and "a target the action can reach" in message) or "Write the KPI as" in message
    channel_free_standing()  # what the sidebar would receive follows the schema


@pytest.fixture
def channel_free_standing():
    """Validate the standing the sidebar would receive against the protocol's schema."""

    def check():
        from nbalign.protocol import VERSION

        message = {"v": VERSION, "type": "standing", "payload": nbalign.active_session().message()}
        jsonschema.validate(message, SCHEMA)
        return message

    return check


def test_an_evaluation_under_an_out_of_reach_kpi_target_has_no_progress_to_a_target(loaded):
    result, _ = run(loaded, "%%objective churn\n" + OUT_OF_REACH.format(
        metric="recall_at_k", current="26.5%", target="0%", top="20%", effect="30%"))
    assert result.success
    result, shown = run(loaded, "%evaluate logreg")
    assert result.success and "to target" not in shown and "Traceback" not in shown, shown
    summary = nbalign.active_session().standing.summary
    assert summary.target is None and summary.progress is None


def test_an_in_range_derived_target_is_unchanged(loaded):
    result, card = run(loaded, "%%objective churn\n" + OUT_OF_REACH.format(
        metric="recall_at_k", current="26.5%", target="24%", top="50%", effect="30%"))
    assert result.success
    objective = nbalign.active_session().objective
    assert objective.target == pytest.approx((1 - 24 / 26.5) / 0.3) and not objective.derivation.out_of_range
    assert "recall in the top 50% must reach 0.31" in card and "NBA108" not in card
