"""The progress plot renders real standings: intervals, the cost frontier, the model to ship."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection

from nbalign import predictions
from nbalign.comparison import Comparisons
from nbalign.evaluation import Evaluation
from nbalign.judge import Judge
from nbalign.objective import parse_objective
from nbalign.plotting import INTERVALS_DRAWN, figure_png, pareto_frontier, plot_progress

CHURN = """\
outcome: Keep more customers by calling those about to cancel with a retention offer
metric: average_precision
target: 0.70
baseline: auto
stop:
  min_gain: 0.05  # the gain worth a heavier model: these 1,500 rows can show a model falls short of it
  patience: 3
data:
  train: X_train, y_train
  test: X_test, y_test
"""

# name, signal strength, prediction ms per 1k rows, pickled bytes: rising complexity, flat returns
CHURN_MODELS = [
    ("logreg", 1.00, 2.1, 45_000),
    ("tree", 0.75, 0.9, 12_000),
    ("forest", 1.06, 120.0, 45_000_000),
    ("gradient boosting", 1.05, 18.0, 900_000),
    ("knn", 0.85, 310.0, 2_400_000),
]


def churn_like(models=CHURN_MODELS, n=1500, seed=0, objective=CHURN, keep_predictions=True,
               metric="average_precision"):
    """A churn-like standing judged with paired tests: 1 in 4 customers cancel, models of rising
    cost that stop paying for themselves. Scores are the metric on the kept predictions."""
    from sklearn.metrics import get_scorer

    score = get_scorer(metric)._score_func
    objective = objective.replace("average_precision", metric)

    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.26).astype(int)
    signal = rng.normal(size=n) + 1.25 * y
    fingerprint = "churn-test"
    labels = predictions.test_set(fingerprint, y, None)
    kept, records = {}, []

    def add(name, response, role="model", complexity=None):
        record = Evaluation("churn", 1, name, "Est", {"name": name}, metric,
                            float(score(y, response)), n_rows=n,
                            data_fingerprint=fingerprint, id=len(records) + 1, role=role, complexity=complexity)
        records.append(record)
        if keep_predictions:
            kept[record.key] = (predictions.keep("predict_proba", response, None), labels)

    add("constant baseline", np.full(n, y.mean()), role="baseline")
    for name, strength, ms, size in models:
        noise = rng.normal(size=n)
        cost = None if ms is None and size is None else {"predict_ms_per_1k": ms, "size_bytes": size}
        add(name, 1 / (1 + np.exp(-(strength * signal + 0.35 * noise))), complexity=cost)
    comparisons = Comparisons(lambda e: kept.get(e.key), 0.95)
    return Judge(parse_objective(objective, "churn"), records, comparisons).standing()


def error_bars(axes):
    """The (x, low, high) of each vertical error bar drawn."""
    collections = [c for c in axes.collections if isinstance(c, LineCollection)]
    assert len(collections) == 1, "one set of error bars"
    return [(s[0][0], min(s[0][1], s[1][1]), max(s[0][1], s[1][1])) for s in collections[0].get_segments()]


def legend_texts(axes):
    return [t.get_text() for t in axes.get_legend().get_texts()]


@pytest.fixture(scope="module")
def churn():
    return churn_like()


def test_churn_like_plot_has_both_panels_and_reads_well(churn, tmp_path):
    figure = plot_progress(churn)
    (tmp_path / "churn.png").write_bytes(figure_png(figure))
    progress, costs = figure.axes
    assert progress.get_xlabel() == "evaluations, in order"
    assert costs.get_xlabel() == "prediction time per 1,000 rows (ms, log scale)"
    assert costs.get_xscale() == "log"
    assert [t.get_text() for t in progress.get_xticklabels()] == [m[0] for m in CHURN_MODELS]
    assert costs.get_shared_y_axes().joined(progress, costs), "one score axis for both panels"


def test_error_bars_are_each_models_interval_against_the_baseline(churn):
    models = [r for r in churn.rows if r.role == "model"]
    assert all(r.vs_baseline is not None for r in models), "paired with the constant baseline"
    progress = plot_progress(churn).axes[0]
    bars = error_bars(progress)
    expected = [(i, r.score + r.vs_baseline.low - r.vs_baseline.estimate,
                 r.score + r.vs_baseline.high - r.vs_baseline.estimate) for i, r in enumerate(models, start=1)]
    assert np.allclose(bars, expected)
    assert all(low < r.score < high for (_, low, high), r in zip(bars, models, strict=True))
    assert "95% interval vs baseline" in legend_texts(progress)
    low, high = progress.get_ylim()
    assert low < min(b[1] for b in bars) and high > max(b[2] for b in bars), "every bar inside the axes"


def test_rows_without_an_interval_get_no_bar():
    standing = churn_like(keep_predictions=False)
    assert all(r.vs_baseline is None for r in standing.rows if r.role == "model")
    progress = plot_progress(standing).axes[0]
    assert not [c for c in progress.collections if isinstance(c, LineCollection)]
    assert not any("interval" in t for t in legend_texts(progress))


def test_the_frontier_is_the_models_no_other_beats_on_both_cost_and_score(churn):
    figure = plot_progress(churn)
    costs = figure.axes[1]
    models = {r.name: r for r in churn.rows if r.role == "model"}
    # by hand: sorted by prediction time, each frontier model scores better than every cheaper one
    by_cost = sorted(CHURN_MODELS, key=lambda m: m[2])
    frontier, best = [], -1.0
    for name, _, _, _ in by_cost:
        if models[name].score > best:
            frontier.append(name)
            best = models[name].score
    assert "tree" in frontier and "knn" not in frontier
    step = next(line for line in costs.get_lines() if line.get_label().startswith("frontier"))
    xs, ys = step.get_data()
    assert list(xs[:-1]) == [{m[0]: m[2] for m in CHURN_MODELS}[n] for n in frontier]
    assert list(ys[:-1]) == [models[n].score for n in frontier]
    assert step.get_drawstyle() == "steps-post"
    points = [c for c in costs.collections if isinstance(c, PathCollection) and c.get_label() == "model"]
    assert len(points[0].get_offsets()) == len(CHURN_MODELS)


def test_the_best_and_the_model_to_ship_are_marked(churn):
    banner = churn.summary.banner
    assert banner is not None and banner.code == "NBA303", "the story stalls after logreg"
    ship = [r for r in churn.rows if r.role == "model" and r.banner == banner][-1].facts.adequate
    costs = plot_progress(churn).axes[1]
    texts = legend_texts(costs)
    assert f"best: {churn.summary.best.name}" in texts
    assert f"ship: {ship.name}" in texts and ship.id == churn.ship.record.id
    marker = next(c for c in costs.collections if c.get_label().startswith("ship"))
    model = next(r for r in churn.rows if r.id == ship.id)
    assert tuple(marker.get_offsets()[0]) == (model.complexity["predict_ms_per_1k"], model.score)


def test_pareto_frontier_for_a_loss_and_ties():
    from types import SimpleNamespace as R

    rows = [R(id=1, score=0.5, apart=False), R(id=2, score=0.4, apart=False), R(id=3, score=0.45, apart=False),
            R(id=4, score=0.5, apart=False)]
    costs = {1: 1.0, 2: 10.0, 3: 20.0, 4: 1.0}
    assert [r.id for r in pareto_frontier(rows, costs, sign=-1)] == [1, 2]  # lower is better
    assert [r.id for r in pareto_frontier(rows, costs, sign=1)] == [1]


def test_size_stands_in_when_a_prediction_time_is_missing():
    models = [("logreg", 1.0, 2.1, 45_000), ("imported", 1.05, None, 3_000_000), ("forest", 1.06, 120.0, 45_000_000)]
    costs = plot_progress(churn_like(models)).axes[1]
    assert costs.get_xlabel() == "serialized size (bytes, log scale)"
    points = next(c for c in costs.collections if c.get_label() == "model")
    assert sorted(points.get_offsets()[:, 0]) == [45_000, 3_000_000, 45_000_000]


def test_models_without_a_cost_are_left_out_with_a_note():
    models = [("logreg", 1.0, 2.1, 45_000), ("remote", 1.05, None, None), ("forest", 1.06, 120.0, 45_000_000)]
    costs = plot_progress(churn_like(models)).axes[1]
    points = next(c for c in costs.collections if c.get_label() == "model")
    assert len(points.get_offsets()) == 2
    assert "1 model without a measured prediction time not shown" in costs.get_title(loc="left")


def test_no_cost_known_draws_panel_1_alone():
    models = [("logreg", 1.0, None, None), ("forest", 1.06, None, None)]
    figure = plot_progress(churn_like(models))
    assert len(figure.axes) == 1 and figure.axes[0].get_xlabel() == "evaluations, in order"


def test_one_model():
    figure = plot_progress(churn_like(CHURN_MODELS[:1]))
    progress, costs = figure.axes
    assert len(error_bars(progress)) == 1
    step = next(line for line in costs.get_lines() if line.get_label().startswith("frontier"))
    assert len(step.get_xdata()) == 2, "one model is its own frontier"
    assert figure_png(figure).startswith(b"\x89PNG")


def test_labels_stay_text_in_both_panels():
    models = [("cost $^{x}$", 1.0, 2.0, 1000), ("forest " * 50, 1.1, 50.0, 10**7)]
    figure = plot_progress(churn_like(models, objective=CHURN.replace("outcome", "# $x$\noutcome")))
    assert figure_png(figure).startswith(b"\x89PNG")
    names = [t.get_text() for t in figure.axes[1].texts]
    assert r"cost \$^{x}\$" in names and max(len(n) for n in names) <= 18


def test_many_models_are_drawn_without_an_artist_per_point():
    """What made a long history's plot slow was a text per point (each a separate artist laid
    out); its speed is benchmarks/'s to measure, not a test's."""
    rng = np.random.default_rng(1)
    scores, costs = 0.8 + 0.1 * rng.random(1000), 10 ** rng.uniform(0, 3, 1000)
    records = [Evaluation("o", 1, f"model {i}", "Est", {"i": i}, "roc_auc", float(s), id=i,
                          complexity={"predict_ms_per_1k": float(ms), "size_bytes": 1000})
               for i, (s, ms) in enumerate(zip(scores, costs, strict=True), start=1)]
    standing = Judge(parse_objective("metric: auc\ntarget: 0.95\nbaseline: 0.7"), records).standing()
    figure = plot_progress(standing)
    assert figure_png(figure).startswith(b"\x89PNG")
    progress, costs = figure.axes
    assert not progress.texts, "no per-point annotations"
    assert len(progress.get_xticklabels()) <= 30
    points = next(c for c in costs.collections if c.get_label() == "model")
    assert len(points.get_offsets()) == 1000 and len(costs.texts) <= 9, "only the best and a short frontier named"


def test_two_hundred_models_read(tmp_path):
    """Thin bars, small points, a name every few ticks, nothing written on the points."""
    models = [(f"model {i}", 0.6 + 0.5 * (i % 17) / 17, 1.0 + i, 1000 * (i + 1)) for i in range(200)]
    figure = plot_progress(churn_like(models, metric="roc_auc"))  # DeLong: 200 tests in no time
    (tmp_path / "many.png").write_bytes(figure_png(figure))
    progress = figure.axes[0]
    assert len(error_bars(progress)) == INTERVALS_DRAWN  # the latest models' intervals only
    assert "(latest 50)" in " ".join(t.get_text() for t in progress.get_legend().get_texts())
    assert len(progress.get_xticklabels()) <= 30 and not progress.texts
