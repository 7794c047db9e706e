"""The comm protocol between the kernel and the sidebar (see ``protocol/README.md``).

Every message is an envelope ``{"v": 2, "type": ..., "payload": {...}}``. The kernel sends the
whole standing (``standing``: ``{session, revision, standing}``) after a change (within a cell at
most once a second, and at its end: :attr:`Session.pace`) and when a frontend asks
(``request_standing``). Messages of another version, of an unknown type or without
a body are ignored with a log line, never raised.
"""

from __future__ import annotations

import logging
from typing import Any

TARGET = "nbalign"
VERSION = 2
KERNEL_TYPES = ("standing", "insert_cell")  # insert_cell: {"source"}, a code cell below the active one
FRONTEND_TYPES = ("request_standing",)

log = logging.getLogger(__name__)


def envelope(type_: str, payload: dict) -> dict:
    return {"v": VERSION, "type": type_, "payload": payload}


def parse_envelope(message: Any, accepted: tuple[str, ...] = FRONTEND_TYPES,
                   logger: logging.Logger | None = None) -> tuple[str, dict] | None:
    """``(type, payload)`` of a well-formed message of an accepted type, else None.

    What is ignored is logged as a warning (to ``logger``, the kernel's log in a kernel), once
    per kind of problem, so a frontend that keeps sending it does not flood the log.
    """
    if not isinstance(message, dict) or not isinstance(message.get("payload"), dict):
        _ignored(logger, "envelope", "a comm message that is not an envelope: %.200r", message)
        return None
    if message.get("v") != VERSION:
        _ignored(logger, "version", "a comm message of protocol version %.20r", message.get("v"))
        return None
    if message.get("type") not in accepted:
        _ignored(logger, "type", "a comm message of unknown type %.40r", message.get("type"))
        return None
    return message["type"], message["payload"]


_warned: set[str] = set()


def _ignored(logger: logging.Logger | None, kind: str, text: str, value: Any) -> None:
    if kind not in _warned:
        _warned.add(kind)
        (logger or log).warning("nbalign: ignoring " + text, value)
