"""The model card of a shipped model: a Hugging Face ``README.md`` written from its decision record.

The YAML front matter is what the Hub (and ``huggingface_hub.ModelCard``) reads: the library, the
task, and a ``model-index`` with the shipped model's score on the test set beside the baseline's.
An ``nbalign`` block beside it keeps the decision: the objective (name, version, content hash,
outcome), the KPI, the target, the baseline, the interval of the score at its level, the gain
over the baseline with its p-value, whether it is a real gain, how the interval stands to the
target, who agreed, and when and by whom the model was shipped. The body says in words what the
model is for, how it was judged, what the projection assumes, and how to load the saved file.

Every figure is the record's (``shipped.bar`` is :func:`nbalign.decision.assess` of the shipped
model, measured when the record was written); nothing is judged here. The YAML is written by
``yaml.safe_dump``, so any name or reason, quotes and markup included, reads back as written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import NbalignError


def model_card(record: dict) -> str:
    """The shipped model's card as ``README.md`` text: YAML front matter, then Markdown.

    Raises :class:`~nbalign.errors.NbalignError` when nothing was shipped.

    Examples
    --------
    >>> text = model_card(session.decision_record())  # doctest: +SKIP
    >>> yaml.safe_load(text.split("---")[1])["library_name"]  # doctest: +SKIP
    'sklearn'
    """
    import yaml

    shipped = _shipped(record)
    front = yaml.safe_dump(metadata(record), sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n\n{_body(record, shipped)}"


def write_card(record: dict, folder: str | Path) -> Path:
    """Write :func:`model_card` to ``folder/README.md``; return its path."""
    path = Path(folder) / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model_card(record), encoding="utf-8")
    return path


def metadata(record: dict) -> dict[str, Any]:
    """The card's front matter as a dict (what :func:`model_card` dumps)."""
    shipped = _shipped(record)
    standing = record["standing"]
    objective, metric = standing["objective"], standing["objective"]["metric"]
    bar = shipped.get("bar") or shipped["judged"].get("bar") or {}
    task = f"tabular-{task_of(objective)}"
    test = (objective.get("data") or {}).get("test")
    metrics = [{"type": metric["name"], "value": bar.get("score"), "name": metric["label"]}]
    if bar.get("baseline") is not None:
        metrics.append({"type": metric["name"], "value": bar["baseline"], "name": f"{metric['label']} (baseline)"})
    gain = bar.get("vs_baseline")
    interval = bar.get("interval")
    kpi = objective.get("kpi")
    card = {
        "library_name": "sklearn",
        "tags": ["sklearn", task, "nbalign"],
        "model-index": [{"name": shipped["model"]["name"], "results": [{
            "task": {"type": task},
            "dataset": {"name": ", ".join(test) if test else "test set", "type": "tabular"},
            "metrics": metrics,
        }]}],
        "nbalign": {
            "objective": {"name": record["objective"]["name"], "version": record["objective"]["version"],
                          "content_hash": record["objective"]["content_hash"], "outcome": objective.get("outcome")},
            "kpi": None if not kpi else {k: kpi.get(k) for k in ("name", "current", "target", "deadline", "owner",
                                                                  "judge")},
            "metric": {"name": metric["name"], "label": metric["label"],
                       "higher_is_better": metric["greater_is_better"]},
            "score": bar.get("score"),
            "target": bar.get("target"),
            "baseline": bar.get("baseline"),
            "interval": None if interval is None else {"low": interval[0], "high": interval[1], "level": bar["level"]},
            "models_compared": bar.get("models_compared"),
            "vs_baseline": None if gain is None else {"estimate": gain["estimate"], "low": gain["low"],
                                                      "high": gain["high"], "level": gain["level"],
                                                      "p_value": gain["p_value"], "method": gain["method"],
                                                      "p_adjusted": gain.get("p_adjusted")},
            # against the baseline, adjusted for the models compared (Bonferroni), as the interval
            "p_value": None if gain is None else gain.get("p_adjusted", gain["p_value"]),
            "real_gain": bar.get("real_gain"),
            "vs_target": bar.get("vs_target"),
            "agreements": [{k: a[k] for k in ("role", "by", "at", "version", "content_hash")}
                           for v in record.get("history", []) for a in v["agreements"]],
            "shipped": {"at": shipped["at"], "by": shipped["by"], "version": shipped["version"],
                        "recommended": shipped["recommended"], "reason": shipped.get("reason")},
        },
    }
    # JSON's values only: a record straight from the session may hold NumPy numbers, which YAML's
    # safe dumper refuses, and its exported form (``nbalign report --json``) holds none
    return json.loads(json.dumps(card))


def task_of(objective: dict) -> str:
    """``classification`` or ``regression``: the metric's task, or a value priced per unit of error."""
    from .metrics import kind_of

    value = objective.get("value") or {}
    if "under" in value or "over" in value:  # an error cost prices a regression's misses
        return "regression"
    return kind_of(objective["metric"]["scorer"]).task or "classification"


