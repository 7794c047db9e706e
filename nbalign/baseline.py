"""``baseline: auto``: the two baselines fitted on ``data.train``, and what the linear one learned.

The constant model (:func:`constant_model`) is the floor: what a model scores that learned
nothing but the class prior or the mean. The baseline to beat is an explainable linear model
(:func:`linear_pipeline`): missing values imputed, numbers scaled, categories one-hot encoded,
then logistic regression (classification) or ridge regression (regression). A model that does
not clear it is not worth its complexity, and its coefficients are part of the argument for
shipping it.

Fitting never blocks a cell for long: above :data:`ROW_LIMIT` training rows the linear model is
fitted on a fixed, seeded sample of that many rows (stratified by class for classification).

scikit-learn is imported only when a baseline is fitted: ``import nbalign`` stays light.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Above this many training rows the linear baseline is fitted on a seeded sample of this many.
# 100,000 rows with a few dozen one-hot columns fit in a few seconds.
ROW_LIMIT = 100_000
SAMPLE_SEED = 0
MAX_ITER = 1000  # LogisticRegression: scaled features converge well before this
# One-hot encoding: a category seen in under 1% of the rows, or past the 30 most frequent of a
# column, joins that column's "other" column, so a high-cardinality column (a zip code, an ID
# stored as text) adds at most 30 columns instead of thousands.
MIN_FREQUENCY = 0.01
MAX_CATEGORIES = 30
TOP_COEFFICIENTS = 8

LINEAR_LABEL = "linear baseline"
CONSTANT_LABEL = "constant baseline"


@dataclass(frozen=True)
class AutoBaseline:
    """The two models ``baseline: auto`` fitted, and how the linear one was fitted.

    Attributes
    ----------
    constant, linear
        The fitted constant model (the floor) and linear pipeline (the baseline to beat);
        ``linear`` is None when it could not be fitted on this data (``problem`` says why).
    task : str
        "classification" or "regression".
    n_rows, n_fitted : int
        Training rows, and the rows the linear model was fitted on (fewer above ``ROW_LIMIT``).
    seconds : float
        Time the linear fit took.
    """

    constant: Any
    linear: Any
    task: str
    n_rows: int
    n_fitted: int
    seconds: float
    problem: str | None = None

    @property
    def sampled(self) -> bool:
        return self.n_fitted < self.n_rows


def task_of(y_train, metric=None) -> str:
    """"classification" or "regression": the metric decides where it can, else the labels.

    Sale prices in whole dollars are integers, which scikit-learn's ``type_of_target`` calls
    "multiclass", but an RMSE objective is regression.
    """
    from sklearn.utils.multiclass import type_of_target

    task = metric.kind.task if metric is not None else None
    if task is None:
        task = "regression" if type_of_target(y_train).startswith("continuous") else "classification"
    return task


def constant_model(y_train, metric=None):
    """The canonical floor: predict the class prior, or the mean (scikit-learn's Dummy models)."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    if task_of(y_train, metric) == "regression":
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="prior")


