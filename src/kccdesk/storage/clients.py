"""Clients with their people, topics and roster, read whole and imported all or nothing; an
import changes a roster as audited edits, never by replacing it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from kccdesk.clients.model import Client, ClientHead
from kccdesk.core.clock import system_clock
from kccdesk.core.errors import StorageError
from kccdesk.duty.kinds import KINDS, natural_key
from kccdesk.records import ImportReport
from kccdesk.storage import tables
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import client_from_rows, columns, roster_item, roster_values
from kccdesk.storage.engine import bump_counter

#: a load of all clients calls its `pause` after this many rows (a few milliseconds of work)
ROWS_PER_PAUSE = 200


def _no_pause() -> None:
    pass


class ClientStore(StoreBase):
    def client_ids(self) -> list[str]:
        def read() -> list[str]:
            with self._reading() as c:
                return list(c.scalars(select(tables.client.c.id).order_by(tables.client.c.id)))

        return self._run(read)

    def client_directory(self) -> list[ClientHead]:
        """Every client's id, name, kind, lines and country (one light query), by id."""

        def read() -> list[ClientHead]:
            table = tables.client.c
            query = select(table.id, table.name, table.kind, table.lines, table.country)
            with self._reading() as c:
                rows = c.execute(query.order_by(table.id))
                return [
                    ClientHead(cid, name, kind, tuple(lines or ()), country)
                    for cid, name, kind, lines, country in rows
                ]

        return self._run(read)

    def agenda_clients(self) -> list[str]:
        """The clients with calendar feeds, or with what feeds gave (a person who lost theirs
        still has its absences ahead to clear): small queries, so a background sync of a
        database without feeds costs nothing."""

        def read() -> list[str]:
            person, feed, absence = tables.person.c, tables.agenda_feed.c, tables.absence.c
            queries = (
                select(person.client_id).where(person.agenda != "").distinct(),
                select(feed.client_id).distinct(),
                select(absence.client_id).where(absence.source != "").distinct(),
            )
            with self._reading() as c:
                return sorted({cid for query in queries for cid in c.scalars(query)})

        return self._run(read)

    def load_client(self, client_id: str) -> Client:
        found = self.find_client(client_id)
        if found is None:
            raise StorageError(f"onbekende klant '{client_id}'")
        return found

    def find_client(self, client_id: str) -> Client | None:
        """One client with its people, topics and roster; None when there is no such one."""
        found = self._load(client_id)
        return found[0] if found else None

    def load_clients(self, pause: Callable[[], None] | None = None) -> list[Client]:
        """Every client, whole. `pause` is called every few hundred rows and clients: a
        load in a background thread (the desk's F8) lets the interface thread run."""
        return self._load(None, pause or _no_pause)

    def _load(self, client_id: str | None, pause: Callable[[], None] = _no_pause) -> list[Client]:
        """Clients (one, or all) read with Core queries, one per table, in one transaction."""

        def read() -> list[Client]:
            with self._reading() as c:
                query = select(tables.client)
                if client_id is not None:
                    query = query.where(tables.client.c.id == client_id)
                heads = {row.id: row for row in c.execute(query).all()}
                if not heads:
                    return []
                parts = []
                for table in tables.CLIENT_PARTS:
                    query = select(table).order_by(table.c.client_id, table.c.position, table.c.id)
                    if client_id is not None:
                        query = query.where(table.c.client_id == client_id)
                    grouped = defaultdict(list)
                    for rows in c.execute(query).partitions(ROWS_PER_PAUSE):
                        for row in rows:
                            grouped[row.client_id].append(row)
                        pause()
                    parts.append(grouped)
                feed = tables.agenda_feed
                feed_columns = [c for c in feed.c if c.name != "body"]  # bodies stay put
                for table, selected, order in (
                    (tables.agenda_busy, list(tables.agenda_busy.c), tables.agenda_busy.c.start),
                    (feed, feed_columns, feed.c.person),
                ):
                    query = select(*selected).order_by(table.c.client_id, order)
                    if client_id is not None:
                        query = query.where(table.c.client_id == client_id)
                    grouped = defaultdict(list)
                    for row in c.execute(query):
                        grouped[row.client_id].append(row)
                    parts.append(grouped)
            clients = []
            for cid in sorted(heads):
                clients.append(client_from_rows(heads[cid], *(part[cid] for part in parts)))
                pause()
            return clients

        return self._run(read)

    def import_clients(
        self,
        clients: Iterable[Client],
        *,
        user: str = "import",
        sources: Mapping[str, str] | None = None,
        now: datetime | None = None,
        exported: Mapping[str, datetime] | None = None,
    ) -> ImportReport:
        """Store all clients in one transaction; a client whose data is unchanged is skipped.

        People, topics and the client head are replaced; the roster is merged as edits: an
        entry is matched by its `id` (export writes it), else by its natural key (kind,
        person, days/date/from, start). An unchanged entry keeps its id and version, a changed
        one gets the next version, a missing one is removed — each change with an audit row
        whose source is `sources[client id]` ("import <file name>")."""
        clients = list(clients)
        existing = {c.id: c for c in self.load_clients()}
        report = ImportReport([], [], [])
        changed = []
        for client in clients:
            old = existing.get(client.id)
            if old is not None and old.as_filed() == client.as_filed():
                report.unchanged.append(client.id)
            else:
                (report.updated if old else report.added).append(client.id)
                changed.append(client)
        moment = now or system_clock()
        origin = sources or {}

        def write() -> None:
            from kccdesk.storage.roster import _lock_client

            # Core, not the ORM: an import (and the demo's first start) loads no SQLModel.
            with self.engine.begin() as c:
                # Serialised with the roster pane's saves of the same clients (in id order:
                # two imports never wait for each other crosswise).
                for client in sorted(changed, key=lambda c: c.id):
                    _lock_client(c, client.id)
                for client in changed:
                    source = origin.get(client.id, "import")
                    when = (exported or {}).get(client.id)
                    _write_client(c, client, user, source, moment, when)
                    bump_counter(c, f"client:{client.id}")

        if changed:
            self._run(write)
        return report


