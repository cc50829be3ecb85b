"""Coverage gaps: the hours in which a client's `[[coverage]]` asks for more people on duty
than its roster has.

A gap is a maximal interval in which the number of people on duty (of the coverage row's
department, or anyone) is below the row's `min`; adjacent intervals with the same shortfall
and reason are merged. Duty is what `kccdesk.duty.roster` says it is — the same expansion per
occurrence in the client's zone (a DST night is 8 or 10 hours), absences beat shifts, closures
and public holidays cancel weekly shifts except `on_closures` ones, `covers` puts the
replacement on duty — computed here once per client and window with a sweep over the
boundaries, not once per instant. A coverage row belongs to the day it starts on and, like a
weekly shift, does not apply on closure days and public holidays unless it is marked
`on_closures` (a 24/7 line must be covered on Christmas; a closed office need not be).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kccdesk.clients.model import WEEKDAYS, Client, Coverage
from kccdesk.duty.roster import Occurrence, absence_window, closure_reason, expand, wall_clock

#: reasons, short Dutch phrases for lists and the JSON of `kccdesk gaps`
ABSENT = "afwezig zonder vervanging ({name})"
REPLACEMENT_ABSENT = "vervanger ook afwezig ({name})"
HOLIDAY = "feestdag ({name})"
CLOSED = "gesloten ({name})"
NO_SHIFT = "geen dienst ingeroosterd"
REPLACEMENT_AWAY = "{name} afwezig, vervanger {replacement} ook afwezig: {target}"
NOTES_TO = "notities naar {name}"
NOTES_NOWHERE = "niemand voor notities"


@dataclass(frozen=True)
class Gap:
    client: str
    start: datetime  # client zone
    end: datetime  # client zone, exclusive
    department: str | None  # None: anyone will do
    required: int
    on_duty: int
    reason: str
    #: "coverage": too few on duty; "replacement": an absent person's replacement is away
    #: too (notes then follow the replacement chain, see `kccdesk.duty.roster.note_route`);
    #: "agenda": a person's calendar feed is stale (what it says may no longer be true)
    kind: str = "coverage"
    #: of a replacement gap: the absent person whose replacement is away too
    person: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "client": self.client,
            "from": self.start.isoformat(),
            "until": self.end.isoformat(),
            "department": self.department,
            "required": self.required,
            "on_duty": self.on_duty,
            "reason": self.reason,
            "kind": self.kind,
        }

    @property
    def short(self) -> int:
        return self.required - self.on_duty

    @property
    def shortfall(self) -> str:
        """What is missing, the one wording of every gap line: 'Techniek: 0 van 1 in
        dienst' ('iemand' when anyone will do), or 'vervangingsgat'."""
        if self.kind == "replacement":
            return "vervangingsgat"
        if self.kind == "agenda":
            return "agenda verouderd"
        return f"{self.department or 'iemand'}: {self.on_duty} van {self.required} in dienst"


Span = tuple[datetime, datetime]


def coverage_span(client: Client, row: Coverage, day: date) -> Span:
    """The row's interval starting on `day`, as UTC instants (wall clock per occurrence)."""
    start = wall_clock(day, row.start, client)
    if row.end is None:
        end = wall_clock(day + timedelta(days=1), time(0), client)
    elif row.end <= row.start:
        end = wall_clock(day + timedelta(days=1), row.end, client)
    else:
        end = wall_clock(day, row.end, client)
    return start.astimezone(UTC), end.astimezone(UTC)


def _subtract(span: Span, holes: Iterable[Span]) -> list[Span]:
    pieces = [span]
    for h_start, h_end in holes:
        next_pieces: list[Span] = []
        for start, end in pieces:
            if h_end <= start or end <= h_start:
                next_pieces.append((start, end))
                continue
            if start < h_start:
                next_pieces.append((start, h_start))
            if h_end < end:
                next_pieces.append((h_end, end))
        pieces = next_pieces
    return pieces


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def gaps(client: Client, start: datetime, end: datetime) -> list[Gap]:
    """Every coverage shortfall of the client in [start, end), in time order."""
    if not client.coverage or end <= start:
        return []
    zone = client.zone
    lo, hi = start.astimezone(UTC), end.astimezone(UTC)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    occs, cancelled = expand(client, first, last)

    windows: dict[str, list[Span]] = {}
    for absence in client.absences:
        windows.setdefault(absence.person, []).append(absence_window(absence, client))
    duty: dict[str, list[Span]] = {}
    for occ in occs:
        if occ.end_utc <= lo or occ.start_utc >= hi:
            continue
        pieces = _subtract((occ.start_utc, occ.end_utc), windows.get(occ.person, ()))
        duty.setdefault(occ.person, []).extend(pieces)

    needs: dict[str | None, list[tuple[datetime, datetime, int]]] = {}
    day = first
    while day <= last:
        weekday = WEEKDAYS[day.weekday()]
        closed = closure_reason(client, day) is not None
        for row in client.coverage:
            if weekday in row.days and (row.on_closures or not closed):
                s, e = coverage_span(client, row, day)  # (inside the skipped hour: empty)
                s, e = max(s, lo), min(e, hi)
                if s < e:
                    needs.setdefault(row.department, []).append((s, e, row.min))
        day += timedelta(days=1)

    found: list[Gap] = []
    for department, rows in needs.items():
        members = {p.id for p in client.people if department is None or p.department == department}
        found.extend(_department_gaps(client, department, rows, members, duty, occs, cancelled))
    found.sort(key=lambda g: (g.start.astimezone(UTC), g.department or ""))
    return found


