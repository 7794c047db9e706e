"""The sidebar's chart of the evaluations in a real JupyterLab, and the way back to a model's cell.

Three models on scikit-learn's breast cancer data, `baseline: first`: the chart draws one point
per evaluation, the target line and the best so far; "go to cell" in a row's detail makes the
cell that evaluated it the notebook's active cell. Screenshots in the light and dark themes.
"""

from __future__ import annotations

import pytest
from labdriver import CANCER_SPLIT, KERNEL_TIMEOUT, UI_TIMEOUT, LabDriver
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OBJECTIVE = """\
%%objective screening
outcome: Fewer missed malignant tumours at screening
metric: auc
target: 0.995
baseline: first
data:
  test: X_test, y_test"""

STUMP = """\
from sklearn.tree import DecisionTreeClassifier

stump = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train, y_train)
%evaluate stump"""

TREE = """\
tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X_train, y_train)
%evaluate tree"""

LOGREG = """\
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

logreg = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
%evaluate logreg"""

# The models' cells are the 4th, 5th and 6th (0-based 3, 4, 5): far enough down to need a scroll.
CELLS = [CANCER_SPLIT, "%load_ext nbalign", OBJECTIVE, STUMP, TREE, LOGREG]
MODELS = ["stump", "tree", "logreg"]
STUMP_CELL = 3


def test_the_chart_draws_the_evaluations_and_takes_the_user_to_a_cell(page, lab, artifacts):
    page.set_default_timeout(UI_TIMEOUT)
    driver = LabDriver(page, lab.url, artifacts)
    path = lab.write_notebook("chart/screening.ipynb", CELLS)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()

    expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(MODELS, timeout=KERNEL_TIMEOUT)
    chart = sidebar.get_by_test_id("nbalign-chart")
    expect(chart, "the chart under the summary").to_be_visible()
    expect(chart).to_have_attribute("aria-label", "ROC AUC of 3 evaluations in order (higher is better)"
                                    ", baseline " + _score_of(sidebar, 0) + ", target 0.995"
                                    ", best logreg " + _score_of(sidebar, 2)
                                    + ", ship logreg " + _score_of(sidebar, 2))  # fmt: skip
    # the best, which is the model to ship, is named beside its point, not only on hover
    expect(sidebar.get_by_test_id("nbalign-chart-name")).to_have_text(["best, ship: logreg"])
    points = sidebar.get_by_test_id("nbalign-chart-point")
    expect(points, "one point per evaluation").to_have_count(3)
    assert [points.nth(i).get_attribute("data-name") for i in range(3)] == MODELS
    # `baseline: first`: the first model sets the baseline and is still a model, filled like the others
    assert [points.nth(i).get_attribute("data-kind") for i in range(3)] == ["model", "model", "model"]
    expect(sidebar.get_by_test_id("nbalign-chart-target")).to_contain_text("target 0.995")
    expect(sidebar.get_by_test_id("nbalign-chart-baseline")).to_contain_text("baseline")
    best = sidebar.get_by_test_id("nbalign-chart-best")
    expect(best, "the best so far steps through tree and logreg").to_have_count(1)
    # a point names its model and score when hovered
    expect(points.nth(2).locator("title")).to_contain_text("logreg: " + _score_of(sidebar, 2) + " ROC AUC")
    # the chart fills the sidebar's width, and its text stays its size (drawn in pixels)
    box = chart.bounding_box()
    panel = sidebar.bounding_box()
    assert box and panel and box["width"] > panel["width"] - 40, (box, panel)
    view_box_width = float(chart.get_attribute("viewBox").split()[2])
    assert abs(view_box_width - box["width"]) <= 1, (view_box_width, box)
    points.nth(2).hover()
    driver.screenshot("sidebar-chart")

    # "go to cell" on the first model: its cell becomes the active cell, scrolled into view
    _activate_cell(page, len(CELLS) - 1)
    first_row = sidebar.get_by_test_id("nbalign-evaluation").first
    first_row.locator("summary").click()
    goto = first_row.get_by_test_id("nbalign-row-goto")
    expect(goto).to_have_text("go to cell")
    goto.click()
    notebook = driver.current_notebook()
    active = notebook.locator(".jp-Cell.jp-mod-active")
    expect(active, "the stump's cell is the active cell").to_contain_text("%evaluate stump")
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex") == STUMP_CELL
    expect(active).to_be_in_viewport()

    # a chart point does the same
    _activate_cell(page, 0)
    points.nth(1).click()
    expect(active, "the tree's cell is the active cell").to_contain_text("%evaluate tree")

    # a cell deleted since: the button says so instead of scrolling anywhere
    page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.sharedModel.deleteCell(3)")
    goto.click()
    expect(goto).to_have_text("cell not found")
    expect(goto).to_have_attribute("data-missing", "true")

    driver.set_theme("JupyterLab Dark")
    expect(chart).to_be_visible()
    points.nth(2).hover()
    driver.screenshot("sidebar-chart-dark")
    driver.set_theme("JupyterLab Light")
    assert not [d for d in driver.dialogs if d.startswith("alert")], driver.dialogs
    assert driver.error_outputs() == "(no error output)"


def _score_of(sidebar, index: int) -> str:
    return sidebar.get_by_test_id("nbalign-evaluation-score").nth(index).inner_text().strip()


def _activate_cell(page, index: int) -> None:
    """Make another cell active (and scroll to it), so that going to a cell is a change."""
    page.evaluate(
        """(index) => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            notebook.activeCellIndex = index;
            return notebook.scrollToCell(notebook.widgets[index]);
        }""",
        index,
    )
    expect(page.locator(".jp-NotebookPanel:visible .jp-Cell.jp-mod-active")).to_have_count(1)
