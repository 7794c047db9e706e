"""The nbalign sidebar in Jupyter Notebook 7's right side panel (the same prebuilt labextension).

Notebook 7 opens one notebook per page (/notebooks/<path>); the panel is opened as a user would, from
View > Right Sidebar > Show nbalign, and must follow that page's notebook and its kernel.
"""

from __future__ import annotations

import pytest
from labdriver import (
    CANCER_SPLIT,
    KERNEL_TIMEOUT,
    PANEL_ID,
    UI_TIMEOUT,
    Notebook7Driver,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTEBOOK = [
    "# md\n# Screening in Notebook 7",
    CANCER_SPLIT,
    "%load_ext nbalign",
    """\
%%objective screening
outcome: Fewer missed malignant tumours at screening
metric: auc
target: 0.99
baseline: first
data:
  test: X_test, y_test""",
    """\
from sklearn.tree import DecisionTreeClassifier

tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)
%evaluate tree""",
    """\
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

logreg = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
%evaluate logreg""",
]


@pytest.fixture
def driver(page, notebook7, artifacts) -> Notebook7Driver:
    page.set_default_timeout(UI_TIMEOUT)
    return Notebook7Driver(page, notebook7.url, artifacts)


def test_sidebar_in_the_notebook7_right_panel(driver, notebook7):
    path = notebook7.write_notebook("nb7/x.ipynb", NOTEBOOK)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    expect(sidebar.get_by_test_id("nbalign-empty"), "before the run: nbalign not loaded").to_have_attribute(
        "data-kind", "not-loaded"
    )
    expect(sidebar, "the panel names the page's notebook").to_contain_text("x.ipynb")

    driver.run_all()
    expect(sidebar.get_by_test_id("nbalign-status")).to_have_text("live", timeout=KERNEL_TIMEOUT)
    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("screening")
    expect(sidebar.get_by_test_id("nbalign-outcome")).to_have_text("Fewer missed malignant tumours at screening")
    expect(sidebar.get_by_test_id("nbalign-metric")).to_contain_text("ROC AUC")
    expect(sidebar.get_by_test_id("nbalign-evaluation-name"), "both evaluations").to_have_text(["tree", "logreg"])
    # The first model (the tree) is the baseline; the logistic regression beats it.
    best = sidebar.locator("[data-testid='nbalign-evaluation'][data-best='true']")
    expect(best.get_by_test_id("nbalign-evaluation-name"), "logreg is the best").to_have_text("logreg")
    driver.set_theme("JupyterLab Light")
    driver.screenshot("notebook7-sidebar")

    # The objective template command is there too, in the notebook's context menu.
    driver.page.locator(".jp-Cell").first.click(button="right")
    entry = driver.page.locator(".lm-Menu-item", has_text="nbalign: Insert objective template")
    expect(entry, "the context menu of Notebook 7 offers the template").to_be_visible()
    driver.page.keyboard.press("Escape")


def test_no_nbalign_panel_on_notebook7_pages_without_a_notebook(driver, notebook7):
    """The file browser's page (/tree) has no notebook to show: View > Right Sidebar does not offer
    nbalign there (it did, and opened an empty panel)."""
    driver.page.goto(f"{notebook7.url}/tree")
    expect(driver.page.locator(".jp-DirListing"), "the file browser did not open").to_be_visible(
        timeout=KERNEL_TIMEOUT)
    driver.page.locator(".lm-MenuBar").get_by_role("menuitem", name="View", exact=True).click()
    right = driver.page.locator(".lm-Menu-item", has_text="Right Sidebar")
    if right.count():
        right.first.click()
    expect(driver.page.locator(".lm-Menu-item", has_text="Show nbalign")).to_have_count(0)
    expect(driver.page.locator(f"#{PANEL_ID}")).to_have_count(0)
    driver.page.keyboard.press("Escape")
