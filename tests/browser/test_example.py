"""What `make lab` shows: the churn example, run top to bottom, fills the sidebar."""

from __future__ import annotations

import re

import pytest
from labdriver import KERNEL_TIMEOUT, REPO, UI_TIMEOUT, LabDriver
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def run_example(page, lab, artifacts, folder: str, notebook) -> tuple[LabDriver, object]:
    """Write ``notebook`` (an nbformat notebook) into a folder of the lab, open it, run all."""
    import nbformat

    (lab.root / folder).mkdir()
    nbformat.write(notebook, lab.root / folder / "example.ipynb")
    page.set_default_timeout(UI_TIMEOUT)
    driver = LabDriver(page, lab.url, artifacts)
    driver.open_notebook(f"{folder}/example.ipynb")
    sidebar = driver.sidebar()
    driver.run_all()
    return driver, sidebar


def test_churn_example_fills_the_sidebar(page, lab, artifacts):
    import nbformat

    churn = nbformat.read(REPO / "example_notebooks" / "churn.ipynb", as_version=4)
    driver, sidebar = run_example(page, lab, artifacts, "example", churn)

    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("churn", timeout=KERNEL_TIMEOUT)
    expect(sidebar.get_by_test_id("nbalign-outcome")).to_contain_text("retention offer")
    expect(sidebar.get_by_test_id("nbalign-kpi")).to_contain_text("26.5% \u2192 22% by 2027-06-30")
    expect(sidebar.get_by_test_id("nbalign-metric")).to_contain_text("recall in the top 20%")
    expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(
        ["constant baseline", "linear baseline", "tree", "forest", "boosting"]
    )
    # no model scores above the linear baseline: it is the best candidate, and the model to ship;
    # the sidebar says so in the story, the best and ship lines, the banner and the chart alike
    best = sidebar.get_by_test_id("nbalign-best")
    expect(best).to_contain_text("linear baseline")
    expect(best).to_contain_text("no model scores above the baseline")
    ship = sidebar.get_by_test_id("nbalign-ship")
    expect(ship).to_contain_text("linear baseline")
    expect(ship).to_contain_text("the baseline model, as no model scores above it")
    expect(sidebar.get_by_test_id("nbalign-story")).to_contain_text("Shipping linear baseline is projected to bring")
    # no diminishing returns on 1,758 rows that cannot show a gain of min_gain either way (issue 21):
    # the banner is the latest model's, with the gain the rows could have seen, and the objective's
    # check says how many rows min_gain needs
    banner = sidebar.get_by_test_id("nbalign-banner")
    expect(banner).to_contain_text("NBA302")
    expect(banner).to_contain_text("these 1,758 test rows detect a gain of")
    small = sidebar.get_by_test_id("nbalign-objective-finding")
    expect(small).to_have_count(1)
    expect(small).to_contain_text("NBA107")
    expect(small).to_contain_text("test rows would detect min_gain")
    expect(sidebar.get_by_test_id("nbalign-chart-name")).to_have_text(["best, ship: linear baseline"])
    starred = sidebar.locator("[data-testid='nbalign-evaluation'][data-best='true']")
    expect(starred, "the star on its row").to_contain_text("linear baseline")
    # the KPI beside the metric: the churn rate the best model is projected to leave, its value,
    # and the metric target derived from the KPI target
    expect(sidebar.get_by_test_id("nbalign-target-derivation")).to_contain_text(
        "recall in the top 20% must reach 0.57")
    expect(sidebar.get_by_test_id("nbalign-kpi-progress")).to_contain_text("share of customers who cancel")
    expect(sidebar.get_by_test_id("nbalign-kpi-projected")).to_have_text(re.compile(r"2\d\.\d%"))
    expect(sidebar.get_by_test_id("nbalign-business-value")).to_contain_text("per quarter")
    # the plot, the inline verdicts with their projected KPI, the closing sentence; no error output
    notebook = driver.current_notebook()
    expect(notebook.locator(".jp-RenderedImage img")).to_have_count(1)
    # each model's card says what its checks found: the tree below the baseline, the forest and the
    # boosting no real gain over the baseline model, each with the gain the rows could have seen
    banners = notebook.locator(".nbalign-banner")
    expect(banners).to_have_count(3)
    expect(banners).to_contain_text(["NBA301", "NBA302", "NBA302"])
    expect(banners.nth(1)).to_contain_text("detect a gain of")
    expect(notebook.locator(".nbalign-business")).to_have_count(3)
    expect(notebook.locator(".nbalign-recommendation")).to_contain_text("projected to bring the share of customers")
    assert driver.error_outputs() == "(no error output)"
    driver.screenshot("sidebar-churn-example")
    # the forest's inline line with what it would do for the business, for a look
    notebook.locator(".nbalign-business").nth(1).scroll_into_view_if_needed()
    driver.page.screenshot(path=driver.artifacts / "inline-churn-forest.png")


def test_accuracy_on_imbalanced_loans_is_flagged_in_the_sidebar(page, lab, artifacts):
    """The loans example up to its first objective: accuracy on 5% bad loans, a KPI in money,
    `baseline: auto`. The sidebar says what the KPI means and which check fires, and why."""
    import nbformat

    example = nbformat.read(REPO / "example_notebooks" / "loans.ipynb", as_version=4)
    first_objective = next(i for i, c in enumerate(example.cells) if "metric: accuracy" in c.source)
    example.cells = example.cells[: first_objective + 1]
    driver, sidebar = run_example(page, lab, artifacts, "loans", example)

    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("loans", timeout=KERNEL_TIMEOUT)
    expect(sidebar.get_by_test_id("nbalign-kpi-statement")).to_contain_text(
        "Cut the money lost to bad loans per quarter from $1.2M to $0.9M by 2027-06-30")
    expect(sidebar.get_by_test_id("nbalign-kpi-statement")).to_contain_text("accountable: Head of Credit Risk")
    finding = sidebar.get_by_test_id("nbalign-objective-finding")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("NBA105")
    expect(finding).to_contain_text("Accuracy on imbalanced classes")
    expect(finding).to_contain_text("scores 0.948 accuracy")
    finding.get_by_text("why").click()
    expect(finding).to_contain_text("a model that always predicts that class scores high")
    expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(["constant baseline", "linear baseline"])
    # the notebook says the same on the objective card
    notebook = driver.current_notebook()
    expect(notebook.locator(".nbalign-objective")).to_contain_text("NBA105")
    # money stays money: no dollar sign in the card is read as the start of a formula
    expect(notebook.locator(".nbalign-objective")).to_contain_text("from $1.2M to $0.9M by 2027-06-30")
    assert driver.error_outputs() == "(no error output)"
    driver.screenshot("sidebar-loans-accuracy")
