"""The plain records the store hands out: no database import, so the mail sender, the
interface and the command line can use them without loading SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kccdesk.model import Absence, Closure, Coverage, ExtraShift, WeeklyShift


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


@dataclass(frozen=True)
class RosterEntry:
    """One editable roster line with its version, for optimistic locking."""

    kind: str  # shift | extra_shift | absence | closure | coverage
    id: int
    version: int
    item: WeeklyShift | ExtraShift | Absence | Closure | Coverage


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    user: str
    action: str  # added | changed | removed
    before: dict[str, object] | None
    after: dict[str, object] | None
    source: str = ""  # "rooster" (the roster pane), "import <file name>", ...


@dataclass(frozen=True)
class ImportReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
