"""Verdicts: how each evaluation stands against the baseline, the best so far and the target.

Pure functions over an :class:`~nbalign.objective.Objective` and the ordered list of its
evaluations. Nothing is stored: verdicts are recomputed from the history, so a restored session
judges exactly as the live one did.

Later checks (significance tests between two models' predictions, complexity) slot in as more
diagnostics per evaluation in :func:`judge_history`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostic, most_important
from .evaluation import Evaluation
from .metrics import Metric
from .objective import Objective


def format_score(value: float | None) -> str:
    """One formatting of metric values everywhere (inline, plot, messages, and the sidebar's
    ``formatScore``): decimals by magnitude, so 0.624, 56.50, 107.9 and 25,310 all read well."""
    if value is None:
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1000:
        text = f"{value:,.0f}"
    elif magnitude >= 100:
        text = f"{value:.1f}"
    elif magnitude >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return text.replace("-", "−")


def format_change(value: float | None) -> str:
    return "n/a" if value is None else ("+" if value >= 0 else "−") + format_score(abs(value))


@dataclass(frozen=True)
class Verdict:
    """How one evaluation stands, judged against the history before it."""

    baseline: float | None
    best_before: float | None
    best_before_name: str | None
    change_vs_best: float | None
    change_vs_baseline: float | None
    progress: float | None
    is_best: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    target: float | None = None
    metric: Metric | None = None  # for rendering the verdict on its own; not serialised

    @property
    def banner(self) -> Diagnostic | None:
        return most_important(self.diagnostics)

    def to_dict(self) -> dict:
        return {
            "baseline": self.baseline,
            "best_before": self.best_before,
            "change_vs_best": self.change_vs_best,
            "change_vs_baseline": self.change_vs_baseline,
            "progress": self.progress,
            "is_best": self.is_best,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "target": self.target,
        }


@dataclass(frozen=True)
class Summary:
    """Where the objective stands as a whole: the sidebar's headline."""

    baseline: float | None
    target: float | None
    best: Evaluation | None
    progress: float | None
    n_evaluations: int
    banner: Diagnostic | None
    min_gain: float | None

    def to_dict(self) -> dict:
        return {
            "baseline": self.baseline,
            "target": self.target,
            "best": None
            if self.best is None
            else {"id": self.best.id, "name": self.best.name, "score": self.best.score},
            "progress": self.progress,
            "n_evaluations": self.n_evaluations,
            "banner": self.banner.to_dict() if self.banner else None,
            "min_gain": self.min_gain,
        }


def progress_to_target(score: float, baseline: float | None, target: float | None) -> float | None:
    """0.0 at the baseline, 1.0 at the target; works for either direction of the metric."""
    if baseline is None or target is None or target == baseline:
        return None
    return (score - baseline) / (target - baseline) + 0.0  # + 0.0: never "-0%"


def baseline_value(objective: Objective, evaluations: list[Evaluation]) -> float | None:
    """The number every model is measured against, or None while it is still unknown."""
    kind = objective.baseline.kind
    if kind == "number":
        return objective.baseline.value
    if kind == "first":
        models = [e for e in evaluations if e.role == "model"]
        return models[0].score if models else None
    # "model" / "auto": the baseline this version names, scored most recently. Baseline records
    # of earlier versions (another baseline model) stay in the history but do not count.
    named = [e for e in evaluations if e.role == "baseline" and e.name == objective.baseline.label]
    return max(named, key=lambda e: (e.objective_version, e.id or 0)).score if named else None


def resolve_min_gain(objective: Objective, baseline: float | None, first_score: float | None) -> float:
    """The smallest improvement that counts as a real gain."""
    if objective.stop.min_gain is not None:
        return objective.stop.min_gain
    if baseline is not None and objective.target is not None and objective.target != baseline:
        return 0.02 * abs(objective.target - baseline)
    reference = first_score if first_score not in (None, 0) else 1.0
    return 0.01 * abs(reference)


