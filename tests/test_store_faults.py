"""The store under faults, with real files and real processes: deleted, locked, read-only, the
kernel ending with results unwritten, a path that is not a store. Nothing reported is lost, no
cell stalls, every fault is one message."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import nbalign
from nbalign.evaluation import Evaluation
from nbalign.objective import parse_objective
from nbalign.session import Session
from nbalign.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]


def objective(name="churn", target=0.9):
    return parse_objective(f"outcome: keep customers\nmetric: auc\ntarget: {target}\nbaseline: 0.7", name=name)


def evaluation(name="lr", score=0.8, version=1):
    return Evaluation("churn", version, name, "sklearn.X", {"C": 1.0}, "auc", score, n_rows=100,
                      data_fingerprint="abc", model_id=name, created_at="2026-11-28T10:00:00+00:00")


def session(path, notebook="churn.ipynb") -> tuple[Session, list[str]]:
    warnings: list[str] = []
    s = Session(path, notebook=notebook)
    s.warn = warnings.append
    return s, warnings


def run(shell, code):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, captured


# --------------------------------------------------------------------------- 4. deleted


def test_a_store_deleted_while_in_use_is_written_anew_with_everything_known(tmp_path):
    path = tmp_path / ".nbalign" / "nbalign.db"
    s, warnings = session(path)
    s.set_objective(objective())
    s.set_objective(objective(target=0.95))  # version 2
    s.record(evaluation("lr", 0.80, version=2))
    s.record(evaluation("rf", 0.85, version=2))
    shutil.rmtree(path.parent)  # what `rm -r .nbalign` does under the running kernel

    s.record(evaluation("gb", 0.86, version=2))
    assert len(warnings) == 1 and "was deleted while this kernel was using it" in warnings[0]
    assert "2 evaluation(s)" in warnings[0]
    again, _ = session(path)
    again.restore()
    assert again.objective is not None and again.objective.version == 2 and again.objective.target == 0.95
    assert [e.name for e in again.records] == ["lr", "rf", "gb"]
    s.record(evaluation("xgb", 0.87, version=2))
    assert len(warnings) == 1  # told once


def test_the_hook_after_each_cell_notices_the_deleted_store(shell, cancer, tmp_path, monkeypatch):
    store = tmp_path / "nb" / ".nbalign" / "nbalign.db"
    monkeypatch.setenv("NBALIGN_STORE", str(store))
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    run(shell, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\ndata:\n  test: X_test, y_test")
    run(shell, "%evaluate logreg")
    _, captured = run(shell, f"import shutil; shutil.rmtree({str(store.parent)!r})")
    assert "was deleted while this kernel was using it" in captured.stderr
    assert [e.name for e in Store(store).evaluations("cancer")] == ["logreg"]


# --------------------------------------------------------------------------- 5. unload and exit


def test_unload_keeps_unwritten_results_in_a_file_and_the_next_load_adds_them(shell, cancer, tmp_path, monkeypatch):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the store's folder should be")
    store = blocker / "nbalign.db"
    monkeypatch.setenv("NBALIGN_STORE", str(store))
    monkeypatch.setenv("JPY_SESSION_NAME", "cancer.ipynb")
    monkeypatch.chdir(tmp_path)
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    _, declared = run(shell, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\n"
                             "data:\n  test: X_test, y_test")
    assert declared.stderr.count("kept in memory") == 1
    result, captured = run(shell, "%evaluate logreg")
    assert result.success and captured.stderr == ""  # told once

    _, captured = run(shell, "%unload_ext nbalign")
    (kept,) = tmp_path.glob("nbalign-unsaved-*.json")
    assert f"kept in {kept}" in captured.stderr
    body = json.loads(kept.read_text())
    assert [e["name"] for e in body["evaluations"]] == ["logreg"] and body["objectives"][0]["name"] == "cancer"

    blocker.unlink()  # the disk accepts writes again
    _, captured = run(shell, "%load_ext nbalign")
    assert f"added 1 evaluation(s) kept in {kept}" in captured.stderr
    assert "Restored objective 'cancer' (version 1): 1 evaluation" in captured.outputs[0].data["text/plain"]
    assert not kept.exists() and kept.with_suffix(".recovered").exists()
    assert [e.name for e in Store(store).evaluations("cancer")] == ["logreg"]


KERNEL_SETUP = """\
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
lr = LogisticRegression(max_iter=5000).fit(X_train, y_train)
%load_ext nbalign
"""


@pytest.mark.kernel
def test_a_kernel_ending_with_unwritten_results_keeps_them(tmp_path):
    from jupyter_client.manager import start_new_kernel
    from test_kernel import execute

    blocker = tmp_path / "blocked"
    blocker.write_text("not a folder")
    env = {**os.environ, "NBALIGN_STORE": str(blocker / "nbalign.db"), "JPY_SESSION_NAME": "cancer.ipynb"}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    try:
        execute(client, KERNEL_SETUP)
        execute(client, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\ndata:\n  test: X_test, y_test")
        execute(client, "%evaluate lr")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)  # a graceful shutdown, as JupyterLab's
    (kept,) = tmp_path.glob("nbalign-unsaved-*.json")
    assert [e["name"] for e in json.loads(kept.read_text())["evaluations"]] == ["lr"]

    blocker.unlink()
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    try:
        messages = execute(client, KERNEL_SETUP)
        text = "\n".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")
        assert "added 1 evaluation(s) kept in" in text
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert [e.name for e in Store(blocker / "nbalign.db").evaluations("cancer")] == ["lr"]


# --------------------------------------------------------------------------- 7. locked


LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


def test_a_locked_store_keeps_the_result_and_never_stalls_the_cells(shell, cancer, tmp_path, monkeypatch):
    store = tmp_path / ".nbalign" / "nbalign.db"
    monkeypatch.setenv("NBALIGN_STORE", str(store))
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    run(shell, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\ndata:\n  test: X_test, y_test")
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(store)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        result, captured = run(shell, "%evaluate logreg")
        assert result.success and result.result.row.name == "logreg"
        assert "Traceback" not in captured.stdout + captured.stderr
        assert "kept in memory" in captured.stderr and "without waiting" in captured.stderr
        assert nbalign.active_session().pending == 1
        # The retry after each cell does not wait for the lock: the setting it uses is 0.
        seen = []
        original = nbalign.active_session().store.set_busy_timeout
        monkeypatch.setattr(nbalign.active_session().store, "set_busy_timeout",
                            lambda seconds: (seen.append(seconds), original(seconds)))
        result, captured = run(shell, "x = 1")
        assert result.success and captured.stderr == "" and seen[0] == 0
        assert nbalign.active_session().pending == 1
    finally:
        locker.communicate("release\n", timeout=30)
    _, captured = run(shell, "y = 2")
    assert nbalign.active_session().pending == 0 and "accepts writes again" in captured.stderr
    assert [e.name for e in Store(store).evaluations("cancer")] == ["logreg"]


def test_a_locked_store_costs_an_evaluation_one_wait_at_most_and_loses_nothing(shell, cancer, tmp_path, monkeypatch):
    """Another program holds the store's write lock (BEGIN EXCLUSIVE). The README promises a
    write waits at most a second for it: each evaluation's write attempts together are allowed
    one such wait (the first that meets the lock), every later attempt does not wait, and the
    results are kept, told once, and written when the lock is released."""
    from nbalign import store as store_module
    from nbalign.session import WRITE_WAIT

    store = tmp_path / ".nbalign" / "nbalign.db"
    monkeypatch.setenv("NBALIGN_STORE", str(store))
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    run(shell, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\ndata:\n  test: X_test, y_test")
    run(shell, "%evaluate stump")  # so paired tests, remembered in the store, run under the lock too
    waits: list[list[int]] = []  # per cell, the busy timeout (ms) each write attempt was made with
    enter = store_module._transaction.__enter__

    def observed(self):
        waits[-1].append(self.connection.execute("PRAGMA busy_timeout").fetchone()[0])
        return enter(self)

    monkeypatch.setattr(store_module._transaction, "__enter__", observed)
    locker = sqlite3.connect(store, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    told = ""
    try:
        for model in ("logreg", "forest"):
            waits.append([])
            result, captured = run(shell, f"%evaluate {model}")
            assert result.success and result.result.row.name == model
            told += captured.stderr
        assert nbalign.active_session().pending == 2
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert all(sum(cell) <= WRITE_WAIT * 1000 for cell in waits), waits  # one wait at most per evaluation
    assert waits[0][0] == WRITE_WAIT * 1000 and sum(waits[1]) == 0, waits  # kept: later writes do not wait
    assert told.count("kept in memory") == 1 and "Traceback" not in told
    _, captured = run(shell, "y = 2")  # the retry after the cell writes what was kept
    assert nbalign.active_session().pending == 0 and captured.stderr.count("accepts writes again") == 1
    assert [e.name for e in Store(store).evaluations("cancer")] == ["stump", "logreg", "forest"]


# --------------------------------------------------------------------------- 8. read-only


def without_override(args: list[str]) -> list[str]:
    """Root ignores file permissions unless it drops the capabilities that override them."""
    if os.geteuid() != 0:
        return args
    if shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is needed to test a read-only store as root")
    return ["setpriv", "--bounding-set=-dac_override,-fowner,-dac_read_search", *args]


READER = textwrap.dedent("""
    import json, sys
    from nbalign.evaluation import Evaluation
    from nbalign.session import Session
    s = Session(sys.argv[1], notebook="churn.ipynb")
    warnings = []
    s.warn = warnings.append
    s.restore()
    before = {"objective": s.objective and [s.objective.name, s.objective.version],
              "rows": [r.name for r in s.standing.rows], "read_only": s.store.read_only}
    from nbalign.objective import parse_objective
    s.set_objective(parse_objective("metric: auc\\ntarget: 0.95\\nbaseline: 0.7", name="churn"))
    s.record(Evaluation("churn", s.objective.version, "rf", "sklearn.X", {}, "auc", 0.85, model_id="rf"))
    before.update(pending=s.pending, kept_version=s.objective.version, warnings=warnings)
    print(json.dumps(before), flush=True)
    sys.stdin.readline()  # the store becomes writable, and someone else declared version 2 meanwhile
    s.flush()
    print(json.dumps({"pending": s.pending, "version": s.objective.version, "warnings": warnings}), flush=True)
