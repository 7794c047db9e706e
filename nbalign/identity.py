"""A model's identity: its class and parameters, and what fitting it learned.

:func:`model_identity` is scikit-learn's notion of "the same model" (``get_params(deep=True)``),
made stable across kernels; :func:`fit_identity` tells apart two fits of that model that learned
different things (a refit on other rows, ``random_state=None``). Both are part of an
evaluation's key.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from typing import Any


def model_params(model) -> dict[str, Any]:
    """The model's own hyper-parameters as short JSON-safe values, for people to read.

    For an object without ``get_params`` (not a scikit-learn estimator), its simple public
    attributes (see :func:`model_identity`).
    """
    return {k: _json_safe(v, limit=200) for k, v in sorted(_get_params(model, deep=False).items())}


def model_identity(model) -> str:
    """A hash of the model's class and all its parameters, nested ones included.

    It is what scikit-learn considers the model's identity (``get_params(deep=True)``), made
    stable across kernels: object addresses in reprs are left out and nothing is truncated.
    What the model learned is :func:`fit_identity`'s business.

    An object without ``get_params`` has no declared parameters. Its identity is then its class
    and its public attributes that hold settings: numbers, strings, booleans, None and lists or
    dicts of them (a wrapper's ``threshold``, a booster's ``params``; a learned number kept in
    such an attribute counts too, as nothing tells it apart), plus the identity of any
    scikit-learn estimator it holds. Arrays and other objects are learned state, left to
    :func:`fit_identity`.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression  # doctest: +SKIP
    >>> model_identity(LogisticRegression(C=1.0)) == model_identity(LogisticRegression())  # doctest: +SKIP
    True
    """
    params = {k: _json_safe(v, limit=None) for k, v in sorted(_get_params(model, deep=True).items())}
    identity = json.dumps([qualname(model), params], sort_keys=True, default=str)
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _get_params(model, deep: bool) -> dict[str, Any]:
    get_params = getattr(model, "get_params", None)
    if get_params is None or isinstance(model, type):
        return _settings(model, deep)
    try:
        return get_params(deep=deep)
    except Exception:  # noqa: BLE001 - an estimator whose get_params is broken still gets evaluated
        return {}


def _settings(model, deep: bool) -> dict[str, Any]:
    """The fallback parameters of an object without get_params: its simple public attributes."""
    settings = {}
    for name, value in sorted(getattr(model, "__dict__", {}).items()):
        if name.startswith("_") or name.endswith("_"):
            continue
        if _is_estimator(value):
            settings[name] = model_identity(value) if deep else value
        elif _is_setting(value):
            settings[name] = value
    return settings


def _is_setting(value, depth: int = 0) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if depth < 3 and isinstance(value, (list, tuple)) and len(value) <= 100:
        return all(_is_setting(v, depth + 1) for v in value)
    if depth < 3 and isinstance(value, dict) and len(value) <= 100:
        return all(_is_setting(v, depth + 1) for v in value.values())
    return False


_MASK = (1 << 64) - 1  # 64-bit wrap-around for running sums
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _json_safe(value, limit: int | None):
    if limit is not None and isinstance(value, float) and not math.isfinite(value):
        # XGBoost's missing=nan: the record's JSON is strict; the identity (limit None) keeps its
        # hash as earlier versions computed it
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_safe(v, limit) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v, limit) for k, v in value.items()}
    if hasattr(value, "get_params"):  # a nested estimator: its own parameters are listed deep
        return qualname(value) if limit is None else _shorten(repr(value), limit)
    text = ADDRESS.sub("", repr(value))
    return text if limit is None else _shorten(text, limit)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def qualname(obj) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _is_estimator(value) -> bool:
    return hasattr(value, "get_params") and hasattr(value, "fit") and not isinstance(value, type)


# ------------------------------------------------------------------ what the model learned

# Arrays up to this size are hashed whole; larger ones by a sample and a sum (fit_identity).
_FIT_FULL_BYTES = 1 << 14
_FIT_SAMPLE_BYTES = 1 << 12
_FIT_MAX_DEPTH = 64
# Learned-state names that are not learning: seeds and generators drawn at fit time, wall-clock times.
_NOT_LEARNED = re.compile(r"random_state|random_seed|rng_?$|time_?$")
_TIMING = re.compile(r"_time$")


def fit_identity(model) -> str:
    """A hash of what the model learned: a refit on other data gives another one.

    What is hashed, recursively and by content:

    - of every scikit-learn estimator: every attribute that is not a constructor parameter,
      which is what ``fit`` set. That is scikit-learn's learned attributes (public names ending
      in ``_``: ``coef_``, ``classes_``, ``estimators_``, ``tree_``, ``transformers_``,
      ``best_estimator_``...) and the private ones some models keep their learning in
      (HistGradientBoosting's ``_predictors``, a nearest-neighbours model's ``_fit_X``);
    - of parameters, only the estimators they hold (a pipeline's fitted steps);
    - of any other object (a wrapper, a booster, a tree predictor, a calibrator): every attribute;
    - a tree's ``tree_`` through its state (its nodes with padding bytes zeroed, its values);
      other objects of C code (dates, a neighbours index) by their repr without addresses: a
      neighbours index is derived from ``_fit_X``, and its state counts queries.

    Left out, because two fits that learned the same thing differ in them: random seeds and
    generators (names with ``random_state``, ``random_seed``, ``rng``) and wall-clock timings
    (names ending in ``time``, such as a search's ``refit_time_`` and ``cv_results_``'s
    ``mean_fit_time``). A parameter's own value is :func:`model_identity`'s business.

    Stable across kernels: numbers, strings and array bytes with their dtype and shape, classes
    by qualified name; no addresses, no ``hash()``, no pickle. Bounded: an array above 16 KiB is
    hashed through 4 KiB of evenly spaced items plus the wrap-around sum of all its 8-byte
    words, so a forest of 300 deep trees costs a fraction of one predict. That is enough
    because a fit on other data changes a tree nearly everywhere (the sample sees it), and a
    change of a single value anywhere changes the sum; what could go unseen is a pure
    rearrangement of an array's items outside the sample, which no fit produces.

    Examples
    --------
    >>> lr = LogisticRegression().fit(X[:40], y[:40])  # doctest: +SKIP
    >>> fit_identity(lr) == fit_identity(clone(lr).fit(X, y))  # doctest: +SKIP
    False
    """
    hasher = _StateHasher()
    hasher.walk(model, 0)
    return hasher.hexdigest()


class _StateHasher:
    """Walks an object graph once, feeding a SHA-256 with a tagged, length-prefixed encoding."""

    def __init__(self):
        import numpy as np

        self._np = np
        self._parts: list[bytes] = []  # hashed at the end, at once: cheaper than many updates
        self._seen: dict[int, int] = {}
        self._alive: list = []  # ids stay unique while the objects they name are alive

    def hexdigest(self) -> str:
        return hashlib.sha256(b"".join([b"nbalign fit 1", *self._parts])).hexdigest()[:16]

    def _put(self, tag: bytes, payload: bytes = b"") -> None:
        self._parts.append(tag + len(payload).to_bytes(8, "little") + payload)

    def walk(self, value, depth: int) -> None:
        np = self._np
        if value is None or isinstance(value, (bool, np.bool_)):
            return self._put(b"b", repr(None if value is None else bool(value)).encode())
        if isinstance(value, (int, np.integer)):
            return self._put(b"i", str(int(value)).encode())
        if isinstance(value, (float, np.floating)):
            return self._put(b"f", float(value).hex().encode())
        if isinstance(value, str):
            return self._put(b"s", value.encode("utf-8", "surrogatepass"))
        if isinstance(value, (bytes, bytearray)):
            return self._put(b"y", bytes(value))
        if isinstance(value, slice):
            return self.walk((value.start, value.stop, value.step), depth + 1)
        if isinstance(value, (np.generic, complex)):  # other scalars: their bytes, with the dtype
            return self._array(np.asarray(value), depth)
        if depth > _FIT_MAX_DEPTH or _is_randomness(value):
            return self._put(b"t", qualname(value).encode())
        ref = self._seen.get(id(value))
        if ref is not None:
            return self._put(b"@", str(ref).encode())
        self._seen[id(value)] = len(self._seen)
        self._alive.append(value)
        if isinstance(value, np.ndarray):
            return self._array(value, depth)
        if isinstance(value, (list, tuple)):
            self._put(b"[", str(len(value)).encode())
            for item in value:
                self.walk(item, depth + 1)
            return None
        if isinstance(value, dict):
            return self._mapping(value, depth, skip=None)
        if isinstance(value, (set, frozenset)):
            return self.walk(sorted(value, key=repr), depth + 1)
        module = type(value).__module__
        if module.startswith("pandas") and getattr(value, "ndim", 0) >= 1:  # Series, Index, DataFrame
            return self._array(np.asarray(value, dtype=object), depth)
        if module.startswith("scipy.sparse") and hasattr(value, "tocsr"):
            csr = value.tocsr()
            return self.walk(["sparse", csr.shape, csr.data, csr.indices, csr.indptr], depth + 1)
        if _is_estimator(value):
            return self._estimator(value, depth)
        if callable(value) and hasattr(value, "__qualname__"):  # functions, classes, methods
            return self._put(b"c", f"{getattr(value, '__module__', '')}.{value.__qualname__}".encode())
        self._put(b"o", qualname(value).encode())
        state = getattr(value, "__dict__", None)
        if state is not None:
            return self._mapping(state, depth, skip=_NOT_LEARNED)
        if qualname(value) == "sklearn.tree._tree.Tree":
            return self.walk(value.__getstate__(), depth + 1)
        # Other objects of C code (dates, decimals, a neighbours index): their repr, addresses left out.
        return self._put(b"r", ADDRESS.sub("", repr(value)).encode())

    def _mapping(self, mapping: dict, depth: int, skip: re.Pattern | None) -> None:
        keys = sorted((k for k in mapping if not (skip and skip.search(str(k)))), key=str)
        self._put(b"{", str(len(keys)).encode())
        for key in keys:
            self.walk(str(key), depth + 1)
            self.walk(mapping[key], depth + 1)

    def _estimator(self, estimator, depth: int) -> None:
        self._put(b"e", qualname(estimator).encode())
        cls: type = type(estimator)  # as `type`: mypy sees a type[Any] as not Hashable (python/mypy#11470)
        params = _param_names(cls)
        state = vars(estimator)
        for name in sorted(state):
            value = state[name]
            if name in params:  # a setting; only the estimators it holds were fitted
                if not _holds_estimator(value):
                    continue
            elif _NOT_LEARNED.search(name):
                continue
            self.walk(name, depth + 1)
            if name == "cv_results_" and isinstance(value, dict):  # a search's timings
                self._mapping(value, depth + 1, skip=_TIMING)
            else:
                self.walk(value, depth + 1)

    def _array(self, array, depth: int) -> None:
        np = self._np
        if isinstance(array, np.ma.MaskedArray):
            self.walk(np.ma.getmaskarray(array), depth + 1)
            array = np.ma.getdata(array)
        shape = repr(array.shape).encode()
        if array.dtype.hasobject:
            self._put(b"O", shape + repr(array.dtype.names).encode())
            for item in array.ravel(order="C"):
                for value in (item if array.dtype.names else (item,)):
                    self.walk(value, depth + 1)
            return
        self._put(b"a", _descr(array.dtype) + shape)
        itemsize = max(array.dtype.itemsize, 1)
        records = np.ascontiguousarray(array).reshape(-1).view(np.uint8).reshape(-1, itemsize)
        used = _used_bytes(array.dtype)
        if used is not None:  # structured (a tree's nodes): padding bytes hold garbage, zero them
            records = records * used
        raw = records.reshape(-1)
        if raw.nbytes <= _FIT_FULL_BYTES:
            self._put(b"=", raw.tobytes())
            return
        step = -(-len(records) // max(1, _FIT_SAMPLE_BYTES // itemsize))
        whole = raw.nbytes // 8 * 8
        total = int(raw[:whole].view(np.uint64).sum()) & _MASK
        sample = np.ascontiguousarray(records[::step]).tobytes()
        self._put(b"~", sample + total.to_bytes(8, "little") + raw[whole:].tobytes())


@functools.lru_cache(maxsize=256)
def _descr(dtype) -> bytes:
    return repr(dtype.descr).encode()


@functools.lru_cache(maxsize=64)
def _used_bytes(dtype):
    """For a structured dtype, which bytes of a record belong to a field (None: all do)."""
    import numpy as np

    if not dtype.names:
        return None
    used = np.zeros(dtype.itemsize, dtype=np.uint8)

    def mark(fields, base: int) -> None:
        for name in fields.names:
            field, offset = fields.fields[name][:2]
            if field.names:
                mark(field, base + offset)
            else:
                used[base + offset: base + offset + field.itemsize] = 1

    mark(dtype, 0)
    return None if used.all() else used


def _is_randomness(value) -> bool:
    module = type(value).__module__
    return (module.startswith("numpy.random") or module == "random") and not callable(value)


@functools.lru_cache(maxsize=512)
def _param_names(cls) -> frozenset[str]:
    """The constructor parameters of an estimator class (scikit-learn's ``get_params`` keys)."""
    import inspect

    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(p.name for p in signature.parameters.values()
                     if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def _holds_estimator(value, depth: int = 0) -> bool:
    if _is_estimator(value):
        return True
    if depth < 2 and isinstance(value, (list, tuple)):
        return any(_holds_estimator(v, depth + 1) for v in value)
    return False
