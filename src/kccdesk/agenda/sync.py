"""What one read of a person's feed changes in the roster: the absences the feed gave last
time and no longer gives are removed, the new ones added — and a shift lead's own entries
are never touched: a feed absence that meets one of theirs is left out (theirs says it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kccdesk.agenda.events import FeedRead
from kccdesk.agenda.meaning import meaning
from kccdesk.clients.model import Absence, Busy, Client

#: how far back and ahead a sync reads a feed: absences a shift lead plans around (a
#: quarter), appointments for the three weeks ahead the desk and a note may ask about
LOOK_BACK = timedelta(days=1)
LOOK_AHEAD = timedelta(days=92)
BUSY_AHEAD = timedelta(days=21)


@dataclass(frozen=True)
class Plan:
    """The changes to one person's feed-made entries."""

    person: str
    add: tuple[Absence, ...]
    remove: tuple[Absence, ...]  # stored entries (with their ids)
    busy: tuple[Busy, ...]  # all of the person's appointments (replaced whole)
    #: feed absences left out because a shift lead's own entry meets them
    overruled: tuple[Absence, ...] = ()

    @property
    def changes(self) -> bool:
        return bool(self.add or self.remove)


def overrules(own: Absence, feed: Absence) -> bool:
    """A shift lead's own absence of a person overrules every feed absence of that person it
    meets: theirs is what the service was told, the feed's gives way (at the next sync, and at
    once when the shift lead saves theirs)."""
    return not own.source and bool(feed.source) and own.person == feed.person and own.meets(feed)


def given_way(own: Absence, absences: tuple[Absence, ...]) -> tuple[Absence, ...]:
    """The feed absences a shift lead's entry overrules."""
    return tuple(a for a in absences if overrules(own, a))


def window(now: datetime) -> tuple[datetime, datetime]:
    return now - LOOK_BACK, now + LOOK_AHEAD


def plan(client: Client, person_id: str, read: FeedRead, now: datetime) -> Plan:
    """The changes that make the person's feed-made entries what the feed says now."""
    person = client.person(person_id)
    if person is None:
        raise ValueError(f"onbekende persoon '{person_id}' bij {client.id}")
    made = meaning(person, read.events, client.agenda, client.zone)
    begin = now - LOOK_BACK
    mine = [a for a in client.absences if a.person == person_id]
    own = [a for a in mine if not a.source]
    stored = [a for a in mine if a.source]
    wanted = [a for a in made.absences if not any(overrules(o, a) for o in own)]
    overruled = tuple(a for a in made.absences if a not in wanted)
    # Entries that were over before the window are history (a report reconstructs them).
    current = [a for a in stored if _ends_after(a, begin, client)]
    remove = tuple(a for a in current if a not in wanted)
    add = tuple(a for a in wanted if a not in current)
    horizon = now + BUSY_AHEAD
    busy = tuple(b for b in made.busy if b.end > begin and b.start < horizon)
    return Plan(person_id, add, remove, busy, overruled)


def _ends_after(absence: Absence, moment: datetime, client: Client) -> bool:
    ends = absence.ends
    if ends is None:
        return True
    try:
        return ends.replace(tzinfo=client.zone) > moment
    except OverflowError:
        return True
