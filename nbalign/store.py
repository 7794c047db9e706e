"""The store: objectives (versioned) and evaluations in SQLite, beside the notebook.

One file, WAL journal, one transaction per write. The schema is versioned (``meta`` holds the
version, ``migrations`` when each ordered migration was applied) and a store of any earlier
version is migrated when it is opened. Two kernels can write at once (SQLite's lock: a write
waits up to the busy timeout for another writer, or, asked not to wait, is refused at once); a
database that is not readable is moved aside, as IPython does with its history, instead of
breaking the kernel. The file and its folder are created on the first write, so loading nbalign
in a folder leaves no trace until something is declared or evaluated.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Literal, overload

from .errors import NbalignError
from .evaluation import Evaluation, now_iso
from .objective import Objective

DEFAULT_PATH = Path(".nbalign") / "nbalign.db"
ENV_VAR = "NBALIGN_STORE"

log = logging.getLogger(__name__)


def _migrate_1(connection: sqlite3.Connection) -> None:
    """Objectives (versioned) and evaluations (one JSON record each, unique by key)."""
    _execute_each(connection, """
        CREATE TABLE IF NOT EXISTS objectives (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            notebook TEXT,
            spec TEXT NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE TABLE IF NOT EXISTS evaluations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            objective TEXT NOT NULL,
            objective_version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS evaluations_by_objective ON evaluations (objective, id);
    """)


def _migrate_2(connection: sqlite3.Connection) -> None:
    """A store-wide change number on every evaluation, so a session reads only what changed
    since it last looked (another kernel's writes) instead of the whole history."""
    connection.execute("ALTER TABLE evaluations ADD COLUMN change_no INTEGER NOT NULL DEFAULT 0")
    connection.execute("UPDATE evaluations SET change_no = id")
    connection.execute("CREATE INDEX evaluations_by_change ON evaluations (change_no)")
    connection.execute("CREATE INDEX evaluations_by_objective_change ON evaluations (objective, change_no)")


def _execute_each(connection: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the migration's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _migrate_3(connection: sqlite3.Connection) -> None:
    """Per-row predictions of each evaluation, and each test set's labels once (see
    :mod:`nbalign.predictions`): what paired comparisons of two models are computed from."""
    _execute_each(connection, """
        CREATE TABLE predictions (
            evaluation_id INTEGER PRIMARY KEY REFERENCES evaluations (id),
            method TEXT NOT NULL,
            header TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE test_sets (
            fingerprint TEXT PRIMARY KEY,
            header TEXT NOT NULL,
            labels BLOB NOT NULL,
            classes TEXT,
            rows_header TEXT,
            rows BLOB
        )
    """)


def _migrate_4(connection: sqlite3.Connection) -> None:
    """Paired tests already computed (see :mod:`nbalign.comparison`), so judging a history again
    after a restart runs none twice. A cache: its key says which records, scores and test."""
    connection.execute("CREATE TABLE differences (key TEXT PRIMARY KEY, difference TEXT NOT NULL)")


def _migrate_5(connection: sqlite3.Connection) -> None:
    """The files of unsaved records already added (see :meth:`Store.recover`), by the digest of
    their content, so a file that could not be renamed afterwards is not added again."""
    connection.execute("CREATE TABLE recovered (digest TEXT PRIMARY KEY, file TEXT NOT NULL, "
                       "recovered_at TEXT NOT NULL)")


def _migrate_6(connection: sqlite3.Connection) -> None:
    """Kept predictions in their compact form (:func:`nbalign.predictions.encode_kept`): ranks,
    bit-packed codes, a nested subset of rows, zlib. Older blobs, whose header names no
    form, are read as before; the new version stops an older nbalign, which would read a compact
    blob as float32, from opening the store. Each prediction's form is a column, so what a store
    keeps can be counted without decoding it."""
    connection.execute("ALTER TABLE predictions ADD COLUMN form TEXT NOT NULL DEFAULT 'values'")


def _migrate_7(connection: sqlite3.Connection) -> None:
    """Each evaluation's recipe scored on the folds of cross-validation on the training data
    (:class:`nbalign.recipe.FoldScores`, as JSON), beside its record: NULL where the recipe was
    not checked, and in every record of an older store."""
    connection.execute("ALTER TABLE evaluations ADD COLUMN fold_scores TEXT")


def _migrate_8(connection: sqlite3.Connection) -> None:
    """What was decided about an objective, beside its versions (see :mod:`nbalign.events`):
    agreements, ship records and realized KPIs, one JSON event each, in the order recorded."""
    _execute_each(connection, """
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            objective TEXT NOT NULL,
            kind TEXT NOT NULL,
            created_at TEXT NOT NULL,
            event TEXT NOT NULL
        );
        CREATE INDEX decisions_by_objective ON decisions (objective, id)
    """)


# Ordered: migration n takes a store of schema n - 1 to schema n. Never edit a released one.
MIGRATIONS = [_migrate_1, _migrate_2, _migrate_3, _migrate_4, _migrate_5, _migrate_6, _migrate_7, _migrate_8]
SCHEMA_VERSION = len(MIGRATIONS)

MEMORY = ":memory:"
_SQLITE_HEADER = b"SQLite format 3\x00"


def default_store_path() -> Path | str:
    """``$NBALIGN_STORE`` if set, else ``.nbalign/nbalign.db`` in the working folder.

    ``:memory:`` means a store that lives in memory only (nothing is written to disk).
    """
    configured = os.environ.get(ENV_VAR) or DEFAULT_PATH
    return MEMORY if str(configured) == MEMORY else Path(configured).expanduser().resolve()


class StoreError(NbalignError):
    """The store cannot be used (written by a newer nbalign, or a file that is not a store)."""


class Store:
    """Objectives and evaluations of one folder.

    The file and its folder are created on the first write. What the store notices about its
    file, a session reads and tells the user about once:

    - ``moved_aside``: the file was a damaged SQLite database; it was renamed, not deleted, and a
      new store started;
    - ``read_only``: the file (or its folder) cannot be written; reads work, writes are refused
      until it can be written again;
    - :meth:`has_vanished`: the file was deleted or replaced while it was open; the next write
      starts a new file, and the session writes back what it knows.

    A path that holds something other than an nbalign store (a notebook, another database) is
    refused with :class:`StoreError` and never touched.

    Examples
    --------
    >>> store = Store(tmp_path / "nbalign.db")  # doctest: +SKIP
    >>> saved = store.save_objective(objective)  # doctest: +SKIP
    >>> saved.version  # doctest: +SKIP
    1
    """

    def __init__(self, path: str | os.PathLike, busy_timeout: float = 15.0):
        self.in_memory = str(path) == MEMORY
        self.path: Path | str = MEMORY if self.in_memory else Path(path)
        self.busy_timeout = busy_timeout  # seconds a write waits for another writer's lock (unless told not to)
        self.moved_aside: Path | None = None
        self.read_only = False
        self.last_change: int | None = None  # the change number of the last record written here
        self._connection: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None
        self._schema = SCHEMA_VERSION

    # ------------------------------------------------------------------ connection

    @property
    def _file(self) -> Path:
        """The store's file: what the file-only steps work on (an in-memory store takes none of them)."""
        assert isinstance(self.path, Path), "an in-memory store has no file"
        return self.path

    @overload
    def _connect(self, create: Literal[True]) -> sqlite3.Connection: ...
    @overload
    def _connect(self, create: bool) -> sqlite3.Connection | None: ...
    def _connect(self, create: bool) -> sqlite3.Connection | None:
        # Before a write, a file deleted or replaced under the store is noticed (so the write is
        # not lost in a deleted file); a read of the file once opened needs no such check.
        if self._connection is not None and not self.in_memory and create:
            if self._file_changed():
                log.info("nbalign store %s was deleted or replaced while open", self.path)
                self.close()
            elif self.read_only and create and self._writable():
                self.close()  # it can be written again: reopen for writing
        if self._connection is not None:
            return self._connection
        if self.in_memory:
            self._connection = self._open(MEMORY)
            return self._connection
        if not self._file.exists():
            if not create:
                return None
            self._file.parent.mkdir(parents=True, exist_ok=True)
        else:
            self._check_is_store()
        self.read_only = self._file.exists() and not self._writable()
        try:
            connection = self._open(self.path)
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                raise
            self._move_aside(exc)
            self.read_only = False
            connection = self._open(self.path)
        self._connection = connection
        self._file_id = _file_id(self._file)
        return connection

    def check(self) -> None:
        """Open an existing store now, so a path that is not a store is refused before use."""
        self._connect(create=False)

    def has_vanished(self) -> bool:
        """True if the file this store has open was deleted or replaced since it was opened."""
        return not self.in_memory and self._connection is not None and self._file_changed()

    def _writable(self) -> bool:
        folder = self._file.parent
        return os.access(self._file, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)

    def _file_changed(self) -> bool:
        return _file_id(self._file) != self._file_id

    def _check_is_store(self) -> None:
        """Refuse a file that is not an nbalign store, so that it is never moved or overwritten."""
        if not self._file.is_file():
            raise StoreError(f"the store path {self.path} is not a file. Point the store at a file, "
                             "e.g. `%config NbalignMagics.store_path = '.nbalign/nbalign.db'`.")
        with open(self.path, "rb") as file:
            head = file.read(len(_SQLITE_HEADER))
        if head == _SQLITE_HEADER or not head:
            return  # a SQLite file (its tables are checked once open) or an empty file
        if self._file.parent.name == DEFAULT_PATH.parent.name:
            return  # nbalign's own folder: whatever is there was a store, and is moved aside
        raise StoreError(
            f"{self.path} is not an nbalign store (it is not a SQLite database), so nbalign leaves "
            "it alone. Point the store at a new file, e.g. `%config NbalignMagics.store_path = "
            "'.nbalign/nbalign.db'`, or at `:memory:`."
        )

    def _open(self, path) -> sqlite3.Connection:
        if self.read_only:
            connection = self._open_read_only(Path(path))
        else:
            connection = sqlite3.connect(path, timeout=self.busy_timeout, isolation_level=None)
        try:
            self._check_tables(connection)
            if not self.read_only:
                connection.execute("PRAGMA synchronous=NORMAL")
                if not self.in_memory and connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
            self._migrate(connection)
        except (sqlite3.DatabaseError, StoreError):
            connection.close()
            raise
        return connection

    def _open_read_only(self, path: Path) -> sqlite3.Connection:
        """A store nobody may write: ``mode=ro``, or ``immutable=1`` when SQLite cannot even make
        the WAL's shared-memory file beside it (a read-only folder)."""
        for query in ("mode=ro", "immutable=1"):
            connection = sqlite3.connect(f"{path.as_uri()}?{query}", uri=True,
                                         timeout=self.busy_timeout, isolation_level=None)
            try:
                connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return connection
            except sqlite3.OperationalError:
                connection.close()
                if query == "immutable=1":
                    raise
        raise AssertionError("unreachable")

    def _check_tables(self, connection: sqlite3.Connection) -> None:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables and "objectives" not in tables:
            raise StoreError(
                f"{self.path} is a SQLite database of something else (tables: "
                f"{', '.join(sorted(tables)[:5])}), not an nbalign store, so nbalign leaves it alone. "
                "Point the store at a new file."
            )

    def _migrate(self, connection: sqlite3.Connection) -> None:
        """Bring the store to SCHEMA_VERSION, one ordered migration per transaction.

        A store at the current schema is only read: opening it takes no write lock, so a store
        another kernel is writing, or a read-only one, opens at once.
        """
        version = _version_if_any(connection)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} was written by a newer nbalign (schema {version}, this one "
                f"reads {SCHEMA_VERSION}). Upgrade nbalign, or point NBALIGN_STORE elsewhere."
            )
        self._schema = version
        if version == SCHEMA_VERSION or self.read_only:
            return  # a read-only store of an older schema is read as it is
        while True:
            with _transaction(connection):  # re-read inside: another kernel may be migrating too
                for statement in _BOOKKEEPING:
                    connection.execute(statement)
                version = schema_version(connection)
                if version >= SCHEMA_VERSION:
                    break
                migration = MIGRATIONS[version]
                migration(connection)
                connection.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(version + 1),)
                )
                connection.execute(
                    "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version + 1, migration.__name__.lstrip("_"), now_iso()),
                )
            if version > 0:
                log.info("nbalign migrated %s to schema %d", self.path, version + 1)
        self._schema = SCHEMA_VERSION

    def _move_aside(self, exc: Exception) -> None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self._file.with_name(f"{self._file.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                part.rename(Path(str(target) + suffix))
        self.moved_aside = target
        log.info("nbalign store %s was unreadable (%s); moved aside to %s", self.path, exc, target)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._file_id = None

    @contextmanager
    def _writing(self, wait: bool = True):
        """One write transaction on the writable connection.

        ``wait=False``: the write does not wait for another writer's lock; it is refused at once
        ("database is locked"), and the connection's busy timeout is put back afterwards.
        """
        connection = self._connect(create=True)
        if self.read_only:
            raise sqlite3.OperationalError(f"the store {self.path} is read-only")
        if not wait:
            connection.execute("PRAGMA busy_timeout = 0")
        try:
            with _transaction(connection):
                yield connection
        finally:
            if not wait:
                connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    # ------------------------------------------------------------------ objectives

    def save_objective(self, objective: Objective, keep_version: bool = False, wait: bool = True) -> Objective:
        """Store a new version of the objective and return it with its version number.

        ``keep_version``: write it under the version it has (writing back what a session knows
        into a new store), unless another objective already took that number. ``wait=False``:
        refused at once if another writer holds the lock.
        """
        with self._writing(wait) as connection:
            return _insert_objective(connection, objective, keep_version)

    def latest_objective(self, name: str | None = None) -> Objective | None:
        """The latest version of the objective ``name``, or the objective declared last."""
        where, args = ("WHERE name = ?", (name,)) if name is not None else ("", ())
        return self._one_objective(f"SELECT spec FROM objectives {where} "
                                   "ORDER BY created_at DESC, rowid DESC LIMIT 1", args)

    def notebook_objective(self, notebook: str) -> Objective | None:
        """The objective declared last from ``notebook`` (its latest version), if any."""
        return self._one_objective(
            "SELECT spec FROM objectives WHERE name = (SELECT name FROM objectives WHERE notebook = ? "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1) ORDER BY version DESC LIMIT 1", (notebook,))

    def objective_names(self) -> list[str]:
        connection = self._connect(create=False)
        if connection is None:
            return []
        return [name for (name,) in connection.execute("SELECT DISTINCT name FROM objectives ORDER BY name")]

    def objective_versions(self, name: str) -> list[Objective]:
        """Every version of the objective ``name``, oldest first."""
        connection = self._connect(create=False)
        if connection is None:
            return []
        return [Objective.restored(json.loads(spec)) for (spec,) in
                connection.execute("SELECT spec FROM objectives WHERE name = ? ORDER BY version", (name,))]

    def record_decision(self, event) -> None:
        """Add an agreement, a ship record or a realized KPI (:mod:`nbalign.decision`) to its
        objective's history."""
        from .events import event_to_dict

        with self._writing(True) as connection:
            connection.execute("INSERT INTO decisions (objective, kind, created_at, event) VALUES (?, ?, ?, ?)",
                               (event.objective, event.kind, event.at,
                                json.dumps(event_to_dict(event), allow_nan=False)))

    def decisions(self, name: str) -> list:
        """The objective's agreements, ship records and realized KPIs, in the order recorded."""
        from .events import event_from_dict

        connection = self._connect(create=False)
        if connection is None:
            return []
        try:
            rows = connection.execute("SELECT event FROM decisions WHERE objective = ? ORDER BY id", (name,)).fetchall()
        except sqlite3.OperationalError:  # a read-only store of an older schema has no decisions yet
            return []
        return [event_from_dict(json.loads(event)) for (event,) in rows]

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another writer's lock, from now on."""
        self.busy_timeout = seconds
        if self._connection is not None:
            self._connection.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def _one_objective(self, query: str, args: tuple) -> Objective | None:
        connection = self._connect(create=False)
        if connection is None:
            return None
        row = connection.execute(query, args).fetchone()
        return None if row is None else Objective.restored(json.loads(row[0]))

    # ------------------------------------------------------------------ evaluations

    def record(self, evaluation: Evaluation, wait: bool = True) -> Evaluation:
        """Insert the evaluation, or update the record of the same model on the same data.

        Returns it with its id: the id of the first record of this key, so an update keeps
        its place in the history. ``wait=False``: refused at once if another writer holds the lock.
        """
        with self._writing(wait) as connection:
            id_, self.last_change = _upsert_evaluation(connection, evaluation)
            if evaluation.kept is not None and evaluation.test_set is not None:
                self._write_predictions(connection, id_, evaluation.kept, evaluation.test_set)
        return evaluation.with_id(id_)

    def recover(self, digest: str, source: str, objectives: list[Objective],
                evaluations: list[Evaluation]) -> bool:
        """Add the records an earlier session kept in a file (:mod:`nbalign.unsaved`), once.

        ``digest`` identifies the file's content and is remembered in the same transaction as
        the records: all of it is added, or none. A file already added (one that could not be
        renamed afterwards, or a copy of it) is not added again, so it cannot make a new version
        of its objective at every load, nor put back a score updated since. Returns False then.
        The evaluations kept under an objective follow the version the store gives it.
        """
        with self._writing() as connection:
            if connection.execute("SELECT 1 FROM recovered WHERE digest = ?", (digest,)).fetchone():
                return False
            for objective in objectives:
                saved = _insert_objective(connection, objective, keep_version=True)
                evaluations = [replace(e, objective_version=saved.version)
                               if (e.objective, e.objective_version) == (objective.name, objective.version) else e
                               for e in evaluations]
            for evaluation in evaluations:
                _, self.last_change = _upsert_evaluation(connection, evaluation)
            connection.execute("INSERT INTO recovered (digest, file, recovered_at) VALUES (?, ?, ?)",
                               (digest, source, now_iso()))
        return True

    def _write_predictions(self, connection: sqlite3.Connection, id_: int, kept, test_set) -> None:
        from .predictions import encode, encode_kept

        data, header = encode_kept(kept, test_set)
        connection.execute("INSERT OR REPLACE INTO predictions (evaluation_id, method, header, data, form) "
                           "VALUES (?, ?, ?, ?, ?)", (id_, kept.method, header, data, kept.form))
        labels, labels_header = encode(test_set.labels)
        rows, rows_header = encode(test_set.rows) if test_set.rows is not None else (None, None)
        connection.execute(
            "INSERT OR IGNORE INTO test_sets (fingerprint, header, labels, classes, rows_header, rows) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (test_set.fingerprint, labels_header, labels,
             None if test_set.classes is None else json.dumps(test_set.classes), rows_header, rows),
        )

    def predictions(self, evaluation: Evaluation):
        """What a stored evaluation's metric was computed from, and its test set's labels:
        ``(Kept, TestSet)``, or None when they were not kept (an older store, a response that
        is not numbers, ``rows_kept = 0``, pruned). The labels are of every row the test set
        kept; the response may be of a nested subset of them (see :mod:`nbalign.predictions`)."""
        from .predictions import TestSet, decode, decode_kept

        connection = self._connect(create=False)
        # (a record without a fingerprint matches no test set: `= NULL` is never true)
        if connection is None or self._schema < 3 or evaluation.id is None or evaluation.data_fingerprint is None:
            return None
        row = connection.execute(
            "SELECT p.method, p.header, p.data, t.header, t.labels, t.classes, t.rows_header, t.rows "
            "FROM predictions p JOIN test_sets t ON t.fingerprint = ? WHERE p.evaluation_id = ?",
            (evaluation.data_fingerprint, evaluation.id),
        ).fetchone()
        if row is None:
            return None
        method, header, data, labels_header, labels, classes, rows_header, rows = row
        test_set = TestSet(evaluation.data_fingerprint, decode(labels, labels_header)[0],
                           None if classes is None else json.loads(classes),
                           None if rows is None else decode(rows, rows_header)[0])
        return decode_kept(method, data, header, test_set), test_set

    def kept_predictions(self) -> dict[int, tuple[str, int]]:
        """Which evaluations kept predictions: their objective and the bytes of the blob, by id."""
        connection = self._connect(create=False)
        if connection is None or self._schema < 3:
            return {}
        return {id_: (objective, size) for id_, objective, size in connection.execute(
            "SELECT p.evaluation_id, e.objective, LENGTH(p.data) FROM predictions p "
            "JOIN evaluations e ON e.id = p.evaluation_id")}

    def forget_predictions(self, ids) -> int:
        """Delete the kept predictions of the evaluations ``ids``, and the labels of any test set no
        prediction needs any more: how many predictions were deleted. The records stay."""
        ids = sorted(ids)
        if not ids or self._connect(create=False) is None:
            return 0
        with self._writing() as connection:
            removed = 0
            for at in range(0, len(ids), 500):  # SQLite's limit on the number of parameters
                part = ids[at:at + 500]
                removed += connection.execute(
                    f"DELETE FROM predictions WHERE evaluation_id IN ({', '.join('?' * len(part))})", part).rowcount
            connection.execute(
                "DELETE FROM test_sets WHERE fingerprint NOT IN (SELECT json_extract(e.record, '$.data_fingerprint') "
                "FROM predictions p JOIN evaluations e ON e.id = p.evaluation_id)")
        return removed

    def vacuum(self) -> int:
        """Give the file's free pages back to the disk (SQLite's VACUUM): the bytes it shrank by."""
        if self.in_memory or self.read_only or self._connect(create=False) is None:
            return 0
        before = self.size_on_disk()
        connection = self._connect(create=True)
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return before - self.size_on_disk()

    def size_on_disk(self) -> int:
        """Bytes of the store's file and its write-ahead log."""
        if self.in_memory:
            return 0
        return sum(Path(f"{self.path}{suffix}").stat().st_size for suffix in ("", "-wal")
                   if Path(f"{self.path}{suffix}").exists())

    def difference(self, key: str) -> dict | None:
        """A paired test remembered under ``key`` (see :class:`nbalign.comparison.Comparisons`)."""
        connection = self._connect(create=False)
        if connection is None or self._schema < 4:
            return None
        row = connection.execute("SELECT difference FROM differences WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def remember_difference(self, key: str, difference: dict) -> None:
        """Remember a paired test. A cache: it never waits for another writer's lock (a locked
        store would hold up the user's cell once per comparison); refused, it is computed again."""
        if self.read_only or self._schema < 4:
            return
        with self._writing(wait=False) as connection:
            connection.execute("INSERT OR REPLACE INTO differences (key, difference) VALUES (?, ?)",
                               (key, json.dumps(difference, allow_nan=False)))

    def evaluations(self, objective: str) -> list[Evaluation]:
        """Every evaluation of the objective (all versions), in the order first recorded."""
        return self.changes(objective, since=0)[0]

    def changes(self, objective: str, since: int) -> tuple[list[Evaluation], int]:
        """Evaluations of the objective written (inserted or updated) after change ``since``.

        Returns them in id order with the latest change number, to pass as ``since`` next time.
        Reads only what changed: the cost does not grow with the history.
        """
        connection = self._connect(create=False)
        if connection is None:
            return [], since
        # A read-only store of schema 1 has no change numbers: its ids stand in for them; one
        # before schema 7 no fold scores.
        change = "change_no" if self._schema >= 2 else "id"
        folds = "fold_scores" if self._schema >= 7 else "NULL"
        rows = connection.execute(
            f"SELECT id, key, record, {folds}, {change} FROM evaluations WHERE objective = ? AND {change} > ? "
            "ORDER BY id",
            (objective, since),
        ).fetchall()
        latest = max((change for *_, change in rows), default=since)
        return [Evaluation.from_dict({**json.loads(record), "id": id_,
                                      "fold_scores": None if scores is None else json.loads(scores)}, key)
                for id_, key, record, scores, _ in rows], latest


class Remembered:
    """The store as the memory of paired tests (what :class:`nbalign.comparison.Comparisons` calls
    ``remember``); a store that refuses is only a slower cache."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, key: str) -> dict | None:
        return self.store.difference(key)

    def put(self, key: str, difference: dict) -> None:
        self.store.remember_difference(key, difference)


def _insert_objective(connection: sqlite3.Connection, objective: Objective, keep_version: bool) -> Objective:
    """Insert a new version of the objective, inside the caller's transaction (see save_objective)."""
    (latest,) = connection.execute(
        "SELECT COALESCE(MAX(version), 0) FROM objectives WHERE name = ?", (objective.name,)
    ).fetchone()
    taken = connection.execute("SELECT 1 FROM objectives WHERE name = ? AND version = ?",
                               (objective.name, objective.version)).fetchone()
    if keep_version and objective.version > 0 and not taken:
        saved = objective.with_version(objective.version, objective.created_at or now_iso())
    else:
        saved = objective.with_version(latest + 1, now_iso())
    connection.execute(
        "INSERT INTO objectives (name, version, created_at, notebook, spec) VALUES (?, ?, ?, ?, ?)",
        (saved.name, saved.version, saved.created_at, saved.notebook, json.dumps(saved.stored())),
    )
    return saved


def _upsert_evaluation(connection: sqlite3.Connection, evaluation: Evaluation) -> tuple[int, int]:
    """Insert or update the evaluation's record, inside the caller's transaction: its id and
    change number."""
    record = evaluation.to_dict()
    record.pop("id")
    folds = evaluation.fold_scores
    return connection.execute(
        """
        INSERT INTO evaluations (key, objective, objective_version, created_at, updated_at, record, change_no,
                                 fold_scores)
        VALUES (:key, :objective, :version, :now, :now, :record,
                (SELECT COALESCE(MAX(change_no), 0) + 1 FROM evaluations), :fold_scores)
        ON CONFLICT (key) DO UPDATE SET
            objective_version = excluded.objective_version,
            updated_at = excluded.updated_at,
            record = excluded.record,
            change_no = excluded.change_no,
            fold_scores = excluded.fold_scores
        RETURNING id, change_no
        """,
        {
            "key": evaluation.key,
            "objective": evaluation.objective,
            "version": evaluation.objective_version,
            "now": evaluation.created_at or now_iso(),
            "record": json.dumps(record, allow_nan=False),
            "fold_scores": None if folds is None else json.dumps(folds.to_dict(), allow_nan=False),
        },
    ).fetchone()


def schema_version(connection: sqlite3.Connection) -> int:
    """The schema a store is at: 0 for an empty file."""
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return 0 if row is None else int(row[0])


def _version_if_any(connection: sqlite3.Connection) -> int:
    has_meta = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    return schema_version(connection) if has_meta else 0


_BOOKKEEPING = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
)


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """A file SQLite cannot read as a database (as opposed to one it may not lock or write)."""
    text = str(exc)
    return not any(word in text for word in ("locked", "readonly", "read-only", "unable to open", "busy"))


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class _transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: one write, taken whole or not at all."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")
        return self.connection

    def __exit__(self, exc_type, exc, tb):
        self.connection.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
