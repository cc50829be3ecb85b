"""Callback notes: saved first (durably), read back newest first."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import uuid4

from sqlalchemy import literal, select
from sqlmodel import col

from kccdesk.errors import StorageError
from kccdesk.notes import CheckedNote
from kccdesk.records import NoteRecord
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import NOTE_COLUMNS, note_record, note_record_from_columns
from kccdesk.storage.engine import bump_counter
from kccdesk.storage.tables import NoteRow


def _columns(shown: bool) -> list:
    """The whole row, or a NoteRecord's fields without `shown` (the JSON of what the desk
    showed, the costliest column; selected as None) as a plain tuple."""
    table = NoteRow.__table__
    if shown:
        return [table]
    return [
        literal(None).label(name) if name == "shown" else table.c[name] for name in NOTE_COLUMNS
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
    ) -> NoteRecord:
        """Store a checked note, created `at` (the caller's clock), with a new UUID: the
        identity its mail carries, the same on every attempt. `shown`: what the desk showed
        (kccdesk.shown), `call_uuid`: the call it was taken in."""
        row = NoteRow(
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
        )

        def write() -> NoteRecord:
            with self._session() as s:
                fresh = NoteRow.model_validate(row.model_dump())
                s.add(fresh)
                bump_counter(s.connection(), "notes")
                s.commit()
                return note_record(fresh)

        return self._run(write)

    def notes(
        self,
        client_id: str | None = None,
        since: datetime | None = None,
        caller_phone: str | None = None,
        limit: int | None = None,
        status: str | None = None,
        until: datetime | None = None,
        *,
        ids: Collection[int] | None = None,
        shown: bool = True,
    ) -> list[NoteRecord]:
        """Notes newest first, optionally of one client, in [since, until), from one number,
        in one delivery status, with one of `ids`; without `shown` when not needed."""

        def read() -> list[NoteRecord]:
            # Plain rows, not ORM objects (cheaper per row; see CallStore.calls).
            query = select(*_columns(shown)).order_by(
                col(NoteRow.created_at).desc(), col(NoteRow.id).desc()
            )
            if ids is not None:
                query = query.where(col(NoteRow.id).in_(list(ids)))
            if client_id:
                query = query.where(NoteRow.client_id == client_id)
            if since:
                query = query.where(NoteRow.created_at >= since)
            if until:
                query = query.where(NoteRow.created_at < until)
            if caller_phone:
                query = query.where(NoteRow.caller_phone == caller_phone)
            if status:
                query = query.where(NoteRow.status == status)
            if limit:
                query = query.limit(limit)
            convert = note_record if shown else note_record_from_columns
            with self._session() as s:
                return [convert(r) for r in s.execute(query)]

        return self._run(read)

    def note(self, note_id: int) -> NoteRecord:
        def read() -> NoteRecord:
            with self._session() as s:
                row = s.get(NoteRow, note_id)
                if row is None:
                    raise StorageError(f"onbekende notitie {note_id}")
                return note_record(row)

        return self._run(read)
