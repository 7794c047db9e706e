"""Tables as data: the standing's rows and the objective's versions as pandas DataFrames.

``nbalign.models()`` and ``nbalign.history()`` return these; ``%nbalign models --csv FILE`` writes
the first. They are one more renderer of the view model (:mod:`nbalign.judge.wire`) and of the
history (:func:`nbalign.decision.history_view`): every verdict, interval and flag is the judge's,
flattened into columns, never decided here. pandas loads when a table is first asked for.
"""

from __future__ import annotations

from typing import Any

# The columns of a test's result, after the comparison's name (vs_best_low, vs_baseline_p ...).
_TEST_COLUMNS = (("estimate", "change"), ("low", "low"), ("high", "high"), ("p_value", "p"), ("method", "method"))


def models_frame(standing, rows: list[dict] | None = None):
    """One row per evaluation, in the order recorded: its verdict, score, the change against the
    best before it and the baseline with their intervals and p-values, progress to the target,
    what the model costs (``complexity_*``) and what it is projected to do (``business_*``);
    ``best`` and ``ship`` mark the best candidate and the model to ship."""
    import pandas as pd

    from .judge.wire import row_view, summary_view

    views = rows if rows is not None else [row_view(r) for r in standing.rows]
    summary = summary_view(standing)
    best_id = (summary["best"] or {}).get("id")
    ship_id = (summary["ship"] or {}).get("id")
    complexity = {r.id: r.complexity for r in standing.rows}
    table = [_model_columns(view, complexity.get(view["id"]), best_id, ship_id) for view in views]
    frame = pd.DataFrame(table)
    return frame.set_index("id") if not frame.empty else frame


def _model_columns(view: dict, complexity: dict | None, best_id, ship_id) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "id": view["id"], "name": view["name"], "estimator": view["estimator"], "role": view["role"],
        "objective_version": view["version"], "metric": view["metric_label"], "score": view["score"],
        "verdict": view["word"], "verdict_code": view["verdict"], "apart": view["apart"],
        "best": view["id"] == best_id, "ship": view["id"] == ship_id,
        "best_before": view["best_before_name"],
    }
    for name in ("vs_best", "vs_baseline"):
        tested = view[name] or {}
        for key, column in _TEST_COLUMNS:
            columns[f"{name}_{column}"] = tested.get(key)
    if columns["vs_best_change"] is None:
        columns["vs_best_change"] = view["change_vs_best"]
    if columns["vs_baseline_change"] is None:
        columns["vs_baseline_change"] = view["change_vs_baseline"]
    interval = view["interval"] or (None, None)
    progress = view["progress_interval"] or (None, None)
    columns.update({"score_low": interval[0], "score_high": interval[1], "progress": view["progress"],
                    "progress_low": progress[0], "progress_high": progress[1], "best_so_far": view["best_so_far"],
                    "codes": ", ".join(view["codes"])})
    columns.update({f"complexity_{k}": v for k, v in (complexity or {}).items()})
    columns.update({f"business_{k}": v for k, v in (view["business"] or {}).items()})
    return columns


def history_frame(history):
    """One row per version of the objective, the newest first: when, from which notebook, why,
    what it changed, its content hash, and who agreed to its content."""
    import pandas as pd

    from .events import history_view, short_hash

    versions = history_view(history)  # the newest first
    first = versions[-1]["version"] if versions else None
    table = [{
        "version": v["version"], "created_at": v["created_at"], "notebook": v["notebook"], "why": v["why"],
        "changes": "; ".join(c["text"] for c in v["changes"]) or ("first version" if v["version"] == first
                                                                  else "no change"),
        "content": short_hash(v["content_hash"]),
        "agreed": "; ".join(f"{a['role']} ({a['by']})" for a in v["agreements"]),
    } for v in versions]
    frame = pd.DataFrame(table, columns=["version", "created_at", "notebook", "why", "changes", "content", "agreed"])
    return frame.set_index("version")
