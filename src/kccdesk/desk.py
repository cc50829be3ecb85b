"""The service the command line and the interface share: clients, search, duty and notes
over one store, with the demo database seeded on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kccdesk import locations
from kccdesk.errors import StorageError
from kccdesk.model import Client
from kccdesk.notes import check_note
from kccdesk.roster import DutyStatus, absence_at, duty_at
from kccdesk.search import Catalog, Entry, Hit

if TYPE_CHECKING:
    from kccdesk.storage import NoteRecord, Store


def open_demo_store() -> Store:
    """The demo database, filled from the bundled client files the first time."""
    from kccdesk.clientfile import load_clients
    from kccdesk.storage import open_store

    store = open_store(locations.demo_database_url())
    if not store.client_ids():
        store.import_clients(load_clients([locations.demo_clients_dir()]))
    return store


class Desk:
    """Clients cached in memory (they change rarely), search indexes built on first use."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        open_store: Callable[[], Store] | None = None,
        clients: list[Client] | None = None,
    ):
        """Give a store, or a way to open one plus the clients to show until it is open."""
        if (store is None) == (open_store is None):
            raise TypeError("Desk needs either a store or open_store")
        self._lock = threading.Lock()
        self._store = store
        self._open_store = open_store
        if clients is None:
            clients = self.store.load_clients()
        self._clients: dict[str, Client] = {c.id: c for c in clients}
        self._catalog: Catalog | None = None
        self._search_duty: dict[str, tuple[Client, DutyStatus]] = {}

    @classmethod
    def from_snapshot(cls, open_store: Callable[[], Store], clients: list[Client]) -> Desk:
        """A desk on the clients of a local snapshot; the store is opened on first use
        (sync() in the background does that right after start-up)."""
        return cls(open_store=open_store, clients=clients)

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = self._open_store()
            return self._store

    def sync(self) -> bool:
        """Read the clients from the database; True when they differ from what was shown."""
        fresh = {c.id: c for c in self.store.load_clients()}
        if fresh == self._clients:
            return False
        self._clients = fresh
        self._catalog = None
        return True

    @property
    def clients(self) -> list[Client]:
        return sorted(self._clients.values(), key=lambda c: c.name.casefold())

    def client(self, client_id: str) -> Client:
        try:
            return self._clients[client_id]
        except KeyError:
            known = ", ".join(sorted(self._clients)) or "geen; importeer eerst"
            raise StorageError(f"onbekende client '{client_id}' (bekend: {known})") from None

    def reload(self, client_id: str) -> None:
        """Re-read one client after another desk changed it (a removed one disappears)."""
        try:
            client = self.store.load_client(client_id)
        except StorageError:
            self._clients.pop(client_id, None)
            self._catalog = None
            return
        self._clients[client_id] = client
        if self._catalog is not None:
            self._catalog.update(client)

    def purge_expired(self, retention_days: int) -> dict[str, int]:
        """Delete notes and call logs older than the retention period (personal data)."""
        cutoff = datetime.now(UTC) - timedelta(days=retention_days)
        return self.store.purge(cutoff)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self._clients.values())
        return self._catalog

    def index_size(self, client_id: str | None) -> int:
        """Entries a search in this scope goes through (builds the index if needed)."""
        return len(self.catalog.index(client_id))

    def search(
        self, query: str, client_id: str | None, limit: int = 10, at: datetime | None = None
    ) -> list[Hit]:
        """Ranked hits; of nearly equal ones people on duty first, absent ones last."""
        at = at or datetime.now(UTC)
        if client_id is not None:
            today = at.astimezone(self.client(client_id).zone).date()
        else:
            today = at.astimezone(UTC).date()
        return self.catalog.search(query, client_id, limit, today, self._duty_rank(at))

    def _duty_rank(self, at: datetime) -> Callable[[Entry], int]:
        """0 on duty, 1 off duty (and departments, topics), 2 absent; asked only about
        nearly equal hits, so duty is worked out only for their clients."""

        def rank(entry: Entry) -> int:
            if entry.kind != "person":
                return 1
            status = self._duty_for_search(entry.client, at)
            if status.absence_of(entry.id):
                return 2
            return 0 if status.is_on_duty(entry.id) else 1

        return rank

    def _duty_for_search(self, client_id: str, at: datetime) -> DutyStatus:
        """Duty as a search needs it: kept per client until the roster changes, someone's
        duty begins or ends, or a minute has passed: not worked out again per keystroke."""
        client = self.client(client_id)
        cached = self._search_duty.get(client_id)
        if cached is not None and cached[0] is client:
            status = cached[1]
            expires = status.at + timedelta(minutes=1)
            if status.next_change is not None:
                expires = min(expires, status.next_change)
            if status.at <= at < expires:
                return status
        status = self.duty(client_id, at)
        self._search_duty[client_id] = (client, status)
        return status

    def duty(self, client_id: str, at: datetime | None = None) -> DutyStatus:
        return duty_at(self.client(client_id), at or datetime.now(UTC))

    def add_note(
        self,
        client_id: str,
        recipient: str,
        caller_name: str,
        phone: str,
        message: str,
        *,
        urgency: str = "normaal",
        agent: str = "",
        keep_absent_recipient: bool = False,
        at: datetime | None = None,
    ) -> NoteRecord:
        """Check every rule, then store; raises NoteRefused with the reason."""
        client = self.client(client_id)
        at = at or datetime.now(UTC)
        checked = check_note(
            client,
            recipient,
            caller_name,
            phone,
            message,
            urgency=urgency,
            agent=agent,
            at=at,
            allow_absent=keep_absent_recipient,
        )
        # Only an override when the recipient really is absent at that moment.
        absent = keep_absent_recipient and absence_at(client, recipient, at.astimezone(UTC))
        override = "ontvanger afwezig, bewust behouden" if absent else ""
        return self.store.add_note(checked, override=override)

    def notes_today(self, client_id: str | None = None) -> list[NoteRecord]:
        zone = self.client(client_id).zone if client_id else UTC
        midnight = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        return self.store.notes(client_id, since=midnight)

    def find_client_by_line(self, digits: str) -> list[Client]:
        wanted = "".join(ch for ch in digits if ch.isdigit())
        if not wanted:
            return []
        return [
            c
            for c in self.clients
            if any(wanted in form for line in c.lines for form in _forms(line))
        ]


def _forms(line: str) -> tuple[str, ...]:
    """A dialed line as digits, both international (31412...) and national (0412...)."""
    digits = "".join(ch for ch in line if ch.isdigit())
    if line.startswith("+") and digits[:2] in ("31", "32"):
        return digits, "0" + digits[2:]
    return (digits,)
