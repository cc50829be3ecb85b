"""The SQLModel classes of the ORM writes, mapped onto the tables of `tables.py` (the one
definition of the schema): each class names its columns with their Python types and takes
everything else — type, null, defaults, keys — from its table. Rows never leave the storage
package: the repository turns them into the records of kccdesk.clients.model and
kccdesk.records.

Importing this module costs a command most of its start (pydantic, the ORM, a model per
table): it is imported where a write needs it; reads use the tables directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel

from kccdesk.storage import tables


def mapped(column: Column) -> Any:
    """A field for this column of the table: required, or with the column's default."""
    default = column.default
    if default is not None and default.is_callable:
        factory = getattr(default.arg, "__wrapped__", default.arg)  # SQLAlchemy wraps it
        return Field(default_factory=factory, sa_column=column)
    if default is not None:
        return Field(default=default.arg, sa_column=column)
    if column.nullable or (
        column.primary_key
        and column.autoincrement is not False
        and (isinstance(column.type, Integer))
    ):
        return Field(default=None, sa_column=column)
    return Field(sa_column=column)


class ClientRow(SQLModel, table=True):
    __table__ = tables.client
    id: str = mapped(__table__.c.id)
    name: str = mapped(__table__.c.name)
    kind: str = mapped(__table__.c.kind)
    lines: list[str] = mapped(__table__.c.lines)
    greeting: str = mapped(__table__.c.greeting)
    instructions: str = mapped(__table__.c.instructions)
    opening_hours: str = mapped(__table__.c.opening_hours)
    country: str = mapped(__table__.c.country)
    timezone: str = mapped(__table__.c.timezone)
    public_holidays: str | None = mapped(__table__.c.public_holidays)
    callback_default: str | None = mapped(__table__.c.callback_default)
    fallback_email: str = mapped(__table__.c.fallback_email)
    opening: list[dict] = mapped(__table__.c.opening)
    after_hours: str = mapped(__table__.c.after_hours)
    after_hours_route: str | None = mapped(__table__.c.after_hours_route)
    call_types: list[dict] = mapped(__table__.c.call_types)
    agenda: dict = mapped(__table__.c.agenda)
    escalation: list[dict] = mapped(__table__.c.escalation)


class ClientLineRow(SQLModel, table=True):
    """A dialed line (E.164, or its digits) and the one client it belongs to: the primary
    key makes "a line belongs to one client" hold under two imports at once."""

    __table__ = tables.client_line
    line: str = mapped(__table__.c.line)
    client_id: str = mapped(__table__.c.client_id)


class PersonRow(SQLModel, table=True):
    __table__ = tables.person
    client_id: str = mapped(__table__.c.client_id)
    id: str = mapped(__table__.c.id)
    position: int = mapped(__table__.c.position)
    name: str = mapped(__table__.c.name)
    role: str = mapped(__table__.c.role)
    department: str = mapped(__table__.c.department)
    phone: str = mapped(__table__.c.phone)
    email: str = mapped(__table__.c.email)
    keywords: list[str] = mapped(__table__.c.keywords)
    transfer: bool = mapped(__table__.c.transfer)
    notes_to: str | None = mapped(__table__.c.notes_to)
    agenda: str = mapped(__table__.c.agenda)
    replaced_by: str | None = mapped(__table__.c.replaced_by)


class TopicRow(SQLModel, table=True):
    __table__ = tables.topic
    client_id: str = mapped(__table__.c.client_id)
    id: str = mapped(__table__.c.id)
    position: int = mapped(__table__.c.position)
    title: str = mapped(__table__.c.title)
    body: str = mapped(__table__.c.body)
    keywords: list[str] = mapped(__table__.c.keywords)
    valid_from: dt.date | None = mapped(__table__.c.valid_from)
    valid_until: dt.date | None = mapped(__table__.c.valid_until)
    pinned: bool = mapped(__table__.c.pinned)
    route_to: str | None = mapped(__table__.c.route_to)


class ShiftRow(SQLModel, table=True):
    __table__ = tables.shift
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    position: int = mapped(__table__.c.position)
    person: str = mapped(__table__.c.person)
    days: list[str] = mapped(__table__.c.days)
    start: str = mapped(__table__.c.start)
    end: str = mapped(__table__.c.end)
    version: int = mapped(__table__.c.version)
    on_closures: bool = mapped(__table__.c.on_closures)


class ExtraShiftRow(SQLModel, table=True):
    __table__ = tables.extra_shift
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    position: int = mapped(__table__.c.position)
    person: str = mapped(__table__.c.person)
    date: dt.date = mapped(__table__.c.date)
    start: str = mapped(__table__.c.start)
    end: str = mapped(__table__.c.end)
    version: int = mapped(__table__.c.version)


