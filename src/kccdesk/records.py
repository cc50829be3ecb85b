"""The plain records the store hands out: no database import, so the mail sender, the
interface and the command line can use them without loading SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kccdesk.clients.model import Absence, Closure, Coverage, ExtraShift, WeeklyShift

#: the delivery states that need an agent: refused, or perhaps delivered (kccdesk.notes.delivery)
NEEDS_AGENT = ("failed", "unsure")


@dataclass(frozen=True)
class NoteRecord:
    id: int
    uuid: str
    client: str
    recipient: str
    caller_name: str
    caller_phone: str
    message: str
    urgency: str
    agent: str
    created_at: datetime
    status: str
    attempts: int
    last_error: str
    override: str
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None
    #: the person the caller asked for, when the client's rule sent the note to `recipient`
    addressed_to: str = ""
    #: the call (CallSession.id) the note was taken in, when known
    call_uuid: str = ""
    #: what the desk showed when the note was saved (kccdesk.calls.shown), for a later review
    shown: dict[str, object] | None = None
    instructions_version: str = ""
    #: how often the server took the whole message without answering (kccdesk.notes.delivery)
    unsure_attempts: int = 0
    #: the call type the note was taken as, with its title and the answers as asked then:
    #: (field id, label, answer)
    call_type: str = ""
    call_type_title: str = ""
    answers: tuple[tuple[str, str, str], ...] = ()
    #: acknowledged (kccdesk.ack): when, by whom (person id, agent or mail address), how
    #: (link | reply | desk)
    acked_at: datetime | None = None
    acked_by: str = ""
    ack_via: str = ""
    #: escalation rounds done; who the current round mails ("" the recipient); when the
    #: next round is due (None: no more)
    round: int = 0
    send_to: str = ""
    escalate_at: datetime | None = None

    @property
    def addressee(self) -> str:
        """The person the note's mail goes to now: the escalation's, else the recipient."""
        return self.send_to or self.recipient

    @property
    def unacknowledged(self) -> bool:
        """Urgent, escalated at least once and nobody said they saw it: on every desk."""
        return self.acked_at is None and self.round > 0 and self.status != "replaced"

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The labels of its call type's questions left open (optional ones: a required
        one could not be left open)."""
        return tuple(label for _, label, value in self.answers if not value)

    @property
    def needs_agent(self) -> bool:
        """Refused, or perhaps delivered: an agent takes it again or asks the recipient."""
        return self.status in NEEDS_AGENT

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "client": self.client,
            "recipient": self.recipient,
            "addressed_to": self.addressed_to or None,
            "caller_name": self.caller_name,
            "e164": self.caller_phone,
            "message": self.message,
            "urgency": self.urgency,
            "agent": self.agent,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "override": self.override,
            "call": self.call_uuid or None,
            "call_type": self.call_type or None,
            "call_type_title": self.call_type_title or None,
            "answers": [
                {"id": field, "label": label, "value": value}
                for field, label, value in self.answers
            ],
            "acked_at": self.acked_at.isoformat() if self.acked_at else None,
            "acked_by": self.acked_by or None,
            "ack_via": self.ack_via or None,
            "round": self.round,
            "send_to": self.send_to or None,
            "escalate_at": self.escalate_at.isoformat() if self.escalate_at else None,
        }


@dataclass(frozen=True)
class CallRecord:
    id: int
    client: str
    caller: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    transferred_to: str | None
    warnings_overridden: str
    stopped: str = ""  # transfers the guard stopped during the call (the attempt is recorded)
    agent: str = ""
    uuid: str = ""  # the call's own id (CallSession.id): notes taken in it name it
    #: where start and end come from: "softphone" (real answer and hang-up) or "desk" (timer)
    timing: str = "desk"
    #: what the desk showed when the agent acted (kccdesk.calls.shown), for a later review
    shown: dict[str, object] | None = None

    @property
    def handling_seconds(self) -> float | None:
        """Start to end, note-taking included; None for a call without an end."""
        if self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - self.started_at).total_seconds())

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "client": self.client,
            "caller": self.caller,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "timing": self.timing,
            "outcome": self.outcome,
            "transferred_to": self.transferred_to,
            "warnings_overridden": self.warnings_overridden,
            "stopped": self.stopped,
            "agent": self.agent,
        }


@dataclass(frozen=True)
class RosterEntry:
    """One editable roster line with its version, for optimistic locking."""

    kind: str  # shift | extra_shift | absence | closure | coverage
    id: int
    version: int
    item: WeeklyShift | ExtraShift | Absence | Closure | Coverage
    #: what the shift lead is told after saving it (accepted, but unusual)
    warnings: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    user: str
    action: str  # added | changed | removed
    before: dict[str, object] | None
    after: dict[str, object] | None
    source: str = ""  # "rooster" (the roster pane), "import <file name>", ...
    kind: str = ""  # shift | extra_shift | absence | closure | coverage
    entry_id: int = 0


@dataclass(frozen=True)
class ImportReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    #: accepted but unusual (a replacement who is away too): told to whoever imported
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FeedbackRecord:
    """One piece of client feedback about a mistake, and what the team does about it."""

    id: int
    client: str
    happened_at: datetime  # when the event the client speaks of took place
    category: str  # kccdesk.teamlead.feedback.CATEGORIES
    said: str  # what the client said, in their words
    status: str  # kccdesk.teamlead.feedback.STATUSES
    cause: str  # ons | client | onbekend
    action: str
    owner: str
    person: str  # the person of the client it was about (who was wrongly called, say)
    note_id: int | None
    call_id: int | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "client": self.client,
            "happened_at": self.happened_at.isoformat(),
            "category": self.category,
            "said": self.said,
            "status": self.status,
            "cause": self.cause,
            "action": self.action,
            "owner": self.owner,
            "person": self.person or None,
            "note": self.note_id,
            "call": self.call_id,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
        }
