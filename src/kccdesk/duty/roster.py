"""Who is on duty: weekly shifts, dated extra shifts, absences, closures and public holidays.

Every computation happens in the client's own time zone. Shift times are wall-clock times that
are expanded per occurrence (a 22:00–07:00 shift on a DST night lasts 10 or 8 hours, as the
clock says) and compared as UTC instants, because Python compares two datetimes that share a
tzinfo by their wall-clock fields, which is wrong across a DST change.

Precedence (DESIGN.md): an absence beats any shift; on a closure day or a public holiday weekly
shifts do not run (unless marked `on_closures`, on-call rotations) but dated extra shifts do; a
shift belongs to the day it starts on; intervals are half-open [start, end). An absence with
`covers` puts its replacement on duty in the absent person's shifts while it lasts (from the
absence's first moment, also when that falls inside a shift); without it nobody takes over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from kccdesk.clients.model import WEEKDAYS, Absence, Busy, Client
from kccdesk.duty.holidays import holidays_for

#: How far ahead the next change of duty is looked for.
LOOKAHEAD_DAYS = 8

#: The instants a duty question can be answered for: every day the computation looks at (the
#: day before to the look-ahead) and its UTC conversion stay inside Python's datetime range.
FIRST_ANSWERABLE = date.min + timedelta(days=3)
LAST_ANSWERABLE = date.max - timedelta(days=LOOKAHEAD_DAYS + 3)

_MIN_UTC = datetime.min.replace(tzinfo=UTC)
_MAX_UTC = datetime.max.replace(tzinfo=UTC)


class OutOfRange(ValueError):
    """A moment the roster cannot answer for (outside FIRST_ANSWERABLE..LAST_ANSWERABLE)."""


def _utc(moment: datetime) -> datetime:
    """The instant in UTC, clamped to the datetime range at the edges of the calendar (an
    absence until 9999-12-31 lasts until the end of time, it does not overflow)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return _MAX_UTC if moment.year > 5000 else _MIN_UTC


@dataclass(frozen=True)
class Occurrence:
    """One concrete shift: a person on duty from start to end (aware, client zone)."""

    person: str
    start: datetime
    end: datetime
    extra: bool = False
    #: the absent person whose shift this replacement took over (`covers`), else None
    covering: str | None = None
    start_utc: datetime = field(init=False, repr=False, compare=False)
    end_utc: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Converted once: every comparison happens on these instants.
        object.__setattr__(self, "start_utc", _utc(self.start))
        object.__setattr__(self, "end_utc", _utc(self.end))

    @property
    def hours(self) -> float:
        return (self.end_utc - self.start_utc).total_seconds() / 3600

    def covers(self, instant_utc: datetime) -> bool:
        return self.start_utc <= instant_utc < self.end_utc


@dataclass(frozen=True)
class OnDuty:
    person: str
    name: str
    until: datetime  # end of unbroken duty, client zone
    #: taking over the shift of this absent person (`covers`), else None
    covering: str | None = None
    covering_name: str | None = None
    #: in an appointment of their calendar until then ("bezet"), else None
    busy_until: datetime | None = None
    #: the appointment's title, when the client shows titles
    busy_title: str = ""

    @property
    def busy(self) -> bool:
        return self.busy_until is not None

    @property
    def label(self) -> str:
        """'Rik Bos (neemt dienst over van Erik Mulder)' or just the name."""
        if self.covering_name:
            return f"{self.name} (neemt dienst over van {self.covering_name})"
        return self.name


@dataclass(frozen=True)
class AbsentNow:
    person: str
    name: str
    until: date | None  # inclusive last day of the absence; None: "tot nader bericht"
    reason: str
    replaced_by: str | None
    replacement_name: str | None
    replacement_absent: bool
    covers: bool = False
    ends: datetime | None = None  # the moment it is over (client zone); None: open-ended
    #: the entry itself: whether its bounds are dates or times decides how it is shown
    absence: Absence | None = None
    #: where this person's notes go meanwhile, through the replacement chain
    route: NoteRoute | None = None


@dataclass(frozen=True)
class Skipped:
    """One absent person a note passes on its way to someone who is there."""

    person: str
    absence: Absence


