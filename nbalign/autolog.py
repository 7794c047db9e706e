"""Autolog: ordinary scikit-learn evaluation code logs the model it evaluates, with no nbalign call.

While autolog is on, nbalign watches these things, and only these:

- **predictions**: the ``predict``, ``predict_proba``, ``decision_function`` and
  ``predict_log_proba`` of every scikit-learn estimator (pipelines and searches included, and
  classes defined later, through ``BaseEstimator.__init_subclass__``). Each call's output is
  remembered with the model and the data it was called on, in a short list (:data:`REMEMBERED`);
- **scores**: the metric functions of ``sklearn.metrics`` that score predictions, and
  ``estimator.score(X, y)``;
- **fits**: how long ``fit`` took, for the model's complexity, and (while they exist) the data it
  took, on which nbalign checks the model's recipe (:mod:`nbalign.recipe`); after the cell, what an
  evaluation records of the fitted model (what it learned, its size), so that scoring it later
  does not measure it in the scoring cell; ``partial_fit`` makes that stale;
- **cross-validation**: ``cross_validate`` and ``cross_val_score`` get each fold's fitted
  estimator and test rows back with their result (the same fits: nothing is fitted again, and
  they are taken out of the user's result), and the objective's metric is scored on them apart,
  right after the user's call, whose result is unchanged;
  ``cross_val_predict``'s output is remembered with the folds it came from, so a metric on it
  scores the objective's metric on each of them; a fitted search logs its best estimator.

The list holds the model, the output and the data themselves (a threshold of a column, such as
``model.predict_proba(X)[:, 1] >= 0.3``, outlives the output it was computed from), so it is
short: the :data:`REMEMBERED` most recent predictions. It holds an output only while the cell
that made it runs: after the cell, only while the user does (a weak reference), so the
predictions of a large test set are not kept for nbalign's sake.

When a metric is called, its predictions are matched to the model that made them: the same
array, a view of it (a column ``[:, 1]``, a pandas object on the same memory), a copy of it, or a
threshold of one of its columns (``proba[:, 1] >= 0.3``). A match queues the evaluation; at the
end of the cell nbalign evaluates each queued model once on the objective's metric (the user's
metric and value are kept beside it), records them in one batch and shows their lines. A metric
call that matches nothing costs a comparison or two; a cell that calls none costs nothing.

The end of the cell predicts again only when it must. It scores from what the model answered the
user (:class:`~nbalign.evaluation.Answered`) when that is the response the objective's metric
takes (:meth:`~nbalign.metrics.Metric.response_method`): the user called ``predict`` and the
metric takes labels, or ``predict_proba`` and it takes probabilities. A model often computes that
response inside the user's call (``LogisticRegression.predict`` and ``predict_proba`` call its
``decision_function``, which ROC AUC takes; a forest's ``predict`` calls its ``predict_proba``):
that inner call's output, on the same model and rows, is kept too (a copy: the outer call may
overwrite it in place) until the end of the cell. When the user's metric is the objective's very
function on the very response the scorer takes (``f1_score(y, model.predict(X))`` under ``f1``), its
value is the score. A response the user's call did not compute is predicted: labels are not
derived from probabilities (whether a model's ``predict`` is the argmax of its ``predict_proba``
is the model's business: a logistic regression decides on the sign of its decision function,
which a probability rounding to 0.5 hides), nor a pipeline's ``decision_function`` from its
``predict_proba`` (its final step's inner call is another model's, on transformed rows).

Every replacement is a :class:`SafePatch`: the original's result and exceptions pass through
unchanged, a patched method is still an ordinary bound method that pickles by reference, and a
class pickled by value (one defined in the notebook) carries the originals, not nbalign. Each is
kept in :class:`Patches` and put back by identity when autolog is switched off or nbalign
unloaded. Metric functions imported into the notebook before nbalign was loaded (``from
sklearn.metrics import roc_auc_score``) are replaced in the notebook's namespace too, and put
back. A failure inside autolog is one warning (an error under ``NBALIGN_STRICT``, in nbalign's
tests): the user's call returns its result untouched.
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
import threading
import time
import types
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .errors import NbalignError, strict

if TYPE_CHECKING:
    import importlib.abc

log = logging.getLogger(__name__)

PREDICTING = ("predict", "predict_proba", "decision_function", "predict_log_proba")
REMEMBERED = 8  # prediction outputs kept for matching, with their model and data: the most recent ones

_state = threading.local()
_current: Autolog | None = None  # the autolog that is on, if one is (for the user's own metrics)


def _depth() -> int:
    return getattr(_state, "depth", 0)


class quiet:
    """Inside it, nothing is observed: nbalign's own evaluations, and calls nested in an observed
    call (the ``predict`` inside a pipeline's, the metric inside ``score``)."""

    def __enter__(self):
        _state.depth = _depth() + 1
        return self

    def __exit__(self, *exc):
        _state.depth = _depth() - 1
        return False


# ------------------------------------------------------------------ what is remembered


@dataclass
class Prediction:
    """One prediction output, with the model that made it and the data it was made on."""

    model: Any
    method: str
    output: Any  # numpy.ndarray; None once the cell has ended (then ``_weak`` refers to it)
    data: Any  # X
    rows: int
    # Out-of-fold predictions (``cross_val_predict``): the folds' (train, test) row indices and the
    # mean fit time; the model is the unfitted estimator the folds refitted.
    folds: dict | None = None
    seconds: float | None = None  # how long the user's call took
    # What the model answered inside the call on the same rows, that the objective's metric takes
    # (method -> a copy of the output): until the end of the cell
    inner: dict = field(default_factory=dict)
    _weak: Any = None

    def held(self):
        """The output, while the cell runs or the user holds it; else None."""
        return self.output if self._weak is None else self._weak()

    def release(self) -> bool:
        """The cell has ended: hold the output only while the user does; False when nobody does."""
        self.inner = {}
        if self._weak is None:
            try:
                self._weak = weakref.ref(self.output)
            except TypeError:  # (numpy arrays take weak references)
                return True
            self.output = None
        return self._weak() is not None


def _cross_validation_caller(scoring) -> str:
    """What the user called, to name their own figure: ``cross_val_score (f1)`` when the watched
    ``cross_validate`` runs inside it (it calls ``cross_validate`` with a scorer object, so the
    scoring's name is its argument there), else ``cross_validate``: a few frames up, no more."""
    import inspect
    import sys

    from sklearn.model_selection import _validation

    inner = getattr(inspect.unwrap(_validation.cross_val_score), "__code__", None)  # under validate_params
    frame: types.FrameType | None = sys._getframe(1)
    for _ in range(8):
        if frame is None:
            break
        if frame.f_code is inner:
            scoring = frame.f_locals.get("scoring")
            return "cross_val_score" + (f" ({scoring})" if isinstance(scoring, str) else "")
        frame = frame.f_back
    return "cross_validate" + (f" ({scoring})" if isinstance(scoring, str) else "")


@dataclass
class Observed:
    """A model seen being scored: evaluated with the objective's metric at the end of the cell.

    ``kind`` is ``"test"`` (a fitted model scored on data; ``response`` is what it answered,
    when the user's call was seen), ``"cv"`` (an estimator cross-validated: ``folds`` holds the
    objective's metric on each fold, scored right after the user's call from its fitted estimators
    and test rows, or the ``refused`` error that says why it cannot be, and the mean fit time),
    ``"search" (a fitted search: its best estimator, to be
    cross-validated on the objective's metric unless the search already scored it) or
    ``"cv_predict"`` (out-of-fold predictions scored: ``folds`` holds the folds' rows, the
    response and its method, to score the objective's metric on each fold from them).
    """

    model: Any
    X: Any
    y: Any
    metric: str  # the user's metric function (or "score")
    value: float | None
    kind: str = "test"
    folds: dict | None = None
    response: Any = None  # what the model answered the user's call (evaluation.Answered), when known


@dataclass
class Watcher:
    """The observations of one session: recent predictions and the evaluations they lead to."""

    predictions: deque = field(default_factory=lambda: deque(maxlen=REMEMBERED))
    queued: list = field(default_factory=list)
    fit_seconds: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)
    fit_data: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)  # model -> weakref to X
    fit_labels: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)  # model -> weakref to y
    # model -> what an evaluation records of its fit (evaluation.learned_facts), measured after the
    # cell that fitted it; a fit or partial_fit since forgets it
    learned: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)
    fitted_in_cell: list = field(default_factory=list)  # weak references to the models fitted in this cell
    warned: set = field(default_factory=set)
    warn: Callable[[str], None] = lambda message: log.warning(message)

    # -------------------------------------------------------------- observing

    def predicted(self, model, method: str, X, output, seconds: float | None = None, inner: dict | None = None) -> None:
        import numpy as np

        if not isinstance(output, np.ndarray) or output.ndim not in (1, 2):
            return
        self.predictions.append(Prediction(model, method, output, X, output.shape[0], seconds=seconds,
                                           inner=inner or {}))

    def scored(self, metric: str, y_true, y_pred, value, call: Callable[[], tuple] | None = None) -> None:
        """A metric function returned ``value`` for ``y_pred``: queue the model that made them.

        ``call()``: ``(function, options, seconds)`` of the metric call, for the evaluation to reuse
        its value when it is the objective's scorer's very call."""
        if not _is_number(value):
            return  # a curve, a matrix, a report: not a score
        found = self.match(y_pred)
        if found is None:
            return
        output = found.held()
        if found.folds is None:
            from .evaluation import Answered
            from .metrics import KnownScore

            # what the model answered is kept, so that it is scored without predicting again
            function, options, metric_seconds = call() if call is not None else (None, {}, 0.0)
            answered = Answered({found.method: output, **found.inner}, found.seconds or 0.0, None if function is None
                                else KnownScore(function, y_true, y_pred, options, value, metric_seconds))
            self.queue(Observed(found.model, found.data, y_true, metric, float(value), response=answered))
        else:
            folds = {**found.folds, "method": found.method, "response": output}
            self.queue(Observed(found.model, found.data, y_true, metric, float(value), "cv_predict", folds))

    def cell_ended(self) -> None:
        """The cell has ended: its evaluations are done, so nothing is held for them any more, and
        an output only while the user holds it."""
        _state.inside = None
        live = [p for p in self.predictions if p.release()]
        if len(live) < len(self.predictions):
            self.predictions = deque(live, maxlen=REMEMBERED)

    def cross_predicted(self, estimator, method: str, X, output, splits: list, fit_seconds: float | None) -> None:
        """``cross_val_predict`` returned ``output``: remembered like a prediction, with its folds."""
        import numpy as np

        if isinstance(output, np.ndarray) and output.ndim in (1, 2) and splits:
            self.predictions.append(Prediction(estimator, method, output, X, output.shape[0],
                                               {"splits": splits, "fit_seconds": fit_seconds}))

    def queue(self, observed: Observed) -> None:
        self.queued.append(observed)

    def fitted(self, model, seconds: float, X=None, y=None) -> None:
        self.changed(model)
        try:
            self.fit_seconds[model] = seconds
            self.fitted_in_cell.append(weakref.ref(model))
            self.fit_labels.pop(model, None)
            self.fit_data[model] = weakref.ref(X)
            self.fit_labels[model] = weakref.ref(y)
        except TypeError:  # a model or data that takes no weak reference: not remembered
            pass

    def changed(self, model) -> None:
        """``model`` learned something (a fit, a partial_fit): what was measured of it is stale."""
        try:
            self.learned.pop(model, None)
        except TypeError:
            pass

    def learn_fitted(self, measure: Callable[[Any], dict], most: int = REMEMBERED) -> None:
        """Measure what an evaluation records of the models fitted in this cell (the latest
        ``most`` of them), so that scoring one later does not: a small share of their fit."""
        fitted, self.fitted_in_cell = self.fitted_in_cell, []
        models = [m for m in (ref() for ref in fitted[-most:]) if m is not None]
        measured = set()
        for model in models:
            if id(model) in measured or model in self.learned:
                continue
            measured.add(id(model))
            try:
                self.learned[model] = measure(model)
            except Exception:  # an evaluation of it measures it again, and says what fails
                log.debug("nbalign could not measure a fitted model", exc_info=True)

    def fitted_on(self, model):
        """The data ``model`` was last fitted on, while it exists."""
        found = self.fit_data.get(model)
        return None if found is None else found()

    def trained_on(self, model) -> tuple | None:
        """``(X, y)`` that ``model`` was last fitted on, while both exist (its recipe is checked
        on them: :mod:`nbalign.recipe`)."""
        try:
            labels, X = self.fit_labels.get(model), self.fitted_on(model)
        except TypeError:  # a model that takes no weak reference
            return None
        y = None if labels is None else labels()
        return None if X is None or y is None else (X, y)

    def take(self) -> list[Observed]:
        """The queued evaluations, once each (the same model, data and labels), in order."""
        queued, self.queued = self.queued, []
        seen: set[tuple] = set()
        unique: list[Observed] = []
        for observed in queued:
            key = (observed.kind, id(observed.model), id(observed.X), id(observed.y))
            if key in seen:
                # a later call on the same model and data: keep the user's latest metric
                unique = [u if (u.kind, id(u.model), id(u.X), id(u.y)) != key else observed for u in unique]
                continue
            seen.add(key)
            unique.append(observed)
        return unique

    # -------------------------------------------------------------- matching

    def match(self, y_pred) -> Prediction | None:
        """The remembered prediction ``y_pred`` is, or comes from; else None."""
        import numpy as np

        array = _as_array(y_pred)
        if array is None or array.ndim not in (1, 2) or array.shape[0] == 0:
            return None
        recent = [(p, p.held()) for p in reversed(self.predictions) if p.rows == array.shape[0]]
        recent = [(p, output) for p, output in recent if output is not None]
        for p, output in recent:
            if np.may_share_memory(array, output):  # the array, a column of it, a pandas view
                return p
        for p, output in recent:
            if _derived(array, output, p.model):
                return p
        return None


