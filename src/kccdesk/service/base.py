"""What every concept's service stands on: the store (opened on first use), the clock and
who acts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Self

from kccdesk.clients.model import Client, ClientHead
from kccdesk.core.actor import Actor
from kccdesk.core.clock import Clock, system_clock
from kccdesk.core.errors import StorageError
from kccdesk.duty.roster import DutyStatus

# In every service module, the rule modules a command may not need (numbers, search,
# coverage, transfers, roster edits) are imported where they are used: a command's start
# stays the cost of what it does (a test checks that `duty` loads neither phonenumbers nor
# rapidfuzz).
if TYPE_CHECKING:
    from kccdesk.knowledge.search import Catalog
    from kccdesk.storage import Store


class NotAllowed(StorageError):
    """The user may not do this (e.g. edit a roster without being a shift lead)."""


class RosterRefused(StorageError):
    """A roster entry breaks a rule; str() lists the reasons in Dutch."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class ServiceBase:
    """The service. Clients are loaded when first asked for (a command about one client reads
    only that client); a light directory of all clients (id, name, kind, lines) answers the
    client switcher and the screen pop; search indexes are built on first use."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        open_store: Callable[[], Store] | None = None,
        clients: list[Client] | None = None,
        directory: list[ClientHead] | None = None,
        clock: Clock = system_clock,
        actor: Actor | None = None,
    ):
        """Give a store, or a way to open one plus what to show until it is open.

        `clients`: whole clients already at hand (a snapshot, a test); without `directory`
        they are all the clients this desk knows. `directory`: every client's head (from a
        snapshot). Without either, both are read from the store when first needed."""
        if (store is None) == (open_store is None):
            raise TypeError("Desk needs either a store or open_store")
        self._lock = threading.Lock()
        #: held while clients are read and swapped in, never while the interface reads
        self._loading = threading.RLock()
        #: one load of every client at a time; held while it reads, without `_loading`
        self._loading_all = threading.Lock()
        #: raised whenever loaded clients are read again (a load of all started before is
        #: then out of date)
        self._generation = 0
        self._store = store
        self._open_store = open_store
        self.clock = clock
        self.actor = actor or Actor("onbekend")
        loaded = {c.id: c for c in clients or ()}
        heads: dict[str, ClientHead] | None = None
        if directory is not None:
            heads = {h.id: h for h in directory}
            loaded = {cid: c for cid, c in loaded.items() if cid in heads}
        elif clients is not None:
            heads = {cid: c.head for cid, c in loaded.items()}
        # Both mappings are replaced, never changed in place: the interface thread reads
        # them while a background thread re-reads the database.
        self._loaded: Mapping[str, Client] = MappingProxyType(loaded)
        self._heads: Mapping[str, ClientHead] | None = (
            None if heads is None else MappingProxyType(heads)
        )
        #: every client is loaded (the all-clients search, export)
        self._all_loaded = heads is not None and set(loaded) == set(heads)
        self._catalog: Catalog | None = None
        self._search_duty: dict[str, tuple[Client, DutyStatus]] = {}

    @classmethod
    def from_snapshot(
        cls,
        open_store: Callable[[], Store],
        clients: list[Client],
        directory: list[ClientHead] | None = None,
        **kwargs,
    ) -> Self:
        """A desk on the clients of a local snapshot; the store is opened on first use
        (sync() in the background does that right after start-up)."""
        return cls(open_store=open_store, clients=clients, directory=directory, **kwargs)

    @property
    def _db(self) -> Store:
        with self._lock:
            if self._store is None:
                assert self._open_store is not None
                self._store = self._open_store()
            return self._store

    def adopt_database_identity(self) -> None:
        """On PostgreSQL the login is the identity: whether it may edit rosters is the
        database's answer (its role), not the config's; the database enforces it too."""
        found = self._db.identity()
        if found is not None:
            self.actor = Actor(
                found.login,
                found.may_edit_roster,
                from_database=True,
                team_lead=found.team_lead,
                owner=found.owner,
            )

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