@dataclass(frozen=True)
class NoteRoute:
    """Where a note for `asked` goes at one moment: past every absent person of the
    replacement chain (`skipped`, in order) to `recipient`, the first one who is not absent —
    or, when the chain ends or loops, the client's default recipient (`by_default`); None
    when nobody is left."""

    asked: str
    skipped: tuple[Skipped, ...]
    recipient: str | None
    by_default: bool = False

    @property
    def rerouted(self) -> bool:
        return bool(self.skipped)

    @property
    def chained(self) -> bool:
        """More than "absent, the replacement takes it": the replacement is away too, or
        the chain ended at the default recipient — then the whole chain is worth saying."""
        return len(self.skipped) > 1 or self.by_default


def note_route(client: Client, person_id: str, instant_utc: datetime) -> NoteRoute:
    """The replacement chain at an instant: the replacement's replacement while both are
    absent, then the client's default recipient (following its own replacement if it is
    absent too); never someone absent, never a loop."""
    skipped: list[Skipped] = []
    seen: set[str] = set()
    current: str | None = person_id
    by_default = False
    while current is not None:
        absence = absence_at(client, current, instant_utc)
        if absence is None:
            break
        skipped.append(Skipped(current, absence))
        seen.add(current)
        following = absence.replaced_by
        if following is None or following in seen:
            if by_default or client.callback_default in seen:
                following = None
            else:
                following, by_default = client.callback_default, True
        current = following
    return NoteRoute(person_id, tuple(skipped), current, by_default and current is not None)


@dataclass(frozen=True)
class DutyStatus:
    client: str
    at: datetime  # the instant asked about, in the client's zone
    closed: str | None
    on_duty: tuple[OnDuty, ...]
    absent: tuple[AbsentNow, ...]
    next_change: datetime | None
    #: within the client's opening hours now; None: the client has no opening rows
    open: bool | None = None
    #: when closed: the next moment it opens (client zone), None if not within two weeks
    opens_at: datetime | None = None
    #: when open: the moment it closes (client zone)
    closes_at: datetime | None = None

    @property
    def shut(self) -> str | None:
        """Why the client is closed now (a closure day, a public holiday) — unless its
        opening rows keep it open then (a 24/7 line on its holiday rota): what the header,
        the duty panel, the guard and `kccdesk duty` say."""
        return None if self.open is True else self.closed

    def duty_of(self, person_id: str) -> OnDuty | None:
        return next((d for d in self.on_duty if d.person == person_id), None)

    def is_on_duty(self, person_id: str) -> bool:
        return self.duty_of(person_id) is not None

    def absence_of(self, person_id: str) -> AbsentNow | None:
        return next((a for a in self.absent if a.person == person_id), None)


def wall_time_exists(wall: datetime, zone: tzinfo) -> bool:
    """Whether a local wall-clock time happens in the zone at all: the spring DST night
    skips an hour (02:00–03:00 in Amsterdam), whose times are no moment."""
    try:
        there = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    except (OverflowError, ValueError):
        return True  # the edges of the calendar: the roster's own range check says why
    return there.replace(tzinfo=None) == wall.replace(tzinfo=None)


def wall_clock(day: date, at: time, client: Client) -> datetime:
    """The instant a wall-clock time on a day means in the client's zone."""
    return datetime.combine(day, at, tzinfo=client.zone)


def public_holiday(country: str, day: date) -> str | None:
    return holidays_for(country, day.year).get(day)


def closure_reason(client: Client, day: date) -> str | None:
    """Why the client is closed on this day (its own closure or a public holiday), else None."""
    for closure in client.closures:
        if closure.start <= day <= closure.until:
            return closure.reason or "gesloten"
    if client.public_holidays:
        return public_holiday(client.public_holidays, day)
    return None


def _end_of(day: date, start: time, end: time, client: Client) -> datetime:
    end_day = day + timedelta(days=1) if end <= start else day
    return wall_clock(end_day, end, client)


def occurrences(client: Client, first: date, last: date) -> list[Occurrence]:
    """All concrete shifts that start on days first..last (inclusive), in start order,
    including the parts a replacement takes over (`covers`)."""
    return expand(client, first, last)[0]


def expand(
    client: Client, first: date, last: date
) -> tuple[list[Occurrence], list[tuple[Occurrence, str]]]:
    """(occurrences as `occurrences` gives them, weekly shifts that a closure or public
    holiday cancelled with the closure's reason)."""
    found, cancelled = _scheduled(client, first, last)
    found.extend(_taken_over(client, found))
    found.sort(key=lambda o: (o.start_utc, o.person))
    return found, cancelled


