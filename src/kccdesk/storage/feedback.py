"""The feedback log: client feedback items, written by shift and team leads, read by the
review and the client report. Read with Core (tables.py); written through the SQLModel row,
imported where it is written."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from kccdesk.core.errors import StorageError
from kccdesk.records import FeedbackRecord
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import feedback_record
from kccdesk.storage.tables import feedback as feedback_table

#: what an update may change, and what must be as the editor saw it
EDITABLE = ("status", "cause", "action", "owner", "category", "said")


class StaleFeedback(StorageError):
    """Someone changed the item after the editor read it; `current` is how it is now."""

    def __init__(self, current: FeedbackRecord):
        self.current = current
        super().__init__(
            f"feedback #{current.id} is intussen gewijzigd door {current.updated_by} "
            f"(actie: {current.action or '—'}, eigenaar: {current.owner or '—'}, status "
            f"{current.status}); niets opgeslagen — lees het opnieuw"
        )


if TYPE_CHECKING:
    from kccdesk.teamlead.feedback import FeedbackChange, FeedbackInput


class FeedbackStore(StoreBase):
    def add_feedback(self, item: FeedbackInput, *, user: str, at: datetime) -> FeedbackRecord:
        from kccdesk.storage.rows import FeedbackRow

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
        self,
        feedback_id: int,
        change: FeedbackChange,
        *,
        user: str,
        at: datetime,
        seen: FeedbackRecord | None = None,
    ) -> FeedbackRecord:
        """Apply the change; with `seen` (the item as the editor read it) only if nobody
        changed it since — one conditional update, so two team leads at once cannot both
        win: the second gets StaleFeedback and the first one's action and owner stand."""
        values = {name: value for name in EDITABLE if (value := getattr(change, name)) is not None}
        values.update(updated_at=at, updated_by=user)
        table = feedback_table.c
        where = [table.id == feedback_id]
        if seen is not None:
            where.extend(getattr(table, name) == getattr(seen, name) for name in EDITABLE)
            where.append(table.updated_by == seen.updated_by)

        def write() -> FeedbackRecord:
            with self.engine.begin() as c:
                done = c.execute(update(feedback_table).where(*where).values(**values)).rowcount
                row = c.execute(select(feedback_table).where(table.id == feedback_id)).first()
            if row is None:
                raise StorageError(f"onbekend feedbackitem {feedback_id}")
            if done != 1:
                raise StaleFeedback(feedback_record(row))
            return feedback_record(row)

        return self._run(write)
