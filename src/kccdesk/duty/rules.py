"""The rules every roster entry must pass, whichever way it arrives: typed in the roster pane,
imported from a client file, or written through the service from the command line.

The five kinds of roster entry are listed once, in kccdesk.duty.kinds. One function,
`entry_problems`, says why an entry cannot stand beside the others; `client_problems` applies
it to every entry of a client, so an import refuses exactly
what the pane refuses:

- a person (or replacement) who is not of this client, or someone replacing themselves;
- a shift or coverage row whose start equals its end, one without (valid) days;
- a coverage row with `min` below 1, of a department no person of the client is in, or
  overlapping another coverage row of the same department on a shared day;
- a period that ends before it starts;
- two overlapping absences of one person with different replacements (who replaces then?),
  or replacements that lead back to someone already absent at the same moment (a loop);
- two shifts of one person that overlap (weekly with weekly on a shared day, dated with dated);
- the same dated entry twice;
- a date outside 2000–2100 (the years a roster can sensibly mean; also keeps every duty
  computation far from the edges of the calendar), or a control character in a text.

A replacement who is away too is not refused: the replacement chain takes over, and
`replacement_warnings` tells the shift lead (an ordinary week, DESIGN.md).

`date_problem` and `text_problem` are the field rules the client file applies to every other
field too (topics, people, the client head), so a text or date means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from kccdesk.clients.model import (
    WEEKDAYS,
    Absence,
    Client,
    Closure,
    Coverage,
    ExtraShift,
    WeeklyShift,
)
from kccdesk.core.text_rule import forbidden
from kccdesk.core.when import (
    UNTIL_FURTHER_NOTICE,
    WEEKDAY_NAMES,
    clock_text,
    date_text,
    moment_text,
    span_text,
    through,
)
from kccdesk.duty.kinds import KINDS, RosterItem, items_of, kind_of

#: the most people a coverage row may ask for (no roster needs more; a database integer fits)
MAX_MIN = 1000

#: the years a date in client data may fall in (inclusive)
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def date_problem(name: str, day: date) -> str | None:
    """Why a date cannot be in client data (outside 2000–2100), else None."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return f"{name} {day.isoformat()} ligt buiten {FIRST_DAY.year}–{LAST_DAY.year}"


def text_problem(name: str, value: str, multiline: bool = False) -> str | None:
    """Why a text cannot be stored (kccdesk.core.text_rule: a control character, a separator, a
    direction override; line breaks and tabs only where `multiline`), else None."""
    found = forbidden(value, lines=multiline, carriage_returns=multiline)
    return None if found is None else found.says(f"veld '{name}'")


@dataclass(frozen=True)
class Problem:
    """Why one entry of a client cannot stand: its section, 1-based index and the reason."""

    section: str
    index: int
    message: str


def client_problems(client: Client) -> list[Problem]:
    """Every entry of the client checked against the others of its kind; empty when sound."""
    found: list[Problem] = []
    for kind in KINDS:
        items = items_of(client, kind)
        for i, item in enumerate(items):
            others = items[:i] + items[i + 1 :]
            found.extend(
                Problem(kind.section, i + 1, message)
                for message in entry_problems(client, item, others)
            )
    return found


