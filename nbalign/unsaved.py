"""Evaluations the store refused, kept in a file so that they outlive the kernel.

A session keeps what the store refuses in memory and retries. When it is about to end
(``%unload_ext nbalign``, the kernel shutting down) with records still unwritten, it writes them
to a small JSON file in the first folder that accepts it: the store's folder, the working folder,
the user's Jupyter data folder, the temporary folder. The next session on the same store finds
those files, writes their records into the store once it accepts writes, and renames each file
``*.recovered``. Nothing is deleted.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import tempfile
from pathlib import Path

from .evaluation import Evaluation
from .objective import Objective

log = logging.getLogger(__name__)

PREFIX = "nbalign-unsaved-"
FORMAT = 1


def folders(store_path: Path | str) -> list[Path]:
    """Where unsaved records may be written, in order of preference."""
    candidates = [] if str(store_path) == ":memory:" else [Path(store_path).parent]
    candidates.append(Path.cwd())
    try:
        from jupyter_core.paths import jupyter_data_dir

        candidates.append(Path(jupyter_data_dir()) / "nbalign" / "unsaved")
    except ImportError:  # jupyter_core comes with ipykernel; a plain script may not have it
        pass
    candidates.append(Path(tempfile.gettempdir()) / "nbalign-unsaved")
    return candidates


def save(store_path: Path | str, items: list[Objective | Evaluation]) -> Path | None:
    """Write the items to the first folder that takes them; return the file, or None."""
    body = {
        "format": FORMAT,
        "store": str(store_path),
        "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "objectives": [i.to_dict() for i in items if isinstance(i, Objective)],
        "evaluations": [i.to_dict() for i in items if isinstance(i, Evaluation)],
    }
    text = json.dumps(body, indent=1, allow_nan=False)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    for folder in folders(store_path):
        target = folder / f"{PREFIX}{stamp}.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            log.info("nbalign could not keep unsaved records in %s: %s", folder, exc)
            continue
        return target
    return None


def find(store_path: Path | str) -> list[Path]:
    """Files of unsaved records that belong to this store, oldest first."""
    found = []
    for folder in dict.fromkeys(folders(store_path)):
        try:
            candidates = sorted(folder.glob(f"{PREFIX}*.json"))
        except OSError:
            continue
        for path in candidates:
            try:
                body = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(body, dict) and body.get("format") == FORMAT and body.get("store") == str(store_path):
                found.append(path)
    return found


def read(path: Path) -> tuple[list[Objective], list[Evaluation]]:
    body = json.loads(path.read_text(encoding="utf-8"))
    objectives = [Objective.from_dict(o) for o in body.get("objectives", [])]
    evaluations = [Evaluation.from_dict({**e, "id": None}) for e in body.get("evaluations", [])]
    return objectives, evaluations


def mark_recovered(path: Path) -> None:
    try:
        os.replace(path, path.with_suffix(".recovered"))
    except OSError as exc:
        log.info("nbalign could not rename %s after recovering it: %s", path, exc)
