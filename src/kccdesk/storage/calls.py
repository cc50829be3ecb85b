"""The call log, and the retention purge of callers' personal data (notes and calls). The
call log is read with Core (light.py); writes use the SQLModel tables, imported there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from kccdesk.records import CallRecord
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import call_record
from kccdesk.storage.engine import bump_counter
from kccdesk.storage.light import call_log


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
    ) -> CallRecord:
        from kccdesk.storage.tables import CallRow

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
    ) -> list[CallRecord]:
        def read() -> list[CallRecord]:
            table = call_log.c
            query = select(call_log).order_by(table.started_at.desc(), table.id.desc())
            if since is not None:
                query = query.where(table.started_at >= since)
            if client_id:
                query = query.where(table.client_id == client_id)
            if limit:
                query = query.limit(limit)
            with self._reading() as c:
                return [call_record(r) for r in c.execute(query)]

        return self._run(read)

    def purge(self, older_than: datetime) -> dict[str, int]:
        """Delete callback notes and call logs (callers' personal data) from before a moment."""
        from kccdesk.storage.tables import CallRow, NoteRow

        def write() -> dict[str, int]:
            with self._session() as s, s.begin():
                notes = s.exec(delete(NoteRow).where(NoteRow.created_at < older_than))
                calls = s.exec(delete(CallRow).where(CallRow.started_at < older_than))
                if notes.rowcount:
                    bump_counter(s.connection(), "notes")
                return {"notes": notes.rowcount or 0, "calls": calls.rowcount or 0}

        return self._run(write)
