"""The rules a roster edit must pass before it is saved, and one-line descriptions of entries.

Refused with a Dutch reason (and nothing saved): start equal to end, a person unknown to this
client, an absence that ends before it starts, a replacement who is absent in the same period,
and a weekly shift that overlaps another of the same person (flagged, never silently doubled).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from kccdesk.model import WEEKDAYS, Absence, Client, Closure, ExtraShift, WeeklyShift
from kccdesk.roster import overlapping_shifts, replacement_conflict, roster_problems

RosterItem = WeeklyShift | ExtraShift | Absence | Closure
SECTION = {
    WeeklyShift: "shifts",
    ExtraShift: "extra_shifts",
    Absence: "absences",
    Closure: "closures",
}


#: 'mon' → 'ma': how Dutch rosters write the days
DUTCH_DAY_NAMES = dict(zip(WEEKDAYS, ("ma", "di", "wo", "do", "vr", "za", "zo"), strict=True))


def describe(item: RosterItem, name: Callable[[str], str] = str) -> str:
    """A roster item in one Dutch line, for messages and lists; `name` turns ids into names."""
    if isinstance(item, WeeklyShift):
        days = ",".join(DUTCH_DAY_NAMES.get(d, d) for d in item.days)
        return f"{name(item.person)} {days} {item.start:%H:%M}–{item.end:%H:%M}"
    if isinstance(item, ExtraShift):
        return f"{name(item.person)} {item.date:%d-%m-%Y} {item.start:%H:%M}–{item.end:%H:%M}"
    if isinstance(item, Absence):
        replaced = f" → {name(item.replaced_by)}" if item.replaced_by else ""
        period = f"{item.start:%d-%m}–{item.until:%d-%m-%Y}"
        return f"{name(item.person)} afwezig {period} {item.reason}{replaced}"
    return f"gesloten {item.start:%d-%m}–{item.until:%d-%m-%Y} {item.reason}"


def problems_with(
    client: Client, item: RosterItem, others: Sequence[RosterItem] | None = None
) -> list[str]:
    """Why this item cannot be saved into the client's roster (empty: it can).

    `others` are the entries of the same kind it must fit beside; by default all the client
    has. An editor changing an entry passes the others by their ids, so the entry never
    conflicts with its own stored version — whichever version another desk saved meanwhile.
    """
    section = SECTION[type(item)]
    others = list(getattr(client, section) if others is None else others)
    trial = replace(client, **{section: (*others, item)})
    index = len(others) + 1
    found = [message for sec, i, message in roster_problems(trial) if (sec, i) == (section, index)]
    if isinstance(item, Absence) and item.replaced_by and item.replaced_by != item.person:
        conflict = replacement_conflict(trial, item)
        if conflict:
            found.append(conflict)
    if isinstance(item, Absence):
        for other in others:
            if (
                isinstance(other, Absence)
                and other.replaced_by == item.person
                and other.start <= item.until
                and item.start <= other.until
            ):
                found.append(
                    f"{item.person} vervangt {other.person} van {other.start:%d-%m} t/m "
                    f"{other.until:%d-%m-%Y}; kies eerst een andere vervanger"
                )
    if isinstance(item, WeeklyShift):
        found.extend(overlapping_shifts(trial, item, skip=index - 1))
    if isinstance(item, ExtraShift):
        for other in others:
            if other.person == item.person and _extra_overlap(item, other):
                found.append(
                    f"overlapt met extra dienst {other.date:%d-%m} "
                    f"{other.start:%H:%M}–{other.end:%H:%M}"
                )
    if isinstance(item, ExtraShift | Absence | Closure) and item in others:
        found.append("dit staat al in het rooster")
    return found


DUTCH_DAYS = {
    "ma": "mon",
    "di": "tue",
    "wo": "wed",
    "do": "thu",
    "vr": "fri",
    "za": "sat",
    "zo": "sun",
}


def _extra_overlap(a: ExtraShift, b: ExtraShift) -> bool:
    """Two dated shifts overlap in wall-clock minutes (past midnight runs into the next day)."""

    def span(s: ExtraShift) -> tuple[int, int]:
        day = s.date.toordinal() * 1440
        start, end = s.start.hour * 60 + s.start.minute, s.end.hour * 60 + s.end.minute
        return day + start, day + (end if end > start else end + 1440)

    (a0, a1), (b0, b1) = span(a), span(b)
    return a0 < b1 and b0 < a1


def parse_days(text: str) -> tuple[str, ...]:
    """'ma,di, wo' or 'mon tue' → ('mon', 'tue', 'wed'); 'ma-vr' for a range."""
    found: list[str] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        part = part.strip().lower()
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = DUTCH_DAYS.get(first, first), DUTCH_DAYS.get(last, last)
            if a not in WEEKDAYS or b not in WEEKDAYS:
                raise ValueError(f"onbekende dagen '{part}'")
            found.extend(WEEKDAYS[WEEKDAYS.index(a) : WEEKDAYS.index(b) + 1])
            continue
        day = DUTCH_DAYS.get(part[:2], part) if len(part) <= 3 else part
        day = DUTCH_DAYS.get(day, day)
        if day not in WEEKDAYS:
            raise ValueError(f"onbekende dag '{part}' (ma, di, wo, do, vr, za, zo)")
        found.append(day)
    if not found:
        raise ValueError("geen dagen ingevuld")
    return tuple(dict.fromkeys(found))


def parse_day(text: str) -> date:
    """'24-12-2026', '24-12' (this year) or '2026-12-24'."""
    text = text.strip()
    try:
        if len(text) >= 8 and text[4] == "-":
            return date.fromisoformat(text)
        parts = [int(p) for p in text.replace("/", "-").split("-")]
        if len(parts) == 2:
            parts.append(date.today().year)
        day, month, year = parts
        return date(year, month, day)
    except (ValueError, IndexError):
        raise ValueError(f"datum '{text}' bestaat niet (dd-mm-jjjj)") from None
