"""What a metric was computed from, kept row by row, so two models on one test set can be compared.

Each test-set evaluation keeps its model's response (the positive-class probability or score for
ranking metrics, the probabilities for log loss, the labels for threshold metrics, the values
for regression), and each test set keeps its labels once. Any two models evaluated on the same
test set (the same data fingerprint) can then be tested row by row, also after a kernel restart,
without predicting again.

Bounded twice:

- A test set of more than ``limit`` rows (``%config NbalignMagics.rows_kept``, default 100,000)
  keeps the labels of a fixed subset of its rows, drawn with a seed taken from its fingerprint,
  so every model evaluated on it keeps the same rows (:func:`kept_rows`).
- A classifier's evaluation keeps at most :data:`BYTES_KEPT` (40 KB) of its response
  (:func:`compact`), in the form its paired test needs: the ranks of its scores where the test
  only ranks them (ROC AUC, average precision: 16 bits a row, 20,000 rows), probabilities as they
  are (float32, 10,000 rows). Values with few distinct ones (predicted labels, a tree's leaves)
  are stored as bit-packed codes into a palette of them, so a classifier's labels fit on every
  row (1 bit a row for two classes, 4 bits for up to 16). Where the form does not fit on every
  row, the evaluation keeps a *nested* subset of the test set's rows: the first ``m`` of a fixed
  order seeded by the fingerprint (:func:`subset`), so any two evaluations on a test set share
  the rows of the smaller one and stay paired (:func:`paired`). The paired test is then run on
  the shared rows and its spread scaled to the whole test set around the difference of the two
  records' scores (:mod:`nbalign.comparison`).
- A regression keeps its values on every row, past the budget (:data:`EVERY_ROW_TESTS`): the
  spread of its squared errors rests on a few huge ones, which a subset misses.

Stored as bytes and a small JSON header (:func:`encode` / :func:`decode`), palette codes
zlib-compressed when that is smaller; a header without ``form`` is the float32 blob older
versions wrote, read as before. Predictions live in the store only: they never travel over the
comm or into the notebook.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DEFAULT_LIMIT = 100_000
# The most bytes an evaluation's kept response takes in the store (its header aside): 40 KB, so
# that with its record, the SQLite pages a blob spans and its share of the test set's labels, an
# evaluation takes at most 50 KB on disk (benchmarks/predictions_cost.py measures it).
BYTES_KEPT = 40_000
# The paired tests that look only at the order of one score per row (ties included): ranks serve them.
RANK_TESTS = frozenset({"delong", "average_precision_jackknife"})
# The paired tests of a regression's per-row errors: kept on every row, whatever the bytes. The spread
# of squared or priced errors rests on their few largest, which a subset of rows misses (on diamond
# prices, a 10,000-row subset moved the RMSE interval's ends by up to 45% of its width).
EVERY_ROW_TESTS = frozenset({"per_row_losses", "error_values"})
# At most this many distinct values are stored as codes into a palette of them.
PALETTE_MAX = 256


# eq=False: the __eq__ is its own, and the __hash__ = None below stays (with eq=True a frozen
# dataclass generates a __hash__ of the fields in its place)
@dataclass(frozen=True, eq=False)
class Kept:
    """A model's response on (a fixed subset of) a test set's rows.

    ``method`` is the scikit-learn response the metric used (``predict_proba``,
    ``decision_function``, ``predict``); ``values`` is float32, one row per kept test row (two
    dimensions for class probabilities), in its ``form``: ``values`` (the response as it is) or
    ``ranks`` (the dense ranks of one score per row, which order the rows as the scores did).
    ``rows`` are the kept row indices of the test set, None for all of them.
    """

    method: str
    values: np.ndarray
    rows: np.ndarray | None = None  # int64, sorted
    form: str = "values"
    # What the paired tests computed from the values, by name (a model's ROC components), so a
    # model compared with several others is ranked once.
    derived: dict = field(default_factory=dict, init=False, repr=False)

    def __eq__(self, other):  # arrays do not compare as a whole with ==
        import numpy as np

        return (isinstance(other, Kept) and self.method == other.method and self.form == other.form
                and _same(self.rows, other.rows) and np.array_equal(self.values, other.values))

    __hash__ = None  # type: ignore[assignment]  # unhashable, as Python spells it (typeshed says a method)

    def on(self, rows) -> Kept:
        """The same response on ``rows``, a subset of its own (None: all of the test set's)."""
        if _same(rows, self.rows):
            return self
        return Kept(self.method, self.values[_positions(self.rows, rows)], rows, self.form)


@dataclass(frozen=True)
class TestSet:
    """A test set's labels, kept once: ``labels`` as given (numbers), or codes into ``classes``."""

    fingerprint: str
    labels: np.ndarray  # float64 values, or int32 codes when classes is set
    classes: list | None = None
    rows: np.ndarray | None = None

    __test__ = False  # not a pytest test class, whatever its name

    def values(self):
        """The labels as the metric saw them."""
        import numpy as np

        return self.labels if self.classes is None else np.asarray(self.classes, dtype=object)[self.labels]

    def on(self, rows) -> TestSet:
        """The labels of ``rows``, a subset of its own (None: all)."""
        if _same(rows, self.rows):
            return self
        return TestSet(self.fingerprint, self.labels[_positions(self.rows, rows)], self.classes, rows)


def kept_rows(n: int, fingerprint: str, limit: int = DEFAULT_LIMIT):
    """The row indices kept of a test set of ``n`` rows: all (None) up to ``limit``, else a fixed
    subset seeded by the test set's fingerprint (the same for every model on it)."""
    if n <= limit:
        return None
    import numpy as np

    seed = int.from_bytes(hashlib.sha256(fingerprint.encode()).digest()[:8], "little")
    return np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))


