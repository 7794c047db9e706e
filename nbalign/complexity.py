"""What a fitted model costs: prediction time, size, parameters and fit time.

nbalign's fifth habit is to ship a simple model early and stop when more complex ones stop paying
for themselves. "Simple" needs a measure: :func:`measure` returns a :class:`Complexity`, a plain
record of what it knows about one fitted model (None where it does not know), :func:`describe`
says it in one line and :func:`ratio_text` says what one model costs next to another.

Nothing here predicts or fits: the prediction time is the one nbalign took while scoring, the fit
time the one autolog will see. The size is the model's pickle, counted as it streams out (so a
300-tree forest of 66 MB costs 8 ms and no memory, see :func:`pickled_size`). The parameter
count is :func:`count_parameters`: exact for the scikit-learn models it knows, None for the others.

scikit-learn is never imported (models are recognised by the names of their classes), and numpy
and pickle only inside functions: ``import nbalign`` stays light.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Complexity:
    """What a fitted model costs; None where it is not known.

    Attributes
    ----------
    predict_ms_per_1k : float or None
        Milliseconds to predict 1,000 rows, from a prediction someone already timed.
    size_bytes : int or None
        Length of the model's pickle (highest protocol); None when it cannot be pickled.
    n_parameters : int or None
        Learned values, as :func:`count_parameters` counts them; None for an unknown model.
    fit_seconds : float or None
        Seconds the fit took, when it was seen.

    Examples
    --------
    >>> c = Complexity(predict_ms_per_1k=2.1, size_bytes=45_000, n_parameters=31)
    >>> Complexity.from_dict(c.to_dict()) == c
    True
    """

    predict_ms_per_1k: float | None = None
    size_bytes: int | None = None
    n_parameters: int | None = None
    fit_seconds: float | None = None

    def to_dict(self) -> dict:
        """The record as plain JSON-safe values (Python ints and floats, or None)."""
        return {
            "predict_ms_per_1k": _finite(self.predict_ms_per_1k),
            "size_bytes": None if self.size_bytes is None else int(self.size_bytes),
            "n_parameters": None if self.n_parameters is None else int(self.n_parameters),
            "fit_seconds": _finite(self.fit_seconds),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Complexity:
        """The record back from :meth:`to_dict`; keys it does not know are ignored, missing ones are None."""
        # A store written by a later version may hold measures this one does not know.
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})


_FIELDS = frozenset(f.name for f in fields(Complexity))


def _finite(value) -> float | None:
    """A float JSON can carry: NaN and infinities (a clock gone wrong) become None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def measure(model, X=None, predict_seconds: float | None = None, n_rows: int | None = None,
            fit_seconds: float | None = None, learned: tuple | None = None) -> Complexity:
    """What ``model`` costs, from what is known about it; it never predicts or fits.

    Parameters
    ----------
    model : object
        A fitted model, scikit-learn or not.
    X : array-like, optional
        The rows ``predict_seconds`` was timed on; only their number is read, when ``n_rows`` is
        not given.
    predict_seconds : float, optional
        How long the caller's prediction of ``n_rows`` rows took (nbalign times it while
        scoring). Without it the prediction time is None: predicting again here would double
        the cost of every evaluation.
    n_rows : int, optional
        How many rows that prediction was on.
    fit_seconds : float, optional
        How long the fit took, passed through.
    learned : (size_bytes, n_parameters), optional
        The two figures of what the model learned, when they were measured after its fit.

    Returns
    -------
    Complexity
        ``size_bytes`` from :func:`pickled_size`, ``n_parameters`` from :func:`count_parameters`.

    Examples
    --------
    >>> lr = LogisticRegression().fit(X, y)  # doctest: +SKIP
    >>> measure(lr, X, predict_seconds=0.0021, n_rows=1000)  # doctest: +SKIP
    Complexity(predict_ms_per_1k=2.1, size_bytes=909, n_parameters=31, fit_seconds=None)
    """
    if n_rows is None and X is not None:
        n_rows = _row_count(X)
    per_1k = None
    if predict_seconds is not None and n_rows:
        per_1k = _finite(predict_seconds / n_rows * 1000 * 1000)  # seconds per row -> ms per 1,000
    size_bytes, n_parameters = learned if learned is not None else (pickled_size(model), count_parameters(model))
    return Complexity(
        predict_ms_per_1k=per_1k,
        size_bytes=size_bytes,
        n_parameters=n_parameters,
        fit_seconds=_finite(fit_seconds),
    )