def entry_problems(
    client: Client, item: RosterItem, others: Sequence[RosterItem] | None = None
) -> list[str]:
    """Why this entry cannot stand beside `others` (the client's other entries of its kind;
    by default all of them) — empty when it can. An editor changing an entry passes the others
    by their ids, so an entry never conflicts with its own stored version."""
    if others is None:
        others = items_of(client, kind_of(item))
    found: list[str] = []
    known = {p.id for p in client.people}
    person = getattr(item, "person", None)
    if person is not None and person not in known:
        found.append(f"persoon '{person}' bestaat niet bij {client.id}")
    if isinstance(item, WeeklyShift | ExtraShift) and item.start == item.end:
        found.append("begin en einde zijn gelijk")
    if isinstance(item, Coverage):
        found.extend(_coverage_problems(client, item, others))
    if isinstance(item, WeeklyShift):
        if not item.days:
            found.append("geen dagen opgegeven")
        found.extend(
            f"onbekende dag '{d}' (gebruik {', '.join(WEEKDAYS)})"
            for d in item.days
            if d not in WEEKDAYS
        )
        found.extend(
            f"overlapt met dienst {', '.join(_dutch(d) for d in shared)} "
            f"{other.start:%H:%M}–{other.end:%H:%M}"
            for other in others
            if isinstance(other, WeeklyShift) and other.person == item.person
            if (shared := [d for d in item.days if d in other.days])
            and _overlap(_weekly_span(item), _weekly_span(other))
        )
    if isinstance(item, ExtraShift):
        found.extend(
            f"overlapt met extra dienst {other.date:%d-%m} {other.start:%H:%M}–{other.end:%H:%M}"
            for other in others
            if isinstance(other, ExtraShift) and other.person == item.person
            if _overlap(_dated_span(item), _dated_span(other))
        )
    for name, day in _dates(item):
        problem = date_problem(name, day)
        if problem:
            found.append(problem)
    if isinstance(item, Absence | Closure):
        problem = text_problem("reason", item.reason)
        if problem:
            found.append(problem)
    if isinstance(item, Closure) and item.until < item.start:
        found.append("sluiting eindigt voor ze begint")
    if isinstance(item, Absence) and item.ends is not None and item.ends <= item.begins:
        found.append("afwezigheid eindigt voor ze begint")
    if isinstance(item, Absence) and item.until is None and item.until_time is not None:
        found.append("een eindtijd zonder einddatum")
    if isinstance(item, Absence):
        found.extend(_missing_times(client, item))
    if isinstance(item, Absence):
        found.extend(_replacement_problems(client, item, others, known))
    if isinstance(item, ExtraShift | Absence | Closure | Coverage) and item in others:
        found.append("dit staat al in het rooster")
    return found


def _missing_times(client: Client, item: Absence) -> list[str]:
    """A time that the client's clock skips (the spring DST night: 02:00–03:00 does not
    exist) cannot be when an absence begins or ends."""
    from kccdesk.duty.roster import wall_time_exists

    found = []
    for name, day, at in (
        ("from", item.start, item.start_time),
        ("until", item.until, item.until_time),
    ):
        if day is None or at is None or date_problem(name, day):
            continue
        wall = datetime.combine(day, at)
        if not wall_time_exists(wall, client.zone):
            found.append(
                f"{name} {wall:%d-%m-%Y %H:%M} bestaat niet in {client.timezone}: de klok "
                "springt die nacht een uur vooruit (zomertijd); kies een tijd ervoor of erna"
            )
    return found


def _dates(item: RosterItem) -> list[tuple[str, date]]:
    if isinstance(item, ExtraShift):
        return [("date", item.date)]
    if isinstance(item, Closure):
        return [("from", item.start), ("until", item.until)]
    if isinstance(item, Absence):
        return [("from", item.start)] + ([("until", item.until)] if item.until else [])
    return []


def _replacement_problems(
    client: Client, item: Absence, others: Sequence[RosterItem], known: set[str]
) -> list[str]:
    """What cannot be true of a replacement: unknown, oneself, two at once, a loop.

    A replacement who is away too is *not* among them: the replacement chain takes over
    (kccdesk.duty.roster.note_route) and `replacement_warnings` tells the shift lead."""
    found: list[str] = []
    replacement = item.replaced_by
    if replacement is not None and replacement not in known:
        found.append(f"vervanger '{replacement}' bestaat niet bij {client.id}")
    if replacement == item.person:
        found.append("iemand kan zichzelf niet vervangen")
    absences = [o for o in others if isinstance(o, Absence)]
    for other in absences:
        if (
            other.person == item.person
            and other.replaced_by != item.replaced_by
            and item.meets(other)
        ):
            found.append(
                f"overlapt met afwezigheid {period_text(other)} met een andere vervanger "
                "(wie vervangt er dan?)"
            )
    loop = _replacement_loop(item, absences)
    if loop:
        found.append(f"vervangers vormen een kring: {loop}")
    if item.covers and replacement is None:
        found.append("dienst overnemen (covers) kan alleen met een vervanger")
    return found


def _replacement_loop(item: Absence, others: Sequence[Absence]) -> str:
    """'a → b → a (vanaf 21-12-2026)' when, at some moment of the item, following the
    replacements of absent people comes back to someone already passed; else ''."""
    if item.replaced_by is None or item.replaced_by == item.person:
        return ""
    everyone = [item, *others]
    moments = {item.begins} | {o.begins for o in others if item.meets(o) and o.begins > item.begins}
    for moment in sorted(moments):
        passed = [item.person]
        current: str | None = item.replaced_by
        while current is not None:
            if current in passed:
                return f"{' → '.join([*passed, current])} (vanaf {moment_text(moment)})"
            passed.append(current)
            now = next((a for a in everyone if a.person == current and _during(a, moment)), None)
            current = now.replaced_by if now is not None else None
    return ""


