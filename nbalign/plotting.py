"""The progress plot: every evaluation in order against the baseline and the target, and what
each model costs against what it scores.

Uses matplotlib's object API (``Figure``), never pyplot's global state, so plotting from
nbalign does not disturb the user's figures. It renders a :class:`~nbalign.judge.Standing`
and judges nothing: the verdicts, intervals and the model to ship are the judge's.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from .format import format_level, format_percent, format_score
from .judge import Standing
from .judge.wire import row_point, row_view

_MODEL = "#1f77b4"
_BEST = "#2ca02c"
_BASELINE = "#7f7f7f"
_TARGET = "#d62728"
_SHIP = "#ff7f0e"
_NOTE = "#555555"

# Beyond these counts the figure stops writing on every point: labels would overlap, and each
# text is a separate artist whose layout dominates the cost of drawing (1,000 of them take seconds).
_ANNOTATE_UP_TO = 20
_TICK_LABELS_UP_TO = 30
_NAME_FRONTIER_UP_TO = 8

# The two measures of cost panel 2 can show, in the order it prefers them.
_COSTS = (
    ("predict_ms_per_1k", "prediction time per 1,000 rows (ms, log scale)", "a measured prediction time"),
    ("size_bytes", "serialized size (bytes, log scale)", "a serialized size"),
)


def plot_progress(standing: Standing):
    """Draw how the models stand: their scores in order and, when costs are known, cost against score.

    Panel 1 shows the metric of each model in order, each with its interval against the baseline
    (``score + (low - estimate)`` to ``score + (high - estimate)`` of the row's ``vs_baseline``,
    at ``summary.confidence``; none where no test could be made), the best-so-far step, the
    min_gain band under the best and the baseline and target lines.

    Panel 2, beside it on the same score axis, shows each model's cost (prediction time per 1,000
    rows, or the serialized size when a model's prediction time is not known) on a log scale,
    and the frontier of models worth considering: those no other model beats on both cost and
    score (scored on enough rows). The best is ringed, and the model to ship (the judge's, as
    every view names it) is marked. Models whose cost is not known are left out, with a
    note; when no model's cost is known, panel 1 is drawn alone.

    It renders the standing (every row, not only those the sidebar receives) and judges nothing:
    the best so far after each model is the judge's (the baseline model counts while no model
    scores above it), and rows set apart are drawn hollow, off that line.
    A row's interval is its paired test, run by the judge when first asked and then remembered.

    Parameters
    ----------
    standing : Standing
        The judged state of an objective (``nbalign.active_session().standing``).

    Returns
    -------
    matplotlib.figure.Figure
        ``figure.axes[0]`` is panel 1; ``figure.axes[1]``, when present, panel 2.

    Examples
    --------
    >>> figure = plot_progress(nbalign.active_session().standing)  # doctest: +SKIP
    >>> [axes.get_xlabel() for axes in figure.axes]  # doctest: +SKIP
    ['evaluations, in order', 'prediction time per 1,000 rows (ms, log scale)']
    """
    from matplotlib.figure import Figure

    objective, summary = standing.objective, standing.summary
    # Rows set apart (training data, another test set, cross-validated, a slice of the test set)
    # are drawn hollow in panel 1, never on the best-so-far line, and left out of panel 2.
    # Each row as the view model draws it (a point: no test run), the latest with their intervals.
    points = [SimpleNamespace(**row_point(r)) for r in standing.rows]
    shown = [p for p in points if p.judged and p.role == "model"]
    models = [p for p in shown if not p.apart]
    # The baseline model (when it is one) is a model one could ship: panel 2 places it too.
    floor = [p for p in points if summary.baseline_id is not None and p.id == summary.baseline_id
             and p.complexity]  # (a baseline scored by an older nbalign has no cost: left out, no note)
    costs, cost_key = _costs(floor + models)
    width = min(12.0, max(6.0, 0.8 * len(models) + 3))
    if costs:
        width = min(16.0, width + 5.0)
    figure = Figure(figsize=(width, 4.8), layout="constrained")
    if costs:
        progress_axes, cost_axes = figure.subplots(1, 2, sharey=True, width_ratios=[max(1.4, width - 5.0), 4.6])
    else:
        progress_axes, cost_axes = figure.add_subplot(), None

    values = _draw_progress(progress_axes, standing, shown, _intervals(standing, shown))
    # Both legends under the tick labels of panel 1 (the deeper ones), side by side as one row.
    depth = _labels_depth(progress_axes)
    if models or summary.baseline is not None or objective.target is not None:
        _legend_below(progress_axes, depth, columns=3)
    if cost_axes is not None and cost_key is not None:  # (both, or neither: there are costs)
        _draw_costs(cost_axes, standing, floor + models, costs, cost_key)
        _legend_below(cost_axes, depth, columns=2)

    metric = objective.metric
    figure.suptitle(f"{_label(objective.name, 40)}: {metric.label} of each model", x=0.01, ha="left", fontsize=12)
    _pad_y(progress_axes, values)
    return figure


# The models whose interval is drawn: the latest ones (the sidebar's rows).
INTERVALS_DRAWN = 50

# ------------------------------------------------------------------ panel 1


def _intervals(standing: Standing, models: list) -> dict[int, dict]:
    """The latest models' tests against the baseline, by row id: each is a paired test run when
    first asked, and a long history's first plot should not wait on a thousand of them."""
    recent = {p.id for p in models[-INTERVALS_DRAWN:] if not p.apart}
    views = (row_view(r) for r in standing.rows if r.id in recent)
    return {v["id"]: v["vs_baseline"] for v in views if v["vs_baseline"] is not None}