def linear_pipeline(X, task: str):
    """An explainable linear model for the columns of ``X``, not fitted.

    For a DataFrame: numbers imputed with the median and scaled; text, category and bool
    columns imputed with the most frequent value and one-hot encoded (unknown categories
    ignored, rare ones grouped); other columns (dates, durations) left out. For an array:
    imputed with the median and scaled. Then ``LogisticRegression`` or ``Ridge``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"tenure": [1.0, None, 30], "contract": ["monthly", "yearly", None]})
    >>> [name for name, *_ in linear_pipeline(X, "classification")[0].transformers]
    ['numbers', 'categories']
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    model = LogisticRegression(max_iter=MAX_ITER) if task == "classification" else Ridge()
    if not hasattr(X, "columns"):
        sparse = hasattr(X, "tocsr")
        return Pipeline([("impute", SimpleImputer(strategy="median")),
                         ("scale", StandardScaler(with_mean=not sparse)), ("model", model)])
    numbers, categories = _columns(X)
    # drop="if_binary": a two-valued column is one indicator, not two that split one effect (±c)
    encode = OneHotEncoder(handle_unknown="ignore", min_frequency=MIN_FREQUENCY, max_categories=MAX_CATEGORIES,
                           drop="if_binary",
                           feature_name_combiner=feature_equals_category)
    steps = []
    if numbers:
        steps.append(("numbers", Pipeline([("impute", SimpleImputer(strategy="median")),
                                           ("scale", StandardScaler())]), numbers))
    if categories:
        steps.append(("categories", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                                              ("one_hot", encode)]), categories))
    prepare = ColumnTransformer(steps, remainder="drop", verbose_feature_names_out=False)
    return Pipeline([("prepare", prepare), ("model", model)])


def feature_equals_category(feature: str, category) -> str:
    """One-hot column names as people read them: ``contract=Month-to-month``.

    A module function, not a lambda, so the fitted pipeline pickles (its size is measured).
    """
    return f"{feature}={'other (rare)' if category == 'infrequent_sklearn' else category}"


def _columns(X) -> tuple[list, list]:
    numbers = list(X.select_dtypes(include="number").columns)
    categories = list(X.select_dtypes(include=["object", "category", "bool", "boolean", "string"]).columns)
    return numbers, categories


def sample_rows(X, y, limit: int, task: str, seed: int = SAMPLE_SEED):
    """At most ``limit`` rows of ``X, y``: all of them, or a fixed seeded sample, stratified by
    class for classification (plain when a class has a single row)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    n = _n_rows(y)
    if n <= limit:
        return X, y
    stratify = None
    if task == "classification":
        _, counts = np.unique(np.asarray(y).ravel(), return_counts=True)
        stratify = y if counts.min() >= 2 and len(counts) <= limit else None
    X_sample, _, y_sample, _ = train_test_split(X, y, train_size=limit, random_state=seed, stratify=stratify)
    return X_sample, y_sample


def fit_baselines(X, y, metric=None, report: Callable[[str, bool], None] | None = None) -> AutoBaseline:
    """Fit the constant model on every row and the linear pipeline on at most ``ROW_LIMIT`` rows.

    ``report(text, done)`` is told what is being fitted before the linear fit (``done`` False)
    and how long it took after (``done`` True). A linear model that cannot be fitted on this
    data (text without columns, images) leaves ``linear`` None and says why in ``problem``: the
    constant model is then the baseline.
    """
    from sklearn.exceptions import ConvergenceWarning

    task = task_of(y, metric)
    constant = constant_model(y, metric).fit(X, y)
    n_rows = _n_rows(y)
    X_fit, y_fit = sample_rows(X, y, ROW_LIMIT, task)
    n_fitted = _n_rows(y_fit)
    if report is not None:
        report(f"nbalign: fitting the linear baseline on {fitting_what(n_fitted, n_rows, task)}…", False)
    start = time.perf_counter()
    linear, problem = linear_pipeline(X_fit, task), None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # said on the card instead
            linear.fit(X_fit, y_fit)
    except (ValueError, TypeError) as exc:
        linear, problem = None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    seconds = time.perf_counter() - start
    if report is not None:
        if linear is None:
            report(f"nbalign: the linear baseline could not be fitted ({problem}); "
                   "the constant model is the baseline.", True)
        else:
            report(f"nbalign: fitted the linear baseline on {fitting_what(n_fitted, n_rows, task)} "
                   f"in {seconds:.1f} s.", True)
    return AutoBaseline(constant, linear, task, n_rows, n_fitted, seconds, problem)


def fitting_what(n_fitted: int, n_rows: int, task: str) -> str:
    """``5,274 rows``, or ``a sample of 100,000 of 2,000,000 rows (stratified, seed 0)``."""
    if n_fitted >= n_rows:
        return f"{n_rows:,} rows"
    how = "stratified, " if task == "classification" else ""
    return f"a sample of {n_fitted:,} of {n_rows:,} rows ({how}seed {SAMPLE_SEED})"


