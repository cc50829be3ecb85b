"""Database tables. Rows never leave the storage package: the repository turns them into the
plain records of kccdesk.clients.model and kccdesk.records.

Importing this module costs a command line most of its start (pydantic, the ORM): it is
imported where a write needs it; reads use the Core clauses of `light.py`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from kccdesk.storage.light import UTCDateTime


def _client_fk() -> Column:
    return Column(
        String, ForeignKey("client.id", ondelete="CASCADE"), primary_key=False, index=True
    )


class ClientRow(SQLModel, table=True):
    __tablename__ = "client"
    id: str = Field(primary_key=True)
    name: str
    kind: str = ""
    lines: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    greeting: str = ""
    instructions: str = ""
    opening_hours: str = ""
    country: str = "NL"
    timezone: str = "Europe/Amsterdam"
    public_holidays: str | None = None
    callback_default: str | None = None
    fallback_email: str = ""
    #: opening rows as [{"days": [...], "start": "08:30", "end": "17:00" or "24:00"}]
    opening: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    after_hours: str = ""
    after_hours_route: str | None = None


class ClientLineRow(SQLModel, table=True):
    """A dialed line (E.164, or its digits) and the one client it belongs to: the primary
    key makes "a line belongs to one client" hold under two imports at once."""

    __tablename__ = "client_line"
    line: str = Field(primary_key=True)
    client_id: str = Field(
        sa_column=Column(
            String, ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    client_id: str = Field(
        sa_column=Column(String, ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    )
    id: str = Field(primary_key=True)
    position: int = 0
    name: str
    role: str = ""
    department: str = ""
    phone: str = ""
    email: str = ""
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    transfer: bool = True  # false: never put callers through (client rule)
    notes_to: str | None = None  # notes for this person go to that person


class TopicRow(SQLModel, table=True):
    __tablename__ = "topic"
    client_id: str = Field(
        sa_column=Column(String, ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    )
    id: str = Field(primary_key=True)
    position: int = 0
    title: str
    body: str = ""
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: date | None = None
    valid_until: date | None = None
    pinned: bool = False
    route_to: str | None = None


class ShiftRow(SQLModel, table=True):
    __tablename__ = "shift"
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(sa_column=_client_fk())
    position: int = 0
    person: str
    days: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    start: str  # "HH:MM" wall clock in the client's zone
    end: str
    version: int = 1
    on_closures: bool = False  # keeps running on closure days and public holidays


class ExtraShiftRow(SQLModel, table=True):
    __tablename__ = "extra_shift"
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(sa_column=_client_fk())
    position: int = 0
    person: str
    date: date
    start: str
    end: str
    version: int = 1


class AbsenceRow(SQLModel, table=True):
    __tablename__ = "absence"
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(sa_column=_client_fk())
    position: int = 0
    person: str
    start: date
    until: date | None = None  # None: open-ended ("tot nader bericht")
    reason: str = ""
    replaced_by: str | None = None
    version: int = 1
    covers: bool = False  # the replacement takes over the absent person's shifts
    start_time: str | None = None  # "HH:MM": begins at that moment of `start`
    until_time: str | None = None  # "HH:MM": ends (exclusive) at that moment of `until`


class ClosureRow(SQLModel, table=True):
    __tablename__ = "closure"
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(sa_column=_client_fk())
    position: int = 0
    start: date
    until: date
    reason: str = ""
    version: int = 1


class CoverageRow(SQLModel, table=True):
    """Hours in which at least `min` people (of `department`) must be on duty."""

    __tablename__ = "coverage"
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(sa_column=_client_fk())
    position: int = 0
    days: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    start: str  # "HH:MM" wall clock in the client's zone
    end: str  # "HH:MM" or "24:00"
    department: str | None = None
    min: int = 1
    version: int = 1
    on_closures: bool = False  # also required on closure days and public holidays


class NoteRow(SQLModel, table=True):
    __tablename__ = "callback_note"
    __table_args__ = (
        Index("ix_note_created", "created_at"),
        Index("ix_note_uuid", "uuid", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    #: stable identity from creation on; the mail's Message-ID is built from it
    uuid: str = Field(sa_column=Column(String(36), nullable=False))
    client_id: str = Field(index=True)
    recipient: str
    #: the person the caller asked for when the note went to someone else for them
    #: (their `notes_to`); empty when the recipient is that person
    addressed_to: str = ""
    caller_name: str
    caller_phone: str  # E.164, or national form for a 14 0xx municipal number
    message: str
    urgency: str = "normaal"
    agent: str = ""
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str = "queued"  # queued | sending | sent | failed | unsure | replaced
    attempts: int = 0
    #: hand-overs the server never answered (kccdesk.notes.delivery): 2 → status "unsure"
    unsure_attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_error: str = ""
    instructions_version: str = ""
    override: str = ""  # why a rule was knowingly overridden (e.g. absent recipient kept)
    next_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    call_uuid: str = ""  # the call it was taken in (CallRow.uuid), when known
    #: what the desk showed when the note was saved (kccdesk.calls.shown)
    shown: dict | None = Field(default=None, sa_column=Column(JSON))


class CallRow(SQLModel, table=True):
    __tablename__ = "call_log"
    __table_args__ = (Index("ix_call_started", "started_at"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(index=True)
    caller: str = ""
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    outcome: str = "answered"  # answered | transferred | note
    transferred_to: str | None = None
    warnings_overridden: str = ""
    stopped: str = ""  # transfers the guard stopped during the call
    agent: str = ""
    uuid: str = Field(default="", index=True)  # CallSession.id: notes of the call name it
    timing: str = "desk"  # softphone (real answer/hang-up) | desk (the desk's call timer)
    #: what the desk showed when the agent acted (kccdesk.calls.shown)
    shown: dict | None = Field(default=None, sa_column=Column(JSON))


class FeedbackRow(SQLModel, table=True):
    """Client feedback about a mistake, and what the team does about it
    (kccdesk.teamlead.feedback)."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_client_happened", "client_id", "happened_at"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: str
    happened_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    category: str
    said: str
    status: str = "nieuw"
    cause: str = "onbekend"
    action: str = ""
    owner: str = ""
    person: str = ""
    note_id: int | None = None  # not a foreign key: notes are purged after retention
    call_id: int | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_by: str = ""
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_by: str = ""


class ChangeRow(SQLModel, table=True):
    """One counter per kind of shared data, raised in the same transaction as every write,
    so other desks can tell cheaply what changed (roster, clients, notes)."""

    __tablename__ = "change_counter"
    kind: str = Field(primary_key=True)
    revision: int = 0


class RosterAuditRow(SQLModel, table=True):
    """Every roster change: who, when, what before and after (JSON), for the entry's history."""

    __tablename__ = "roster_audit"
    __table_args__ = (Index("ix_roster_audit_entry", "client_id", "kind", "entry_id"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: str
    kind: str  # shift | extra_shift | absence | closure | coverage
    entry_id: int
    action: str  # added | changed | removed
    user: str
    source: str = ""  # "rooster" (the roster pane), "import <file name>", ...
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))


#: the roster kinds' tables, by kind name
ROSTER_TABLES = {
    "shift": ShiftRow,
    "extra_shift": ExtraShiftRow,
    "absence": AbsenceRow,
    "closure": ClosureRow,
    "coverage": CoverageRow,
}
