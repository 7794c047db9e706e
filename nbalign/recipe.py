"""Is a change of recipe better? Repeated cross-validation on the training data, corrected.

A paired test on the test set (:mod:`nbalign.stats`) says whether one *fitted model* scores better
than another: only the test rows are random. Read as "my change helped" it claims too often, for
the fit itself is random too (which rows it saw, its seed): two refits of one recipe on resamples
of the same training data are called different on the test set 7.6% (log loss) to 12% (F1) of
the time at 95%. A *recipe* (the model's class, its parameters, the features it is given) is
judged here with the variance that includes refitting: each recipe is refitted on the same
splits of the training data and scored on the rows each fit left out (:func:`fold_scores`), and
the two sets of fold scores are compared fold by fold (:func:`recipe_difference`).

The test
    The fold differences are not independent (the training sets overlap), so the plain paired t
    on them is far too sure of itself. The corrected resampled t of Nadeau & Bengio (2003,
    "Inference for the generalization error", Machine Learning 52:239-281), in the form of
    Bouckaert & Frank (2004) for r repetitions of k-fold cross-validation, widens the variance of
    the mean difference to ``s² · (1/(r·k) + n_test/n_train)`` (``s²`` the variance of the r·k
    fold differences, ddof 1; ``n_test/n_train`` the held-out rows over the rows fitted on) and
    reads t with ``r·k − 1`` degrees of freedom.

The scheme: 5×2 (five repetitions of two-fold cross-validation, Dietterich 1998)
    Ten fits on half the rows each: about five fits of the whole training set, against 90 for
    the 10×10 that Bouckaert & Frank favour, so it fits the refit budget (one second in the cell
    by default) for eighteen times slower models. It is not weaker for it: with two folds every
    fold is scored on half the rows, so the per-fold scores are far less noisy than on a tenth,
    which makes up for the larger correction (``1/10 + 1`` against ``1/100 + 1/9``). In a
    simulation on 200-row samples of the breast cancer data (logistic regression on six features
    against the same with a seventh, useful one; ROC AUC), 5×2 called the gain better in 39 of
    100 samples, 10×10 in 8 of 40 and 2×5 in 14 of 100. The corrected test is conservative with
    two folds: under the null (two seeds of one randomised tree, 200 samples of 120 rows) it
    called none different, the uncorrected t on the same folds 24 (``tests/test_recipe.py``,
    which also finds the useful feature better by log loss in 37 of 40 samples of 150 rows).

The splits
    Every model of an objective gets the same splits (:func:`training_folds`): stratified by class
    for classification, shuffled with a seed derived from the training labels' fingerprint.
    The splits depend on the labels (rows in order) and not on the features, because the
    features are part of the recipe: a model given one more column is compared with the model
    without it on the very same rows. :attr:`FoldScores.folds` names the splits; two records
    are comparable only when it is equal (and their metric, which the evaluation records).

Do no harm
    The refits are nbalign's, not the user's (:mod:`nbalign.refit`): each fold fits a
    :func:`~nbalign.refit.seeded_clone` inside :func:`~nbalign.refit.own_randomness`, a search is
    refitted as its best estimator, the user's model is never touched. They stop between fits
    past their deadline, and Ctrl-C stops them, both as :class:`~nbalign.refit.Cancelled`.

numpy, scipy and scikit-learn are imported inside functions: ``import nbalign`` stays light.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from .errors import EvaluationError
from .stats import Difference

REPEATS = 5  # r: repetitions of the k-fold cross-validation
K = 2  # k: folds of each
SCHEME = f"{REPEATS}x{K}"


@dataclass(frozen=True)
class FoldScores:
    """The objective's metric of one recipe on each held-out fold of repeated k-fold
    cross-validation on the training data.

    Attributes
    ----------
    folds : str
        The identity of the splits: a hash of the training labels' fingerprint, the scheme, whether
        they are stratified, and the seed. Two records are comparable only when it is equal.
    repeats, k : int
        r repetitions of k-fold cross-validation (5 and 2).
    train_rows : int
        Rows of the training data cross-validated.
    held_out_rows : int
        Rows per held-out fold (``train_rows // k``).
    scores : tuple of float
        The metric on each held-out fold, in the metric's own units (a loss positive), in split
        order: repetition by repetition, fold by fold.
    seconds : float
        What computing them cost.
    """

    folds: str
    repeats: int
    k: int
    train_rows: int
    held_out_rows: int
    scores: tuple[float, ...]
    seconds: float

    @property
    def scheme(self) -> str:
        """``5×2``: how it reads."""
        return f"{self.repeats}×{self.k}"

    def to_dict(self) -> dict:
        return {"folds": self.folds, "repeats": self.repeats, "k": self.k, "train_rows": self.train_rows,
                "held_out_rows": self.held_out_rows, "scores": list(self.scores), "seconds": self.seconds}

    @classmethod
    def from_dict(cls, data: dict) -> FoldScores:
        return cls(str(data["folds"]), int(data["repeats"]), int(data["k"]), int(data["train_rows"]),
                   int(data["held_out_rows"]), tuple(float(s) for s in data["scores"]), float(data["seconds"]))


def recipe_difference(a: FoldScores, b: FoldScores, confidence: float = 0.95) -> Difference | None:
    """How much better recipe B scores than recipe A, refitting included: the corrected
    resampled t on their fold scores.

    The estimate is ``mean(b − a)`` over the r·k folds, in the metric's units (for a loss, negative
    means B is better). Its standard error is ``sqrt(s² · (1/(r·k) + n_test/n_train))`` with ``s²``
    the variance (ddof 1) of the fold differences and ``n_test/n_train`` the held-out rows over the
    rows each fit saw; the interval and the two-sided p-value come from Student's t with
    ``r·k − 1`` degrees of freedom, so the interval excludes 0 exactly when ``p < 1 − confidence``.
    ``n`` of the result is the training rows.

    Returns None when the two were not scored on the same folds (another training set, scheme
    or seed: ``a.folds != b.folds``), or hold a different number of scores.

    When every fold differs by exactly 0 (the same deterministic recipe), the difference is 0 with
    a zero-width interval and ``p = 1``. When every fold differs by the same amount that is not 0,
    the folds show no noise to test against and a single-point interval would claim what no test
    showed: :class:`~nbalign.errors.EvaluationError` says the difference is untested, as every test
    of :mod:`nbalign.stats` does when its spread vanishes.

    Examples
    --------
    >>> a = FoldScores("f", 5, 2, 100, 50, (0.80, 0.82, 0.79, 0.81, 0.80, 0.83, 0.78, 0.80, 0.81, 0.82), 0.1)
    >>> b = FoldScores("f", 5, 2, 100, 50, (0.84, 0.83, 0.82, 0.85, 0.81, 0.86, 0.80, 0.84, 0.83, 0.85), 0.1)
    >>> d = recipe_difference(a, b)
    >>> round(d.estimate, 3), round(d.p_value, 3)
    (0.027, 0.033)
    """
    from scipy import special

    from .stats import _check_confidence

    level = _check_confidence(confidence)
    if a.folds != b.folds or len(a.scores) != len(b.scores) or (a.repeats, a.k) != (b.repeats, b.k):
        return None
    folds = len(a.scores)
    if folds < 2:
        raise EvaluationError("recipe_difference needs at least two folds to estimate a variance.")
    differences = [y - x for x, y in zip(a.scores, b.scores, strict=True)]
    if not all(math.isfinite(d) for d in differences):
        raise EvaluationError("recipe_difference: a fold score is not a finite number.")
    method = f"corrected resampled t (Nadeau–Bengio), {a.scheme}-fold CV on {a.train_rows:,} training rows"  # noqa: RUF001
    estimate = math.fsum(differences) / folds
    if all(d == differences[0] for d in differences):
        if differences[0] == 0:
            return Difference(0.0, 0.0, 0.0, 1.0, method, a.train_rows)
        raise EvaluationError(
            f"{method}: every one of the {folds} folds differs by the same amount ({differences[0]:+.4g}), so the "
            "folds show no noise to test against and the interval would be a single point. The difference of "
            "the recipes is untested.")
    variance = math.fsum((d - estimate) ** 2 for d in differences) / (folds - 1)
    fitted = a.train_rows - a.held_out_rows
    standard_error = math.sqrt(variance * (1 / folds + a.held_out_rows / fitted))
    df = folds - 1
    critical = float(special.stdtrit(df, 0.5 + level / 2))
    p_value = float(2 * special.stdtr(df, -abs(estimate) / standard_error))
    return Difference(estimate, estimate - critical * standard_error, estimate + critical * standard_error,
                      p_value, method, a.train_rows)


# ------------------------------------------------------------------ the splits


@dataclass(frozen=True)
class Folds:
    """The splits every recipe of one training set is cross-validated on (:func:`training_folds`):
    ``splits`` are (fitted rows, held-out rows) index arrays, repetition by repetition."""

    identity: str
    repeats: int
    k: int
    stratified: bool
    seed: int
    train_rows: int
    labels: object = field(repr=False, compare=False)  # the training labels the splits stratify on

    @cached_property
    def splits(self) -> tuple:
        """Made when first needed: deciding whether to check a recipe (its identity, its cost)
        needs none, and a model seen before is not checked again."""
        import numpy as np
        from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold

        splitter = (RepeatedStratifiedKFold if self.stratified else RepeatedKFold)(
            n_splits=self.k, n_repeats=self.repeats, random_state=self.seed)
        return tuple(splitter.split(np.zeros((self.train_rows, 1)), self.labels))

    @property
    def held_out_rows(self) -> int:
        return self.train_rows // self.k

    @property
    def fits(self) -> int:
        return self.repeats * self.k


def training_folds(y, metric=None, *, repeats: int = REPEATS, k: int = K) -> Folds:
    """The splits of training labels ``y``: r repetitions of k-fold, stratified for
    classification (plain where a class has fewer than k rows), shuffled with a seed derived from
    the labels' fingerprint and the scheme. The same labels give the same splits, whatever the
    features and the model; ``metric`` (the objective's) says whether the task is classification."""
    import numpy as np

    from .baseline import task_of
    from .fingerprint import fingerprint

    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels.ravel()
    if labels.ndim != 1:
        raise EvaluationError(f"the training labels must be one column to cross-validate a recipe "
                              f"(shape {labels.shape}).")
    rows = labels.shape[0]
    if rows < 2 * k:
        raise EvaluationError(f"{rows} training rows are too few for {repeats}×{k}-fold cross-validation.")
    stratified = False
    if task_of(labels, metric) == "classification":
        _, counts = np.unique(labels, return_counts=True)
        stratified = bool(counts.min() >= k)
    labels_fingerprint = fingerprint(None, labels)
    scheme = f"{repeats}x{k}"
    seed = int(hashlib.sha256(f"{labels_fingerprint}:{scheme}".encode()).hexdigest()[:8], 16) % 2**31
    identity = hashlib.sha256(f"{labels_fingerprint}:{rows}:{scheme}:{'stratified' if stratified else 'plain'}:{seed}"
                              .encode()).hexdigest()[:16]
    return Folds(identity, repeats, k, stratified, seed, rows, labels)


# ------------------------------------------------------------------ the refits


def estimate(fit_seconds: float | None, folds: Folds, *, fitted_rows: int | None = None,
             predict_seconds: float | None = None, test_rows: int | None = None) -> float | None:
    """Seconds :func:`fold_scores` will take: r·k fits on ``(k−1)/k`` of the training rows, from
    one fit of the model on ``fitted_rows`` (the training rows by default) that took
    ``fit_seconds``; and r·k predictions of a held-out fold, from ``predict_seconds`` on
    ``test_rows``. None when the fit time is not known."""
    from .refit import estimate as refits

    fitted_on = (folds.k - 1) / folds.k * folds.train_rows
    seconds = refits(folds.fits, fit_seconds, fitted_on / max(fitted_rows or folds.train_rows, 1))
    if seconds is not None and predict_seconds is not None and test_rows:
        seconds += folds.fits * predict_seconds * folds.held_out_rows / test_rows
    return seconds


def fold_scores(estimator, X, y, metric, *, folds: Folds, deadline: float = math.inf,
                progress: Callable[[int, int], None] | None = None) -> FoldScores:
    """The objective's ``metric`` of the recipe ``estimator`` on each held-out fold of ``folds``.

    Each fold fits a :func:`~nbalign.refit.seeded_clone` of the estimator (a search's best
    estimator, with its parameters) on its fitted rows of ``(X, y)`` inside
    :func:`~nbalign.refit.own_randomness`, and scores the held-out rows with the metric's
    scikit-learn scorer (a value matrix, a top share: nbalign's own scorers too). The estimator
    itself is never fitted, nor read beyond its parameters.

    Raises :class:`~nbalign.refit.Cancelled` when a fit would start after ``deadline``
    (``time.perf_counter()``) or on Ctrl-C; :class:`~nbalign.errors.EvaluationError` when a fold's
    score is not a finite number; and whatever the refit raises when the recipe cannot be fitted
    on these data. ``progress(done, of)`` hears of each fit done.
    """
    import warnings

    import numpy as np
    from sklearn.utils import _safe_indexing

    from .refit import Cancelled, best_estimator, own_randomness, seeded_clone

    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels.ravel()
    if labels.shape[0] != folds.train_rows:
        raise EvaluationError(f"the folds are of {folds.train_rows:,} training rows, the labels of "
                              f"{labels.shape[0]:,}.")
    recipe = best_estimator(estimator)
    scorer = metric.sklearn_scorer()
    scores = []
    start = time.perf_counter()
    try:
        with own_randomness(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a fold's convergence warning is not the user's
            for done, (fitted_rows, held_out) in enumerate(folds.splits):
                if time.perf_counter() > deadline:
                    raise Cancelled(f"it ran past its time budget after {done} of {folds.fits} fits")
                fitted = seeded_clone(recipe).fit(_safe_indexing(X, fitted_rows), labels[fitted_rows])
                score = float(scorer(fitted, _safe_indexing(X, held_out), labels[held_out])) * metric.sign
                if not math.isfinite(score):
                    raise EvaluationError(f"{metric.label} is {score} on fold {done + 1} of the {folds.repeats}×"
                                          f"{folds.k}-fold cross-validation, not a number to compare.")
                scores.append(score)
                if progress is not None:
                    progress(done + 1, folds.fits)
    except KeyboardInterrupt:
        raise Cancelled("interrupted") from None
    return FoldScores(folds.identity, folds.repeats, folds.k, folds.train_rows, folds.held_out_rows, tuple(scores),
                      time.perf_counter() - start)


class Checked:
    """Fold scores computed in a session, by what they depend on: the recipe (the model's class
    and parameters: what a fitted model learned plays no part), the training data, the splits and
    the metric. The same model evaluated again (on another test set, a re-run cell) is not
    cross-validated again. The session owns one (``Session.recipes``); the most recent ``kept``
    (:class:`~nbalign.refit.Memory`)."""

    def __init__(self, kept: int = 64):
        from .refit import Memory

        self._memory = Memory(kept)

    def get(self, model, X, folds: Folds, metric) -> FoldScores | None:
        # the training data is fingerprinted for the key only when scores of this recipe are kept
        return self._memory.get(self._key(model, X, folds, metric)) if self._memory.knows(model) else None

    def remember(self, model, X, folds: Folds, metric, scores: FoldScores) -> None:
        self._memory.remember(self._key(model, X, folds, metric), scores)

    @staticmethod
    def _key(model, X, folds: Folds, metric) -> str | None:
        from .fingerprint import fingerprint
        from .refit import recipe_identity

        recipe = recipe_identity(model)
        if recipe is None:
            return None
        return f"{recipe}:{fingerprint(X, None)}:{folds.identity}:{metric.name}:{metric.params!r}"


def describe(scores: FoldScores) -> str:
    """``recipe checked by 5×2-fold CV on 426 training rows in 0.8 s``: what the user sees."""
    from .refit import describe_seconds

    return (f"recipe checked by {scores.scheme}-fold CV on {scores.train_rows:,} training rows in "
            f"{describe_seconds(scores.seconds)}")
