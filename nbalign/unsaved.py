"""Evaluations the store refused, kept in a file so that they outlive the kernel.

A session keeps what the store refuses in memory and retries. When it is about to end
(``%unload_ext nbalign``, the kernel shutting down) with records still unwritten, it writes them
to a small JSON file in the first folder that accepts it: the store's folder, the working folder,
the user's Jupyter data folder, the temporary folder. The next session on the same store finds
those files, adds their records to the store, and renames each file ``*.recovered``. Nothing is
deleted.

A file adds records to the store (it can declare an objective), so only files the user wrote are
read. A folder is used, to read or to write, only when the user owns it and nobody else may write
in it: ``/tmp`` itself, a shared project folder, or a temporary folder someone else made are not
(the temporary folder is the user's own, ``nbalign-unsaved-<uid>``, made ``0o700``). A file is
read only when it is a regular file the user owns, opened without following a link and without
waiting (a FIFO of that name would block the kernel). A file that does not hold records nbalign
can read is renamed ``*.malformed`` and the user told in one line; the rest of the load goes on.
The store remembers the files it added (:meth:`nbalign.store.Store.recover`), so a file that
cannot be renamed afterwards is not added again at the next load.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .evaluation import Evaluation
from .objective import Objective

log = logging.getLogger(__name__)

PREFIX = "nbalign-unsaved-"
SUFFIX = ".json"
FORMAT = 1

# Windows has no such flags, nor FIFOs in a folder; its folders are private by their access lists.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class KeptFile:
    """The records of one file, read and checked."""

    path: Path
    digest: str  # of the file's content: how the store remembers it added them
    objectives: list[Objective]
    evaluations: list[Evaluation]


class Malformed(ValueError):
    """A file of this store that does not hold records nbalign can read."""


def folders(store_path: Path | str) -> list[Path]:
    """Where unsaved records may be written, in order of preference (each used only if private)."""
    candidates = [] if str(store_path) == ":memory:" else [Path(store_path).parent]
    candidates.append(Path.cwd())
    try:
        from jupyter_core.paths import jupyter_data_dir

        candidates.append(Path(jupyter_data_dir()) / "nbalign" / "unsaved")
    except ImportError:  # jupyter_core comes with ipykernel; a plain script may not have it
        pass
    # One name for every user would belong to whoever made it first, and be no one else's.
    name = f"nbalign-unsaved-{os.getuid()}" if hasattr(os, "getuid") else "nbalign-unsaved"
    candidates.append(Path(tempfile.gettempdir()) / name)
    return candidates


def _earlier_temporary_folder() -> Path:
    """Where nbalign 0.1 kept them, for every user: read still, when it is this user's own."""
    return Path(tempfile.gettempdir()) / "nbalign-unsaved"


def save(store_path: Path | str, items: list[Objective | Evaluation]) -> Path | None:
    """Write the items to the first private folder that takes them; return the file, or None."""
    body = {
        "format": FORMAT,
        "store": str(store_path),
        "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "objectives": [i.stored() for i in items if isinstance(i, Objective)],
        "evaluations": [_evaluation_dict(i) for i in items if isinstance(i, Evaluation)],
    }
    data = json.dumps(body, indent=1, allow_nan=False).encode("utf-8")
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    for folder in folders(store_path):
        target = folder / f"{PREFIX}{stamp}{SUFFIX}"
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(folder):
                log.info("nbalign does not keep unsaved records in %s: others may write there", folder)
                continue
            _write_whole(target, data)
        except OSError as exc:
            log.info("nbalign could not keep unsaved records in %s: %s", folder, exc)
            continue
        return target
    return None


def _write_whole(target: Path, data: bytes) -> None:
    """Write under a name :func:`find` does not read, then rename: a session loading meanwhile
    never reads half a file. Only the user may read it: it holds their results."""
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "xb", opener=lambda path, flags: os.open(path, flags | _NOFOLLOW, 0o600)) as file:
            file.write(data)
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def find(store_path: Path | str, tell: Callable[[str], None] = log.warning) -> list[KeptFile]:
    """The files of unsaved records kept for this store, read and checked; oldest first in each folder.

    Only private folders and regular files the user owns are read (see the module's docstring).
    A file that does not hold records nbalign can read is set aside (renamed ``*.malformed``)
    and ``tell`` says so in one line. Files of other stores, or of a newer nbalign, are left alone.
    """
    found = []
    for folder in dict.fromkeys([*folders(store_path), _earlier_temporary_folder()]):
        if not _private(folder):
            continue
        try:
            names = sorted(n for n in os.listdir(folder) if n.startswith(PREFIX) and n.endswith(SUFFIX))
        except OSError:
            continue
        for name in names:
            path = folder / name
            data = _read_own(path)
            if data is None:
                continue
            try:
                kept = _parse(path, data, store_path)
            except Malformed as exc:
                _set_aside(path, exc, tell)
                continue
            if kept is not None:
                found.append(kept)
    return found