def judge_history(objective: Objective, evaluations: list[Evaluation]) -> tuple[list[Evaluation], Summary]:
    """Judge every evaluation in order; return them with verdicts, and the summary.

    Examples
    --------
    >>> from nbalign.objective import parse_objective
    >>> o = parse_objective("metric: auc\\ntarget: 0.9\\nbaseline: 0.7")
    >>> e = Evaluation("objective", 1, "lr", "LogisticRegression", {}, "auc", 0.8, id=1)
    >>> judged, summary = judge_history(o, [e])
    >>> round(judged[0].verdict.progress, 2), summary.best.name
    (0.5, 'lr')
    """
    metric = objective.metric
    target = objective.target
    ordered = sorted(evaluations, key=lambda e: (e.id is None, e.id or 0))
    baseline = baseline_value(objective, ordered)
    models = [e for e in ordered if e.role == "model"]
    min_gain = resolve_min_gain(objective, baseline, models[0].score if models else None)

    judged: list[Evaluation] = []
    best: Evaluation | None = None
    stalled = 0  # models in a row without a real gain over the best
    for evaluation in ordered:
        score = evaluation.score
        diagnostics: list[Diagnostic] = []
        if evaluation.role == "baseline":
            judged.append(
                evaluation.with_verdict(
                    Verdict(baseline, None, None, None, _diff(score, baseline),
                            progress_to_target(score, baseline, target), False, [], target, metric)
                )
            )
            continue
        best_before = best
        gain = None if best_before is None else metric.improvement(score, best_before.score)
        below_baseline = baseline is not None and metric.improvement(score, baseline) < 0
        if below_baseline:
            diagnostics.append(
                Diagnostic(
                    "NBA301",
                    f"{evaluation.name} scores {format_score(score)}, worse than the baseline "
                    f"{format_score(baseline)} on {metric.label}.",
                )
            )
        if gain is not None and gain < min_gain:
            stalled += 1
            if not below_baseline:
                diagnostics.append(
                    Diagnostic(
                        "NBA302",
                        f"{evaluation.name} scores {format_score(score)}, "
                        + ("worse than" if gain < 0 else "no better than" if gain == 0 else
                           f"only {format_score(gain)} better than")
                        + f" the best ({best_before.name}, {format_score(best_before.score)}); "
                        f"gains under min_gain {format_score(min_gain)} do not count.",
                    )
                )
        else:
            stalled = 0
        if best is None or metric.improvement(score, best.score) > 0:
            best = evaluation
        if stalled >= objective.stop.patience:
            adequate = next(
                m for m in judged + [evaluation]
                if m.role == "model" and metric.improvement(m.score, best.score) > -min_gain
            )
            diagnostics.append(
                Diagnostic(
                    "NBA303",
                    f"{stalled} models in a row gained less than {format_score(min_gain)} over "
                    f"the best ({best.name}, {format_score(best.score)}). Ship {adequate.name} "
                    f"({format_score(adequate.score)}), the earliest model within min_gain of "
                    "the best, or improve the data rather than the model.",
                )
            )
        if target is not None and metric.improvement(score, target) >= 0:
            diagnostics.append(
                Diagnostic(
                    "NBA305",
                    f"{evaluation.name} scores {format_score(score)}, meeting the target "
                    f"{format_score(target)}"
                    + (f" that should deliver: {objective.kpi.name} {objective.kpi.current or ''}"
                       f" → {objective.kpi.target}." if objective.kpi and objective.kpi.target else ".")
                    + " Ship it and measure the KPI.",
                )
            )
        judged.append(
            evaluation.with_verdict(
                Verdict(
                    baseline=baseline,
                    best_before=None if best_before is None else best_before.score,
                    best_before_name=None if best_before is None else best_before.name,
                    change_vs_best=None if best_before is None else score - best_before.score,
                    change_vs_baseline=_diff(score, baseline),
                    progress=progress_to_target(score, baseline, target),
                    is_best=best is evaluation,
                    diagnostics=diagnostics,
                    target=target,
                    metric=metric,
                )
            )
        )
    summary = Summary(
        baseline=baseline,
        target=target,
        best=best,
        progress=None if best is None else progress_to_target(best.score, baseline, target),
        n_evaluations=len(models),
        banner=_headline(judged, best, target, metric),
        min_gain=min_gain,
    )
    return judged, summary


def _headline(judged: list[Evaluation], best: Evaluation | None, target, metric: Metric) -> Diagnostic | None:
    """The sidebar's banner: once the best model meets the target that is the news; else the latest finding."""
    if best is not None and target is not None and metric.improvement(best.score, target) >= 0:
        reached = next(e for e in judged if e.id == best.id and e.key == best.key)
        return next((d for d in reached.verdict.diagnostics if d.code == "NBA305"), reached.verdict.banner)
    return judged[-1].verdict.banner if judged else None


def _diff(score: float, reference: float | None) -> float | None:
    return None if reference is None else score - reference
