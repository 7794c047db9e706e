"""Autolog: ordinary scikit-learn evaluation code logs the model it evaluates, with no nbalign call.

While autolog is on, nbalign watches these things, and only these:

- **predictions**: the ``predict``, ``predict_proba``, ``decision_function`` and
  ``predict_log_proba`` of every scikit-learn estimator (pipelines and searches included, and
  classes defined later, through ``BaseEstimator.__init_subclass__``). Each call's output is
  remembered with the model and the data it was called on, in a short list (:data:`REMEMBERED`);
- **scores**: the metric functions of ``sklearn.metrics`` that score predictions, and
  ``estimator.score(X, y)``;
- **fits**: how long ``fit`` took, for the model's complexity;
- **cross-validation**: ``cross_validate`` and ``cross_val_score`` score the objective's metric
  too, in the same folds; ``cross_val_predict``'s output is remembered with the folds it came
  from, so a metric on it scores the objective's metric on each of them; a fitted search logs its
  best estimator.

The list holds the model, the output and the data themselves (a threshold of a column, such as
``model.predict_proba(X)[:, 1] >= 0.3``, outlives the output it was computed from), so it is
short: the :data:`REMEMBERED` most recent predictions.

When a metric is called, its predictions are matched to the model that made them: the same
array, a view of it (a column ``[:, 1]``, a pandas object on the same memory), a copy of it, or a
threshold of one of its columns (``proba[:, 1] >= 0.3``). A match queues the evaluation; at the
end of the cell nbalign evaluates each queued model once on the objective's metric (the user's
metric and value are kept beside it), records them in one batch and shows their lines. A metric
call that matches nothing costs a comparison or two; a cell that calls none costs nothing.

Everything nbalign replaced is kept in :class:`Patches` and put back by identity when autolog is
switched off or nbalign unloaded. Metric functions imported into the notebook before nbalign was
loaded (``from sklearn.metrics import roc_auc_score``) are replaced in the notebook's namespace
too, and put back. A failure inside autolog is one warning: the user's call returns its result
untouched.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import NbalignError

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
    output: Any  # numpy.ndarray
    data: Any  # X
    rows: int
    # Out-of-fold predictions (``cross_val_predict``): the folds' (train, test) row indices and the
    # mean fit time; the model is the unfitted estimator the folds refitted.
    folds: dict | None = None


@dataclass
class Observed:
    """A model seen being scored: evaluated with the objective's metric at the end of the cell.

    ``kind`` is ``"test"`` (a fitted model scored on data), ``"cv"`` (an estimator
    cross-validated: ``folds`` holds the objective's metric on each fold, as its scorer returns
    it, and the mean fit time), ``"search"`` (a fitted search: its best estimator, to be
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


@dataclass
class Watcher:
    """The observations of one session: recent predictions and the evaluations they lead to."""

    predictions: deque = field(default_factory=lambda: deque(maxlen=REMEMBERED))
    queued: list = field(default_factory=list)
    fit_seconds: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)
    fit_data: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)  # model -> weakref to X
    warned: set = field(default_factory=set)
    warn: Callable[[str], None] = lambda message: log.warning(message)

    # -------------------------------------------------------------- observing

    def predicted(self, model, method: str, X, output) -> None:
        import numpy as np

        if not isinstance(output, np.ndarray) or output.ndim not in (1, 2):
            return
        self.predictions.append(Prediction(model, method, output, X, output.shape[0]))

    def scored(self, metric: str, y_true, y_pred, value) -> None:
        """A metric function returned ``value`` for ``y_pred``: queue the model that made them."""
        if not _is_number(value):
            return  # a curve, a matrix, a report: not a score
        found = self.match(y_pred)
        if found is None:
            return
        if found.folds is None:
            self.queue(Observed(found.model, found.data, y_true, metric, float(value)))
        else:
            folds = {**found.folds, "method": found.method, "response": found.output}
            self.queue(Observed(found.model, found.data, y_true, metric, float(value), "cv_predict", folds))

    def cross_predicted(self, estimator, method: str, X, output, splits: list, fit_seconds: float | None) -> None:
        """``cross_val_predict`` returned ``output``: remembered like a prediction, with its folds."""
        import numpy as np

        if isinstance(output, np.ndarray) and output.ndim in (1, 2) and splits:
            self.predictions.append(Prediction(estimator, method, output, X, output.shape[0],
                                               {"splits": splits, "fit_seconds": fit_seconds}))

    def queue(self, observed: Observed) -> None:
        self.queued.append(observed)

    def fitted(self, model, seconds: float, X=None) -> None:
        try:
            self.fit_seconds[model] = seconds
            self.fit_data[model] = weakref.ref(X)
        except TypeError:  # a model or data that takes no weak reference: not remembered
            pass

    def fitted_on(self, model):
        """The data ``model`` was last fitted on, while it exists."""
        found = self.fit_data.get(model)
        return None if found is None else found()

    def take(self) -> list[Observed]:
        """The queued evaluations, once each (the same model, data and labels), in order."""
        queued, self.queued = self.queued, []
        seen, unique = set(), []
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
        recent = [p for p in reversed(self.predictions) if p.rows == array.shape[0]]
        for p in recent:
            if np.may_share_memory(array, p.output):  # the array, a column of it, a pandas view
                return p
        for p in recent:
            if _derived(array, p.output, p.model):
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
    for column in columns:
        if column.dtype.kind == "f" and column[positive].min() >= column[~positive].max():
            return True  # acted on exactly the rows scored at or above some threshold
    return False


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


