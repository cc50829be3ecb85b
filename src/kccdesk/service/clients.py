"""The client cache: a light directory of every client, clients loaded when first asked for, re-
read when other desks change them; imports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from kccdesk.clients.model import Client, ClientHead
from kccdesk.core.errors import StorageError
from kccdesk.service.base import NotAllowed

if TYPE_CHECKING:
    from kccdesk.clientfile import Origins
    from kccdesk.storage import ImportReport
    from kccdesk.storage.changes import ChangeFeed
from kccdesk.service.base import ServiceBase

#: client ids an "unknown client" error names (it stays one line on a large service)
KNOWN_SHOWN = 12


class ClientService(ServiceBase):
    """The client cache: a light directory of every client, clients loaded when first asked for,
    re-read when other desks change them; imports."""

    def _directory(self) -> Mapping[str, ClientHead]:
        heads = self._heads
        if heads is None:
            with self._loading:
                if self._heads is None:
                    self._heads = MappingProxyType({h.id: h for h in self._db.client_directory()})
                heads = self._heads
        return heads

    def sync(self) -> bool:
        """Re-read the directory and the loaded clients from the database; True when they
        differ from what was shown."""
        with self._loading:
            if self._all_loaded:
                fresh = {c.id: c for c in self._db.load_clients()}
                heads = {cid: c.head for cid, c in fresh.items()}
            else:
                heads = {h.id: h for h in self._db.client_directory()}
                fresh = {}
                for cid in self._loaded:
                    if cid in heads and (found := self._db.find_client(cid)) is not None:
                        fresh[cid] = found
            shown = heads if self._heads is None else dict(self._heads)  # None: not shown yet
            if fresh == dict(self._loaded) and heads == shown:
                self._heads = MappingProxyType(heads)
                return False
            self._loaded = MappingProxyType(fresh)
            self._heads = MappingProxyType(heads)
            self._catalog = None
            self._generation += 1
            return True

    @property
    def clients(self) -> list[Client]:
        """Every client, whole (loads them all: the all-clients search, export); the
        switcher and the screen pop use the light `directory`."""
        self.load_all()
        return sorted(self._loaded.values(), key=lambda c: c.name.casefold())

    @property
    def directory(self) -> list[ClientHead]:
        """Every client's id, name, kind and lines, by name (nothing else is loaded)."""
        return sorted(self._directory().values(), key=lambda h: h.name.casefold())

    @property
    def loaded_clients(self) -> list[Client]:
        """The clients loaded so far (what a local snapshot keeps whole)."""
        return list(self._loaded.values())

    def load_all(self, pause: Callable[[], None] | None = None) -> None:
        """Load every client (once); the all-clients index needs them. `pause`: see
        index_size."""
        if self._all_loaded:
            return
        with self._loading_all:
            # Read without holding `_loading`: the interface thread may meanwhile load the
            # one client it shows (the switcher) without waiting for all of them. A client
            # read again meanwhile (another desk changed it) makes the read stale: again.
            for _attempt in range(2):
                if self._all_loaded:
                    return
                generation = self._generation
                fresh = self._db.load_clients(pause)
                with self._loading:
                    if self._generation == generation:
                        self._take_all(fresh)
                        return
            with self._loading:  # changes keep coming: once more, with none in between
                if not self._all_loaded:
                    self._take_all(self._db.load_clients(pause))

    def _take_all(self, clients: list[Client]) -> None:
        self._loaded = MappingProxyType({c.id: c for c in clients})
        self._heads = MappingProxyType({c.id: c.head for c in clients})
        self._all_loaded = True

    def client(self, client_id: str) -> Client:
        """The whole client, read from the database the first time it is asked for."""
        found = self._loaded.get(client_id)
        if found is not None:
            return found
        heads = self._heads
        if heads is None or client_id in heads:
            with self._loading:
                found = self._loaded.get(client_id)
                if found is None:
                    found = self._db.find_client(client_id)
                    if found is not None:
                        self._loaded = MappingProxyType({**self._loaded, client_id: found})
                        if self._heads is not None:
                            self._heads = MappingProxyType({**self._heads, client_id: found.head})
            if found is not None:
                return found
        ids = sorted(self._directory())
        known = ", ".join(ids[:KNOWN_SHOWN]) or "geen; importeer eerst"
        if len(ids) > KNOWN_SHOWN:
            known += f", … en {len(ids) - KNOWN_SHOWN} meer"
        raise StorageError(f"onbekende klant '{client_id}' (bekend: {known})")

    def head_of(self, client_id: str) -> ClientHead | None:
        """The directory entry of one client (a dict lookup; nothing else is loaded)."""
        return self._directory().get(client_id)

    def has_client(self, client_id: str | None) -> bool:
        if client_id is None:
            return False
        return client_id in self._loaded or client_id in self._directory()

    def reload(self, client_id: str) -> None:
        """Re-read one client after a change (a removed one disappears). A client that is
        not loaded only has its directory entry read again."""
        with self._loading:
            if client_id not in self._loaded and not self._all_loaded:
                self._generation += 1
                if self._heads is not None:
                    self._heads = MappingProxyType({h.id: h for h in self._db.client_directory()})
                return
            self._generation += 1
            found = self._db.find_client(client_id)
            loaded = {k: v for k, v in self._loaded.items() if k != client_id}
            heads = {k: v for k, v in (self._heads or {}).items() if k != client_id}
            if found is not None:
                loaded[client_id] = found
                heads[client_id] = found.head
            self._loaded = MappingProxyType(loaded)
            self._heads = MappingProxyType(heads)
        if self._catalog is not None:
            self._catalog.forget(client_id)

    def find_clients_by_line(self, digits: str) -> list[ClientHead]:
        """Clients one of whose dialed lines contains these digits (the client switcher)."""
        from kccdesk.clients.dialing import clients_matching_digits

        return clients_matching_digits(self.directory, digits)

    def client_for_line(self, dialed: str) -> ClientHead | None:
        """The client whose dialed lines contain this number (the screen pop)."""
        from kccdesk.clients.dialing import client_for_line

        return client_for_line(self.directory, dialed)

    def import_clients(
        self,
        clients: list[Client],
        source: str = "import",
        origins: Origins | None = None,
        exported: Mapping[str, datetime] | None = None,
    ) -> ImportReport:
        """Import clients read from files, all or nothing, as audited roster edits.

        Checked against the clients already stored: a dialed line belongs to one client
        (ImportErrors naming file and line). Changing the roster of a client that already
        exists needs a shift lead (NotAllowed); a new client, or one whose roster stays as it
        is, may be imported by anyone. Audit rows say "import <file name>" (from `origins`),
        else `source`. `exported`: when each file was exported — an entry the file lacks is
        removed unless it was added or changed after that (then nothing is imported)."""
        from pathlib import PurePath

        from kccdesk.clientfile import ImportErrors, client_errors, line_conflicts

        where = origins or {}
        errors = [
            error
            for client in clients
            for error in client_errors(client, where.get(client.id, (client.id, None))[0])
        ]
        if errors:  # whatever the source: a file (read by the same rules) or built in code
            raise ImportErrors(errors)
        existing = {c.id: c for c in self._db.load_clients()}
        errors = line_conflicts(clients, existing.values(), origins)
        if errors:
            raise ImportErrors(errors)
        touched = [
            c.id
            for c in clients
            if c.id in existing and _roster(existing[c.id].as_filed()) != _roster(c)
        ]
        if touched and not self.actor.shift_lead:
            raise NotAllowed(
                f"alleen roosterbeheerders mogen het rooster van een bestaande client wijzigen "
                f"('{self.actor.user}' is dat niet); niets geïmporteerd: {', '.join(touched)}"
            )
        sources = {
            cid: f"import {PurePath(path).name}" for cid, (path, _line) in (origins or {}).items()
        }
        report = self._db.import_clients(
            clients,
            user=self.actor.user,
            sources={c.id: sources.get(c.id, source) for c in clients},
            now=self.clock(),
            exported=exported,
        )
        self.sync()
        from kccdesk.duty.rules import replacement_warnings

        report.warnings.extend(
            f"{client.id}: {warning}"
            for client in clients
            for warning in replacement_warnings(client)
        )
        return report

    def change_feed(self) -> ChangeFeed:
        return self._db.change_feed()

    def apply_changes(self, kinds: set[str]) -> bool:
        """Re-read what other desks changed; True when clients changed."""
        changed = False
        for kind in sorted(kinds):
            if kind.startswith("client:"):
                self.reload(kind.removeprefix("client:"))
                changed = True
        return changed


def _roster(client: Client) -> tuple[object, ...]:
    """What a shift lead edits: every kind of roster entry (the one list of kinds), so an
    import that changes coverage needs a shift lead as the pane does."""
    from kccdesk.duty.kinds import KINDS, items_of

    return tuple(items_of(client, kind) for kind in KINDS)


class ClientLookup(Mapping[str, Client]):
    """The desk's clients as a mapping that loads a client when it is looked up."""

    def __init__(self, desk: ClientService):
        self._desk = desk

    def __getitem__(self, client_id: str) -> Client:
        if not self._desk.has_client(client_id):
            raise KeyError(client_id)
        return self._desk.client(client_id)

    def __iter__(self):
        return iter(self._desk._directory())

    def __len__(self) -> int:
        return len(self._desk._directory())
