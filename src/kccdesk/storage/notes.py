"""Callback notes: saved first (durably), read back newest first. Both with Core on the
tables of tables.py: `note add` and `note list` start without SQLModel."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from sqlalchemy import insert, literal, select

from kccdesk.core.errors import StorageError
from kccdesk.records import NoteRecord
from kccdesk.storage.ack import add_event
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import NOTE_COLUMNS, note_record, note_record_from_columns
from kccdesk.storage.engine import bump_counter
from kccdesk.storage.tables import callback_note

if TYPE_CHECKING:
    from kccdesk.notes.rules import CheckedNote


def _columns(shown: bool) -> list:
    """The whole row, or a NoteRecord's fields without `shown` (the JSON of what the desk
    showed, the costliest column; selected as None) as a plain tuple."""
    if shown:
        return [callback_note]
    return [
        literal(None).label(name) if name == "shown" else callback_note.c[name]
        for name in NOTE_COLUMNS
    ]


class NoteStore(StoreBase):
    def add_note(
        self,
        note: CheckedNote,
        *,
        at: datetime,
        override: str = "",
        call_uuid: str = "",
        shown: dict | None = None,
        escalate_at: datetime | None = None,
    ) -> NoteRecord:
        """Store a checked note, created `at` (the caller's clock), with a new UUID: the
        identity its mail carries, the same on every attempt. `shown`: what the desk showed
        (kccdesk.calls.shown), `call_uuid`: the call it was taken in; `escalate_at`: when
        an urgent note nobody acknowledged escalates first (kccdesk.ack.escalation). Its
        trail starts with "opgeslagen" in the same transaction."""
        values = dict(
            uuid=str(uuid4()),
            client_id=note.client,
            recipient=note.recipient,
            addressed_to=note.addressed_to,
            caller_name=note.caller_name,
            caller_phone=note.phone.e164 or "",
            message=note.message,
            urgency=note.urgency,
            agent=note.agent,
            created_at=at,
            instructions_version=note.instructions_version,
            override=override,
            call_uuid=call_uuid,
            shown=shown,
            call_type=note.call_type,
            call_type_title=note.call_type_title,
            answers=[{"id": f, "label": label, "value": v} for f, label, v in note.answers] or None,
            escalate_at=escalate_at,
        )  # the delivery state starts at the table's defaults (queued, no attempts)
        query = insert(callback_note).values(values).returning(*callback_note.c)

        def write() -> NoteRecord:
            with self.engine.begin() as c:
                row = c.execute(query).one()
                add_event(c, row.id, "saved", at, who=note.agent)
                bump_counter(c, "notes")
                return note_record(row)

        return self._run(write)

    def notes(
        self,
        client_id: str | None = None,
        since: datetime | None = None,
        caller_phone: str | None = None,
        limit: int | None = None,
        status: str | tuple[str, ...] | None = None,
        until: datetime | None = None,
        *,
        ids: Collection[int] | None = None,
        shown: bool = True,
    ) -> list[NoteRecord]:
        """Notes newest first, optionally of one client, in [since, until), from one number,
        in one delivery status, with one of `ids`; without `shown` when not needed."""

        def read() -> list[NoteRecord]:
            table = callback_note.c
            # Plain rows; without `shown` (see _columns) when the caller does not need it.
            query = select(*_columns(shown)).order_by(table.created_at.desc(), table.id.desc())
            if ids is not None:
                query = query.where(table.id.in_(list(ids)))
            if client_id:
                query = query.where(table.client_id == client_id)
            if since:
                query = query.where(table.created_at >= since)
            if until:
                query = query.where(table.created_at < until)
            if caller_phone:
                query = query.where(table.caller_phone == caller_phone)
            if isinstance(status, tuple):
                query = query.where(table.status.in_(status))
            elif status:
                query = query.where(table.status == status)
            if limit:
                query = query.limit(limit)
            convert = note_record if shown else note_record_from_columns
            with self._reading() as c:
                return [convert(r) for r in c.execute(query)]

        return self._run(read)

    def note(self, note_id: int) -> NoteRecord:
        """The note; StorageError when there is none with that id."""
        found = self.note_or_none(note_id)
        if found is None:
            raise StorageError(f"onbekende notitie {note_id}")
        return found

    def note_or_none(self, note_id: int) -> NoteRecord | None:
        """The note, or None when there is none with that id (purged, or never): a database
        that cannot be read raises StorageError, which is not the same."""
        return self._first_note(callback_note.c.id == note_id)

    def note_by_uuid(self, uuid: str) -> NoteRecord | None:
        """The note a mail's Message-ID names (kccdesk.notes.mail.message_id)."""
        return self._first_note(callback_note.c.uuid == uuid)

    def _first_note(self, condition) -> NoteRecord | None:
        def read() -> NoteRecord | None:
            with self._reading() as c:
                row = c.execute(select(callback_note).where(condition)).first()
                return note_record(row) if row is not None else None

        return self._run(read)
