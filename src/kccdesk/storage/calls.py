"""The call log, and the retention purge of callers' personal data (notes and calls). The
call log is read with Core (tables.py); writes use the SQLModel rows, imported there."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select

from kccdesk.records import CallRecord
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import CALL_COLUMNS, call_record, call_record_from_columns
from kccdesk.storage.engine import bump_counter
from kccdesk.storage.tables import call_log, callback_note, note_event


class CallStore(StoreBase):
    def log_call(
        self,
        client_id: str,
        started_at: datetime,
        outcome: str,
        *,
        ended_at: datetime,
        caller: str = "",
        transferred_to: str | None = None,
        warnings_overridden: str = "",
        stopped: str = "",
        agent: str = "",
        uuid: str = "",
        timing: str = "desk",
        shown: dict | None = None,
    ) -> CallRecord:
        from kccdesk.storage.rows import CallRow

        def write() -> CallRecord:
            row = CallRow(
                client_id=client_id,
                caller=caller,
                started_at=started_at,
                ended_at=ended_at,
                outcome=outcome,
                transferred_to=transferred_to,
                warnings_overridden=warnings_overridden,
                stopped=stopped,
                agent=agent,
                uuid=uuid,
                timing=timing,
                shown=shown,
            )
            with self._session() as s:
                s.add(row)
                s.commit()
                return call_record(row)

        return self._run(write)

    def calls(
        self,
        client_id: str | None = None,
        limit: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        caller: str | None = None,
        *,
        ids: Collection[int] | None = None,
        callers: Collection[str] | None = None,
        shown: bool = True,
    ) -> list[CallRecord]:
        """Calls newest first, optionally of one client, started in [since, until), from one
        number (or one of `callers`), with one of `ids`; without `shown` (what the desk
        showed) when not needed."""

        def read() -> list[CallRecord]:
            # Plain rows: a busy client's week is hundreds of calls; without `shown` (what the
            # desk showed, the costliest column) plain tuples.
            table = call_log.c
            columns = [call_log] if shown else [table[name] for name in CALL_COLUMNS]
            query = select(*columns).order_by(table.started_at.desc(), table.id.desc())
            if ids is not None:
                query = query.where(table.id.in_(list(ids)))
            if callers is not None:
                query = query.where(table.caller.in_(list(callers)))
            if since is not None:
                query = query.where(table.started_at >= since)
            if until is not None:
                query = query.where(table.started_at < until)
            if caller:
                query = query.where(table.caller == caller)
            if client_id:
                query = query.where(table.client_id == client_id)
            if limit:
                query = query.limit(limit)
            convert = call_record if shown else call_record_from_columns
            with self._reading() as c:
                return [convert(r) for r in c.execute(query)]

        return self._run(read)

    def call(self, call_id: int) -> CallRecord | None:
        return self._one_call(call_log.c.id == call_id)

    def call_by_uuid(self, uuid: str) -> CallRecord | None:
        """The logged call with this CallSession id (the one a note was taken in)."""
        return self._one_call(call_log.c.uuid == uuid)

    def _one_call(self, where) -> CallRecord | None:
        def read() -> CallRecord | None:
            with self._reading() as c:
                row = c.execute(select(call_log).where(where).limit(1)).first()
                return call_record(row) if row is not None else None

        return self._run(read)

    def purge(self, older_than: datetime) -> dict[str, int]:
        """Delete callback notes and call logs (callers' personal data) from before a moment.

        Core tables (tables.py), not the ORM: a desk runs this at every start, and loading
        SQLModel for it cost the desk half a second of CPU beside the agent's first keys."""

        def write() -> dict[str, int]:
            with self.engine.begin() as c:
                # a note's trail goes with it (it names the caller's recipients and replies)
                c.execute(
                    delete(note_event).where(
                        note_event.c.note_id.in_(
                            select(callback_note.c.id).where(
                                callback_note.c.created_at < older_than
                            )
                        )
                    )
                )
                notes = c.execute(
                    delete(callback_note).where(callback_note.c.created_at < older_than)
                )
                calls = c.execute(delete(call_log).where(call_log.c.started_at < older_than))
                if notes.rowcount:
                    bump_counter(c, "notes")
                return {"notes": notes.rowcount or 0, "calls": calls.rowcount or 0}

        return self._run(write)
