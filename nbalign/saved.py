"""A fitted model saved beside its ship record, and loaded back, as scikit-learn recommends.

https://scikit-learn.org/stable/model_persistence.html recommends ``skops.io`` where it can save
the model (loading it runs no code but that of the types the loader is told to trust) and
``joblib`` (pickle) otherwise, with the versions of the libraries the model was fitted with.
So :func:`save_model` writes ``folder/model.skops`` when the model loads back from skops, else
``folder/model.joblib``, and ``folder/model.json``, which says which, with the file's SHA-256,
the skops types to trust and the library versions: a folder describes itself.
:func:`load_model` refuses a file that changed since, trusts exactly the recorded types, and
warns when scikit-learn is not the version the model was saved with.

Loading a joblib file runs whatever code the file names: load only folders you trust. The hash
shows the file is the one written, not that whoever wrote it meant well.

Only the standard library is imported here: scikit-learn, skops and joblib load when a model is
saved or loaded, so ``import nbalign`` stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal

from .errors import NbalignError

Format = Literal["skops", "joblib"]


@dataclass(frozen=True)
class SavedModel:
    """What :func:`save_model` wrote, kept in ``<name>.json`` beside the file."""

    file: str  # the file's name in its folder (a name only, so the folder can be moved)
    format: Format
    sha256: str  # of the file's bytes: a file changed since it was saved is refused
    bytes: int
    libraries: dict[str, str]  # distribution (and "python") -> version, as installed at save time
    trusted: tuple[str, ...]  # the types skops is told to trust on load; () for joblib
    python_class: str  # the model's class, qualified: what the file should hold

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: lists, strings and numbers only."""
        record = asdict(self)
        record["trusted"] = list(self.trusted)
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> SavedModel:
        """The inverse of :meth:`to_dict`. Keys it does not know are ignored, so a record written by
        a later nbalign, with more to say, still loads."""
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in record]
        if missing:
            raise NbalignError(f"a saved model's record lacks {', '.join(missing)}: save the model again")
        known = {n: record[n] for n in names}
        if known["format"] not in ("skops", "joblib"):
            raise NbalignError(f"a saved model's format is {known['format']!r}, not 'skops' or 'joblib'")
        known["trusted"] = tuple(known["trusted"])
        known["libraries"] = dict(known["libraries"])
        return cls(**known)


def save_model(model: Any, folder: Path, name: str = "model") -> SavedModel:
    """Save a fitted model in ``folder`` as ``<name>.skops``, else ``<name>.joblib``, and describe it
    in ``<name>.json``; return that description.

    skops is used when the file it writes loads back: ``skops.io.dump`` writes a reference by name
    to what it cannot store (a lambda, a bound method, a lock), which fails only on load. The
    types the file names that skops does not trust by default (``get_untrusted_types``) are
    recorded, and loading trusts exactly those. Otherwise joblib pickles the model; what pickle
    cannot save either raises :class:`NbalignError` naming it, and leaves no file behind.

    Saving again under the same name replaces the file and the record. A file of the other format
    from an earlier save is left as it is (it may be one the user wrote): the record says which is current.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    trusted: list[str] = []

    def skops_file(path: Path) -> None:
        import skops.io

        skops.io.dump(model, path)
        trusted[:] = skops.io.get_untrusted_types(file=path)
        skops.io.load(path, trusted=trusted)  # raises when a name in the file does not resolve

    def joblib_file(path: Path) -> None:
        import joblib

        joblib.dump(model, path)

    fmt: Format = "skops"
    try:
        _write_whole(folder / f"{name}.skops", skops_file)
    except Exception:  # noqa: BLE001 - skops cannot save or load this model back, whatever the reason: joblib can try
        fmt, trusted = "joblib", []
        try:
            _write_whole(folder / f"{name}.joblib", joblib_file)
        except OSError:
            raise  # the folder cannot be written (no room, no permission): the message says so already
        except Exception as exc:  # pickle's failures are of many types (PicklingError, TypeError, AttributeError)
            raise NbalignError(_unpicklable(model, exc)) from exc
    path = folder / f"{name}.{fmt}"
    saved = SavedModel(file=path.name, format=fmt, sha256=_sha256(path), bytes=path.stat().st_size,
                       libraries=_libraries(model, fmt), trusted=tuple(trusted), python_class=_qualname(type(model)))
    text = json.dumps(saved.to_dict(), indent=2, sort_keys=True) + "\n"
    _write_whole(folder / f"{name}.json", lambda p: p.write_text(text, encoding="utf-8"))
    return saved


def load_model(folder: Path, saved: SavedModel | dict[str, Any] | None = None, *, name: str = "model") -> Any:
    """The model :func:`save_model` saved in ``folder``, described by ``saved`` or, when it is None,
    by ``folder/<name>.json``.

    Raises :class:`NbalignError` when the file changed since it was saved, or when the model needs
    something this Python cannot import (a function the notebook defined, a library not
    installed). Warns when the installed scikit-learn is not the version it was saved with.
    """
    folder = Path(folder)
    if saved is None:
        saved = _read_record(folder / f"{name}.json")
    elif isinstance(saved, dict):
        saved = SavedModel.from_dict(saved)
    if Path(saved.file).name != saved.file:  # a record names a file in its folder, never elsewhere
        raise NbalignError(f"a saved model's file is {saved.file!r}: a file name in {folder} is expected")
    path = folder / saved.file
    _check_unchanged(path, saved)
    _warn_if_other_scikit_learn(path, saved)
    try:
        if saved.format == "skops":
            import skops.io

            return skops.io.load(path, trusted=list(saved.trusted))
        import joblib

        return joblib.load(path)
    except (AttributeError, ImportError) as exc:  # a name in the file that this Python cannot find
        raise NbalignError(
            f"{path} holds a {saved.python_class} that needs something this Python cannot import ({exc}). "
            "Install the library, or define the function in the notebook, before loading it."
        ) from exc


def _write_whole(target: Path, write: Callable[[Path], object]) -> None:
    """Write ``target`` through a temporary name beside it, renamed only once ``write`` returned:
    a failure, or a crash, leaves the previous file (if any) and no half-written one.

    The temporary name is opened by ``write`` as any file is, so the file gets the usual
    permissions (mkstemp would make it readable by its owner only)."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        write(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_record(path: Path) -> SavedModel:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NbalignError(f"{path} is missing: save the model with save_model first, or pass its record") from None
    except (OSError, ValueError) as exc:
        raise NbalignError(f"{path} cannot be read ({exc}): save the model again") from exc
    if not isinstance(record, dict):
        raise NbalignError(f"{path} does not hold a saved model's record: save the model again")
    return SavedModel.from_dict(record)