def _write_client(
    c: Connection,
    client: Client,
    user: str,
    source: str,
    now: datetime,
    exported_at: datetime | None = None,
) -> None:
    cid = client.id
    for part in (tables.person, tables.topic):
        c.execute(delete(part).where(part.c.client_id == cid))
    head = columns(client)
    updated = c.execute(
        update(tables.client).where(tables.client.c.id == cid).values(head)
    ).rowcount
    if not updated:
        c.execute(insert(tables.client).values(head))
    _claim_lines(c, client)
    people = [
        {"client_id": cid, "position": position, **columns(person)}
        for position, person in enumerate(client.people)
    ]
    topics = [
        {"client_id": cid, "position": position, **columns(topic)}
        for position, topic in enumerate(client.topics)
    ]
    for part, values in ((tables.person, people), (tables.topic, topics)):
        if values:
            c.execute(insert(part), values)
    for kind in KINDS:
        items = getattr(client, kind.section)
        _merge_roster(c, cid, kind.name, items, user, source, now, exported_at)


def _changed_since(c: Connection, cid: str, kind: str, entry_id: int, since: datetime) -> bool:
    """Whether the audit has a change of this entry after `since`."""
    latest = _audited_at(c, cid, kind, entry_id)
    return latest is not None and latest > since


def _removed_at(c: Connection, cid: str, kind: str, entry_id: int) -> datetime | None:
    """When the audit says this entry of this client was removed (None: never)."""
    return _audited_at(c, cid, kind, entry_id, action="removed")


def _audited_at(
    c: Connection, cid: str, kind: str, entry_id: int, action: str | None = None
) -> datetime | None:
    """The latest audit time of an entry (of one action, when given), aware UTC."""
    audit = tables.roster_audit
    query = select(func.max(audit.c.at)).where(
        audit.c.client_id == cid, audit.c.kind == kind, audit.c.entry_id == entry_id
    )
    if action is not None:
        query = query.where(audit.c.action == action)
    latest = c.execute(query).scalar()
    if latest is None:
        return None
    return tables.UTCDateTime().process_result_value(latest, c.dialect)


def _claim_lines(c: Connection, client: Client) -> None:
    """The client's dialed lines, one row each: the database holds "a line belongs to one
    client" (its primary key), also when two imports run at once. A line another client
    has is refused by name; one claimed by an import running at this very moment fails on
    the key (describe_error says so)."""
    from kccdesk.clients.dialing import normalise

    line_table = tables.client_line
    c.execute(delete(line_table).where(line_table.c.client_id == client.id))
    lines = {normalise(line, client.country): line for line in client.lines}
    if not lines:
        return
    taken = c.execute(
        select(line_table).where(
            line_table.c.line.in_(list(lines)), line_table.c.client_id != client.id
        )
    ).first()
    if taken is not None:
        raise StorageError(
            f"lijn {lines[taken.line]} van {client.id} hoort al bij client {taken.client_id}; "
            "niets geïmporteerd"
        )
    c.execute(insert(line_table), [{"line": line, "client_id": client.id} for line in lines])