def _scheduled(
    client: Client, first: date, last: date
) -> tuple[list[Occurrence], list[tuple[Occurrence, str]]]:
    """The people's own shifts starting on days first..last (no take-overs), and the weekly
    ones a closure cancelled."""
    found: list[Occurrence] = []
    cancelled: list[tuple[Occurrence, str]] = []
    day = first
    while day <= last:
        weekday = WEEKDAYS[day.weekday()]
        closed = closure_reason(client, day)
        for shift in client.shifts:
            if weekday in shift.days:
                occ = Occurrence(
                    shift.person,
                    wall_clock(day, shift.start, client),
                    _end_of(day, shift.start, shift.end, client),
                )
                if occ.end_utc <= occ.start_utc:
                    continue  # wholly inside the hour the spring DST night skips: no moment
                if closed is None or shift.on_closures:
                    found.append(occ)
                else:
                    cancelled.append((occ, closed))
        for extra in client.extra_shifts:
            if extra.date == day:
                occ = Occurrence(
                    extra.person,
                    wall_clock(day, extra.start, client),
                    _end_of(day, extra.start, extra.end, client),
                    extra=True,
                )
                if occ.end_utc > occ.start_utc:  # not wholly inside the skipped DST hour
                    found.append(occ)
        day += timedelta(days=1)
    return found, cancelled


def _taken_over(client: Client, occs: list[Occurrence]) -> list[Occurrence]:
    """The parts of absent people's shifts that their replacement takes over (`covers`)."""
    taken: list[Occurrence] = []
    for absence in client.absences:
        if not absence.covers or not absence.replaced_by:
            continue
        begin, end = absence_window(absence, client)
        for occ in occs:
            if occ.person != absence.person:
                continue
            start, stop = max(occ.start_utc, begin), min(occ.end_utc, end)
            if start < stop:
                taken.append(
                    Occurrence(
                        absence.replaced_by,
                        start.astimezone(client.zone),
                        stop.astimezone(client.zone),
                        extra=occ.extra,
                        covering=absence.person,
                    )
                )
    return taken


def absence_window(absence: Absence, client: Client) -> tuple[datetime, datetime]:
    """[first moment, moment it is over) of an absence as UTC instants: the one answer to
    "is this person away now", asked by duty, gaps, the guard, `covers`, notes and the
    reconstruction alike.

    A date-*time* bound is exact. A *date* bound follows "a shift belongs to the day it
    starts on": the absence covers every shift of the person that starts on one of its days,
    to that shift's end (a night shift starting on the last day is cancelled to its morning
    end), and every other moment of those days, except that a shift which started the day
    before the first day runs to its end. Clamped to the datetime range (an open-ended
    absence, or one until 9999-12-31, never ends)."""
    key = ("absence_window", absence)
    known = client.memo.get(key)
    if known is None:
        known = _absence_span(absence, client)
        client.memo[key] = known
    return known  # type: ignore[return-value]


def _absence_span(absence: Absence, client: Client) -> tuple[datetime, datetime]:
    start = _utc(absence.begins.replace(tzinfo=client.zone))
    if absence.start_time is None and absence.start > FIRST_ANSWERABLE:
        # A shift that started the day before runs to its end.
        eve = absence.start - timedelta(days=1)
        for occ in _scheduled(client, eve, eve)[0]:
            if occ.person == absence.person and occ.start_utc < start < occ.end_utc:
                start = occ.end_utc
    ends = absence.ends
    if ends is None or ends == datetime.max:
        return start, _MAX_UTC
    end = _utc(ends.replace(tzinfo=client.zone))
    if absence.until_time is None and absence.until is not None:
        last = absence.until
        if last < LAST_ANSWERABLE:
            # The shifts starting on the last day are cancelled whole, to their end.
            for occ in _scheduled(client, last, last)[0]:
                if occ.person == absence.person and occ.end_utc > end:
                    end = occ.end_utc
    return start, max(start, end)


def busy_at(client: Client, person: str, instant_utc: datetime) -> Busy | None:
    """The appointment a person is in at an instant (their calendar's busy events), its end
    stretched over back-to-back ones (10:00 and 11:00 meetings: busy until 12:00)."""
    mine = [b for b in client.busy if b.person == person]
    now = next((b for b in mine if b.start <= instant_utc < b.end), None)
    if now is None:
        return None
    until, extended = now.end, True
    while extended:
        extended = False
        for other in mine:
            if other.start <= until < other.end:
                until, extended = other.end, True
    return Busy(person, now.start, until, now.title)


