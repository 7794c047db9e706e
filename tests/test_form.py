"""The objective builder: a form whose one validator is the `%%objective` parser itself."""

from __future__ import annotations

from html import unescape

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


# ------------------------------------------------------------------ issue 18: form → cell → objective

def read_cell(text: str):
    """The written cell read as `%%objective` reads it: the magic's own argument parser for its
    line, then the objective parser for its body."""
    from nbalign.lines import read_arguments
    from nbalign.magics import NbalignMagics

    head, _, body = text.partition("\n")
    magic, _, line = head.partition(" ")
    assert magic == "%%objective"
    return parse_objective(body, name=read_arguments(NbalignMagics.objective, line).name)


def comparable(objective) -> dict:
    data = objective.to_dict()
    data.pop("source")  # the text it was read from: the form writes its own
    return data


class Fitted:
    """Stands for a fitted model in the namespace (the form offers what has `predict`)."""

    def predict(self, X):
        return X


CHURN_CELL = """\
outcome: Keep more customers by calling those about to cancel with a retention offer
kpi:
  name: share of customers who cancel within the quarter
  current: 26.5%
  target: 22%
  deadline: 2099-06-30
  owner: VP Customer Success
action:
  call: top 20%
  effect: 30%
population: 12,000 customers per quarter
value:
  tp: $160
  fp: -$20
  fn: 0
  tn: 0
metric: recall_at_k
target: from kpi
baseline: auto
data:
  train: X_train, y_train
  test: X_test, y_test
stop:
  min_gain: 0.01
  patience: 3
"""

# (name, cell body): objectives of every shape the parser reads, written as people write them.
ROUND_TRIPS = {
    "classification, value matrix, action, KPI target": ("churn", CHURN_CELL),
    "long floats and exponents": ("precise", """\
metric: auc
target: 0.8123456789
baseline: 0.7123456789012345
value:
  tp: 0.1
  fp: -1e-05
  fn: -123456.789
  tn: 3
stop:
  min_gain: 0.00012345678
  patience: 7
  confidence: 0.9750000000000001
"""),
    "regression, cost of errors": ("demand", """\
outcome: Fewer stock-outs and less waste
metric: rmse
target: 3.25
baseline: 4.0000001
value:
  under: $3.10
  over: $0.4500000001
data:
  train: X_train, y_train
  test: X_test, y_test
"""),
    "regression business value, currency after the amount": ("costs", """\
metric: business_value
value:
  under: 3 euros
  over: 1.5 euros
"""),
    "KPI with a judge and no numbers": ("support", """\
outcome: Answers customers find helpful
kpi:
  name: helpfulness of answers
  judge: Head of Support
  owner: '007'
metric: f1
target: 0.8123456789
baseline: first
"""),
    "threshold action and an effect that is no round percentage": ("review", """\
metric: business_value
value:
  tp: EUR 30k
  fp: -EUR 20
  fn: -EUR 0.5
action:
  review: score >= 0.35
  effect: 0.123456789
"""),
    "a count of cases per period": ("calls", """\
metric: precision_at_k
target: 0.35
population: 12,000 customers per quarter
action:
  call: top 1,000
  effect: 30%
"""),
    "an effect stated as a range, centre and half-width": ("ranged", """\
metric: recall_at_k
action:
  call: top 20%
  effect: 30% ± 10%
"""),
    "an effect stated as a range of fractions": ("ranged", """\
metric: recall_at_k
action:
  call: top 20%
  effect: 0.123 to 0.4567
"""),
    "the model's own yes, a verb YAML reads as true": ("yes-man", """\
metric: recall_at_k
action:
  'on': predicted positive
"""),
    "strings YAML reads otherwise": ("special", """\
outcome: 'yes'
kpi:
  name: 'null'
  owner: '#1 fan: really'
  judge: '- a dash, [brackets] & *stars* ~'
  current: '12'
  target: '6'
  deadline: 2099-06-30
population: '1000'
metric: auc
target: 0.9
"""),
    "strings that look like numbers": ("numbers", """\
outcome: '0.50'
kpi:
  name: '1e3'
  owner: '0x1F'
  judge: '.inf'
metric: ap
target: 0.5
"""),
    "unicode and a name with spaces": ("réduction de l’attrition", """\
outcome: "Réduire l’attrition — 🎯 «vite»: deux lignes\\nla seconde"
kpi:
  name: taux d'attrition
  current: €1.2M
  target: €1M
  owner: Directrice de la relation client
metric: ap
target: 0.6
baseline: stump
data:
  test: X_test, y_test
"""),
    "a KPI named in one line, a negated scorer": ("logloss", """\
kpi: churn rate
metric: neg_log_loss
target: -0.2
baseline: -0.5
stop:
  confidence: 0.99
"""),
    "a baseline of 0": ("r2", """\
metric: r2
target: 0.5
baseline: 0
"""),
}


