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
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kccdesk.clients.model import Absence, Client, ClientHead
from kccdesk.core import locations
from kccdesk.core.actor import Actor
from kccdesk.core.clock import Clock, system_clock
from kccdesk.core.errors import InputError, StorageError
from kccdesk.duty.roster import DutyStatus, OutOfRange, duty_at
from kccdesk.teamlead.review import STOPPED, Override

# The rule modules a command may not need (numbers, search, coverage, transfers, roster
# edits) are imported where they are used: a command's start stays the cost of what it does
# (a test checks that `duty` loads neither phonenumbers nor rapidfuzz).
if TYPE_CHECKING:
    from kccdesk.calls.session import CallSession
    from kccdesk.calls.transfers import TransferCheck
    from kccdesk.clientfile import Origins
    from kccdesk.core.settings import SmtpSettings
    from kccdesk.duty.coverage import Gap
    from kccdesk.duty.kinds import RosterItem
    from kccdesk.knowledge.search import Catalog, Entry, Hit
    from kccdesk.notes.delivery import Outcome
    from kccdesk.records import CallRecord, FeedbackRecord
    from kccdesk.storage import AuditRecord, ImportReport, NoteRecord, RosterEntry, Store
    from kccdesk.storage.changes import ChangeFeed
    from kccdesk.teamlead.feedback import FeedbackChange
    from kccdesk.teamlead.indicators import Indicators, IsoWeek, WeekPoint
    from kccdesk.teamlead.patterns import Pattern
    from kccdesk.teamlead.reconstruction import Reconstruction
    from kccdesk.teamlead.report import ClientReport
    from kccdesk.teamlead.review import Review

#: how far back the caller's earlier notes are shown on a screen pop
CALLER_HISTORY_DAYS = 30
#: client ids an "unknown client" error names (it stays one line on a large service)
KNOWN_SHOWN = 12
#: the longest window `gaps` looks ahead (a year)
MAX_GAP_DAYS = 366
#: the answering service's own calendar (its review day), whatever the clients' zones
SERVICE_ZONE = ZoneInfo("Europe/Amsterdam")
#: the duty panel warns of a gap now or within this many hours
GAP_WARNING_HOURS = 12
#: the longest weekly series a chart asks for (two years)
MAX_SERIES_WEEKS = 104
#: more numbers than this are not listed in one query (database parameter limits)
MAX_LISTED_CALLERS = 900
#: feedback about a week's calls may be dated up to this long before the first of them
FEEDBACK_REACH = timedelta(days=7)


class NotAllowed(StorageError):
    """The user may not do this (e.g. edit a roster without being a shift lead)."""


class RosterRefused(StorageError):
    """A roster entry breaks a rule; str() lists the reasons in Dutch."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def open_demo_store(clock: Clock = system_clock, history: bool = True) -> Store:
    """The demo database, filled from the bundled client files the first time and (unless
    `history` is false: the desk writes it after its first screen) with a fortnight of calls,
    notes and feedback before the clock's now (kccdesk.service.demo_history)."""
    from kccdesk.clientfile import load_clients
    from kccdesk.service.demo_history import DAYS
    from kccdesk.storage import open_store

    store = open_store(locations.demo_database_url())
    if not store.client_ids():
        clients = load_clients([locations.demo_clients_dir()])
        # The roster as it stood before the history: imported a day before its first call.
        before = clock() - timedelta(days=DAYS + 1)
        store.import_clients(clients, user="demo", sources={}, now=before)
    if history:
        Desk(store, clock=clock).fill_demo_history()
    return store


def open_database(
    url: str, demo: bool = False, clock: Clock = system_clock, history: bool = True
) -> Store:
    """The store on a URL (its schema brought up to date), or the demo database."""
    from kccdesk.storage import open_store

    return open_demo_store(clock, history) if demo else open_store(url)


