"""What one read of a person's feed changes in the roster: the absences the feed gave last
time and no longer gives are removed, the new ones added — and a shift lead's own entries
are never touched: a feed absence that meets one of theirs is left out (theirs says it)."""

from __future__ import annotations

import hashlib
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


def plan(
    client: Client,
    person_id: str,
    read: FeedRead,
    now: datetime,
    stored: tuple[Absence, ...] | None = None,
) -> Plan:
    """The changes that make the person's feed-made entries what the feed says now, against
    `stored` (the person's absences as committed, read in the writing transaction: two
    syncs at once never add the same absence twice), else the client's as loaded."""
    person = client.person(person_id)
    if person is None:
        raise ValueError(f"onbekende persoon '{person_id}' bij {client.id}")
    made = meaning(person, read.events, client.agenda, client.zone)
    begin = now - LOOK_BACK
    mine = [a for a in (client.absences if stored is None else stored) if a.person == person_id]
    own = [a for a in mine if not a.source]
    feed_made = [a for a in mine if a.source]
    wanted = [a for a in made.absences if not any(overrules(o, a) for o in own)]
    overruled = tuple(a for a in made.absences if a not in wanted)
    # Entries that were over before the window are history (a report reconstructs them).
    current = [a for a in feed_made if _ends_after(a, begin, client)]
    remove = tuple(a for a in current if a not in wanted)
    remaining = list(current)
    add = []
    for absence in wanted:
        if absence in remaining:
            remaining.remove(absence)
        else:
            add.append(absence)
    # The same absence twice (two syncs of an older kccdesk at once): one goes.
    extra = tuple(a for a in remaining if a not in remove and a in wanted)
    horizon = now + BUSY_AHEAD
    busy = tuple(b for b in made.busy if b.end > begin and b.start < horizon)
    return Plan(person_id, tuple(add), remove + extra, busy, overruled)


def basis(client: Client, person_id: str) -> str:
    """What a feed's entries were made from besides the feed itself: the client's policy,
    the person's replacement and the shift lead's own entries for them. When it changes, an
    unchanged feed (a 304) is planned again from the body kept of it."""
    person = client.person(person_id)
    own = sorted(
        repr((a.start, a.until, a.start_time, a.until_time))
        for a in client.absences
        if a.person == person_id and not a.source
    )
    text = repr((client.agenda, person.replaced_by if person else None, own))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def gone_with_the_feed(client: Client, person_id: str, now: datetime) -> tuple[Absence, ...]:
    """A person without a feed any more (or no longer of the client): the feed's absences
    still ahead go (nothing keeps them true); those already over stay as history."""
    return tuple(
        a
        for a in client.absences
        if a.person == person_id and a.source and _ends_after(a, now, client)
    )


def _ends_after(absence: Absence, moment: datetime, client: Client) -> bool:
    ends = absence.ends
    if ends is None:
        return True
    try:
        return ends.replace(tzinfo=client.zone) > moment
    except OverflowError:
        return True
