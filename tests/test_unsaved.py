"""Files of unsaved records are read only when the user wrote them, each once, and a bad one
never spoils the load: planted files, other users' files, FIFOs, malformed and unrenamable files,
with a real shell running ``%load_ext nbalign``."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import pytest

import nbalign
from nbalign import unsaved
from nbalign.evaluation import Evaluation
from nbalign.objective import parse_objective
from nbalign.session import Session
from nbalign.store import Store

NOBODY = 65534  # another user (the tests run as root, who may give files away)


@pytest.fixture(autouse=True)
def private_folders(tmp_path, monkeypatch):
    """Jupyter's data folder and the temporary folder inside the test's own, so no test reads or
    leaves files in the real ones."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    temp = tmp_path / "tmp"
    temp.mkdir(mode=0o1777)
    temp.chmod(0o1777)  # like /tmp: everyone may write, the sticky bit guards each one's files
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


@pytest.fixture
def declared(private_store):
    """The notebook's own objective (target 0.95) and one evaluation, in the store."""
    session = Session(private_store, notebook="notebook.ipynb")
    session.set_objective(parse_objective("outcome: keep customers\nmetric: auc\ntarget: 0.95\nbaseline: 0.7",
                                          name="churn"))
    session.record(evaluation("lr", 0.80))
    session.close()
    return private_store


def evaluation(name, score, version=1):
    return Evaluation("churn", version, name, "sklearn.X", {"C": 1.0}, "auc", score, n_rows=100,
                      data_fingerprint="abc", model_id=name, created_at="2026-11-28T10:00:00+00:00")


def planted_body(store: Path) -> dict:
    """What an attacker writes: the objective's target rewritten, and a 'best' model added."""
    objective = parse_objective("outcome: keep customers\nmetric: auc\ntarget: 0.75\nbaseline: 0.7", name="churn")
    objective = objective.with_version(2, "2026-11-28T10:00:00+00:00")
    return {"format": unsaved.FORMAT, "store": str(store), "saved_at": "2026-11-28T10:00:00+00:00",
            "objectives": [{**objective.to_dict(), "notebook": "notebook.ipynb"}],
            "evaluations": [evaluation("planted best", 0.999, version=2).to_dict()]}


