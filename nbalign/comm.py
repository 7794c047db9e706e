"""The kernel end of the sidebar's comm: sends the session's events, answers snapshot requests.

Opened on ``%load_ext nbalign`` with a full snapshot as its open data, so a sidebar that is
listening attaches at once; a sidebar that arrives later (page reload, second tab) finds the
comm through ``comm_info`` and asks for a snapshot.
"""

from __future__ import annotations

import logging

from .protocol import TARGET, envelope, parse_envelope
from .session import Session

log = logging.getLogger(__name__)


class SidebarChannel:
    """Forwards a session's events to every frontend listening on the ``nbalign`` comm."""

    def __init__(self, session: Session):
        self.session = session
        self.comm = None

    def open(self) -> None:
        from comm import create_comm

        self.comm = create_comm(target_name=TARGET, data=envelope("snapshot", self.session.snapshot()))
        self.comm.on_msg(self._on_message)
        self.session.subscribe(self.send)

    def send(self, type_: str, payload: dict) -> None:
        if self.comm is not None:
            self.comm.send(envelope(type_, payload))

    def _on_message(self, message: dict) -> None:
        parsed = parse_envelope(message.get("content", {}).get("data"))
        if parsed is None:
            return
        type_, _ = parsed
        if type_ == "request_snapshot":
            self.send("snapshot", self.session.snapshot())

    def close(self) -> None:
        self.session.unsubscribe(self.send)
        if self.comm is not None:
            self.comm.close()
            self.comm = None
