"""The service the command line and the interface share — the only way either reaches data
and rules.

Every write checks its rules and permissions here (or in the domain module the rule belongs
to), so no path — the roster pane, the command line, an import, a script using this class —
can skip one. Every "now" comes from the injected clock. A client is read from the database
when first asked for, so a command about one client costs the same whatever else is stored;
the loaded clients are held as an immutable mapping that is replaced, never changed in place,
so the interface thread can read it while a background thread re-reads the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

from kccdesk import locations
from kccdesk.clock import Clock, system_clock
from kccdesk.errors import StorageError
from kccdesk.model import Client, ClientHead
from kccdesk.roster import DutyStatus, OutOfRange, duty_at

# The rule modules a command may not need (numbers, search, coverage, transfers, roster
# edits) are imported where they are used: a command's start stays the cost of what it does
# (a test checks that `duty` loads neither phonenumbers nor rapidfuzz).
if TYPE_CHECKING:
    from kccdesk.calls import CallSession
    from kccdesk.clientfile import Origins
    from kccdesk.coverage import Gap
    from kccdesk.delivery import Outcome
    from kccdesk.roster_rules import RosterItem
    from kccdesk.search import Catalog, Entry, Hit
    from kccdesk.settings import SmtpSettings
    from kccdesk.storage import AuditRecord, ImportReport, NoteRecord, RosterEntry, Store
    from kccdesk.storage.changes import ChangeFeed
    from kccdesk.transfers import TransferCheck

#: how far back the caller's earlier notes are shown on a screen pop
CALLER_HISTORY_DAYS = 30
#: client ids an "unknown client" error names (it stays one line on a large service)
KNOWN_SHOWN = 12
#: the longest window `gaps` looks ahead (a year)
MAX_GAP_DAYS = 366
#: the duty panel warns of a gap now or within this many hours
GAP_WARNING_HOURS = 12


class NotAllowed(StorageError):
    """The user may not do this (e.g. edit a roster without being a shift lead)."""


class RosterRefused(StorageError):
    """A roster entry breaks a rule; str() lists the reasons in Dutch."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Actor:
    """Who works at this desk or runs this command, and what they may change."""

    user: str
    shift_lead: bool = False
    #: true when the database said so (PostgreSQL login and role), not the local config
    from_database: bool = False


@dataclass(frozen=True)
class Override:
    """One warning an agent overrode (or a transfer the guard stopped)."""

    at: datetime
    client: str
    kind: str  # doorverbonden | notitie | gestopt
    agent: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {
            "at": self.at.isoformat(),
            "client": self.client,
            "kind": self.kind,
            "agent": self.agent,
            "text": self.text,
        }


def open_demo_store() -> Store:
    """The demo database, filled from the bundled client files the first time."""
    from kccdesk.clientfile import load_clients
    from kccdesk.storage import open_store

    store = open_store(locations.demo_database_url())
    if not store.client_ids():
        store.import_clients(load_clients([locations.demo_clients_dir()]), user="demo", sources={})
    return store


def open_database(url: str, demo: bool = False) -> Store:
    """The store on a URL (its schema brought up to date), or the demo database."""
    from kccdesk.storage import open_store

    return open_demo_store() if demo else open_store(url)


def _roster(client: Client) -> tuple[object, ...]:
    """What a shift lead edits: a client's four kinds of roster entry."""
    return (client.shifts, client.extra_shifts, client.absences, client.closures)