def _row_count(X) -> int | None:
    shape = getattr(X, "shape", None)
    if shape:
        return int(shape[0])
    try:
        return len(X)
    except TypeError:
        return None


# ------------------------------------------------------------------ size


class _ByteCounter:
    """A file that keeps nothing: it adds up the lengths written to it."""

    def __init__(self):
        self.count = 0

    def write(self, data) -> int:
        n = memoryview(data).nbytes
        self.count += n
        return n


def pickled_size(model) -> int | None:
    """``len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))``, without building the bytes.

    The pickle streams into a counter instead of memory. pickle hands large buffers (the arrays
    of a model, protocol 5) straight to the file without copying them, so the cost is walking
    the model, not its bytes: a 300-tree forest on 20,000 rows pickles to 66 MB, which
    ``pickle.dumps`` builds in 53 ms and 71 MB of memory and this counts in 8 ms and 1.2 MB (the
    same forest on the 569 rows of the breast cancer set: 1.1 MB in 6 ms). No cap is needed.

    A model that cannot be pickled (it holds a lambda, a lock, an open file) or whose pickling
    fails in any other way gives None: a size is never worth an evaluation.

    Examples
    --------
    >>> lr = LogisticRegression().fit(X, y)  # doctest: +SKIP
    >>> pickled_size(lr) == len(pickle.dumps(lr, protocol=pickle.HIGHEST_PROTOCOL))  # doctest: +SKIP
    True
    >>> pickled_size(lambda x: x) is None  # a lambda cannot be pickled
    True
    """
    import pickle

    counter = _ByteCounter()
    try:
        pickle.Pickler(counter, protocol=pickle.HIGHEST_PROTOCOL).dump(model)
    except Exception:  # noqa: BLE001 - whatever the model's own pickling raises means "not picklable"
        return None
    return counter.count


# ------------------------------------------------------------------ parameters


def count_parameters(model) -> int | None:
    """How many values the fitted model learned, for the scikit-learn models where that is defined.

    What counts, by kind of model (stored entries of the arrays named; a sparse array counts its
    stored entries):

    - linear models (``sklearn.linear_model``, ``LinearSVC``, ``LinearSVR``,
      ``LinearDiscriminantAnalysis``): ``coef_`` and, when it fits one, ``intercept_``;
    - decision trees: their nodes (``tree_.node_count``); forests, bagging, AdaBoost, voting,
      one-vs-rest and multi-output models: the sum over their fitted ``estimators_`` (AdaBoost
      adds one weight per tree, gradient boosting the model it starts from, ``init_``);
    - HistGradientBoosting: the nodes of its trees plus the constant it starts from (one value
      per tree of an iteration), like gradient boosting's ``init_`` and a linear intercept;
    - stacking: its estimators and its final estimator;
    - k-nearest neighbours (and the other ``sklearn.neighbors`` models that store their training
      rows): the stored training values, features and targets;
    - SVMs (SVC, SVR, NuSVC, NuSVR, OneClassSVM): the support vectors' values, the dual
      coefficients and the intercepts (not ``probability=True``'s Platt scaling, deprecated in
      scikit-learn 1.9: reading it warns);
    - multi-layer perceptrons: weights and biases;
    - naive Bayes: its per-class parameters (GaussianNB's means, variances and priors; the
      discrete ones' feature and class log probabilities);
    - Dummy models: the constant they predict (0 for ``uniform``, the class distribution for
      ``prior`` and ``stratified``, one value per output otherwise);
    - preprocessing: the learned arrays ``transform`` uses (a StandardScaler's ``mean_`` and
      ``scale_``, not ``var_`` which ``scale_`` is derived from; encoders' categories; an
      imputer's statistics; PCA's components and mean); stateless steps (FunctionTransformer,
      Normalizer, PolynomialFeatures...) count 0;
    - pipelines, column transformers, feature unions: the sum over their steps; a search
      (GridSearchCV and the others): its ``best_estimator_``; TransformedTargetRegressor: its
      regressor and its transformer.

    Anything else gives None, never a guess: models of other libraries, scikit-learn models not
    listed (feature selectors, calibration, isotonic regression...), an unfitted model, and a
    composite any part of which gives None. Models are recognised by the scikit-learn classes
    they derive from, so a subclass of a listed model is counted like it.

    Examples
    --------
    >>> count_parameters(LogisticRegression().fit(X_cancer, y_cancer))  # 30 features  # doctest: +SKIP
    31
    >>> scaled = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_cancer, y_cancer)  # doctest: +SKIP
    >>> count_parameters(scaled)  # doctest: +SKIP
    91
    """
    rule = _rule_for(model)
    if rule is None:
        return None
    try:
        return rule(model)
    except AttributeError:  # unfitted, or a scikit-learn version that names its state otherwise
        return None


