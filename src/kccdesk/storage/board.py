"""What the board needs that no other table holds: the desks that say they are there, and
the reminders agents set (hold until). A desk's presence changes every few seconds and wakes
no one (the board reads it on its own beat); a reminder set or finished is a change every
board and desk hears ("board")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update

from kccdesk.board.items import DeskOnline
from kccdesk.board.reminders import Reminder
from kccdesk.core.errors import StorageError
from kccdesk.storage import tables
from kccdesk.storage.base import StoreBase
from kccdesk.storage.engine import bump_counter, release_idle

#: the change counter a reminder's change raises
BOARD_CHANGES = "board"


class BoardStore(StoreBase):
    def say_present(
        self,
        desk: str,
        *,
        agent: str,
        user: str,
        host: str,
        client_id: str,
        call_started: datetime | None,
        drafts: int,
        oldest_draft: datetime | None,
        now: datetime,
    ) -> None:
        """This desk is there (one row per running desk, replaced at every beat)."""
        table = tables.desk_presence
        values = {
            "agent": agent[:200],
            "user": user[:200],
            "host": host[:200],
            "client_id": client_id,
            "call_started": call_started,
            "drafts": drafts,
            "oldest_draft": oldest_draft,
            "seen_at": now,
        }

        def write() -> None:
            with self.engine.begin() as c:
                changed = c.execute(
                    update(table).where(table.c.desk == desk).values(**values)
                ).rowcount
                if not changed:
                    c.execute(insert(table).values(desk=desk, **values))

        self._run(write)
        # A beat is no reason to hold a query connection: an idle desk keeps only its feed.
        release_idle(self.engine, after=0)

    def leave(self, desk: str) -> None:
        """The desk closes: it is no longer listed (a killed one drops off by its age)."""
        table = tables.desk_presence

        def write() -> None:
            with self.engine.begin() as c:
                c.execute(delete(table).where(table.c.desk == desk))

        self._run(write)

    def desks_seen(self, since: datetime) -> list[DeskOnline]:
        table = tables.desk_presence

        def read() -> list[DeskOnline]:
            query = select(table).where(table.c.seen_at >= since).order_by(table.c.agent)
            with self._reading() as c:
                return [
                    DeskOnline(
                        desk=row.desk,
                        agent=row.agent,
                        user=row.user,
                        client=row.client_id,
                        call_started=row.call_started,
                        seen_at=row.seen_at,
                        drafts=row.drafts,
                        oldest_draft=row.oldest_draft,
                    )
                    for row in c.execute(query)
                ]

        return self._run(read)

    def forget_desks_before(self, moment: datetime) -> None:
        """Rows of desks long gone (killed, their machine off): kept out of the table."""
        table = tables.desk_presence

        def write() -> None:
            with self.engine.begin() as c:
                c.execute(delete(table).where(table.c.seen_at < moment))

        self._run(write)

    def add_reminder(
        self,
        *,
        client_id: str,
        agent: str,
        user: str,
        text: str,
        due_at: datetime,
        now: datetime,
        note_uuid: str = "",
    ) -> Reminder:
        table = tables.reminder
        values = {
            "client_id": client_id,
            "agent": agent,
            "user": user,
            "text": text,
            "due_at": due_at,
            "created_at": now,
            "done_by": "",
            "note_uuid": note_uuid,
        }

        def write() -> Reminder:
            with self.engine.begin() as c:
                new_id = c.execute(
                    insert(table).values(**values).returning(table.c.id)
                ).scalar_one()
                bump_counter(c, BOARD_CHANGES)
            return Reminder(new_id, client_id, agent, user, text, due_at, now, note_uuid=note_uuid)

        return self._run(write)

    def reminders(self, *, due_before: datetime | None = None) -> list[Reminder]:
        """Open reminders (all, or those due before a moment), the earliest due first."""
        table = tables.reminder

        def read() -> list[Reminder]:
            query = select(table).where(table.c.done_at.is_(None))
            if due_before is not None:
                query = query.where(table.c.due_at <= due_before)
            with self._reading() as c:
                return [_reminder(row) for row in c.execute(query.order_by(table.c.due_at))]

        return self._run(read)

    def finish_reminder(self, reminder_id: int, by: str, now: datetime) -> Reminder:
        """Done: off the board. One already done (by someone else a moment ago) is said."""
        table = tables.reminder

        def write() -> Reminder:
            with self.engine.begin() as c:
                done = c.execute(
                    update(table)
                    .where(table.c.id == reminder_id, table.c.done_at.is_(None))
                    .values(done_at=now, done_by=by[:200])
                ).rowcount
                row = c.execute(select(table).where(table.c.id == reminder_id)).first()
                if row is None:
                    raise StorageError(f"onbekende herinnering {reminder_id}")
                if not done:
                    raise StorageError(
                        f"herinnering {reminder_id} is al afgehandeld door {row.done_by or '?'}"
                    )
                bump_counter(c, BOARD_CHANGES)
                return _reminder(row)

        return self._run(write)


def _reminder(row) -> Reminder:
    return Reminder(
        id=row.id,
        client=row.client_id,
        agent=row.agent,
        user=row.user,
        text=row.text,
        due_at=row.due_at,
        created_at=row.created_at,
        done_at=row.done_at,
        done_by=row.done_by,
        note_uuid=row.note_uuid,
    )