def _draw_progress(axes, standing: Standing, models: list, intervals: dict[int, dict]) -> list[float]:
    """Scores in order with their intervals; returns every y value drawn (for the limits).

    ``models`` are every model's point in order; those set apart are drawn hollow and unjoined."""
    objective, summary = standing.objective, standing.summary
    metric = objective.metric
    n = len(models)
    positions = list(range(1, n + 1))
    scores = [r.score for r in models]
    apart = [r.apart for r in models]
    many = n > _TICK_LABELS_UP_TO
    values = list(scores)

    if models:
        line = [(x, r.best_so_far) for x, r in zip(positions, models, strict=True) if r.best_so_far is not None]
        if line:
            axes.step([x for x, _ in line], [v for _, v in line], where="post", color=_BEST, linewidth=2,
                      alpha=0.8, label="best so far")
        recent = n - INTERVALS_DRAWN
        bars = [(x, r.score, intervals[r.id]) for x, r in zip(positions, models, strict=True) if r.id in intervals]
        if bars:
            lows = [score + (d["low"] - d["estimate"]) for _, score, d in bars]
            highs = [score + (d["high"] - d["estimate"]) for _, score, d in bars]
            axes.errorbar([x for x, _, _ in bars], [score for _, score, _ in bars],
                          yerr=[[s - lo for (_, s, _), lo in zip(bars, lows, strict=True)],
                                [hi - s for (_, s, _), hi in zip(bars, highs, strict=True)]],
                          fmt="none", ecolor=_MODEL, elinewidth=1.2 if not many else 0.8,
                          capsize=3 if not many else 0, alpha=0.55, zorder=2,
                          label=f"{format_level(summary.confidence)} interval vs baseline"
                                + (f" (latest {INTERVALS_DRAWN})" if recent > 0 else ""))
            values += lows + highs
        compared = [(x, score) for x, score, aside in zip(positions, scores, apart, strict=True) if not aside]
        if compared:
            axes.scatter(*zip(*compared, strict=True), s=60 if not many else 14, color=_MODEL, zorder=3,
                         label="evaluation", linewidths=0)
        aside = [(x, score) for x, score, a in zip(positions, scores, apart, strict=True) if a]
        if aside:
            axes.scatter(*zip(*aside, strict=True), s=60 if not many else 14, facecolors="none", edgecolors=_NOTE,
                         zorder=3, linewidths=1.2, label="set apart: not compared")
        if summary.best is not None and summary.best.role == "model":
            at = next(i for i, r in enumerate(models) if r.id == summary.best.id)
            axes.scatter([positions[at]], [scores[at]], s=140 if not many else 70, facecolors="none",
                         edgecolors=_BEST, linewidths=2, zorder=4, label=f"best: {_label(summary.best.name)}")
        if n <= _ANNOTATE_UP_TO:
            for x, score in zip(positions, scores, strict=True):
                axes.annotate(format_score(score), (x, score), textcoords="offset points", xytext=(6, 4),
                              ha="left", fontsize=8, color="#333333")

    if summary.best is not None and summary.min_gain:
        # models inside this band are "as good as the best": the simplest of them is the one to ship
        low, high = sorted([summary.best.score, summary.best.score - metric.sign * summary.min_gain])
        axes.axhspan(low, high, color=_BEST, alpha=0.10, linewidth=0,
                     label=f"within min_gain {format_score(summary.min_gain)} of the best")
    _reference_lines(axes, summary.baseline, objective.target, labelled=True)
    values += [v for v in (summary.baseline, objective.target) if v is not None]

    shown = positions if not many else positions[::math.ceil(n / _TICK_LABELS_UP_TO)]
    axes.set_xticks(shown)
    axes.set_xticklabels([_label(models[x - 1].name) for x in shown], rotation=30 if len(shown) > 4 else 0,
                         ha="right" if len(shown) > 4 else "center", fontsize=8 if many else None)
    axes.set_xlim(0.5, max(n, 1) + 0.5)
    direction = "higher is better" if metric.greater_is_better else "lower is better"
    axes.set_ylabel(f"{metric.label} ({direction})")
    axes.set_xlabel("evaluations, in order")
    if summary.progress is not None and summary.best is not None:
        which = "best" if summary.best.role == "model" else "no model above the baseline"
        axes.set_title(f"{which}: {_label(summary.best.name, 40)}, {format_percent(summary.progress)} of the way "
                       f"from baseline to target", fontsize=9, loc="left", color=_NOTE)
    _style(axes)
    return values


