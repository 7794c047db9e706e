"""Drive JupyterLab the way a user would see it: open, wait for Idle, run all, read the sidebar.

Every wait is on something visible (a locator, the kernel status) with a generous timeout and a
message that says what was expected; nothing sleeps for a fixed time.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

REPO = Path(__file__).resolve().parents[2]

KERNEL_TIMEOUT = 90_000  # ms: a kernel start on a busy 2-core machine
RUN_TIMEOUT = 180_000  # ms: a notebook that imports scikit-learn and fits models
UI_TIMEOUT = 30_000  # ms: the sidebar after the kernel has answered

PANEL_ID = "nbalign-panel"

# The notebook cell the browser tests start with: scikit-learn's breast cancer data, split 70/30.
CANCER_SPLIT = """\
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)"""


class LabDriver:
    def __init__(self, page: Page, url: str, artifacts: Path):
        self.page = page
        self.url = url
        self.artifacts = artifacts
        self.dialogs: list[str] = []
        # An alert() from injected HTML would land here; tests assert there is none.
        page.on("dialog", self._on_dialog)
        # The browser console (nbalign's warnings included) goes to an artifact for debugging.
        self._console = open(artifacts / "browser-console.log", "a", encoding="utf-8")  # noqa: SIM115 - closed with the page
        page.on("console", lambda message: self._console.write(f"[{message.type}] {message.text}\n"))
        page.on("close", lambda _: self._console.close())
        # JupyterLab sometimes asks for a kernel although the notebook names one (its kernelspecs
        # had not loaded yet when the notebook opened). A user would press Select; so do we.
        self.kernel_dialogs = 0
        select_kernel = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
        page.add_locator_handler(select_kernel, self._accept_kernel_dialog)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        # beforeunload on reload with unsaved changes: leave; anything else: dismiss.
        if dialog.type == "beforeunload":
            dialog.accept()
        else:
            dialog.dismiss()

    def _accept_kernel_dialog(self, dialog: Locator) -> None:
        self.kernel_dialogs += 1
        self._console.write("[driver] accepted a Select Kernel dialog\n")
        dialog.locator(".jp-mod-accept").click()

    # -- notebooks ------------------------------------------------------------------------

    def open_lab(self) -> None:
        """A fresh workspace with no document open, once JupyterLab knows its kernelspecs."""
        self.page.goto(f"{self.url}/lab?reset")
        expect(self.page.locator("#jp-main-dock-panel"), "JupyterLab did not start").to_be_visible(
            timeout=KERNEL_TIMEOUT
        )
        # A notebook opened before the kernelspecs arrive gets no kernel and a Select Kernel
        # dialog (SessionContext.startKernel finds no specs): wait for them first.
        self.page.wait_for_function(
            "() => window.jupyterapp?.serviceManager.kernelspecs.specs?.kernelspecs?.python3 !== undefined",
            timeout=KERNEL_TIMEOUT,
        )

    def open_notebook(self, path: str) -> None:
        """In a fresh workspace, open the notebook (File > Open) and wait for its kernel to be Idle."""
        self.open_lab()
        self.open_another(path)

    def activate_notebook(self, path: str) -> None:
        """Bring an open notebook to the front by clicking its tab, as a user would."""
        name = Path(path).name
        tab = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=name)
        tab.click()
        expect(tab, f"the tab of {name} did not become current").to_have_class(
            _contains("lm-mod-current"), timeout=UI_TIMEOUT
        )
        self.wait_kernel_idle(name)

    def open_another(self, path: str) -> None:
        """Open a second notebook in the same page (File > Open)."""
        self.page.evaluate("path => window.jupyterapp.commands.execute('docmanager:open', {path})", path)
        self.wait_for_notebook(path)

    def wait_for_notebook(self, path: str) -> None:
        name = Path(path).name
        tab = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current", has_text=name)
        expect(tab, f"notebook {name} did not open").to_be_visible(timeout=KERNEL_TIMEOUT)
        self.wait_kernel_idle(name)

    def current_notebook(self) -> Locator:
        return self.page.locator(".jp-NotebookPanel").filter(visible=True)

    def wait_kernel_idle(self, what: str = "the notebook", timeout: int = KERNEL_TIMEOUT) -> None:
        indicator = self.current_notebook().locator(".jp-Notebook-ExecutionIndicator")
        expect(indicator, f"the kernel of {what} did not become Idle").to_have_attribute(
            "data-status", "idle", timeout=timeout
        )

    def run_all(self) -> None:
        """Run every cell (notebook:run-all-cells) and wait until the last one has finished."""
        self._run_command("notebook:run-all-cells", "Run all cells")

    def _run_command(self, command: str, what: str) -> None:
        # The outcome lands in a body attribute so that an auto-waiting assertion waits for it:
        # assertions (unlike wait_for_function) let the locator handlers above answer dialogs.
        self.page.evaluate(
            """(command) => {
                delete document.body.dataset.nbalignRun;
                window.jupyterapp.commands.execute(command).then(
                    ok => { document.body.dataset.nbalignRun = String(ok); },
                    error => { document.body.dataset.nbalignRun = 'error: ' + error; }
                );
            }""",
            command,
        )
        body = self.page.locator("body")
        expect(body, f"{what} did not finish").to_have_attribute(
            "data-nbalign-run", re.compile(".+"), timeout=RUN_TIMEOUT
        )
        outcome = body.get_attribute("data-nbalign-run")
        if outcome != "true":
            self.page.screenshot(path=self.artifacts / "failure-run.png")
            raise AssertionError(f"{what} did not succeed ({outcome}). Errors in the notebook:\n{self.error_outputs()}")
        self.wait_kernel_idle()

    def append_and_run(self, source: str) -> None:
        """Add a code cell at the end with this source, run it, and wait until it is done."""
        self.page.evaluate(
            """(source) => {
                const notebook = window.jupyterapp.shell.currentWidget.content;
                const cells = notebook.model.cells;
                notebook.model.sharedModel.insertCell(cells.length, { cell_type: 'code', source });
                notebook.activeCellIndex = cells.length - 1;
            }""",
            source,
        )
        self._run_command("notebook:run-cell", f"The cell {source!r}")

    def restart_kernel(self) -> None:
        """Kernel > Restart Kernel..., confirmed in the dialog."""
        self.page.evaluate("() => { window.jupyterapp.commands.execute('kernelmenu:restart'); }")
        accept = self.page.locator(".jp-Dialog .jp-mod-accept")
        expect(accept, "the restart dialog did not appear").to_be_visible(timeout=UI_TIMEOUT)
        accept.click()

    def save(self) -> None:
        self.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        expect(
            self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current.jp-mod-dirty"),
            "the notebook stayed unsaved",
        ).to_have_count(0, timeout=UI_TIMEOUT)

    def reload(self, path: str) -> None:
        """Load the page again without ?reset: the saved workspace and this notebook reopen."""
        self.page.goto(f"{self.url}/lab/tree/{path}")
        self.wait_for_notebook(path)

    def set_theme(self, theme: str) -> None:
        self.page.evaluate("theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
        light = "true" if "Light" in theme else "false"
        expect(self.page.locator("body"), f"theme {theme} not applied").to_have_attribute(
            "data-jp-theme-light", light
        )

    def error_outputs(self) -> str:
        errors = self.page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).all_inner_texts()
        return "\n---\n".join(errors) or "(no error output)"

    # -- the sidebar ----------------------------------------------------------------------

    def sidebar(self) -> Locator:
        """The nbalign panel, opened from its tab in the right sidebar if it is not open."""
        panel = self.page.locator(f"#{PANEL_ID}")
        tab = self.page.locator(f".jp-SideBar .lm-TabBar-tab[data-id='{PANEL_ID}']")
        expect(tab, "the nbalign tab is missing from the right sidebar (extension not loaded?)").to_be_visible(
            timeout=UI_TIMEOUT
        )
        if not panel.is_visible():
            tab.click()
        expect(panel, "the nbalign panel did not open").to_be_visible(timeout=UI_TIMEOUT)
        return panel

    def screenshot(self, name: str) -> None:
        """The sidebar alone as <name>.png and the whole window as <name>-window.png."""
        self.page.locator(f"#{PANEL_ID}").screenshot(path=self.artifacts / f"{name}.png")
        self.page.screenshot(path=self.artifacts / f"{name}-window.png")


def _contains(css_class: str):
    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


class Notebook7Driver(LabDriver):
    """Jupyter Notebook 7: one notebook per page, the nbalign panel in the page's right side panel.

    Notebook 7 has no side tab bar: a user opens a right-panel widget from View > Right Sidebar >
    Show <caption> (command ``application:toggle-panel``); JupyterLab's
    ``application:toggle-right-area`` does not exist there.
    """

    def open_notebook(self, path: str) -> None:
        """The notebook's own page, /notebooks/<path>, once its kernel is Idle."""
        self.page.goto(f"{self.url}/notebooks/{path}")
        notebook = self.page.locator(".jp-NotebookPanel")
        expect(notebook, f"Notebook 7 did not open {path}").to_be_visible(timeout=KERNEL_TIMEOUT)
        self.wait_kernel_idle(Path(path).name)

    def sidebar(self) -> Locator:
        """The nbalign panel, opened from View > Right Sidebar > Show nbalign if it is not open."""
        panel = self.page.locator(f"#jp-right-stack #{PANEL_ID}")
        if not panel.is_visible():
            self.page.locator(".lm-MenuBar").get_by_role("menuitem", name="View", exact=True).click()
            self.page.locator(".lm-Menu-item", has_text="Right Sidebar").click()
            show = self.page.locator(".lm-Menu-item", has_text="Show nbalign")
            expect(show, "View > Right Sidebar has no 'Show nbalign' (extension not loaded?)").to_be_visible(
                timeout=UI_TIMEOUT
            )
            show.click()
        expect(panel, "the nbalign panel did not open in the right side panel").to_be_visible(timeout=UI_TIMEOUT)
        return panel
