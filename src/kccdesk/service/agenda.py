"""Calendar feeds: reading each person's agenda into the roster (`kccdesk agenda sync`, and
the desk and `kccdesk serve` in the background)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kccdesk.agenda.events import FeedError, FeedRead, read_feed
from kccdesk.agenda.fetch import Fetched, fetch
from kccdesk.agenda.sync import Plan, basis, gone_with_the_feed, plan, window
from kccdesk.clients.model import Client, Person
from kccdesk.service.reports import ReportService

#: a feed is read at most once in this time by all desks and servers of a team together
SYNC_EVERY = timedelta(minutes=5)
#: feeds fetched at once (each waits on its server, not on this machine)
FETCHERS = 8


@dataclass(frozen=True)
class FeedOutcome:
    """What one sync did with one person's feed, for one line of `kccdesk agenda sync`."""

    client: str
    person: str
    name: str
    #: "bijgewerkt" (read, entries replaced as needed), "ongewijzigd" (304 / same file),
    #: "fout" (nothing changed), "later" (another desk read it just now)
    status: str
    message: str = ""
    added: int = 0
    removed: int = 0
    busy: int = 0
    #: feed absences a shift lead's own entries overrule
    overruled: int = 0
    skipped: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return self.status == "fout"


@dataclass(frozen=True)
class _Read:
    fetched: Fetched | None = None
    read: FeedRead | None = None
    error: str = ""
    #: read from the body kept of an unchanged feed (planned again on changed ground)
    kept: bool = False


class AgendaService(ReportService):
    def may_sync_agendas(self) -> bool:
        """Whether this desk writes what the feeds say: on PostgreSQL a shift lead's login or
        the owner (the database refuses roster writes to an agent's); on SQLite the user
        whose file it is."""
        actor = self.actor
        return not actor.from_database or actor.shift_lead or actor.owner

    def sync_agendas(
        self,
        client_id: str | None = None,
        *,
        every: timedelta = timedelta(0),
        fetcher: Callable[..., Fetched] = fetch,
    ) -> list[FeedOutcome]:
        """Read the feeds of one client's people (or everyone's) and bring the roster in line:
        feed absences added and removed (audited, source "agenda"), appointments replaced,
        each feed's state kept. A feed that fails changes nothing but its state line, and the
        others still sync. `every`: skip a feed tried less than that ago (the background
        sync; the command line reads every feed now)."""
        now = self.clock()
        db = self._db
        if client_id is not None:
            clients = [db.load_client(client_id)]
        else:  # only the clients with feeds, read fresh (a shift lead's last edit counts)
            clients = [c for cid in db.agenda_clients() if (c := db.find_client(cid)) is not None]
        work: list[tuple[Client, Person]] = []
        for client in clients:
            people = [p for p in client.people if p.agenda]
            with_feed = {p.id for p in people}
            ahead = tuple(
                a
                for pid in {a.person for a in client.absences if a.source} - with_feed
                for a in gone_with_the_feed(client, pid, now)
            )
            if ahead or {f.person for f in client.feeds} - with_feed:
                db.forget_feeds(client.id, with_feed, ahead, now)
            work.extend((client, p) for p in people)
        outcomes: list[FeedOutcome] = []
        claimed = []
        for client, person in work:
            if db.claim_feed(client.id, person.id, person.agenda, now, every):
                claimed.append((client, person))
            else:
                outcomes.append(FeedOutcome(client.id, person.id, person.name, "later"))
        if not claimed:
            return outcomes

        def read(job: tuple[Client, Person]) -> _Read:
            client, person = job
            state = client.feed_of(person.id)
            same_url = state is not None and state.url == person.agenda and state.ok_at
            first, last = window(now)
            try:
                fetched = fetcher(
                    person.agenda,
                    state.etag if same_url and state else "",
                    state.last_modified if same_url and state else "",
                )
                if fetched.data is None:
                    if state is None or state.basis == basis(client, person.id):
                        return _Read(fetched)
                    # Unchanged feed, changed ground (a shift lead's entry, the client's
                    # policy, the replacement): planned again from the body kept of it.
                    kept = db.feed_body(client.id, person.id)
                    if kept is None:
                        return _Read(fetched)
                    return _Read(fetched, read_feed(kept, client.zone, first, last), kept=True)
                return _Read(fetched, read_feed(fetched.data, client.zone, first, last))
            except FeedError as exc:
                return _Read(error=str(exc))
            except Exception as exc:  # never one feed's surprise for all the others
                return _Read(error=f"agenda onleesbaar ({type(exc).__name__})")

        with ThreadPoolExecutor(max_workers=min(FETCHERS, len(claimed))) as pool:
            results = list(pool.map(read, claimed))
        touched: set[str] = set()
        for (client, person), result in zip(claimed, results, strict=True):
            outcomes.append(self._apply(client, person, result, now))
            touched.add(client.id)
        for cid in sorted(touched):
            self.reload(cid)
        return outcomes

    def _apply(self, client: Client, person: Person, result: _Read, now: datetime) -> FeedOutcome:
        db = self._db
        done = (client.id, person.id, person.name)
        if result.error:
            db.feed_failed(client.id, person.id, result.error, now)
            return FeedOutcome(*done, status="fout", message=result.error)
        assert result.fetched is not None
        if result.read is None:
            db.feed_unchanged(client.id, person.id, now)
            return FeedOutcome(*done, status="ongewijzigd")
        read = result.read
        if client.person(person.id) is None:
            db.feed_failed(client.id, person.id, f"onbekende persoon '{person.id}'", now)
            return FeedOutcome(*done, status="fout", message=f"onbekende persoon '{person.id}'")
        fetched = result.fetched
        changes: Plan = db.apply_feed(
            client.id,
            person.id,
            lambda stored: plan(client, person.id, read, now, stored),
            body=None if result.kept else fetched.data,
            basis=basis(client, person.id),
            etag=None if result.kept else fetched.etag,
            last_modified=None if result.kept else fetched.last_modified,
            now=now,
        )
        return FeedOutcome(
            *done,
            status="bijgewerkt",
            added=len(changes.add),
            removed=len(changes.remove),
            busy=len(changes.busy),
            overruled=len(changes.overruled),
            skipped=result.read.skipped,
        )
