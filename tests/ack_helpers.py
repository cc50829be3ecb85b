"""Helpers of the acknowledgement tests: a clock the test moves, the Warmtenet desk, a real
SMTP server (aiosmtpd) and the project's own ASGI app under a real uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from kccdesk.core.actor import Actor
from kccdesk.core.settings import AckSettings, SmtpSettings
from kccdesk.service.desk import Desk

AMS = ZoneInfo("Europe/Amsterdam")
WARMTENET = "storingsdienst-warmtenet"
#: Wednesday 2 December 2026, 21:45 in Groningen: Erik Mulder on duty until 22:00, then Rik Bos
WEDNESDAY_2145 = datetime(2026, 12, 2, 21, 45, tzinfo=AMS)


class Clock:
    """A clock the test moves (the service asks it for every "now")."""

    def __init__(self, now: datetime):
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ack_settings(tmp_path, port: int = 0, **imap) -> AckSettings:
    return AckSettings(
        base_url=f"http://127.0.0.1:{port or 9}",
        secret_file=str(tmp_path / "secret" / "ack.key"),
        **imap,
    )


def warm_desk(store, clock: Clock, ack: AckSettings | None = None) -> Desk:
    desk = Desk(store, clock=clock, actor=Actor("sanne"))
    if ack is not None:
        desk.use_ack(ack, create_secret=True)
    return desk


def urgent_note(desk: Desk, to: str = "emulder", message: str = "Geen warmte, kind ziek"):
    return desk.add_note(WARMTENET, to, "Jan de Vries", "0612345678", message, urgency="dringend")


class Inbox:
    """aiosmtpd handler: keeps what it receives."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        self.arrived.set()
        return "250 Message accepted"


class Smtp:
    def __init__(self, handler=None):
        self.inbox = handler or Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Smtp:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings("127.0.0.1", self.port, "none", sender="kcc@example.nl", timeout=5)


class Web:
    """The app under a real uvicorn in a thread, on a free loopback port."""

    def __init__(self, app, port: int = 0):
        import uvicorn

        self.port = port or free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, access_log=False, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Web:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started, "uvicorn did not start"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"
