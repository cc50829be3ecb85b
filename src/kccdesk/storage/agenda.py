"""What the calendar feeds gave: their absences (roster entries with source "agenda",
audited like every edit), their appointments, and each feed's state. One transaction per
feed read, with the client's roster lock: a shift lead's save and a sync never cross."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from kccdesk.agenda.sync import Plan
from kccdesk.clients.model import FROM_AGENDA, Absence, Busy
from kccdesk.storage import tables
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import roster_item, roster_values
from kccdesk.storage.engine import bump_counter
from kccdesk.storage.roster import _lock_client

#: who an audit row of a sync names
AGENDA_USER = "agenda"
#: the source of the removal of a feed absence a shift lead's own entry overruled
GIVEN_WAY = "rooster (agenda wijkt)"


class AgendaStore(StoreBase):
    def claim_feed(
        self, client_id: str, person: str, url: str, now: datetime, every: timedelta
    ) -> bool:
        """Take the turn to read this feed: true when nobody tried it within `every` (two
        desks and a server syncing one team read each feed once). A feed of a new address
        starts afresh (its ETag belongs to the old one)."""
        feed = tables.agenda_feed

        def write() -> bool:
            with self.engine.begin() as c:
                row = c.execute(
                    select(feed.c.url, feed.c.checked_at).where(
                        feed.c.client_id == client_id, feed.c.person == person
                    )
                ).first()
                if row is None:
                    try:
                        with c.begin_nested():  # another desk's first claim may win the row
                            c.execute(
                                insert(feed).values(
                                    client_id=client_id,
                                    person=person,
                                    url=url,
                                    etag="",
                                    last_modified="",
                                    checked_at=now,
                                    error="",
                                )
                            )
                    except IntegrityError:
                        return False
                    return True
                fresh: dict[str, object] = {"checked_at": now}
                if row.url != url:
                    fresh.update(url=url, etag="", last_modified="", ok_at=None, error="")
                elif row.checked_at is not None and now - row.checked_at < every:
                    return False
                taken = c.execute(
                    update(feed)
                    .where(
                        feed.c.client_id == client_id,
                        feed.c.person == person,
                        _same(feed.c.checked_at, row.checked_at),
                    )
                    .values(**fresh)
                ).rowcount
                return taken == 1

        return self._run(write)

    def feed_failed(self, client_id: str, person: str, error: str, now: datetime) -> None:
        """The feed could not be read: what it gave last time stays, and why is kept."""
        feed = tables.agenda_feed

        def write() -> None:
            with self.engine.begin() as c:
                c.execute(
                    update(feed)
                    .where(feed.c.client_id == client_id, feed.c.person == person)
                    .values(error=error[:500], checked_at=now)
                )
                bump_counter(c, f"client:{client_id}")

        self._run(write)

    def feed_unchanged(self, client_id: str, person: str, now: datetime) -> None:
        """The feed answered "not modified": what it gave is still true as of now."""
        self._feed_ok(client_id, person, now, None, None)

    def apply_feed(
        self,
        client_id: str,
        person: str,
        plan_with: Callable[[tuple[Absence, ...]], Plan],
        *,
        body: bytes | None,
        basis: str,
        etag: str | None,
        last_modified: str | None,
        now: datetime,
    ) -> Plan:
        """Make the person's feed entries what the feed says now, in one transaction with
        the client's roster lock: `plan_with` is given the person's absences as committed
        (so two syncs at once, or a shift lead's save a moment ago, are planned against),
        each change audited with source "agenda". `body` None: keep the stored one."""
        absence, audit = tables.absence, tables.roster_audit

        def write() -> Plan:
            with self.engine.begin() as c:
                _lock_client(c, client_id)
                rows = c.execute(
                    select(absence).where(
                        absence.c.client_id == client_id, absence.c.person == person
                    )
                )
                changes = plan_with(tuple(roster_item("absence", row) for row in rows))
                audits = _removed(c, client_id, changes.remove, now)
                if changes.add:
                    last = c.execute(
                        select(func.max(absence.c.position)).where(absence.c.client_id == client_id)
                    ).scalar()
                    position = (last if last is not None else -1) + 1
                    for offset, item in enumerate(changes.add):
                        values = {
                            "client_id": client_id,
                            "position": position + offset,
                            "version": 1,
                            **roster_values(item),
                        }
                        new_id = c.execute(
                            insert(absence).values(**values).returning(absence.c.id)
                        ).scalar_one()
                        audits.append(_audit(client_id, new_id, "added", None, item, now))
                if audits:
                    c.execute(insert(audit), audits)
                _replace_busy(c, client_id, person, changes.busy)
                _ok(c, client_id, person, now, etag, last_modified)
                kept: dict[str, object] = {"basis": basis}
                if body is not None:
                    kept["body"] = body
                feed = tables.agenda_feed
                c.execute(
                    update(feed)
                    .where(feed.c.client_id == client_id, feed.c.person == person)
                    .values(**kept)
                )
                bump_counter(c, f"client:{client_id}")
                return changes

        return self._run(write)

    def feed_body(self, client_id: str, person: str) -> bytes | None:
        """The feed as last read whole (None: never)."""
        feed = tables.agenda_feed

        def read() -> bytes | None:
            with self._reading() as c:
                return c.execute(
                    select(feed.c.body).where(
                        feed.c.client_id == client_id, feed.c.person == person
                    )
                ).scalar()

        return self._run(read)

    def remove_feed_absences(
        self, client_id: str, items: tuple[Absence, ...], user: str, *, now: datetime
    ) -> None:
        """Remove feed absences a shift lead's own entry overrules (audited as theirs); one a
        sync removed or replaced meanwhile is simply gone already."""
        audit = tables.roster_audit

        def write() -> None:
            with self.engine.begin() as c:
                _lock_client(c, client_id)
                audits = [
                    {**row, "user": user, "source": GIVEN_WAY}
                    for row in _removed(c, client_id, items, now)
                ]
                if audits:
                    c.execute(insert(audit), audits)
                    bump_counter(c, f"client:{client_id}")

        self._run(write)

    def _feed_ok(
        self, client_id: str, person: str, now: datetime, etag: str | None, modified: str | None
    ) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                _ok(c, client_id, person, now, etag, modified)
                bump_counter(c, f"client:{client_id}")

        self._run(write)

    def forget_feeds(
        self, client_id: str, keep: set[str], ahead: tuple[Absence, ...], now: datetime
    ) -> None:
        """Drop the state and appointments of feeds a client's people no longer have, and
        the absences those feeds gave that lie ahead (`ahead`: nothing keeps them true any
        more; those already over stay as history)."""
        feed, busy = tables.agenda_feed, tables.agenda_busy

        def write() -> None:
            with self.engine.begin() as c:
                _lock_client(c, client_id)
                people = set(
                    c.scalars(select(feed.c.person).where(feed.c.client_id == client_id))
                ) | set(c.scalars(select(busy.c.person).where(busy.c.client_id == client_id)))
                gone = people - keep
                for table in (feed, busy):
                    if gone:
                        c.execute(
                            delete(table).where(
                                table.c.client_id == client_id, table.c.person.in_(sorted(gone))
                            )
                        )
                audits = _removed(c, client_id, ahead, now)
                if audits:
                    c.execute(insert(tables.roster_audit), audits)
                if gone or audits:
                    bump_counter(c, f"client:{client_id}")

        self._run(write)


def _removed(
    c: Connection, client_id: str, items: tuple[Absence, ...], now: datetime
) -> list[dict]:
    """Delete these feed absences (only while they are still the feed's: one a shift lead
    took over is theirs now) and give the audit rows of those that went."""
    absence = tables.absence
    audits = []
    for item in items:
        gone = c.execute(
            delete(absence).where(
                absence.c.id == item.id,
                absence.c.client_id == client_id,
                absence.c.source == FROM_AGENDA,
            )
        ).rowcount
        if gone:
            audits.append(_audit(client_id, item.id, "removed", item, None, now))
    return audits


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _audit(client_id: str, entry_id: int, action: str, before, after, now: datetime) -> dict:
    return {
        "client_id": client_id,
        "kind": "absence",
        "entry_id": entry_id,
        "action": action,
        "user": AGENDA_USER,
        "source": FROM_AGENDA,
        "at": now,
        "before": roster_values(before, for_json=True) if before is not None else None,
        "after": roster_values(after, for_json=True) if after is not None else None,
    }


def _replace_busy(c: Connection, client_id: str, person: str, busy: tuple[Busy, ...]) -> None:
    table = tables.agenda_busy
    c.execute(delete(table).where(table.c.client_id == client_id, table.c.person == person))
    if busy:
        c.execute(
            insert(table),
            [
                {
                    "client_id": client_id,
                    "person": person,
                    "start": b.start,
                    "end": b.end,
                    "title": b.title,
                }
                for b in busy
            ],
        )


def _ok(
    c: Connection,
    client_id: str,
    person: str,
    now: datetime,
    etag: str | None,
    modified: str | None,
) -> None:
    feed = tables.agenda_feed
    values: dict[str, object] = {"ok_at": now, "checked_at": now, "error": ""}
    if etag is not None:
        values["etag"] = etag[:500]
    if modified is not None:
        values["last_modified"] = modified[:500]
    c.execute(
        update(feed).where(feed.c.client_id == client_id, feed.c.person == person).values(**values)
    )
