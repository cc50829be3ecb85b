"""Plain domain records of one client organisation, shared by every layer.

These are frozen dataclasses with no database or interface ties, so roster, search and note
rules can be computed and tested on them directly, and storage converts rows into them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kccdesk.core.when import WEEKDAY_NAMES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: how Dutch rosters write the same days, in the same order
DUTCH_WEEKDAYS = WEEKDAY_NAMES  # the one list: kccdesk.core.when


def within(day: date, valid_from: date | None, valid_until: date | None) -> bool:
    """Whether a day lies in an inclusive validity window; a missing bound is open."""
    if valid_from and day < valid_from:
        return False
    return not (valid_until and day > valid_until)


def part_of_day(hour: int) -> str:
    """How Dutch greets at this hour: goedemorgen until 12, goedemiddag until 18."""
    if hour < 12:
        return "goedemorgen"
    return "goedemiddag" if hour < 18 else "goedenavond"


#: how urgent a note is; a call type may make its notes one of these by default
#: the urgency that makes a note escalate when nobody acknowledges it (kccdesk.ack)
URGENT = "dringend"
URGENCIES = ("normaal", URGENT)

# --- call types (`[[call_types]]`): what a note of a kind of call must hold; their
# rules (answers checked per kind, what an answer sets off, routes) are kccdesk.calltypes

#: the kinds of answer a field takes, each with its own check (kccdesk.calltypes.answers)
FIELD_KINDS = (
    "text",
    "postcode",
    "house_number",
    "date",
    "date_of_birth",
    "yes_no",
    "choice",
    "phone",
)


@dataclass(frozen=True)
class AnswerRule:
    """What an answer sets off (`when = {answer, urgency, say}`): the note becomes urgent,
    and a text the agent must act on appears at once ("Direct 112 bellen")."""

    answer: str
    urgency: str | None = None
    say: str = ""


@dataclass(frozen=True)
class TypeField:
    """One question the agent asks, in the order asked."""

    id: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    when: AnswerRule | None = None


@dataclass(frozen=True)
class Route:
    """A time window in which notes of the type go to someone else (a night variant):
    `end` before `start` runs past midnight into the next day."""

    days: tuple[str, ...]
    start: time
    end: time | None  # None: 24:00
    route_to: str


@dataclass(frozen=True)
class EscalationStep:
    """One step of the escalation of an urgent note nobody acknowledged (DESIGN.md
    `[[escalation]]`): after `after_minutes` without acknowledgement the note goes `to` a
    person id, "duty" or "duty:<department>" (whoever is on duty then), "recipient" (the
    note's recipient, decided again) or "desk" (only an alert on every desk) — `rounds`
    times, each after the same wait (kccdesk.ack.escalation)."""

    after_minutes: int
    to: str
    rounds: int = 1


@dataclass(frozen=True)
class CallType:
    id: str
    title: str
    keywords: tuple[str, ...] = ()
    instructions: str = ""
    urgency: str | None = None  # the default urgency of such a note
    route_to: str | None = None  # a person id or a department
    fields: tuple[TypeField, ...] = ()
    routes: tuple[Route, ...] = ()
    #: the escalation of its urgent notes; empty: the client's order
    escalation: tuple[EscalationStep, ...] = ()

    def field(self, field_id: str) -> TypeField | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str = ""
    department: str = ""
    phone: str = ""
    email: str = ""
    keywords: tuple[str, ...] = ()
    #: false: callers are never put through to this person (a client's standing rule)
    transfer: bool = True
    #: callback notes for this person go to that person (e.g. the aldermen's secretary)
    notes_to: str | None = None
    #: the person's published calendar (an https URL or a file path of an ICS feed)
    agenda: str = ""
    #: who replaces this person during an absence their calendar gives (kccdesk.agenda)
    replaced_by: str | None = None


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    body: str = ""
    keywords: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    pinned: bool = False
    route_to: str | None = None

    def is_current(self, day: date) -> bool:
        """A topic outside its validity window is not shown as current."""
        return within(day, self.valid_from, self.valid_until)


@dataclass(frozen=True)
class WeeklyShift:
    person: str
    days: tuple[str, ...]
    start: time
    end: time
    #: the stored entry's id (from the database or an exported file); equality ignores it
    id: int | None = field(default=None, compare=False)
    #: the stored entry's version an export wrote: an import refuses the entry when it has
    #: been changed since (equality ignores it)
    version: int | None = field(default=None, compare=False)
    #: keeps running on closure days and public holidays (on-call rotations)
    on_closures: bool = False


@dataclass(frozen=True)
class ExtraShift:
    person: str
    date: date
    start: time
    end: time
    #: the stored entry's id (from the database or an exported file); equality ignores it
    id: int | None = field(default=None, compare=False)
    #: the stored entry's version an export wrote: an import refuses the entry when it has
    #: been changed since (equality ignores it)
    version: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Absence:
    """Absent from the first day (or, with `start_time`, from that moment) until the last day
    inclusive (or, with `until_time`, until that moment, half-open); no `until`: open-ended,
    "tot nader bericht"."""

    person: str
    start: date  # "from" in the file; inclusive
    until: date | None = None  # inclusive; None: open-ended
    reason: str = ""
    replaced_by: str | None = None
    #: the stored entry's id (from the database or an exported file); equality ignores it
    id: int | None = field(default=None, compare=False)
    #: the stored entry's version an export wrote: an import refuses the entry when it has
    #: been changed since (equality ignores it)
    version: int | None = field(default=None, compare=False)
    #: the replacement is on duty in the absent person's shifts meanwhile
    covers: bool = False
    #: local wall-clock time on `start` the absence begins (part of a day)
    start_time: time | None = None
    #: local wall-clock time on `until` the absence ends (exclusive)
    until_time: time | None = None
    #: where the entry comes from: "" a shift lead or a client file, "agenda" the person's
    #: calendar feed (a sync replaces those as the feed changes, and only those)
    source: str = ""

    @property
    def begins(self) -> datetime:
        """The first local moment of the absence (naive, the client's wall clock)."""
        return datetime.combine(self.start, self.start_time or time(0))

    @property
    def ends(self) -> datetime | None:
        """The local moment the absence is over (exclusive; naive); None: open-ended."""
        if self.until is None:
            return None
        if self.until_time is not None:
            return datetime.combine(self.until, self.until_time)
        if self.until >= date.max:
            return datetime.max
        return datetime.combine(self.until + timedelta(days=1), time(0))

    @property
    def last_day(self) -> date | None:
        """The last day the absence touches (None: open-ended)."""
        ends = self.ends
        if ends is None or ends == datetime.max:
            return self.until
        return (ends - timedelta(microseconds=1)).date()

    def meets(self, other: Absence) -> bool:
        """Whether two absences share a moment (half-open)."""
        a_end, b_end = self.ends, other.ends
        return (b_end is None or self.begins < b_end) and (a_end is None or other.begins < a_end)


@dataclass(frozen=True)
class Coverage:
    """Hours in which at least `min` people (of `department`, else anyone) must be on duty;
    `end` None means "24:00", the end of the day; an end before the start runs past
    midnight. Belongs to the day it starts on, like a shift; like a weekly shift it does not
    apply on closure days and public holidays unless `on_closures` (a 24/7 line)."""

    days: tuple[str, ...]
    start: time
    end: time | None
    department: str | None = None
    min: int = 1
    #: the stored entry's id (from the database or an exported file); equality ignores it
    id: int | None = field(default=None, compare=False)
    #: the stored entry's version an export wrote: an import refuses the entry when it has
    #: been changed since (equality ignores it)
    version: int | None = field(default=None, compare=False)
    #: also required on closure days and public holidays
    on_closures: bool = False


@dataclass(frozen=True)
class Opening:
    """One row of a client's opening hours: open on these days from start to end (`end`
    None: "24:00"; an end before the start runs past midnight). Like a weekly shift it
    belongs to the day it starts on and does not apply on closure days and public holidays
    unless `on_closures` (a 24/7 line)."""

    days: tuple[str, ...]
    start: time
    end: time | None
    #: also open on closure days and public holidays (a 24/7 line)
    on_closures: bool = False


@dataclass(frozen=True)
class Closure:
    start: date  # inclusive
    until: date  # inclusive
    reason: str = ""
    #: the stored entry's id (from the database or an exported file); equality ignores it
    id: int | None = field(default=None, compare=False)
    #: the stored entry's version an export wrote: an import refuses the entry when it has
    #: been changed since (equality ignores it)
    version: int | None = field(default=None, compare=False)


#: an absence read from a person's calendar feed (Absence.source)
FROM_AGENDA = "agenda"


@dataclass(frozen=True)
class AgendaPolicy:
    """What the events of a client's calendar feeds mean (`[agenda]` in the client file):
    which title words make an absence, whether a busy timed event makes "bezet", whether the
    title may be shown (a private title never is, unless the client allows it), and after how
    many hours without a successful read a feed is stale."""

    absent_words: tuple[str, ...] = ("vrij", "vakantie", "ziek", "verlof", "cursus")
    busy_is: str = "bezet"  # "bezet": on duty but in an appointment; "" : busy changes nothing
    show_titles: bool = False
    stale_after_hours: int = 24


@dataclass(frozen=True)
class Busy:
    """A busy timed event of a person's calendar: on duty, but in an appointment from
    `start` to `end` (aware UTC instants); `title` only when the client shows titles."""

    person: str
    start: datetime
    end: datetime
    title: str = ""


@dataclass(frozen=True)
class FeedState:
    """How a person's calendar feed last went: when it was last read whole or confirmed
    unchanged (`ok_at`), when it was last tried, and why the last try failed ("" when not)."""

    person: str
    url: str
    ok_at: datetime | None = None
    checked_at: datetime | None = None
    error: str = ""
    etag: str = ""
    last_modified: str = ""
    #: what its entries were made from besides the feed (kccdesk.agenda.sync.basis)
    basis: str = ""

    def stale(self, now: datetime, policy: AgendaPolicy) -> bool:
        """Older than the client's `stale_after_hours` (or never read at all)."""
        return self.ok_at is None or now - self.ok_at > timedelta(hours=policy.stale_after_hours)


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    kind: str = ""
    lines: tuple[str, ...] = ()
    greeting: str = ""
    instructions: str = ""
    opening_hours: str = ""
    country: str = "NL"
    timezone: str = "Europe/Amsterdam"
    public_holidays: str | None = None
    callback_default: str | None = None
    fallback_email: str = ""
    people: tuple[Person, ...] = ()
    topics: tuple[Topic, ...] = ()
    shifts: tuple[WeeklyShift, ...] = ()
    extra_shifts: tuple[ExtraShift, ...] = ()
    absences: tuple[Absence, ...] = ()
    closures: tuple[Closure, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    #: structured opening hours; none: only the free-text `opening_hours` line is known
    opening: tuple[Opening, ...] = ()
    #: what an agent tells an urgent caller outside opening hours
    after_hours: str = ""
    #: where urgent callers go outside opening hours: a person id or a phone number
    after_hours_route: str | None = None
    #: the kinds of call the client asks particular answers for (message scripts)
    call_types: tuple[CallType, ...] = ()
    #: what the events of its people's calendar feeds mean
    agenda: AgendaPolicy = AgendaPolicy()
    #: busy appointments from the calendar feeds (kccdesk.agenda keeps them)
    busy: tuple[Busy, ...] = ()
    #: how each calendar feed last went
    feeds: tuple[FeedState, ...] = ()
    #: the escalation of urgent notes nobody acknowledged; empty: the default order
    escalation: tuple[EscalationStep, ...] = ()
    _people_by_id: dict[str, Person] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    #: answers worked out once per loaded client (a client is immutable: a roster change
    #: loads a new one), e.g. the span of each absence
    memo: dict[object, object] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_people_by_id", {p.id: p for p in self.people})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def person(self, person_id: str | None) -> Person | None:
        if person_id is None:
            return None
        return self._people_by_id.get(person_id)

    def people_named(self, text: str) -> list[str]:
        """The ids a command line's `--to` may mean: a person's id, else everyone whose full
        name it is ("Lien Maes", any case and spacing) — one, several (say which) or none."""
        if self.person(text) is not None:
            return [text]
        wanted = " ".join(text.split()).casefold()
        return [p.id for p in self.people if " ".join(p.name.split()).casefold() == wanted]

    def person_named(self, text: str) -> str | None:
        """The one person `--to` means, or None (nobody, or a name several people have)."""
        named = self.people_named(text)
        return named[0] if len(named) == 1 else None

    def call_type(self, type_id: str | None) -> CallType | None:
        return next((t for t in self.call_types if t.id == type_id), None) if type_id else None

    def person_name(self, person_id: str | None) -> str:
        person = self.person(person_id)
        return person.name if person else (person_id or "")

    def greeting_for(self, agent: str, at: datetime | None = None) -> str:
        """The greeting script with the agent's name and, for `{dagdeel}`, the part of the
        day on the client's clock (`{Dagdeel}` capitalised, to open a sentence)."""
        text = self.greeting.replace("{agent}", agent)
        if at is not None:
            part = part_of_day(at.astimezone(self.zone).hour)
            text = text.replace("{dagdeel}", part).replace("{Dagdeel}", part.capitalize())
        return text

    def feed_of(self, person_id: str) -> FeedState | None:
        return next((f for f in self.feeds if f.person == person_id), None)

    def as_filed(self) -> Client:
        """The client as its file holds it: without what the calendar feeds brought (their
        absences, appointments and feed states), which no file writes and no import removes."""
        if not self.busy and not self.feeds and all(not a.source for a in self.absences):
            return self
        return replace(
            self, absences=tuple(a for a in self.absences if not a.source), busy=(), feeds=()
        )

    @property
    def head(self) -> ClientHead:
        """The light directory entry of this client."""
        return ClientHead(self.id, self.name, self.kind, self.lines, self.country)


@dataclass(frozen=True)
class ClientHead:
    """What the client switcher, the screen pop and the local snapshot need of a client
    (name, id, kind, dialed lines): a few hundred bytes, where the whole client with its
    people, topics and roster is loaded only when it is shown."""

    id: str
    name: str
    kind: str = ""
    lines: tuple[str, ...] = ()
    country: str = "NL"
