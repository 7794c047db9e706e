"""Metric names in the user's vocabulary, with the direction known."""

from __future__ import annotations

import math

import pytest
from sklearn.metrics import get_scorer_names

from nbalign.metrics import (
    UnknownMetricError,
    known_metric_names,
    loss_alias,
    resolve_metric,
    scorer_range,
)


@pytest.mark.parametrize("name", get_scorer_names())
def test_every_scikit_learn_scorer_is_accepted(name):
    metric = resolve_metric(name)
    assert metric.scorer == name
    assert metric.greater_is_better  # scikit-learn scorers are greater-is-better, losses are neg_


@pytest.mark.parametrize(
    "alias, scorer, greater",
    [
        ("auc", "roc_auc", True),
        ("AP", "average_precision", True),
        ("f1", "f1", True),
        ("r2", "r2", True),
        ("rmse", "neg_root_mean_squared_error", False),
        ("mae", "neg_mean_absolute_error", False),
        ("mse", "neg_mean_squared_error", False),
        ("logloss", "neg_log_loss", False),
        ("log-loss", "neg_log_loss", False),
        ("mape", "neg_mean_absolute_percentage_error", False),
    ],
)
def test_aliases_know_their_scorer_and_direction(alias, scorer, greater):
    metric = resolve_metric(alias)
    assert (metric.scorer, metric.greater_is_better) == (scorer, greater)
    assert metric.improvement(2.0, 1.0) == (1.0 if greater else -1.0)


def test_every_alias_resolves_to_a_real_scorer():
    from nbalign.metrics import BUSINESS_METRICS

    for name in known_metric_names():
        assert resolve_metric(name).scorer in get_scorer_names() or name in BUSINESS_METRICS


def test_unknown_metric_suggests_close_names():
    with pytest.raises(UnknownMetricError) as caught:
        resolve_metric("rmsee")
    assert "rmse" in caught.value.suggestions


def test_loss_scores_are_reported_positive(cancer):
    from sklearn.linear_model import LinearRegression

    X, y = cancer["X_train"], cancer["X_train"]["mean radius"]
    model = LinearRegression().fit(X.drop(columns=["mean radius"]), y)
    value, seconds = resolve_metric("rmse").score(model, X.drop(columns=["mean radius"]), y)
    assert value > 0 and seconds >= 0


def test_an_unknown_name_is_cut_short_in_the_message():
    with pytest.raises(UnknownMetricError) as caught:
        resolve_metric("x" * 100_000)
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize("name", get_scorer_names())
def test_every_scikit_learn_scorer_has_a_known_range(name):
    """A new scorer in scikit-learn fails here until its range is written down (math.inf where unbounded)."""
    bounds = scorer_range(name)
    assert bounds is not None, f"add {name!r} to nbalign.metrics._SCORER_RANGES"
    low, high = bounds
    assert low < high and not (math.isinf(low) and math.isinf(high))
    if name.startswith("neg_"):
        assert high == 0  # a negated loss: 0 is perfect
    assert resolve_metric(name).bounds == bounds


@pytest.mark.parametrize("name", [n for n in get_scorer_names() if n.startswith("neg_")])
def test_every_negated_loss_has_a_name_for_the_loss_itself(name):
    alias = loss_alias(name)
    metric = resolve_metric(alias)
    assert (metric.scorer, metric.greater_is_better, metric.bounds[0], metric.perfect) == (name, False, 0, 0)


@pytest.mark.parametrize(
    "name, bounds, perfect",
    [
        ("auc", (0, 1), 1),
        ("mcc", (-1, 1), 1),
        ("r2", (-math.inf, 1), 1),
        ("rmse", (0, math.inf), 0),
        ("brier", (0, 2), 0),
        ("neg_log_loss", (-math.inf, 0), 0),
        ("positive_likelihood_ratio", (0, math.inf), math.inf),
    ],
)
def test_bounds_are_in_the_direction_the_user_writes(name, bounds, perfect):
    metric = resolve_metric(name)
    assert metric.bounds == bounds and metric.perfect == perfect
    assert str(metric.bounds[0]) != "-0.0"