class Desk:
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
    ) -> Desk:
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
        rights = self._db.may_edit_roster()
        if rights is not None:
            self.actor = Actor(self._db.login(), rights, from_database=True)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    # --- clients -------------------------------------------------------------------------

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
        raise StorageError(f"onbekende client '{client_id}' (bekend: {known})")

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
        from kccdesk.dialing import clients_matching_digits

        return clients_matching_digits(self.directory, digits)

    def client_for_line(self, dialed: str) -> ClientHead | None:
        """The client whose dialed lines contain this number (the screen pop)."""
        from kccdesk.dialing import client_for_line

        return client_for_line(self.directory, dialed)

    def import_clients(
        self, clients: list[Client], source: str = "import", origins: Origins | None = None
    ) -> ImportReport:
        """Import clients read from files, all or nothing, as audited roster edits.

        Checked against the clients already stored: a dialed line belongs to one client
        (ImportErrors naming file and line). Changing the roster of a client that already
        exists needs a shift lead (NotAllowed); a new client, or one whose roster stays as it
        is, may be imported by anyone. Audit rows say "import <file name>" (from `origins`),
        else `source`."""
        from pathlib import PurePath

        from kccdesk.clientfile import ImportErrors, line_conflicts

        existing = {c.id: c for c in self._db.load_clients()}
        errors = line_conflicts(clients, existing.values(), origins)
        if errors:
            raise ImportErrors(errors)
        touched = [
            c.id for c in clients if c.id in existing and _roster(existing[c.id]) != _roster(c)
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
        )
        self.sync()
        return report

    # --- search and duty -----------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from kccdesk.search import Catalog

            self._catalog = Catalog(source=self.client, ids=lambda: list(self._directory()))
        return self._catalog

    def _scope(self, client_id: str | None, pause: Callable[[], None] | None = None) -> None:
        """Load what a search in this scope needs: the client, or (all clients) every one."""
        if client_id is None:
            self.load_all(pause)
        else:
            self.client(client_id)

    def index_size(self, client_id: str | None, pause: Callable[[], None] | None = None) -> int:
        """Entries a search in this scope goes through (builds the index if needed).

        `pause` is called every few milliseconds of the work of all clients (loading them,
        building their index): a build in a background thread gives the interface thread
        its turn there, which Python's lock between threads would otherwise hand out only
        every 5 ms (sys.getswitchinterval) at every step of a keystroke."""
        self._scope(client_id, pause)
        return len(self.catalog.index(client_id, pause))

    def today(self, client_id: str | None = None) -> datetime:
        """Now, in the client's zone (UTC for all clients)."""
        now = self.clock()
        return now.astimezone(self.client(client_id).zone) if client_id else now

    def search(
        self, query: str, client_id: str | None, limit: int = 10, at: datetime | None = None
    ) -> list[Hit]:
        """Ranked hits; of nearly equal ones people on duty first, absent ones last."""
        at = at or self.clock()
        self._scope(client_id)
        if client_id is not None:
            today = at.astimezone(self.client(client_id).zone).date()
        else:
            today = at.astimezone(UTC).date()
        return self.catalog.search(query, client_id, limit, today, self._duty_rank(at))

    def _duty_rank(self, at: datetime) -> Callable[[Entry], int]:
        """0 on duty (and departments, topics), 1 off duty, 2 absent; asked only about
        nearly equal hits, so duty is worked out only for their clients."""

        def rank(entry: Entry) -> int:
            if entry.kind != "person":
                return 0  # a department or topic is never "off duty"
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
        """Who is on duty at `at` (default now); a moment the roster cannot answer for (near
        the years 1 or 9999) is refused with one line (StorageError)."""
        try:
            return duty_at(self.client(client_id), at or self.clock())
        except OutOfRange as exc:
            raise StorageError(str(exc)) from None

    def gaps(
        self,
        client_id: str | None = None,
        start: date | datetime | None = None,
        days: float = 14,
    ) -> list[Gap]:
        """Coverage shortfalls of one client (or all) from `start` (default now; a day means
        its 00:00 on each client's clock, a time without offset the client's wall clock) for
        `days` days. A window outside the years of client data is refused (StorageError)."""
        from kccdesk.coverage import gaps

        if not 0 < days <= MAX_GAP_DAYS:
            raise StorageError(f"--days moet tussen 1 en {MAX_GAP_DAYS} liggen")
        clients = [self.client(client_id)] if client_id else self.clients
        found: list[Gap] = []
        for client in clients:
            begin = self._moment(client, start)
            found.extend(gaps(client, begin, begin + timedelta(days=days)))
        return found

    def _moment(self, client: Client, start: date | datetime | None) -> datetime:
        from kccdesk.roster_rules import FIRST_DAY, LAST_DAY

        if start is None:
            moment = self.clock().astimezone(client.zone)
        elif isinstance(start, datetime):
            moment = start if start.tzinfo else start.replace(tzinfo=client.zone)
        else:
            moment = datetime.combine(start, time(0), tzinfo=client.zone)
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise StorageError(
                f"tijdstip {moment.date().isoformat()} ligt buiten {FIRST_DAY.year}–{LAST_DAY.year}"
            )
        return moment

    def gaps_soon(
        self, client_id: str, at: datetime | None = None, hours: float = GAP_WARNING_HOURS
    ) -> list[Gap]:
        """The client's gaps at `at` (default now) or within the next `hours` (the duty
        panel's warning, the transfer guard's note offer)."""
        return self.gaps(client_id, at or self.clock(), days=hours / 24)

    def check_transfer(
        self, client_id: str, person_id: str, status: DutyStatus | None = None
    ) -> TransferCheck:
        """The transfer guard (kccdesk.transfers) on the roster of now."""
        from kccdesk.coverage import describe_gap
        from kccdesk.transfers import check_transfer

        client = self.client(client_id)
        status = status or self.duty(client_id)
        now = self.gaps(client_id, status.at, days=1 / 1440) if client.coverage else []
        gap = describe_gap(now[0]) if now and now[0].start <= status.at else ""
        return check_transfer(client, person_id, status, gap)

    # --- notes -------------------------------------------------------------------------

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
        replaces: int | None = None,
    ) -> NoteRecord:
        """Check every rule, then store; raises NoteRefused with the reason. `replaces` is a
        failed note this one takes the place of (re-sent, perhaps to someone else)."""
        from kccdesk.notes import check_note

        now = self.clock()
        checked = check_note(
            self.client(client_id),
            recipient,
            caller_name,
            phone,
            message,
            urgency=urgency,
            agent=agent,
            at=now,
            allow_absent=keep_absent_recipient,
        )
        saved = self._db.add_note(checked, at=now, override=checked.override)
        if replaces is not None:
            self._db.mark_replaced(replaces)
        return saved

    def notes(self, client_id: str | None = None, limit: int | None = None) -> list[NoteRecord]:
        return self._db.notes(client_id, limit=limit)

    def notes_today(self, client_id: str | None = None) -> list[NoteRecord]:
        local = self.today(client_id)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return self._db.notes(client_id, since=midnight)

    def caller_notes(self, caller: str, client_id: str) -> list[NoteRecord]:
        """The caller's notes for this client of the last days, newest first (screen pop);
        never another client's (a GP's callback is not the municipality's business)."""
        since = self.clock() - timedelta(days=CALLER_HISTORY_DAYS)
        return self._db.notes(client_id, caller_phone=caller, since=since, limit=10)

    def failed_notes(self, limit: int = 50) -> list[NoteRecord]:
        """Notes the mail server refused (or that could not be composed), newest first: they
        need an agent until they are handled."""
        return self._db.notes(status="failed", limit=limit)

    def deliver_due(self, smtp: SmtpSettings) -> list[Outcome]:
        """One pass of the outbox (kccdesk.delivery)."""
        from kccdesk.delivery import deliver_due

        return deliver_due(self._db, _ClientLookup(self), smtp, self.clock())

    def purge_expired(self, retention_days: int) -> dict[str, int]:
        """Delete notes and call logs older than the retention period (personal data)."""
        try:
            cutoff = self.clock() - timedelta(days=retention_days)
        except OverflowError:
            raise StorageError(f"bewaartermijn van {retention_days} dagen is te lang") from None
        return self._db.purge(cutoff)

    # --- calls -------------------------------------------------------------------------

    def log_call(self, call: CallSession, agent: str, ended: datetime | None = None) -> None:
        """Write a finished call to the call log (ended now, or when the softphone said)."""
        call.log_into(self._db, ended or self.clock(), agent)

    def overrides(self, client_id: str | None = None, days: int = 7) -> list[Override]:
        """What agents knowingly did against a warning, and the transfers the guard stopped,
        newest first: the list a shift lead or team lead goes through."""
        since = self.clock() - timedelta(days=days)
        found = [
            Override(c.started_at, c.client, "doorverbonden", c.agent, c.warnings_overridden)
            for c in self._db.calls(client_id, since=since)
            if c.warnings_overridden
        ]
        found += [
            Override(c.started_at, c.client, "gestopt", c.agent, c.stopped)
            for c in self._db.calls(client_id, since=since)
            if c.stopped
        ]
        found += [
            Override(n.created_at, n.client, "notitie", n.agent, f"#{n.id}: {n.override}")
            for n in self._db.notes(client_id, since=since)
            if n.override
        ]
        return sorted(found, key=lambda o: o.at, reverse=True)

    # --- roster editing ------------------------------------------------------------------

    def roster_entries(self, client_id: str) -> list[RosterEntry]:
        return self._db.roster_entries(client_id)

    def roster_history(self, client_id: str, kind: str, entry_id: int) -> list[AuditRecord]:
        return self._db.roster_history(client_id, kind, entry_id)

    def _require_shift_lead(self) -> None:
        if not self.actor.shift_lead:
            raise NotAllowed(
                f"alleen roosterbeheerders mogen het rooster wijzigen ('{self.actor.user}' is "
                "dat niet)"
            )

    def save_roster_entry(
        self, client_id: str, item: RosterItem, entry: RosterEntry | None = None
    ) -> RosterEntry:
        """Add an entry (no `entry`) or change one, after the roster rules and the permission
        check; a change made by someone else since `entry` was read is refused (StaleEntry)."""
        from kccdesk.roster_rules import entry_problems, kind_of

        self._require_shift_lead()
        client = self.client(client_id)
        current = self._db.roster_entries(client_id)
        kind = kind_of(item)
        others = [
            e.item for e in current if e.kind == kind.name and (entry is None or e.id != entry.id)
        ]
        problems = entry_problems(client, item, others)
        if problems:
            raise RosterRefused(problems)
        saved = self._db.save_roster_entry(
            client_id,
            item,
            self.actor.user,
            entry.id if entry else None,
            entry.version if entry else None,
            now=self.clock(),
        )
        self.reload(client_id)
        return saved

    def remove_roster_entry(self, client_id: str, entry: RosterEntry) -> None:
        self._require_shift_lead()
        self._db.remove_roster_entry(
            client_id, entry.kind, entry.id, entry.version, self.actor.user, now=self.clock()
        )
        self.reload(client_id)

    # --- following other desks -------------------------------------------------------------

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


class _ClientLookup(Mapping[str, Client]):
    """The desk's clients as a mapping that loads a client when it is looked up."""

    def __init__(self, desk: Desk):
        self._desk = desk

    def __getitem__(self, client_id: str) -> Client:
        if not self._desk.has_client(client_id):
            raise KeyError(client_id)
        return self._desk.client(client_id)

    def __iter__(self):
        return iter(self._desk._directory())

    def __len__(self) -> int:
        return len(self._desk._directory())