def absence_at(client: Client, person: str, instant_utc: datetime) -> Absence | None:
    for absence in client.absences:
        if absence.person == person:
            start, end = absence_window(absence, client)
            if start <= instant_utc < end:
                return absence
    return None


def _absence_windows(client: Client) -> dict[str, list[tuple[datetime, datetime]]]:
    windows: dict[str, list[tuple[datetime, datetime]]] = {}
    for absence in client.absences:
        windows.setdefault(absence.person, []).append(absence_window(absence, client))
    return windows


def _on_duty_ids(
    windows: dict[str, list[tuple[datetime, datetime]]],
    occs: Iterable[Occurrence],
    instant_utc: datetime,
) -> frozenset[str]:
    return frozenset(
        o.person
        for o in occs
        if o.start_utc <= instant_utc < o.end_utc
        and not any(start <= instant_utc < end for start, end in windows.get(o.person, ()))
    )


def _duty_until(
    client: Client, person: str, mine: list[Occurrence], instant_utc: datetime
) -> datetime:
    """End of unbroken duty: back-to-back shifts chain, an absence starting cuts it short."""
    until = max(o.end_utc for o in mine if o.covers(instant_utc))
    extended = True
    while extended:
        extended = False
        for o in mine:
            if o.start_utc <= until < o.end_utc:
                until, extended = o.end_utc, True
    for absence in client.absences:
        if absence.person == person:
            start, _ = absence_window(absence, client)
            if instant_utc < start < until:
                until = start
    return until.astimezone(client.zone)


def _covering(mine: list[Occurrence], instant_utc: datetime) -> str | None:
    """Whose shift this person is on duty in by taking it over; None when by their own."""
    now = [o for o in mine if o.covers(instant_utc)]
    if any(o.covering is None for o in now):
        return None
    return now[0].covering if now else None


def _as_client_time(client: Client, at: datetime) -> datetime:
    """The moment on the client's clock; OutOfRange when the roster cannot answer for it."""
    if at.tzinfo is None:
        raise ValueError("tijdstip zonder tijdzone")
    refusal = OutOfRange(
        f"tijdstip {at.isoformat()} ligt buiten het bereik van het rooster "
        f"({FIRST_ANSWERABLE.isoformat()} t/m {LAST_ANSWERABLE.isoformat()})"
    )
    try:
        local = at.astimezone(client.zone)
    except OverflowError:
        raise refusal from None
    if not FIRST_ANSWERABLE <= local.date() <= LAST_ANSWERABLE:
        raise refusal
    return local


def duty_at(client: Client, at: datetime) -> DutyStatus:
    """Who is on duty at an instant, until when, who is absent and who replaces them."""
    local = _as_client_time(client, at)
    instant = local.astimezone(UTC)
    today = local.date()
    occs = occurrences(client, today - timedelta(days=1), today + timedelta(days=LOOKAHEAD_DAYS))
    windows = _absence_windows(client)
    current = _on_duty_ids(windows, occs, instant)

    by_person: dict[str, list[Occurrence]] = {}
    for o in occs:
        by_person.setdefault(o.person, []).append(o)
    on_duty = tuple(
        sorted(
            (
                OnDuty(
                    pid,
                    client.person_name(pid),
                    _duty_until(client, pid, by_person[pid], instant),
                    covering,
                    client.person_name(covering) if covering else None,
                    busy.end.astimezone(client.zone) if busy else None,
                    busy.title if busy else "",
                )
                for pid in current
                for covering in [_covering(by_person[pid], instant)]
                for busy in [busy_at(client, pid, instant) if client.busy else None]
            ),
            key=lambda d: (d.until.astimezone(UTC), d.name),
        )
    )

    absent: list[AbsentNow] = []
    for absence in client.absences:
        start, end = absence_window(absence, client)
        if not (start <= instant < end):
            continue
        replacement = absence.replaced_by
        absent.append(
            AbsentNow(
                person=absence.person,
                name=client.person_name(absence.person),
                until=absence.last_day,
                reason=absence.reason,
                replaced_by=replacement,
                replacement_name=client.person_name(replacement) if replacement else None,
                replacement_absent=bool(
                    replacement and absence_at(client, replacement, instant) is not None
                ),
                covers=absence.covers,
                ends=None if end == _MAX_UTC else end.astimezone(client.zone),
                absence=absence,
                route=note_route(client, absence.person, instant),
            )
        )
    absent.sort(key=lambda a: a.name)

    hours = opening_at(client, local)
    return DutyStatus(
        client=client.id,
        at=local,
        closed=closure_reason(client, today),
        on_duty=on_duty,
        absent=tuple(absent),
        next_change=_next_change(client, occs, windows, instant, current),
        open=hours.open,
        opens_at=hours.opens_at,
        closes_at=hours.closes_at,
    )