def _roster(client: Client) -> tuple[object, ...]:
    """What a shift lead edits: every kind of roster entry (the one list of kinds), so an
    import that changes coverage needs a shift lead as the pane does."""
    from kccdesk.duty.kinds import KINDS, items_of

    return tuple(items_of(client, kind) for kind in KINDS)


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
            team_lead = bool(self._db.is_team_lead())
            owner = bool(self._db.owns_data())
            self.actor = Actor(
                self._db.login(), rights, from_database=True, team_lead=team_lead, owner=owner
            )

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
        from kccdesk.clients.dialing import clients_matching_digits

        return clients_matching_digits(self.directory, digits)

    def client_for_line(self, dialed: str) -> ClientHead | None:
        """The client whose dialed lines contain this number (the screen pop)."""
        from kccdesk.clients.dialing import client_for_line

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
        from kccdesk.duty.rules import replacement_warnings

        report.warnings.extend(
            f"{client.id}: {warning}"
            for client in clients
            for warning in replacement_warnings(client)
        )
        return report

    # --- search and duty -----------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from kccdesk.knowledge.search import Catalog

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
        replacements: bool = False,
    ) -> list[Gap]:
        """Coverage shortfalls of one client (or all) from `start` (default now; a day means
        its 00:00 on each client's clock, a time without offset the client's wall clock) for
        `days` days; with `replacements` also the periods in which an absent person's
        replacement is away too. A window outside the years of client data is refused
        (StorageError)."""
        from kccdesk.duty.coverage import gaps, replacement_gaps

        if not 0 < days <= MAX_GAP_DAYS:
            raise StorageError(f"--days moet tussen 1 en {MAX_GAP_DAYS} liggen")
        clients = [self.client(client_id)] if client_id else self.clients
        found: list[Gap] = []
        for client in clients:
            begin = self._moment(client, start)
            found.extend(gaps(client, begin, begin + timedelta(days=days)))
            if replacements:
                found.extend(replacement_gaps(client, begin, begin + timedelta(days=days)))
        return found

    def _moment(self, client: Client, start: date | datetime | None) -> datetime:
        from kccdesk.duty.rules import FIRST_DAY, LAST_DAY

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
        """The transfer guard (kccdesk.calls.transfers) on the roster of now."""
        from kccdesk.calls.transfers import check_transfer
        from kccdesk.duty.coverage import describe_gap

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
        call: str = "",
    ) -> NoteRecord:
        """Check every rule, then store with what the desk showed; raises NoteRefused with the
        reason. `replaces` is a failed note this one takes the place of (re-sent, perhaps to
        someone else); `call` the id of the call it was taken in."""
        from kccdesk.notes.rules import check_note

        now = self.clock()
        client = self.client(client_id)
        checked = check_note(
            client,
            recipient,
            caller_name,
            phone,
            message,
            urgency=urgency,
            agent=self.actor.author(agent),
            at=now,
            allow_absent=keep_absent_recipient,
        )
        shown = self.shown(
            client_id, checked.addressed_to or checked.recipient, checked.override, now
        )
        saved = self._db.add_note(
            checked, at=now, override=checked.override, call_uuid=call, shown=shown
        )
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
        """Notes the mail server refused (or that could not be composed), and those it took
        without ever answering (perhaps delivered), newest first: they need an agent until
        they are handled."""
        from kccdesk.records import NEEDS_AGENT

        return self._db.notes(status=NEEDS_AGENT, limit=limit)

    def deliver_due(self, smtp: SmtpSettings) -> list[Outcome]:
        """One pass of the outbox (kccdesk.notes.delivery)."""
        from kccdesk.notes.delivery import deliver_due

        return deliver_due(self._db, _ClientLookup(self), smtp, self.clock(), self.clock)

    def fill_demo_history(self) -> bool:
        """Write the demo's fortnight of history if this demo database has none yet (it
        always holds feedback once written); True when it was written now."""
        from kccdesk.service.demo_history import fill

        if self._db.feedback() or self._db.calls(limit=1):
            return False
        fill(self._db, self.clients, self.clock())
        return True

    def purge_at_start(self, retention_days: int) -> None:
        """A desk purges at its start only where its user owns the data (SQLite: the OS
        account's own file). On PostgreSQL retention is the retention role's job (`kccdesk
        purge` on a timer): no desk's config can empty the team's notes."""
        if self._db.may_purge() is None:
            self.purge_expired(retention_days)

    def purge_expired(self, retention_days: int) -> dict[str, int]:
        """Delete notes and call logs older than the retention period (personal data); on
        PostgreSQL only for the owner and the retention role."""
        if self._db.may_purge() is False:
            raise NotAllowed(
                f"alleen de beheerder of de rol retention verwijdert notities en gesprekken "
                f"('{self.actor.user}' heeft die rol niet; kccdesk db grant LOGIN retention)"
            )
        try:
            cutoff = self.clock() - timedelta(days=retention_days)
        except OverflowError:
            raise StorageError(f"bewaartermijn van {retention_days} dagen is te lang") from None
        return self._db.purge(cutoff)

    # --- calls -------------------------------------------------------------------------

    def log_call(self, call: CallSession, agent: str, ended: datetime | None = None) -> None:
        """Write a finished call to the call log (ended now, or when the softphone said),
        with what the desk showed when the agent acted (at the call's start when the screen
        did not record it then)."""
        shown = None
        if call.shown is None and self.has_client(call.client):
            shown = self.shown(call.client, call.acted_on, "; ".join(call.overrides), call.started)
        call.log_into(self._db, ended or self.clock(), self.actor.author(agent), shown)

    def shown(
        self, client_id: str, person: str = "", warning: str = "", at: datetime | None = None
    ) -> dict[str, object] | None:
        """What the call screen shows for this client at `at` (default now), as stored with
        calls and notes for a later review (kccdesk.calls.shown); None when it cannot be known."""
        from kccdesk.calls.shown import shown_now
        from kccdesk.notes.rules import instructions_version

        try:
            client = self.client(client_id)
            status = self.duty(client_id, at or self.clock())
        except StorageError:
            return None
        return shown_now(client, status, instructions_version(client), person, warning).as_dict()

    def overrides(self, client_id: str | None = None, days: int = 7) -> list[Override]:
        """What agents knowingly did against a warning, and the transfers the guard stopped,
        newest first: the list a shift lead or team lead goes through."""
        from kccdesk.calls.session import overrides_of

        since = self.clock() - timedelta(days=days)
        calls = self._db.calls(client_id, since=since)
        notes = [n for n in self._db.notes(client_id, since=since) if n.override]
        # A note's override is listed with the note; its call repeats it, so not twice.
        of_notes = {(n.call_uuid, n.override) for n in notes if n.call_uuid}
        found = []
        for c in calls:
            own = [w for w in overrides_of(c.warnings_overridden) if (c.uuid, w) not in of_notes]
            if own:
                text = " · ".join(own)
                found.append(Override(c.started_at, c.client, "doorverbonden", c.agent, text))
            if c.stopped:
                text = self._named_stops(c.client, c.stopped)
                found.append(Override(c.started_at, c.client, STOPPED, c.agent, text))
        found += [
            Override(n.created_at, n.client, "notitie", n.agent, f"#{n.id}: {n.override}")
            for n in notes
        ]
        return sorted(found, key=lambda o: o.at, reverse=True)

    def _named_stops(self, client_id: str, stopped: str) -> str:
        """'jdekker: geen dienst; …' as people read it: 'Jelle Dekker: geen dienst · …'."""
        if not self.has_client(client_id):
            return stopped
        client = self.client(client_id)
        parts = []
        for part in stopped.split("; "):
            person, sep, reason = part.partition(": ")
            parts.append(f"{client.person_name(person)}{sep}{reason}" if sep else part)
        return " · ".join(parts)

    # --- feedback and the team lead's review ----------------------------------------------

    def _require_feedback_rights(self) -> None:
        if not self.actor.may_record_feedback:
            raise NotAllowed(
                f"alleen roosterbeheerders en teamleiders houden het feedbacklog bij "
                f"('{self.actor.user}' is dat niet)"
            )

    def _require_team_lead(self) -> None:
        if not self.actor.team_lead:
            raise NotAllowed(
                f"alleen teamleiders zien het dagoverzicht en de rapportage ('{self.actor.user}' "
                "is dat niet; SQLite: zet de gebruiker in team_leads, PostgreSQL: rol team_lead)"
            )

    def feedback_candidates(
        self, client_id: str, day: date, phone: str = "", recipient: str = ""
    ) -> tuple[list[NoteRecord], list[CallRecord]]:
        """The notes and calls of that day (the client's calendar day) that fit the caller's
        number and/or the person it went to: what a feedback item may be about."""
        from kccdesk.teamlead.feedback import matching

        client = self.client(client_id)
        if phone:
            from kccdesk.clients.phones import check

            checked = check(phone, client.country)
            if not checked.valid:
                shown = phone if len(phone) <= 30 else phone[:29] + "…"
                raise StorageError(f"'{shown}' is geen geldig telefoonnummer: {checked.error}")
            phone = checked.e164 or phone
        if recipient and client.person(recipient) is None:
            raise StorageError(f"onbekende persoon '{recipient}' bij {client_id}")
        since = datetime.combine(day, time(0), tzinfo=client.zone)
        until = datetime.combine(day + timedelta(days=1), time(0), tzinfo=client.zone)
        notes = self._db.notes(client_id, since=since, until=until)
        calls = self._db.calls(client_id, since=since, until=until)
        return matching(notes, calls, phone, recipient)

    def add_feedback(
        self,
        client_id: str,
        category: str,
        said: str,
        *,
        at: datetime | None = None,
        note_id: int | None = None,
        call_id: int | None = None,
        person: str = "",
        cause: str = "onbekend",
    ) -> FeedbackRecord:
        """Record client feedback after its rules (kccdesk.teamlead.feedback); FeedbackRefused or
        StorageError (unknown note or call) say why nothing was stored."""
        from kccdesk.teamlead.feedback import check_new

        self._require_feedback_rights()
        client = self.client(client_id)
        note = self._db.note(note_id) if note_id is not None else None
        call = None
        if call_id is not None:
            call = self._db.call(call_id)
            if call is None:
                raise StorageError(f"onbekend gesprek {call_id}")
        checked = check_new(
            client,
            category=category,
            said=said,
            now=self.clock(),
            happened_at=at,
            note=note,
            call=call,
            person=person,
            cause=cause,
        )
        return self._db.add_feedback(checked, user=self.actor.user, at=self.clock())

    def feedback_item(self, feedback_id: int) -> FeedbackRecord:
        return self._db.feedback_item(feedback_id)

    def feedback(
        self,
        client_id: str | None = None,
        days: int | None = None,
        open_only: bool = False,
    ) -> list[FeedbackRecord]:
        """Feedback newest event first: of one client or all, of the last `days`, or only the
        items still open."""
        from kccdesk.teamlead.feedback import OPEN_STATUSES

        if client_id:
            self.client(client_id)  # an unknown client is an error, not an empty list
        since = self.clock() - timedelta(days=days) if days else None
        return self._db.feedback(
            client_id, since=since, statuses=OPEN_STATUSES if open_only else ()
        )

    def update_feedback(
        self, feedback_id: int, change: FeedbackChange, seen: FeedbackRecord | None = None
    ) -> FeedbackRecord:
        """Set status, action, owner or cause after the rules (an action needs an owner).
        With `seen`, the item as the editor read it, a change made by someone else since is
        refused (StaleFeedback) instead of overwritten."""
        from kccdesk.teamlead.feedback import check_change

        self._require_feedback_rights()
        current = seen or self._db.feedback_item(feedback_id)
        checked = check_change(change, current.action, current.owner, current.status)
        return self._db.update_feedback(
            feedback_id, checked, user=self.actor.user, at=self.clock(), seen=current
        )

    def reconstruct(self, feedback_id: int) -> Reconstruction:
        """The item joined with its note or call, what the desk showed then and the roster
        changes around it (kccdesk.teamlead.reconstruction)."""
        from kccdesk.teamlead.reconstruction import AUDIT_WINDOW

        item = self._db.feedback_item(feedback_id)
        return self._reconstruct(item, AUDIT_WINDOW)

    def _reconstruct(self, item: FeedbackRecord, window: timedelta) -> Reconstruction:
        from kccdesk.teamlead.reconstruction import reconstruct

        client = self.client(item.client)
        note = call = None
        if item.note_id is not None:
            try:
                note = self._db.note(item.note_id)
            except StorageError:
                note = None  # purged after the retention period
        if item.call_id is not None:
            call = self._db.call(item.call_id)
        if call is None and note is not None and note.call_uuid:
            call = self._db.call_by_uuid(note.call_uuid)
        event = note.created_at if note else call.started_at if call else item.happened_at
        audit = self._db.roster_audit(item.client, event - window, event + window)
        return reconstruct(client, item, note, call, audit)

    def patterns(
        self, client_id: str | None = None, until: datetime | None = None
    ) -> list[Pattern]:
        """Recurring causes in the fortnight up to `until` (default now)."""
        from kccdesk.teamlead.patterns import WINDOW, recurring

        until = until or self.clock()
        items = self._db.feedback(
            client_id, since=until - WINDOW, until=until + timedelta(microseconds=1)
        )
        late = {i.id for i in items if self._late(i)}
        clients = {cid: self.client(cid) for cid in {i.client for i in items}}
        return recurring(items, clients, until, late)

    def _late(self, item: FeedbackRecord) -> bool:
        """Whether the client's roster change for this item reached us after the call."""
        from kccdesk.teamlead.reconstruction import AUDIT_WINDOW

        if item.note_id is None and item.call_id is None:
            return False
        return bool(self._reconstruct(item, AUDIT_WINDOW).late_changes)

    def review(self, day: date | None = None) -> Review:
        """The team lead's daily review of `day` (default yesterday, on the service's clock):
        that day's feedback and every open item, overridden warnings, failed notes, patterns."""
        from kccdesk.teamlead.feedback import OPEN_STATUSES
        from kccdesk.teamlead.review import build_review

        self._require_team_lead()
        now = self.clock()
        day = day or (now.astimezone(SERVICE_ZONE).date() - timedelta(days=1))
        start = datetime.combine(day, time(0), tzinfo=SERVICE_ZONE)
        end = start + timedelta(days=1)
        recent = self._db.feedback(since=start, until=end)
        still_open = self._db.feedback(statuses=OPEN_STATUSES)
        items = {i.id: i for i in [*recent, *still_open]}
        feedback = sorted(items.values(), key=lambda i: i.happened_at, reverse=True)
        overrides = [
            o for o in self.overrides(days=max(1, (now - start).days + 1)) if start <= o.at < end
        ]
        failed = self.failed_notes()
        names = {h.id: h.name for h in self.directory}
        return build_review(day, names, feedback, self.patterns(until=now), overrides, failed)

    # --- indicators and the client report --------------------------------------------------

    def _report_week(self, client: Client, week: str | IsoWeek | None) -> IsoWeek:
        """A week as text ('2026-W48') or IsoWeek; None: last week on the client's clock."""
        from kccdesk.teamlead.indicators import IsoWeek, parse_week

        if week is None:
            return IsoWeek.containing(self.clock(), client.zone).shifted(-1)
        return parse_week(week) if isinstance(week, str) else week

    def _activity(
        self, client: Client, weeks: list[IsoWeek], feedback_since: datetime | None = None
    ) -> tuple[list[CallRecord], list[NoteRecord], list[FeedbackRecord]]:
        """What these weeks' indicators need, one query per kind for all of them: calls and
        notes as far as `indicators.reach`, feedback from a week before (an item's moment may
        precede its call) or `feedback_since`, whichever is earlier."""
        from kccdesk.teamlead.indicators import callers_of, reach

        span = reach(weeks, client.zone)
        calls = self._db.calls(client.id, since=span.since, until=span.until, shown=False)
        callers = callers_of(calls)
        if callers:  # who called again: few rows, however busy the client's line
            few = len(callers) <= MAX_LISTED_CALLERS
            calls += self._db.calls(
                client.id,
                since=span.until,
                until=span.repeats_until,
                callers=callers if few else None,
                shown=False,
            )
        notes = self._db.notes(client.id, since=span.since, until=span.notes_until, shown=False)
        earliest = span.since - FEEDBACK_REACH
        if feedback_since is not None:
            earliest = min(earliest, feedback_since)
        return calls, notes, self._db.feedback(client.id, since=earliest)

    def indicators(self, client_id: str, week: str | IsoWeek | None = None) -> Indicators:
        """The client's figures for one ISO week (default last week), team leads only."""
        from kccdesk.teamlead.indicators import compute

        self._require_team_lead()
        client = self.client(client_id)
        found = self._report_week(client, week)
        calls, notes, feedback = self._activity(client, [found])
        return compute(client.id, found, client.zone, calls, notes, feedback, self.clock())

    def weekly_series(
        self, client_id: str, weeks: int = 8, last: str | IsoWeek | None = None
    ) -> list[WeekPoint]:
        """(week, calls, first-time-right %, feedback) for `weeks` weeks up to `last` (default
        last week: a running week would show as a dip), oldest first: the review's chart."""
        from kccdesk.teamlead.indicators import series

        self._require_team_lead()
        if not 1 <= weeks <= MAX_SERIES_WEEKS:
            raise InputError(f"aantal weken {weeks}: kies 1 tot en met {MAX_SERIES_WEEKS}")
        client = self.client(client_id)
        final = self._report_week(client, last)
        span = [final.shifted(-n) for n in range(weeks - 1, -1, -1)]
        calls, notes, feedback = self._activity(client, span)
        return series(client.id, span, client.zone, calls, notes, feedback, self.clock())

    def report(self, client_id: str, week: str | IsoWeek | None = None) -> ClientReport:
        """The client report of one week (default last week), team leads only: indicators, the
        week's feedback, the patterns that recurred during the week (a fortnight's window
        ending in it) and what we ask of the client. A handful of queries per client-week,
        none per call."""
        from kccdesk.teamlead.indicators import compute
        from kccdesk.teamlead.patterns import WINDOW, recurring
        from kccdesk.teamlead.report import build_report

        self._require_team_lead()
        client = self.client(client_id)
        found = self._report_week(client, week)
        start, end = found.bounds(client.zone)
        now = self.clock()
        calls, notes, feedback = self._activity(client, [found], feedback_since=start - WINDOW)
        figures = compute(client.id, found, client.zone, calls, notes, feedback, now)
        window = [i for i in feedback if start - WINDOW < i.happened_at < end]
        rebuilt = self._reconstruct_all(client, window, calls)
        late = {i for i, r in rebuilt.items() if r.late_changes}
        # What recurred during the week, though it may have begun the week before.
        last = end - timedelta(microseconds=1)
        patterns = recurring(window, {client.id: client}, last, late, since=start)
        week_items = [i for i in window if start <= i.happened_at < end]
        return build_report(client, figures, week_items, rebuilt, patterns, now)

    def _reconstruct_all(
        self,
        client: Client,
        items: list[FeedbackRecord],
        calls: list[CallRecord],
    ) -> dict[int, Reconstruction]:
        """The reconstructions `_reconstruct` makes of the linked items, from one read of
        their notes and calls (found through the light records at hand; one lookup each only
        for those outside them) and one read of the roster audit."""
        from kccdesk.teamlead.reconstruction import AUDIT_WINDOW, reconstruct

        items = [i for i in items if i.note_id is not None or i.call_id is not None]
        if not items:
            return {}
        note_ids = {i.note_id for i in items if i.note_id is not None}
        notes = self._db.notes(client.id, ids=note_ids) if note_ids else []
        notes_by_id = {n.id: n for n in notes}
        light_by_uuid = {c.uuid: c for c in calls if c.uuid}
        call_ids = {i.call_id for i in items if i.call_id is not None} | {
            light_by_uuid[n.call_uuid].id
            for n in notes_by_id.values()
            if n.call_uuid in light_by_uuid
        }
        full = self._db.calls(client.id, ids=call_ids) if call_ids else []
        calls_by_id = {c.id: c for c in full}
        calls_by_uuid = {c.uuid: c for c in calls_by_id.values() if c.uuid}
        linked = []
        for item in items:
            note = call = None
            if item.note_id is not None:
                note = notes_by_id.get(item.note_id)
                if note is None:
                    try:
                        note = self._db.note(item.note_id)
                    except StorageError:
                        note = None  # purged after the retention period
            if item.call_id is not None:
                call = calls_by_id.get(item.call_id) or self._db.call(item.call_id)
            if call is None and note is not None and note.call_uuid:
                call = calls_by_uuid.get(note.call_uuid) or self._db.call_by_uuid(note.call_uuid)
            event = note.created_at if note else call.started_at if call else item.happened_at
            linked.append((item, note, call, event))
        audit = self._db.roster_audit(
            client.id,
            min(e for *_, e in linked) - AUDIT_WINDOW,
            max(e for *_, e in linked) + AUDIT_WINDOW,
        )
        return {
            item.id: reconstruct(
                client,
                item,
                note,
                call,
                [a for a in audit if event - AUDIT_WINDOW <= a.at < event + AUDIT_WINDOW],
            )
            for item, note, call, event in linked
        }

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
        from kccdesk.duty.kinds import kind_of
        from kccdesk.duty.rules import entry_problems

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

        def still_sound(committed: list[RosterItem]) -> None:
            """The same rules against what is committed, under the client's lock."""
            problems = entry_problems(client, item, committed)
            if problems:
                raise RosterRefused(problems)

        saved = self._db.save_roster_entry(
            client_id,
            item,
            self.actor.user,
            entry.id if entry else None,
            entry.version if entry else None,
            now=self.clock(),
            check=still_sound,
        )
        self.reload(client_id)
        if isinstance(item, Absence):
            from dataclasses import replace

            from kccdesk.duty.rules import replacement_warnings

            warnings = replacement_warnings(self.client(client_id), about=item)
            saved = replace(saved, warnings=tuple(warnings))
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
