"""What the paired tests of ``nbalign.stats`` cost at test-set sizes, beside their anchors.

Each test is timed interleaved with its anchor on the same data in the same run, so machine noise
hits both alike:

- DeLong (two models' AUCs and their covariance) against a paired bootstrap of the same pair
  (``paired_bootstrap`` with ``roc_auc_score``, 2000 resamples, the default), and against
  ``roc_auc_score`` of one model;
- the vectorised paired bootstrap of average precision against ``average_precision_score`` of one
  model;
- the paired bootstrap of recall in the top 20% counted from each model's rows in score order
  (``resampled_top_share``, as ``%evaluate`` tests ``recall_at_k``), with its resamples drawn and
  with them drawn already (a second model on the same rows), against the generic paired bootstrap
  of the same function (``paired_bootstrap``, one ``np.partition`` per resample and model) and
  against ``recall_at`` of one model;
- McNemar against ``accuracy_score`` of one model;
- the paired t on per-row losses against ``scipy.stats.ttest_rel`` on the same losses.

A bootstrap of 2000 resamples is estimated from a few: a run of k resamples also computes the
estimate on all rows, about one resample's work, so its time is divided by k + 1 and multiplied
by 2000. Medians with the interquartile range; nothing passes or fails.

    .venv/bin/python benchmarks/paired_tests.py [--sizes 100000,1000000] [--repeat 15] [--resamples 3] [--top 200]
        [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from scipy import stats as scipy_stats
from sklearn.metrics import accuracy_score, average_precision_score, roc_auc_score

from benchmarks.common import Table, interleaved, run, sizes
from nbalign import stats
from nbalign.business import recall_at
from nbalign.stats import (
    delong,
    mcnemar,
    paired_bootstrap,
    paired_bootstrap_average_precision,
    paired_losses,
    paired_resamples_of,
    resampled_top_share,
)

DEFAULT_RESAMPLES = 2000


def two_models(rows: int, seed: int = 0):
    """Labels (30% positive) and two correlated scorers, the second a little better."""
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.3).astype(int)
    shared = rng.standard_normal(rows)
    return y, y + shared + rng.standard_normal(rows), 1.2 * y + shared + rng.standard_normal(rows)


def per_default(times: list[float], resamples: int) -> list[float]:
    """Runs of ``resamples`` resamples (and the estimate on all rows), scaled to 2000 resamples."""
    return [s / (resamples + 1) * DEFAULT_RESAMPLES for s in times]


def figures(args):
    for rows in sizes(args.sizes):
        y, a, b = two_models(rows)
        labels_a, labels_b = (a > 0.8).astype(int), (b > 0.8).astype(int)
        losses_a, losses_b = (a - y) ** 2, (b - y) ** 2
        runs = max(3, args.repeat // 3)  # the bootstraps are slow: fewer rounds

        bootstrap = f"paired bootstrap of roc_auc_score, {DEFAULT_RESAMPLES} resamples (est. from {args.resamples})"
        times = interleaved({
            bootstrap: partial(paired_bootstrap, roc_auc_score, y, a, b, n_resamples=args.resamples),
            "DeLong (2 models)": partial(delong, y, a, b),
            "roc_auc_score (1 model)": partial(roc_auc_score, y, a),
        }, runs, f"ROC AUC at {rows:,} rows")
        times[bootstrap] = per_default(times[bootstrap], args.resamples)
        auc = Table(f"ROC AUC of two models at {rows:,} rows: DeLong against a paired bootstrap", bootstrap, times)
        auc.notes.append(f"DeLong takes 1/{1 / auc.ratio('DeLong (2 models)'):,.0f} of the bootstrap's time.")
        yield auc

        vectorised = f"vectorised paired bootstrap, {DEFAULT_RESAMPLES} resamples (est. from {args.block})"
        times = interleaved({
            "average_precision_score (1 model)": partial(average_precision_score, y, a),
            vectorised: partial(paired_bootstrap_average_precision, y, a, b, n_resamples=args.block),
        }, runs, f"average precision at {rows:,} rows")
        times[vectorised] = per_default(times[vectorised], args.block)
        yield Table(f"Average precision of two models at {rows:,} rows", "average_precision_score (1 model)", times)

        yield top_share_table(rows, y, a, b, runs, args)

        yield Table(f"Accuracy of two models at {rows:,} rows", "accuracy_score (1 model)", interleaved({
            "accuracy_score (1 model)": partial(accuracy_score, y, labels_a),
            "McNemar (2 models)": partial(mcnemar, y, labels_a, labels_b),
        }, args.repeat, f"McNemar at {rows:,} rows"))

        yield Table(f"Per-row losses of two models at {rows:,} rows", "scipy.stats.ttest_rel", interleaved({
            "scipy.stats.ttest_rel": partial(scipy_stats.ttest_rel, losses_b, losses_a),
            "paired t on losses": partial(paired_losses, losses_a, losses_b),
        }, args.repeat, f"paired t at {rows:,} rows"))


def top_share_bootstrap(y, a, b, resamples: int, drawn: bool):
    """Recall in the top 20%: both models' resampled decisions and their paired bootstrap; the
    resamples drawn anew unless ``drawn`` (kept from the last call, as for a second model)."""
    if not drawn:
        stats._DRAWN.clear()
    positive = y == 1
    of_a, of_b = (resampled_top_share(scores, positive, 0.2, resamples) for scores in (a, b))
    estimate = recall_at(y, b, share=0.2) - recall_at(y, a, share=0.2)
    return paired_resamples_of(estimate, of_b.true / of_b.positives - of_a.true / of_a.positives, 0.95, y.size)


def top_share_table(rows: int, y, a, b, runs: int, args) -> Table:
    generic = f"paired bootstrap of recall_at, {DEFAULT_RESAMPLES} resamples (est. from {args.resamples})"
    anew = f"top-share bootstrap, {DEFAULT_RESAMPLES} resamples drawn (est. from {args.top})"
    kept = f"top-share bootstrap, {DEFAULT_RESAMPLES} resamples drawn already (est. from {args.top})"
    times = interleaved({
        "recall_at (1 model)": partial(recall_at, y, b, share=0.2),
        generic: partial(paired_bootstrap, partial(recall_at, share=0.2), y, a, b, n_resamples=args.resamples),
        anew: partial(top_share_bootstrap, y, a, b, args.top, False),
        kept: partial(top_share_bootstrap, y, a, b, args.top, True),
    }, runs, f"recall in the top 20% at {rows:,} rows")
    times[generic] = per_default(times[generic], args.resamples)
    for name in (anew, kept):
        times[name] = per_default(times[name], args.top)
    table = Table(f"Recall in the top 20% of two models at {rows:,} rows: counted in score order against the generic "
                  "bootstrap", "recall_at (1 model)", times)
    table.notes.append(f"Counted in score order, the test takes 1/{times_faster(table, generic, anew):,.0f} of the "
                       f"generic bootstrap's time (1/{times_faster(table, generic, kept):,.0f} with the resamples "
                       "drawn already); the same resamples and the same interval. `%evaluate` runs it on at most "
                       "20,000 rows (a fixed subset, rescaled) with 1,000 resamples.")
    return table


def times_faster(table: Table, slow: str, fast: str) -> float:
    return table.median(slow) / table.median(fast)


if __name__ == "__main__":
    run(__doc__, figures, {
        "sizes": "100000,1000000",
        "repeat": 15,
        "resamples": (3, "resamples per bootstrap run (the estimate's basis)"),
        "block": (20, "resamples per vectorised bootstrap run (the estimate's basis)"),
        "top": (200, "resamples per top-share bootstrap run (the estimate's basis)"),
    }, smoke={"sizes": "2000", "repeat": 3, "resamples": 3, "block": 5, "top": 50})
