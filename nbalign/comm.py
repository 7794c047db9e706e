"""The kernel end of the sidebar's comm: sends the session's standing, answers requests for it.

Opened on ``%load_ext nbalign`` with the current standing as its open data, so a sidebar that is
listening attaches at once; a sidebar that arrives later (page reload, second tab) finds the
comm through ``comm_info`` and sends ``request_standing``.
"""

from __future__ import annotations

import logging

from .protocol import TARGET, envelope, parse_envelope
from .session import Session

log = logging.getLogger(__name__)


class SidebarChannel:
    """Forwards a session's standing to every frontend listening on the ``nbalign`` comm."""

    def __init__(self, session: Session):
        self.session = session
        self.comm = None

    def open(self) -> None:
        from comm import create_comm

        self.comm = create_comm(target_name=TARGET, data=envelope("standing", self.session.message()))
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
        if type_ == "request_standing":
            self.send("standing", self.session.message())

    def close(self) -> None:
        self.session.unsubscribe(self.send)
        if self.comm is not None:
            self.comm.close()
            self.comm = None
