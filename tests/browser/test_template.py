"""'nbalign: Insert objective template': the template parses, and the command inserts it in JupyterLab.

The template lives in labextension/src/template.generated.ts (from nbalign/grammar.json); the first
tests read it there and run nbalign's own parser on it (no browser), the last one runs the command
from the command palette and the context menu of a new notebook, then runs what it inserted in a
kernel.
"""

from __future__ import annotations

import re

import pytest
from labdriver import CANCER_SPLIT, KERNEL_TIMEOUT, REPO, UI_TIMEOUT, LabDriver
from playwright.sync_api import expect

from nbalign.objective import parse_objective

TEMPLATE_TS = REPO / "labextension" / "src" / "template.generated.ts"
LABEL = "nbalign: Insert objective template"



def template_source() -> str:
    """OBJECTIVE_TEMPLATE of template.generated.ts: a template literal without interpolation."""
    match = re.search(r"export const OBJECTIVE_TEMPLATE = `(.*?)`;", TEMPLATE_TS.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"OBJECTIVE_TEMPLATE not found in {TEMPLATE_TS}"
    text = match.group(1)
    assert "${" not in text and "\\" not in text, "the template must be a plain literal (no ${...}, no escapes)"
    return text


def parse_cell(source: str):
    """Parse an %%objective cell as the magic does: its name from the first line, the body below."""
    magic, body = source.split("\n", 1)
    words = magic.split()
    assert words[0] == "%%objective", magic
    return parse_objective(body, name=words[1] if len(words) > 1 else "objective")


def test_the_template_parses_as_it_is():
    objective = parse_cell(template_source())
    assert objective.name == "my_objective"
    assert objective.metric.scorer == "average_precision"
    assert objective.kpi is not None and objective.kpi.deadline == "2027-06-30"
    assert objective.baseline.kind == "auto"
    assert objective.data_train == ("X_train", "y_train") and objective.data_test == ("X_test", "y_test")
    assert objective.stop.min_gain == 0.01 and objective.stop.patience == 3
    assert objective.value is None and objective.population is None and objective.action is None


def test_the_optional_lines_parse_once_uncommented():
    text = template_source()
    uncommented = re.sub(r"(?m)^# (population|action|value):", r"\1:", text)
    uncommented = re.sub(r"(?m)^#   ", "  ", uncommented)
    objective = parse_cell(uncommented)
    assert objective.population is not None and objective.population.period == "quarter"
    assert objective.action is not None and objective.action.verb == "call" and objective.action.share == 0.2
    assert objective.value is not None and objective.value.tp == 160

    # judge instead of current and target: a KPI no number fits
    judged = re.sub(r"(?m)^  # judge:", "  judge:", text)
    judged = "\n".join(line for line in judged.split("\n") if not line.startswith(("  current:", "  target:")))
    kpi = parse_cell(judged).kpi
    assert kpi is not None and kpi.judge and kpi.current is None and kpi.target is None


@pytest.fixture
def driver(page, lab, artifacts) -> LabDriver:
    page.set_default_timeout(UI_TIMEOUT)
    return LabDriver(page, lab.url, artifacts)


def cells(driver: LabDriver) -> list[tuple[str, str]]:
    return [
        (cell_type, source)
        for cell_type, source in driver.page.evaluate(
            """() => window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells
                     .map(cell => [cell.cell_type, cell.getSource()])"""
        )
    ]


@pytest.mark.browser
def test_insert_objective_template_in_a_new_notebook(driver, lab):
    (lab.root / "template").mkdir()
    driver.open_lab()
    driver.page.evaluate(
        "() => window.jupyterapp.commands.execute('notebook:create-new', {cwd: 'template', kernelName: 'python3'})"
    )
    driver.wait_for_notebook("template/Untitled.ipynb")
    assert cells(driver) == [("code", "")]

    # From the command palette, as a user types it.
    driver.page.keyboard.press("Control+Shift+C")
    search = driver.page.locator(".jp-ModalCommandPalette .lm-CommandPalette-input")
    expect(search, "the command palette did not open").to_be_visible()
    search.fill("Insert objective template")
    entry = driver.page.locator(".jp-ModalCommandPalette .lm-CommandPalette-item", has_text=LABEL)
    expect(entry, "the palette lists the command").to_be_visible()
    search.press("Enter")
    expect(driver.current_notebook().locator(".jp-Cell"), "two cells inserted").to_have_count(3)
    inserted = cells(driver)
    assert inserted[:2] == [("code", ""), ("code", "%load_ext nbalign")], inserted
    assert inserted[2][0] == "code" and inserted[2][1].startswith("%%objective my_objective\n"), inserted
    assert inserted[2][1] == template_source(), "the cell holds the template of template.generated.ts"
    parse_cell(inserted[2][1])  # the inserted cell, as the page has it, parses
    active = driver.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
    assert active == 2, "the template is the active cell, to fill in"
    driver.page.screenshot(path=driver.artifacts / "template-inserted-window.png")

    # From the context menu of the notebook: nbalign is loaded now, so the template alone.
    driver.current_notebook().locator(".jp-Cell").nth(2).locator(".jp-InputPrompt").click(button="right")
    item = driver.page.locator(".lm-Menu-item", has_text=LABEL)
    expect(item, "the notebook's context menu offers the command").to_be_visible()
    item.click()
    expect(driver.current_notebook().locator(".jp-Cell"), "one more cell").to_have_count(4)
    sources = [source for _, source in cells(driver)]
    assert sources.count("%load_ext nbalign") == 1, sources
    assert sources[3] == template_source(), sources

    # The template runs as inserted once the data it names exists.
    driver.page.evaluate(
        "source => window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells[0].setSource(source)",
        CANCER_SPLIT,
    )
    sidebar = driver.sidebar()
    driver.run_all()
    expect(sidebar.get_by_test_id("nbalign-objective-name"), "the template's objective").to_have_text(
        "my_objective", timeout=KERNEL_TIMEOUT
    )
    expect(sidebar.get_by_test_id("nbalign-outcome")).to_have_text("<the business result this notebook is for>")
    expect(sidebar.get_by_test_id("nbalign-status")).to_have_text("live")
    driver.screenshot("template-run")