class AbsenceRow(SQLModel, table=True):
    __table__ = tables.absence
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    position: int = mapped(__table__.c.position)
    person: str = mapped(__table__.c.person)
    start: dt.date = mapped(__table__.c.start)
    until: dt.date | None = mapped(__table__.c.until)
    reason: str = mapped(__table__.c.reason)
    replaced_by: str | None = mapped(__table__.c.replaced_by)
    version: int = mapped(__table__.c.version)
    covers: bool = mapped(__table__.c.covers)
    start_time: str | None = mapped(__table__.c.start_time)
    until_time: str | None = mapped(__table__.c.until_time)
    source: str = mapped(__table__.c.source)


class ClosureRow(SQLModel, table=True):
    __table__ = tables.closure
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    position: int = mapped(__table__.c.position)
    start: dt.date = mapped(__table__.c.start)
    until: dt.date = mapped(__table__.c.until)
    reason: str = mapped(__table__.c.reason)
    version: int = mapped(__table__.c.version)


class CoverageRow(SQLModel, table=True):
    """Hours in which at least `min` people (of `department`) must be on duty."""

    __table__ = tables.coverage
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    position: int = mapped(__table__.c.position)
    days: list[str] = mapped(__table__.c.days)
    start: str = mapped(__table__.c.start)
    end: str = mapped(__table__.c.end)
    department: str | None = mapped(__table__.c.department)
    min: int = mapped(__table__.c.min)
    version: int = mapped(__table__.c.version)
    on_closures: bool = mapped(__table__.c.on_closures)


class NoteRow(SQLModel, table=True):
    __table__ = tables.callback_note
    id: int | None = mapped(__table__.c.id)
    uuid: str = mapped(__table__.c.uuid)
    client_id: str = mapped(__table__.c.client_id)
    recipient: str = mapped(__table__.c.recipient)
    addressed_to: str = mapped(__table__.c.addressed_to)
    caller_name: str = mapped(__table__.c.caller_name)
    caller_phone: str = mapped(__table__.c.caller_phone)
    message: str = mapped(__table__.c.message)
    urgency: str = mapped(__table__.c.urgency)
    agent: str = mapped(__table__.c.agent)
    created_at: dt.datetime = mapped(__table__.c.created_at)
    status: str = mapped(__table__.c.status)
    attempts: int = mapped(__table__.c.attempts)
    unsure_attempts: int = mapped(__table__.c.unsure_attempts)
    last_error: str = mapped(__table__.c.last_error)
    instructions_version: str = mapped(__table__.c.instructions_version)
    override: str = mapped(__table__.c.override)
    next_attempt_at: dt.datetime | None = mapped(__table__.c.next_attempt_at)
    sent_at: dt.datetime | None = mapped(__table__.c.sent_at)
    call_uuid: str = mapped(__table__.c.call_uuid)
    shown: dict | None = mapped(__table__.c.shown)
    call_type: str = mapped(__table__.c.call_type)
    call_type_title: str = mapped(__table__.c.call_type_title)
    answers: list | None = mapped(__table__.c.answers)
    acked_at: dt.datetime | None = mapped(__table__.c.acked_at)
    acked_by: str = mapped(__table__.c.acked_by)
    ack_via: str = mapped(__table__.c.ack_via)
    round: int = mapped(__table__.c.round)
    send_to: str = mapped(__table__.c.send_to)
    escalate_at: dt.datetime | None = mapped(__table__.c.escalate_at)


class CallRow(SQLModel, table=True):
    __table__ = tables.call_log
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    caller: str = mapped(__table__.c.caller)
    started_at: dt.datetime = mapped(__table__.c.started_at)
    ended_at: dt.datetime | None = mapped(__table__.c.ended_at)
    outcome: str = mapped(__table__.c.outcome)
    transferred_to: str | None = mapped(__table__.c.transferred_to)
    warnings_overridden: str = mapped(__table__.c.warnings_overridden)
    stopped: str = mapped(__table__.c.stopped)
    agent: str = mapped(__table__.c.agent)
    uuid: str = mapped(__table__.c.uuid)
    timing: str = mapped(__table__.c.timing)
    shown: dict | None = mapped(__table__.c.shown)


class FeedbackRow(SQLModel, table=True):
    """Client feedback about a mistake, and what the team does about it
    (kccdesk.teamlead.feedback)."""

    __table__ = tables.feedback
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    happened_at: dt.datetime = mapped(__table__.c.happened_at)
    category: str = mapped(__table__.c.category)
    said: str = mapped(__table__.c.said)
    status: str = mapped(__table__.c.status)
    cause: str = mapped(__table__.c.cause)
    action: str = mapped(__table__.c.action)
    owner: str = mapped(__table__.c.owner)
    person: str = mapped(__table__.c.person)
    note_id: int | None = mapped(__table__.c.note_id)
    call_id: int | None = mapped(__table__.c.call_id)
    created_at: dt.datetime = mapped(__table__.c.created_at)
    created_by: str = mapped(__table__.c.created_by)
    updated_at: dt.datetime = mapped(__table__.c.updated_at)
    updated_by: str = mapped(__table__.c.updated_by)


