"""The outbox: notes are claimed by one sender (a conditional update), then marked sent,
queued for a retry, or failed; a failed note can be put back, a dead sender's claim released.
The SQLModel tables are imported by the methods that write: a command that sends no mail
never loads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update

from kccdesk.records import NEEDS_AGENT, NoteRecord
from kccdesk.storage.ack import add_event_for_addressee
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import note_record
from kccdesk.storage.engine import bump_counter


class OutboxStore(StoreBase):
    def claim_due(self, now: datetime, limit: int = 20) -> list[NoteRecord]:
        """Queued notes that are due, urgent first, each claimed by this sender alone: the
        claim is a conditional update, so two desks never both send one note."""
        from sqlmodel import select

        from kccdesk.storage.rows import NoteRow

        def work() -> list[NoteRecord]:
            due = or_(NoteRow.next_attempt_at.is_(None), NoteRow.next_attempt_at <= now)
            query = (
                select(NoteRow)
                .where(NoteRow.status == "queued", due)
                .order_by((NoteRow.urgency == "dringend").desc(), NoteRow.created_at, NoteRow.id)
                .limit(limit)
            )
            claimed = []
            with self._session() as s:
                for row in list(s.exec(query)):
                    result = s.exec(
                        update(NoteRow)
                        .where(NoteRow.id == row.id, NoteRow.status == "queued")
                        .values(
                            status="sending", attempts=NoteRow.attempts + 1, next_attempt_at=now
                        )
                    )
                    s.commit()
                    if result.rowcount == 1:
                        s.refresh(row)
                        claimed.append(note_record(row))
            return claimed

        return self._run(work)

    def _set_note(
        self,
        note_id: int,
        where_status: str | tuple[str, ...] | None,
        event: tuple[str, datetime, str] | None = None,
        **values,
    ) -> bool:
        """Change a note's delivery state where it is in `where_status`; `event` (kind, at,
        detail) goes into its trail in the same transaction, naming whom the mail was for."""
        from kccdesk.storage.rows import NoteRow

        def write() -> bool:
            with self._session() as s, s.begin():
                query = update(NoteRow).where(NoteRow.id == note_id)
                if isinstance(where_status, tuple):
                    query = query.where(NoteRow.status.in_(where_status))
                elif where_status:
                    query = query.where(NoteRow.status == where_status)
                changed = s.exec(query.values(**values)).rowcount == 1
                if changed:
                    if event is not None:
                        add_event_for_addressee(s.connection(), note_id, *event)
                    bump_counter(s.connection(), "notes")
                return changed

        return self._run(write)

    def mark_sent(self, note_id: int, at: datetime) -> None:
        self._set_note(
            note_id, "sending", ("sent", at, ""), status="sent", sent_at=at, last_error=""
        )

    def renew_claim(self, note_id: int, at: datetime) -> None:
        """The sender is alive and still at this note: its claim is fresh again."""
        from kccdesk.storage.rows import NoteRow

        def write() -> None:
            with self._session() as s, s.begin():
                s.exec(
                    update(NoteRow)
                    .where(NoteRow.id == note_id, NoteRow.status == "sending")
                    .values(next_attempt_at=at)
                )

        self._run(write)

    def mark_retry(
        self, note_id: int, next_attempt: datetime, error: str, unsure: bool = False
    ) -> None:
        """Back in the queue at `next_attempt`; `unsure`: the server took the whole message
        without answering, so this attempt may have been delivered."""
        from kccdesk.storage.rows import NoteRow

        self._set_note(
            note_id,
            "sending",
            status="queued",
            next_attempt_at=next_attempt,
            last_error=error,
            **({"unsure_attempts": NoteRow.unsure_attempts + 1} if unsure else {}),
        )

    def mark_failed(self, note_id: int, error: str, at: datetime) -> None:
        self._set_note(note_id, "sending", ("failed", at, error), status="failed", last_error=error)

    def mark_unsure(self, note_id: int, error: str, at: datetime) -> None:
        """Perhaps delivered, perhaps not: it is not sent again, and an agent asks."""
        self._set_note(note_id, "sending", ("unsure", at, error), status="unsure", last_error=error)

    def resend(self, note_id: int) -> bool:
        """Put a failed (or perhaps delivered) note back in the outbox, as new."""
        return self._set_note(
            note_id,
            NEEDS_AGENT,
            status="queued",
            attempts=0,
            unsure_attempts=0,
            next_attempt_at=None,
            last_error="",
        )

    def mark_replaced(self, note_id: int) -> bool:
        """A failed note the agent has taken again (to the same or another recipient): it no
        longer asks for attention, and it is never sent."""
        return self._set_note(note_id, NEEDS_AGENT, status="replaced")

    def release_stale(self, claimed_before: datetime) -> int:
        """Notes left 'sending' by a sender that died go back to the queue."""
        from kccdesk.storage.rows import NoteRow

        def write() -> int:
            with self._session() as s, s.begin():
                return (
                    s.exec(
                        update(NoteRow)
                        .where(
                            NoteRow.status == "sending", NoteRow.next_attempt_at < claimed_before
                        )
                        .values(status="queued")
                    ).rowcount
                    or 0
                )

        return self._run(write)
