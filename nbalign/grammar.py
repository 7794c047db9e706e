"""The grammar of the ``%%objective`` cell, read from ``grammar.json``: the one place that says
which keys a cell has, how each is written, and how the form asks for it.

Three things are produced from it, so they cannot drift apart: the parser's known keys
(:mod:`nbalign.objective` refuses any other, with the closest known one), the form's fields and
sections (:class:`nbalign.widgets.ObjectiveForm`), and the template the sidebar's command
inserts (:func:`template`; the sidebar's copy, ``labextension/src/template.generated.ts``, is
written from the same file by ``jlpm generate``, and a test keeps the two equal).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

GRAMMAR = Path(__file__).with_name("grammar.json")

# The template's comments start at this column, as a hand-aligned YAML file would have them.
COMMENT_COLUMN = 32


@functools.cache
def grammar() -> dict[str, Any]:
    return json.loads(GRAMMAR.read_text(encoding="utf-8"))


def children(parent: str | None = None) -> tuple[str, ...]:
    """The keys a cell may hold at the top (``parent`` None) or under ``parent`` (``kpi``)."""
    depth = 0 if parent is None else parent.count(".") + 1
    prefix = "" if parent is None else parent + "."
    return tuple(dict.fromkeys(
        entry["key"].split(".")[depth] for entry in grammar()["keys"]
        if entry["key"].startswith(prefix) and entry["key"].count(".") >= depth))


def template() -> str:
    """The cell the sidebar's "Insert objective template" writes: every key with an example,
    its comment aligned, the optional ones commented out. It parses as it is."""
    lines = list(grammar()["header"])
    for entry in grammar()["keys"]:
        if "example" not in entry and not _has_example_below(entry["key"]):
            continue
        optional = entry.get("optional", False)
        for heading in entry.get("heading", []):
            lines.append(f"# {heading}")
        depth = entry["key"].count(".")
        name = entry["key"].rsplit(".", 1)[-1]
        written = f"{name}: {entry['example']}" if "example" in entry else f"{name}:"
        indent = "  " * depth
        # under an optional parent the mark goes first, so that uncommenting the block leaves its indentation
        parent_optional = depth and _entry(entry["key"].rsplit(".", 1)[0]).get("optional", False)
        if parent_optional:
            line = f"# {indent}{written}"
        else:
            line = f"{indent}# {written}" if optional else f"{indent}{written}"
        comments = entry.get("comment", [])
        comments = [comments] if isinstance(comments, str) else comments
        for i, comment in enumerate(comments):
            text = line if i == 0 else ""
            gap = " " * (COMMENT_COLUMN - len(text)) if len(text) < COMMENT_COLUMN - 1 else "  "
            lines.append(f"{text}{gap}# {comment}")
        if not comments:
            lines.append(line)
    return "\n".join(lines)


def _entry(key: str) -> dict[str, Any]:
    return next(e for e in grammar()["keys"] if e["key"] == key)


def _has_example_below(parent: str) -> bool:
    return any(e["key"].startswith(parent + ".") and "example" in e for e in grammar()["keys"])


def text_keys() -> tuple[str, ...]:
    """Top-level keys of free text (``outcome:``), each kept as the objective's attribute of
    that name: the form writes and reads them back without code of its own."""
    return tuple(e["key"] for e in grammar()["keys"] if e.get("text"))


def form_fields() -> list[dict[str, Any]]:
    """The form's fields in order, each ``{key, label, section, placeholder?}``: the cell's keys
    that have a label, with the form's own fields (the name, "derive from the KPI", the parts of
    an action) placed where the grammar says."""
    fields = [dict(e) for e in grammar()["keys"] if "label" in e]
    for extra in grammar()["form_only"]:
        if extra.get("first"):
            fields.insert(0, dict(extra))
        else:
            at = next(i for i, f in enumerate(fields) if f["key"] == extra["after"])
            fields.insert(at + 1, dict(extra))
    return fields


def sections() -> list[dict[str, Any]]:
    """The form's sections in order, each ``{id, title, folded?, keys}``."""
    fields = form_fields()
    return [{**section, "keys": tuple(f["key"] for f in fields if f["section"] == section["id"])}
            for section in grammar()["sections"]]


def typescript() -> str:
    """``labextension/src/template.generated.ts``: the template as the sidebar's command inserts it."""
    text = template()
    if "`" in text or "${" in text or "\\" in text:
        raise ValueError("the template must stay a plain template literal: no backtick, ${ or backslash")
    return ("// Generated from nbalign/grammar.json by `python -m nbalign.grammar > "
            "labextension/src/template.generated.ts`: do not edit.\n"
            "// tests/test_form.py checks that it is up to date.\n\n"
            f"export const OBJECTIVE_TEMPLATE = `{text}`;\n")


if __name__ == "__main__":
    print(typescript(), end="")