def subset(test_set: TestSet, m: int):
    """The first ``m`` of the test set's kept rows in its fixed order (row indices, sorted):
    nested, so the rows of a smaller subset are all in a larger one."""
    import numpy as np

    positions = np.sort(_order(test_set.labels.shape[0], test_set.fingerprint)[:m])
    return positions if test_set.rows is None else test_set.rows[positions]


@functools.lru_cache(maxsize=4)
def _order(n: int, fingerprint: str):
    """A fixed order of ``n`` rows seeded by the fingerprint. From the raw stream of PCG64, which
    NumPy keeps the same across versions (its Generator methods may change), as stored subsets
    are found again from their size alone."""
    import numpy as np

    seed = int.from_bytes(hashlib.sha256(f"{fingerprint}:order".encode()).digest()[:8], "little")
    order = np.argsort(np.random.PCG64(seed).random_raw(n), kind="stable")
    order.flags.writeable = False
    return order


def keep(method: str, response, rows, classes: list | None = None) -> Kept:
    """The model's response as float32, on the kept rows; predicted labels that are not numbers
    as their codes into the test set's ``classes`` (−1 for a label the test set does not hold)."""
    import numpy as np

    values = np.asarray(response)
    if rows is not None:
        values = values[rows]
    if values.dtype.kind not in "biuf":
        if classes is None:
            raise TypeError("labels that are not numbers are kept only against the test set's classes")
        known = np.asarray([str(c) for c in classes])
        text = values.astype(str)
        at = np.clip(np.searchsorted(known, text), 0, len(known) - 1)
        values = np.where(known[at] == text, at, -1)
    return Kept(method, np.ascontiguousarray(values, dtype=np.float32), rows)


def compact(kept: Kept, test_set: TestSet, test: str | None, budget: int = BYTES_KEPT) -> Kept:
    """What the store keeps of a response for the paired test ``test``: at most ``budget`` bytes.

    Ranks where the test only ranks one score per row, the response as it is otherwise; on every
    kept row of the test set when that fits, else on the largest nested :func:`subset` that does
    (ranks: 20,000 rows; one float32 a row: 10,000; k probabilities a row: 10,000 / k). A
    regression's values are kept on every row (:data:`EVERY_ROW_TESTS`), past the budget.
    """
    import numpy as np

    values = kept.values
    form = "ranks" if kept.method != "predict" and values.ndim == 1 and test in RANK_TESTS else "values"
    n = values.shape[0]
    distinct = _distinct_up_to(values, PALETTE_MAX + 1)
    if kept.method == "predict" and test in EVERY_ROW_TESTS:  # a regression's values: every row
        m = n
    else:
        m = min(n, _rows_that_fit(budget, distinct, 2 if form == "ranks" else 4, math.prod(values.shape[1:])))
    rows = kept.rows
    if m < n:
        rows = subset(test_set, m)
        values = values[_positions(kept.rows, rows)]
    if form == "ranks":
        values = np.unique(values, return_inverse=True)[1].astype(np.float32)
    return Kept(kept.method, np.ascontiguousarray(values, dtype=np.float32), rows, form)


def _distinct_up_to(values, limit: int) -> int:
    """How many distinct values, counted exactly up to ``limit`` (more count as ``limit``): scores
    have many, which a few thousand rows show without sorting every row."""
    import numpy as np

    flat = values.reshape(-1)
    if np.unique(flat[:8 * limit]).size >= limit:
        return limit
    return min(limit, int(np.unique(flat).size))


def _rows_that_fit(budget: int, distinct: int, width: int, columns: int) -> int:
    """How many rows of ``columns`` values fit in ``budget`` bytes: as codes of a palette of the
    ``distinct`` values when there are few, else ``width`` bytes a value."""
    if distinct <= PALETTE_MAX:
        bits = max(1, math.ceil(math.log2(distinct))) if distinct > 1 else 1
        return (budget - distinct * 4) * 8 // (bits * columns)
    return budget // (width * columns)


