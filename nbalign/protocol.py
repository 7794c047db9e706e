"""The comm protocol between the kernel and the sidebar (see ``protocol/README.md``).

Every message is an envelope ``{"v": 2, "type": ..., "payload": {...}}``. The kernel sends the
whole standing (``standing``: ``{session, revision, standing}``) after every change and when a
frontend asks (``request_standing``). Messages of another version, of an unknown type or without
a body are ignored with a log line, never raised.
"""

from __future__ import annotations

import logging
from typing import Any

TARGET = "nbalign"
VERSION = 2
KERNEL_TYPES = ("standing",)
FRONTEND_TYPES = ("request_standing",)

log = logging.getLogger(__name__)


def envelope(type_: str, payload: dict) -> dict:
    return {"v": VERSION, "type": type_, "payload": payload}


def parse_envelope(message: Any, accepted: tuple[str, ...] = FRONTEND_TYPES) -> tuple[str, dict] | None:
    """``(type, payload)`` of a well-formed message of an accepted type, else None (logged)."""
    if not isinstance(message, dict) or not isinstance(message.get("payload"), dict):
        log.info("nbalign: ignoring a comm message that is not an envelope: %.200r", message)
        return None
    if message.get("v") != VERSION:
        log.info("nbalign: ignoring a comm message of protocol version %r", message.get("v"))
        return None
    if message.get("type") not in accepted:
        log.info("nbalign: ignoring a comm message of unknown type %r", message.get("type"))
        return None
    return message["type"], message["payload"]
