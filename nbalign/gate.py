"""The alignment gate CI runs: does the shipped model meet the agreed bar, with confidence?

``nbalign check`` reads the store (or an exported decision record, :func:`nbalign.decision.load_record`),
judges the shipped model against the objective's target and baseline at the level of the family
it was chosen from (:func:`nbalign.decision.assess`), checks that the version shipped is the one
agreed, and exits with one code a CI step can act on:

====  ============  ==========================================================================
code  status        when
====  ============  ==========================================================================
0     pass          the interval clears the target (if any) and a real gain over the baseline
1     miss          short of the target, shown worse than the baseline, or the version shipped
                    is not the one agreed
2     inconclusive  the interval holds the target, or no real gain over the baseline
3     error         no store, no objective, nothing shipped, or the shipped model is gone
====  ============  ==========================================================================

Renderers of its result: :func:`markdown` (for ``$GITHUB_STEP_SUMMARY`` and pull requests),
:func:`junit` (a CI's test report) and :meth:`Gate.to_dict` (``--json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .format import format_change, format_family_level, format_p, format_score

# user text in Markdown as the report writes it: markup and HTML shown as written, `code` as code
from .reporting import markdown_pieces, markdown_text, pieces

PASS, MISS, INCONCLUSIVE, ERROR = 0, 1, 2, 3
STATUS = {PASS: "pass", MISS: "miss", INCONCLUSIVE: "inconclusive", ERROR: "error"}


@dataclass(frozen=True)
class Gate:
    """What ``nbalign check`` decides: an exit code, its word, and the reasons, first the decisive."""

    code: int
    reasons: tuple[str, ...]
    objective: str | None = None
    details: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return STATUS[self.code]

    def to_dict(self) -> dict:
        return {"objective": self.objective, "code": self.code, "status": self.status,
                "reasons": list(self.reasons), **self.details}


def gate(record: dict, require_agreement: bool = False) -> Gate:
    """Judge a decision record (:func:`decision_record`) against its agreed bar.

    - 3 (error): no model was shipped, or the shipped model is no longer in the history;
    - 1 (miss): the shipped model's interval lies short of the target, it is shown worse than
      the baseline, or the version shipped is not the one agreed (its content changed after an
      agreement, or none was given and ``require_agreement``);
    - 2 (inconclusive): the interval straddles the target, or no real gain over the baseline;
    - 0 (pass): the interval clears the target (when there is one) and a real gain over the baseline.
    """
    name = (record.get("objective") or {}).get("name")
    shipped = record.get("shipped")
    if shipped is None:
        said = f"nothing was shipped for the objective {name!r}: ship the model with `%nbalign ship MODEL` first."
        return Gate(ERROR, (said,), name)
    bar = shipped.get("bar")
    model = shipped["model"]["name"]
    if bar is None:
        said = (f"the shipped model {model!r} is no longer in the objective's history (scored another metric, "
                "or its record was removed): ship a model again.")
        return Gate(ERROR, (said,), name)
    misses, doubts = [], []
    level = format_family_level(bar["level"])
    family = f" (the best of {bar['models_compared']} models)" if bar["models_compared"] > 1 else ""
    shown = _interval_text(bar)
    if bar["target"] is not None:
        if bar["vs_target"] == "short":
            misses.append(f"{model} scores {format_score(bar['score'])}{shown}: short of the target "
                          f"{format_score(bar['target'])} at {level}{family}.")
        elif bar["vs_target"] == "straddles":
            doubts.append(f"{model} scores {format_score(bar['score'])}{shown}: the interval holds the target "
                          f"{format_score(bar['target'])}, so reaching it is not shown at {level}{family}.")
        elif bar["vs_target"] is None:
            doubts.append(f"{model} has no interval to compare with the target {format_score(bar['target'])}.")
    if bar["worse"]:
        misses.append(f"{model} is shown worse than the baseline {format_score(bar['baseline'])}.")
    elif bar.get("role") == "baseline":
        doubts.append(f"{model} is the baseline model itself: shipping it brings no gain over the baseline.")
    elif not bar["real_gain"]:
        gain = bar["vs_baseline"]
        said = "" if gain is None else (f" (gain {format_change(gain['improvement'][0])} to "
                                        f"{format_change(gain['improvement'][1])} at {level})")
        doubts.append(f"{model} shows no real gain over the baseline{said}: its interval does not clear "
                      f"min_gain {format_score(bar['min_gain'])}.")
    agreement = _agreement_problem(record, shipped, require_agreement)
    if agreement is not None:
        misses.append(agreement)
    details = {"model": model, "bar": bar, "shipped_version": shipped["version"]}
    notes = _since_shipped(record, shipped)
    if misses:
        return Gate(MISS, tuple(misses + doubts + notes), name, details)
    if doubts:
        return Gate(INCONCLUSIVE, tuple(doubts + notes), name, details)
    met = f"{model} scores {format_score(bar['score'])}{shown}"
    met += (f", clear of the target {format_score(bar['target'])} at {level}{family}"
            if bar["target"] is not None else "")
    return Gate(PASS, (met + ", with a real gain over the baseline.", *notes), name, details)


def _since_shipped(record: dict, shipped: dict) -> list[str]:
    """A note when the objective was declared again with other content after the model shipped:
    the bar is the latest version's, which the ship was not decided under."""
    latest = record["objective"]
    if latest["content_hash"] == shipped["content_hash"]:
        return []
    note = (f"The objective changed since {shipped['model']['name']} was shipped under version {shipped['version']}: "
            f"it is judged against version {latest['version']}'s bar. Ship again to decide under it.")
    return [note]


