"""Roster entries as a shift lead reads and types them: one-line Dutch descriptions, and the
day and date notations of the roster forms ('ma-vr', '24-12'). The rules an entry must pass
live in kccdesk.duty.rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

from kccdesk.clients.model import (
    DUTCH_WEEKDAYS,
    WEEKDAYS,
    Absence,
    Coverage,
    ExtraShift,
    WeeklyShift,
)
from kccdesk.core.when import parse_clock, parse_day
from kccdesk.duty.kinds import RosterItem
from kccdesk.duty.rules import clock_text, period_text

#: 'mon' → 'ma' and back: how Dutch rosters write the days
DUTCH_DAY_NAMES = dict(zip(WEEKDAYS, DUTCH_WEEKDAYS, strict=True))
DUTCH_DAYS = {dutch: day for day, dutch in DUTCH_DAY_NAMES.items()}


def describe(item: RosterItem, name: Callable[[str], str] = str) -> str:
    """A roster item in one Dutch line, for messages and lists; `name` turns ids into names."""
    if isinstance(item, WeeklyShift):
        days = ",".join(DUTCH_DAY_NAMES.get(d, d) for d in item.days)
        extra = " (ook op sluitingsdagen)" if item.on_closures else ""
        return f"{name(item.person)} {days} {item.start:%H:%M}–{item.end:%H:%M}{extra}"
    if isinstance(item, Coverage):
        days = ",".join(DUTCH_DAY_NAMES.get(d, d) for d in item.days)
        who = f"{item.min}× {item.department}" if item.department else f"{item.min}× iemand"
        extra = " (ook op sluitingsdagen)" if item.on_closures else ""
        return f"dekking {days} {item.start:%H:%M}–{clock_text(item.end)}: {who}{extra}"
    if isinstance(item, ExtraShift):
        return f"{name(item.person)} {item.date:%d-%m-%Y} {item.start:%H:%M}–{item.end:%H:%M}"
    if isinstance(item, Absence):
        replaced = f" → {name(item.replaced_by)}" if item.replaced_by else ""
        if item.replaced_by and item.covers:
            replaced += " (neemt dienst over)"
        if item.start_time is None and item.until_time is None and item.until is not None:
            period = f"{item.start:%d-%m}–{item.until:%d-%m-%Y}"
        else:
            period = period_text(item)
        source = " (uit agenda)" if item.source else ""
        return f"{name(item.person)} afwezig {period} {item.reason}{replaced}{source}"
    return f"gesloten {item.start:%d-%m}–{item.until:%d-%m-%Y} {item.reason}"


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


def swap(
    shift: WeeklyShift | ExtraShift, day: date, replacement: str | None = None, reason: str = "ruil"
) -> Absence:
    """The absence that swaps one occurrence of a shift (the one starting on `day`; an extra
    shift's own date): from its start to its end, half-open, taken over by `replacement`."""
    if isinstance(shift, ExtraShift):
        day = shift.date
    elif WEEKDAYS[day.weekday()] not in shift.days:
        raise ValueError(
            f"{describe(shift)} loopt niet op {DUTCH_WEEKDAYS[day.weekday()]} {day:%d-%m-%Y}"
        )
    end_day = day + timedelta(days=1) if shift.end <= shift.start else day
    return Absence(
        shift.person,
        day,
        end_day,
        reason,
        replacement,
        covers=True,
        start_time=shift.start,
        until_time=shift.end,
    )


def next_day_of(shift: WeeklyShift | ExtraShift, today: date) -> date:
    """The first day from `today` on which the shift starts (an extra shift: its date)."""
    if isinstance(shift, ExtraShift):
        return shift.date
    day = today
    while WEEKDAYS[day.weekday()] not in shift.days:
        day += timedelta(days=1)
    return day


def parse_flag(text: str) -> bool:
    """'j', 'ja', 'y' → True; 'n', 'nee' or empty → False."""
    value = text.strip().lower()
    if value in ("j", "ja", "y", "yes", "true"):
        return True
    if value in ("", "n", "nee", "no", "false"):
        return False
    raise ValueError(f"'{text}': vul j of n in")


def parse_moment(text: str, today: date) -> tuple[date, time | None]:
    """'24-12-2026' or '24-12-2026 17:00' (a moment on that day) → (day, time or None)."""
    day, _, at = text.strip().partition(" ")
    return parse_day(day, today), (parse_clock(at) if at.strip() else None)
