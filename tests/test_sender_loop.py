"""The desk's outbox sender survives any error: it says so once, in one line, and goes on."""

from __future__ import annotations

import asyncio
import time

from desk_helpers import MONDAY_10, SIZE, settle
from kccdesk import texts
from kccdesk.core.settings import Settings, SmtpSettings
from kccdesk.ui.factory import make_app
from test_delivery import Inbox, Server

BIKES = "fietsenmakerij-van-dijk"


async def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return condition()


async def test_a_failing_pass_is_said_once_and_the_next_note_is_mailed(demo_store):
    inbox = Inbox()
    server = Server(inbox)
    server.start()
    try:
        mail = SmtpSettings("127.0.0.1", server.port, "none", sender="kcc@example.nl", timeout=5)
        settings = Settings(agent="Sanne", smtp=mail)
        app = make_app(demo_store.url, clock=lambda: MONDAY_10, client_id=BIKES, settings=settings)
        real = app.desk.deliver_due
        failures = []

        def first_pass_fails(settings):
            if len(failures) < 3:  # the same error three passes running: said once
                failures.append(1)
                raise RuntimeError("database even weg")
            return real(settings)

        app.desk.deliver_due = first_pass_fails
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert await _wait_for(lambda: len(failures) >= 1)
            for _ in range(2):
                app.wake_sender()
                await asyncio.sleep(0.2)
            assert await _wait_for(lambda: len(failures) == 3)
            app.desk.add_note(BIKES, "lisa", "Piet", "0612345678", "Offerte bakfiets")
            app.wake_sender()
            assert await _wait_for(lambda: len(inbox.messages) == 1), "the sender stopped"
            shown = [
                n.message for n in app._notifications if "Notities versturen lukt" in n.message
            ]
            assert shown == [texts.SENDER_FAILED.format(error="database even weg")]
    finally:
        server.stop()
