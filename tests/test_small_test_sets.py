"""A perfect score on a handful of rows is no proof (issue 18, item 9).

A model right on every one of a few test rows has a score with no spread, at the edge of the
metric's range. That is a small sample, not a score known exactly: the claims nbalign makes
("it holds with confidence", "ship it") must rest on intervals that keep their width there, and
NBA107 must say when the test set cannot tell the target from the baseline. Real data
(scikit-learn's breast cancer set), a real model, a real InteractiveShell.
"""

from __future__ import annotations

import pytest
from IPython.utils.capture import capture_output
from scipy.stats import binomtest

import nbalign

SIZES = [5, 10, 20, 38]


def rows_all_right(cancer, n):
    """The first ``n`` test rows the fitted logistic regression classifies right and ranks
    perfectly (every malignant row below every benign one), with both classes present."""
    model, X, y = cancer["logreg"], cancer["X_test"], cancer["y_test"]
    right = (model.predict(X) == y).to_numpy()
    X, y = X[right], y[right]
    per_class = max(2, n // 3)  # both classes, at least two of each (a ranking metric needs them)
    picked = y[y == 0].index[:per_class].append(y[y == 1].index[: n - per_class])
    return X.loc[picked], y.loc[picked]


def declare_and_evaluate(shell, objective: str):
    """What the objective's card, ``%evaluate`` and ``%nbalign status`` show, and the standing."""
    shown = []
    for cell in ("%%objective small\n" + objective, "%evaluate logreg", "%nbalign status"):
        with capture_output() as captured:
            result = shell.run_cell(cell)
        assert result.success, captured.stdout + captured.stderr
        shown.append(captured.stdout + "".join(o.data.get("text/plain", "") for o in captured.outputs))
    return shown, nbalign.active_session().standing


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("metric, baseline, target", [("accuracy", 0.90, 0.95), ("auc", 0.90, 0.995),
                                                      ("ap", 0.90, 0.97)])
def test_a_perfect_score_on_a_few_rows_is_never_called_confident(loaded, cancer, objective_text, n, metric,
                                                                 baseline, target):
    X_small, y_small = rows_all_right(cancer, n)
    loaded.user_ns.update(X_small=X_small, y_small=y_small)
    objective = (objective_text.replace("metric: auc", f"metric: {metric}")
                 .replace("target: 0.995", f"target: {target}").replace("baseline: 0.90", f"baseline: {baseline}")
                 .replace("test: X_test, y_test", "test: X_small, y_small"))
    (card, evaluated, status), standing = declare_and_evaluate(loaded, objective)

    row = standing.rows[-1]
    assert row.score == pytest.approx(1, abs=1e-12) and len(y_small) == n  # right on every row: the case
    said = card + evaluated + status
    assert "holds with confidence" not in said and "Ship it" not in said, said
    assert "meeting the target" in evaluated and "confirm on more data before shipping it" in evaluated
    # the model's own interval keeps its width: it reaches below the target it cannot prove, or
    # (average precision: every resample of a perfect ranking is 1) the score is untested
    own = row.facts.vs_target
    if metric == "ap":
        assert own is None and "Whether it holds is untested on" in evaluated
    else:
        assert own is not None and own.high > own.low and own.low < 0
    # the test set cannot tell the target from the baseline, and the card says so when declared
    assert "NBA107" in [f.code for f in standing.findings]
    assert f"NBA107 Test set too small: with {n} test rows" in card


def test_on_enough_rows_a_perfect_score_does_hold(loaded, cancer, objective_text):
    """The other side: the same claim is made when the rows can carry it. Every test row the
    model gets right, a target and baseline the rows can tell apart."""
    X_right, y_right = rows_all_right(cancer, 130)
    loaded.user_ns.update(X_small=X_right, y_small=y_right)
    objective = (objective_text.replace("metric: auc", "metric: accuracy").replace("target: 0.995", "target: 0.95")
                 .replace("baseline: 0.90", "baseline: 0.80").replace("test: X_test, y_test", "test: X_small, y_small"))
    (card, evaluated, _), standing = declare_and_evaluate(loaded, objective)
    assert standing.rows[-1].score == 1.0
    low = binomtest(len(y_right), len(y_right)).proportion_ci(method="exact").low  # Clopper-Pearson
    assert f"It holds with confidence (95% interval {low:.3f} to 1.00). Ship it and measure the KPI." in evaluated
    assert "NBA107" not in card and "NBA107" not in [f.code for f in standing.findings]