def mark_recovered(path: Path) -> None:
    try:
        os.replace(path, path.with_suffix(".recovered"))
    except OSError as exc:  # the store remembers it was added: it is not added again
        log.info("nbalign could not rename %s after recovering it: %s", path, exc)


def _set_aside(path: Path, reason: Malformed, tell: Callable[[str], None]) -> None:
    """Rename a malformed file, so it is neither read again nor lost, and tell the user once."""
    target = path.with_suffix(".malformed")
    try:
        os.replace(path, target)
    except OSError as exc:
        tell(f"nbalign cannot read the kept records in {path} ({reason}) and could not set it aside "
             f"({exc}); nothing was added from it.")
        return
    tell(f"nbalign set aside {path} as {target.name}: it does not hold records nbalign can read "
         f"({reason}); nothing was added from it.")


def _private(folder: Path) -> bool:
    """True if only this user may write in the folder: theirs, not writable by group or others.
    A file in any other folder may have been put there by someone else."""
    try:
        status = os.stat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(status.st_mode):
        return False
    if not hasattr(os, "getuid"):  # Windows: a user's folders are private by their access lists
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read_own(path: Path) -> bytes | None:
    """The file's content if it is a regular file this user owns, else None (a link, a FIFO, a
    folder, another user's file). Never blocks: the name is opened without waiting for a writer,
    and only a regular file is read."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:  # gone meanwhile, a link (not followed), unreadable
        log.info("nbalign ignores %s: it cannot be opened as a file", path)
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or (hasattr(os, "getuid") and status.st_uid != os.getuid()):
            log.info("nbalign ignores %s: not a regular file of this user", path)
            return None
        with open(fd, "rb", closefd=False) as file:
            return file.read()
    except OSError as exc:
        log.info("nbalign could not read %s: %s", path, exc)
        return None
    finally:
        os.close(fd)


def _parse(path: Path, data: bytes, store_path: Path | str) -> KeptFile | None:
    """The file's records if it was kept for this store; None if for another store or a newer
    nbalign. Raises :class:`Malformed` for anything else."""
    try:
        body = json.loads(data)
    except ValueError as exc:  # a UnicodeDecodeError too
        raise Malformed(f"not JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("store"), str):
        raise Malformed("not an object naming its store")
    if body["store"] != str(store_path):
        return None
    version = body.get("format")
    if isinstance(version, int) and version > FORMAT:
        log.info("nbalign leaves %s to a newer nbalign (format %d)", path, version)
        return None
    if version != FORMAT:
        raise Malformed(f"format {version!r}, expected {FORMAT}")
    return KeptFile(path, hashlib.sha256(data).hexdigest(), _records(body, "objectives", _objective),
                    _records(body, "evaluations", _evaluation))


def _records(body: dict, field: str, read: Callable[[dict], Objective | Evaluation]) -> list:
    items = body.get(field, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise Malformed(f"{field!r} is not a list of records")
    records = []
    for number, item in enumerate(items, start=1):
        try:
            records.append(read(item))
        except Exception as exc:  # noqa: BLE001 -- whatever a record makes from_dict raise, the file is malformed
            raise Malformed(f"{field} #{number}: {type(exc).__name__}: {exc}") from None
    return records


def _objective(data: dict) -> Objective:
    objective = Objective.restored(data)
    _check_types(objective, name=str, version=int)
    json.dumps(objective.stored())  # what the store writes
    return objective


def _evaluation_dict(evaluation: Evaluation) -> dict:
    """The record as the store writes it, and its fold scores, which the store keeps beside it."""
    data = evaluation.to_dict()
    if evaluation.fold_scores is not None:
        data["fold_scores"] = evaluation.fold_scores.to_dict()
    return data


def _evaluation(data: dict) -> Evaluation:
    evaluation = Evaluation.from_dict({**data, "id": None})
    _check_types(evaluation, objective=str, objective_version=int, name=str, metric=str, score=(int, float))
    json.dumps(evaluation.to_dict(), allow_nan=False)  # what the store writes: a NaN score is refused there
    return evaluation


def _check_types(record: Objective | Evaluation, **expected) -> None:
    """``from_dict`` takes what it is given; the fields the store and the judge compute with must
    be of their type, or the load would fail later, far from the file."""
    for field, kind in expected.items():
        value = getattr(record, field)
        if isinstance(value, bool) or not isinstance(value, kind):
            raise TypeError(f"{field} is {value!r}")
