"""The objective builder and the live panel in a real JupyterLab.

A newcomer who never saw the `%%objective` syntax fills the form, writes the cell, runs it, opens
the live panel and evaluates two models: the panel and the sidebar's chart follow. Screenshots of
the form and the panel in the light and dark themes, in JupyterLab and in Notebook 7.
"""

from __future__ import annotations

import pytest
from labdriver import (
    CANCER_SPLIT,
    KERNEL_TIMEOUT,
    UI_TIMEOUT,
    LabDriver,
    Notebook7Driver,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MODELS = """\
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)
logreg = LogisticRegression(max_iter=5000).fit(X_train, y_train)
roc_auc_score(y_test, tree.predict_proba(X_test)[:, 1]), roc_auc_score(y_test, logreg.predict_proba(X_test)[:, 1])"""


def dark_screenshot(driver, page, name: str) -> None:
    """A screenshot in the dark theme, once the theme's splash has gone; then back to light."""
    driver.set_theme("JupyterLab Dark")
    expect(page.locator("#jupyterlab-splash")).to_have_count(0)
    driver.screenshot(name)
    driver.set_theme("JupyterLab Light")
    expect(page.locator("#jupyterlab-splash")).to_have_count(0)


def field(form, label: str):
    """The input of the form's field with this label (ipywidgets puts the label beside it)."""
    box = form.locator(f".widget-inline-hbox:has(> .widget-label:text-is('{label}'))")
    return box.locator("input, select, textarea")


def test_a_newcomer_declares_through_the_form_and_watches_the_panel(page, lab, artifacts):
    page.set_default_timeout(UI_TIMEOUT)
    driver = LabDriver(page, lab.url, artifacts)
    path = lab.write_notebook("widgets/screening.ipynb", ["%load_ext nbalign", CANCER_SPLIT, "%objective --form"])
    declare_through_the_form_and_watch(driver, page, path, "widgets")


def test_the_same_in_notebook7(page, notebook7, artifacts):
    page.set_default_timeout(UI_TIMEOUT)
    driver = Notebook7Driver(page, notebook7.url, artifacts)
    path = notebook7.write_notebook("widgets7/screening.ipynb",
                                    ["%load_ext nbalign", CANCER_SPLIT, "%objective --form"])
    declare_through_the_form_and_watch(driver, page, path, "notebook7-widgets")


def declare_through_the_form_and_watch(driver, page, path: str, shots: str) -> None:
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()

    notebook = driver.current_notebook()
    form = notebook.locator(".nbalign-form")
    expect(form, "the form is shown under the cell").to_be_visible(timeout=KERNEL_TIMEOUT)
    field(form, "Name").fill("screening")
    field(form, "Outcome").fill("Fewer missed malignant tumours at screening")
    field(form, "KPI").fill("missed malignant cases per 1000 screenings")
    field(form, "Current").fill("12")
    field(form, "Target").first.fill("6")
    field(form, "Owner").fill("Head of Radiology")
    field(form, "Metric").select_option(label="classification · auc: ROC AUC: how well positives rank above negatives")
    field(form, "Metric target").fill("2")  # a mistake: the parser's message appears under the field
    expect(form, "the range of ROC AUC, under the field").to_contain_text("is outside 0..1, the range of ROC AUC")
    expect(form.get_by_role("button", name="Write objective cell")).to_be_disabled()
    field(form, "Metric target").fill("0.995")
    field(form, "Baseline").select_option(label="first: the first model evaluated")
    field(form, "Test data").fill("X_test, y_test")
    expect(form).not_to_contain_text("is outside 0..1")
    button = form.get_by_role("button", name="Write objective cell")
    expect(button).to_be_enabled()
    driver.screenshot(f"{shots}-form")
    dark_screenshot(driver, page, f"{shots}-form-dark")

    button.click()  # the cell is written below the form's cell, and becomes the active cell
    active = notebook.locator(".jp-Cell.jp-mod-active")
    expect(active, "the objective cell written below").to_contain_text("%%objective screening")
    expect(active).to_contain_text("metric: auc")
    driver._run_command("notebook:run-cell", "the written objective cell")
    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("screening", timeout=KERNEL_TIMEOUT)

    driver.append_and_run("%nbalign panel")
    panel = notebook.locator(".nbalign-panel")
    expect(panel, "the live panel").to_be_visible()
    expect(panel).to_contain_text("Cut the missed malignant cases per 1000 screenings from 12 to 6")
    driver.append_and_run(MODELS)  # evaluated as people do: autolog logs both

    expect(panel.locator("circle"), "the panel follows: two evaluations").to_have_count(2, timeout=KERNEL_TIMEOUT)
    expect(panel.get_by_test_id("nbalign-panel-best")).to_contain_text("logreg")
    expect(sidebar.get_by_test_id("nbalign-chart-point"), "the sidebar's chart too").to_have_count(2)
    panel.scroll_into_view_if_needed()
    driver.screenshot(f"{shots}-panel")
    dark_screenshot(driver, page, f"{shots}-panel-dark")
    assert driver.error_outputs() == "(no error output)"
