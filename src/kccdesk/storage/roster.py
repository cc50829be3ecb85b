"""Roster editing: entries with versions (optimistic locking, no lost update) and an audit
row for every change, so what the desk showed can be reconstructed later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select, update

from kccdesk.clients.model import Absence, Closure, Coverage, ExtraShift, WeeklyShift
from kccdesk.core.errors import StorageError
from kccdesk.duty.kinds import kind_of
from kccdesk.records import AuditRecord, RosterEntry
from kccdesk.storage import tables
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import roster_entry, roster_item, roster_values
from kccdesk.storage.engine import bump_counter

RosterItem = WeeklyShift | ExtraShift | Absence | Closure | Coverage


class StaleEntry(StorageError):
    """Someone saved this entry after it was opened; `current` is the newer version (None
    when it was removed)."""

    def __init__(self, current: RosterEntry | None, by: str = "", name: Callable[[str], str] = str):
        from kccdesk.duty.edits import describe

        self.current = current
        self.by = by  # who changed it and how, from the audit: "marieke via import x.toml"
        if current is None:
            super().__init__(f"dit item is intussen door {by or 'iemand anders'} verwijderd")
        else:
            who = f", door {by}" if by else ""
            super().__init__(
                f"dit item is intussen gewijzigd (nu versie {current.version}{who}): "
                f"{describe(current.item, name)}; niets opgeslagen"
            )

    def named(self, name: Callable[[str], str]) -> StaleEntry:
        """The same refusal with people named by `name` (the client's), not by their id."""
        return StaleEntry(self.current, self.by, name)


def _lock_client(s, client_id: str) -> None:
    """Serialise the roster writes of one client until this transaction ends (`s`: an ORM
    session or a Core connection)."""
    from sqlalchemy import text

    bind = s.get_bind() if hasattr(s, "get_bind") else s
    if bind.dialect.name == "sqlite":
        # The first write takes SQLite's write lock; the others wait (busy timeout).
        s.execute(text("UPDATE client SET id = id WHERE id = :id"), {"id": client_id})
    else:  # an advisory lock needs no privilege on the client table (shift-lead logins)
        s.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('kccdesk-roster:' || :id))"),
            {"id": client_id},
        )