class ChangeRow(SQLModel, table=True):
    """One counter per kind of shared data, raised in the same transaction as every write,
    so other desks can tell cheaply what changed (roster, clients, notes)."""

    __table__ = tables.change_counter
    kind: str = mapped(__table__.c.kind)
    revision: int = mapped(__table__.c.revision)


class RosterAuditRow(SQLModel, table=True):
    """Every roster change: who, when, what before and after (JSON), for the entry's history."""

    __table__ = tables.roster_audit
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    kind: str = mapped(__table__.c.kind)
    entry_id: int = mapped(__table__.c.entry_id)
    action: str = mapped(__table__.c.action)
    user: str = mapped(__table__.c.user)
    source: str = mapped(__table__.c.source)
    at: dt.datetime = mapped(__table__.c.at)
    before: dict | None = mapped(__table__.c.before)
    after: dict | None = mapped(__table__.c.after)


class AgendaFeedRow(SQLModel, table=True):
    """How a person's calendar feed last went (kccdesk.storage.agenda writes it in Core)."""

    __table__ = tables.agenda_feed
    client_id: str = mapped(__table__.c.client_id)
    person: str = mapped(__table__.c.person)
    url: str = mapped(__table__.c.url)
    etag: str = mapped(__table__.c.etag)
    last_modified: str = mapped(__table__.c.last_modified)
    checked_at: dt.datetime | None = mapped(__table__.c.checked_at)
    ok_at: dt.datetime | None = mapped(__table__.c.ok_at)
    error: str = mapped(__table__.c.error)
    body: bytes | None = mapped(__table__.c.body)
    basis: str = mapped(__table__.c.basis)


class AgendaBusyRow(SQLModel, table=True):
    """An appointment a calendar feed gave: the person is busy from start to end."""

    __table__ = tables.agenda_busy
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    person: str = mapped(__table__.c.person)
    start: dt.datetime = mapped(__table__.c.start)
    end: dt.datetime = mapped(__table__.c.end)
    title: str = mapped(__table__.c.title)


class DeskPresenceRow(SQLModel, table=True):
    """A running desk saying it is there (kccdesk.storage.board writes it in Core)."""

    __table__ = tables.desk_presence
    desk: str = mapped(__table__.c.desk)
    agent: str = mapped(__table__.c.agent)
    user: str = mapped(__table__.c.user)
    host: str = mapped(__table__.c.host)
    client_id: str = mapped(__table__.c.client_id)
    call_started: dt.datetime | None = mapped(__table__.c.call_started)
    drafts: int = mapped(__table__.c.drafts)
    oldest_draft: dt.datetime | None = mapped(__table__.c.oldest_draft)
    seen_at: dt.datetime = mapped(__table__.c.seen_at)


class ReminderRow(SQLModel, table=True):
    """A note or task set aside until a time (hold until)."""

    __table__ = tables.reminder
    id: int | None = mapped(__table__.c.id)
    client_id: str = mapped(__table__.c.client_id)
    agent: str = mapped(__table__.c.agent)
    user: str = mapped(__table__.c.user)
    text: str = mapped(__table__.c.text)
    due_at: dt.datetime = mapped(__table__.c.due_at)
    created_at: dt.datetime = mapped(__table__.c.created_at)
    done_at: dt.datetime | None = mapped(__table__.c.done_at)
    done_by: str = mapped(__table__.c.done_by)
    note_uuid: str = mapped(__table__.c.note_uuid)


class NoteEventRow(SQLModel, table=True):
    """One step of a note's trail (kccdesk.ack.trail; storage/ack.py writes it in Core)."""

    __table__ = tables.note_event
    id: int | None = mapped(__table__.c.id)
    note_id: int = mapped(__table__.c.note_id)
    at: dt.datetime = mapped(__table__.c.at)
    kind: str = mapped(__table__.c.kind)
    who: str = mapped(__table__.c.who)
    via: str = mapped(__table__.c.via)
    detail: str = mapped(__table__.c.detail)
    round: int = mapped(__table__.c.round)


#: the roster kinds' tables, by kind name
ROSTER_TABLES = {
    "shift": ShiftRow,
    "extra_shift": ExtraShiftRow,
    "absence": AbsenceRow,
    "closure": ClosureRow,
    "coverage": CoverageRow,
}
