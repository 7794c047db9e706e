"""The progress plot: every evaluation in order against the baseline and the target.

Uses matplotlib's object API (``Figure``), never pyplot's global state, so plotting from
nbalign does not disturb the user's figures.
"""

from __future__ import annotations

from .format import format_percent, format_score
from .standing import Standing

_MODEL = "#1f77b4"
_BEST = "#2ca02c"
_BASELINE = "#7f7f7f"
_TARGET = "#d62728"


def plot_progress(standing: Standing):
    """Draw the metric of each model in order, the best-so-far step, baseline and target lines.

    It renders the standing (every row, not only those the sidebar receives) and judges nothing:
    the best so far after each model is its score if it became the best, else the best before it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    objective, summary = standing.objective, standing.summary
    models = [r for r in standing.rows if r.judged and r.role == "model"]
    metric = objective.metric
    width = min(12.0, max(6.0, 0.8 * len(models) + 3))
    figure = Figure(figsize=(width, 4.2), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(1, len(models) + 1))
    scores = [e.score for e in models]

    best_so_far = [r.score if r.became_best else r.best_before for r in models]
    if models:
        axes.step(positions, best_so_far, where="post", color=_BEST, linewidth=2, alpha=0.8, label="best so far")
        axes.scatter(positions, scores, s=60, color=_MODEL, zorder=3, label="evaluation")
        if summary.best is not None:
            best_index = next(i for i, e in enumerate(models) if e.id == summary.best.id)
            axes.scatter([positions[best_index]], [scores[best_index]], s=140, facecolors="none",
                         edgecolors=_BEST, linewidths=2, zorder=4, label=f"best: {_label(summary.best.name)}")
        for x, score in zip(positions, scores):
            axes.annotate(format_score(score), (x, score), textcoords="offset points", xytext=(0, 8),
                          ha="center", fontsize=8, color="#333333")

    if summary.best is not None and summary.min_gain:
        # models inside this band are "as good as the best": the simplest of them is the one to ship
        low, high = sorted([summary.best.score, summary.best.score - metric.sign * summary.min_gain])
        axes.axhspan(low, high, color=_BEST, alpha=0.10, linewidth=0,
                     label=f"within min_gain {format_score(summary.min_gain)} of the best")
    baseline = summary.baseline
    if baseline is not None:
        axes.axhline(baseline, color=_BASELINE, linestyle="--", linewidth=1.5,
                     label=f"baseline {format_score(baseline)}")
    if objective.target is not None:
        axes.axhline(objective.target, color=_TARGET, linestyle="-", linewidth=1.5,
                     label=f"target {format_score(objective.target)}")

    axes.set_xticks(positions)
    axes.set_xticklabels([_label(e.name) for e in models], rotation=30 if len(models) > 4 else 0,
                         ha="right" if len(models) > 4 else "center")
    axes.set_xlim(0.5, max(len(models), 1) + 0.5)
    direction = "higher is better" if metric.greater_is_better else "lower is better"
    axes.set_ylabel(f"{metric.label} ({direction})")
    axes.set_xlabel("evaluations, in order")
    figure.suptitle(f"{_label(objective.name, 40)}: {metric.label} of each model", x=0.01, ha="left", fontsize=12)
    if summary.progress is not None and summary.best is not None:
        axes.set_title(f"best: {_label(summary.best.name, 40)}, {format_percent(summary.progress)} of the way from baseline to target",
                       fontsize=9, loc="left", color="#555555")
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    if models or baseline is not None or objective.target is not None:
        axes.legend(loc="best", fontsize=8, frameon=False)
    _pad_y(axes, scores + [v for v in (baseline, objective.target) if v is not None])
    return figure


def _pad_y(axes, values: list[float]) -> None:
    if not values:
        return
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    axes.set_ylim(low - 0.12 * span, high + 0.18 * span)


def _label(name: str, limit: int = 18) -> str:
    """User text as a figure label: shortened (a long one would make the layout crawl) and with
    mathtext's ``$`` escaped (``x$^$y`` is a name, not a formula)."""
    one_line = " ".join(str(name).split())
    short = one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
    return short.replace("$", r"\$")


def figure_png(figure) -> bytes:
    """PNG bytes of a figure, for display without pyplot."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()
