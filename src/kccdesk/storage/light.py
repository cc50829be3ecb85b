"""The tables as plain SQLAlchemy Core clauses, for the reads (and the one write a command
line does, a callback note) that must not wait for SQLModel.

Defining the SQLModel classes of `tables.py` loads pydantic, the ORM and builds a model per
table: about two thirds of a command's start. What a command or the desk reads goes through
these clauses instead; the SQLModel classes stay the definition of the schema (migrations) and
the ORM path of the other writes. A test keeps both in step, column by column.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, TypeDecorator
from sqlalchemy.sql import column, table


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC on every engine, returned aware in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime cannot be stored unambiguously")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _text(*names: str):
    return [column(name, String) for name in names]


client = table(
    "client",
    *_text("id", "name", "kind"),
    column("lines", JSON),
    *_text("greeting", "instructions", "opening_hours", "country", "timezone"),
    *_text("public_holidays", "callback_default", "fallback_email"),
    column("opening", JSON),
    *_text("after_hours", "after_hours_route"),
)
client_line = table("client_line", *_text("line", "client_id"))
person = table(
    "person",
    *_text("client_id", "id"),
    column("position", Integer),
    *_text("name", "role", "department", "phone", "email"),
    column("keywords", JSON),
    column("transfer", Boolean),
    column("notes_to", String),
)
topic = table(
    "topic",
    *_text("client_id", "id"),
    column("position", Integer),
    *_text("title", "body"),
    column("keywords", JSON),
    column("valid_from", Date),
    column("valid_until", Date),
    column("pinned", Boolean),
    column("route_to", String),
)
shift = table(
    "shift",
    column("id", Integer),
    column("client_id", String),
    column("position", Integer),
    column("person", String),
    column("days", JSON),
    *_text("start", "end"),
    column("version", Integer),
    column("on_closures", Boolean),
)
extra_shift = table(
    "extra_shift",
    column("id", Integer),
    column("client_id", String),
    column("position", Integer),
    column("person", String),
    column("date", Date),
    *_text("start", "end"),
    column("version", Integer),
)
absence = table(
    "absence",
    column("id", Integer),
    column("client_id", String),
    column("position", Integer),
    column("person", String),
    column("start", Date),
    column("until", Date),
    *_text("reason", "replaced_by"),
    column("version", Integer),
    column("covers", Boolean),
    *_text("start_time", "until_time"),
)
closure = table(
    "closure",
    column("id", Integer),
    column("client_id", String),
    column("position", Integer),
    column("start", Date),
    column("until", Date),
    column("reason", String),
    column("version", Integer),
)
coverage = table(
    "coverage",
    column("id", Integer),
    column("client_id", String),
    column("position", Integer),
    column("days", JSON),
    *_text("start", "end", "department"),
    column("min", Integer),
    column("version", Integer),
    column("on_closures", Boolean),
)
callback_note = table(
    "callback_note",
    column("id", Integer),
    *_text("uuid", "client_id", "recipient", "addressed_to", "caller_name", "caller_phone"),
    *_text("message", "urgency", "agent"),
    column("created_at", UTCDateTime),
    column("status", String),
    column("attempts", Integer),
    column("unsure_attempts", Integer),
    *_text("last_error", "instructions_version", "override"),
    column("next_attempt_at", UTCDateTime),
    column("sent_at", UTCDateTime),
    column("call_uuid", String),
    column("shown", JSON),
)
call_log = table(
    "call_log",
    column("id", Integer),
    *_text("client_id", "caller"),
    column("started_at", UTCDateTime),
    column("ended_at", UTCDateTime),
    *_text("outcome", "transferred_to", "warnings_overridden", "stopped", "agent"),
    *_text("uuid", "timing"),
    column("shown", JSON),
)

feedback = table(
    "feedback",
    column("id", Integer),
    column("client_id", String),
    column("happened_at", UTCDateTime),
    *_text("category", "said", "status", "cause", "action", "owner", "person"),
    column("note_id", Integer),
    column("call_id", Integer),
    column("created_at", UTCDateTime),
    column("created_by", String),
    column("updated_at", UTCDateTime),
    column("updated_by", String),
)

#: the roster kinds' tables, by kind name (as ROSTER_TABLES in tables.py)
ROSTER = {
    "shift": shift,
    "extra_shift": extra_shift,
    "absence": absence,
    "closure": closure,
    "coverage": coverage,
}
#: a client and the tables of its parts, in the order Client's sections are read
CLIENT_PARTS = (person, topic, shift, extra_shift, absence, closure, coverage)
#: every clause here, for the test that keeps them in step with tables.py
ALL = (client, client_line, *CLIENT_PARTS, callback_note, call_log, feedback)
