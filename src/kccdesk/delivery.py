"""The outbox sender: stored notes are mailed in the background, retried with growing delays
while the mail server is down or asks to wait, and marked sent or failed with the reason.

A note is always saved first (kccdesk.storage) and sent after, so a mail problem never loses
a note and never keeps an agent waiting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kccdesk.mail import PermanentFailure, TemporaryFailure, compose, recipient_address, send
from kccdesk.model import Client
from kccdesk.records import NoteRecord
from kccdesk.settings import SmtpSettings

#: pause before the 2nd, 3rd, … attempt; after the last one the note is marked failed
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: a claim older than this belongs to a sender that died; the note is queued again
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    note: int
    result: str  # sent | retry | failed
    detail: str = ""


class Outbox(Protocol):
    """What the sender needs of the store (kccdesk.storage.Store provides it)."""

    def release_stale(self, claimed_before: datetime) -> int: ...
    def claim_due(self, now: datetime, limit: int = 20) -> list[NoteRecord]: ...
    def mark_sent(self, note_id: int, at: datetime) -> None: ...
    def mark_retry(self, note_id: int, next_attempt: datetime, error: str) -> None: ...
    def mark_failed(self, note_id: int, error: str) -> None: ...


def deliver_due(
    store: Outbox, clients: Mapping[str, Client], smtp: SmtpSettings, now: datetime
) -> list[Outcome]:
    """One pass over the outbox at `now` (the caller's clock): send what is due, urgent first.

    Each note is claimed (the attempt recorded) before the server is contacted, and each is
    handled on its own: a note that cannot be composed or sent fails alone, at once."""
    store.release_stale(now - STALE_CLAIM)
    return [_deliver(store, note, clients, smtp, now) for note in store.claim_due(now)]


def _deliver(
    store: Outbox,
    note: NoteRecord,
    clients: Mapping[str, Client],
    smtp: SmtpSettings,
    now: datetime,
) -> Outcome:
    client = clients.get(note.client)
    if client is None:
        return _failed(store, note, f"klant '{note.client}' bestaat niet meer")
    if not recipient_address(client, note.recipient):
        name = client.person_name(note.recipient)
        return _failed(store, note, f"geen e-mailadres voor {name} of de klant")
    try:
        message = compose(note, client, smtp.sender)
    except Exception as exc:  # e.g. a line break in a header: retrying will not help
        return _failed(store, note, f"e-mail kan niet worden opgesteld: {one_line(exc)}")
    try:
        send(message, smtp)
    except PermanentFailure as exc:
        return _failed(store, note, str(exc))
    except TemporaryFailure as exc:
        if note.attempts >= MAX_ATTEMPTS:
            return _failed(store, note, f"na {note.attempts} pogingen: {exc}")
        delay = RETRY_DELAYS[min(note.attempts, len(RETRY_DELAYS)) - 1]
        store.mark_retry(note.id, now + delay, str(exc))
        return Outcome(note.id, "retry", str(exc))
    except Exception as exc:  # anything else about this message: it alone fails
        return _failed(store, note, f"e-mail kan niet worden verstuurd: {one_line(exc)}")
    store.mark_sent(note.id, now)
    return Outcome(note.id, "sent")


def _failed(store: Outbox, note: NoteRecord, reason: str) -> Outcome:
    store.mark_failed(note.id, reason)
    return Outcome(note.id, "failed", reason)


def one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__
