"""Callback notes reach their recipient: a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from kccdesk.core.settings import SmtpSettings
from kccdesk.notes.delivery import MAX_ATTEMPTS, deliver_due
from kccdesk.notes.rules import check_note

BIKES = "fietsenmakerij-van-dijk"

#: when these tests send: a minute after the notes were taken
NOW = datetime(2026, 11, 24, 10, 6, tzinfo=UTC)


class Inbox:
    """aiosmtpd handler: keeps what it receives, refuses addresses it is told to."""

    def __init__(self):
        self.messages = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted"


def message_of(mail) -> str:
    """The caller's message: the line after 'Bericht:' in the body."""
    lines = mail.get_content().splitlines()
    return lines[lines.index("Bericht:") + 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A real SMTP server on loopback that can be stopped and brought back on its port."""

    def __init__(self, inbox: Inbox):
        self.inbox = inbox
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    inbox = Inbox()
    server = Server(inbox)
    server.start()
    settings = SmtpSettings("127.0.0.1", server.port, "none", sender="kcc@example.nl", timeout=5)
    yield inbox, server, settings
    server.stop()


@pytest.fixture
def outbox(store, demo_clients):
    store.import_clients(demo_clients.values())
    return store


def save(
    store, demo_clients, recipient="lisa", urgency="normaal", message="Offerte bakfiets", at=None
):
    client = demo_clients[BIKES]
    at = at or datetime(2026, 11, 24, 10, 5, tzinfo=UTC)
    note = check_note(
        client,
        recipient,
        "Piet de Boer",
        "06-12345678",
        message,
        urgency=urgency,
        agent="Sanne",
        at=at,
    )
    return store.add_note(note, at=at)


def test_note_arrives_with_everything_the_recipient_needs(outbox, demo_clients, smtp):
    inbox, _, settings = smtp
    note = save(outbox, demo_clients)
    assert [o.result for o in deliver_due(outbox, demo_clients, settings, NOW)] == ["sent"]
    (mail,) = inbox.messages
    assert mail["To"] == "lisa@fietsenvandijk.example.nl"
    assert mail["Subject"] == "Terugbelverzoek: Piet de Boer — Fietsenmakerij Van Dijk"
    body = mail.get_content()
    for expected in (
        "Lisa van Dijk",
        "06 12 34 56 78",
        "tel:+31612345678",
        "Offerte bakfiets",
        "Agent:    Sanne",
        "24-11-2026 11:05",
        "normaal",
    ):
        assert expected in body
    sent = outbox.note(note.id)
    assert sent.status == "sent" and sent.sent_at is not None


def test_a_note_of_a_call_type_mails_its_answers_as_a_list(outbox, demo_clients, smtp):
    """Issue 24: the Subject names the type, the body lists the answers with their labels,
    through a real SMTP server (aiosmtpd)."""
    inbox, _, settings = smtp
    at = datetime(2026, 11, 24, 10, 5, tzinfo=UTC)
    note = check_note(
        demo_clients[BIKES], "lisa", "Piet de Boer", "06-12345678", "Band lek", agent="Sanne",
        at=at, call_type="reparatie",
        answers={"merk": "gaz", "framenummer": "GZ12345é", "elektrisch": "n"},
    )  # fmt: skip
    outbox.add_note(note, at=at)
    assert [o.result for o in deliver_due(outbox, demo_clients, settings, NOW)] == ["sent"]
    (mail,) = inbox.messages
    assert mail["Subject"] == "Reparatie: Piet de Boer — Fietsenmakerij Van Dijk"
    body = mail.get_content().replace("\r\n", "\n")
    assert "Reparatie:\n  Merk:               Gazelle\n" in body
    assert "  Framenummer:        GZ12345é\n" in body
    assert "  Elektrische fiets?: nee\n" in body


def test_server_down_keeps_note_queued_and_delivers_when_back(outbox, demo_clients, smtp):
    inbox, server, settings = smtp
    note = save(outbox, demo_clients)
    server.stop()
    now = NOW
    (outcome,) = deliver_due(outbox, demo_clients, settings, now=now)
    assert outcome.result == "retry" and "niet bereikbaar" in outcome.detail
    queued = outbox.note(note.id)
    assert queued.status == "queued" and queued.next_attempt_at > now
    assert deliver_due(outbox, demo_clients, settings, now=now) == []  # not due yet
    server.start()
    later = now + timedelta(minutes=1)
    assert [o.result for o in deliver_due(outbox, demo_clients, settings, now=later)] == ["sent"]
    assert len(inbox.messages) == 1
    assert deliver_due(outbox, demo_clients, settings, now=later + timedelta(hours=1)) == []
    assert len(inbox.messages) == 1


def test_permanent_refusal_marks_failed_with_the_servers_reason(outbox, demo_clients, smtp):
    inbox, _, settings = smtp
    inbox.refuse.add("lisa@fietsenvandijk.example.nl")
    note = save(outbox, demo_clients)
    (outcome,) = deliver_due(outbox, demo_clients, settings, NOW)
    assert outcome.result == "failed"
    failed = outbox.note(note.id)
    assert failed.status == "failed" and "550" in failed.last_error
    assert "Mailbox unknown" in failed.last_error
    # One key in the desk re-sends it: back in the outbox, delivered once fixed.
    inbox.refuse.clear()
    assert outbox.resend(note.id)
    assert [o.result for o in deliver_due(outbox, demo_clients, settings, NOW)] == ["sent"]


def test_gives_up_after_the_last_attempt(outbox, demo_clients, smtp):
    _, server, settings = smtp
    server.stop()
    note = save(outbox, demo_clients)
    now = NOW
    for _ in range(MAX_ATTEMPTS):
        deliver_due(outbox, demo_clients, settings, now=now)
        now += timedelta(hours=2)
    failed = outbox.note(note.id)
    assert failed.status == "failed" and f"na {MAX_ATTEMPTS} pogingen" in failed.last_error


def test_nothing_is_sent_twice_by_two_senders(outbox, demo_clients, smtp):
    inbox, _, settings = smtp
    for n in range(6):
        save(outbox, demo_clients, message=f"bericht {n}")
    threads = [
        threading.Thread(target=deliver_due, args=(outbox, demo_clients, settings, NOW))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bodies = sorted(message_of(m) for m in inbox.messages)
    assert bodies == [f"bericht {n}" for n in range(6)]
    assert {n.status for n in outbox.notes()} == {"sent"}


def test_urgent_notes_are_sent_first_and_marked(outbox, demo_clients, smtp):
    inbox, _, settings = smtp
    save(outbox, demo_clients, message="gewoon", at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    save(
        outbox,
        demo_clients,
        urgency="dringend",
        message="spoed",
        at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
    )
    deliver_due(outbox, demo_clients, settings, NOW)
    assert inbox.messages[0]["Subject"].startswith("[DRINGEND] ")
    assert "spoed" in inbox.messages[0].get_content()
    assert not inbox.messages[1]["Subject"].startswith("[DRINGEND]")


def test_person_without_email_uses_client_fallback_or_fails(outbox, demo_clients, smtp):
    inbox, _, settings = smtp
    save(outbox, demo_clients, recipient="omar")  # Omar has no address, the shop neither
    (outcome,) = deliver_due(outbox, demo_clients, settings, NOW)
    assert outcome.result == "failed" and "geen e-mailadres" in outcome.detail
    assert inbox.messages == []