def _reference_lines(axes, baseline: float | None, target: float | None, labelled: bool) -> None:
    if baseline is not None:
        axes.axhline(baseline, color=_BASELINE, linestyle="--", linewidth=1.5,
                     label=f"baseline {format_score(baseline)}" if labelled else None)
    if target is not None:
        axes.axhline(target, color=_TARGET, linestyle="-", linewidth=1.5,
                     label=f"target {format_score(target)}" if labelled else None)


# ------------------------------------------------------------------ panel 2


def _costs(models: list) -> tuple[dict[int, float], str | None]:
    """Each model's cost by row id, in the first measure every costed model has; ({}, None) if none."""
    known = [(r, r.complexity or {}) for r in models]
    known = [(r, c) for r, c in known if any(_positive(c.get(key)) for key, _, _ in _COSTS)]
    for key, _, _ in _COSTS:
        if known and all(_positive(c.get(key)) for _, c in known):
            return {r.id: float(c[key]) for r, c in known}, key
    # No measure is known for every costed model: the one known for most of them.
    key = max((k for k, _, _ in _COSTS), key=lambda k: sum(_positive(c.get(k)) for _, c in known))
    costs = {r.id: float(c[key]) for r, c in known if _positive(c.get(key))}
    return (costs, key) if costs else ({}, None)


def _draw_costs(axes, standing: Standing, models: list, costs: dict[int, float], key: str) -> None:
    summary, metric = standing.summary, standing.objective.metric
    label, missing_words = next((text, words) for k, text, words in _COSTS if k == key)
    shown = [r for r in models if r.id in costs]
    many = len(shown) > _TICK_LABELS_UP_TO
    xs, ys = [costs[r.id] for r in shown], [r.score for r in shown]

    axes.scatter(xs, ys, s=45 if not many else 14, color=_MODEL, alpha=0.8, zorder=3, linewidths=0, label="model")
    frontier = pareto_frontier(shown, costs, metric.sign)
    if frontier:
        fx = [costs[r.id] for r in frontier] + [max(xs) * 1.3]
        fy = [r.score for r in frontier] + [frontier[-1].score]
        axes.step(fx, fy, where="post", color=_BEST, linewidth=1.5, alpha=0.7, zorder=2,
                  label="frontier: no other model cheaper and better")
        axes.scatter(fx[:-1], fy[:-1], s=45 if not many else 24, facecolors="none", edgecolors=_BEST,
                     linewidths=1.2, zorder=4)
    floor = next((r for r in shown if r.role == "baseline"), None)
    if floor is not None:
        axes.scatter([costs[floor.id]], [floor.score], s=70, marker="s", color=_BASELINE, zorder=4,
                     label=f"baseline model: {_label(floor.name)}")
    best = next((r for r in shown if summary.best is not None and r.id == summary.best.id), None)
    if best is not None:
        axes.scatter([costs[best.id]], [best.score], s=140, facecolors="none", edgecolors=_BEST, linewidths=2,
                     zorder=5, label=f"best: {_label(best.name)}")
    ship = None if standing.ship is None else next((r for r in shown if r.id == standing.ship.record.id), None)
    if ship is not None:
        axes.scatter([costs[ship.id]], [ship.score], s=110, marker="D", facecolors="none", edgecolors=_SHIP,
                     linewidths=2, zorder=6, label=f"ship: {_label(ship.name)}")

    named = {r.id: r for r in (frontier if len(frontier) <= _NAME_FRONTIER_UP_TO else [])}
    named.update({r.id: r for r in (best, ship) if r is not None})
    if len(shown) <= _ANNOTATE_UP_TO:
        named.update({r.id: r for r in shown})
    # Names right of their points, except a name that would sit on its left neighbour's: left.
    heights = ys + [v for v in (summary.baseline, standing.objective.target) if v is not None]
    span = (max(heights) - min(heights)) or 1.0
    previous = None  # (log cost, score, on the right) of the name placed last, left to right
    for r in sorted(named.values(), key=lambda r: costs[r.id]):
        at = (math.log10(costs[r.id]), r.score)
        right = not (previous is not None and previous[2] and at[0] - previous[0] < 0.35
                     and abs(at[1] - previous[1]) < 0.06 * span)
        axes.annotate(_label(r.name), (costs[r.id], r.score), textcoords="offset points",
                      xytext=(6, -10) if right else (-6, -10), ha="left" if right else "right",
                      fontsize=8, color="#333333")
        previous = (*at, right)

    _reference_lines(axes, summary.baseline, standing.objective.target, labelled=False)
    axes.set_xscale("log")
    # At least two decades, so the log scale has ticks to read; room on the right for the names.
    lo, hi = min(xs) / 1.6, max(xs) * (1.6 if not named else 3.5)
    widen = math.sqrt(max(1.0, 100 * lo / hi))
    axes.set_xlim(lo / widen, hi * widen)
    axes.set_xlabel(label)
    axes.tick_params(axis="y", labelleft=False)
    left_out = len(models) - len(shown)
    note = f"{left_out} model{'s' if left_out != 1 else ''} without {missing_words} not shown" if left_out else ""
    axes.set_title("cost against score" + (f"; {note}" if note else ""), fontsize=9, loc="left", color=_NOTE)
    _style(axes)
    axes.grid(axis="x", which="major", alpha=0.2)