def _last_change(s, client_id: str, kind: str, entry_id: int) -> str:
    """Who made the entry's latest change and through what, for a stale editor (`s`: an
    ORM session or a Core connection)."""
    audit = tables.roster_audit
    row = s.execute(
        select(audit.c.user, audit.c.source)
        .where(audit.c.client_id == client_id, audit.c.kind == kind, audit.c.entry_id == entry_id)
        .order_by(audit.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return ""
    return f"{row.user} via {row.source}" if row.source else row.user


class RosterStore(StoreBase):
    def roster_entries(self, client_id: str) -> list[RosterEntry]:
        def read() -> list[RosterEntry]:
            with self._reading() as c:
                found = []
                for kind, table in tables.ROSTER.items():
                    query = (
                        select(table)
                        .where(table.c.client_id == client_id)
                        .order_by(table.c.position, table.c.id)
                    )
                    found.extend(roster_entry(kind, row) for row in c.execute(query))
                return found

        return self._run(read)

    def save_roster_entry(
        self,
        client_id: str,
        item: WeeklyShift | ExtraShift | Absence | Closure | Coverage,
        user: str,
        entry_id: int | None = None,
        version: int | None = None,
        *,
        now: datetime,
        source: str = "rooster",
        check: Callable[[list[RosterItem]], None] | None = None,
    ) -> RosterEntry:
        """Add (no id) or change an entry. A change is refused with StaleEntry when the
        stored version is no longer the one the editor started from: no lost update.

        `check` is given the client's other entries of this kind as committed, inside the
        transaction and with the client locked (PostgreSQL: an advisory lock per client;
        SQLite: the write lock, taken first): two shift leads saving at the same moment are
        checked one after the other, so they cannot both save what neither could alone."""
        from sqlmodel import select

        from kccdesk.storage.rows import ROSTER_TABLES, RosterAuditRow

        kind = kind_of(item).name
        table = ROSTER_TABLES[kind]
        values = roster_values(item)

        def write() -> RosterEntry:
            with self._session() as s, s.begin():
                if check is not None:
                    _lock_client(s, client_id)
                    rows = s.exec(select(table).where(table.client_id == client_id)).all()
                    check([roster_item(kind, r) for r in rows if r.id != entry_id])
                if entry_id is None:
                    # After the last one, also when removals left gaps in the numbering.
                    last = s.exec(
                        select(func.max(table.position)).where(table.client_id == client_id)
                    ).one()
                    position = (last if last is not None else -1) + 1
                    row = table(client_id=client_id, position=position, version=1, **values)
                    s.add(row)
                    s.flush()
                    action, before = "added", None
                else:
                    old = s.get(table, entry_id)
                    if old is None or old.client_id != client_id:
                        raise StaleEntry(None, _last_change(s, client_id, kind, entry_id))
                    before = roster_values(roster_entry(kind, old).item, for_json=True)
                    changed = s.exec(
                        update(table)
                        .where(table.id == entry_id, table.version == version)
                        .values(version=table.version + 1, **values)
                    ).rowcount
                    if changed != 1:
                        s.refresh(old)
                        raise StaleEntry(
                            roster_entry(kind, old), _last_change(s, client_id, kind, entry_id)
                        )
                    row = s.get(table, entry_id)
                    s.refresh(row)
                    action = "changed"
                entry = roster_entry(kind, row)
                s.add(
                    RosterAuditRow(
                        client_id=client_id,
                        kind=kind,
                        entry_id=entry.id,
                        action=action,
                        user=user,
                        source=source,
                        at=now,
                        before=before,
                        after=roster_values(item, for_json=True),
                    )
                )
                bump_counter(s.connection(), f"client:{client_id}")
                return entry

        return self._run(write)

    def remove_roster_entry(
        self,
        client_id: str,
        kind: str,
        entry_id: int,
        version: int,
        user: str,
        *,
        now: datetime,
        source: str = "rooster",
    ) -> None:
        from kccdesk.storage.rows import ROSTER_TABLES, RosterAuditRow

        table = ROSTER_TABLES[kind]

        def write() -> None:
            with self._session() as s, s.begin():
                old = s.get(table, entry_id)
                if old is None or old.client_id != client_id:
                    raise StaleEntry(None, _last_change(s, client_id, kind, entry_id))
                if old.version != version:
                    raise StaleEntry(
                        roster_entry(kind, old), _last_change(s, client_id, kind, entry_id)
                    )
                before = roster_values(roster_entry(kind, old).item, for_json=True)
                removed = s.exec(
                    delete(table).where(table.id == entry_id, table.version == version)
                ).rowcount
                if removed != 1:
                    raise StaleEntry(None)
                s.add(
                    RosterAuditRow(
                        client_id=client_id,
                        kind=kind,
                        entry_id=entry_id,
                        action="removed",
                        user=user,
                        source=source,
                        at=now,
                        before=before,
                        after=None,
                    )
                )
                bump_counter(s.connection(), f"client:{client_id}")

        self._run(write)

    def roster_history(self, client_id: str, kind: str, entry_id: int) -> list[AuditRecord]:
        """The entry's changes, newest first."""
        from sqlmodel import col, select

        from kccdesk.storage.rows import RosterAuditRow

        def read() -> list[AuditRecord]:
            query = (
                select(RosterAuditRow)
                .where(
                    RosterAuditRow.client_id == client_id,
                    RosterAuditRow.kind == kind,
                    RosterAuditRow.entry_id == entry_id,
                )
                .order_by(col(RosterAuditRow.at).desc(), col(RosterAuditRow.id).desc())
            )
            with self._session() as s:
                return [_audit_record(r) for r in s.exec(query)]

        return self._run(read)

    def roster_audit(
        self, client_id: str, since: datetime, until: datetime | None = None
    ) -> list[AuditRecord]:
        """A client's roster changes made in [since, until), oldest first: to tell what the
        roster said at a moment, and when the client's change reached us."""
        from sqlmodel import col, select

        from kccdesk.storage.rows import RosterAuditRow

        def read() -> list[AuditRecord]:
            query = select(RosterAuditRow).where(
                RosterAuditRow.client_id == client_id, RosterAuditRow.at >= since
            )
            if until is not None:
                query = query.where(RosterAuditRow.at < until)
            query = query.order_by(col(RosterAuditRow.at), col(RosterAuditRow.id))
            with self._session() as s:
                return [_audit_record(r) for r in s.exec(query)]

        return self._run(read)


def _audit_record(row) -> AuditRecord:
    return AuditRecord(
        row.at, row.user, row.action, row.before, row.after, row.source, row.kind, row.entry_id
    )
