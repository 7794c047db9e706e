"""The sidebar against the protocol's own example messages (protocol/messages/, protocol/saved/).

The kernel side is played by a notebook cell that opens the ``nbalign`` comm itself with
standing_empty.json, sends standing.json, and answers ``request_standing``: so these tests pin
the frontend to the protocol contract, independently of the Python package.
"""

from __future__ import annotations

import json

import pytest
from labdriver import KERNEL_TIMEOUT, REPO, LabDriver
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MESSAGES = REPO / "protocol" / "messages"
SAVED = REPO / "protocol" / "saved"


def fake_kernel_cells() -> list[str]:
    empty = json.loads((MESSAGES / "standing_empty.json").read_text())
    standing = json.loads((MESSAGES / "standing.json").read_text())
    open_comm = f"""\
import json
from comm import create_comm

empty = json.loads({json.dumps(json.dumps(empty))})
state = empty
requests = []

def on_msg(msg):
    requests.append(msg["content"]["data"])
    if msg["content"]["data"].get("type") == "request_standing":
        channel.send(state)

channel = create_comm(target_name="nbalign", data=state)
channel.on_msg(on_msg)"""
    send_standing = f"""\
state = json.loads({json.dumps(json.dumps(standing))})
channel.send(state)
channel.send(empty)  # a late delivery of an older revision: the sidebar must ignore it"""
    return [open_comm, send_standing]


@pytest.fixture
def driver(page, lab, artifacts) -> LabDriver:
    return LabDriver(page, lab.url, artifacts)


def test_protocol_examples_render_and_survive_a_reload(driver, lab):
    path = lab.write_notebook("protocol/fake_kernel.ipynb", fake_kernel_cells())
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()

    def expect_example_state():
        expect(sidebar.get_by_test_id("nbalign-status")).to_have_text("live", timeout=KERNEL_TIMEOUT)
        expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("churn")
        expect(sidebar.get_by_test_id("nbalign-outcome")).to_have_text(
            "Fewer new subscribers cancel in their first 3 months"
        )
        expect(sidebar.get_by_test_id("nbalign-kpi")).to_contain_text("9% \u2192 5% by 2027-06-30")
        expect(sidebar.get_by_test_id("nbalign-kpi")).to_contain_text("VP Growth")
        expect(sidebar.get_by_test_id("nbalign-metric")).to_contain_text("average precision")
        # progress 1.0303: the bar is full, the text tells the truth
        expect(sidebar.get_by_test_id("nbalign-progress-percent")).to_have_text("103%")
        expect(sidebar.get_by_test_id("nbalign-progress")).to_have_attribute("aria-valuenow", "100")
        expect(sidebar.get_by_test_id("nbalign-best")).to_contain_text("gbm")
        expect(sidebar.get_by_test_id("nbalign-best")).to_contain_text("0.610")
        expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(
            ["logreg", "<img src=x onerror=alert(1)>", "gbm"]
        )
        expect(sidebar.get_by_test_id("nbalign-evaluation-score")).to_have_text(["0.520", "0.515", "0.610"])
        best_row = sidebar.locator("[data-testid='nbalign-evaluation'][data-best='true']")
        expect(best_row).to_contain_text("gbm")
        expect(best_row).to_contain_text("+0.090")
        # the kernel's tone, not the sidebar's own judgement
        changes = sidebar.locator("[data-testid='nbalign-evaluation'] .jp-nbalign-change[data-tone]")
        expect(changes.nth(1)).to_have_attribute("data-tone", "neutral")
        expect(changes.nth(2)).to_have_attribute("data-tone", "good")
        expect(sidebar.get_by_test_id("nbalign-ship")).to_contain_text("gbm")
        expect(sidebar.get_by_test_id("nbalign-story")).to_contain_text("Shipping gbm is projected to bring")
        # each row says its verdict in words; its checks are in its detail, by title and message
        expect(sidebar.get_by_test_id("nbalign-evaluation-word")).to_have_text(
            ["better", "not distinguishable", "better"]
        )
        closed = sidebar.locator("[data-testid='nbalign-evaluation'] details:not([open]) > summary")
        while closed.count():
            closed.first.click()
        diagnostics = sidebar.get_by_test_id("nbalign-diagnostic")
        expect(diagnostics).to_have_count(2)
        expect(diagnostics).to_contain_text(["No real gain NBA302", "Target reached NBA305"])
        expect(diagnostics.nth(1)).to_be_visible()
        # a record of another metric (version 1, ROC AUC) is shown apart, never compared
        other = sidebar.get_by_test_id("nbalign-other-evaluation")
        expect(other).to_have_count(1)
        expect(other).to_contain_text("logreg v1")
        expect(other).to_contain_text("ROC AUC")
        banner = sidebar.get_by_test_id("nbalign-banner")
        expect(banner).to_have_attribute("data-level", "success")
        expect(banner).to_contain_text("NBA305")
        expect(banner).to_contain_text("Target reached")
        why = sidebar.get_by_test_id("nbalign-banner-why")
        why.locator("summary").click()
        expect(why).to_contain_text("The model meets the metric target that was agreed to deliver the KPI.")
        expect(sidebar.locator("img")).to_have_count(0)

    expect_example_state()
    driver.screenshot("sidebar-protocol-examples")

    driver.save()
    driver.reload(path)
    sidebar = driver.sidebar()
    expect_example_state()
    driver.screenshot("sidebar-protocol-after-reload")

    driver.set_theme("JupyterLab Dark")
    expect_example_state()
    driver.screenshot("sidebar-protocol-dark")
    driver.set_theme("JupyterLab Light")

    # The kernel saw exactly the recovery request, as the protocol says.
    driver.append_and_run("assert requests == [{'v': 2, 'type': 'request_standing', 'payload': {}}], requests")
    assert not [d for d in driver.dialogs if d.startswith("alert")], driver.dialogs


