"""The objective builder: a form whose one validator is the `%%objective` parser itself."""

from __future__ import annotations

import numpy as np
import pytest
from IPython.utils.capture import capture_output

from nbalign.objective import parse_objective
from nbalign.widgets import ObjectiveForm, form_values, objective_cell

NAMESPACE = {"X_train": np.zeros((4, 2)), "y_train": np.zeros(4), "X_test": np.zeros((2, 2)), "y_test": np.zeros(2)}

CHURN = {
    "name": "churn", "outcome": "Keep more customers: call those about to cancel",
    "kpi.name": "share of customers who cancel within the quarter", "kpi.current": "26.5%", "kpi.target": "22%",
    "kpi.deadline": "2099-06-30", "kpi.owner": "VP Customer Success",
    "metric": "recall_at_k", "target_from_kpi": True, "baseline": "auto",
    "data.train": "X_train, y_train", "data.test": "X_test, y_test",
    "value.tp": "$160", "value.fp": "-$20", "value.fn": "0", "value.tn": "0",
    "population": "12,000 customers per quarter", "action.verb": "call", "action.rule": "top 20%",
    "action.effect": "30%", "stop.min_gain": "0.01", "stop.patience": "3", "stop.confidence": "0.9",
}


def form_with(values: dict) -> ObjectiveForm:
    form = ObjectiveForm(dict(NAMESPACE))
    for key, widget in form.fields.items():
        if key in values:
            widget.value = values[key]
        elif key not in ("name", "metric", "baseline", "target_from_kpi"):
            widget.value = ""
    return form


def test_form_to_cell_to_objective_is_the_forms_content():
    form = form_with(CHURN)
    assert form.error is None and not form.button.disabled
    text = form.cell()
    objective = parse_objective(text.split("\n", 1)[1], name="churn")
    assert objective.outcome == CHURN["outcome"]  # a colon in it: quoted, read back as written
    assert (objective.kpi.name, objective.kpi.current, objective.kpi.target, objective.kpi.deadline,
            objective.kpi.owner) == ("share of customers who cancel within the quarter", "26.5%", "22%",
                                     "2099-06-30", "VP Customer Success")
    assert objective.metric.name == "recall_at_k:top 20%" and objective.target_from_kpi
    assert objective.baseline.kind == "auto" and objective.data_test == ("X_test", "y_test")
    assert (objective.value.tp, objective.value.fp, objective.value.currency) == (160, -20, "USD")
    assert objective.population.cases == 12_000 and objective.action.verb == "call"
    assert (objective.action.share, objective.action.effect) == (0.2, 0.3)
    assert (objective.stop.min_gain, objective.stop.patience, objective.stop.confidence) == (0.01, 3, 0.9)


def test_an_existing_objective_prefills_the_form_and_writes_itself_back():
    text, _ = objective_cell(CHURN)
    objective = parse_objective(text.split("\n", 1)[1], name="churn")
    again = parse_objective(objective_cell(form_values(objective))[0].split("\n", 1)[1], name="churn")
    from dataclasses import replace

    assert replace(again, source="") == replace(objective, source="")  # written alike, read alike
    form = ObjectiveForm(dict(NAMESPACE), objective)
    assert form.fields["kpi.owner"].value == "VP Customer Success" and form.fields["action.rule"].value == "top 20%"
    assert form.error is None


# Form values that are mistakes, and the field whose line the parser's message names.
MISTAKES = [
    ({"target": "2"}, "target", "is outside 0..1, the range of average precision"),
    ({"target": "lots"}, "target", "must be a number, not 'lots'"),
    ({"kpi.name": "churn", "kpi.current": "26,5 %%", "kpi.target": "22%"}, "kpi.current", "kpi.current"),
    ({"kpi.name": "churn", "kpi.deadline": "2027-02-30"}, "kpi.deadline", "February 2027 has 28 days"),
    ({"kpi.name": "churn", "kpi.current": "26.5%", "kpi.target": "$1M"}, "kpi.target", "a percentage"),
    ({"stop.patience": "0"}, "stop.patience", "must be a whole number of models, at least 1"),
    ({"stop.confidence": "1.5"}, "stop.confidence", "must be a level between 0.5 and 1"),
    ({"baseline": "number", "baseline.value": "0.9", "target": "0.8"}, "target", "is not better than the baseline"),
    ({"data.test": "X_tst, y_test"}, "data.test", "which is not defined. Did you mean X_test"),
    ({"value.tp": "lots"}, "value.tp", "must be a number or an amount of money"),
    ({"action.rule": "everyone"}, "action.rule", "is not a rule"),
    ({"action.rule": "top 20%", "action.effect": "150%"}, "action.effect", "must be more than 0% and at most 100%"),
]


@pytest.mark.parametrize("values, field, words", MISTAKES, ids=[m[1] + ":" + m[2][:20] for m in MISTAKES])
def test_the_forms_messages_are_the_parsers_on_the_field_they_name(values, field, words):
    base = {"metric": "average_precision", "baseline": "first", "data.test": "X_test, y_test", "stop.patience": "3"}
    form = form_with({**base, **values})
    assert form.error is not None and form.button.disabled
    where, message = form.error
    # the very message `%%objective` would print for the cell the form stands for
    from nbalign.errors import ObjectiveError
    from nbalign.objective import check_names

    text = form.cell()
    with pytest.raises(ObjectiveError) as caught:
        check_names(parse_objective(text.split("\n", 1)[1], name="objective"), NAMESPACE)
    assert message == str(caught.value) and words in message
    assert where == field and form.errors[field].value  # shown under the field it concerns


def test_the_objectives_checks_show_in_the_form():
    form = form_with({"metric": "average_precision", "baseline": "first", "kpi.name": "churn",
                      "kpi.current": "26.5%", "kpi.target": "22%", "stop.patience": "3"})
    assert form.error is None and "NBA102" in form.findings.value  # a KPI without an owner


def test_the_form_magic_and_writing_without_a_front_end(loaded):
    with capture_output() as captured:
        loaded.run_line_magic("objective", "--form")
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in captured.outputs)
    form = form_with({"metric": "auc", "target": "0.9", "baseline": "number", "baseline.value": "0.8",
                      "stop.patience": "2"})
    text = form.write()  # no front end listens in this shell: the cell is shown to copy
    assert form.written.value == text and text.startswith("%%objective objective\nmetric: auc\ntarget: 0.9")
    written = []
    form.write_cell = lambda source: written.append(source) or True
    form.write()
    assert written == [text]
