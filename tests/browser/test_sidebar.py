"""The nbalign sidebar in a real JupyterLab, driven by real notebooks and kernels.

Each test writes its notebooks into its own folder of the server root: the kernel's working folder
is the notebook's, so each test has its own ``.nbalign/`` store. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from labdriver import CANCER_SPLIT, KERNEL_TIMEOUT, UI_TIMEOUT, LabDriver
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"

OBJECTIVE = """\
%%objective cancer
outcome: Fewer missed malignant tumours at screening
kpi:
  name: missed malignant cases per 1000 screenings
  current: 12
  target: 6
  deadline: 2027-06-30
  owner: Head of Radiology
metric: auc
target: 0.995
baseline: 0.90
data:
  test: X_test, y_test"""

LOGREG = """\
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

logreg = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
%evaluate logreg"""

TREE = """\
from sklearn.tree import DecisionTreeClassifier

tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)
%evaluate tree"""

GBM = """\
import nbalign
from sklearn.ensemble import HistGradientBoostingClassifier

gbm = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(X_train, y_train)
nbalign.evaluate(gbm, X_test, y_test, name="gbm")"""

CANCER_NOTEBOOK = [
    "# md\n# Screening: fewer missed malignant tumours",
    CANCER_SPLIT,
    "%load_ext nbalign",
    OBJECTIVE,
    LOGREG,
    TREE,
    GBM,
]

MODEL_NAMES = ["logreg", "tree", "gbm"]


@pytest.fixture
def driver(page, lab, artifacts) -> LabDriver:
    page.set_default_timeout(UI_TIMEOUT)
    return LabDriver(page, lab.url, artifacts)


def expect_objective(sidebar, *, live: bool, evaluations: int) -> None:
    """The cancer objective as the sidebar must show it, live or from saved metadata."""
    expect(sidebar.get_by_test_id("nbalign-status"), "live/saved status").to_have_text(
        "live" if live else "saved", timeout=KERNEL_TIMEOUT
    )
    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("cancer")
    expect(sidebar.get_by_test_id("nbalign-outcome")).to_have_text("Fewer missed malignant tumours at screening")
    kpi = sidebar.get_by_test_id("nbalign-kpi")
    expect(kpi).to_contain_text("missed malignant cases per 1000 screenings")
    expect(kpi).to_contain_text("12 \u2192 6 by 2027-06-30")
    expect(kpi).to_contain_text("Head of Radiology")
    metric = sidebar.get_by_test_id("nbalign-metric")
    expect(metric).to_contain_text("ROC AUC")
    expect(metric).to_contain_text("higher is better")
    expect(metric).to_contain_text("0.900")  # baseline
    expect(metric).to_contain_text("0.995")  # target
    expect(sidebar.get_by_test_id("nbalign-progress-percent")).to_have_text(re.compile(r"^\u2212?\d+%$"))
    expect(sidebar.get_by_test_id("nbalign-progress")).to_have_attribute("aria-valuenow", re.compile(r"^\d+$"))
    rows = sidebar.get_by_test_id("nbalign-evaluation")
    expect(rows, f"{evaluations} evaluations in the sidebar").to_have_count(evaluations, timeout=UI_TIMEOUT)
    expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(MODEL_NAMES[:evaluations])
    best = sidebar.get_by_test_id("nbalign-best")
    expect(best).to_contain_text(re.compile(r"(logreg|tree|gbm)\s*\d\.\d{3}"))
    expect(sidebar.locator("[data-testid='nbalign-evaluation'][data-best='true']"), "one best").to_have_count(1)
    expect(sidebar.get_by_test_id("nbalign-banner")).to_have_attribute(
        "data-level", re.compile(r"^(info|warning|success)$")
    )
    expect(sidebar.get_by_test_id("nbalign-banner")).to_contain_text(re.compile(r"NBA\d{3}"))


def test_empty_state_when_nbalign_is_not_loaded(driver, lab):
    driver.open_lab()
    sidebar = driver.sidebar()
    expect(sidebar.get_by_test_id("nbalign-empty"), "empty state without a notebook").to_have_attribute(
        "data-kind", "no-notebook"
    )
    driver.screenshot("sidebar-no-notebook")

    path = lab.write_notebook("empty/plain.ipynb", ["total = 1 + 1\ntotal"])
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    empty = sidebar.get_by_test_id("nbalign-empty")
    expect(empty, "the not-loaded empty state").to_have_attribute("data-kind", "not-loaded")
    expect(empty).to_contain_text("%load_ext nbalign")
    expect(empty).to_contain_text("%%objective")
    expect(sidebar.get_by_test_id("nbalign-metric")).to_have_count(0)
    driver.screenshot("sidebar-empty")


def test_run_all_then_reload_shows_the_same_live_state(driver, lab):
    path = lab.write_notebook("main/cancer.ipynb", CANCER_NOTEBOOK)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()
    expect_objective(sidebar, live=True, evaluations=3)
    shown = sidebar.get_by_test_id("nbalign-dashboard").text_content()
    driver.screenshot("sidebar-after-run")

    driver.save()  # the metadata now holds the standing; the reload must still come back live
    saved = lab.read_notebook(path)["metadata"]["nbalign"]
    assert saved["format"] == 1 and saved["saved_at"], saved
    assert saved["standing"]["objective"]["name"] == "cancer"
    assert [r["name"] for r in saved["standing"]["rows"]] == MODEL_NAMES
    driver.reload(path)
    sidebar = driver.sidebar()
    expect_objective(sidebar, live=True, evaluations=3)
    # The standing the kernel resends reads exactly as the one the sidebar already had.
    expect(sidebar.get_by_test_id("nbalign-dashboard"), "the same state after the reload").to_have_text(shown)
    driver.screenshot("sidebar-after-reload")


def test_sidebar_follows_the_notebook_in_focus(driver, lab):
    loaded = lab.write_notebook("switch/aligned.ipynb", CANCER_NOTEBOOK[:5])
    plain = lab.write_notebook("switch/plain.ipynb", ["'not aligned'"])
    driver.open_notebook(loaded)
    sidebar = driver.sidebar()
    driver.run_all()
    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_text("cancer", timeout=KERNEL_TIMEOUT)
    expect(sidebar.get_by_test_id("nbalign-evaluation")).to_have_count(1)

    driver.open_another(plain)
    expect(sidebar.get_by_test_id("nbalign-empty"), "plain.ipynb has not loaded nbalign").to_have_attribute(
        "data-kind", "not-loaded"
    )
    expect(sidebar.get_by_test_id("nbalign-objective-name")).to_have_count(0)
    driver.screenshot("sidebar-switched-to-plain")

    driver.activate_notebook(loaded)
    expect(sidebar.get_by_test_id("nbalign-objective-name"), "back on aligned.ipynb").to_have_text("cancer")
    expect(sidebar.get_by_test_id("nbalign-status")).to_have_text("live")
    expect(sidebar.get_by_test_id("nbalign-evaluation")).to_have_count(1)


def test_restart_then_load_ext_restores_the_objective(driver, lab):
    path = lab.write_notebook("restart/cancer.ipynb", CANCER_NOTEBOOK)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()
    expect_objective(sidebar, live=True, evaluations=3)

    driver.restart_kernel()
    expect(sidebar.get_by_test_id("nbalign-status"), "not live after the restart").to_have_text(
        "saved", timeout=KERNEL_TIMEOUT
    )
    expect(sidebar.get_by_test_id("nbalign-saved-note")).to_contain_text("not live")
    driver.wait_kernel_idle("the restarted kernel")
    driver.screenshot("sidebar-after-restart")

    driver.append_and_run("%load_ext nbalign")
    expect_objective(sidebar, live=True, evaluations=3)
    expect(sidebar.get_by_test_id("nbalign-saved-note")).to_have_count(0)
    driver.screenshot("sidebar-after-restart-load")


def test_evaluation_names_are_text_not_html(driver, lab, page):
    cells = [*CANCER_NOTEBOOK[:4], GBM.replace('name="gbm"', f"name={XSS_NAME!r}")]
    path = lab.write_notebook("xss/cancer.ipynb", cells)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()
    names = sidebar.get_by_test_id("nbalign-evaluation-name")
    expect(names, "the evaluation name as literal text").to_have_text([XSS_NAME], timeout=KERNEL_TIMEOUT)
    expect(sidebar.get_by_test_id("nbalign-best")).to_contain_text(XSS_NAME)
    expect(sidebar.locator("img"), "no element made from the name").to_have_count(0)
    assert not [d for d in driver.dialogs if d.startswith("alert")], driver.dialogs
    driver.screenshot("sidebar-xss")


def test_a_second_tab_on_the_same_notebook_stays_live(driver, lab, context, artifacts):
    path = lab.write_notebook("tabs/cancer.ipynb", CANCER_NOTEBOOK)
    driver.open_notebook(path)
    first = driver.sidebar()
    driver.run_all()
    expect_objective(first, live=True, evaluations=3)

    # A second browser tab on the same notebook (its own workspace) attaches to the kernel's comm.
    other_page = context.new_page()
    other_page.set_default_timeout(UI_TIMEOUT)
    other = LabDriver(other_page, lab.url, artifacts)
    other_page.goto(f"{lab.url}/lab/workspaces/second/tree/{path}")
    other.wait_for_notebook(path)
    second = other.sidebar()
    expect_objective(second, live=True, evaluations=3)

    # An evaluation run from the first tab reaches both sidebars.
    driver.append_and_run("nbalign.evaluate(logreg, X_train, y_train, name='logreg on training data')")
    for sidebar in (first, second):
        expect(sidebar.get_by_test_id("nbalign-evaluation-name")).to_have_text(
            [*MODEL_NAMES, "logreg on training data"], timeout=KERNEL_TIMEOUT
        )
    other.screenshot("sidebar-second-tab")


# A decision recorded through the real API: an objective with a KPI and an action (so the kernel
# projects the KPI), an agreement, two models, the recommended one shipped, and two KPIs measured
# after shipping: one as projected, one outside the projection and short of the target.
SCREENING = """\
%%objective screening
outcome: Fewer missed malignant tumours at screening
kpi:
  name: share of malignant tumours missed
  current: 12%
  target: 8%
  deadline: 2027-06-30
  owner: Head of Radiology