def _rule_for(model):
    for cls in type(model).__mro__:
        module = cls.__module__ or ""
        if not module.startswith("sklearn."):
            continue
        rule = _RULES.get(cls.__name__)
        if rule is not None:
            return rule
        if module.startswith("sklearn.linear_model."):
            return _linear
    return None


def _entries(value) -> int:
    """Stored entries of an array, a sparse matrix, a scalar or a (nested, ragged) list of them."""
    import numpy as np

    if value is None:
        return 0
    if isinstance(value, (list, tuple)):
        return sum(_entries(v) for v in value)
    if hasattr(value, "nnz"):  # scipy.sparse, not imported for this
        return int(value.nnz)
    array = np.asarray(value)
    if array.dtype == object:  # ragged: an array of arrays (bin edges, categories)
        return sum(_entries(v) if isinstance(v, (np.ndarray, list, tuple)) else 1 for v in array.ravel())
    return int(array.size)


def _total(counts) -> int | None:
    """The sum of counts, None as soon as one is unknown: a composite is known only whole."""
    total = 0
    for count in counts:
        if count is None:
            return None
        total += count
    return total


def _part(step) -> int | None:
    """A step of a composite: dropped and passed-through steps learned nothing."""
    if step is None or isinstance(step, str):  # "drop", "passthrough"
        return 0
    return count_parameters(step)


def _parts(estimators) -> int | None:
    # Gradient boosting keeps a 2-D array of trees, the others a list. Never np.asarray a list:
    # a Pipeline has __len__ and __getitem__, and numpy would take it apart as a sequence.
    flat = estimators.ravel() if hasattr(estimators, "ravel") else estimators
    return _total(_part(e) for e in flat)


def _learned(*names):
    def rule(model) -> int:
        return sum(_entries(getattr(model, name)) for name in names)
    return rule


def _linear(model) -> int:
    # A model fitted without an intercept still has intercept_ (0.0); it learned nothing there.
    intercept = _entries(model.intercept_) if getattr(model, "fit_intercept", True) else 0
    return _entries(model.coef_) + intercept


def _tree(model) -> int:
    return int(model.tree_.node_count)


def _hist_gradient_boosting(model) -> int:
    nodes = sum(len(predictor.nodes) for iteration in model._predictors for predictor in iteration)
    return nodes + _entries(model._baseline_prediction)


def _gradient_boosting(model) -> int | None:
    return _total([_parts(model.estimators_), _part(model.init_)])


