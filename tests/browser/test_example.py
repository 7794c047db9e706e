"""What `make lab` shows: the churn example, run top to bottom, fills the sidebar."""

from __future__ import annotations

import shutil

import pytest
from labdriver import KERNEL_TIMEOUT, REPO, UI_TIMEOUT, LabDriver
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_churn_example_fills_the_sidebar(page, lab, artifacts):
    folder = lab.root / "example"
    folder.mkdir()
    shutil.copy(REPO / "example_notebooks" / "churn.ipynb", folder / "churn.ipynb")
    page.set_default_timeout(UI_TIMEOUT)
    driver = LabDriver(page, lab.url, artifacts)
    driver.open_notebook("example/churn.ipynb")
    sidebar = driver.sidebar()
    driver.run_all()

    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("churn", timeout=KERNEL_TIMEOUT)
    expect(sidebar.get_by_test_id("nbalign-outcome")).to_contain_text("retention offer")
    expect(sidebar.get_by_test_id("nbalign-kpi")).to_contain_text("26.5% \u2192 22% by 2027-06-30")
    expect(sidebar.get_by_test_id("nbalign-metric")).to_contain_text("average precision")
    expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(
        ["constant baseline", "linear baseline", "tree", "forest", "gradient boosting"]
    )
    expect(sidebar.get_by_test_id("nbalign-best")).to_contain_text("forest")
    banner = sidebar.get_by_test_id("nbalign-banner")
    expect(banner).to_contain_text("NBA303")
    expect(banner).to_contain_text("Ship linear baseline")
    # the plot and the inline verdicts are in the notebook, no error output
    notebook = driver.current_notebook()
    expect(notebook.locator(".jp-RenderedImage img")).to_have_count(1)
    expect(notebook.locator(".nbalign-banner")).to_have_count(3)
    assert driver.error_outputs() == "(no error output)"
    driver.screenshot("sidebar-churn-example")