def _department_gaps(
    client: Client,
    department: str | None,
    rows: list[tuple[datetime, datetime, int]],
    members: set[str],
    duty: dict[str, list[Span]],
    occs: list[Occurrence],
    cancelled: list[tuple[Occurrence, str]],
) -> list[Gap]:
    delta: dict[datetime, int] = {}
    for person in members:
        for s, e in _merged(duty.get(person, [])):
            delta[s] = delta.get(s, 0) + 1
            delta[e] = delta.get(e, 0) - 1
    need_events: dict[datetime, list[tuple[int, int]]] = {}
    for s, e, minimum in rows:
        need_events.setdefault(s, []).append((minimum, 1))
        need_events.setdefault(e, []).append((minimum, -1))
    points = sorted(set(delta) | set(need_events))
    count = 0
    active: dict[int, int] = {}
    raw: list[tuple[datetime, datetime, int, int]] = []
    for i, point in enumerate(points[:-1]):
        count += delta.get(point, 0)
        for minimum, change in need_events.get(point, ()):
            active[minimum] = active.get(minimum, 0) + change
        required = max((m for m, n in active.items() if n > 0), default=0)
        if count < required:
            raw.append((point, points[i + 1], required, count))

    found: list[Gap] = []
    for s, e, required, on_duty in raw:
        reason = _reason(client, members, occs, cancelled, s, e)
        previous = found[-1] if found else None
        if (
            previous is not None
            and previous.end.astimezone(UTC) == s
            and (previous.required, previous.on_duty, previous.reason)
            == (required, on_duty, reason)
        ):
            found[-1] = Gap(
                client.id,
                previous.start,
                e.astimezone(client.zone),
                department,
                required,
                on_duty,
                reason,
            )
        else:
            found.append(
                Gap(
                    client.id,
                    s.astimezone(client.zone),
                    e.astimezone(client.zone),
                    department,
                    required,
                    on_duty,
                    reason,
                )
            )
    return found


def _reason(
    client: Client,
    members: set[str],
    occs: list[Occurrence],
    cancelled: list[tuple[Occurrence, str]],
    start: datetime,
    end: datetime,
) -> str:
    """Why the segment [start, end) is short: a shift lost to an absence, to a holiday or
    closure, else no shift at all."""
    for occ in occs:
        if occ.person not in members or occ.end_utc <= start or occ.start_utc >= end:
            continue
        for absence in client.absences:
            if absence.person != occ.person:
                continue
            a_start, a_end = absence_window(absence, client)
            if a_start < end and start < a_end:
                if occ.covering is None and absence.covers and absence.replaced_by:
                    continue  # taken over: the replacement's part says why, if anything
                if occ.covering is not None:
                    return REPLACEMENT_ABSENT.format(name=client.person_name(occ.person))
                return ABSENT.format(name=client.person_name(occ.person))
    for occ, why in cancelled:
        if occ.person in members and occ.start_utc < end and start < occ.end_utc:
            day = occ.start.date()
            own = any(c.start <= day <= c.until for c in client.closures)
            return (CLOSED if own else HOLIDAY).format(name=why)
    return NO_SHIFT


def replacement_gaps(client: Client, start: datetime, end: datetime) -> list[Gap]:
    """The "vervangingsgaten" in [start, end): periods in which an absent person's
    replacement is away too, each saying where notes go then (the replacement chain)."""
    from kccdesk.duty.roster import note_route

    lo, hi = start.astimezone(UTC), end.astimezone(UTC)
    found: list[Gap] = []
    for absence in client.absences:
        replacement = absence.replaced_by
        if replacement is None or replacement == absence.person:
            continue
        a_start, a_end = absence_window(absence, client)
        for away in client.absences:
            if away.person != replacement:
                continue
            b_start, b_end = absence_window(away, client)
            s, e = max(a_start, b_start, lo), min(a_end, b_end, hi)
            if s >= e:
                continue
            route = note_route(client, absence.person, s)
            target = (
                NOTES_TO.format(name=client.person_name(route.recipient))
                if route.recipient
                else NOTES_NOWHERE
            )
            reason = REPLACEMENT_AWAY.format(
                name=client.person_name(absence.person),
                replacement=client.person_name(replacement),
                target=target,
            )
            found.append(
                Gap(
                    client.id,
                    s.astimezone(client.zone),
                    e.astimezone(client.zone),
                    None,
                    1,
                    0,
                    reason,
                    kind="replacement",
                    person=absence.person,
                )
            )
    found.sort(key=lambda g: (g.start.astimezone(UTC), g.reason))
    return found


def describe_gap(gap: Gap) -> str:
    """'Techniek: 0 van 1 in dienst tot 07:00 (geen dienst ingeroosterd)'."""
    return f"{gap.shortfall} tot {gap.end:%H:%M} ({gap.reason})"


def agenda_gaps(client: Client, now: datetime) -> list[Gap]:
    """A calendar feed not read within the client's `stale_after_hours` (or failing): from
    its last good read until now the roster may miss that person's absences."""
    found = []
    local = now.astimezone(client.zone)
    for feed in client.feeds:
        person = client.person(feed.person)
        if person is None or not person.agenda or not feed.stale(now, client.agenda):
            continue
        # Stale from the moment the last good read was `stale_after_hours` old.
        stale_from = (
            feed.ok_at + timedelta(hours=client.agenda.stale_after_hours) if feed.ok_at else now
        )
        since = min(stale_from, now).astimezone(client.zone)
        reason = f"agenda van {person.name} niet bijgewerkt"
        if feed.error:
            reason += f": {feed.error}"
        found.append(
            Gap(
                client.id,
                since,
                local,
                person.department or None,
                0,
                0,
                reason,
                kind="agenda",
                person=person.id,
            )
        )
    return found