def pareto_frontier(rows: list, costs: dict[int, float], sign: int) -> list:
    """The models no other model beats on both cost and score, cheapest first.

    A model is on the frontier when every cheaper (or equally cheap) model scores worse:
    ``sign`` is the metric's (+1 when greater is better, -1 for a loss). Models scored on a slice
    of the test set (NBA201) are left out: their score is not comparable. Of models equal in both
    cost and score the first one stands for them.

    Examples
    --------
    >>> from types import SimpleNamespace as R
    >>> rows = [R(id=1, score=0.60, apart=False), R(id=2, score=0.70, apart=False), R(id=3, score=0.65, apart=False)]
    >>> [r.id for r in pareto_frontier(rows, {1: 1.0, 2: 50.0, 3: 80.0}, sign=1)]
    [1, 2]
    """
    candidates = [r for r in rows if r.id in costs and not r.apart]
    frontier, best = [], -math.inf
    for r in sorted(candidates, key=lambda r: (costs[r.id], -sign * r.score, r.id)):
        if sign * r.score > best:
            frontier.append(r)
            best = sign * r.score
    return frontier


# ------------------------------------------------------------------ shared


def _labels_depth(axes) -> float:
    """How far, in points, the tick labels and the x label reach below the axes.

    Estimated from the labels' length and angle rather than measured: measuring means drawing
    the figure once more.
    """
    labels = axes.get_xticklabels()
    size = 10.0  # the tick labels' font size
    if labels and labels[0].get_rotation():
        longest = max(len(t.get_text()) for t in labels)
        ticks = size * (0.55 * longest * 0.5 + 0.9)  # width * sin 30 degrees + height * cos 30
    else:
        ticks = size * 1.2
    return 3.5 + ticks + 3.5 + size * 1.3  # tick, labels, pad, x label


def _legend_below(axes, depth: float, columns: int) -> None:
    """The legend under the axes' labels, where it hides no point and no line.

    Not at loc="best": it scans every point drawn, seconds for a long history.
    """
    from matplotlib.transforms import offset_copy

    below = offset_copy(axes.transAxes, fig=axes.figure, y=-depth, units="points")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncols=columns,
                fontsize=8, frameon=False, columnspacing=1.5, handlelength=1.8, borderaxespad=0.2)


def _style(axes) -> None:
    from matplotlib.ticker import StrMethodFormatter

    axes.grid(axis="y", alpha=0.3)
    axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,g}"))  # 37,500 and 0.45, as people write them
    axes.spines[["top", "right"]].set_visible(False)


def _positive(value) -> bool:
    """A cost a log scale can show."""
    return value is not None and math.isfinite(value) and value > 0


def _pad_y(axes, values: list[float]) -> None:
    values = [v for v in values if v is not None and math.isfinite(v)]
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
