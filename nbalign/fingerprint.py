"""A data set's fingerprint: by content, whatever the container.

The same values give the same fingerprint in a numpy array, a DataFrame, a scipy sparse matrix
or a list; other values, or the same values in another order, give another. It is cheap next to
the metric call it accompanies (``benchmarks/fingerprint.py``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import math
import numbers
import threading
from collections import OrderedDict
from decimal import Decimal

from .identity import ADDRESS, qualname

# Values hashed in full: every row of smaller data, evenly spaced rows of larger data.
_SAMPLE_VALUES = 1 << 15
MASK = (1 << 64) - 1
_NAN_BITS = 0x7FF8000000000000  # numpy's NaN: every missing value, whatever the container said
_DATETIME = 0x44A7E7A5C0FFEE01  # xor-ed into nanoseconds, so a date is not the number of its ns
_TIMEDELTA = 0x7D31B0E2A9C45F13
_GOLDEN = 0x9E3779B97F4A7C15


def fingerprint(X, y) -> str:
    """A short hash of the data's content: the same test set gives the same fingerprint.

    Content is the values and the shape: not the container, the index, the column names or
    the dtype. A DataFrame, its ``.to_numpy()``, the same values as a list, and a scipy sparse
    matrix in any format (explicit zeros or duplicates included) have the same fingerprint.

    Values
        Numbers (bool, int, float of any width, in any container) are compared as float64:
        ``1``, ``1.0`` and ``True`` are the same value, as scikit-learn sees them; integers
        beyond 2**53 that round to the same float64 collide. Floats are compared by bit
        pattern, so ``-0.0`` differs from ``0.0``. Every missing value (NaN, None, pd.NA,
        NaT) is one value. Strings and bytes by their UTF-8 bytes; dates and times as
        nanoseconds (time-zone aware ones in UTC); categoricals by their values, not codes;
        lists, tuples, arrays, dicts and sets held in a cell by their content (a list and an
        array of the same numbers agree; dict keys in any order); other objects by their class
        and repr without addresses.

    Cost
        Each value becomes a 64-bit code (a number's float64 bits, a string's stable hash from
        ``pandas.util.hash_array``, a date's nanoseconds...) in a few vectorised passes; sparse
        data through its stored values only, a zero's code being 0. Data with at most 32,768
        values is hashed whole with SHA-256. For larger data, SHA-256 covers evenly spaced rows
        holding 32,768 values, and every row enters through the sum of its codes, mixed with its
        position by MurmurHash3's finaliser. So a change of one value anywhere, a change of row
        order and any change touching the sampled rows change the fingerprint (short of a
        2**-64 coincidence); a rearrangement within an unsampled row that keeps its sum (two
        cells of a row swapped) can go unseen.

    Examples
    --------
    >>> from sklearn.datasets import load_iris  # doctest: +SKIP
    >>> X, y = load_iris(return_X_y=True, as_frame=True)  # doctest: +SKIP
    >>> fingerprint(X, y) == fingerprint(X.to_numpy(), y.to_list())  # doctest: +SKIP
    True
    """
    check = _frame_check(X, y)
    if check is not None and check in _FRAMES:  # the same frame's content, seen a moment ago
        _FRAMES.move_to_end(check)
        return _FRAMES[check]
    found = _fingerprint(X, y)
    if check is not None:
        _FRAMES[check] = found
        while len(_FRAMES) > _FRAMES_KEPT:
            _FRAMES.popitem(last=False)
    return found


# A DataFrame with text columns costs its fingerprint a pass per column, while every model is
# scored on the same test frame: its fingerprint is kept by a digest of the frame's memory (a
# pass per pandas block, without stable hashing), valid within this process only.
_FRAMES: OrderedDict = OrderedDict()
_FRAMES_KEPT = 16


def _frame_check(X, y) -> tuple | None:
    """A digest of everything a DataFrame ``X`` and labels ``y`` hold that the fingerprint reads
    (shape, dtypes, values), or None when ``X`` is not a DataFrame with text columns or a value
    has no hash."""
    import sys

    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(X, pandas.DataFrame):
        return None
    try:
        blocks = X._mgr.blocks
        if not any(block.values.dtype == object for block in blocks):
            return None  # numbers only: the fingerprint is vectorised already
        return (X.shape, tuple(_block_check(block.values) for block in blocks),
                tuple(tuple(block.mgr_locs.as_array.tolist()) for block in blocks), _block_check(_values(y)))
    except Exception:  # noqa: BLE001 - a container this check does not know is fingerprinted in full
        return None


def _values(data):
    to_numpy = getattr(data, "to_numpy", None)
    return to_numpy() if callable(to_numpy) else data


def _block_check(values) -> tuple:
    import numpy as np

    if isinstance(values, np.ndarray) and values.dtype != object:
        data = np.ascontiguousarray(values)
        # .data: the bytes as a memoryview, no copy (NumPy's stubs declare the buffer protocol from Python 3.12 only)
        digest = hashlib.blake2b(data.view(np.uint8).ravel().data, digest_size=16).digest()
        return values.dtype.str, values.shape, digest
    values = np.asarray(values, dtype=object)
    return "O", values.shape, type(values.flat[0]).__name__ if values.size else "", hash(tuple(values.ravel().tolist()))


def _fingerprint(X, y) -> str:
    digest = hashlib.sha256(b"nbalign data 2")
    for part in (X, y):
        shape, sample, rows = _content(part)
        digest.update(repr(tuple(int(n) for n in shape)).encode())
        digest.update(len(sample).to_bytes(8, "little"))
        digest.update(sample)
        digest.update(rows.to_bytes(8, "little"))
    return digest.hexdigest()[:16]


def _content(data) -> tuple[tuple, bytes, int]:
    """(shape, the sampled rows' codes as bytes, the position-mixed sum of every row's codes)."""
    import numpy as np

    if data is None:
        return (), b"", 0
    if type(data).__module__.startswith("scipy.sparse"):
        return _sparse_content(data)
    module = type(data).__module__
    if module.startswith("pandas") and hasattr(data, "columns"):
        n, m = data.shape
        return (n, m), *_hash_columns(n, m, _frame_columns(data))
    if module.startswith("pandas") and hasattr(data, "dtype"):  # a Series, an Index
        import pandas as pd

        series = data if isinstance(data, pd.Series) else pd.Series(data)
        n = len(series)
        return (n,), *_hash_columns(n, 1, [(0, _series_codes(series))])
    try:
        array = np.asarray(data)
    except ValueError:  # nested lists whose cells hold lists or arrays
        array = _object_table(list(data))
    shape = array.shape
    table = array.reshape(1, 1) if array.ndim == 0 else array.reshape(shape[0], math.prod(shape[1:]))
    n, m = table.shape
    return shape, *_hash_columns(n, m, _array_columns(table))


def _object_table(rows: list):
    """Rows of equal length as a 2-D object array, cell by cell; else one object per row."""
    import numpy as np

    widths = {len(row) if isinstance(row, (list, tuple)) else None for row in rows}
    width = widths.pop() if len(widths) == 1 else None
    table = np.empty((len(rows), width) if width is not None else len(rows), dtype=object)
    for i, row in enumerate(rows):
        if width is None:
            table[i] = row
        else:
            for j, cell in enumerate(row):
                table[i, j] = cell
    return table


def _hash_columns(n: int, m: int, blocks) -> tuple[bytes, int]:
    """Fold blocks of column codes ``(first column, (n, k) uint64)`` into (sample bytes, rows hash)."""
    import numpy as np

    rows = _sampled_rows(n, m)
    sample = np.zeros((len(rows), m), dtype=np.uint64)
    row_sums, spare = _workspace(n)
    row_sums.fill(0)
    for start, codes in blocks:
        codes = codes[:, None] if codes.ndim == 1 else codes
        if codes.shape[1] == 1:
            row_sums += codes[:, 0]
        elif codes.flags.f_contiguous:  # both wrap around; einsum is twice as fast along C-ordered rows
            row_sums += codes.sum(axis=1)
        else:
            row_sums += np.einsum("ij->i", codes, out=spare)
        sample[:, start:start + codes.shape[1]] = codes[rows]
    return _folded(sample, row_sums, spare)


@functools.lru_cache(maxsize=8)
def _sampled_rows(n: int, m: int):
    """Evenly spaced rows holding at most _SAMPLE_VALUES values (every row of smaller data)."""
    import numpy as np

    k = min(n, max(1, _SAMPLE_VALUES // max(m, 1)))
    rows = np.arange(k, dtype=np.int64) * n // k
    rows.flags.writeable = False  # shared by every call with these sizes
    return rows


# Rows whose working arrays are kept from one fingerprint to the next. Fresh memory is what a
# fingerprint mostly paid for (each new page is faulted in), more than the hashing itself; a test
# set is fingerprinted again at every evaluation. Larger data gets arrays of its own.
_KEPT_ROWS = 2_000_000
_kept = threading.local()


def _workspace(n: int):
    """Two uint64 arrays of ``n`` values (their contents left as they were), reused across calls."""
    import numpy as np

    held = getattr(_kept, "arrays", None)
    if held is None or len(held[0]) < n:
        held = (np.empty(n, dtype=np.uint64), np.empty(n, dtype=np.uint64))
        if n <= _KEPT_ROWS:
            _kept.arrays = held
    return held[0][:n], held[1][:n]


def _positions(n: int):
    """``i * _GOLDEN`` for each row i (wrapping): the same prefix for every n, so one array is kept."""
    import numpy as np

    held = getattr(_kept, "positions", None)
    if held is None or len(held) < n:
        held = np.arange(n, dtype=np.uint64)
        np.multiply(held, np.uint64(_GOLDEN), out=held)
        if n <= _KEPT_ROWS:
            _kept.positions = held
    return held[:n]


def _folded(sample, row_sums, spare=None) -> tuple[bytes, int]:
    """(the sampled rows' codes as bytes, the sum of every row's code sum mixed with its position)."""
    import numpy as np

    np.bitwise_xor(row_sums, _positions(len(row_sums)), out=row_sums)
    mixed = _mix(row_sums, scratch=spare)
    return np.ascontiguousarray(sample).tobytes(), int(mixed.sum(dtype=np.uint64))


def _mix(x, scratch=None):
    """MurmurHash3's 64-bit finaliser, in place: a bijection, so distinct sums stay distinct.

    Every step writes into ``x`` or ``scratch``: a fresh array per step costs more in memory
    allocation than the arithmetic itself."""
    import numpy as np

    scratch = np.empty_like(x) if scratch is None else scratch
    for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, None):
        np.right_shift(x, np.uint64(33), out=scratch)
        np.bitwise_xor(x, scratch, out=x)
        if multiplier is not None:
            np.multiply(x, np.uint64(multiplier), out=x)
    return x


def _array_columns(table):
    """Code blocks of a 2-D array: numbers in one block, other values column by column."""
    import numpy as np

    kind = table.dtype.kind
    if kind in "biuf":
        yield 0, _float_codes(table)
    elif kind == "c":
        yield 0, _complex_codes(table)
    elif kind in "Mm":
        yield 0, _time_codes(table)
    else:
        for j in range(table.shape[1]):
            yield j, _object_codes(np.ascontiguousarray(table[:, j], dtype=object))


def _frame_columns(frame):
    """Code blocks of a DataFrame: all-numpy-number frames in one block, else column by column."""
    import numpy as np

    if all(getattr(dtype, "kind", "O") in "biuf" and isinstance(dtype, np.dtype) for dtype in frame.dtypes):
        yield 0, _float_codes(frame.to_numpy(dtype=np.float64))
        return
    for j in range(frame.shape[1]):
        yield j, _series_codes(frame.iloc[:, j])


def _series_codes(series):
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = np.append(_array_codes(np.asarray(dtype.categories.to_numpy())), np.uint64(_NAN_BITS))
        return categories[np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)]  # -1, missing: the last
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        if isinstance(dtype, np.dtype) and dtype.kind == "c":
            return _complex_codes(series.to_numpy())
        try:
            return _float_codes(series.to_numpy(dtype=np.float64, na_value=np.nan))
        except (TypeError, ValueError):
            pass
    if dtype.kind in "Mm":
        return _time_codes(series)
    if isinstance(dtype, pd.StringDtype):  # each distinct string hashed once, missing ones aside
        codes, distinct = pd.factorize(series)
        hashed = _string_codes(np.asarray(distinct, dtype=object)) if len(distinct) else np.zeros(0, np.uint64)
        return np.append(hashed, np.uint64(_NAN_BITS))[codes]
    return _object_codes(np.asarray(series.to_numpy(dtype=object)))


def _array_codes(values):
    """Codes of a 1-D array of any dtype."""
    import numpy as np

    kind = values.dtype.kind
    if kind in "biuf":
        return _float_codes(values)
    if kind == "c":
        return _complex_codes(values)
    if kind in "Mm":
        return _time_codes(values)
    return _object_codes(np.ascontiguousarray(values, dtype=object))


def _float_codes(values):
    import numpy as np

    return np.asarray(values, dtype=np.float64).view(np.uint64)


def _complex_codes(values):
    """A complex number with no imaginary part has the code of its real part."""
    import numpy as np

    values = np.asarray(values, dtype=np.complex128)
    return _float_codes(values.real.copy()) ^ _mix(_float_codes(values.imag.copy()).copy())


def _time_codes(values):
    """Nanoseconds (UTC for zone-aware times), with missing times as the missing value."""
    import numpy as np
    import pandas as pd

    shape = np.shape(values)
    flat = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).reshape(-1))
    if flat.dtype.kind == "M":
        index, tag = pd.DatetimeIndex(flat), _DATETIME
    else:
        index, tag = pd.TimedeltaIndex(flat), _TIMEDELTA
    try:
        nanoseconds = index.as_unit("ns").asi8
    except (OverflowError, ValueError):  # beyond the nanosecond range: one value at a time
        return _mixed_codes(np.asarray(index.astype(object), dtype=object)).reshape(shape)
    codes = nanoseconds.view(np.uint64) ^ np.uint64(tag)
    codes[np.asarray(index.isna())] = _NAN_BITS
    return codes.reshape(shape)


def _object_codes(column):
    """Codes of a 1-D object array: vectorised when it holds one kind of value, else per value."""
    import numpy as np
    import pandas as pd

    kind = pd.api.types.infer_dtype(column, skipna=False)
    if kind in ("string", "bytes"):
        return _string_codes(column)
    if kind in ("floating", "integer", "mixed-integer-float", "boolean", "decimal"):
        try:
            return _float_codes(column.astype(np.float64))
        except (TypeError, ValueError, OverflowError):
            pass
    if kind in ("datetime", "datetime64", "date"):
        try:
            return _time_codes(pd.Series(pd.to_datetime(column)))
        except (TypeError, ValueError, OverflowError):
            pass
    if kind in ("timedelta", "timedelta64"):
        try:
            return _time_codes(pd.Series(pd.to_timedelta(column)))
        except (TypeError, ValueError, OverflowError):
            pass
    return _mixed_codes(column)


def _mixed_codes(column):
    """Per value; strings and plain numbers are still coded together, as the vectorised paths do."""
    import numpy as np

    codes = np.empty(len(column), dtype=np.uint64)
    strings, numbers, values = [], [], []
    for i, value in enumerate(column.tolist()):
        cls = type(value)
        if cls is str or cls is bytes:
            strings.append(i)
        elif (cls is float or cls is bool or (cls is int and -(1 << 1000) < value < 1 << 1000)):
            numbers.append(i)
            values.append(value)
        else:
            codes[i] = _value_code(value)
    if strings:
        codes[strings] = _string_codes(column[strings])
    if numbers:
        codes[numbers] = _float_codes(np.array(values, dtype=np.float64))
    return codes


def _string_codes(column):
    """pandas' stable 64-bit hash of each string's UTF-8 bytes, hashing each distinct string once."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(column)
    return pd.util.hash_array(np.asarray(distinct, dtype=object), categorize=False)[codes]


def _value_code(value) -> int:
    """The code of one value, equal to what the vectorised paths give the same value."""
    code = _scalar_code(value)
    if code is None:
        return int.from_bytes(hashlib.sha256(_canonical(value)).digest()[:8], "little")
    return code


def _scalar_code(value) -> int | None:
    """The code of a missing value, string, number, date or duration; None for anything else."""
    import numpy as np

    if _missing(value):
        return _NAN_BITS
    if isinstance(value, (str, bytes)):
        return int(_string_codes(np.array([value], dtype=object))[0])
    if isinstance(value, (_dt.date, np.datetime64, _dt.timedelta, np.timedelta64)):
        import pandas as pd

        try:
            if isinstance(value, (_dt.date, np.datetime64)):
                return (pd.Timestamp(value).as_unit("ns").value & MASK) ^ _DATETIME
            return (pd.Timedelta(value).as_unit("ns").value & MASK) ^ _TIMEDELTA
        except (OverflowError, ValueError):
            return None
    if isinstance(value, (numbers.Real, np.bool_, Decimal)):
        try:
            return int(_float_codes(np.array([float(value)]))[0])
        except OverflowError:
            return None
    if isinstance(value, numbers.Complex):
        return int(_complex_codes(np.array([complex(value)]))[0])
    return None


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if type(value).__module__.startswith("pandas"):
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    return False


def _canonical(value, depth: int = 0) -> bytes:
    """Bytes that depend on a cell value's content only (lists, arrays, dicts... held in a cell)."""
    import numpy as np

    def tagged(tag: bytes, payload: bytes) -> bytes:
        return tag + len(payload).to_bytes(8, "little") + payload

    if depth > 50:
        return tagged(b"o", qualname(value).encode())
    code = _scalar_code(value)
    if code is not None:
        return tagged(b"v", code.to_bytes(8, "little"))
    if isinstance(value, dict):
        items = sorted(_canonical(k, depth + 1) + _canonical(v, depth + 1) for k, v in value.items())
        return tagged(b"{", b"".join(items))
    if isinstance(value, (set, frozenset)):
        return tagged(b"<", b"".join(sorted(_canonical(v, depth + 1) for v in value)))
    if isinstance(value, (list, tuple, np.ndarray)) or getattr(value, "ndim", 0) >= 1:  # pandas too
        try:
            array = np.asarray(value)
        except ValueError:  # ragged
            array = None
        if array is not None and array.dtype.kind in "biuf":
            return tagged(b"a", repr(array.shape).encode() + _float_codes(array).tobytes())
        items = list(value) if array is None or array.ndim <= 1 else list(array)
        return tagged(b"[", b"".join(_canonical(v, depth + 1) for v in items))
    return tagged(b"o", f"{qualname(value)}:{ADDRESS.sub('', repr(value))}".encode())


def _sparse_content(matrix) -> tuple[tuple, bytes, int]:
    """Sparse data coded as its dense form would be: zeros code to 0, so only stored values count."""
    import numpy as np

    if matrix.ndim != 2:
        return _content(matrix.toarray())
    n, m = matrix.shape
    csr = matrix.tocsr()
    if csr is matrix and not csr.has_canonical_format:
        csr = csr.copy()
    csr.sum_duplicates()  # duplicates add up, as in the dense form
    codes = _numeric_codes(csr.data)
    cumulative = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(codes, dtype=np.uint64)])
    row_sums = cumulative[csr.indptr[1:]] - cumulative[csr.indptr[:-1]]
    rows = _sampled_rows(n, m)
    sample = _numeric_codes(csr[rows].toarray()) if len(rows) else np.zeros((0, m), dtype=np.uint64)
    return (n, m), *_folded(sample, row_sums)


def _numeric_codes(values):
    return _complex_codes(values) if values.dtype.kind == "c" else _float_codes(values)
