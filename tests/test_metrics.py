"""Metric names in the user's vocabulary, with the direction known; what each metric is, in one place."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from sklearn.metrics import get_scorer_names

import nbalign
from nbalign.metrics import (
    KINDS,
    RESPONSES,
    UnknownMetricError,
    kind_of,
    known_metric_names,
    loss_alias,
    resolve_metric,
    scorer_range,
)

# The scorers that compare two labellings (clustering): the only ones of no task.
LABELLING = {"adjusted_mutual_info_score", "adjusted_rand_score", "completeness_score", "fowlkes_mallows_score",
             "homogeneity_score", "mutual_info_score", "normalized_mutual_info_score", "rand_score",
             "v_measure_score"}


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
    for name in known_metric_names():
        metric = resolve_metric(name)
        assert metric.scorer in get_scorer_names() or metric.kind.own


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
    assert bounds is not None, f"give {name!r} its range in nbalign.metrics.KINDS"
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


@pytest.mark.parametrize("name", get_scorer_names())
def test_every_scikit_learn_scorer_is_one_kind_that_knows_everything_nbalign_asks(name):
    """A new scorer in scikit-learn fails here until its entry in nbalign.metrics.KINDS says its
    task, range, response and paired test: the one place a metric is described."""
    kind = KINDS.get(name)
    assert kind is not None, f"add {name!r} to nbalign.metrics.KINDS"
    assert kind.task in ("classification", "regression") or (kind.task is None and name in LABELLING)
    assert kind.range is not None and kind.response in RESPONSES
    assert resolve_metric(name).kind is kind_of(name) is kind


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_every_kind_names_a_paired_test_and_words_that_exist(kind):
    from nbalign.comparison import PAIRED_TESTS
    from nbalign.stats import AVERAGES, CONFUSION_METRICS

    assert kind.paired_test in PAIRED_TESTS and callable(kind.noise)
    if kind.paired_test == "confusion_bootstrap":
        name, average = kind.test_terms
        assert name in CONFUSION_METRICS and average in AVERAGES
    assert kind.multiclass_variant is None or kind.two_classes
    assert kind.from_recall is None or kind.own
    for alias in kind.aliases:  # an alias names this kind, worded by its label, losses positive
        metric = resolve_metric(alias)
        assert (metric.kind, metric.label, metric.sign) == (kind, kind.label, kind.sign)


def test_a_scorer_nbalign_does_not_know_is_of_no_task_or_test():
    kind = kind_of("neg_mean_future_error")
    assert (kind.task, kind.range, kind.response, kind.paired_test) == (None, None, "predictions", "bootstrap")


def test_the_response_follows_the_kind_unless_the_action_says_otherwise():
    from nbalign.business import Action
    from nbalign.metrics import bind_business

    assert [resolve_metric(n).response for n in ("auc", "logloss", "f1", "rmse")] == [
        "scores", "probabilities", "predictions", "predictions"]
    top, threshold = Action(verb="contact", rule="top", share=0.2), Action(verb="contact", rule="threshold",
                                                                           threshold=0.3)
    recall = resolve_metric("recall_at_k")
    assert bind_business(recall, top).response == "scores"
    assert bind_business(recall, threshold).response == "probabilities"


# What a switch on a scorer's name looks like: compared with a name, looked up in a table of
# names, tested for a prefix.
_SWITCHES = re.compile(
    r"""\bscorer\s*(?:==|!=)\s*["']"""  # scorer == "roc_auc"
    r"""|["']\s*(?:==|!=)\s*[\w.]*\bscorer\b"""  # "roc_auc" == metric.scorer
    r"""|\bscorer\s+(?:not\s+)?in\s+[(\[{A-Z_]"""  # scorer in ("precision", ...), scorer in _LOSSES
    r"""|\bscorer\.startswith\("""  # scorer.startswith(_NEEDS_POSITIVE)
    r"""|\[\s*[\w.]*\bscorer\s*\]"""  # _MULTICLASS_VARIANT[metric.scorer]
)


def test_adding_a_metric_touches_one_module():
    """Only nbalign/metrics.py tells metrics apart by their scorer's name; every other module
    asks the metric (``metric.kind.task``, ``metric.response``, ``metric.trials(...)``)."""
    package = Path(nbalign.__file__).parent
    switches = [f"{path.name}:{number}: {line.strip()}"
                for path in sorted(package.glob("*.py")) if path.name != "metrics.py"
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if _SWITCHES.search(line)]
    assert switches == [], "ask the metric's MetricKind (nbalign/metrics.py) instead of its scorer's name"
    assert _SWITCHES.search('if metric.scorer in ("precision", "average_precision"):')
    assert _SWITCHES.search("variant = _MULTICLASS_VARIANT[metric.scorer]")
