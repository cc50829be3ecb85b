"""The outbox never sticks and a resend in doubt is the same message: real SMTP servers on
loopback (aiosmtpd) that answer late, refuse, or hang."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from kccdesk.core.settings import SmtpSettings
from kccdesk.notes.delivery import STALE_CLAIM, deliver_due
from kccdesk.notes.rules import check_note
from test_delivery import free_port, message_of

BIKES = "fietsenmakerij-van-dijk"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
#: the sender's SMTP timeout in these tests; the late server answers after twice that
TIMEOUT = 0.5


class Misbehaving:
    """Answers DATA by the caller's message: 'laat' is stored and acknowledged only after the
    client gave up (once), 'weiger' is refused with 554, 'hang' never gets an answer (once)."""

    def __init__(self):
        self.messages = []
        self.seen: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content, policy=default)
        text = message_of(mail)
        first = text not in self.seen
        self.seen.add(text)
        if text == "weiger":
            return "554 5.6.0 Message refused by policy"
        if text == "hang" and first:
            await asyncio.sleep(60)  # cancelled when the server stops
        self.messages.append(mail)
        if text == "laat" and first:
            await asyncio.sleep(TIMEOUT * 2)  # stored, but the 250 comes too late
        return "250 Message accepted"


@pytest.fixture
def server():
    handler = Misbehaving()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings = SmtpSettings("127.0.0.1", port, "none", sender="kcc@example.nl", timeout=TIMEOUT)
    yield handler, settings
    controller.stop()


@pytest.fixture
def outbox(store, demo_clients):
    store.import_clients(demo_clients.values())
    return store


def save(store, demo_clients, message: str, minute: int, **changes):
    note = check_note(demo_clients[BIKES], "lisa", "Piet de Boer", "0612345678", message, at=NOW)
    note = dataclasses.replace(note, **changes)
    return store.add_note(note, at=NOW + timedelta(minutes=minute))


def test_every_note_gets_its_own_uuid(outbox, demo_clients):
    first = save(outbox, demo_clients, "een", 0)
    second = save(outbox, demo_clients, "twee", 1)
    assert len(first.uuid) == 36 and first.uuid != second.uuid
    assert outbox.note(first.id).uuid == first.uuid


def test_late_250_is_retried_with_the_same_message_id(outbox, demo_clients, server):
    handler, settings = server
    note = save(outbox, demo_clients, "laat", 0)
    (outcome,) = deliver_due(outbox, demo_clients, settings, NOW)
    assert outcome.result == "retry"
    assert outbox.note(note.id).status == "queued"
    (outcome,) = deliver_due(outbox, demo_clients, settings, NOW + timedelta(minutes=1))
    assert outcome.result == "sent"
    first, second = handler.messages  # the server did keep the first copy
    assert first["Message-ID"] == second["Message-ID"] == f"<{note.uuid}@kccdesk>"


def test_refused_note_fails_at_once_and_the_next_still_goes(outbox, demo_clients, server):
    handler, settings = server
    refused = save(outbox, demo_clients, "weiger", 0)
    fine = save(outbox, demo_clients, "gewoon", 1)
    outcomes = deliver_due(outbox, demo_clients, settings, NOW)
    assert [(o.note, o.result) for o in outcomes] == [(refused.id, "failed"), (fine.id, "sent")]
    failed = outbox.note(refused.id)
    assert failed.status == "failed" and "554" in failed.last_error
    assert [message_of(m) for m in handler.messages] == ["gewoon"]


def test_hanging_server_costs_one_timeout_per_pass_not_one_per_note(outbox, demo_clients, server):
    """The server hangs after the first note's data: the pass ends there. The next note was
    never claimed (no attempt counted); the next pass sends both."""
    handler, settings = server
    hung = save(outbox, demo_clients, "hang", 0)
    fine = save(outbox, demo_clients, "gewoon", 1)
    started = time.monotonic()
    outcomes = deliver_due(outbox, demo_clients, settings, NOW)
    assert time.monotonic() - started < 3 * TIMEOUT
    assert [(o.note, o.result) for o in outcomes] == [(hung.id, "retry")]
    assert outbox.note(hung.id).unsure_attempts == 1  # handed over whole, never answered
    waiting = outbox.note(fine.id)
    assert (waiting.status, waiting.attempts) == ("queued", 0)
    again = deliver_due(outbox, demo_clients, settings, NOW + timedelta(minutes=1))
    assert [(o.note, o.result) for o in again] == [(hung.id, "sent"), (fine.id, "sent")]
    assert [m["Message-ID"] for m in handler.messages] == [
        f"<{hung.uuid}@kccdesk>",
        f"<{fine.uuid}@kccdesk>",
    ]


class AlwaysHanging:
    """Accepts the connection and the envelope, then never answers the data."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        await asyncio.sleep(60)
        return "250 too late"


def test_twenty_notes_behind_a_hanging_server_cost_one_timeout(outbox, demo_clients):
    handler = AlwaysHanging()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = SmtpSettings("127.0.0.1", port, "none", sender="kcc@x.nl", timeout=TIMEOUT)
        for minute in range(20):
            save(outbox, demo_clients, f"bericht {minute}", minute)
        started = time.monotonic()
        outcomes = deliver_due(outbox, demo_clients, settings, NOW + timedelta(minutes=30))
        # one note tried, one timeout waited: a timeout per note would be 20 of them (a
        # loaded CI machine took 4.6 s for the one, so the bound leaves room below 20)
        assert time.monotonic() - started < 12 * TIMEOUT
        assert len(outcomes) == 1 and handler.received == 1
        # An urgent note saved now goes first on the next pass, before the older nineteen.
        urgent = save(outbox, demo_clients, "spoed", 31, urgency="dringend")
        (first,) = deliver_due(outbox, demo_clients, settings, NOW + timedelta(minutes=32))
        assert first.note == urgent.id
    finally:
        controller.stop()


