"""The tables: the one definition of the schema, in SQLAlchemy Core.

Columns, types, nulls, defaults (Python-side for inserts, server-side where a migration
added a column to rows already there), keys and indexes are written here once. The reads of
the desk and the command line use these tables directly (SQLModel's import and model
building cost a command most of its start); the writes that go through the ORM use the
SQLModel classes of `rows.py`, which are mapped onto these tables and define no column of
their own. The migrations are the history that leads to this schema; a new database is
created from here and stamped (kccdesk.storage.schema), and a test checks that both give
the same schema.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    TypeDecorator,
    false,
    true,
)


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


metadata = MetaData()


def _to_client() -> ForeignKey:
    """A client's part goes with its client."""
    return ForeignKey("client.id", ondelete="CASCADE")


def _roster_table(name: str, *columns: Column) -> Table:
    """A roster kind's table: an entry belongs to a client, keeps its place in the file
    (`position`) and has an id that is never given out twice (an export names it)."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("client_id", String, _to_client(), nullable=True, index=True),
        Column("position", Integer, nullable=False, default=0),
        *columns,
        sqlite_autoincrement=True,
    )


client = Table(
    "client",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False, default=""),
    Column("lines", JSON, nullable=False, default=list),
    Column("greeting", String, nullable=False, default=""),
    Column("instructions", String, nullable=False, default=""),
    Column("opening_hours", String, nullable=False, default=""),
    Column("country", String, nullable=False, default="NL"),
    Column("timezone", String, nullable=False, default="Europe/Amsterdam"),
    Column("public_holidays", String, nullable=True),
    Column("callback_default", String, nullable=True),
    Column("fallback_email", String, nullable=False, default=""),
    # opening rows: [{"days": [...], "start": "08:30", "end": "17:00" or "24:00"}]
    Column("opening", JSON, nullable=False, default=list, server_default="[]"),
    Column("after_hours", String, nullable=False, default="", server_default=""),
    Column("after_hours_route", String, nullable=True),
    # call types in the client file's shape (kccdesk.calltypes.table)
    Column("call_types", JSON, nullable=False, default=list, server_default="[]"),
    # what calendar events mean ({} the defaults; kccdesk.clients.model.AgendaPolicy)
    Column("agenda", JSON, nullable=False, default=dict, server_default="{}"),
    # the escalation of urgent notes: [{"after_minutes", "to", "rounds"}] ([] the default)
    Column("escalation", JSON, nullable=False, default=list, server_default="[]"),
)

client_line = Table(
    "client_line",
    metadata,
    Column("line", String, primary_key=True),
    Column("client_id", String, _to_client(), nullable=False, index=True),
)

person = Table(
    "person",
    metadata,
    Column("client_id", String, _to_client(), primary_key=True),
    Column("id", String, primary_key=True),
    Column("position", Integer, nullable=False, default=0),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False, default=""),
    Column("department", String, nullable=False, default=""),
    Column("phone", String, nullable=False, default=""),
    Column("email", String, nullable=False, default=""),
    Column("keywords", JSON, nullable=False, default=list),
    Column("transfer", Boolean, nullable=False, default=True, server_default=true()),
    Column("notes_to", String, nullable=True),
    Column("agenda", String, nullable=False, default="", server_default=""),
    Column("replaced_by", String, nullable=True),
)

topic = Table(
    "topic",
    metadata,
    Column("client_id", String, _to_client(), primary_key=True),
    Column("id", String, primary_key=True),
    Column("position", Integer, nullable=False, default=0),
    Column("title", String, nullable=False),
    Column("body", String, nullable=False, default=""),
    Column("keywords", JSON, nullable=False, default=list),
    Column("valid_from", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("route_to", String, nullable=True),
)

shift = _roster_table(
    "shift",
    Column("person", String, nullable=False),
    Column("days", JSON, nullable=False, default=list),
    Column("start", String, nullable=False),
    Column("end", String, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("on_closures", Boolean, nullable=False, default=False, server_default=false()),
)

extra_shift = _roster_table(
    "extra_shift",
    Column("person", String, nullable=False),
    Column("date", Date, nullable=False),
    Column("start", String, nullable=False),
    Column("end", String, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

absence = _roster_table(
    "absence",
    Column("person", String, nullable=False),
    Column("start", Date, nullable=False),
    Column("until", Date, nullable=True),
    Column("reason", String, nullable=False, default=""),
    Column("replaced_by", String, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Column("covers", Boolean, nullable=False, default=False, server_default=false()),
    Column("start_time", String, nullable=True),
    Column("until_time", String, nullable=True),
    # "" a shift lead's or a file's entry, "agenda" one a calendar feed gave (kccdesk.agenda)
    Column("source", String, nullable=False, default="", server_default=""),
)

closure = _roster_table(
    "closure",
    Column("start", Date, nullable=False),
    Column("until", Date, nullable=False),
    Column("reason", String, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
)

coverage = _roster_table(
    "coverage",
    Column("days", JSON, nullable=False, default=list),
    Column("start", String, nullable=False),
    Column("end", String, nullable=False),
    Column("department", String, nullable=True),
    Column("min", Integer, nullable=False, default=1),
    Column("version", Integer, nullable=False, default=1),
    Column("on_closures", Boolean, nullable=False, default=False),
)

callback_note = Table(
    "callback_note",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False),
    Column("client_id", String, nullable=False, index=True),
    Column("recipient", String, nullable=False),
    # the person the caller asked for when the note went to someone else for them
    Column("addressed_to", String, nullable=False, default="", server_default=""),
    Column("caller_name", String, nullable=False),
    # E.164, or national form for a 14 0xx municipal number
    Column("caller_phone", String, nullable=False),
    Column("message", String, nullable=False),
    Column("urgency", String, nullable=False, default="normaal"),
    Column("agent", String, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    # queued | sending | sent | failed | unsure | replaced
    Column("status", String, nullable=False, default="queued"),
    Column("attempts", Integer, nullable=False, default=0),
    # hand-overs the server never answered (kccdesk.notes.delivery): 2 → status "unsure"
    Column("unsure_attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("last_error", String, nullable=False, default=""),
    Column("instructions_version", String, nullable=False, default=""),
    Column("override", String, nullable=False, default=""),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("call_uuid", String, nullable=False, default="", server_default=""),
    Column("shown", JSON, nullable=True),
    # the call type the note was taken as ("" none), and its answers as they were asked:
    # [{"id", "label", "value"}] (the labels of that moment: a later file changes nothing)
    Column("call_type", String, nullable=False, default="", server_default=""),
    Column("call_type_title", String, nullable=False, default="", server_default=""),
    Column("answers", JSON, nullable=True),
    # acknowledgement (kccdesk.ack): when, by whom (person id, agent or address), how
    Column("acked_at", UTCDateTime, nullable=True),
    Column("acked_by", String, nullable=False, default="", server_default=""),
    Column("ack_via", String, nullable=False, default="", server_default=""),
    # escalation rounds done, who the current round mails ("" the recipient), and when the
    # next round is due (NULL: none)
    Column("round", Integer, nullable=False, default=0, server_default="0"),
    Column("send_to", String, nullable=False, default="", server_default=""),
    Column("escalate_at", UTCDateTime, nullable=True),
    Index("ix_note_uuid", "uuid", unique=True),
    Index("ix_note_escalate", "escalate_at"),
    Index("ix_note_created", "created_at"),
    sqlite_autoincrement=True,  # an id is never given out twice (others name it)
)

call_log = Table(
    "call_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String, nullable=False, index=True),
    Column("caller", String, nullable=False, default=""),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("outcome", String, nullable=False, default="answered"),
    Column("transferred_to", String, nullable=True),
    Column("warnings_overridden", String, nullable=False, default=""),
    Column("stopped", String, nullable=False, default="", server_default=""),
    Column("agent", String, nullable=False, default=""),
    Column("uuid", String, nullable=False, index=True, default="", server_default=""),
    # softphone (real answer and hang-up) | desk (the desk's call timer)
    Column("timing", String, nullable=False, default="desk", server_default="desk"),
    Column("shown", JSON, nullable=True),
    Index("ix_call_started", "started_at"),
    sqlite_autoincrement=True,  # an id is never given out twice (others name it)
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String, nullable=False),
    Column("happened_at", UTCDateTime, nullable=False),
    Column("category", String, nullable=False),
    Column("said", String, nullable=False),
    Column("status", String, nullable=False, default="nieuw"),
    Column("cause", String, nullable=False, default="onbekend"),
    Column("action", String, nullable=False, default=""),
    Column("owner", String, nullable=False, default=""),
    Column("person", String, nullable=False, default=""),
    # not foreign keys: notes and calls are purged after retention
    Column("note_id", Integer, nullable=True),
    Column("call_id", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String, nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String, nullable=False, default=""),
    Index("ix_feedback_client_happened", "client_id", "happened_at"),
    sqlite_autoincrement=True,  # an id is never given out twice (others name it)
)

agenda_feed = Table(
    "agenda_feed",
    metadata,
    Column("client_id", String, _to_client(), primary_key=True),
    Column("person", String, primary_key=True),
    Column("url", String, nullable=False),
    Column("etag", String, nullable=False, default=""),
    Column("last_modified", String, nullable=False, default=""),
    # the last try (also the claim of the desk that syncs it now: one reads a feed at a time)
    Column("checked_at", UTCDateTime, nullable=True),
    # the last read that gave the feed whole or confirmed it unchanged
    Column("ok_at", UTCDateTime, nullable=True),
    Column("error", String, nullable=False, default=""),
    # the feed as last read whole, and what its entries were made from besides it
    # (kccdesk.agenda.sync.basis): an unchanged feed is planned again when that changes
    Column("body", LargeBinary, nullable=True),
    Column("basis", String, nullable=False, default="", server_default=""),
)

agenda_busy = Table(
    "agenda_busy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String, _to_client(), nullable=False, index=True),
    Column("person", String, nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("title", String, nullable=False, default=""),
)

desk_presence = Table(
    "desk_presence",
    metadata,
    # one row per running desk (a process), refreshed every few seconds; the board lists the
    # rows seen lately
    Column("desk", String, primary_key=True),
    Column("agent", String, nullable=False, default=""),
    Column("user", String, nullable=False, default=""),
    Column("host", String, nullable=False, default=""),
    Column("client_id", String, nullable=False, default=""),
    Column("call_started", UTCDateTime, nullable=True),
    Column("drafts", Integer, nullable=False, default=0),
    Column("oldest_draft", UTCDateTime, nullable=True),
    Column("seen_at", UTCDateTime, nullable=False),
)

reminder = Table(
    "reminder",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String, nullable=False),
    Column("agent", String, nullable=False, default=""),
    Column("user", String, nullable=False, default=""),
    Column("text", String, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime, nullable=True),
    Column("done_by", String, nullable=False, default=""),
    Column("note_uuid", String, nullable=False, default=""),
    Index("ix_reminder_due", "done_at", "due_at"),
    sqlite_autoincrement=True,  # an id is never given out twice (others name it)
)

note_event = Table(
    "note_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("note_id", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    # saved | sent | opened | acked | escalated | failed | unsure (kccdesk.ack.trail)
    Column("kind", String, nullable=False),
    Column("who", String, nullable=False, default=""),
    Column("via", String, nullable=False, default=""),
    Column("detail", String, nullable=False, default=""),
    Column("round", Integer, nullable=False, default=0),
    Index("ix_note_event_note", "note_id", "at"),
    sqlite_autoincrement=True,
)

change_counter = Table(
    "change_counter",
    metadata,
    Column("kind", String, primary_key=True),
    Column("revision", Integer, nullable=False, default=0),
)

roster_audit = Table(
    "roster_audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("entry_id", Integer, nullable=False),
    Column("action", String, nullable=False),
    Column("user", String, nullable=False),
    Column("source", String, nullable=False, default="", server_default=""),
    Column("at", UTCDateTime, nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Index("ix_roster_audit_entry", "client_id", "kind", "entry_id"),
    sqlite_autoincrement=True,  # an id is never given out twice (others name it)
)

#: the roster kinds' tables, by kind name (kccdesk.duty.kinds names them)
ROSTER = {
    "shift": shift,
    "extra_shift": extra_shift,
    "absence": absence,
    "closure": closure,
    "coverage": coverage,
}
#: a client and the tables of its parts, in the order Client's sections are read
CLIENT_PARTS = (person, topic, shift, extra_shift, absence, closure, coverage)
#: columns the PostgreSQL migrations add for the database's own rules (0013: the transaction of
#: an audit row, set by a trigger and read by one); kccdesk itself never reads or writes them
POSTGRESQL_ONLY = {("roster_audit", "tx")}
#: every table, in the order they are created
ALL = tuple(metadata.sorted_tables)