""")


def test_a_read_only_store_is_restored_read_only_and_kept_results_keep_their_version():
    folder = Path(tempfile.mkdtemp(prefix="nbalign-ro-"))
    try:
        path = folder / "nbalign.db"
        writer, _ = session(path, notebook="churn.ipynb")
        writer.set_objective(objective())
        writer.record(evaluation("lr", 0.8))
        writer.store.close()
        path.chmod(0o444)  # no one may write the file or its folder
        folder.chmod(0o555)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        reader = subprocess.Popen(without_override([sys.executable, "-c", READER, str(path)]), cwd=folder,
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        first = json.loads(reader.stdout.readline() or reader.stderr.read())
        assert first["objective"] == ["churn", 1] and first["rows"] == ["lr"] and first["read_only"]
        assert any("is read-only" in w for w in first["warnings"])
        assert first["pending"] == 2 and first["kept_version"] == 2

        folder.chmod(0o755)  # writable again: first by another kernel, which declares version 2
        path.chmod(0o644)
        other, _ = session(path, notebook="churn.ipynb")
        other.restore()
        assert other.set_objective(objective(target=0.97)).version == 2  # taken meanwhile
        other.store.close()
        out, err = reader.communicate("go\n", timeout=60)
        assert out.strip(), err
        second = json.loads(out.strip().splitlines()[-1])
        assert second["pending"] == 0 and second["version"] == 3, (second, err)
        check = Store(path)
        assert [(o, v) for o, v in sqlite3.connect(path).execute("SELECT name, version FROM objectives")] == \
            [("churn", 1), ("churn", 2), ("churn", 3)]
        rf = [e for e in check.evaluations("churn") if e.name == "rf"]
        assert [e.objective_version for e in rf] == [3]  # under the version it was kept with
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- 9. not a store


@pytest.mark.parametrize("content", [
    json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode(),
    b"x",
    None,  # a SQLite database of another application
])
def test_a_path_that_is_not_an_nbalign_store_is_refused_and_left_alone(loaded, tmp_path, content):
    target = tmp_path / "analysis.ipynb"
    if content is None:
        target = tmp_path / "other.sqlite"
        with sqlite3.connect(target) as other:
            other.execute("CREATE TABLE customers (id INTEGER)")
    else:
        target.write_bytes(content)
    before = target.read_bytes()
    session_before = nbalign.active_session().store.path
    _, captured = run(loaded, f"%config NbalignMagics.store_path = {str(target)!r}")
    assert "not an nbalign store" in captured.stdout and "Traceback" not in captured.stdout
    assert nbalign.active_session().store.path == session_before
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "corrupt" in p.name] == []
    with pytest.raises(StoreError):
        Store(target).latest_objective()


def test_memory_means_an_in_memory_store(shell, cancer, tmp_path, monkeypatch):
    monkeypatch.setenv("NBALIGN_STORE", ":memory:")
    monkeypatch.chdir(tmp_path)
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    run(shell, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\ndata:\n  test: X_test, y_test")
    result, _ = run(shell, "%evaluate logreg")
    assert result.success and nbalign.active_session().store.in_memory
    assert [r.name for r in nbalign.active_session().standing.rows] == ["logreg"]
    assert list(tmp_path.iterdir()) == []  # nothing written to disk