def _adaboost(model) -> int | None:
    return _total([_parts(model.estimators_), len(model.estimators_)])


def _stacking(model) -> int | None:
    return _total([_parts(model.estimators_), _part(model.final_estimator_)])


def _neighbors(model) -> int:
    return _entries(model._fit_X) + _entries(getattr(model, "_y", None))  # unsupervised: no _y


def _svm(model) -> int:
    return sum(_entries(getattr(model, name)) for name in ("support_vectors_", "dual_coef_", "intercept_"))


def _dummy_classifier(model) -> int:
    if model.strategy == "uniform":
        return 0
    if model.strategy in ("prior", "stratified"):
        return _entries(model.class_prior_)
    return int(model.n_outputs_)


def _pca(model) -> int:
    whitening = _entries(model.explained_variance_) if model.whiten else 0
    return _entries(model.components_) + _entries(model.mean_) + whitening


_RULES = {
    # linear models outside sklearn.linear_model (those inside are found by module)
    "LinearSVC": _linear,
    "LinearSVR": _linear,
    "LinearDiscriminantAnalysis": _linear,
    # trees and their ensembles
    "BaseDecisionTree": _tree,
    "BaseForest": lambda m: _parts(m.estimators_),
    "BaseBagging": lambda m: _parts(m.estimators_),  # IsolationForest too
    "BaseGradientBoosting": _gradient_boosting,
    "BaseWeightBoosting": _adaboost,
    "BaseHistGradientBoosting": _hist_gradient_boosting,
    # other meta-estimators
    "_BaseVoting": lambda m: _parts(m.estimators_),
    "_BaseStacking": _stacking,
    "OneVsRestClassifier": lambda m: _parts(m.estimators_),
    "OneVsOneClassifier": lambda m: _parts(m.estimators_),
    "_MultiOutputEstimator": lambda m: _parts(m.estimators_),
    "_BaseChain": lambda m: _parts(m.estimators_),
    "BaseSearchCV": lambda m: count_parameters(m.best_estimator_),
    "TransformedTargetRegressor": lambda m: _total([_part(m.regressor_), _part(m.transformer_)]),
    "Pipeline": lambda m: _total(_part(step) for _, step in m.steps),
    "ColumnTransformer": lambda m: _total(_part(t) for _, t, _ in m.transformers_),
    "FeatureUnion": lambda m: _total(_part(t) for _, t in m.transformer_list),
    # other models
    "NeighborsBase": _neighbors,
    "BaseLibSVM": _svm,
    "BaseMultilayerPerceptron": _learned("coefs_", "intercepts_"),
    "GaussianNB": _learned("theta_", "var_", "class_prior_"),
    "_BaseDiscreteNB": _learned("feature_log_prob_", "class_log_prior_"),
    "DummyClassifier": _dummy_classifier,
    "DummyRegressor": _learned("constant_"),
    # preprocessing: what transform uses
    "StandardScaler": _learned("mean_", "scale_"),
    "MinMaxScaler": _learned("min_", "scale_"),
    "MaxAbsScaler": _learned("scale_"),
    "RobustScaler": _learned("center_", "scale_"),
    "OneHotEncoder": _learned("categories_"),
    "OrdinalEncoder": _learned("categories_"),
    "TargetEncoder": _learned("categories_", "encodings_"),
    "LabelEncoder": _learned("classes_"),
    "KBinsDiscretizer": _learned("bin_edges_"),
    "SimpleImputer": _learned("statistics_"),
    "PCA": _pca,
    "TruncatedSVD": _learned("components_"),
    "FunctionTransformer": lambda m: 0,
    "Normalizer": lambda m: 0,
    "Binarizer": lambda m: 0,
    "PolynomialFeatures": lambda m: 0,
}


# ------------------------------------------------------------------ words


