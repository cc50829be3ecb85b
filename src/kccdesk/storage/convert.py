"""Rows to records and back. Rows never leave the storage package; these are the only
functions that know both shapes. A row is an ORM row of `rows.py` or a Core row of
`tables.py` (the same column names), so this module imports neither."""

from __future__ import annotations

import dataclasses
from dataclasses import fields
from functools import cache

from kccdesk.clients.model import (
    Absence,
    AgendaPolicy,
    Busy,
    Client,
    Closure,
    Coverage,
    EscalationStep,
    ExtraShift,
    FeedState,
    Opening,
    Person,
    Topic,
    WeeklyShift,
)
from kccdesk.core.when import clock_text, parse_clock, parse_end_clock
from kccdesk.duty.kinds import KINDS
from kccdesk.records import CallRecord, FeedbackRecord, NoteRecord, RosterEntry

#: the parts of a Client that are rows of their own tables (the feeds' too)
CLIENT_SECTIONS = ("people", "topics", *(kind.section for kind in KINDS), "busy", "feeds")


def note_record(row) -> NoteRecord:
    return NoteRecord(
        id=row.id or 0,
        uuid=row.uuid,
        client=row.client_id,
        recipient=row.recipient,
        addressed_to=row.addressed_to,
        caller_name=row.caller_name,
        caller_phone=row.caller_phone,
        message=row.message,
        urgency=row.urgency,
        agent=row.agent,
        created_at=row.created_at,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        override=row.override,
        sent_at=row.sent_at,
        next_attempt_at=row.next_attempt_at,
        call_uuid=row.call_uuid,
        shown=row.shown,
        instructions_version=row.instructions_version,
        unsure_attempts=row.unsure_attempts,
        call_type=row.call_type,
        call_type_title=row.call_type_title,
        answers=_answers(row.answers),
        acked_at=row.acked_at,
        acked_by=row.acked_by,
        ack_via=row.ack_via,
        round=row.round,
        send_to=row.send_to,
        escalate_at=row.escalate_at,
    )


def call_record(row) -> CallRecord:
    return CallRecord(
        id=row.id or 0,
        client=row.client_id,
        caller=row.caller,
        started_at=row.started_at,
        ended_at=row.ended_at,
        outcome=row.outcome,
        transferred_to=row.transferred_to,
        warnings_overridden=row.warnings_overridden,
        stopped=row.stopped,
        agent=row.agent,
        uuid=row.uuid,
        timing=row.timing,
        shown=row.shown,
    )


#: a CallRecord's fields in order, as columns, without `shown` (what the desk showed, JSON):
#: the cheap read of many calls, a plain tuple per row (the week's indicators)
CALL_COLUMNS = (
    "id",
    "client_id",
    "caller",
    "started_at",
    "ended_at",
    "outcome",
    "transferred_to",
    "warnings_overridden",
    "stopped",
    "agent",
    "uuid",
    "timing",
)


def call_record_from_columns(values: tuple) -> CallRecord:
    """A CallRecord (without `shown`) from a row of CALL_COLUMNS."""
    return CallRecord(*values)


#: a NoteRecord's fields in order, as columns; `shown` (None) is selected as a constant
NOTE_COLUMNS = (
    "id",
    "uuid",
    "client_id",
    "recipient",
    "caller_name",
    "caller_phone",
    "message",
    "urgency",
    "agent",
    "created_at",
    "status",
    "attempts",
    "last_error",
    "override",
    "sent_at",
    "next_attempt_at",
    "addressed_to",
    "call_uuid",
    "shown",
    "instructions_version",
    "unsure_attempts",
    "call_type",
    "call_type_title",
    "answers",
    "acked_at",
    "acked_by",
    "ack_via",
    "round",
    "send_to",
    "escalate_at",
)


def note_record_from_columns(values: tuple) -> NoteRecord:
    """A NoteRecord (without `shown`) from a row of NOTE_COLUMNS (in NoteRecord's order)."""
    *fields_, answers, acked_at, acked_by, ack_via, round_, send_to, escalate_at = values
    return dataclasses.replace(
        NoteRecord(*fields_),
        answers=_answers(answers),
        acked_at=acked_at,
        acked_by=acked_by,
        ack_via=ack_via,
        round=round_,
        send_to=send_to,
        escalate_at=escalate_at,
    )


def _answers(stored: list | None) -> tuple[tuple[str, str, str], ...]:
    return tuple((a["id"], a["label"], a["value"]) for a in (stored or ()))