class AlwaysLate:
    """Stores every message and answers 250 only after the client's timeout."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        await asyncio.sleep(TIMEOUT * 2)
        return "250 Message accepted"


def test_a_server_that_always_answers_late_gets_the_note_twice_at_most(outbox, demo_clients):
    """Every 250 comes after the timeout: the note is retried once with the same Message-ID,
    then reported as perhaps delivered, never sent a third time and never 'failed'."""
    handler = AlwaysLate()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = SmtpSettings("127.0.0.1", port, "none", sender="kcc@x.nl", timeout=TIMEOUT)
        note = save(outbox, demo_clients, "laat", 0)
        results = []
        for hour in range(6):  # long past every retry delay
            now = NOW + timedelta(hours=hour, minutes=1)
            results += [o.result for o in deliver_due(outbox, demo_clients, settings, now)]
        assert results == ["retry", "unsure"]
        assert len(handler.messages) == 2
        assert {m["Message-ID"] for m in handler.messages} == {f"<{note.uuid}@kccdesk>"}
        stored = outbox.note(note.id)
        assert stored.status == "unsure" and stored.needs_agent
        assert "mogelijk verzonden" in stored.last_error
        assert stored.id in [n.id for n in outbox.notes(status=("failed", "unsure"))]
        # The agent who asked the recipient may send it once more, as new.
        assert outbox.resend(note.id)
        assert outbox.note(note.id).unsure_attempts == 0
    finally:
        controller.stop()


def test_a_live_sender_keeps_its_claim_however_long_the_server_takes(
    outbox, demo_clients, server, monkeypatch
):
    """A second sender that finds the claim while the first still talks to the server does not
    release it: the first renewed its claim at each reply (the heartbeat)."""
    import kccdesk.notes.delivery as delivery

    monkeypatch.setattr(delivery, "CLAIM_RENEWAL", 0.0)
    _handler, settings = server
    note = save(outbox, demo_clients, "traag", 0)
    later = NOW + timedelta(minutes=20)  # the first sender's clock while it sends
    released = []

    class SecondSender(Misbehaving):
        async def handle_DATA(self, server, session, envelope):
            # Another sender's pass at later + 5 min runs while this message is on the wire.
            released.append(outbox.release_stale(later + timedelta(minutes=5) - STALE_CLAIM))
            return await super().handle_DATA(server, session, envelope)

    port = free_port()
    controller = Controller(SecondSender(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mine = dataclasses.replace(settings, port=port)
        (outcome,) = deliver_due(outbox, demo_clients, mine, NOW, clock=lambda: later)
    finally:
        controller.stop()
    assert outcome.result == "sent" and released == [0]
    assert outbox.note(note.id).status == "sent"


def test_note_that_cannot_be_composed_fails_at_once(outbox, demo_clients, server):
    """A caller name with a line break, stored before names were checked at entry."""
    handler, settings = server
    broken = save(outbox, demo_clients, "kapot", 0, caller_name="Piet\r\nBcc: x@example.org")
    fine = save(outbox, demo_clients, "gewoon", 1)
    outcomes = deliver_due(outbox, demo_clients, settings, NOW)
    assert [(o.note, o.result) for o in outcomes] == [(broken.id, "failed"), (fine.id, "sent")]
    failed = outbox.note(broken.id)
    assert failed.status == "failed" and "kan niet worden opgesteld" in failed.last_error
    assert "\n" not in failed.last_error
    assert [message_of(m) for m in handler.messages] == ["gewoon"]


def test_bad_address_in_client_file_fails_that_note_alone(outbox, demo_clients, server):
    handler, settings = server
    bikes = demo_clients[BIKES]
    people = tuple(
        dataclasses.replace(p, email="lisa@example.nl\r\nBcc: x@example.org")
        if p.id == "lisa"
        else p
        for p in bikes.people
    )
    clients = {**demo_clients, BIKES: dataclasses.replace(bikes, people=people)}
    broken = save(outbox, demo_clients, "kapot", 0)
    fine = save(outbox, demo_clients, "gewoon", 1, recipient="kees")
    outcomes = deliver_due(outbox, clients, settings, NOW)
    assert [(o.note, o.result) for o in outcomes] == [(broken.id, "failed"), (fine.id, "sent")]
    assert outbox.note(broken.id).status == "failed"
    assert [message_of(m) for m in handler.messages] == ["gewoon"]


def test_a_claim_left_by_a_sender_that_died_is_released_after_the_stale_time(store, demo_clients):
    """release_stale: only claims older than the cut-off go back to the queue."""
    store.import_clients(demo_clients.values())
    note = check_note(demo_clients[BIKES], "lisa", "Piet", "0612345678", "claimed", at=NOW)
    saved = store.add_note(note, at=NOW)
    (claimed,) = store.claim_due(NOW)
    assert claimed.id == saved.id and store.note(saved.id).status == "sending"
    assert store.release_stale(NOW - STALE_CLAIM) == 0  # the claim is fresh: keep it
    assert store.note(saved.id).status == "sending"
    assert store.release_stale(NOW + STALE_CLAIM) == 1  # the sender died long ago
    assert store.note(saved.id).status == "queued"
