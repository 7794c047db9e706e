"""The store keeps everything: round trips, versions, restore, concurrent writers, refused writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nbalign.errors import NbalignError, NoObjectiveError
from nbalign.evaluation import Evaluation
from nbalign.objective import parse_objective
from nbalign.session import Session
from nbalign.store import SCHEMA_VERSION, Store, StoreError, schema_version

DATA = Path(__file__).resolve().parent / "data"


def objective(name="churn", target=0.9):
    return parse_objective(f"outcome: keep customers\nmetric: auc\ntarget: {target}\nbaseline: 0.7", name=name)


def evaluation(name="lr", score=0.8, objective_name="churn", version=1, fingerprint="abc"):
    return Evaluation(objective_name, version, name, "sklearn.X", {"C": 1.0}, "auc", score,
                      predict_seconds=0.01, n_rows=100, data_fingerprint=fingerprint,
                      created_at="2026-11-28T10:00:00+00:00")


def test_nothing_is_created_until_the_first_write(tmp_path):
    store = Store(tmp_path / "deep" / "nbalign.db")
    assert store.latest_objective() is None and store.evaluations("churn") == []
    assert not (tmp_path / "deep").exists()
    store.save_objective(objective())
    assert (tmp_path / "deep" / "nbalign.db").exists()


def test_wal_and_schema_version(tmp_path):
    store = Store(tmp_path / "nbalign.db")
    store.save_objective(objective())
    raw = sqlite3.connect(tmp_path / "nbalign.db")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)


def test_objectives_are_versioned_and_round_trip(tmp_path):
    store = Store(tmp_path / "nbalign.db")
    first = store.save_objective(objective(target=0.9))
    second = store.save_objective(objective(target=0.95))
    assert (first.version, second.version) == (1, 2)
    again = Store(tmp_path / "nbalign.db").latest_objective()
    assert again == second and again.target == 0.95


def test_each_notebook_finds_its_own_objective(tmp_path):
    from dataclasses import replace

    store = Store(tmp_path / "nbalign.db")
    store.save_objective(replace(objective("a"), notebook="a.ipynb"))
    store.save_objective(replace(objective("b"), notebook="b.ipynb"))
    store.save_objective(replace(objective("a", target=0.95), notebook="a.ipynb"))
    assert (store.notebook_objective("a.ipynb").name, store.notebook_objective("a.ipynb").version) == ("a", 2)
    assert store.notebook_objective("b.ipynb").name == "b"
    assert store.notebook_objective("other.ipynb") is None
    assert store.latest_objective().name == "a" and store.latest_objective("b").name == "b"


@pytest.mark.parametrize("notebook", [None, "renamed.ipynb"])
def test_another_notebooks_objective_is_found_but_never_adopted_silently(tmp_path, notebook):
    """Issue 6, item 6: without a known notebook (plain IPython, nbclient, papermill) or after a
    rename, the folder's last objective was restored and the next evaluation logged into it."""
    path = tmp_path / "nbalign.db"
    first = Session(path, notebook="churn.ipynb")
    first.set_objective(objective())
    first.record(evaluation("lr", 0.8))
    first.store.close()

    other = Session(path, notebook=notebook)
    assert other.restore() is None and other.found.name == "churn"
    text = other.describe()
    assert "holds the objective 'churn' (version 1, declared in churn.ipynb)" in text
    assert "nothing is logged into it" in text and "`%nbalign adopt churn`" in text
    with pytest.raises(NoObjectiveError, match="adopt churn"):
        other.record(evaluation("rf", 0.9))
    assert [e.name for e in Store(path).evaluations("churn")] == ["lr"]

    adopted = other.adopt("churn")
    assert [e.name for e in other.records] == ["lr"]
    other.record(evaluation("rf", 0.9))
    if notebook is not None:  # tied to the renamed notebook from now on
        assert adopted.version == 2 and adopted.notebook == notebook
        again = Session(path, notebook=notebook)
        assert again.restore().name == "churn"
    with pytest.raises(NbalignError, match="has no objective 'nope'; it has 'churn'"):
        other.adopt("nope")


def test_same_model_on_same_data_updates_one_record(tmp_path):
    store = Store(tmp_path / "nbalign.db")
    a = store.record(evaluation(score=0.80))
    b = store.record(evaluation(score=0.81, version=2))
    c = store.record(evaluation(fingerprint="other"))
    assert a.id == b.id != c.id
    rows = store.evaluations("churn")
    assert [(e.id, e.score, e.objective_version) for e in rows] == [(a.id, 0.81, 2), (c.id, 0.80, 1)]
    assert rows[0].to_dict() == b.to_dict()