def _check_unchanged(path: Path, saved: SavedModel) -> None:
    """Before anything is loaded: a changed file may be another model, or a malicious one."""
    if not path.is_file():
        raise NbalignError(f"{path} is missing: restore it, or save the model again")
    if _sha256(path) != saved.sha256:
        raise NbalignError(
            f"{path} changed since it was saved (its SHA-256 is not the recorded one), so it is not loaded. "
            "Restore the file as it was saved, or save the model again."
        )


def _warn_if_other_scikit_learn(path: Path, saved: SavedModel) -> None:
    """scikit-learn does not promise that a model loads, or predicts the same, in another version."""
    from importlib.metadata import PackageNotFoundError, version

    then = saved.libraries.get("scikit-learn")
    try:
        now = version("scikit-learn")
    except PackageNotFoundError:
        now = "none"
    if then is not None and then != now:
        warnings.warn(f"{path.name} was saved with scikit-learn {then} and is loaded with {now}: "
                      f"its predictions may differ; install scikit-learn=={then} to be sure", stacklevel=3)


def _parts(model: Any) -> list[Any]:
    """The model and the estimators inside it: the steps of a Pipeline, the transformers of a
    ColumnTransformer, and theirs in turn (scikit-learn's deep parameters)."""
    try:
        params = model.get_params(deep=True)
    except Exception:  # noqa: BLE001 - not a scikit-learn estimator, or one whose get_params fails: the model alone
        return [model]
    return [model] + [v for v in params.values() if hasattr(v, "get_params") and not isinstance(v, type)]


def _libraries(model: Any, fmt: Format) -> dict[str, str]:
    """Python's version and the installed version of each distribution the model depends on: the
    ones scikit-learn models need, the one that saved it, and those of the model's classes
    (lightgbm, xgboost-cpu...). A class the notebook defined belongs to none and is left out."""
    import platform
    from importlib.metadata import PackageNotFoundError, packages_distributions, version

    wanted = ["scikit-learn", "numpy", "scipy", "joblib"] + (["skops"] if fmt == "skops" else [])
    owners = packages_distributions()  # top-level module -> distributions, e.g. sklearn -> scikit-learn
    for top in sorted({type(part).__module__.partition(".")[0] for part in _parts(model)}):
        wanted += [d for d in owners.get(top, []) if d not in wanted]
    found = {"python": platform.python_version()}
    for distribution in wanted:
        try:
            found[distribution] = version(distribution)
        except PackageNotFoundError:
            pass  # scipy without scikit-learn, say: nothing to record
    return found


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _unpicklable(model: Any, exc: BaseException) -> str:
    """Which part of the model pickle cannot save: the deepest parameter that fails alone (say
    ``functiontransformer__func``), else the model itself (the culprit is in its fitted state)."""
    import pickle

    culprit = f"the {_qualname(type(model))}"
    try:
        params = model.get_params(deep=True)
    except Exception:  # noqa: BLE001 - no parameters to look into: the model is named
        params = {}
    failing = []
    for key, value in params.items():
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001 - any failure marks the parameter as one that cannot be saved
            failing.append(key)
    if failing:
        key = max(failing, key=lambda k: k.count("__"))
        culprit = f"its parameter {key} ({params[key]!r})"
    return (f"the model cannot be saved: {culprit} cannot be pickled ({type(exc).__name__}: {exc}), so neither "
            "skops nor joblib can save it. Define it at the top level of a module instead (a lambda or a function "
            "defined inside another cannot be pickled), or save the model by hand (e.g. with cloudpickle, which "
            "saves such functions by value).")