action:
  call: top 40%
  effect: 60%
metric: recall_at_k
target: {target}
baseline: 0.7
stop:
  min_gain: 0.01
data:
  test: X_test, y_test"""

SCREENING_MODELS = """\
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)
logistic = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)
%evaluate tree
%evaluate logistic"""

DECISION_NOTEBOOK = [
    CANCER_SPLIT + "\ny_train, y_test = 1 - y_train, 1 - y_test  # malignant is the positive class",
    "%load_ext nbalign",
    SCREENING.format(target=0.92),
    "%nbalign agree --as 'Head of Radiology'",
    SCREENING_MODELS,
    "%nbalign ship",
    "%nbalign realized 5.4% --on 2027-01-31",
    "%nbalign realized 10.5% --on 2027-03-31",
]


def test_the_model_shipped_and_the_kpi_realized_show_under_the_story(driver, lab):
    path = lab.write_notebook("decision/screening.ipynb", DECISION_NOTEBOOK)
    driver.open_notebook(path)
    sidebar = driver.sidebar()
    driver.run_all()

    expect(sidebar.get_by_test_id("nbalign-realized"), "two KPIs realized").to_have_count(2, timeout=KERNEL_TIMEOUT)
    decision = sidebar.get_by_test_id("nbalign-decision")
    expect(decision).to_have_count(1)
    expect(sidebar.get_by_test_id("nbalign-shipped-head")).to_have_text(
        re.compile(r"^Shipped logistic \u00b7 v1 \u00b7 .*\d{4}.* by \S+$")
    )
    expect(sidebar.get_by_test_id("nbalign-shipped-projection")).to_have_text(
        re.compile(r"^12% \u2192 \d+(\.\d)?% projected with logistic \(95% CI .+\); target 8%$")
    )
    realized = sidebar.get_by_test_id("nbalign-realized-line")
    expect(realized).to_have_text([re.compile(r"^Realized 5\.4% on .*2027"), re.compile(r"^Realized 10\.5% on .*2027")])
    # The first as projected: no check. The second outside the projection and short of the target.
    items = sidebar.get_by_test_id("nbalign-realized")
    expect(items.nth(0).get_by_test_id("nbalign-realized-finding")).to_have_count(0)
    findings = items.nth(1).get_by_test_id("nbalign-realized-finding")
    expect(findings).to_have_count(2)
    outside = findings.nth(0)
    expect(outside).to_have_attribute("data-level", "warning")
    expect(outside).to_contain_text("NBA401")
    expect(outside).to_contain_text("Realized KPI outside the projection")
    expect(outside).to_contain_text("measured 10.5% on 2027-03-31, worse than")
    why = outside.get_by_test_id("nbalign-banner-why")
    expect(why.locator(".jp-nbalign-why-text")).to_be_hidden()
    why.locator("summary").click()
    expect(why).to_contain_text("lies outside what was projected")
    expect(findings.nth(1)).to_contain_text("Realized KPI short of its target")
    for quiet in ("nbalign-shipped-not-recommended", "nbalign-shipped-earlier", "nbalign-agreement-changed"):
        expect(sidebar.get_by_test_id(quiet), f"nothing says {quiet}").to_have_count(0)
    # under the story, inside the summary, above the progress
    story, shown, progress = (
        sidebar.get_by_test_id(t).bounding_box() for t in ("nbalign-story", "nbalign-decision", "nbalign-progress")
    )
    assert story and shown and progress and story["y"] < shown["y"] < progress["y"], (story, shown, progress)
    why.locator("summary").click()  # folded again for the picture
    driver.screenshot("sidebar-decision")

    # The objective changes after it was agreed and after the ship: the sidebar says both.
    driver.append_and_run(SCREENING.format(target=0.95) + "\nwhy: the board asked for more")
    expect(sidebar.get_by_test_id("nbalign-agreement-changed")).to_have_text(
        "The objective changed after it was agreed (Head of Radiology, v1)", timeout=KERNEL_TIMEOUT
    )
    expect(sidebar.get_by_test_id("nbalign-shipped-earlier")).to_have_text(
        "shipped under an earlier version of the objective"
    )
    expect(sidebar.get_by_test_id("nbalign-realized"), "what was realized stays").to_have_count(2)
    driver.screenshot("sidebar-decision-changed")
    driver.set_theme("JupyterLab Dark")
    expect(driver.page.locator("#jupyterlab-splash"), "the theme's splash is gone").to_have_count(0)
    driver.screenshot("sidebar-decision-dark")
    driver.set_theme("JupyterLab Light")
    expect(driver.page.locator("#jupyterlab-splash")).to_have_count(0)