@pytest.mark.parametrize("name, body", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_the_form_writes_back_exactly_the_objective_it_is_prefilled_with(name, body):
    """Issue 18, item 13: under/over was dropped, 0.8123456789 became 0.812346, '007' became 7."""
    objective = parse_objective(body, name=name)
    form = ObjectiveForm({**NAMESPACE, "stump": Fitted()}, objective)
    assert form.error is None and not form.button.disabled
    written = form.write()  # what the button writes
    assert comparable(read_cell(written)) == comparable(objective), written


def test_a_model_baseline_not_yet_defined_stays_in_the_form():
    """A stored objective whose baseline model is not defined yet (after a restart) keeps it."""
    objective = parse_objective("metric: auc\nbaseline: forest\ndata:\n  test: X_test, y_test", name="o")
    form = ObjectiveForm(dict(NAMESPACE), objective)
    assert form.fields["baseline"].value == "forest"
    assert form.error[0] == "baseline" and "'forest', which is not defined" in unescape(form.errors["baseline"].value)
    assert comparable(read_cell(form.cell())) == comparable(objective)


# Issue 18, item 7: the name goes on the magic line, where IPython used to run `{...}`; the form
# writes only names the magic reads back as themselves.
@pytest.mark.parametrize("name, words", [
    ("x{__import__('os').system('touch PWNED')}", "`x___import___os_.system_touch PWNED`"),
    ("$churn", "`churn`"),
    ("it's", "`it_s`"),
    ('say "hi"', "`say _hi`"),
    ("-churn", "`churn`"),
    ("back\\slash", "`back_slash`"),
])
def test_a_name_the_magic_line_cannot_hold_is_refused_under_the_field(name, words):
    form = form_with({"name": name, "metric": "auc", "baseline": "first"})
    assert form.error is not None and form.error[0] == "name" and form.button.disabled
    assert words in form.errors["name"].value and "cannot" in form.errors["name"].value
    written = []
    form.write_cell = written.append
    assert form.write() is None and written == []  # nothing written, even if asked
    assert form.written.value == ""
    assert form._repr_mimebundle_()["text/plain"].startswith("nbalign: the objective's name")  # no cell to copy


@pytest.mark.parametrize("name", ["churn", "churn model q3", "réduction", "v2.1-final", "(draft) a/b"])
def test_a_name_is_written_so_the_magic_reads_it_back(name):
    form = form_with({"name": name, "metric": "auc", "baseline": "first"})
    assert form.error is None
    assert read_cell(form.cell()).name == name


def test_the_written_cell_runs_in_a_real_shell_as_the_objective_it_came_from(loaded):
    """The cell goes through IPython's own cell-magic transform and the magic, not just the parsers."""
    from pathlib import Path

    name, body = ROUND_TRIPS["unicode and a name with spaces"]  # its baseline is the fixture's fitted stump
    objective = parse_objective(body, name=name)
    text = ObjectiveForm(loaded.user_ns, objective).write()
    with capture_output():
        result = loaded.run_cell(text)
    assert result.success
    from nbalign.session import active_session

    declared = active_session().objective
    assert declared.name == name and comparable(declared) == {**comparable(objective), "version": 1,
                                                               "created_at": declared.created_at,
                                                               "notebook": declared.notebook}
    assert not Path("PWNED").exists()


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, every character outside printable ASCII escaped:
    written independently of the form's own writer, to make the objectives the property reads."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in text) + '"'


def objectives():
    """Objectives of random content, made by the parser from cells people could write."""
    from hypothesis import strategies as st

    words = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).filter(str.strip)
    # any printable name but for what the magic's line cannot hold (tested apart)
    names = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp"),
                                  exclude_characters="{}$'\"\\"), min_size=1, max_size=20).map(str.strip).filter(
        lambda s: s.isprintable() and s and not s.startswith("-"))
    kpi_values = st.sampled_from([("26.5%", "22%"), ("12", "6"), ("$1.2M", "$1M"), ("EUR 30k", "EUR 40k"),
                                  ("0.50", "0.7"), ("1,200 customers", "1,500 customers")])
    finite = st.floats(-1e12, 1e12, allow_nan=False)
    markers = st.sampled_from(["", "$", "€", "£", "US$", "EUR ", "CHF ", " euros", " USD"])
    verbs = st.from_regex(r"[A-Za-z][A-Za-z ]{0,20}", fullmatch=True).map(str.strip).filter(
        lambda v: v.lower() != "effect")

    # one effect, or the range it lies in (`0.2 to 0.4`)
    shares = st.floats(0, 1, exclude_min=True)
    effects = st.one_of(shares.map(repr), st.tuples(shares, shares).filter(lambda ends: ends[0] != ends[1]).map(
        lambda ends: f"{min(ends)!r} to {max(ends)!r}"))

    def money(marker: str, amount: float) -> str:
        sign, number = ("-" if amount < 0 else ""), repr(abs(amount))
        return f"{sign}{number}{marker}" if marker.startswith(" ") else f"{sign}{marker}{number}"

    @st.composite
    def build(draw):
        regression = draw(st.booleans())
        lines = [f"outcome: {yaml_quoted(draw(words))}"]
        if draw(st.booleans()):
            current, target = draw(kpi_values)
            lines += ["kpi:", f"  name: {yaml_quoted(draw(words))}", f"  current: {yaml_quoted(current)}",
                      f"  target: {yaml_quoted(target)}", f"  owner: {yaml_quoted(draw(words))}",
                      f"  judge: {yaml_quoted(draw(words))}", "  deadline: 2099-06-30"]
        target = draw(st.floats(0.5, 1, exclude_max=True) if not regression else st.floats(1e-9, 1e6))
        baseline = draw(st.floats(0, 0.5, exclude_max=True) if not regression else st.floats(2e6, 1e9))
        lines += [f"metric: {'rmse' if regression else 'auc'}", f"target: {target!r}", f"baseline: {baseline!r}"]
        marker = draw(markers)
        keys, amounts = (("under", "over"), st.floats(0, 1e12)) if regression else (("tp", "fp", "fn", "tn"), finite)
        lines += ["value:"] + [f"  {k}: {money(marker, draw(amounts))}" for k in keys]
        if not regression:
            rule = draw(st.sampled_from(["top 20%", "top 12.5%", "score >= 0.35", "predicted positive",
                                         "top 1,000"]))
            lines += ["population: 12,000 customers per quarter", "action:", f"  {yaml_quoted(draw(verbs))}: {rule}",
                      f"  effect: {draw(effects)}"]
        lines += ["stop:", f"  min_gain: {draw(st.floats(0, 1, exclude_max=True))!r}",
                  f"  patience: {draw(st.integers(1, 10_000))}",
                  f"  confidence: {draw(st.floats(0.5, 1, exclude_max=True))!r}"]
        return parse_objective("\n".join(lines), name=draw(names))

    return build()