# --- opening hours ---------------------------------------------------------------------------

#: how far ahead the next opening is looked for (a fortnight spans Christmas and New Year)
OPENING_LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class OpeningState:
    open: bool | None  # None: no opening rows, only the free-text line
    opens_at: datetime | None = None
    closes_at: datetime | None = None  # None while open: not within the look-ahead


def opening_spans(client: Client, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """The client's open intervals of rows starting on days first..last, as UTC instants,
    merged; closure days and public holidays close them."""
    spans: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        weekday = WEEKDAYS[day.weekday()]
        closed = closure_reason(client, day) is not None
        for row in client.opening:
            if weekday not in row.days or (closed and not row.on_closures):
                continue
            if row.end is None:
                end = wall_clock(day + timedelta(days=1), time(0), client)
            else:
                end = _end_of(day, row.start, row.end, client)
            spans.append((_utc(wall_clock(day, row.start, client)), _utc(end)))
        day += timedelta(days=1)
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def opening_at(client: Client, at: datetime) -> OpeningState:
    """Open or closed at an instant by the client's opening rows, and when that changes."""
    if not client.opening:
        return OpeningState(None)
    local = _as_client_time(client, at)
    instant = local.astimezone(UTC)
    today = local.date()
    last = min(today + timedelta(days=OPENING_LOOKAHEAD_DAYS), LAST_ANSWERABLE)
    horizon = _utc(wall_clock(last, time(0), client))
    for start, end in opening_spans(client, today - timedelta(days=1), last):
        if start <= instant < end:
            # Open around the clock for the whole look-ahead: no closing time to speak of.
            closes = None if end >= horizon else end.astimezone(client.zone)
            return OpeningState(True, closes_at=closes)
        if start > instant:
            return OpeningState(False, opens_at=start.astimezone(client.zone))
    return OpeningState(False)


def _next_change(
    client: Client,
    occs: list[Occurrence],
    windows: dict[str, list[tuple[datetime, datetime]]],
    instant: datetime,
    current: frozenset[str],
) -> datetime | None:
    """The first instant after now at which the set of people on duty changes."""
    boundaries: set[datetime] = set()
    for o in occs:
        boundaries.update((o.start_utc, o.end_utc))
    for person_windows in windows.values():
        for window in person_windows:
            boundaries.update(window)
    horizon = instant + timedelta(days=LOOKAHEAD_DAYS)
    live = [o for o in occs if o.end_utc > instant]
    for boundary in sorted(b for b in boundaries if instant < b <= horizon):
        # Only shifts that have not ended before this boundary can cover it.
        live = [o for o in live if o.end_utc > boundary]
        if _on_duty_ids(windows, live, boundary) != current:
            return boundary.astimezone(client.zone)
    return None


# --- the week view of the roster pane --------------------------------------------------------


@dataclass(frozen=True)
class WeekCell:
    """What one person does on one day: shifts starting that day, or being absent."""

    text: str
    absent: bool = False


def week_grid(client: Client, monday: date) -> tuple[list[str | None], dict[str, list[WeekCell]]]:
    """(closure reason per day, {person: seven cells}) for the week starting on `monday`.

    A shift is shown on the day it starts; one that runs past midnight ends in '→', and on a
    DST night its length as the clock says is added (10 h or 8 h instead of 9)."""
    days = [monday + timedelta(days=i) for i in range(7)]
    labels: dict[str, list[list[str]]] = {}
    for occ in occurrences(client, days[0], days[-1]):
        label = f"{_short_time(occ.start)}–{_short_time(occ.end)}"
        if occ.end.date() != occ.start.date():
            label += "→"
        if occ.hours != _nominal_hours(occ):
            label += f" ({occ.hours:g}u)"
        if occ.extra:
            label += " +"
        if occ.covering:
            label += " ⇄"
        index = (occ.start.date() - monday).days
        if not 0 <= index < len(days):
            continue  # the taken-over part of a shift of the week's last night, after midnight
        labels.setdefault(occ.person, [[] for _ in days])[index].append(label)
    grid: dict[str, list[WeekCell]] = {}
    people = set(labels) | {a.person for a in client.absences}
    for person in sorted(people, key=lambda p: client.person_name(p).casefold()):
        row = []
        for i, day in enumerate(days):
            absence = absence_at(client, person, wall_clock(day, time(12), client).astimezone(UTC))
            if absence:
                row.append(WeekCell(f"✖ {(absence.reason or 'afwezig')[:5]}", absent=True))
            else:
                row.append(WeekCell(", ".join(labels.get(person, [[]] * 7)[i])))
        if any(cell.text for cell in row):
            grid[person] = row
    return [closure_reason(client, day) for day in days], grid


def _short_time(moment: datetime) -> str:
    """'8', '8:30', '17': a week of seven days fits a side pane."""
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"


def _nominal_hours(occ: Occurrence) -> float:
    """Hours the shift lasts on an ordinary night (wall-clock difference)."""
    start = occ.start.hour + occ.start.minute / 60
    end = occ.end.hour + occ.end.minute / 60
    return (end - start) % 24 or 24.0


def next_duty_start(client: Client, person: str, at: datetime) -> datetime | None:
    """When this person is next on duty after `at` (client zone), within the look-ahead:
    the start of a later shift, or the end of an absence that cuts into one; None if none."""
    local = _as_client_time(client, at)
    instant = local.astimezone(UTC)
    today = local.date()
    windows = _absence_windows(client).get(person, [])
    occs = occurrences(client, today - timedelta(days=1), today + timedelta(days=LOOKAHEAD_DAYS))
    for occ in occs:
        if occ.person != person or occ.end_utc <= instant:
            continue
        start = max(occ.start_utc, instant)
        # Push the start past any absence it falls in (absences may follow one another).
        moved = True
        while moved:
            moved = False
            for begin, end in windows:
                if begin <= start < end:
                    start, moved = end, True
        if start < occ.end_utc and start > instant:
            return start.astimezone(client.zone)
    return None


@dataclass(frozen=True)
class PersonState:
    """What the roster says about one person at the moment of a DutyStatus."""

    person: str
    name: str
    department: str
    on_duty_until: datetime | None  # None: not on duty now
    absent_until: date | None = None  # last day of the absence (None: open-ended or not absent)
    absent_reason: str = ""
    replaced_by: str | None = None  # while absent
    back_at: datetime | None = None  # next start of duty when not on duty now
    is_replacement: bool = False  # named as replacement of the person asked about
    away: bool = False  # absent now (also when open-ended, "tot nader bericht")
    absence: Absence | None = None  # the absence now, if any (its bounds decide the wording)
    absent_ends: datetime | None = None  # the moment it is over (client zone); None: open
    route: NoteRoute | None = None  # while absent: where notes go (the replacement chain)
    #: in an appointment until then: on duty now, or (when off duty) from the moment back
    busy_until: datetime | None = None

    @property
    def on_duty(self) -> bool:
        return self.on_duty_until is not None

    @property
    def absent(self) -> bool:
        return self.away


def person_state(
    client: Client, status: DutyStatus, person_id: str, is_replacement: bool = False
) -> PersonState:
    """On duty until when, absent until when (and who replaces), or back when."""
    person = client.person(person_id)
    duty = status.duty_of(person_id)
    absence = status.absence_of(person_id)
    back = None if duty else next_duty_start(client, person_id, status.at)
    # Back at 08:00 but in a meeting until 09:30: the caller must hear the later time.
    returning = busy_at(client, person_id, back.astimezone(UTC)) if back and client.busy else None
    busy_on_return = returning.end.astimezone(client.zone) if returning else None
    return PersonState(
        person=person_id,
        name=client.person_name(person_id),
        department=person.department if person else "",
        on_duty_until=duty.until if duty else None,
        absent_until=absence.until if absence else None,
        away=absence is not None,
        absent_reason=absence.reason if absence else "",
        replaced_by=absence.replaced_by if absence else None,
        absence=absence.absence if absence else None,
        absent_ends=absence.ends if absence else None,
        route=absence.route if absence else None,
        back_at=back,
        is_replacement=is_replacement,
        busy_until=duty.busy_until if duty else busy_on_return,
    )
