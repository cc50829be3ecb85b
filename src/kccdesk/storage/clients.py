"""Clients with their people, topics and roster, read whole and imported all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete
from sqlmodel import Session, select

from kccdesk.errors import StorageError
from kccdesk.model import Client
from kccdesk.records import ImportReport
from kccdesk.storage.base import StoreBase
from kccdesk.storage.convert import ROSTER_TABLES, client_from_rows, columns, roster_values
from kccdesk.storage.engine import bump_counter
from kccdesk.storage.tables import (
    AbsenceRow,
    ClientRow,
    ClosureRow,
    ExtraShiftRow,
    PersonRow,
    ShiftRow,
    TopicRow,
)


class ClientStore(StoreBase):
    def client_ids(self) -> list[str]:
        def read() -> list[str]:
            with self._session() as s:
                return list(s.exec(select(ClientRow.id).order_by(ClientRow.id)))

        return self._run(read)

    def load_client(self, client_id: str) -> Client:
        found = self._load(client_id)
        if not found:
            raise StorageError(f"onbekende client '{client_id}'")
        return found[0]

    def load_clients(self) -> list[Client]:
        return self._load(None)

    def _load(self, client_id: str | None) -> list[Client]:
        def read() -> list[Client]:
            with self._session() as s:

                def rows(table):
                    query = select(table)
                    if client_id is not None:
                        column = table.id if table is ClientRow else table.client_id
                        query = query.where(column == client_id)
                    if hasattr(table, "position"):
                        query = query.order_by(table.position)
                    grouped = defaultdict(list)
                    for row in s.exec(query):
                        grouped[row.id if table is ClientRow else row.client_id].append(row)
                    return grouped

                heads = rows(ClientRow)
                people, topics = rows(PersonRow), rows(TopicRow)
                shifts, extras = rows(ShiftRow), rows(ExtraShiftRow)
                absences, closures = rows(AbsenceRow), rows(ClosureRow)
            return [
                client_from_rows(
                    heads[cid][0],
                    people[cid],
                    topics[cid],
                    shifts[cid],
                    extras[cid],
                    absences[cid],
                    closures[cid],
                )
                for cid in sorted(heads)
            ]

        return self._run(read)

    def import_clients(self, clients: Iterable[Client]) -> ImportReport:
        """Store all clients in one transaction; a client whose data is unchanged is skipped."""
        clients = list(clients)
        existing = {c.id: c for c in self.load_clients()}
        report = ImportReport([], [], [])
        changed = []
        for client in clients:
            old = existing.get(client.id)
            if old == client:
                report.unchanged.append(client.id)
            else:
                (report.updated if old else report.added).append(client.id)
                changed.append(client)

        def write() -> None:
            with self._session() as s, s.begin():
                for client in changed:
                    _replace_client(s, client)
                    bump_counter(s.connection(), f"client:{client.id}")

        if changed:
            self._run(write)
        return report


def _replace_client(s: Session, client: Client) -> None:
    for table in (PersonRow, TopicRow, ShiftRow, ExtraShiftRow, AbsenceRow, ClosureRow):
        s.exec(delete(table).where(table.client_id == client.id))
    head = s.get(ClientRow, client.id)
    if head is None:
        s.add(ClientRow(**columns(client)))
    else:
        for name, value in columns(client).items():
            setattr(head, name, value)
    s.flush()
    cid = client.id
    for position, person in enumerate(client.people):
        s.add(PersonRow(client_id=cid, position=position, **columns(person)))
    for position, topic in enumerate(client.topics):
        s.add(TopicRow(client_id=cid, position=position, **columns(topic)))
    for kind, items in (
        ("shift", client.shifts),
        ("extra_shift", client.extra_shifts),
        ("absence", client.absences),
        ("closure", client.closures),
    ):
        for position, item in enumerate(items):
            s.add(ROSTER_TABLES[kind](client_id=cid, position=position, **roster_values(item)))