def test_any_objective_is_written_back_exactly():
    """The property behind the cases above, over random text, numbers, currencies and names.

    Most examples go through the form's values and writer (:func:`form_values`,
    :func:`objective_cell`), what the widgets carry between them; one in ten through the widgets
    themselves, which cost a tenth of a second a form.
    """
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(objectives(), st.integers(0, 9))
    def written_back(objective, draw):
        if draw == 0:
            form = ObjectiveForm(dict(NAMESPACE), objective)
            assert form.error is None, form.error
            text = form.write()
        else:
            text = objective_cell(form_values(objective))[0]
        assert comparable(read_cell(text)) == comparable(objective), text

    written_back()


# --------------------------------------------------------------------------- one grammar


def test_the_template_the_form_and_the_parser_come_from_one_grammar():
    """nbalign/grammar.json is the one description of the cell: the sidebar's template is written
    from it (and checked in), the form's fields and the parser's keys are read from it."""
    from pathlib import Path

    from nbalign import grammar, objective, widgets

    generated = Path(__file__).resolve().parents[1] / "labextension" / "src" / "template.generated.ts"
    assert generated.read_text(encoding="utf-8") == grammar.typescript(), \
        "stale: run `python -m nbalign.grammar > labextension/src/template.generated.ts`"
    assert grammar.children() == objective.TOP_KEYS and grammar.children("kpi") == objective.KPI_KEYS
    assert grammar.children("stop") == objective.STOP_KEYS and grammar.children("data") == objective.DATA_KEYS
    assert [key for key, _ in widgets.FORM_FIELDS] == [f["key"] for f in grammar.form_fields()]
    cell = parse_objective(grammar.template().split("\n", 1)[1], name="my_objective")
    assert cell.metric.scorer == "average_precision" and cell.kpi.owner == "<who is accountable>"