def plant(folder: Path, body, name="nbalign-unsaved-20261128-100000-000000.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    return path


def load(shell):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        shell.run_line_magic("load_ext", "nbalign")
    return captured


def assert_untouched(store: Path):
    """The notebook's objective restored as declared, and nothing planted in the store."""
    session = nbalign.active_session()
    assert session.objective is not None and session.objective.target == 0.95 and session.objective.version == 1
    assert [e.name for e in Store(store).evaluations("churn")] == ["lr"]
    assert Store(store).latest_objective("churn").version == 1


# --------------------------------------------------------------------------- planted files


@pytest.mark.parametrize("where", ["store folder writable by all", "store folder writable by its group",
                                   "temporary folder made by another user"])
def test_a_file_in_a_folder_others_can_write_is_ignored(shell, declared, private_folders, where):
    if where == "temporary folder made by another user":
        folder = private_folders / "nbalign-unsaved"  # where an earlier nbalign kept them
        folder.mkdir()
        os.chown(folder, NOBODY, NOBODY)
    else:
        folder = declared.parent
        folder.chmod(0o777 if where == "store folder writable by all" else 0o775)
    planted = plant(folder, planted_body(declared))

    captured = load(shell)
    assert_untouched(declared)
    assert "Restored objective 'churn' (version 1): 1 evaluation" in captured.outputs[0].data["text/plain"]
    assert "added" not in captured.stderr and planted.exists()  # not read, and left where it is


def test_a_file_another_user_owns_is_ignored(shell, declared, tmp_path):
    planted = plant(tmp_path, planted_body(declared))  # the working folder, private to this user
    os.chown(planted, NOBODY, NOBODY)
    captured = load(shell)
    assert_untouched(declared)
    assert "added" not in captured.stderr and planted.exists()


def test_a_link_to_a_file_is_not_followed(shell, declared, tmp_path):
    target = plant(tmp_path / "elsewhere", planted_body(declared))
    (tmp_path / "nbalign-unsaved-20261128-100000-000000.json").symlink_to(target)
    load(shell)
    assert_untouched(declared)


def test_a_fifo_does_not_stall_the_load(shell, declared, tmp_path):
    fifo = tmp_path / "nbalign-unsaved-20261128-100000-000000.json"
    os.mkfifo(fifo)
    unblocked = threading.Event()

    def unblock():
        """The guard: if the load is stuck opening the FIFO, open its other end so the test ends."""
        if done.wait(10):
            return
        try:
            other_end = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # nobody is reading it: the load is slow, not stuck on the FIFO
            return
        unblocked.set()
        os.write(other_end, b"{}")
        os.close(other_end)

    done = threading.Event()
    guard = threading.Thread(target=unblock, daemon=True)
    guard.start()
    try:
        captured = load(shell)
    finally:
        done.set()
        guard.join()
    assert not unblocked.is_set(), "%load_ext blocked on a FIFO"
    assert_untouched(declared)
    assert "Restored objective 'churn'" in captured.outputs[0].data["text/plain"]
    assert fifo.exists()  # not ours to move


# --------------------------------------------------------------------------- malformed files


def malformed_bodies(store: Path) -> dict[str, str]:
    good = {"format": unsaved.FORMAT, "store": str(store), "objectives": [], "evaluations": []}
    objective = parse_objective("metric: auc\ntarget: 0.9", name="churn").with_version(1, "2026-11-28").to_dict()
    return {
        "not JSON": '{"format": 1, "store": ',
        "not an object": "[1, 2]",
        "objectives not a list": json.dumps({**good, "objectives": {"churn": 1}}),
        "an evaluation not an object": json.dumps({**good, "evaluations": ["lr"]}),
        "an objective from_dict cannot read": json.dumps({**good, "objectives": [{**objective, "metric": 5}]}),
        "an evaluation missing fields": json.dumps({**good, "evaluations": [{"name": "lr"}]}),
        "a score that is not a number": json.dumps({**good, "evaluations": [{**evaluation("x", 0.9).to_dict(),
                                                                               "score": "high"}]}),
        "a score of NaN": json.dumps({**good, "evaluations": [evaluation("x", 0.9).to_dict()]}).replace("0.9", "NaN"),
    }


@pytest.mark.parametrize("kind", list(malformed_bodies(Path("x"))))
def test_a_malformed_file_is_set_aside_with_one_line_and_the_load_goes_on(shell, declared, tmp_path, kind):
    bad = plant(tmp_path, malformed_bodies(declared)[kind])
    good = unsaved.save(declared, [evaluation("rf", 0.85)])  # a later file, of a real earlier session

    captured = load(shell)
    session = nbalign.active_session()
    assert session.objective is not None and session.objective.target == 0.95  # the notebook's own, restored
    assert "Restored objective 'churn'" in captured.outputs[0].data["text/plain"]
    lines = [line for line in captured.stderr.splitlines() if str(bad) in line]
    assert len(lines) == 1 and "set aside" in lines[0], captured.stderr
    assert not bad.exists() and bad.with_suffix(".malformed").exists()
    assert [e.name for e in Store(declared).evaluations("churn")] == ["lr", "rf"]  # the good file still added
    assert not good.exists()


# --------------------------------------------------------------------------- each file once


def test_a_file_that_cannot_be_renamed_is_added_once(shell, declared, monkeypatch):
    """Renaming a recovered file can fail (a folder that became read-only); the store remembers
    the files it added, so the next load does not add it again: no second objective version, and
    the evaluation updated since is not put back to the file's older score."""
    declared_meanwhile = parse_objective("outcome: keep customers\nmetric: auc\ntarget: 0.97\nbaseline: 0.7",
                                         name="churn").with_version(2, "2026-11-28T10:00:00+00:00")
    kept = unsaved.save(declared, [replace(declared_meanwhile, notebook="notebook.ipynb"), evaluation("rf", 0.85, 2)])
    rename = os.replace

    def refuse_to_rename(source, target, *args, **kwargs):
        if Path(source).name == kept.name:
            raise PermissionError(13, "Permission denied", str(source))
        return rename(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse_to_rename)
    first = load(shell)
    assert f"added 1 evaluation(s) kept in {kept}" in first.stderr and kept.exists()
    assert nbalign.active_session().objective.version == 2
    nbalign.active_session().record(evaluation("rf", 0.90, 2))  # the user evaluates it again
    shell.run_line_magic("unload_ext", "nbalign")

    again = load(shell)
    assert "added" not in again.stderr and kept.exists()
    with sqlite3.connect(declared) as raw:
        assert [v for (v,) in raw.execute("SELECT version FROM objectives ORDER BY version")] == [1, 2]  # no third
    assert [(e.name, e.score) for e in Store(declared).evaluations("churn")] == [("lr", 0.80), ("rf", 0.90)]


def test_the_same_records_in_two_files_are_added_once(declared):
    kept = unsaved.save(declared, [evaluation("rf", 0.85)])
    copy = kept.with_name("nbalign-unsaved-copy.json")
    copy.write_bytes(kept.read_bytes())  # the same records twice: added once
    session = Session(declared, notebook="notebook.ipynb")
    warnings = []
    session.warn = warnings.append
    session.restore()
    assert sum("added 1 evaluation(s)" in w for w in warnings) == 1
    assert not kept.exists() and not copy.exists() and copy.with_suffix(".recovered").exists()
    assert [e.name for e in Store(declared).evaluations("churn")] == ["lr", "rf"]


# --------------------------------------------------------------------------- where files are written


def test_files_are_written_only_where_no_one_else_can_write(declared, tmp_path, private_folders):
    declared.parent.chmod(0o777)  # the store's folder: shared
    tmp_path.chmod(0o775)  # the working folder: the group may write
    shared = tmp_path / "jupyter" / "nbalign" / "unsaved"  # Jupyter's data folder: made shared
    shared.mkdir(parents=True)
    shared.chmod(0o777)
    kept = unsaved.save(declared, [evaluation("rf", 0.85)])
    folder = private_folders / f"nbalign-unsaved-{os.getuid()}"
    assert kept is not None and kept.parent == folder
    assert folder.stat().st_mode & 0o777 == 0o700 and kept.stat().st_mode & 0o777 == 0o600
    found = unsaved.find(declared)
    assert [k.path for k in found] == [kept] and [e.name for e in found[0].evaluations] == ["rf"]


def test_a_temporary_folder_taken_by_another_user_is_not_used(declared, tmp_path, private_folders):
    for folder in (declared.parent, tmp_path, tmp_path / "jupyter" / "nbalign" / "unsaved"):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o777)
    taken = private_folders / f"nbalign-unsaved-{os.getuid()}"
    taken.mkdir(mode=0o700)
    os.chown(taken, NOBODY, NOBODY)
    assert unsaved.save(declared, [evaluation("rf", 0.85)]) is None
    assert list(taken.iterdir()) == []
