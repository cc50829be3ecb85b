"""The feedback log: client feedback items, written by shift and team leads, read by the
review and the client report. Read with Core (light.py); written through the SQLModel table,
imported where it is written."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from kccdesk.errors import StorageError
from kccdesk.records import FeedbackRecord
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import feedback_record
from kccdesk.storage.light import feedback as feedback_table

if TYPE_CHECKING:
    from kccdesk.feedback import FeedbackChange, FeedbackInput


class FeedbackStore(StoreBase):
    def add_feedback(self, item: FeedbackInput, *, user: str, at: datetime) -> FeedbackRecord:
        from kccdesk.storage.tables import FeedbackRow

        def write() -> FeedbackRecord:
            row = FeedbackRow(
                client_id=item.client,
                happened_at=item.happened_at,
                category=item.category,
                said=item.said,
                status=item.status,
                cause=item.cause,
                action=item.action,
                owner=item.owner,
                person=item.person,
                note_id=item.note_id,
                call_id=item.call_id,
                created_at=at,
                created_by=user,
                updated_at=at,
                updated_by=user,
            )
            with self._session() as s:
                s.add(row)
                s.commit()
                return feedback_record(row)

        return self._run(write)

    def feedback_item(self, feedback_id: int) -> FeedbackRecord:
        def read() -> FeedbackRecord:
            with self._reading() as c:
                query = select(feedback_table).where(feedback_table.c.id == feedback_id)
                row = c.execute(query).first()
                if row is None:
                    raise StorageError(f"onbekend feedbackitem {feedback_id}")
                return feedback_record(row)

        return self._run(read)

    def feedback(
        self,
        client_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        statuses: tuple[str, ...] = (),
    ) -> list[FeedbackRecord]:
        """Items newest event first, optionally of one client, whose event lies in
        [since, until), in one of `statuses`."""

        def read() -> list[FeedbackRecord]:
            table = feedback_table.c
            query = select(feedback_table).order_by(table.happened_at.desc(), table.id.desc())
            if client_id:
                query = query.where(table.client_id == client_id)
            if since is not None:
                query = query.where(table.happened_at >= since)
            if until is not None:
                query = query.where(table.happened_at < until)
            if statuses:
                query = query.where(table.status.in_(statuses))
            with self._reading() as c:
                return [feedback_record(r) for r in c.execute(query)]

        return self._run(read)

    def update_feedback(
        self, feedback_id: int, change: FeedbackChange, *, user: str, at: datetime
    ) -> FeedbackRecord:
        from kccdesk.storage.tables import FeedbackRow

        def write() -> FeedbackRecord:
            with self._session() as s:
                row = s.get(FeedbackRow, feedback_id)
                if row is None:
                    raise StorageError(f"onbekend feedbackitem {feedback_id}")
                for name in ("status", "cause", "action", "owner", "category", "said"):
                    value = getattr(change, name)
                    if value is not None:
                        setattr(row, name, value)
                row.updated_at = at
                row.updated_by = user
                s.add(row)
                s.commit()
                return feedback_record(row)

        return self._run(write)