def damaged_store(path: Path) -> Path:
    """A real store whose pages were overwritten: SQLite's header stays, the rest is noise."""
    store = Store(path)
    store.save_objective(objective())
    store.close()  # the last connection checkpoints the WAL into the file
    data = bytearray(path.read_bytes())
    data[100:] = b"\xde\xad" * ((len(data) - 100) // 2)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("where", ["nbalign.db", ".nbalign/nbalign.db"])
def test_unreadable_store_is_moved_aside(tmp_path, where):
    path = tmp_path / where
    path.parent.mkdir(exist_ok=True)
    if where.startswith(".nbalign"):
        path.write_bytes(b"this is not a database" * 100)  # nbalign's own folder: it was a store
    else:
        damaged_store(path)
    store = Store(path)
    store.save_objective(objective())
    assert store.moved_aside is not None and store.moved_aside.exists()
    assert store.latest_objective().name == "churn"


def test_the_user_is_told_once_when_the_store_was_moved_aside(tmp_path):
    path = damaged_store(tmp_path / "nbalign.db")
    warnings = []
    session = Session(path)
    session.warn = warnings.append
    session.restore()
    session.set_objective(objective())
    assert len(warnings) == 1 and "moved aside" in warnings[0] and "Nothing was deleted" in warnings[0]


def test_store_from_a_newer_nbalign_is_refused(tmp_path):
    path = tmp_path / "nbalign.db"
    Store(path).save_objective(objective())
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer nbalign"):
        Store(path).latest_objective()


WRITER = """
import sys
from nbalign.errors import NbalignError, NoObjectiveError
from nbalign.evaluation import Evaluation
from nbalign.store import Store
store = Store(sys.argv[1])
for i in range(60):
    store.record(Evaluation("churn", 1, f"w{sys.argv[2]}-{i}", "Est", {}, "auc", 0.8))
"""


def test_two_kernels_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "nbalign.db"
    Store(path).save_objective(objective())
    root = Path(__file__).resolve().parents[1]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w)], cwd=root) for w in range(2)]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    assert len(Store(path).evaluations("churn")) == 120


def test_session_restores_objective_and_history(tmp_path):
    path = tmp_path / "nbalign.db"
    session = Session(path, notebook="churn.ipynb")
    session.set_objective(objective())
    session.record(evaluation("lr", 0.8))
    session.record(evaluation("rf", 0.85))
    restored = Session(path, notebook="churn.ipynb")
    restored.restore()
    assert restored.objective.name == "churn"
    assert [e.name for e in restored.records] == ["lr", "rf"]
    assert restored.standing.summary.best.name == "rf"
    assert restored.describe() == (
        "Restored objective 'churn' (version 1): 2 evaluations, best 0.850 (rf), "
        "75% of the way to the target 0.900; 2 models compared on its test set."
    )