class _Observing:
    """A descriptor that wraps another (scikit-learn's ``available_if``): the method stays
    missing where it was missing (``hasattr`` is unchanged), and is observed where it exists."""

    def __init__(self, descriptor, wrap: Callable):
        self.descriptor = descriptor
        self.wrap = wrap
        functools.update_wrapper(self, descriptor, updated=())

    def __get__(self, obj, owner=None):
        bound = self.descriptor.__get__(obj, owner)  # raises AttributeError where unavailable
        return bound if obj is None else self.wrap(bound, obj)

    def __set_name__(self, owner, name):
        pass


class Autolog:
    """Autolog for one session: :meth:`start` patches, :meth:`stop` puts everything back."""

    def __init__(self, watcher: Watcher, namespace: dict | None = None, metric: Callable | None = None):
        self.watcher = watcher
        self.namespace = namespace
        self.metric = metric or (lambda: None)  # the objective's Metric, or None: what CV also scores
        self.patches = Patches()
        self.active = False
        self._metric_originals: dict[int, Callable] = {}
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
        if self.namespace is not None:  # metric functions the notebook imported while watched
            for name, value in list(self.namespace.items()):
                original = getattr(value, "__wrapped_original__", None)
                if original is not None and getattr(value, "__nbalign_observed__", False):
                    self.namespace[name] = original

    def _patch_estimators(self, module) -> None:
        base = module.BaseEstimator
        for cls in _with_mixins(_subclasses(base)):
            self._patch_class(cls)
        self._patch_new_classes(base)

    def _patch_model_selection(self, module) -> None:
        """``cross_validate`` and ``cross_val_score`` also score the objective's metric, in the same
        folds (one more scorer, not a second cross-validation); the user gets their own result."""
        original = module.cross_validate
        autolog = self

        @functools.wraps(original)
        def cross_validate(estimator, X, y=None, **kwargs):
            metric = autolog.metric() if autolog.active and not _depth() else None
            if metric is None:
                return original(estimator, X, y, **kwargs)
            return autolog._cross_validate(original, metric, estimator, X, y, kwargs)

        @functools.wraps(module.cross_val_score)
        def cross_val_score(estimator, X, y=None, **kwargs):
            return cross_validate(estimator, X, y, **kwargs)["test_score"]

        predicting = module.cross_val_predict

        @functools.wraps(predicting)
        def cross_val_predict(estimator, X, y=None, **kwargs):
            if _depth() or not autolog.active or autolog.metric() is None:
                return predicting(estimator, X, y, **kwargs)
            return autolog._cross_val_predict(predicting, estimator, X, y, kwargs)

        for name, function in (("cross_validate", cross_validate), ("cross_val_score", cross_val_score),
                               ("cross_val_predict", cross_val_predict)):
            function.__nbalign_observed__ = True
            function.__wrapped_original__ = getattr(module, name)
            self._metric_originals[id(getattr(module, name))] = function
            self.patches.replace(module, name, function)
        self._patch_namespace()

    def _cross_validate(self, original, metric, estimator, X, y, kwargs):
        from sklearn.metrics import check_scoring

        ours = "__nbalign__"
        try:
            user = check_scoring(estimator, scoring=kwargs.get("scoring"))
            objective = metric.sklearn_scorer()
        except Exception:  # noqa: BLE001 - scikit-learn says what is wrong with the user's call
            return original(estimator, X, y, **kwargs)

        def scoring(model, X_fold, y_fold):
            theirs = user(model, X_fold, y_fold)
            scores = dict(theirs) if isinstance(theirs, dict) else {"score": theirs}
            scores[ours] = objective(model, X_fold, y_fold)
            return scores

        with quiet():
            result = original(estimator, X, y, **{**kwargs, "scoring": scoring})
        try:
            folds = {"scores": [float(v) for v in result[f"test_{ours}"]],
                     "fit_seconds": float(sum(result["fit_time"]) / len(result["fit_time"]))}
            shown = result.get("test_score")
            value = None if shown is None else float(sum(shown) / len(shown))
            self.watcher.queue(Observed(estimator, X, y, "cross_validate", value, "cv", folds))
        except Exception as exc:  # noqa: BLE001 - the user's result is returned whatever happens here
            self._failed("watching cross_validate", exc)
        for key in (f"test_{ours}", f"train_{ours}"):
            result.pop(key, None)
        return result

    def _cross_val_predict(self, original, estimator, X, y, kwargs):
        """The user's out-of-fold predictions, with the folds they came from remembered: a metric
        called on them (or a column, or a threshold) logs the estimator as cross-validated."""
        from sklearn.base import is_classifier
        from sklearn.model_selection import check_cv

        try:
            folds = _RecordedFolds(check_cv(kwargs.get("cv"), y, classifier=is_classifier(estimator)))
        except Exception:  # noqa: BLE001 - scikit-learn says what is wrong with the user's call
            return original(estimator, X, y, **kwargs)
        start = time.perf_counter()
        with quiet():
            output = original(estimator, X, y, **{**kwargs, "cv": folds})
        try:
            splits = folds.splits
            seconds = (time.perf_counter() - start) / len(splits) if splits else None  # fit and predict, per fold
            self.watcher.cross_predicted(estimator, kwargs.get("method", "predict"), X, output, splits, seconds)
        except Exception as exc:  # noqa: BLE001 - the user's result is returned whatever happens here
            self._failed("watching cross_val_predict", exc)
        return output

    def _patch_metrics(self, module) -> None:
        for name, function in _scoring_functions(module):
            wrapped = self._metric(name, function)
            self._metric_originals[id(function)] = wrapped
            self.patches.replace(module, name, wrapped)
        self._patch_namespace()

    # -------------------------------------------------------------- estimators

    def _patch_class(self, cls) -> None:
        for name in PREDICTING + ("score", "fit"):
            attribute = vars(cls).get(name)
            if attribute is None or getattr(attribute, "__nbalign_observed__", False):
                continue
            if inspect.isfunction(attribute):
                self.patches.replace(cls, name, self._method(name, attribute))
            elif hasattr(attribute, "__get__") and not isinstance(attribute, (staticmethod, classmethod, property)):
                descriptor = _Observing(attribute, lambda bound, obj, name=name: self._bound(name, bound, obj))
                descriptor.__nbalign_observed__ = True
                self.patches.replace(cls, name, descriptor)

    def _patch_new_classes(self, base) -> None:
        """Classes defined from now on (a module imported later, the user's own) are observed too."""
        original = vars(base).get("__init_subclass__")
        autolog = self

        def __init_subclass__(cls, **kwargs):
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

    def _method(self, name: str, function: Callable) -> Callable:
        watcher = self.watcher

        if name == "fit":
            @functools.wraps(function)
            def fit(model, *args, **kwargs):
                if _depth():
                    return function(model, *args, **kwargs)
                start = time.perf_counter()
                with quiet():
                    result = function(model, *args, **kwargs)
                X = args[0] if args else kwargs.get("X")
                watcher.fitted(model, time.perf_counter() - start, X)
                if hasattr(model, "cv_results_") and hasattr(model, "best_estimator_"):
                    y = args[1] if len(args) > 1 else kwargs.get("y")
                    watcher.queue(Observed(model, X, y, "search", getattr(model, "best_score_", None), "search"))
                return result

            fit.__nbalign_observed__ = True
            return fit

        @functools.wraps(function)
        def observed(model, *args, **kwargs):
            if _depth():
                return function(model, *args, **kwargs)
            with quiet():
                result = function(model, *args, **kwargs)
            self._after(name, model, args, kwargs, result)
            return result

        observed.__nbalign_observed__ = True
        return observed

    def _bound(self, name: str, bound: Callable, model) -> Callable:
        @functools.wraps(bound)
        def observed(*args, **kwargs):
            if _depth():
                return bound(*args, **kwargs)
            with quiet():
                result = bound(*args, **kwargs)
            self._after(name, model, args, kwargs, result)
            return result

        return observed

    def _after(self, name: str, model, args, kwargs, result) -> None:
        try:
            if name == "score":
                X = args[0] if args else kwargs.get("X")
                y = args[1] if len(args) > 1 else kwargs.get("y")
                if X is not None and y is not None and _is_number(result):
                    self.watcher.queue(Observed(model, X, y, "score", float(result)))
            elif name in PREDICTING:
                X = args[0] if args else kwargs.get("X")
                if X is not None:
                    self.watcher.predicted(model, name, X, result)
        except Exception as exc:  # noqa: BLE001 - the user's call has its result; autolog says why it did not log
            self._failed(f"watching {type(model).__name__}.{name}", exc)

    # -------------------------------------------------------------- metrics

    def _metric(self, name: str, function: Callable) -> Callable:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def observed(*args, **kwargs):
            if _depth() or not self.active:
                return function(*args, **kwargs)
            return self.call_metric(name, function, signature, args, kwargs)

        observed.__nbalign_observed__ = True
        observed.__wrapped_original__ = function
        return observed

    def call_metric(self, name: str, function: Callable, signature, args, kwargs):
        """Call a metric function, and queue the model whose predictions it scored."""
        with quiet():
            value = function(*args, **kwargs)
        try:
            truth, predicted = list(signature.parameters)[:2]
            bound = signature.bind_partial(*args, **kwargs).arguments
            if truth in bound and predicted in bound:
                self.watcher.scored(name, bound[truth], bound[predicted], value)
        except Exception as exc:  # noqa: BLE001 - the user's score is returned whatever happens here
            self._failed(f"watching {name}", exc)
        return value

    def _patch_namespace(self) -> None:
        """Metric functions the notebook imported before autolog started are watched too."""
        if self.namespace is None:
            return
        for name, value in list(self.namespace.items()):
            wrapped = self._metric_originals.get(id(value)) if callable(value) else None
            if wrapped is not None and getattr(wrapped, "__wrapped_original__", None) is value:
                self.patches.replace_item(self.namespace, name, wrapped)

    def _failed(self, what: str, exc: Exception) -> None:
        log.debug("nbalign autolog failed while %s", what, exc_info=True)
        key = (what, type(exc).__name__)
        if key not in self.watcher.warned:
            self.watcher.warned.add(key)
            self.watcher.warn(f"autolog failed while {what} ({type(exc).__name__}: {exc}); your code ran "
                              "normally, and this evaluation was not logged.")


def metric(function: Callable) -> Callable:
    """Register the user's own metric function (``metric(y_true, y_pred) -> number``): while
    autolog is on, a call of it on a model's predictions logs that model, as scikit-learn's
    metrics do. The function is returned wrapped; it computes exactly what it did.

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

    @functools.wraps(function)
    def observed(*args, **kwargs):
        current = _current
        if current is None or _depth() or not current.active:
            return function(*args, **kwargs)
        return current.call_metric(function.__name__, function, signature, args, kwargs)

    observed.__nbalign_metric__ = True
    return observed


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
        spec.loader = _PatchingLoader(spec.loader, lambda module: self._patched(name, module))
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
