"""The outbox sender: stored notes are mailed in the background, retried with growing delays
while the mail server is down or asks to wait, and marked sent or failed with the reason —
or "mogelijk verzonden" (unsure) when the server took the whole message twice without ever
answering: SMTP cannot tell more, and a third copy would be worse than asking.

A note is always saved first (kccdesk.storage) and sent after, so a mail problem never loses
a note and never keeps an agent waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kccdesk.clients.model import Client
from kccdesk.core.settings import SmtpSettings
from kccdesk.notes.mail import (
    MailExtras,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    UnknownOutcome,
    compose,
    recipient_address,
    send,
)
from kccdesk.records import NoteRecord

#: pause before the 2nd, 3rd, … attempt; after the last one the note is marked failed
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: a claim older than this belongs to a sender that died; the note is queued again. A live
#: sender renews its claim after every reply of the server (at most every CLAIM_RENEWAL), and
#: every reply comes within the SMTP timeout, so a live claim never gets this old.
STALE_CLAIM = timedelta(minutes=10)
CLAIM_RENEWAL = 30.0  # seconds (monotonic)
#: notes one pass sends at most; the next pass starts again with the most urgent
PASS_LIMIT = 20


#: what the mail of a note carries besides the note: its acknowledgement link and, in a
#: later round, its history (kccdesk.service.ack gives them)
Dress = Callable[[NoteRecord, Client], MailExtras]


@dataclass(frozen=True)
class Outcome:
    note: int
    result: str  # sent | retry | failed | unsure
    detail: str = ""
    #: the server could not be reached or did not answer: the pass ends here
    server_down: bool = False


class Outbox(Protocol):
    """What the sender needs of the store (kccdesk.storage.Store provides it)."""

    def release_stale(self, claimed_before: datetime) -> int: ...
    def claim_due(self, now: datetime, limit: int = 20) -> list[NoteRecord]: ...
    def renew_claim(self, note_id: int, at: datetime) -> None: ...
    def mark_sent(self, note_id: int, at: datetime) -> None: ...
    def mark_retry(
        self, note_id: int, next_attempt: datetime, error: str, unsure: bool = False
    ) -> None: ...
    def mark_failed(self, note_id: int, error: str, at: datetime) -> None: ...
    def mark_unsure(self, note_id: int, error: str, at: datetime) -> None: ...


def deliver_due(
    store: Outbox,
    clients: Mapping[str, Client],
    smtp: SmtpSettings,
    now: datetime,
    clock: Callable[[], datetime] | None = None,
    dress: Dress | None = None,
) -> list[Outcome]:
    """One pass over the outbox at `now` (the caller's clock): send what is due, urgent first.

    Notes are claimed one at a time, just before the server is contacted, so a note never
    waits claimed behind others (a second sender takes it meanwhile) and an urgent note saved
    during a pass goes next. A server that cannot be reached or does not answer ends the pass:
    it costs one timeout, not one per note. Each note is handled on its own otherwise: one
    that cannot be composed or is refused fails alone, at once."""
    store.release_stale(now - STALE_CLAIM)
    outcomes: list[Outcome] = []
    while len(outcomes) < PASS_LIMIT:
        claimed = store.claim_due(now, limit=1)
        if not claimed:
            break
        outcome = _deliver(store, claimed[0], clients, smtp, now, clock or (lambda: now), dress)
        outcomes.append(outcome)
        if outcome.server_down:
            break
    return outcomes


def _deliver(
    store: Outbox,
    note: NoteRecord,
    clients: Mapping[str, Client],
    smtp: SmtpSettings,
    now: datetime,
    clock: Callable[[], datetime],
    dress: Dress | None,
) -> Outcome:
    client = clients.get(note.client)
    if client is None:
        return _failed(store, note, now, f"klant '{note.client}' bestaat niet meer")
    if not recipient_address(client, note.addressee):
        name = client.person_name(note.addressee)
        return _failed(store, note, now, f"geen e-mailadres voor {name} of de klant")
    try:
        message = compose(note, client, smtp.sender, dress(note, client) if dress else None)
    except Exception as exc:  # e.g. a line break in a header: retrying will not help
        return _failed(store, note, now, f"e-mail kan niet worden opgesteld: {one_line(exc)}")
    try:
        send(message, smtp, beat=_heartbeat(store, note.id, clock))
    except PermanentFailure as exc:
        return _failed(store, note, now, str(exc))
    except UnknownOutcome as exc:
        # Perhaps delivered. Once more with the same Message-ID after a pause; a second
        # silence is "mogelijk verzonden" — never a third copy.
        if note.unsure_attempts >= 1 or note.attempts >= MAX_ATTEMPTS:
            return _unsure(store, note, now, str(exc))
        store.mark_retry(note.id, now + _delay(note), str(exc), unsure=True)
        return Outcome(note.id, "retry", str(exc), server_down=True)
    except TemporaryFailure as exc:
        if note.attempts >= MAX_ATTEMPTS:
            if note.unsure_attempts:  # an earlier copy may have arrived
                return _unsure(store, note, now, f"na {note.attempts} pogingen: {exc}")
            return _failed(store, note, now, f"na {note.attempts} pogingen: {exc}")
        store.mark_retry(note.id, now + _delay(note), str(exc))
        return Outcome(note.id, "retry", str(exc), server_down=isinstance(exc, ServerUnavailable))
    except Exception as exc:  # anything else about this message: it alone fails
        return _failed(store, note, now, f"e-mail kan niet worden verstuurd: {one_line(exc)}")
    store.mark_sent(note.id, now)
    return Outcome(note.id, "sent")


def _delay(note: NoteRecord) -> timedelta:
    return RETRY_DELAYS[min(note.attempts, len(RETRY_DELAYS)) - 1]


def _heartbeat(store: Outbox, note_id: int, clock: Callable[[], datetime]) -> Callable[[], None]:
    """Renew the note's claim while its server answers, at most every CLAIM_RENEWAL."""
    last = time.monotonic()

    def beat() -> None:
        nonlocal last
        if time.monotonic() - last >= CLAIM_RENEWAL:
            last = time.monotonic()
            store.renew_claim(note_id, clock())

    return beat


def _unsure(store: Outbox, note: NoteRecord, now: datetime, reason: str) -> Outcome:
    reason = f"mogelijk verzonden, vraag de ontvanger of het aankwam ({reason})"
    store.mark_unsure(note.id, reason, now)
    return Outcome(note.id, "unsure", reason)


def _failed(store: Outbox, note: NoteRecord, now: datetime, reason: str) -> Outcome:
    store.mark_failed(note.id, reason, now)
    return Outcome(note.id, "failed", reason)


def one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__
