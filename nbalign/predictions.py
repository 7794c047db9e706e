"""What a metric was computed from, kept row by row, so two models on one test set can be compared.

Each test-set evaluation keeps its model's response (the positive-class probability or score for
ranking metrics, the probabilities for log loss, the labels for threshold metrics, the values
for regression) as compact float32, and each test set keeps its labels once. Any two models
evaluated on the same test set (the same data fingerprint) can then be tested row by row, also
after a kernel restart, without predicting again.

Bounded: a test set of more than ``limit`` rows (``%config NbalignMagics.rows_kept``, default
100,000) keeps a fixed subset of row indices, drawn with a seed taken from the test set's
fingerprint, so every model evaluated on it keeps the same rows and comparisons stay paired.

Predictions live in the store only: they never travel over the comm or into the notebook.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DEFAULT_LIMIT = 100_000


# eq=False: the __eq__ is its own, and the __hash__ = None below stays (with eq=True a frozen
# dataclass generates a __hash__ of the fields in its place)
@dataclass(frozen=True, eq=False)
class Kept:
    """A model's response on (a fixed subset of) a test set's rows.

    ``method`` is the scikit-learn response the metric used (``predict_proba``,
    ``decision_function``, ``predict``); ``values`` is float32, one row per kept test row (two
    dimensions for class probabilities); ``rows`` the kept row indices, None for all of them.
    """

    method: str
    values: np.ndarray
    rows: np.ndarray | None = None  # int64, sorted
    # What the paired tests computed from the values, by name (a model's ROC components), so a
    # model compared with several others is ranked once.
    derived: dict = field(default_factory=dict, init=False, repr=False)

    def __eq__(self, other):  # arrays do not compare as a whole with ==
        import numpy as np

        return (isinstance(other, Kept) and self.method == other.method
                and _same(self.rows, other.rows) and np.array_equal(self.values, other.values))

    __hash__ = None  # type: ignore[assignment]  # unhashable, as Python spells it (typeshed says a method)


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


def kept_rows(n: int, fingerprint: str, limit: int = DEFAULT_LIMIT):
    """The row indices kept of a test set of ``n`` rows: all (None) up to ``limit``, else a fixed
    subset seeded by the test set's fingerprint (the same for every model on it)."""
    if n <= limit:
        return None
    import numpy as np

    seed = int.from_bytes(hashlib.sha256(fingerprint.encode()).digest()[:8], "little")
    return np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))


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


def to_blob(array) -> tuple[bytes, str]:
    """Bytes and a small JSON header (dtype and shape) for an array."""
    import numpy as np

    array = np.ascontiguousarray(array)
    return array.tobytes(), json.dumps({"dtype": array.dtype.str, "shape": list(array.shape)})


def from_blob(data: bytes, header: str):
    import numpy as np

    spec = json.loads(header)
    return np.frombuffer(data, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"])


def _same(a, b) -> bool:
    import numpy as np

    return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))


def _plain(value):
    item = getattr(value, "item", None)
    return item() if callable(item) else value