def _during(absence: Absence, moment: datetime) -> bool:
    ends = absence.ends
    return absence.begins <= moment and (ends is None or moment < ends)


def replacement_warnings(client: Client, about: Absence | None = None) -> list[str]:
    """Periods in which an absent person's replacement is away too — accepted, an ordinary
    week, but the shift lead is told the days and where notes go then (the chain's end).
    With `about`, only the periods this absence takes part in."""
    from kccdesk.duty.roster import note_route  # the roster rules: only when warning

    found: list[str] = []
    for absence in client.absences:
        replacement = absence.replaced_by
        if replacement is None or replacement == absence.person:
            continue
        for away in client.absences:
            if away.person != replacement or not absence.meets(away):
                continue
            if about is not None and about not in (absence, away):
                continue
            begins = max(absence.begins, away.begins)
            ends = _earliest(absence.ends, away.ends)
            moment = datetime.combine(begins.date(), begins.time(), tzinfo=client.zone)
            route = note_route(client, absence.person, moment.astimezone(UTC))
            where = (
                f"notities gaan dan naar {client.person_name(route.recipient)}"
                if route.recipient
                else "er is dan niemand voor notities (geen standaardontvanger)"
            )
            found.append(
                f"{client.person_name(absence.person)} afwezig en vervanger "
                f"{client.person_name(replacement)} ook afwezig {span_text(begins, ends)}: "
                f"{where}"
            )
    return found


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def _dutch(day: str) -> str:
    """'wed' → 'wo': messages speak the shift lead's language."""
    return WEEKDAY_NAMES[WEEKDAYS.index(day)] if day in WEEKDAYS else day


def period_text(absence: Absence) -> str:
    """'van 24-12-2026 t/m 26-12-2026', 'van 22-12-2026 17:00 tot 23-12-2026 08:00' or
    'vanaf 23-11-2026 tot nader bericht': the entry as the shift lead wrote it."""

    def bound(day: date, at: time | None) -> str:
        return date_text(day) if at is None else f"{date_text(day)} {clock_text(at)}"

    start = bound(absence.start, absence.start_time)
    if absence.until is None:
        return f"vanaf {start} {UNTIL_FURTHER_NOTICE}"
    if absence.until_time is not None:
        return f"van {start} tot {bound(absence.until, absence.until_time)}"
    return f"van {start} {through(absence.until)}"


def _coverage_problems(client: Client, item: Coverage, others: Sequence[RosterItem]) -> list[str]:
    found: list[str] = []
    if item.end is not None and item.start == item.end:
        found.append("begin en einde zijn gelijk")
    if not item.days:
        found.append("geen dagen opgegeven")
    found.extend(
        f"onbekende dag '{d}' (gebruik {', '.join(WEEKDAYS)})"
        for d in item.days
        if d not in WEEKDAYS
    )
    if isinstance(item.min, bool) or item.min < 1:
        found.append(f"min moet 1 of meer zijn, niet {item.min}")
    elif item.min > MAX_MIN:
        found.append(f"min {item.min} is meer dan een rooster kan vragen (hooguit {MAX_MIN})")
    if item.department is not None:
        problem = text_problem("department", item.department)
        if problem:
            found.append(problem)
        elif not any(p.department == item.department for p in client.people):
            found.append(f"afdeling '{item.department}' bestaat niet bij {client.id}")
    found.extend(
        f"overlapt met dekking {', '.join(shared)} "
        f"{clock_text(other.start)}–{clock_text(other.end)}"
        for other in others
        if isinstance(other, Coverage) and other.department == item.department
        if (shared := [d for d in item.days if d in other.days])
        and _overlap(_coverage_span(item), _coverage_span(other))
    )
    return found


def _coverage_span(item: Coverage) -> tuple[int, int]:
    start = _minutes(item.start)
    if item.end is None:
        return start, 1440
    end = _minutes(item.end)
    return start, end if end > start else end + 1440


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _weekly_span(shift: WeeklyShift | ExtraShift) -> tuple[int, int]:
    """Minutes from midnight of the start day; past midnight runs into the next day."""
    start, end = _minutes(shift.start), _minutes(shift.end)
    return start, end if end > start else end + 1440


def _dated_span(shift: ExtraShift) -> tuple[int, int]:
    start, end = _weekly_span(shift)
    day = shift.date.toordinal() * 1440
    return day + start, day + end


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open intervals: back-to-back shifts do not overlap."""
    return a[0] < b[1] and b[0] < a[1]