def _as_array(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        return value
    to_numpy = getattr(value, "to_numpy", None)  # pandas: the values, without a copy when it can
    if callable(to_numpy):
        try:
            return to_numpy()
        except (TypeError, ValueError):
            return None
    try:
        return np.asarray(value)
    except (TypeError, ValueError):
        return None


def _derived(array, output, model) -> bool:
    """``array`` is a copy of ``output``, one of its columns, or a threshold of one of them."""
    import numpy as np

    columns = [output] if output.ndim == 1 else [output[:, j] for j in range(output.shape[1])]
    if array.ndim == 2:
        return array.shape == output.shape and np.array_equal(array, output)
    for column in columns:
        if array.dtype == column.dtype and np.array_equal(array, column):
            return True
    positive = _as_decisions(array, model)
    if positive is None or positive.all() or not positive.any():
        return False
    # acted on exactly the rows scored at or above some threshold
    return any(column.dtype.kind == "f" and column[positive].min() >= column[~positive].max() for column in columns)


def _as_decisions(array, model):
    """Two-valued predictions as booleans (True: the positive class), or None."""
    import numpy as np

    if array.dtype == bool:
        return array
    if array.dtype.kind == "f" and not np.all((array[:64] == 0) | (array[:64] == 1)):
        return None  # scores, not decisions: found on the first rows, before sorting them all
    values = np.unique(array)
    if values.size > 2:
        return None
    classes = getattr(model, "classes_", None)
    if classes is not None and len(classes) == 2 and set(values.tolist()) <= set(np.asarray(classes).tolist()):
        return array == classes[1]
    if set(values.tolist()) <= {0, 1}:
        return array == 1
    return None


def _is_number(value) -> bool:
    import numbers

    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# ------------------------------------------------------------------ patching


class SafePatch:
    """The one wrapper of every patch autolog makes (MLflow's ``safe_patch`` is the model).

    - The original runs as it would without nbalign: its result is the user's, its exceptions
      propagate unchanged (this frame is marked ``__tracebackhide__``, so IPython and pytest leave
      it out of the user's traceback).
    - ``watch(args, kwargs)`` runs before it and returns ``None`` (call the original with the
      user's arguments, observe nothing) or a :class:`Watch`: the arguments to call it with and
      ``after(result, seconds)``, which observes and returns the user's result. A failure of
      either is nbalign's: one warning in use (raised under ``NBALIGN_STRICT``, in nbalign's
      tests), and the user's call goes on unobserved.
    - In a class's ``__dict__`` it is a descriptor that behaves as the original: missing where the
      original is (scikit-learn's ``available_if``), the original itself on the class, and on an
      instance an ordinary bound method (``inspect.ismethod``) that pickles by reference, as
      ``getattr(instance, name)``.
    - Pickled by value (cloudpickle pickles a class defined in a notebook whole), it is the
      original: a worker process never receives nbalign's wrapper.
    - A prediction method (``method``) called inside a watched prediction call of the same model
      on the same rows offers its output to that call (:class:`_Inside`).
    """

    def __init__(self, autolog: Autolog, original, watch: Callable, what: str, method: str | None = None):
        self.autolog = autolog
        self.original = original
        self.watch = watch
        self.what = what
        self.method = method
        self.descriptor = not inspect.isfunction(original) and hasattr(original, "__get__")
        functools.update_wrapper(self, original, updated=())
        self.__nbalign_observed__ = True

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.original.__get__(None, owner) if hasattr(self.original, "__get__") else self.original
        if self.descriptor:
            self.original.__get__(obj, owner)  # raises AttributeError where the method is unavailable
        return types.MethodType(self, obj)

    def __reduce__(self):
        return copy.copy, (self.original,)  # copy.copy of a function is the function itself

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True  # read by IPython and pytest: the user's traceback has no nbalign frame
        if _depth() or not self.autolog.active:
            inside = getattr(_state, "inside", None)
            if inside is None or inside.method != self.method:
                return self._original(args, kwargs)
            result = self._original(args, kwargs)
            try:
                inside.offer(self, args, kwargs, result)
            except Exception as exc:  # noqa: BLE001 - the user's result is returned whatever happens here
                self.autolog._failed(f"watching {self.what}", exc)
            return result
        watch = None
        try:
            watch = self.watch(args, kwargs)
        except Exception as exc:  # noqa: BLE001 - nbalign's own failure: the user's call goes on unobserved
            self.autolog._failed(f"watching {self.what}", exc)
        if watch is None:
            with quiet():
                return self._original(args, kwargs)
        with quiet():
            start = time.perf_counter()
            result = self._original(watch.args, watch.kwargs)
            seconds = time.perf_counter() - start
        try:
            return watch.after(result, seconds)
        except Exception as exc:  # noqa: BLE001 - the user's result is returned whatever happens here
            self.autolog._failed(f"watching {self.what}", exc)
            return watch.undo(result)

    def _original(self, args, kwargs):
        __tracebackhide__ = True  # no nbalign frame in the user's traceback
        if self.descriptor:  # bound here, as Python would have bound it
            return self.original.__get__(args[0], type(args[0]))(*args[1:], **kwargs)
        return self.original(*args, **kwargs)


class _Inside:
    """A watched prediction call that is running, waiting for the response the objective's metric
    takes (``method``) if the model computes it inside the call, on the same rows: its
    ``decision_function`` inside ``LogisticRegression.predict_proba``, say. Kept in ``inner``
    (method -> output) when it is exactly what ``model.method(X)`` returns: called on the model
    itself, with the rows alone, through the method its class resolves (not a base class's
    reached by ``super()``). A copy, as the outer call may overwrite it in place (scikit-learn's
    ``_predict_proba_lr`` turns its decision function into probabilities in its own array)."""

    def __init__(self, model, X, method: str):
        self.model, self.X, self.method = model, X, method
        self.inner: dict = {}

    def offer(self, patch: SafePatch, args: tuple, kwargs: dict, output) -> None:
        import numpy as np

        if (len(args) == 2 and not kwargs and args[0] is self.model and args[1] is self.X
                and isinstance(output, np.ndarray) and _resolved(type(self.model), self.method) is patch):
            self.inner[self.method] = output.copy()


def _resolved(cls: type, name: str):
    """What ``cls.name`` finds along the method resolution order, unbound."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


@dataclass
class Watch:
    """What a patch calls the original with, and what it does with the result (see SafePatch)."""

    args: tuple
    kwargs: dict
    after: Callable[[Any, float], Any]  # (result, seconds) -> the user's result
    undo: Callable[[Any], Any] = field(default=lambda result: result)  # the user's result when ``after`` failed


class Patches:
    """Every replacement autolog made, so that it can put each original back, by identity."""

    def __init__(self):
        self._made: list[tuple[Any, str, Any, Any, bool]] = []  # (owner, name, original, replacement, owned)

    def replace(self, owner, name: str, replacement) -> None:
        owned = name in vars(owner) if isinstance(owner, type) else True
        original = vars(owner)[name] if isinstance(owner, type) and owned else getattr(owner, name, None)
        setattr(owner, name, replacement)
        self._made.append((owner, name, original, replacement, owned))

    def replace_item(self, mapping: dict, name: str, replacement) -> None:
        self._made.append((mapping, name, mapping[name], replacement, True))
        mapping[name] = replacement

    def restore(self) -> None:
        """Put every original back, the last replacement first; a value someone else has put
        there since is left as it is."""
        for owner, name, original, replacement, owned in reversed(self._made):
            if isinstance(owner, dict):
                if owner.get(name) is replacement:
                    owner[name] = original
                continue
            current = vars(owner).get(name) if isinstance(owner, type) else getattr(owner, name, None)
            if current is not replacement:
                continue
            if owned:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
        self._made.clear()

    def __len__(self) -> int:
        return len(self._made)


class Autolog:
    """Autolog for one session: :meth:`start` patches, :meth:`stop` puts everything back."""

    def __init__(self, watcher: Watcher, namespace: dict | None = None, metric: Callable | None = None,
                 score_folds: Callable | None = None):
        self.watcher = watcher
        self.namespace = namespace
        self.metric = metric or (lambda: None)  # the objective's Metric, or None: whether cross-validations are watched
        # score_folds(estimator, X, y, estimators, splits) -> the objective's metric on each fold; raises
        # NbalignError when it cannot be scored (what the user is told at the end of the cell)
        self.score_folds = score_folds
        self.patches = Patches()
        self.active = False
        self._metric_originals: dict[int, SafePatch] = {}
        self._import_watch: _WhenImported | None = None

    def start(self) -> None:
        """Watch scikit-learn: now, if it is imported; else the moment it is (``import nbalign``
        and ``%load_ext`` never import it themselves)."""
        if self.active:
            return
        import sys

        self.active = True
        try:
            waiting = {}
            for module, patch in (("sklearn.base", self._patch_estimators), ("sklearn.metrics", self._patch_metrics),
                                  ("sklearn.model_selection", self._patch_model_selection)):
                if module in sys.modules:
                    patch(sys.modules[module])
                else:
                    waiting[module] = patch
            if waiting:
                self._import_watch = _WhenImported(waiting, self._failed)
                sys.meta_path.insert(0, self._import_watch)
        except Exception:
            self.stop()
            raise
        global _current
        _current = self

    def stop(self) -> None:
        import sys

        global _current
        if _current is self:
            _current = None
        if self._import_watch is not None and self._import_watch in sys.meta_path:
            sys.meta_path.remove(self._import_watch)
        self._import_watch = None
        self.patches.restore()
        self._metric_originals.clear()
        self.active = False
        if self.namespace is not None:  # functions the notebook imported while watched are the originals again
            for name, value in list(self.namespace.items()):
                if isinstance(value, SafePatch) and value.autolog is self:
                    self.namespace[name] = value.original

    def patch(self, owner, name: str, original, watch: Callable, what: str, method: str | None = None) -> SafePatch:
        """Replace ``owner.name`` (``original``) by a :class:`SafePatch` that watches it (``method``:
        the prediction method it is, if it is one)."""
        patched = SafePatch(self, original, watch, what, method)
        self.patches.replace(owner, name, patched)
        return patched

    # -------------------------------------------------------------- estimators

    def _patch_estimators(self, module) -> None:
        base = module.BaseEstimator
        for cls in _with_mixins(_subclasses(base)):
            self._patch_class(cls)
        self._patch_new_classes(base)

    def _patch_class(self, cls) -> None:
        for name in PREDICTING + ("score", "fit", "partial_fit"):
            attribute = vars(cls).get(name)
            if attribute is None or getattr(attribute, "__nbalign_observed__", False):
                continue
            if isinstance(attribute, (staticmethod, classmethod, property)) or not hasattr(attribute, "__get__"):
                continue
            watch = {"fit": self._watch_fit, "score": self._watch_score, "partial_fit": self._watch_partial_fit}.get(
                name) or functools.partial(self._watch_prediction, name)
            self.patch(cls, name, attribute, watch, f"{cls.__name__}.{name}", name if name in PREDICTING else None)

    def _patch_new_classes(self, base) -> None:
        """Classes defined from now on (a module imported later, the user's own) are observed too."""
        original = vars(base).get("__init_subclass__")
        autolog = self

        def __init_subclass__(cls, **kwargs):
            __tracebackhide__ = True  # the user's class definition: no nbalign frame in its traceback
            if original is not None:
                original.__get__(None, cls)(**kwargs)
            else:
                super(base, cls).__init_subclass__(**kwargs)
            if autolog.active:
                try:
                    for each in _with_mixins([cls]):
                        autolog._patch_class(each)
                except Exception as exc:  # noqa: BLE001 - a class nbalign cannot watch is still defined
                    autolog._failed("watching a new estimator class", exc)

        self.patches.replace(base, "__init_subclass__", classmethod(__init_subclass__))

    def _watch_prediction(self, name: str, args, kwargs) -> Watch | None:
        if len(args) < 2 and "X" not in kwargs:
            return None
        model, X = args[0], args[1] if len(args) > 1 else kwargs["X"]
        wanted = self._scored_from(model)
        inside = _state.inside = _Inside(model, X, wanted) if wanted not in (None, name) else None

        def after(result, seconds):
            _state.inside = None
            self.watcher.predicted(model, name, X, result, seconds, None if inside is None else inside.inner)
            return result

        def undo(result):
            _state.inside = None
            return result

        return Watch(args, kwargs, after, undo)

    def _scored_from(self, model) -> str | None:
        """The method the end of the cell will score ``model`` from (under the objective's metric)."""
        metric = self.metric()
        try:
            return None if metric is None else metric.response_method(model)
        except Exception:  # a scorer that cannot be built: the end of the cell says why
            log.debug("nbalign could not tell the response of %s", metric, exc_info=True)
            return None

    def _watch_score(self, args, kwargs) -> Watch | None:
        model = args[0]
        X = args[1] if len(args) > 1 else kwargs.get("X")
        y = args[2] if len(args) > 2 else kwargs.get("y")
        if X is None or y is None:
            return None

        def after(result, seconds):
            if _is_number(result):
                self.watcher.queue(Observed(model, X, y, "score", float(result)))
            return result

        return Watch(args, kwargs, after)

    def _watch_partial_fit(self, args, kwargs) -> Watch:
        model = args[0]

        def after(result, seconds):
            self.watcher.changed(model)
            return result

        return Watch(args, kwargs, after)

    def _watch_fit(self, args, kwargs) -> Watch:
        model = args[0]
        X = args[1] if len(args) > 1 else kwargs.get("X")
        y = args[2] if len(args) > 2 else kwargs.get("y")

        def after(result, seconds):
            self.watcher.fitted(model, seconds, X, y)
            if hasattr(model, "cv_results_") and hasattr(model, "best_estimator_"):
                self.watcher.queue(Observed(model, X, y, "search", getattr(model, "best_score_", None), "search"))
            return result

        return Watch(args, kwargs, after)

    # -------------------------------------------------------------- cross-validation

    def _patch_model_selection(self, module) -> None:
        """``cross_validate`` (and through it ``cross_val_score``) and ``cross_val_predict`` are
        watched while an objective is declared: the folds they used are remembered, and the
        objective's metric is scored on them apart, after the cell; the user's call computes
        exactly what it computes without nbalign."""
        from sklearn.model_selection import _validation

        cross_validate = module.cross_validate
        patched = self.patch(module, "cross_validate", cross_validate,
                             functools.partial(self._watch_cross_validate, cross_validate), "cross_validate")
        if getattr(_validation, "cross_validate", None) is cross_validate:  # what cross_val_score calls
            self.patches.replace(_validation, "cross_validate", patched)
        self._metric_originals[id(cross_validate)] = patched
        predicting = module.cross_val_predict
        self._metric_originals[id(predicting)] = self.patch(
            module, "cross_val_predict", predicting, functools.partial(self._watch_cross_val_predict, predicting),
            "cross_val_predict")
        self._patch_namespace()

    def _cross_validation_call(self, original, args, kwargs) -> dict | None:
        """The call's arguments by name, when an objective is declared (its metric is what is
        scored on the folds) and they fit the original's signature; else None: not watched."""
        return None if self.metric() is None or self.score_folds is None else _bind(original, args, kwargs)

    def _watch_cross_validate(self, original, args, kwargs) -> Watch | None:
        """The estimator of each fold and the rows it was tested on come back with the user's
        result (``return_estimator``, ``return_indices``: the same fits, kept) and are taken out
        of it again; the objective's metric is scored on them after the cell."""
        bound = self._cross_validation_call(original, args, kwargs)
        score_folds = self.score_folds
        if bound is None or score_folds is None:  # (without score_folds no call is bound)
            return None
        estimator, X, y = bound.get("estimator"), bound.get("X"), bound.get("y")
        added = [key for key in ("return_estimator", "return_indices") if not bound.get(key)]
        # what the user called, to name their own figure: "your cross_val_score 0.708"
        caller = _cross_validation_caller(bound.get("scoring"))

        def after(result, seconds):
            estimators = result.pop("estimator") if "return_estimator" in added else result["estimator"]
            indices = result.pop("indices") if "return_indices" in added else result["indices"]
            shown = result.get("test_score")
            value = None if shown is None else float(sum(shown) / len(shown))
            folds: dict[str, Any] = {"fit_seconds": float(sum(result["fit_time"]) / len(result["fit_time"]))}
            # scored now, from the fits the user's call made (their predictions on the folds' test rows),
            # so that the fitted estimators are not held until the end of the cell
            try:
                with quiet():  # nbalign's own predictions
                    folds["scores"] = score_folds(estimator, X, y, list(estimators),
                                                  list(zip(indices["train"], indices["test"], strict=True)))
            except NbalignError as exc:  # the metric does not fit this model or data: said at the end of the cell
                folds["refused"] = exc
            self.watcher.queue(Observed(estimator, X, y, caller, value, "cv", folds))
            return result

        def undo(result):
            for key in added:
                result.pop("estimator" if key == "return_estimator" else "indices", None)
            return result

        return Watch(args, {**kwargs, **dict.fromkeys(added, True)}, after, undo)

    def _watch_cross_val_predict(self, original, args, kwargs) -> Watch | None:
        """The user's out-of-fold predictions, with the folds they came from remembered: a metric
        called on them (or a column, or a threshold) logs the estimator as cross-validated."""
        from sklearn.base import is_classifier
        from sklearn.model_selection import check_cv

        bound = self._cross_validation_call(original, args, kwargs)
        if bound is None:
            return None
        estimator, X, y = bound.get("estimator"), bound.get("X"), bound.get("y")
        try:
            folds = _RecordedFolds(check_cv(bound.get("cv"), y, classifier=is_classifier(estimator)))
        except Exception:  # noqa: BLE001 - the user's own mistake: scikit-learn says what is wrong, unobserved
            return None
        method = bound.get("method", "predict")
        arguments = dict(bound)
        arguments["cv"] = folds

        def after(output, seconds):
            splits = folds.splits
            per_fold = seconds / len(splits) if splits else None  # fit and predict, per fold
            self.watcher.cross_predicted(estimator, method, X, output, splits, per_fold)
            return output

        return Watch((), arguments, after)

    # -------------------------------------------------------------- metrics

    def _patch_metrics(self, module) -> None:
        for name, function in _scoring_functions(module):
            watch = self._metric_watch(name, function)
            self._metric_originals[id(function)] = self.patch(module, name, function, watch, name)
        self._patch_namespace()

    def _metric_watch(self, name: str, function: Callable) -> Callable:
        parameters = inspect.signature(function).parameters
        truth, predicted = list(parameters)[:2]

        def watch(args, kwargs):
            y_true = args[0] if args else kwargs.get(truth)
            y_pred = args[1] if len(args) > 1 else kwargs.get(predicted)
            if y_true is None or y_pred is None:
                return None

            def after(value, seconds):
                def call():  # (asked only when the predictions are a model's)
                    from .metrics import call_options

                    return function, call_options(function, args, kwargs), seconds

                self.watcher.scored(name, y_true, y_pred, value, call)
                return value

            return Watch(args, kwargs, after)

        return watch

    def _patch_namespace(self) -> None:
        """Functions the notebook imported before autolog started are watched too."""
        if self.namespace is None:
            return
        for name, value in list(self.namespace.items()):
            if not callable(value):
                continue
            # a function imported while an earlier autolog was on is that autolog's patch: watched anew
            original = value.original if isinstance(value, SafePatch) else value
            patched = self._metric_originals.get(id(original))
            if patched is not None and patched.original is original and patched is not value:
                self.patches.replace_item(self.namespace, name, patched)

    def _failed(self, what: str, exc: Exception) -> None:
        log.debug("nbalign autolog failed while %s", what, exc_info=exc)
        if strict():
            raise exc
        key = (what, type(exc).__name__)
        if key not in self.watcher.warned:
            self.watcher.warned.add(key)
            self.watcher.warn(f"autolog failed while {what} ({type(exc).__name__}: {exc}); your code ran "
                              "normally, and this evaluation was not logged.")


def fit_seconds_seen(model) -> float | None:
    """How long ``model``'s fit took, when the autolog that is on saw it."""
    current = _current
    try:
        return None if current is None else current.watcher.fit_seconds.get(model)
    except TypeError:  # a model that takes no weak reference
        return None


def training_seen(model) -> tuple | None:
    """``(X, y)`` that ``model`` was last fitted on, when the autolog that is on saw its fit and
    both still exist."""
    current = _current
    return None if current is None else current.watcher.trained_on(model)


def learned_seen(model) -> dict | None:
    """What was measured of ``model`` after its fit (:meth:`Watcher.learn_fitted`), if it was."""
    current = _current
    try:
        return None if current is None else current.watcher.learned.get(model)
    except TypeError:
        return None


def _bind(function, args, kwargs) -> dict | None:
    """The arguments of a call by parameter name (defaults left out); None when they do not fit
    the signature (the original then says what is wrong, to the user)."""
    try:
        return dict(inspect.signature(function).bind(*args, **kwargs).arguments)
    except TypeError:
        return None


def metric(function: Callable) -> Callable:
    """Register the user's own metric function (``metric(y_true, y_pred) -> number``): while
    autolog is on, a call of it on a model's predictions logs that model, as scikit-learn's
    metrics do. The function is returned wrapped; it computes exactly what it did, and pickles
    as the function itself.

    Examples
    --------
    >>> @nbalign.metric                                     # doctest: +SKIP
    ... def cost(y_true, y_pred):
    ...     return 200 * ((y_true == 1) & (y_pred == 0)).sum() + 20 * (y_pred == 1).sum()
    """
    signature = inspect.signature(function)
    if len(signature.parameters) < 2:
        raise NbalignError(f"{function.__name__} takes the truth and the predictions, as metric(y_true, y_pred); "
                           f"it takes {len(signature.parameters)} argument(s).")
    return UserMetric(function)


class UserMetric:
    """A metric function the user registered: watched by whichever autolog is on when it is
    called (:func:`metric`). Pickled, it is the user's function."""

    def __init__(self, function: Callable):
        self.function = function
        functools.update_wrapper(self, function, updated=())

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True  # no nbalign frame in the user's traceback
        current = _current
        if current is None or _depth() or not current.active:
            return self.function(*args, **kwargs)
        return SafePatch(current, self.function, current._metric_watch(self.function.__name__, self.function),
                         self.function.__name__)(*args, **kwargs)

    def __get__(self, obj, owner=None):
        return self if obj is None else types.MethodType(self, obj)

    def __reduce__(self):
        return copy.copy, (self.function,)


class _RecordedFolds:
    """A cross-validation splitter that remembers the folds it gave (``splits``): the same
    splits, whatever the splitter's randomness, for scoring out-of-fold predictions per fold."""

    def __init__(self, splitter):
        self.splitter = splitter
        self.splits: list = []

    def split(self, X, y=None, groups=None):
        self.splits = []
        for train, test in self.splitter.split(X, y, groups):
            self.splits.append((train, test))
            yield train, test

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.splitter.get_n_splits(X, y, groups)

    def __getattr__(self, name):  # anything else (metadata routing's requests) is the splitter's
        return getattr(self.splitter, name)


class _WhenImported:
    """A finder on ``sys.meta_path`` that patches a module the moment it has been imported.

    It finds nothing itself: for a watched name it asks the other finders, and wraps the loader
    they return so that ``patch(module)`` runs right after the module's code.
    """

    def __init__(self, waiting: dict[str, Callable], failed: Callable):
        self.waiting = waiting
        self.failed = failed

    def find_spec(self, name, path=None, target=None):
        patch = self.waiting.get(name)
        if patch is None:
            return None
        import sys

        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        # a Loader in all but name: its own create_module and exec_module, the rest passed through (inheriting
        # importlib.abc.Loader would answer load_module and module_repr itself)
        loader = _PatchingLoader(spec.loader, lambda module: self._patched(name, module))
        spec.loader = cast("importlib.abc.Loader", loader)
        return spec

    def _patched(self, name: str, module) -> None:
        patch = self.waiting.pop(name, None)
        if patch is None:
            return
        try:
            patch(module)
        except Exception as exc:  # noqa: BLE001 - the user's import succeeds whatever autolog makes of it
            self.failed(f"watching {name}", exc)


class _PatchingLoader:
    def __init__(self, loader, after: Callable):
        self.loader = loader
        self.after = after

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        self.after(module)

    def __getattr__(self, name):
        return getattr(self.loader, name)


def _subclasses(base) -> list[type]:
    """Every subclass of ``base`` defined so far, each once."""
    seen, order, stack = set(), [], [base]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                order.append(sub)
                stack.append(sub)
    return [base] + order


def _with_mixins(classes: list[type]) -> list[type]:
    """The classes and the mixins they take their methods from (``ClassifierMixin.score``)."""
    seen, order = set(), []
    for cls in classes:
        for base in cls.__mro__:
            if base is object or base in seen:
                continue
            seen.add(base)
            order.append(base)
    return order


# The metric functions whose first two parameters are the truth and the predictions.
_PREDICTED = ("y_pred", "y_score", "y_proba", "y_prob", "probas_pred", "pred_decision")


def _scoring_functions(module) -> list[tuple[str, Callable]]:
    found = []
    for name in getattr(module, "__all__", ()):
        function = getattr(module, name, None)
        if not callable(function) or isinstance(function, type):
            continue
        try:
            parameters = list(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            continue
        if len(parameters) >= 2 and parameters[0] == "y_true" and parameters[1] in _PREDICTED:
            found.append((name, function))
    return found
