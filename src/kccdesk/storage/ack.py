"""Acknowledgement, escalation and the trail of notes, in Core on the tables of tables.py.

Every step is one conditional update with its trail event in the same transaction: two
`serve` processes (or desks) that see the same note due escalate it once, a second
acknowledgement changes nothing, and a process killed mid-step leaves either the whole
step or none of it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from kccdesk.ack.trail import NoteEvent
from kccdesk.records import NoteRecord
from kccdesk.storage import tables
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import note_record
from kccdesk.storage.engine import bump_counter, release_idle

_note = tables.callback_note
_event = tables.note_event
#: the longest text an event keeps (a mail server's reason, a reply's address)
_DETAIL = 500


def add_event(
    c: Connection,
    note_id: int,
    kind: str,
    at: datetime,
    *,
    who: str = "",
    via: str = "",
    detail: str = "",
    round_: int = 0,
) -> None:
    c.execute(
        insert(_event).values(
            note_id=note_id,
            at=at,
            kind=kind,
            who=who[:200],
            via=via,
            detail=detail[:_DETAIL],
            round=round_,
        )
    )


def add_event_for_addressee(
    c: Connection, note_id: int, kind: str, at: datetime, detail: str = ""
) -> None:
    """An event of the note's current round, naming whom its mail was for."""
    row = c.execute(
        select(_note.c.recipient, _note.c.send_to, _note.c.round).where(_note.c.id == note_id)
    ).first()
    if row is not None:
        add_event(
            c, note_id, kind, at, who=row.send_to or row.recipient, detail=detail, round_=row.round
        )


class AckStore(StoreBase):
    def ping(self) -> None:
        """One round trip to the database (`serve`'s /healthz); raises StorageError."""
        from sqlalchemy import text

        def read() -> None:
            with self._reading() as c:
                c.execute(text("SELECT 1"))

        self._run(read)

    def note_events(self, note_ids: Collection[int]) -> dict[int, list[NoteEvent]]:
        """The trails of these notes, each oldest first."""
        ids = list(note_ids)

        def read() -> dict[int, list[NoteEvent]]:
            found: dict[int, list[NoteEvent]] = {i: [] for i in ids}
            if not ids:
                return found
            query = select(_event).order_by(_event.c.at, _event.c.id)
            with self._reading() as c:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    for r in c.execute(query.where(_event.c.note_id.in_(chunk))):
                        found[r.note_id].append(
                            NoteEvent(r.note_id, r.at, r.kind, r.who, r.via, r.detail, r.round)
                        )
            return found

        return self._run(read)

    def acknowledge(self, note_id: int, at: datetime, by: str, via: str, detail: str = "") -> bool:
        """The note is seen and taken on: it escalates no further and leaves the desks' alerts.
        True when this was the first acknowledgement; a later one changes nothing."""

        def write() -> bool:
            with self.engine.begin() as c:
                changed = c.execute(
                    update(_note)
                    .where(_note.c.id == note_id, _note.c.acked_at.is_(None))
                    .values(acked_at=at, acked_by=by[:200], ack_via=via, escalate_at=None)
                ).rowcount
                if changed != 1:
                    return False
                round_ = c.execute(select(_note.c.round).where(_note.c.id == note_id)).scalar()
                add_event(
                    c, note_id, "acked", at, who=by, via=via, detail=detail, round_=round_ or 0
                )
                bump_counter(c, "notes")
                return True

        return self._run(write)

    def record_opened(self, note_id: int, at: datetime, who: str) -> bool:
        """The page of the note was opened (once per round in the trail): by the recipient, or
        by a mail scanner that fetches every link — it never acknowledges."""

        def write() -> bool:
            with self.engine.begin() as c:
                round_ = c.execute(select(_note.c.round).where(_note.c.id == note_id)).scalar()
                seen = c.execute(
                    select(_event.c.id).where(
                        _event.c.note_id == note_id,
                        _event.c.kind == "opened",
                        _event.c.round == (round_ or 0),
                        _event.c.who == who[:200],
                    )
                ).first()
                if seen is not None:
                    return False
                add_event(c, note_id, "opened", at, who=who, round_=round_ or 0)
                return True

        return self._run(write)

    def due_escalations(self, now: datetime, limit: int = 100) -> list[NoteRecord]:
        """Notes whose next escalation round is due and that nobody acknowledged, oldest
        deadline first; never one whose mail is being handed over right now. Asked on every
        desk's beat: no connection is kept for it."""

        return self._beat_read(
            select(_note)
            .where(
                _note.c.escalate_at <= now,
                _note.c.acked_at.is_(None),
                _note.c.status != "sending",
                _note.c.status != "replaced",
            )
            .order_by(_note.c.escalate_at, _note.c.id)
            .limit(limit)
        )

    def _beat_read(self, query) -> list[NoteRecord]:
        """Notes of a query asked on every desk's beat: its connection is not kept (an idle
        desk holds only its change feed)."""

        def read() -> list[NoteRecord]:
            with self._reading() as c:
                return [note_record(r) for r in c.execute(query)]

        try:
            return self._run(read)
        finally:
            release_idle(self.engine, after=0)

    def escalate(
        self,
        note: NoteRecord,
        at: datetime,
        *,
        person: str | None,
        next_at: datetime | None,
        detail: str = "",
    ) -> bool:
        """Round `note.round + 1`: claimed by a conditional update on the round this process
        saw, so of several processes one does it. With `person` the note is queued again for
        them (the outbox mails it, with its history); without, only the desks are alerted.
        False when another process took this round or someone acknowledged meanwhile."""
        values: dict[str, object] = {"round": note.round + 1, "escalate_at": next_at}
        if person is not None:
            values |= {
                "send_to": person,
                "status": "queued",
                "attempts": 0,
                "unsure_attempts": 0,
                "next_attempt_at": None,
                "last_error": "",
            }

        def write() -> bool:
            with self.engine.begin() as c:
                changed = c.execute(
                    update(_note)
                    .where(
                        _note.c.id == note.id,
                        _note.c.round == note.round,
                        _note.c.acked_at.is_(None),
                        _note.c.status != "sending",
                    )
                    .values(**values)
                ).rowcount
                if changed != 1:
                    return False
                add_event(
                    c,
                    note.id,
                    "escalated",
                    at,
                    who=person or "",
                    detail=detail,
                    round_=note.round + 1,
                )
                bump_counter(c, "notes")
                return True

        return self._run(write)

    def unacknowledged(self, limit: int = 200) -> list[NoteRecord]:
        """Escalated notes nobody acknowledged yet, oldest first: on every desk until someone
        acts. Read on every desk's beat, like its presence: no connection is kept for it."""

        return self._beat_read(
            select(_note)
            .where(_note.c.acked_at.is_(None), _note.c.round > 0, _note.c.status != "replaced")
            .order_by(_note.c.created_at, _note.c.id)
            .limit(limit)
        )
