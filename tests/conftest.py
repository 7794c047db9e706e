"""Shared fixtures: a real IPython shell with nbalign loaded, a private store per test."""

from __future__ import annotations

import os

import pytest

# nbalign's own failures (autolog, the hooks) raise in its tests, and in the kernels they start,
# instead of being one warning: a bug fails the suite. Tests of that warning unset it.
os.environ["NBALIGN_STRICT"] = "1"


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    """Every test gets its own store and working folder, so no test sees another's history.

    The kernel knows its notebook, as under jupyter-server (tests of other contexts unset it).
    """
    monkeypatch.setenv("NBALIGN_STORE", str(tmp_path / "store" / "nbalign.db"))
    monkeypatch.setenv("JPY_SESSION_NAME", "notebook.ipynb")
    monkeypatch.chdir(tmp_path)
    yield tmp_path / "store" / "nbalign.db"


@pytest.fixture(autouse=True)
def kernels_are_marked(request, monkeypatch):
    """A test that starts a kernel carries the ``kernel`` marker (``-m "not kernel"`` is the quick
    run): starting one from a test without it fails that test, saying so."""
    if request.node.get_closest_marker("kernel") or request.node.get_closest_marker("browser"):
        return
    from jupyter_client.manager import AsyncKernelManager, KernelManager

    def refused(*args, **kwargs):
        raise AssertionError(f"{request.node.nodeid} starts a kernel: mark it `@pytest.mark.kernel`")

    for manager in (KernelManager, AsyncKernelManager):  # nbclient's is the asynchronous one
        monkeypatch.setattr(manager, "start_kernel", refused)


@pytest.fixture
def shell():
    """A real InteractiveShell; nbalign unloaded and global state reset afterwards."""
    from IPython.core.interactiveshell import InteractiveShell

    import nbalign.extension
    import nbalign.session

    ip = InteractiveShell.instance()
    yield ip
    if nbalign.extension._loaded is not None:
        nbalign.extension.unload_ipython_extension(ip)
    nbalign.session.set_active_session(None)
    ip.user_ns.clear()
    ip.user_ns.update(ip.user_ns_hidden)
    InteractiveShell.clear_instance()


@pytest.fixture(scope="session")
def cancer():
    """scikit-learn's bundled breast cancer data, split; and three fitted models of rising complexity."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    models = {
        "stump": DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train, y_train),
        "logreg": make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train),
        "forest": RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train),
    }
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test, **models}


@pytest.fixture
def loaded(shell, cancer):
    """A shell with the data and models defined and nbalign loaded."""
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    return shell


@pytest.fixture
def objective_text():
    """A complete objective for the breast cancer data (baseline 0.90, target 0.995)."""
    return OBJECTIVE


OBJECTIVE = """\
outcome: Fewer missed malignant tumours at screening
kpi:
  name: missed malignant cases per 1000 screenings
  current: 12
  target: 6
  deadline: 2099-06-30
  owner: Head of Radiology
metric: auc
target: 0.995
baseline: 0.90
data:
  test: X_test, y_test
stop:
  min_gain: 0.01
  patience: 2
"""


@pytest.fixture(scope="module")
def as_ana():
    """Who records the decisions of the decision-record tests (``nbalign.decision.who``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NBALIGN_USER", "ana")
        yield "ana"


@pytest.fixture(scope="module")
def screening_record(tmp_path_factory, as_ana):
    """A decision record made as a notebook makes it (tests/decision_records.py): declared, changed,
    agreed to, three models and one set apart, the recommended one shipped and saved, the KPI measured."""
    from decision_records import screening

    return screening(tmp_path_factory.mktemp("screening"))