def _merge_roster(
    c: Connection,
    cid: str,
    kind: str,
    items: tuple,
    user: str,
    source: str,
    now: datetime,
    exported_at: datetime | None = None,
) -> None:
    table = tables.ROSTER[kind]
    query = select(table).where(table.c.client_id == cid)
    if kind == "absence":
        # What the calendar feeds gave is theirs: no file holds it, no import removes it.
        query = query.where(table.c.source == "")
        items = tuple(item for item in items if not item.source)
    rows = list(c.execute(query.order_by(table.c.position, table.c.id)))
    free = {row.id: row for row in rows}
    matches = [free.pop(item.id, None) if item.id is not None else None for item in items]
    for i, item in enumerate(items):
        if matches[i] is None:
            key = natural_key(kind, item)
            row = next(
                (r for r in free.values() if natural_key(kind, roster_item(kind, r)) == key), None
            )
            if row is not None:
                matches[i] = free.pop(row.id)
    audits: list[dict] = []

    def audit(entry_id: int, action: str, before, after) -> None:
        audits.append(
            {
                "client_id": cid,
                "kind": kind,
                "entry_id": entry_id,
                "action": action,
                "user": user,
                "source": source,
                "at": now,
                "before": before,
                "after": after,
            }
        )

    def refuse() -> StorageError:
        return StorageError(
            f"het rooster van {cid} is tijdens de import gewijzigd; niets geïmporteerd, "
            "probeer opnieuw"
        )

    exported = [item.id for item in items if item.id is not None and item.version is not None]
    for row in free.values():
        # An export lists every entry there was. With the export's time, an entry the file
        # lacks was removed by its writer — unless the audit shows it added or changed after
        # the export, which removing it would undo. Without it (an older export): ids only
        # grow, so an entry above every id in the file was added after it.
        if exported_at is not None:
            late = _changed_since(c, cid, kind, row.id, exported_at)
        else:
            late = bool(exported) and row.id > max(exported)
        if late:
            from kccdesk.duty.edits import describe

            raise StorageError(
                f"{cid}: '{describe(roster_item(kind, row))}' is na deze export toegevoegd of "
                "gewijzigd; niets geïmporteerd (exporteer opnieuw en breng de wijziging daarin aan)"
            )
    for item, row in zip(items, matches, strict=True):
        if row is None and item.id is not None and item.version is not None:
            # The file names an entry of this client by id, and it is gone: removed after
            # the export (or, without its time, since) — putting it back would undo that.
            gone_at = _removed_at(c, cid, kind, item.id)
            if gone_at is not None and (exported_at is None or gone_at > exported_at):
                from kccdesk.duty.edits import describe

                raise StorageError(
                    f"{cid}: '{describe(item)}' is na deze export verwijderd; niets "
                    "geïmporteerd (exporteer opnieuw en breng de wijziging daarin aan)"
                )
    for row in free.values():
        before = roster_values(roster_item(kind, row), for_json=True)
        removed = c.execute(
            delete(table).where(table.c.id == row.id, table.c.version == row.version)
        ).rowcount
        if removed != 1:
            raise refuse()
        audit(row.id, "removed", before, None)
    for position, (item, row) in enumerate(zip(items, matches, strict=True)):
        after = roster_values(item, for_json=True)
        if row is None:
            values = {"client_id": cid, "position": position, "version": 1}
            new_id = c.execute(
                insert(table).values(**values, **roster_values(item)).returning(table.c.id)
            ).scalar_one()
            audit(new_id, "added", None, after)
            continue
        old = roster_item(kind, row)
        if item.version is not None and item.version != row.version and old != item:
            # The file was exported at an older version of this entry: importing it would
            # silently undo the newer edit (the pane's rule, StaleEntry, holds here too).
            from kccdesk.records import RosterEntry
            from kccdesk.storage.roster import StaleEntry, _last_change

            current = RosterEntry(kind, row.id, row.version, old)
            raise StaleEntry(current, _last_change(c, cid, kind, row.id))
        if old == item and row.position == position:
            continue
        changes: dict[str, object] = {"position": position}
        if old != item:
            changes.update(version=table.c.version + 1, **roster_values(item))
        updated = c.execute(
            update(table)
            .where(table.c.id == row.id, table.c.version == row.version)
            .values(**changes)
        ).rowcount
        if updated != 1:
            raise refuse()
        if old != item:
            audit(row.id, "changed", roster_values(old, for_json=True), after)
    if audits:
        # In the same transaction as the change (PostgreSQL checks it at commit).
        c.execute(insert(tables.roster_audit), audits)
