"""The shift lead's board (kccdesk.board): unfinished work across every client, and the
reminders agents set (hold until)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime

from kccdesk import texts
from kccdesk.board.items import (
    DRAFT_LISTED,
    GAPS_AHEAD,
    OFFLINE_AFTER,
    BoardItem,
    DeskOnline,
    ordered,
)
from kccdesk.board.reminders import Reminder, parse_due, reminder_text_problem
from kccdesk.core.errors import InputError, StorageError
from kccdesk.service.ack import AckService

#: the board's kind of each kind of gap (kccdesk.duty.coverage.Gap.kind)
GAP_KINDS = {"coverage": "gap", "replacement": "replacement", "agenda": "agenda"}
#: presence rows older than this are removed (a desk killed without saying goodbye)
FORGET_DESKS_AFTER = OFFLINE_AFTER * 20


@dataclass(frozen=True)
class Board:
    at: datetime
    items: tuple[BoardItem, ...]
    desks: tuple[DeskOnline, ...]


class BoardService(AckService):
    def board(self) -> Board:
        """Everything unfinished now, most urgent and oldest first, and the desks online."""
        now = self.clock()
        items: list[BoardItem] = []
        items.extend(self._gap_items(now))
        for waiting in self.unacknowledged():
            note = waiting.note
            items.append(
                BoardItem(
                    "unacked",
                    note.client,
                    waiting.alert,
                    note.created_at,
                    key=f"unacked:{note.id}",
                    target=("unacked", str(note.id)),
                )
            )
        for note in self.failed_notes(limit=500):
            client = self.client(note.client) if self.has_client(note.client) else None
            name = client.person_name(note.recipient) if client else note.recipient
            items.append(
                BoardItem(
                    "failed",
                    note.client,
                    texts.BOARD_FAILED.format(
                        name=name, caller=note.caller_name, reason=note.last_error or "?"
                    ),
                    note.created_at,
                    key=f"note:{note.id}",
                    target=("note", str(note.id)),
                )
            )
        for reminder in self._db.reminders(due_before=now):
            items.append(
                BoardItem(
                    "reminder",
                    reminder.client,
                    texts.BOARD_REMINDER.format(agent=reminder.agent, text=reminder.text),
                    reminder.due_at,
                    due=reminder.due_at,
                    key=f"reminder:{reminder.id}",
                    target=("reminder", str(reminder.id)),
                )
            )
        desks = tuple(self._db.desks_seen(now - OFFLINE_AFTER))
        for desk in desks:
            if desk.oldest_draft is not None and now - desk.oldest_draft >= DRAFT_LISTED:
                items.append(
                    BoardItem(
                        "draft",
                        desk.client,
                        texts.BOARD_DRAFT.format(agent=desk.agent or desk.user, count=desk.drafts),
                        desk.oldest_draft,
                        key=f"draft:{desk.desk}",
                        target=("client", desk.client),
                    )
                )
        return Board(now, tuple(ordered(items, now)), desks)

    def _gap_items(self, now: datetime) -> list[BoardItem]:
        days = GAPS_AHEAD.total_seconds() / 86400
        found = []
        for gap in self.gaps(None, now, days=days, replacements=True):
            client = self.client(gap.client)
            start = gap.start.astimezone(client.zone)
            who = gap.person or gap.department
            found.append(
                BoardItem(
                    GAP_KINDS.get(gap.kind, gap.kind),
                    gap.client,
                    f"{gap.shortfall} — {gap.reason}",
                    gap.start if gap.kind == "agenda" else max(gap.start, now),
                    due=None if gap.kind == "agenda" else gap.start,
                    key=f"{gap.kind}:{gap.client}:{who}:{start:%Y%m%d%H%M}",
                    target=("roster", gap.client, start.date().isoformat()),
                )
            )
        return found

    # --- reminders (hold until) --------------------------------------------------------

    def set_reminder(
        self, client_id: str, text: str, when: str, note_uuid: str = "", *, agent: str = ""
    ) -> Reminder:
        """Set a note or task aside until `when` (typed as the agent says it, on the client's
        clock) for `agent` (the name on the desk); refused with one line when the text or the
        time cannot be."""
        client = self.client(client_id)
        problem = reminder_text_problem(text)
        if problem:
            raise InputError(problem)
        now = self.clock()
        try:
            due = parse_due(when, now, client.zone)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        return self._db.add_reminder(
            client_id=client.id,
            agent=agent or self.actor.user,
            user=self.actor.user,
            text=" ".join(text.split()),
            due_at=due,
            now=now,
            note_uuid=note_uuid,
        )

    def reminders(self, *, due_only: bool = False) -> list[Reminder]:
        return self._db.reminders(due_before=self.clock() if due_only else None)

    def my_due_reminders(self, agent: str = "") -> list[Reminder]:
        """The reminders `agent` set on this login that have come back (agents sharing a
        login each get their own back)."""
        return [
            r
            for r in self.reminders(due_only=True)
            if r.user == self.actor.user and (not agent or not r.agent or r.agent == agent)
        ]

    def finish_reminder(self, reminder_id: int, agent: str = "") -> Reminder:
        return self._db.finish_reminder(reminder_id, agent or self.actor.user, self.clock())

    # --- presence ------------------------------------------------------------------------

    def say_present(
        self,
        desk_id: str,
        client_id: str,
        call_started: datetime | None,
        drafts: int = 0,
        oldest_draft: datetime | None = None,
        *,
        agent: str = "",
    ) -> None:
        """This desk is there: its agent, the client on screen, the call and its drafts."""
        now = self.clock()
        self._db.say_present(
            desk_id,
            agent=agent,
            user=self.actor.user,
            host=socket.gethostname(),
            client_id=client_id,
            call_started=call_started,
            drafts=drafts,
            oldest_draft=oldest_draft,
            now=now,
        )

    def leave(self, desk_id: str) -> None:
        try:
            self._db.leave(desk_id)
            self._db.forget_desks_before(self.clock() - FORGET_DESKS_AFTER)
        except StorageError:
            pass  # the database away as the desk closes: its row ages off the board
