"""What the decision commands show in the notebook: the objective's history, and one line for an
agreement, a ship and a realized KPI. Renderers of :mod:`nbalign.events`' records; user text
(roles, reasons, why-lines, names) is escaped in HTML."""

from __future__ import annotations

from html import escape

from .events import Agreement, History, Realized, Shipped, history_view, short_hash
from .format import format_family_level, format_score


class HistoryTable:
    """``%nbalign history``: each version, the newest first, with what it changed, why, and who agreed."""

    def __init__(self, history: History):
        self.versions = history_view(history)
        self.changed_since = {a.role: a for a in history.changed_since_agreed(history.versions[-1])} \
            if history.versions else {}

    def _rows(self) -> list[tuple[str, str, str, str, str]]:
        first = self.versions[-1]["version"] if self.versions else None
        rows = []
        for v in self.versions:
            changes = "; ".join(c["text"] for c in v["changes"]) or (
                "first version" if v["version"] == first else "no change")
            agreed = "; ".join(f"{a['role']} ({a['by']}, {a['at'][:10]})" for a in v["agreements"])
            rows.append((f"v{v['version']}", v["created_at"][:16].replace("T", " "), changes, v["why"] or "",
                         f"{short_hash(v['content_hash'])}" + (f" · agreed: {agreed}" if agreed else "")))
        return rows

    def _warning(self) -> str | None:
        if not self.changed_since:
            return None
        roles = ", ".join(f"{a.role} (to version {a.version})" for a in self.changed_since.values())
        return (f"The latest version changed after it was agreed: {roles}. Ask again and record it with "
                "`%nbalign agree --as ROLE`.")

    def __repr__(self) -> str:
        if not self.versions:
            return "No version of the objective is stored yet."
        lines = [f"{v}  {when}  {changes}" + (f"  (why: {why})" if why else "") + f"  [{content}]"
                 for v, when, changes, why, content in self._rows()]
        warning = self._warning()
        return "\n".join(lines + ([warning] if warning else []))

    def _repr_mimebundle_(self, include=None, exclude=None):
        if not self.versions:
            return {"text/plain": repr(self)}
        cells = "".join(
            "<tr>" + "".join(f"<td style='padding:2px 8px;vertical-align:top'>{escape(cell)}</td>" for cell in row)
            + "</tr>" for row in self._rows())
        head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
                       for h in ("version", "declared (UTC)", "what changed", "why", "content · agreements"))
        warning = self._warning()
        note = "" if warning is None else f"<div style='color:#b45309;margin-top:4px'>⚠ {escape(warning)}</div>"
        html = (f"<div style='font-family:var(--jp-ui-font-family,sans-serif);font-size:13px'>"
                f"<table style='border-collapse:collapse'><thead><tr>{head}</tr></thead><tbody>{cells}</tbody>"
                f"</table>{note}</div>")
        return {"text/plain": repr(self), "text/html": html}


def agreed_text(agreement: Agreement) -> str:
    return (f"Recorded: {agreement.role} ({agreement.by}) agrees to version {agreement.version} of "
            f"{agreement.objective!r} (content {short_hash(agreement.content_hash)}). A later version with other "
            "content needs agreeing again; `nbalign check` fails until it is.")


def shipped_text(shipped: Shipped) -> str:
    """What was shipped, where it was saved, and how it stands against the bar now."""
    model = shipped.model["name"]
    text = f"Shipped {model} under version {shipped.version} of {shipped.objective!r}"
    text += "." if shipped.recommended else f", not the recommended model: {shipped.reason}."
    saved = shipped.saved
    if saved:
        files = saved["model"]
        text += (f"\nSaved to {saved['folder']}: {files['file']} ({files['format']}), model.json (how to load it), "
                 f"{saved['card']} (the model card), decision.json (the decision record).")
    bar = shipped.judged.get("bar")
    if bar is not None and bar.get("interval") is not None:
        low, high = bar["interval"]
        text += (f"\n{bar['metric_label']} {format_score(bar['score'])} ({format_family_level(bar['level'])} CI "
                 f"{format_score(low)} to {format_score(high)})")
        if bar["target"] is not None:
            words = {"reached": "clears", "short": "is short of", "straddles": "holds"}
            text += f"; the interval {words[bar['vs_target']]} the target {format_score(bar['target'])}"
        text += "; a real gain over the baseline." if bar["real_gain"] else "; no real gain over the baseline shown."
    projection = shipped.judged.get("projection")
    if projection is not None:
        text += f"\nProjected: {projection['text']}. Record what it brings with `%nbalign realized VALUE --on DATE`."
    return text


def realized_text(realized: Realized, history: History) -> str:
    """The realized KPI beside what was projected when shipped, and the NBA4xx checks it fires."""
    from .checks import shipped_findings

    shipped = next((e for e in reversed(history.events) if isinstance(e, Shipped) and e.at == realized.shipped_at),
                   None)
    text = f"Recorded: the KPI measured {realized.value} on {realized.on}"
    if shipped is None:
        return text + "."
    projection = shipped.judged.get("projection")
    if projection is not None:
        text += f" (projected when {shipped.model['name']} was shipped: {projection['text']})"
    text += "."
    for finding in shipped_findings(realized, shipped):
        text += f"\n{finding.code} {finding.title}: {finding.message} (`%nbalign explain {finding.code}`)"
    return text


def changed_since_agreed_text(session, objective) -> str | None:
    """After a new version is declared: who agreed to an earlier content, and what changed since."""
    from .errors import NbalignError
    from .events import changes

    try:
        history = session.history(objective.name)
    except NbalignError:  # an unreadable store: the declaration itself was told about it
        return None
    lines = []
    for agreement in history.changed_since_agreed(objective):
        agreed = history.version(agreement.version)
        changed = "" if agreed is None else "; ".join(c.text for c in changes(agreed, objective))
        lines.append(f"{agreement.role} ({agreement.by}) agreed to version {agreement.version}; version "
                     f"{objective.version} changed {changed or 'its content'}. Record the agreement again with "
                     f"`%nbalign agree --as '{agreement.role}'` once it is given.")
    return "\n".join(lines) or None
