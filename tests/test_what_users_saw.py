"""Issue 19, "What users saw": each a story the views told differently, now told once.

Histories are built on synthetic scores with kept predictions (the paired tests run for real), or
with a real shell on scikit-learn's breast cancer data where the user's own cell matters.
"""

from __future__ import annotations

import numpy as np
import pytest
from IPython.utils.capture import capture_output

import nbalign
from nbalign.comparison import Comparisons
from nbalign.display import ModelsTable, Recommendation, evaluation_text
from nbalign.evaluation import Evaluation
from nbalign.judge import Judge
from nbalign.judge.wire import summary_view, view
from nbalign.objective import parse_objective
from nbalign.plotting import plot_progress
from nbalign.predictions import keep
from nbalign.predictions import test_set as labels_of
from nbalign.widgets import panel_html

ROWS = 800


def history(scored: list[tuple], text: str, seed: int = 0, metric: str = "auc"):
    """A judge's standing over records scored from ``(name, noise, size, role, kind, rows)``: each
    model's response is the truth plus its noise (less noise, a better model)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, ROWS) if metric != "rmse" else rng.normal(0, 10, ROWS)
    shared = rng.normal(0, 0.5, ROWS)
    kept, records = {}, []
    for i, (name, noise, size, role, kind, rows) in enumerate(scored, start=1):
        truth = y[:rows]
        values = truth + shared[:rows] + rng.normal(0, noise, rows)
        fingerprint = "test" if rows == ROWS else f"slice{rows}"
        if metric == "rmse":
            score = float(np.sqrt(np.mean((np.float32(values) - truth) ** 2)))
            response = "predict"
        else:
            from sklearn.metrics import roc_auc_score

            score, response = float(roc_auc_score(truth, np.float32(values))), "decision_function"
        record = Evaluation("saw", 1, name, "Estimator", {}, metric, score, n_rows=rows,
                            data_fingerprint=fingerprint, kind=kind, model_id=name, role=role, id=i,
                            complexity={"size_bytes": size, "predict_ms_per_1k": size / 1e4})
        kept[record.key] = None if kind != "test" else (keep(response, values, None),
                                                          labels_of(fingerprint, truth, None))
        records.append(record)
    objective = parse_objective(text, name="saw")
    judge = Judge(objective, [r.without_predictions() for r in records],
                  Comparisons(lambda e: kept.get(e.key), objective.stop.confidence))
    return records, judge.standing()


def model(name, noise, size=10_000, role="model", kind="test", rows=ROWS):
    return (name, noise, size, role, kind, rows)


AUTO = "baseline: auto\ndata:\n  train: X_train, y_train\n  test: X_test, y_test\n"


def test_1_the_best_is_never_a_model_below_the_baseline_model():
    """Churn: "BEST forest 0.497" below the linear baseline 0.505, and the sidebar's KPI and value
    projected with forest, while the recommendation shipped the baseline."""
    records, standing = history([model("linear baseline", 0.9, 5_000, role="baseline"), model("forest", 1.1)],
                                "metric: auc\ntarget: 0.99\n" + AUTO)
    assert records[1].score < records[0].score
    summary = summary_view(standing)
    assert summary["best"]["name"] == "linear baseline" and summary["best"]["role"] == "baseline"
    assert summary["ship"]["name"] == "linear baseline" and summary["progress"] == 0.0
    assert Recommendation(standing).model.name == "linear baseline"
    assert "best: forest" not in [t.get_text() for t in plot_progress(standing).axes[0].get_legend().get_texts()]
    # the best-so-far line stays at the baseline model: the forest row's best so far is its score
    assert view(standing)["rows"][1]["best_so_far"] == pytest.approx(records[0].score)


def test_2_target_reached_is_never_said_of_a_model_below_the_baseline():
    """A target derived below the baseline model (NBA104 says the baseline meets it): a model
    below the baseline that meets the target is no news to ship."""
    records, standing = history([model("linear baseline", 0.8, 5_000, role="baseline"), model("stump", 1.0)],
                                "metric: auc\ntarget: 0.6\n" + AUTO)
    assert records[1].score > 0.6 and records[1].score < records[0].score
    codes = [f["code"] for row in view(standing)["rows"] for f in row["findings"]]
    assert "NBA305" not in codes
    banner = standing.summary.banner
    assert banner is None or "Ship it" not in banner.message
    assert Recommendation(standing).model.name == "linear baseline"


def test_3_a_loss_misses_its_target_above_it():
    _, standing = history([model("a", 2.0), model("b", 1.0)], "metric: rmse\nbaseline: first\ntarget: 1.30\n",
                          metric="rmse", seed=3)
    messages = [f["message"] for row in view(standing)["rows"] for f in row["findings"] if f["code"] == "NBA305"]
    assert messages, [r["codes"] for r in view(standing)["rows"]]
    assert all("below the target" not in m for m in messages)
    assert any("still reaches above the target" in m or "holds with confidence" in m for m in messages)


def test_4_text_labels_under_an_action_are_refused_with_the_fix(loaded, cancer):
    text = ("%%objective saw\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\naction:\n  call: top 20%\nvalue:\n"
            "  tp: 100\n  fp: -10\n  fn: 0\n  tn: 0\ndata:\n  test: X_test, y_test\n")
    with capture_output():
        assert loaded.run_cell(text).success
    loaded.user_ns["words"] = cancer["y_test"].map({0: "No", 1: "Yes"})
    with capture_output() as captured:
        result = loaded.run_cell("%evaluate logreg X_test words")
    shown = captured.stdout + captured.stderr + str(result.error_in_exec or "")
    assert "which one is acted on?" in shown and "`y_test == 'Yes'`" in shown
    assert not any(r.name == "logreg" for r in nbalign.active_session().records)


def test_5_rows_set_apart_are_drawn_apart_and_get_no_verdict():
    records, standing = history([model("first", 1.0), model("slice", 0.2, rows=30),
                                 model("on train", 0.1, kind="train"), model("cv", 0.5, kind="cv"),
                                 model("second", 0.95)],
                                "metric: auc\nbaseline: first\ntarget: 0.99\n")
    rows = {r["name"]: r for r in view(standing)["rows"]}
    assert rows["slice"]["word"] == "on a slice of the test set" and rows["slice"]["apart"]
    assert rows["on train"]["apart"] and rows["cv"]["apart"] and not rows["second"]["apart"]
    table = {line[0]: line for line in ModelsTable(standing, records)._rows()}
    assert table["slice"][3] == "on a slice of the test set" and table["slice"][4] == ""
    figure = plot_progress(standing)
    hollow = next(c for c in figure.axes[0].collections if c.get_label() == "set apart: not compared")
    assert len(hollow.get_offsets()) == 3
    frontier_scores = {round(float(y), 9) for c in figure.axes[1].collections for _, y in c.get_offsets()}
    assert round(rows["on train"]["score"], 9) not in frontier_scores


def test_6_one_model_is_not_a_real_gain_over_every_simpler_one():
    _, standing = history([model("only", 1.0)], "metric: auc\nbaseline: first\ntarget: 0.99\n")
    text = Recommendation(standing).text
    assert text.startswith("Ship only (") and "a real gain over every simpler one" not in text
    assert "no simpler model has been compared with it" in text


def test_7_the_summary_interval_says_it_is_widened_and_at_which_level():
    _, standing = history([model("a", 1.3), model("b", 1.0), model("c", 0.8)],
                          "metric: auc\nbaseline: 0.6\ntarget: 0.99\nstop:\n  confidence: 0.9\n")
    summary = summary_view(standing)
    label = "90% CI for the best of 3 models (96.67% each, Bonferroni)"
    assert summary["progress_interval_label"] == label
    panel = panel_html({"standing": view(standing)})
    assert label in panel and "95% CI" not in panel


def test_8_every_finding_of_a_row_is_said_not_only_the_first(loaded):
    """NBA303 fired but was never shown when a more important finding led (the loans example)."""
    records, standing = history([model("a", 1.0, 1_000), model("b", 1.02, 2_000), model("c", 1.01, 3_000),
                                 model("d", 1.0, 4_000, rows=30)],
                                "metric: auc\nbaseline: first\ntarget: 0.99\nstop:\n  patience: 2\n  min_gain: 0.1\n")
    row = standing.rows[2]
    assert len(row.findings) >= 2, row.findings
    text = evaluation_text(row, standing, records[2])
    assert all(f"{f.code} " in text for f in row.findings)


def test_9_an_interval_end_near_zero_keeps_its_side_and_small_gains_read_as_decimals():
    from nbalign.format import format_interval, format_small

    assert format_interval(-0.218, -0.0004) == "95% CI −0.218 to −0.0004"
    assert format_small(7.3e-05) == "0.000073"


def test_10_the_business_story_in_one_line():
    text = ("metric: auc\ntarget: 0.99\n" + AUTO)
    _, standing = history([model("linear baseline", 0.9, 5_000, role="baseline"), model("forest", 0.85),
                           model("boosting", 0.84, 20_000)], text, seed=1)
    story = summary_view(standing)["story"]
    ship = summary_view(standing)["ship"]["name"]
    assert story.startswith(f"Shipping {ship} scores ROC AUC ")
    best = summary_view(standing)["best"]["name"]
    assert (best == ship) == ("adds no real gain beyond it" not in story)