def _n_rows(y) -> int:
    import numpy as np

    return int(np.shape(y)[0])


# --------------------------------------------------------------------------- explaining it


def steps_in_words(fitted: AutoBaseline) -> list[str]:
    """What the linear pipeline does, one step per line, with the columns it touched."""
    pipeline = fitted.linear
    words = []
    prepare = pipeline.steps[0][1] if len(pipeline.steps) == 2 else None
    if prepare is not None and hasattr(prepare, "transformers_"):
        for name, _, columns in prepare.transformers_:
            if name == "numbers":
                words.append(f"{_count(columns, 'numeric column')}: missing values filled with the median, "
                             "then scaled to mean 0 and standard deviation 1")
            elif name == "categories":
                encoder = prepare.named_transformers_["categories"].named_steps["one_hot"]
                seen, n_out = sum(len(c) for c in encoder.categories_), len(encoder.get_feature_names_out())
                words.append(f"{_count(columns, 'categorical column')}: missing values filled with the most "
                             f"frequent value, then one-hot encoded into {n_out:,} columns ({seen:,} categories "
                             f"seen; a category in under "
                             f"{MIN_FREQUENCY:.0%} of the rows, or past a column's {MAX_CATEGORIES} most frequent, "
                             "grouped as 'other (rare)'; unseen ones ignored)")
            elif name == "remainder" and len(columns):
                names = [prepare.feature_names_in_[c] if isinstance(c, int) and hasattr(prepare, "feature_names_in_")
                         else c for c in columns]
                words.append(f"left out (neither numbers nor categories): {', '.join(map(str, names))}")
    else:
        words.append(f"{_count(range(pipeline.n_features_in_), 'column')}: missing values filled with the median, "
                     "then scaled to mean 0 and standard deviation 1")
    model = pipeline.steps[-1][1]
    if fitted.task == "classification":
        converged = ("" if max(model.n_iter_) < model.max_iter
                     else f" (stopped at {model.max_iter:,} iterations before converging)")
        words.append(f"logistic regression (L2 penalty, C={model.C:g}){converged}")
    else:
        words.append(f"ridge regression (alpha={model.alpha:g})")
    if fitted.sampled:
        words.append(f"fitted on {fitting_what(fitted.n_fitted, fitted.n_rows, fitted.task)}: above "
                     f"{ROW_LIMIT:,} training rows the linear baseline is fitted on a sample")
    return words


def _count(columns, noun: str) -> str:
    n = len(columns)
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def coefficients(fitted: AutoBaseline, top: int = TOP_COEFFICIENTS) -> list[tuple[str, float]]:
    """The linear model's largest coefficients by absolute value, by feature name.

    Names are the columns after preparation (``tenure``, ``contract=Month-to-month``); for a
    model of more than two classes, ``feature → class``. Coefficients are per standard
    deviation for numbers (they were scaled), per presence for categories.
    """
    import numpy as np

    pipeline = fitted.linear
    names = [str(n) for n in pipeline[:-1].get_feature_names_out()]
    model = pipeline.steps[-1][1]
    coef = np.atleast_2d(model.coef_)
    if coef.shape[0] == 1:
        pairs = list(zip(names, coef[0], strict=True))
    else:
        pairs = [(f"{name} → {cls}", value) for cls, row in zip(model.classes_, coef, strict=True)
                 for name, value in zip(names, row, strict=True)]
    pairs = [(n, float(v)) for n, v in pairs if math.isfinite(v)]
    return sorted(pairs, key=lambda p: -abs(p[1]))[:top]


def sign_meaning(fitted: AutoBaseline) -> str:
    """One line: what a positive coefficient means for this model."""
    model = fitted.linear.steps[-1][1]
    if fitted.task == "regression":
        return "positive raises the predicted value, negative lowers it"
    if len(model.classes_) == 2:
        return f"positive raises the predicted probability of {model.classes_[1]!s}, negative lowers it"
    return "positive raises the predicted probability of the class named after the arrow"