def _shipped(record: dict) -> dict:
    shipped = record.get("shipped")
    if shipped is None:
        name = (record.get("objective") or {}).get("name")
        raise NbalignError(f"nothing was shipped for the objective {name!r}, so there is no model to write a card "
                           "for: ship the model first.")
    return shipped


# ------------------------------------------------------------------------------ the body


def _body(record: dict, shipped: dict) -> str:
    standing = record["standing"]
    objective = standing["objective"]
    name = shipped["model"]["name"]
    shipped_for = (f"A {task_of(objective)} model shipped for the objective **{_plain(record['objective']['name'])}** "
                   f"(version {shipped['version']}) by {_plain(shipped['by'])} on {shipped['at'][:10]}.")
    parts = [f"# {_plain(name)}", shipped_for]
    parts += ["## What it is for", _purpose(standing)]
    parts += ["## How it was judged", _judged(shipped)]
    parts += ["## Intended use and limits", _limits(record, shipped)]
    parts += ["## How to load it", _loading(shipped)]
    libraries = ((shipped.get("saved") or {}).get("model") or {}).get("libraries")
    if libraries:
        parts += ["## Library versions", "\n".join(f"- {_plain(k)} {_plain(v)}" for k, v in libraries.items())]
    parts.append(f"<sub>Written by nbalign {record.get('nbalign', '')} from the decision record of "
                 f"{record['written_at'][:10]} (objective content {record['objective']['content_hash'][:12]}).</sub>")
    return "\n\n".join(parts) + "\n"


def _purpose(standing: dict) -> str:
    objective = standing["objective"]
    lines = [f"**Outcome:** {_plain(objective['outcome'])}" if objective.get("outcome")
             else "No business outcome is stated."]
    if standing.get("kpi_statement"):
        lines.append(f"**KPI:** {_plain(standing['kpi_statement'])}")
    story = standing["summary"].get("story")
    if story:
        lines.append(f"**Recommendation when the record was written:** {_plain(story)}")
    return "\n\n".join(lines)


def _judged(shipped: dict) -> str:
    """The bar in words, as the decision report says it."""
    from .reporting import bar_words

    words = bar_words(shipped.get("bar"))
    if words is None:
        return "The shipped model is no longer in the objective's history, so it has not been measured against the bar."
    text = f"On the objective's test set it scores {words['score']}."
    for sentence, _ in filter(None, (words["vs_target"], words["vs_baseline"])):
        text += f" {sentence}"
    if shipped["recommended"]:
        return text + " It is the model the judge recommended."
    reason = _plain(shipped.get("reason") or "none")
    return text + f" It is not the model the judge recommended; the reason given: {reason}."


def _limits(record: dict, shipped: dict) -> str:
    """What the figures hold for, and what the KPI projection assumes (as the objective card says it)."""
    from .business import projection_assumptions
    from .objective import Objective

    lines = [("- Use it as the objective states: its figures are measured on the objective's test set, and hold "
              "for cases like those.")]
    objective = Objective.from_dict(record["standing"]["objective"])
    if objective.action is not None:
        lines.append(f"- The action it serves: {_plain(objective.action.describe(objective.population))}.")
    projection = (shipped.get("judged") or {}).get("projection")
    if projection is not None:
        lines.append(f"- Projected when shipped: {_plain(projection['text'])}.")
    assumptions = projection_assumptions(objective)
    if assumptions:
        lines.append(f"- {_plain(assumptions)}")
    for realized in record.get("realized", []):
        for finding in realized.get("findings", []):
            said = f"{finding['code']} ({_plain(finding['title'])}): {_plain(finding['message'])}"
            lines.append(f"- After shipping, {said}")
    return "\n".join(lines)


def _loading(shipped: dict) -> str:
    saved = (shipped.get("saved") or {}).get("model")
    if not saved:
        return "The model was not saved with its ship record."
    file = saved["file"]
    if saved["format"] == "skops":
        trusted = saved.get("trusted") or []
        code = ("import skops.io\n\n"
                f"trusted = {trusted!r}  # the types the file names beyond skops' defaults\n"
                f"model = skops.io.load({file!r}, trusted=trusted)")
        said = (f"`{file}` was saved with skops: loading it runs no code but that of the types it trusts. "
                + ("Read the types listed before trusting them." if trusted else
                   "It names no type beyond those skops trusts by default."))
    else:
        code = f"import joblib\n\nmodel = joblib.load({file!r})"
        said = (f"`{file}` is a joblib (pickle) file: loading it runs whatever code it names, so load it only "
                "from a source you trust.")
    digest = saved.get("sha256")
    check = f" Its SHA-256 is `{digest}`." if digest else ""
    return f"{said}{check}\n\n```python\n{code}\n```"


def _plain(text: Any) -> str:
    """User text in the card's Markdown body, inert: HTML is shown as text, not run."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