def test_refused_writes_are_kept_and_retried(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    warnings = []
    session = Session(blocker / "nbalign.db", notebook="churn.ipynb")
    session.warn = warnings.append
    session.set_objective(objective())
    row = session.record(evaluation("lr", 0.8))
    assert row.verdict == "new_best" and row.id is not None
    assert session.record(evaluation("lr", 0.82)).id == row.id  # the same key stays one record
    assert session.pending == 2 and len(warnings) == 1  # one warning, not one per write
    assert "kept in memory" in warnings[0]
    assert session.flush() is False  # still refused

    blocker.unlink()  # the disk accepts writes again
    assert session.flush() is True and session.pending == 0
    restored = Session(blocker / "nbalign.db", notebook="churn.ipynb")
    restored.restore()
    assert restored.objective.name == "churn"
    assert [(e.name, e.score) for e in restored.records] == [("lr", 0.82)]


def test_model_identity_sees_nested_parameters_and_is_stable_across_kernels():
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from nbalign.identity import model_identity

    def pipeline(C):
        encode = make_column_transformer((OneHotEncoder(), make_column_selector(dtype_include=object)))
        return make_pipeline(encode, LogisticRegression(C=C))

    # the selector's repr holds an address that differs each time; the identity must not
    assert model_identity(pipeline(1.0)) == model_identity(pipeline(1.0))
    # a parameter deep inside the pipeline makes another model, even when reprs would be cut short
    assert model_identity(pipeline(1.0)) != model_identity(pipeline(10.0))


# What each earlier release's fixture holds: churn v1 scored AUC, v2 log loss. Release 0.1.0
# (schema 1) keyed records without their metric, so its logreg log loss replaced the AUC one.
FIXTURE_RECORDS = {
    1: [("logreg", "logloss"), ("tree", "auc"), ("forest", "auc")],
    2: [("logreg", "auc"), ("tree", "auc"), ("forest", "auc"), ("logreg", "logloss")],
    3: [("logreg", "auc"), ("tree", "auc"), ("forest", "auc"), ("logreg", "logloss")],
    4: [("logreg", "auc"), ("tree", "auc"), ("forest", "auc"), ("logreg", "logloss")],
    5: [("logreg", "auc"), ("tree", "auc"), ("forest", "auc"), ("logreg", "logloss")],
    6: [("logreg", "auc"), ("tree", "auc"), ("forest", "auc"), ("logreg", "logloss")],
    7: [("logreg", "auc"), ("tree", "auc"), ("forest", "auc"), ("logreg", "logloss")],
}


def test_a_store_written_by_every_earlier_version_opens_and_migrates(tmp_path):
    """Each fixture is a store as an earlier release wrote it (store_v1.db: 0.1.0; store_v2.db:
    the standing's store, before predictions were kept; store_v3.db: predictions kept, before
    paired tests were remembered; store_v4.db: before the recovered files were remembered;
    store_v5.db: before kept predictions were compact, its float32 blobs read as they were;
    store_v6.db: before fold scores were kept, its records read with none; store_v7.db: store_v6.db
    opened by the release of schema 7, before decisions were kept)."""
    fixtures = sorted(DATA.glob("store_v*.db"))
    assert [f.stem for f in fixtures] == [f"store_v{v}" for v in range(1, SCHEMA_VERSION)], \
        "add a fixture written by the previous release when adding a migration"
    for fixture in fixtures:
        written_at = int(fixture.stem.removeprefix("store_v"))
        path = tmp_path / fixture.name
        path.write_bytes(fixture.read_bytes())
        store = Store(path)
        assert store.latest_objective().name == "churn" and store.latest_objective().version == 2
        records, seen = store.changes("churn", since=0)
        assert [(e.name, e.metric) for e in records] == FIXTURE_RECORDS[written_at]
        raw = sqlite3.connect(path)
        assert schema_version(raw) == SCHEMA_VERSION
        applied = [v for (v,) in raw.execute("SELECT version FROM migrations ORDER BY version")]
        assert applied[-(SCHEMA_VERSION - written_at):] == list(range(written_at + 1, SCHEMA_VERSION + 1))
        # and it keeps working: a new record gets the next change number, old ones read back
        store.record(evaluation("gbm", 0.9))
        latest, change = store.changes("churn", since=seen)
        assert [e.name for e in latest] == ["gbm"] and change == seen + 1
        kept = store.predictions(records[0])
        assert (kept is None) == (written_at < 3)  # release 3 was the first to keep them
        assert all(e.fold_scores is None for e in records)  # release 7 was the first to keep fold scores
        assert store.decisions("churn") == []  # release 8 was the first to keep agreements and ships
        session = Session(path, notebook="churn.ipynb")
        session.restore()
        rows = session.standing.rows  # version 2 scores log loss: only those rows are judged
        assert [r.verdict != "other_metric" for r in rows] == [r.metric == "logloss" for r in rows]


def test_a_new_store_is_at_the_latest_schema_with_every_migration_logged(tmp_path):
    store = Store(tmp_path / "nbalign.db")
    store.save_objective(objective())
    raw = sqlite3.connect(tmp_path / "nbalign.db")
    assert schema_version(raw) == SCHEMA_VERSION
    assert [v for (v,) in raw.execute("SELECT version FROM migrations")] == list(range(1, SCHEMA_VERSION + 1))


def test_changes_reads_only_what_changed_since(tmp_path):
    store = Store(tmp_path / "nbalign.db")
    a = store.record(evaluation("a"))
    store.record(evaluation("b"))
    store.record(evaluation("x", objective_name="other"))
    everything, seen = store.changes("churn", since=0)
    assert [e.name for e in everything] == ["a", "b"] and seen == 2
    assert store.changes("churn", since=seen) == ([], seen)
    store.record(evaluation("a", score=0.9))  # an update moves the record's change number on
    changed, seen = store.changes("churn", since=seen)
    assert [(e.id, e.score) for e in changed] == [(a.id, 0.9)] and seen == 4


def test_a_session_sees_what_another_kernel_recorded_without_rereading_everything(tmp_path):
    path = tmp_path / "nbalign.db"
    mine, theirs = Session(path, notebook="churn.ipynb"), Session(path, notebook="churn.ipynb")
    mine.set_objective(objective())
    theirs.restore()
    theirs.record(evaluation("theirs", 0.85))
    mine.record(evaluation("mine", 0.80))
    assert [r.name for r in mine.standing.rows] == ["theirs", "mine"]
    assert mine.standing.summary.best.name == "theirs"
    theirs.record(evaluation("theirs again", 0.86))
    mine.record(evaluation("mine again", 0.81))  # read back: another kernel wrote in between
    mine.record(evaluation("mine once more", 0.82))  # not read back: nobody else wrote since
    assert [r.name for r in mine.standing.rows] == ["theirs", "mine", "theirs again", "mine again",
                                                    "mine once more"]
    restored = Session(path, notebook="churn.ipynb")
    restored.restore()
    assert [(r.id, r.name, r.verdict) for r in restored.standing.rows] == \
        [(r.id, r.name, r.verdict) for r in mine.standing.rows]


def test_the_views_message_is_built_only_when_a_view_listens(tmp_path):
    session = Session(tmp_path / "nbalign.db")
    session.set_objective(objective())
    session.record(evaluation("lr", 0.8))
    assert session._message is None  # nobody listens: the standing was judged, never serialised
    received = []
    session.subscribe(lambda type_, message: received.append(message))
    session.record(evaluation("forest", 0.85))
    assert [m["standing"]["rows"][-1]["name"] for m in received] == ["forest"]
    assert session.message() is received[-1] and received[-1]["revision"] >= 1
    before = received[-1]["standing"]["rows"][0]
    session.record(evaluation("boost", 0.86))
    assert received[-1]["revision"] == received[0]["revision"] + 1
    assert received[-1]["standing"]["rows"][0] == before  # rows judged before are shipped as they were
