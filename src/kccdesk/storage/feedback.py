"""The feedback log: client feedback items, written by shift and team leads, read by the
review and the client report."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from kccdesk.errors import StorageError
from kccdesk.feedback import FeedbackChange, FeedbackInput
from kccdesk.records import FeedbackRecord
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import feedback_record
from kccdesk.storage.tables import FeedbackRow


class FeedbackStore(StoreBase):
    def add_feedback(self, item: FeedbackInput, *, user: str, at: datetime) -> FeedbackRecord:
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
            with self._session() as s:
                row = s.get(FeedbackRow, feedback_id)
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
            query = select(FeedbackRow).order_by(
                col(FeedbackRow.happened_at).desc(), col(FeedbackRow.id).desc()
            )
            if client_id:
                query = query.where(FeedbackRow.client_id == client_id)
            if since is not None:
                query = query.where(FeedbackRow.happened_at >= since)
            if until is not None:
                query = query.where(FeedbackRow.happened_at < until)
            if statuses:
                query = query.where(col(FeedbackRow.status).in_(statuses))
            with self._session() as s:
                return [feedback_record(r) for r in s.exec(query)]

        return self._run(read)

    def update_feedback(
        self, feedback_id: int, change: FeedbackChange, *, user: str, at: datetime
    ) -> FeedbackRecord:
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