def feedback_record(row) -> FeedbackRecord:
    return FeedbackRecord(
        id=row.id or 0,
        client=row.client_id,
        happened_at=row.happened_at,
        category=row.category,
        said=row.said,
        status=row.status,
        cause=row.cause,
        action=row.action,
        owner=row.owner,
        person=row.person,
        note_id=row.note_id,
        call_id=row.call_id,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def roster_item(kind: str, row):
    if kind == "shift":
        return WeeklyShift(
            row.person,
            tuple(row.days),
            parse_clock(row.start),
            parse_clock(row.end),
            row.id,
            version=row.version,
            on_closures=bool(row.on_closures),
        )
    if kind == "extra_shift":
        return ExtraShift(
            row.person,
            row.date,
            parse_clock(row.start),
            parse_clock(row.end),
            row.id,
            version=row.version,
        )
    if kind == "absence":
        return Absence(
            row.person,
            row.start,
            row.until,
            row.reason,
            row.replaced_by,
            row.id,
            version=row.version,
            covers=bool(row.covers),
            start_time=parse_clock(row.start_time) if row.start_time else None,
            until_time=parse_clock(row.until_time) if row.until_time else None,
            source=row.source or "",
        )
    if kind == "coverage":
        return Coverage(
            tuple(row.days),
            parse_clock(row.start),
            parse_end_clock(row.end),
            row.department,
            row.min,
            row.id,
            version=row.version,
            on_closures=bool(row.on_closures),
        )
    return Closure(row.start, row.until, row.reason, row.id, version=row.version)


def roster_entry(kind: str, row) -> RosterEntry:
    return RosterEntry(kind, row.id, row.version, roster_item(kind, row))


def roster_values(item, for_json: bool = False) -> dict:
    """Column values of a roster item; with for_json dates and times as text (audit)."""

    values: dict[str, object]
    if isinstance(item, WeeklyShift):
        values = {
            "person": item.person,
            "days": list(item.days),
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}",
            "on_closures": item.on_closures,
        }
    elif isinstance(item, Coverage):
        values = {
            "days": list(item.days),
            "start": f"{item.start:%H:%M}",
            "end": clock_text(item.end),
            "department": item.department,
            "min": item.min,
            "on_closures": item.on_closures,
        }
    elif isinstance(item, ExtraShift):
        values = {
            "person": item.person,
            "date": item.date,
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}",
        }
    elif isinstance(item, Absence):
        values = {
            "person": item.person,
            "start": item.start,
            "until": item.until,
            "reason": item.reason,
            "replaced_by": item.replaced_by,
            "covers": item.covers,
            "start_time": f"{item.start_time:%H:%M}" if item.start_time else None,
            "until_time": f"{item.until_time:%H:%M}" if item.until_time else None,
            "source": item.source,
        }
    else:
        values = {"start": item.start, "until": item.until, "reason": item.reason}
    if for_json:
        values = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
    return values


def columns(record) -> dict:
    """A record's fields as column values (tuples become JSON lists); rows and records
    share their field names for the client head, people and topics."""
    values = {
        name: list(value) if isinstance(value := getattr(record, name), tuple) else value
        for name in _column_names(type(record))
    }
    if isinstance(record, Client):
        from kccdesk.calltypes.table import call_type_table

        values["opening"] = [_opening_json(row) for row in record.opening]
        values["call_types"] = [call_type_table(t) for t in record.call_types]
        values["agenda"] = _policy_json(record.agenda)
        values["escalation"] = [dataclasses.asdict(step) for step in record.escalation]
    return values


def _policy_json(policy: AgendaPolicy) -> dict:
    """The client's agenda policy as stored: only what differs from the defaults."""
    defaults = AgendaPolicy()
    return {
        f.name: list(value) if isinstance(value := getattr(policy, f.name), tuple) else value
        for f in fields(policy)
        if getattr(policy, f.name) != getattr(defaults, f.name)
    }


def _policy_row(value: dict | None) -> AgendaPolicy:
    if not value:
        return AgendaPolicy()
    known = {f.name for f in fields(AgendaPolicy)}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items() if k in known}
    return AgendaPolicy(**values)


def _opening_json(row: Opening) -> dict:
    return {
        "days": list(row.days),
        "start": clock_text(row.start),
        "end": clock_text(row.end),
        "on_closures": row.on_closures,
    }


def _opening_row(value: dict) -> Opening:
    end = value["end"]
    return Opening(
        tuple(value["days"]),
        parse_clock(value["start"]),
        parse_end_clock(end),
        bool(value.get("on_closures", False)),
    )


@cache
def _column_names(cls) -> tuple[str, ...]:
    """The fields of a record class that are columns of its row (asked per row: cached)."""
    return tuple(f.name for f in fields(cls) if f.init and f.name not in CLIENT_SECTIONS)


def record(cls, row, **sections):
    """The record of a row: the same names, JSON lists back to tuples."""
    values = {
        name: tuple(value) if isinstance(value := getattr(row, name), list) else value
        for name in _column_names(cls)
    }
    if cls is Client:
        values["opening"] = tuple(_opening_row(v) for v in (getattr(row, "opening", None) or ()))
        stored_types = getattr(row, "call_types", None) or ()
        if stored_types:
            from kccdesk.calltypes.table import call_type_from_table

            values["call_types"] = tuple(call_type_from_table(v) for v in stored_types)
        else:
            values["call_types"] = ()
        values["agenda"] = _policy_row(getattr(row, "agenda", None))
        values["escalation"] = tuple(
            EscalationStep(**step) for step in getattr(row, "escalation", None) or ()
        )
    return cls(**values, **sections)


def client_from_rows(
    head, people, topics, shifts, extras, absences, closures, coverage=(), busy=(), feeds=()
) -> Client:
    return record(
        Client,
        head,
        people=tuple(record(Person, row) for row in people),
        topics=tuple(record(Topic, row) for row in topics),
        shifts=tuple(roster_item("shift", row) for row in shifts),
        extra_shifts=tuple(roster_item("extra_shift", row) for row in extras),
        absences=tuple(roster_item("absence", row) for row in absences),
        closures=tuple(roster_item("closure", row) for row in closures),
        coverage=tuple(roster_item("coverage", row) for row in coverage),
        busy=tuple(Busy(row.person, row.start, row.end, row.title) for row in busy),
        feeds=tuple(feed_state(row) for row in feeds),
    )


def feed_state(row) -> FeedState:
    return FeedState(
        person=row.person,
        url=row.url,
        ok_at=row.ok_at,
        checked_at=row.checked_at,
        error=row.error,
        etag=row.etag,
        last_modified=row.last_modified,
        basis=row.basis,
    )
