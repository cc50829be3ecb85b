"""The outbox sender: stored notes are mailed in the background, retried with growing delays
while the mail server is down or asks to wait, and marked sent or failed with the reason.

A note is always saved first (kccdesk.storage) and sent after, so a mail problem never loses
a note and never keeps an agent waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kccdesk.mail import PermanentFailure, TemporaryFailure, compose, recipient_address, send
from kccdesk.model import Client
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


def deliver_due(
    store, clients: dict[str, Client], smtp: SmtpSettings, now: datetime
) -> list[Outcome]:
    """One pass over the outbox at `now` (the caller's clock): send what is due, urgent first."""
    store.release_stale(now - STALE_CLAIM)
    outcomes = []
    for note in store.claim_due(now):
        client = clients.get(note.client)
        if client is None:
            store.mark_failed(note.id, f"klant '{note.client}' bestaat niet meer")
            outcomes.append(Outcome(note.id, "failed", "klant onbekend"))
            continue
        if not recipient_address(client, note.recipient):
            reason = f"geen e-mailadres voor {client.person_name(note.recipient)} of de klant"
            store.mark_failed(note.id, reason)
            outcomes.append(Outcome(note.id, "failed", reason))
            continue
        try:
            send(compose(note, client, smtp.sender), smtp)
        except PermanentFailure as exc:
            store.mark_failed(note.id, str(exc))
            outcomes.append(Outcome(note.id, "failed", str(exc)))
        except TemporaryFailure as exc:
            if note.attempts >= MAX_ATTEMPTS:
                reason = f"na {note.attempts} pogingen: {exc}"
                store.mark_failed(note.id, reason)
                outcomes.append(Outcome(note.id, "failed", reason))
            else:
                delay = RETRY_DELAYS[min(note.attempts, len(RETRY_DELAYS)) - 1]
                store.mark_retry(note.id, now + delay, str(exc))
                outcomes.append(Outcome(note.id, "retry", str(exc)))
        else:
            store.mark_sent(note.id, now)
            outcomes.append(Outcome(note.id, "sent"))
    return outcomes
