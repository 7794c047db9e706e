"""The kernel end of the sidebar's comm: sends the session's standing, answers requests for it, and
asks the frontend to insert a cell (the objective form's "Write objective cell").

Opened on ``%load_ext nbalign`` with the current standing as its open data, so a sidebar that is
listening attaches at once; a sidebar that arrives later (page reload, second tab) finds the
comm through ``comm_info`` and sends ``request_standing``. A frontend may also open a comm of its
own to the ``nbalign`` target; every open comm gets the standing, and one the frontend closes is
dropped.
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
        self.comms: list = []

    @property
    def comm(self):
        """The comm the kernel opened (the first one), if still open."""
        return self.comms[0] if self.comms else None

    def open(self) -> None:
        from comm import create_comm, get_comm_manager

        self._attach(create_comm(target_name=TARGET, data=envelope("standing", self.session.message())))
        self.session.subscribe(self.send)
        try:
            get_comm_manager().register_target(TARGET, self._on_frontend_open)
        except Exception:  # a comm manager without targets still gets the kernel's own comm
            log.info("nbalign: this kernel's comm manager takes no targets", exc_info=True)

    def _on_frontend_open(self, comm, message) -> None:
        self._attach(comm)
        comm.send(envelope("standing", self.session.message()))

    def _attach(self, comm) -> None:
        comm.on_msg(self._on_message)
        comm.on_close(lambda _message, closed=comm: self._detach(closed))
        self.comms.append(comm)

    def _detach(self, comm) -> None:
        if comm in self.comms:
            self.comms.remove(comm)

    def send(self, type_: str, payload: dict) -> None:
        for comm in list(self.comms):
            comm.send(envelope(type_, payload))

    def insert_cell(self, source: str) -> bool:
        """Ask the frontend to insert a code cell holding ``source`` below the active cell (the
        objective form's "Write objective cell"). False when no frontend listens."""
        if not self.comms:
            return False
        self.send("insert_cell", {"source": source})
        return True

    def _on_message(self, message: dict) -> None:
        parsed = parse_envelope(message.get("content", {}).get("data"), logger=kernel_log())
        if parsed is None:
            return
        type_, _ = parsed
        if type_ == "request_standing":
            self.send("standing", self.session.message())

    def close(self) -> None:
        self.session.unsubscribe(self.send)
        try:
            from comm import get_comm_manager

            get_comm_manager().unregister_target(TARGET, self._on_frontend_open)
        except Exception:
            log.info("nbalign: could not unregister the comm target", exc_info=True)
        for comm in list(self.comms):
            comm.close()
        self.comms.clear()


def kernel_log() -> logging.Logger:
    """The kernel's own log (the server's terminal), where ignored messages are worth a line;
    never the user's cell output."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        return kernel.log if kernel is not None else log
    except Exception:  # noqa: BLE001 - no IPython or no kernel: nbalign's own logger
        return log
