"""The live panel: an ipywidget that renders the standing the sidebar receives, and follows it."""

from __future__ import annotations

import re

import pytest
from IPython.utils.capture import capture_output

import nbalign
from nbalign.session import active_session


@pytest.fixture
def declared(loaded, objective_text):
    with capture_output():
        loaded.run_cell("%%objective cancer\n" + objective_text)
    return loaded


def evaluate(shell, name: str) -> None:
    with capture_output():
        shell.run_line_magic("evaluate", name)


def test_the_panel_follows_the_standing_and_panels_stay_in_step(declared):
    first, second = nbalign.panel(), nbalign.panel()
    assert "No model" not in first.widget.value and first.widget.value == second.widget.value
    evaluate(declared, "stump")
    evaluate(declared, "logreg")
    message = active_session().message()
    from nbalign.widgets import panel_html

    assert first.widget.value == second.widget.value == panel_html(message)
    html = first.widget.value
    assert "logreg" in html and html.count("<circle") == 2 and "data-testid='nbalign-panel-chart'" in html
    assert "target" in html and "baseline" in html
    first.close()
    evaluate(declared, "forest")
    assert first.widget.value != second.widget.value  # a closed panel stops following
    assert second.widget.value.count("<circle") == 3


def test_the_panel_as_text_where_widgets_do_not_render(declared):
    evaluate(declared, "logreg")
    bundle = nbalign.panel()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert re.fullmatch(r"nbalign cancer: ROC AUC, best 0\.\d{3} \(logreg\), .*", bundle["text/plain"])


def test_the_panel_magic_displays_a_widget(declared):
    with capture_output() as captured:
        declared.run_line_magic("nbalign", "panel")
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in captured.outputs)


def test_user_text_in_the_panel_is_escaped(shell, cancer):
    shell.user_ns.update(cancer)
    with capture_output():
        shell.run_line_magic("load_ext", "nbalign")
        shell.run_cell("%%objective x\noutcome: <img src=x onerror=alert(1)>\nmetric: auc\ntarget: 0.999\n"
                       "baseline: first\ndata:\n  test: X_test, y_test")
        shell.run_cell("import nbalign\nnbalign.evaluate(logreg, name='<b>bold</b>')")
    html = nbalign.panel().widget.value
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.kernel
def test_the_panel_through_a_real_kernel_with_its_widget_state_saved(tmp_path, monkeypatch):
    """nbclient keeps the widgets' state: the panel shown before two evaluations ends up showing both."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("NBALIGN_STORE", str(tmp_path / "nbalign.db"))
    cells = [
        "%load_ext nbalign",
        ("from sklearn.datasets import load_breast_cancer\n"
         "from sklearn.model_selection import train_test_split\n"
         "from sklearn.linear_model import LogisticRegression\n"
         "from sklearn.tree import DecisionTreeClassifier\n"
         "X, y = load_breast_cancer(return_X_y=True, as_frame=True)\n"
         "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)"),
        "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: first\ndata:\n  test: X_test, y_test",
        "%nbalign panel",
        "tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)\n%evaluate tree",
        "lr = LogisticRegression(max_iter=5000).fit(X_train, y_train)\n%evaluate lr",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    panels = [m["state"]["value"] for m in state.values() if "nbalign-panel" in str(m["state"].get("_dom_classes"))]
    assert len(panels) == 1
    assert panels[0].count("<circle") == 2  # both evaluations, drawn after the panel was shown
    assert "<title>tree: " in panels[0] and "<title>lr: " in panels[0]  # named in their tooltips


def test_baseline_and_target_labels_never_overlap_in_the_panel_chart():
    """Issue 19, item 9: two labels closer than a line of text apart, the baseline's goes left."""
    import re

    from nbalign.widgets import chart_svg

    def labels(baseline, target):
        rows = [{"id": i, "name": "m", "role": "model", "verdict": "no_gain", "tone": "neutral", "score": score,
                 "interval": None, "best_so_far": 0.9} for i, score in enumerate((0.2, 0.9))]  # a wide scale
        svg = chart_svg({"rows": rows, "summary": {"baseline": baseline, "target": target}})
        return {name: (float(x), float(y), anchor) for x, y, anchor, name in
                re.findall(r"<text x='([\d.]+)' y='([\d.]+)' text-anchor='(\w+)' font-size='10' fill='[^']+'>"
                           r"(baseline|target)</text>", svg)}

    close = labels(0.700, 0.701)
    assert close["baseline"][2] == "start" and close["target"][2] == "end"
    assert close["baseline"][0] < close["target"][0] - 100  # at opposite ends of the lines
    apart = labels(0.5, 0.9)
    assert apart["baseline"][2] == apart["target"][2] == "end"
