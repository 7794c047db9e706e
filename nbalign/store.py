"""The store: objectives (versioned) and evaluations in SQLite, beside the notebook.

One file, WAL journal, one transaction per write. The schema is versioned (``meta`` holds the
version, ``migrations`` when each ordered migration was applied) and a store of any earlier
version is migrated when it is opened. Two kernels can
write at once (SQLite's lock, with a generous busy timeout); a database that is not readable is
moved aside, as IPython does with its history, instead of breaking the kernel. The file and its
folder are created on the first write, so loading nbalign in a folder leaves no trace until
something is declared or evaluated.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import sqlite3
from pathlib import Path

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


# Ordered: migration n takes a store of schema n - 1 to schema n. Never edit a released one.
MIGRATIONS = [_migrate_1, _migrate_2]
SCHEMA_VERSION = len(MIGRATIONS)

def default_store_path() -> Path:
    """``$NBALIGN_STORE`` if set, else ``.nbalign/nbalign.db`` in the working folder."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH).expanduser().resolve()


class StoreError(NbalignError):
    """The store cannot be used (for instance, written by a newer nbalign)."""


class Store:
    """Objectives and evaluations of one folder.

    Examples
    --------
    >>> store = Store(tmp_path / "nbalign.db")  # doctest: +SKIP
    >>> saved = store.save_objective(objective)  # doctest: +SKIP
    >>> saved.version  # doctest: +SKIP
    1
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._connection: sqlite3.Connection | None = None
        self.moved_aside: Path | None = None

    # ------------------------------------------------------------------ connection

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._connection is not None:
            return self._connection
        if not create and not self.path.exists():
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = self._open()
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc) or "readonly" in str(exc) or "unable to open" in str(exc):
                raise
            self._move_aside(exc)
            connection = self._open()
        self._connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._migrate(connection)
        except (sqlite3.DatabaseError, StoreError):
            connection.close()
            raise
        return connection

    def _migrate(self, connection: sqlite3.Connection) -> None:
        """Bring the store to SCHEMA_VERSION, one ordered migration per transaction."""
        connection.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
            );
        """)
        while True:
            with _transaction(connection):  # re-read inside: another kernel may be migrating too
                version = schema_version(connection)
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"the store {self.path} was written by a newer nbalign (schema {version}, "
                        f"this one reads {SCHEMA_VERSION}). Upgrade nbalign, or point "
                        "NBALIGN_STORE elsewhere."
                    )
                if version == SCHEMA_VERSION:
                    return
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

    def _move_aside(self, exc: Exception) -> None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                part.rename(Path(str(target) + suffix))
        self.moved_aside = target
        log.warning("nbalign store %s was unreadable (%s); moved aside to %s", self.path, exc, target)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # ------------------------------------------------------------------ objectives

    def save_objective(self, objective: Objective) -> Objective:
        """Store a new version of the objective and return it with its version number."""
        connection = self._connect(create=True)
        with _transaction(connection):
            (latest,) = connection.execute(
                "SELECT COALESCE(MAX(version), 0) FROM objectives WHERE name = ?", (objective.name,)
            ).fetchone()
            saved = objective.with_version(latest + 1, now_iso())
            connection.execute(
                "INSERT INTO objectives (name, version, created_at, notebook, spec) VALUES (?, ?, ?, ?, ?)",
                (saved.name, saved.version, saved.created_at, saved.notebook, json.dumps(saved.to_dict())),
            )
        return saved

    def latest_objective(self, notebook: str | None = None) -> Objective | None:
        """The objective declared last, preferring one declared from ``notebook``."""
        connection = self._connect(create=False)
        if connection is None:
            return None
        row = None
        if notebook:
            row = connection.execute(
                "SELECT spec FROM objectives WHERE notebook = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (notebook,),
            ).fetchone()
        if row is None:
            row = connection.execute(
                "SELECT spec FROM objectives ORDER BY created_at DESC, rowid DESC LIMIT 1"
            ).fetchone()
        return None if row is None else Objective.from_dict(json.loads(row[0]))

    # ------------------------------------------------------------------ evaluations

    def record(self, evaluation: Evaluation) -> Evaluation:
        """Insert the evaluation, or update the record of the same model on the same data.

        Returns it with its id: the id of the first record of this key, so an update keeps
        its place in the history.
        """
        connection = self._connect(create=True)
        record = evaluation.to_dict()
        record.pop("id")
        with _transaction(connection):
            connection.execute(
                """
                INSERT INTO evaluations (key, objective, objective_version, created_at, updated_at, record, change_no)
                VALUES (:key, :objective, :version, :now, :now, :record,
                        (SELECT COALESCE(MAX(change_no), 0) + 1 FROM evaluations))
                ON CONFLICT (key) DO UPDATE SET
                    objective_version = excluded.objective_version,
                    updated_at = excluded.updated_at,
                    record = excluded.record,
                    change_no = excluded.change_no
                """,
                {
                    "key": evaluation.key,
                    "objective": evaluation.objective,
                    "version": evaluation.objective_version,
                    "now": evaluation.created_at or now_iso(),
                    "record": json.dumps(record, allow_nan=False),
                },
            )
            (id_,) = connection.execute(
                "SELECT id FROM evaluations WHERE key = ?", (evaluation.key,)
            ).fetchone()
        return evaluation.with_id(id_)

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
        rows = connection.execute(
            "SELECT id, record, change_no FROM evaluations WHERE objective = ? AND change_no > ? ORDER BY id",
            (objective, since),
        ).fetchall()
        latest = max((change for _, _, change in rows), default=since)
        return [Evaluation.from_dict({**json.loads(record), "id": id_}) for id_, record, _ in rows], latest


def schema_version(connection: sqlite3.Connection) -> int:
    """The schema a store is at: 0 for an empty file."""
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return 0 if row is None else int(row[0])


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