def describe(complexity: Complexity) -> str:
    """One short line of what is known: ``2.1 ms per 1k rows, 45 KB, 31 parameters, fit 3.2 s``.

    Parts not known are left out; ``cost not known`` when none is. Sizes are decimal (1 KB is
    1,000 bytes); times and sizes keep two significant digits below 10 and whole numbers above,
    parameters are exact.

    Examples
    --------
    >>> describe(Complexity(predict_ms_per_1k=2.1, size_bytes=45_000, n_parameters=31))
    '2.1 ms per 1k rows, 45 KB, 31 parameters'
    """
    parts = [_QUANTITIES[name][1].format(_QUANTITIES[name][0](value)) for name, value in _known(complexity)]
    return ", ".join(parts) if parts else "cost not known"


def ratio_text(a: Complexity, b: Complexity) -> str:
    """What model ``a`` costs next to model ``b``, in words and numbers.

    Each measure both know is compared, in the order prediction time, size, parameters, fit
    time: ``60x the prediction time`` when ``a`` costs 60 times as much as ``b``, ``60x less
    prediction time`` (``60x smaller``, ``60x fewer parameters``) when it costs a 60th, and
    ``about the same ...`` when the two are within a factor of 1.5 of each other: closer than
    that, timing noise and a refit's variation could reverse it. Factors read ``2.5x`` or ``3x``
    below 10 and ``60x`` above. Where one of the two is zero (a Dummy model's parameters) no factor
    exists and both amounts are given: ``31 parameters against 0 parameters``. Empty when no
    measure is known for both, so a caller can leave its sentence out.

    Examples
    --------
    >>> forest = Complexity(predict_ms_per_1k=120, size_bytes=45_000_000)
    >>> logreg = Complexity(predict_ms_per_1k=2, size_bytes=50_000, n_parameters=31)
    >>> ratio_text(forest, logreg)
    '60x the prediction time and 900x the size'
    """
    known_b = dict(_known(b))
    parts = [_compare(name, value, known_b[name]) for name, value in _known(a) if name in known_b]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


_SAME = 1.5  # within this factor either way, two costs read "about the same"


def _known(complexity: Complexity):
    for name in _QUANTITIES:
        value = getattr(complexity, name)
        if value is not None and math.isfinite(value):
            yield name, value


def _compare(name: str, a: float, b: float) -> str:
    amount, _, more, less, same = _QUANTITIES[name]
    if a == b or (a and b and 1 / _SAME < a / b < _SAME):
        return same
    if a == 0 or b == 0:
        return f"{amount(a)} against {amount(b)}"
    ratio = a / b
    factor = max(ratio, 1 / ratio)
    text = (f"{factor:.1f}".removesuffix(".0") if factor < 10 else f"{factor:,.0f}") + "x"
    return (more if ratio > 1 else less).format(text)


def _short(value: float) -> str:
    """Two significant digits below 10 (``2.1``, ``0.35``, ``0.056``), whole numbers above (``45``, ``1,200``)."""
    if value == 0:
        return "0"
    if value < 0.01:
        return "<0.01"
    return f"{value:.2g}" if value < 10 else f"{value:,.0f}"


def _bytes(size: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{_short(size / scale)} {unit}"
    return f"{int(size)} B"


def _parameters(count: float) -> str:
    return f"{int(count):,} parameter" + ("" if count == 1 else "s")


# name: (amount, line in describe, "more" phrase, "less" phrase, "about the same" phrase)
_QUANTITIES = {
    "predict_ms_per_1k": (lambda v: f"{_short(v)} ms", "{} per 1k rows", "{} the prediction time",
                          "{} less prediction time", "about the same prediction time"),
    "size_bytes": (_bytes, "{}", "{} the size", "{} smaller", "about the same size"),
    "n_parameters": (_parameters, "{}", "{} the parameters", "{} fewer parameters", "about the same parameters"),
    "fit_seconds": (lambda v: f"{_short(v)} s", "fit {}", "{} the fit time", "{} less fit time",
                    "about the same fit time"),
}