def test_closing_the_comm_leaves_the_saved_state(driver, lab):
    path = lab.write_notebook("protocol/close.ipynb", fake_kernel_cells())
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()
    expect(sidebar.get_by_test_id("nbalign-status")).to_have_text("live", timeout=KERNEL_TIMEOUT)

    driver.append_and_run("channel.close()")
    expect(sidebar.get_by_test_id("nbalign-status")).to_have_text("saved")
    expect(sidebar.get_by_test_id("nbalign-saved-note")).to_contain_text("not live: run %load_ext nbalign")
    expect(sidebar.get_by_test_id("nbalign-evaluation")).to_have_count(3)
    driver.screenshot("sidebar-saved-not-live")

    # A restarted kernel (another session) with no objective yet: loaded, no objective.
    driver.append_and_run(
        "c2 = create_comm(target_name='nbalign', "
        "data={'v': 2, 'type': 'standing', 'payload': {'session': 'restarted', 'revision': 1, 'standing': None}})"
    )
    expect(sidebar.get_by_test_id("nbalign-empty")).to_have_attribute("data-kind", "no-objective")
    driver.screenshot("sidebar-no-objective")


def test_saved_metadata_shows_progress_before_any_kernel_runs(driver, lab):
    saved = {"nbalign": json.loads((SAVED / "format1.json").read_text())}
    path = lab.write_notebook("protocol/saved.ipynb", ["'nbalign not loaded in this kernel'"], metadata=saved)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    expect(sidebar.get_by_test_id("nbalign-status")).to_have_text("saved")
    expect(sidebar.get_by_test_id("nbalign-saved-note")).to_contain_text("2026")
    expect(sidebar.get_by_test_id("nbalign-saved-note")).to_contain_text("not live: run %load_ext nbalign")
    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("churn")
    expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(
        ["logreg", "<img src=x onerror=alert(1)>", "gbm"]
    )
    expect(sidebar.get_by_test_id("nbalign-progress-percent")).to_have_text("103%")
    # Reading the saved state must not rewrite it (JupyterLab itself dirties the notebook on open:
    # it fills in language_info from the kernel; so compare the metadata, not the dirty flag).
    in_model = driver.page.evaluate("() => window.jupyterapp.shell.currentWidget.model.getMetadata('nbalign')")
    assert in_model == saved["nbalign"]
    driver.screenshot("sidebar-saved-metadata")


def test_metadata_saved_by_protocol_version_1_is_ignored_not_an_error(driver, lab):
    old = {"nbalign": {"v": 1, "objective": None, "evaluations": [], "summary": None, "saved_at": "2026-11-01"}}
    path = lab.write_notebook("protocol/old.ipynb", ["'an older nbalign saved this'"], metadata=old)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    expect(sidebar.get_by_test_id("nbalign-empty")).to_have_attribute("data-kind", "not-loaded")
