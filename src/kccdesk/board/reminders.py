"""Hold until: a note or a task an agent sets aside until a time ("bel om 14:00 terug als de
monteur niet gebeld heeft"); at that time it returns on the board and on that agent's desk.

The time is typed as an agent says it, on the client's clock: "14:00" (today), "morgen
9:30", "vr 08:00", "24-12 10:00", "2026-12-24 10:00", or "over 20 min". A time already past,
more than a year ahead, or one the clock skips (the spring DST night) is refused with a line
that says why; the text follows the text rule of everything typed.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from kccdesk.core.text_rule import MAX_NAME, blank, forbidden, too_long
from kccdesk.core.when import WEEKDAY_NAMES, parse_clock, parse_day

#: the furthest ahead a reminder may be set
MAX_AHEAD = timedelta(days=366)
#: the longest reminder text (a line, with a name and a number in it)
MAX_TEXT = 2 * MAX_NAME


@dataclass(frozen=True)
class Reminder:
    id: int
    client: str
    agent: str  # the name on the desk of who set it (their desk gets it back)
    user: str  # the login or OS user (which desk it returns on)
    text: str
    due_at: datetime  # aware UTC
    created_at: datetime
    done_at: datetime | None = None
    done_by: str = ""
    note_uuid: str = ""

    def due(self, now: datetime) -> bool:
        return self.done_at is None and self.due_at <= now


def reminder_text_problem(text: str) -> str | None:
    """Why a reminder's text cannot be kept (empty, too long, control characters)."""
    if blank(text):
        return "typ wat er dan moet gebeuren"
    wrong = forbidden(text)
    if wrong is not None:
        return wrong.says("de tekst")
    longer = too_long(text, MAX_TEXT)
    return f"de tekst is {longer}" if longer else None


_IN = re.compile(r"^(?:over\s+|\+\s*)(\d{1,4})\s*(?:m|min|minuten|minuut)?$")
_IN_HOURS = re.compile(r"^(?:over\s+|\+\s*)(\d{1,3})\s*(?:u|uur)$")


def parse_due(text: str, now: datetime, zone: tzinfo) -> datetime:
    """The moment a typed time means on the client's clock (aware UTC); ValueError with a
    Dutch line when it cannot be meant."""
    typed = " ".join(text.strip().lower().split()).rstrip(".")
    if not typed:
        raise ValueError("typ een tijd: 14:00, morgen 9:30, vr 08:00 of over 20 min")
    local_now = now.astimezone(zone)
    if match := _IN.match(typed):
        due = now + timedelta(minutes=int(match.group(1)))
    elif match := _IN_HOURS.match(typed):
        due = now + timedelta(hours=int(match.group(1)))
    elif typed.startswith(("over ", "+")):
        raise ValueError("typ 'over 20 min' of 'over 2 uur' (een getal, dan min of uur)")
    else:
        due = _on_the_clock(typed, local_now, zone)
    if due <= now:
        if typed.startswith(("over ", "+")):
            raise ValueError("kies een tijd na nu")
        words = typed.split(" ")[:-1]
        hint = f"; typ bijvoorbeeld 'morgen {typed}'" if not words else ""
        raise ValueError(f"'{text.strip()}' is al voorbij{hint}")
    if due - now > MAX_AHEAD:
        raise ValueError("hooguit een jaar vooruit")
    return due.astimezone(UTC)


def _on_the_clock(typed: str, local_now: datetime, zone: tzinfo) -> datetime:
    """A day and a clock time on the client's clock; a weekday that is today means today
    while its time is still to come, a day and month without a year the next one to come."""
    day, clock, dated = _day_and_clock(typed, local_now.date())
    due = _moment(day, clock, zone)
    if due <= local_now and dated == "weekday":
        due = _moment(day + timedelta(days=7), clock, zone)
    if due <= local_now and dated == "no year":
        with contextlib.suppress(ValueError):  # 29 February has no next one in a year
            due = _moment(day.replace(year=day.year + 1), clock, zone)
    return due


def _moment(day: date, clock: time, zone: tzinfo) -> datetime:
    wall = datetime.combine(day, clock)
    there = wall.replace(tzinfo=zone)
    if there.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise ValueError(
            f"{wall:%d-%m %H:%M} bestaat niet: de klok springt die nacht een uur vooruit"
        )
    return there


#: weekdays as agents type them, short and whole
_WEEKDAYS = {
    **{short: i for i, short in enumerate(WEEKDAY_NAMES)},
    **{
        name: i
        for i, name in enumerate(
            ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
        )
    },
}


def _day_and_clock(typed: str, today: date) -> tuple[date, time, str]:
    """(day, time, how the day was given: "today", "weekday", "no year", "dated")."""
    parts = typed.split(" ")
    clock_text = parts[-1].rstrip(".")
    if clock_text in ("vandaag", "morgen", "overmorgen") or clock_text in _WEEKDAYS:
        raise ValueError(f"typ ook een tijd: '{typed} 9:30'")
    if len(clock_text) <= 2 and clock_text.isdigit():
        clock_text += ":00"  # "om 9" is 09:00
    clock_text = clock_text.replace(".", ":")
    if len(clock_text) == 4 and clock_text[1] == ":":
        clock_text = "0" + clock_text
    if ":" not in clock_text and "-" in clock_text:
        raise ValueError(f"typ ook een tijd: '{typed} 9:30'")
    clock = parse_clock(clock_text)
    words = [p for p in parts[:-1] if p not in ("om", "op")]
    if not words or words == ["vandaag"]:
        return today, clock, "today"
    if words == ["morgen"]:
        return today + timedelta(days=1), clock, "dated"
    if words == ["overmorgen"]:
        return today + timedelta(days=2), clock, "dated"
    if len(words) == 1 and words[0] in _WEEKDAYS:
        ahead = (_WEEKDAYS[words[0]] - today.weekday()) % 7
        return today + timedelta(days=ahead), clock, "weekday"
    if len(words) == 1 and any(ch.isdigit() for ch in words[0]):
        day = parse_day(words[0], today)
        pieces = words[0].replace("/", "-").replace(".", "-").split("-")
        given = "no year" if len(pieces) == 2 else "dated"
        return day, clock, given
    raise ValueError(f"tijd '{typed}' niet begrepen: 14:00, morgen 9:30, vr 08:00, over 20 min")
