"""A real JupyterLab server (and a Jupyter Notebook 7 one) and a headless Chromium for the sidebar tests.

The server runs this source tree: the kernel imports ``nbalign`` from the repository (PYTHONPATH)
and the server loads the built labextension from ``nbalign/labextension`` (JUPYTER_PATH), so the
tests exercise the working copy whether or not it is pip-installed. Configuration, runtime and
workspace folders are private to the session; each test writes its notebooks into its own
subfolder of the server root, so each kernel keeps its ``.nbalign/`` store apart.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from labdriver import REPO, UI_TIMEOUT
from playwright.sync_api import expect

ARTIFACTS = REPO / "test-artifacts"
BUILT_EXTENSION = REPO / "nbalign" / "labextension"

# Flags that work as root, offline, in a container (see /work/shared/JUPYTERLAB.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Assertions wait this long unless they say otherwise: a kernel answering on a busy 2-core machine.
expect.set_options(timeout=UI_TIMEOUT)

SERVER_START_TIMEOUT = 90  # seconds; a cold start with a fresh build cache is slow on 2 cores


def find_chromium() -> str | None:
    """NBALIGN_CHROMIUM, else Debian's /usr/bin/chromium, else chromium on PATH."""
    for candidate in (os.environ.get("NBALIGN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        reason = (
            "Chromium not found: set NBALIGN_CHROMIUM to its executable, or install Debian's "
            "(apt-get install -y chromium); Playwright cannot download browsers here."
        )
        _skip_unless_ci(reason)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    """pytest-playwright's launch arguments, pointed at the system Chromium."""
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-console.log").write_text("", encoding="utf-8")  # this session's only
    return ARTIFACTS


@dataclass
class Lab:
    """A running JupyterLab (or Notebook 7): its base URL and the folder it serves."""

    url: str
    root: Path
    process: subprocess.Popen

    def write_notebook(self, relative_path: str, cells: list[str], metadata: dict | None = None) -> str:
        """Write a notebook of code cells (``# md`` first line: markdown) under the root."""
        path = self.root / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        notebook = {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
                "language_info": {"name": "python"},
                **(metadata or {}),
            },
            "cells": [_cell(i, source) for i, source in enumerate(cells)],
        }
        path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        return relative_path

    def read_notebook(self, relative_path: str) -> dict:
        return json.loads((self.root / relative_path).read_text(encoding="utf-8"))


def _cell(index: int, source: str) -> dict:
    if source.startswith("# md\n"):
        return {"cell_type": "markdown", "id": f"cell-{index}", "metadata": {}, "source": source[5:]}
    return {
        "cell_type": "code",
        "id": f"cell-{index}",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": source,
    }


@pytest.fixture(scope="session")
def lab(tmp_path_factory, artifacts, chromium_path) -> Lab:
    """Start ``python -m jupyterlab`` on a free port; stop exactly that process at the end."""
    yield from _serve(tmp_path_factory, artifacts, "jupyterlab", "LabApp", "jupyter-lab.log")


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory, artifacts, chromium_path) -> Lab:
    """Start Jupyter Notebook 7 (``python -m notebook``) the same way; it loads the same labextension."""
    try:
        version = importlib.metadata.version("notebook")
    except importlib.metadata.PackageNotFoundError:
        version = None
    if version is None or int(version.split(".")[0]) < 7:
        _skip_unless_ci(
            f"Jupyter Notebook 7 is not installed (found {version}): pip install 'notebook>=7.2,<8' "
            "(it is in the test extra)."
        )
    yield from _serve(tmp_path_factory, artifacts, "notebook", "JupyterNotebookApp", "jupyter-notebook7.log")


def _skip_unless_ci(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason} Browser tests never skip under CI.", pytrace=False)
    pytest.skip(reason)


def _serve(tmp_path_factory, artifacts: Path, module: str, app_class: str, log_name: str):
    """Run ``python -m <module>`` (JupyterLab or Notebook 7) on this source tree, in private folders.

    A generator for the session fixtures: yields a :class:`Lab` once the server answers, then
    stops exactly the process it started.
    """
    if not (BUILT_EXTENSION / "package.json").is_file():
        pytest.fail(
            f"The labextension is not built ({BUILT_EXTENSION} is missing): run "
            "`pip install -e .` or `cd labextension && jlpm install && jlpm build`.",
            pytrace=False,
        )
    root = tmp_path_factory.mktemp(f"{module}-root")
    private = tmp_path_factory.mktemp(f"{module}-private")
    # The server finds labextensions in JUPYTER_PATH/labextensions before the installed ones.
    data_path = private / "data"
    (data_path / "labextensions").mkdir(parents=True)
    (data_path / "labextensions" / "nbalign").symlink_to(BUILT_EXTENSION, target_is_directory=True)

    # No news toast over the sidebar in screenshots, and no request to the news feed offline.
    settings = private / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )

    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBALIGN_", "JUPYTER", "IPYTHON", "JPY_"))}
    env.update(
        JUPYTER_PATH=str(data_path),
        JUPYTER_CONFIG_DIR=str(private / "config"),
        JUPYTER_DATA_DIR=str(private / "user-data"),
        JUPYTER_RUNTIME_DIR=str(private / "runtime"),
        IPYTHONDIR=str(private / "ipython"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        MPLBACKEND="Agg",
    )
    port = _free_port()
    command = [
        sys.executable, "-m", module, "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}", f"--{app_class}.expose_app_in_browser=True",
        f"--{app_class}.workspaces_dir={private / 'workspaces'}",
        f"--{app_class}.user_settings_dir={private / 'settings'}",
    ]  # fmt: skip
    log_path = artifacts / log_name
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answering(url, process, log_path, f"python -m {module}")
            yield Lab(url=url, root=root, process=process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_answering(url: str, process: subprocess.Popen, log_path: Path, what: str) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{what} exited with code {process.returncode} while starting; see {log_path}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)  # polling a process that is starting, not waiting on the UI
    pytest.fail(f"{what} did not answer at {url} within {SERVER_START_TIMEOUT} s; see {log_path}", pytrace=False)