def _agreement_problem(record: dict, shipped: dict, required: bool) -> str | None:
    """Why the version shipped is not the one agreed, or None: every role's latest agreement must
    be to the content shipped (a role that agreed to an earlier content has not agreed to this)."""
    versions = {v["version"]: v for v in record.get("history", [])}
    latest = record.get("agreements", [])
    stale = [a for a in latest if a["content_hash"] != shipped["content_hash"]]
    name = record["objective"]["name"]
    if stale:
        changed = versions.get(shipped["version"], {}).get("changes", [])
        since = f"; version {shipped['version']} changed {', '.join(c['text'] for c in changed)}" if changed else ""
        roles = "; ".join(f"{a['role']} ({a['by']}) to version {a['version']}" for a in stale)
        return (f"version {shipped['version']} of the objective was shipped, but the latest agreement of {roles} "
                f"is to other content{since}. Record the agreement again: `%nbalign agree {name} --as ROLE`.")
    if not latest and required:
        return (f"nobody agreed to version {shipped['version']} of the objective: record it with "
                f"`%nbalign agree {name} --as ROLE`.")
    return None


def _interval_text(bar: dict) -> str:
    interval = bar.get("interval")
    if interval is None:
        return ""
    return f" ({format_family_level(bar['level'])} CI {format_score(interval[0])} to {format_score(interval[1])})"


def markdown(result: Gate, record: dict | None) -> str:
    """The gate's result for a CI summary or a pull request: the verdict, the figures, the reasons."""
    marks = {PASS: "✅ pass", MISS: "❌ miss", INCONCLUSIVE: "⚠️ inconclusive", ERROR: "⛔ error"}
    name = result.objective or "(no objective)"
    lines = [f"### nbalign check: {markdown_text(name)} — {marks[result.code]} (exit {result.code})", ""]
    bar = result.details.get("bar")
    shipped = (record or {}).get("shipped")
    if bar is not None and shipped is not None:
        why = "" if shipped["recommended"] else f"; not the recommended model: {markdown_text(shipped['reason'] or '')}"
        model = (f"| Model shipped | {markdown_text(shipped['model']['name'])} (version {shipped['version']} of the "
                 f"objective, {shipped['at'][:10]}, by {markdown_text(shipped['by'])}{why}) |")
        lines += ["| | |", "|---|---|", model,
                  f"| {markdown_text(bar['metric_label'])} | {format_score(bar['score'])}{_interval_text(bar)} |"]
        if bar["target"] is not None:
            reached = _TARGET_WORDS.get(bar["vs_target"], "untested")
            lines.append(f"| Target | {format_score(bar['target'])}: {reached} |")
        gain = bar["vs_baseline"]
        if gain is not None:
            low, high = gain["improvement"]
            estimate = gain["estimate"] if bar["higher_is_better"] else -gain["estimate"]  # as a gain
            real = "a real gain" if bar["real_gain"] else "no real gain"
            lines.append(f"| Gain over the baseline {format_score(bar['baseline'])} | {format_change(estimate)} "
                         f"({format_family_level(bar['level'])} CI {format_change(low)} to {format_change(high)}, "
                         f"{format_p(gain.get('p_adjusted', gain['p_value']))}): {real} "
                         f"(min_gain {format_score(bar['min_gain'])}) |")
        agreed = _agreed_line(record or {}, shipped)
        if agreed:
            lines.append(f"| Agreed | {agreed} |")
        lines.append("")
    lines += [f"- {markdown_pieces(pieces(reason))}" for reason in result.reasons]
    return "\n".join(lines) + "\n"


_TARGET_WORDS = {"reached": "reached with confidence", "short": "missed", "straddles": "not shown either way"}


def _agreed_line(record: dict, shipped: dict) -> str:
    holding = [a for a in record.get("agreements", []) if a["content_hash"] == shipped["content_hash"]]
    return "; ".join(f"{markdown_text(a['role'])} ({markdown_text(a['by'])}, {a['at'][:10]})" for a in holding)


def junit(result: Gate) -> str:
    """The gate as a JUnit XML report: one test case, failed on a miss or an inconclusive result
    (its type says which), an error on a store or configuration error."""
    name = quoteattr(f"objective {result.objective or '(none)'} meets its agreed bar")
    message = quoteattr(result.reasons[0] if result.reasons else result.status)
    body = escape("\n".join(result.reasons))
    outcome = ("" if result.code == PASS
               else f'<error type="error" message={message}>{body}</error>' if result.code == ERROR
               else f'<failure type="{result.status}" message={message}>{body}</failure>')
    failures, errors = int(result.code in (MISS, INCONCLUSIVE)), int(result.code == ERROR)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites tests="1" failures="{failures}" errors="{errors}">\n'
            f'  <testsuite name="nbalign check" tests="1" failures="{failures}" errors="{errors}">\n'
            f'    <testcase classname="nbalign.check" name={name}>{outcome}</testcase>\n'
            '  </testsuite>\n</testsuites>\n')