def paired(test_set: TestSet, b: Kept, a: Kept | None = None) -> tuple[TestSet, Kept, Kept | None]:
    """The labels and the two responses on the rows both kept (nested subsets share the smaller)."""
    rows = b.rows if a is None else _common(b.rows, a.rows)
    return test_set.on(rows), b.on(rows), None if a is None else a.on(rows)


def test_set(fingerprint: str, y, rows) -> TestSet:
    """The labels of a test set, on the kept rows: numbers as float64, anything else as codes."""
    import numpy as np

    values = np.asarray(y)
    if values.ndim > 1 and values.shape[-1] == 1:
        values = values.ravel()
    if rows is not None:
        values = values[rows]
    if values.dtype.kind in "biuf":
        return TestSet(fingerprint, np.ascontiguousarray(values, dtype=np.float64), None, rows)
    classes, codes = np.unique(values.astype(str) if values.dtype.kind in "OUS" else values, return_inverse=True)
    return TestSet(fingerprint, codes.astype(np.int32), [_plain(c) for c in classes], rows)


# ------------------------------------------------------------------ blobs


def encode(array, **about) -> tuple[bytes, str]:
    """Bytes and a small JSON header for an array, exactly: codes into a palette of its values
    (bit-packed, zlib-compressed when that is smaller) when it has few, else its bytes. ``about``
    goes into the header (a kept response's form and rows)."""
    import zlib

    import numpy as np

    array = np.ascontiguousarray(array)
    header = {"dtype": array.dtype.str, "shape": list(array.shape), **about}
    if array.size == 0 or _distinct_up_to(array, PALETTE_MAX + 1) > PALETTE_MAX:
        # many distinct values (scores, ranks): their bytes, which zlib would not make smaller
        return array.tobytes(), json.dumps(header)
    palette, codes = np.unique(array, return_inverse=True)
    bits = max(1, math.ceil(math.log2(palette.size)))  # a constant is one bit a row, then squeezed
    packed = np.packbits(np.unpackbits(codes.astype(np.uint8).reshape(-1, 1), axis=1)[:, 8 - bits:])
    data = palette.tobytes() + packed.tobytes()
    header.update(palette=int(palette.size), bits=bits)
    squeezed = zlib.compress(data, 6)
    if len(squeezed) < len(data):
        data, header["zlib"] = squeezed, True
    return data, json.dumps(header)


def decode(data: bytes, header: str):
    """The array :func:`encode` (or an older version's plain bytes) stored, and its header."""
    import zlib

    import numpy as np

    spec = json.loads(header)
    dtype = np.dtype(spec["dtype"])
    if spec.get("zlib"):
        data = zlib.decompress(data)
    if "palette" not in spec:
        return np.frombuffer(data, dtype=dtype).reshape(spec["shape"]), spec
    size, bits = spec["palette"], spec["bits"]
    palette = np.frombuffer(data, dtype=dtype, count=size)
    count = math.prod(spec["shape"])
    packed = np.frombuffer(data, dtype=np.uint8, offset=size * dtype.itemsize)
    digits = np.unpackbits(packed)[:count * bits].reshape(count, bits)
    codes = digits @ (1 << np.arange(bits - 1, -1, -1))
    return palette[codes].reshape(spec["shape"]), spec


def encode_kept(kept: Kept, test_set: TestSet) -> tuple[bytes, str]:
    """What the store writes of a kept response: its values (ranks as 16-bit integers), its form,
    and its rows as the size of the test set's nested :func:`subset` (None: all of its rows)."""
    import numpy as np

    m = None
    if not _same(kept.rows, test_set.rows):
        m = len(kept.rows) if kept.rows is not None else None
        if m is None or not _same(kept.rows, subset(test_set, m)):
            raise ValueError("kept rows that are not a nested subset of the test set's cannot be stored")
    values = kept.values
    if kept.form == "ranks" and values.size and values.max() < 2**16 and np.all(values == np.floor(values)):
        values = values.astype(np.uint16)
    return encode(values, form=kept.form, rows=m)


def decode_kept(method: str, data: bytes, header: str, test_set: TestSet) -> Kept:
    """A kept response as :func:`encode_kept` (or an older version, float32 on the test set's
    rows) stored it."""
    import numpy as np

    values, spec = decode(data, header)
    m = spec.get("rows")
    rows = test_set.rows if m is None else subset(test_set, m)
    return Kept(method, values.astype(np.float32, copy=False), rows, spec.get("form", "values"))


def _positions(rows, within):
    """Where the row indices ``within`` are among ``rows`` (None: all rows, in order)."""
    import numpy as np

    return within if rows is None else np.searchsorted(rows, within)


def _common(a, b):
    """The rows two kept responses share (None: all of the test set's)."""
    import numpy as np

    if a is None or b is None:
        return b if a is None else a
    return a if _same(a, b) else np.intersect1d(a, b, assume_unique=True)


def _same(a, b) -> bool:
    import numpy as np

    return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))


def _plain(value):
    item = getattr(value, "item", None)
    return item() if callable(item) else value
