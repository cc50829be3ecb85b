"""The events of one ICS feed in a window of time, read with icalendar, recurring-ical-events
(RRULE, EXDATE, RECURRENCE-ID) and x-wr-timezone (Google's calendar-wide zone).

A feed is somebody else's file: every way it can be wrong (not a calendar, cut off, far too
big, events in year 1 or 9999, a zone nobody knows) is one Dutch line (FeedError), never an
exception from a library, and never a hang on a rule that repeats every second since year 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

#: at most this many events in one feed (a busy person's ten years are a few thousand)
MAX_EVENTS = 20_000
#: events that start outside these years are skipped (a typo, or a generator's sentinel)
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: rules that repeat faster than daily are no appointments (and would take ages to expand)
ALLOWED_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})

#: the busy states an event can have (Outlook's X-MICROSOFT-CDO-BUSYSTATUS words)
OOF, BUSY, FREE, TENTATIVE = "OOF", "BUSY", "FREE", "TENTATIVE"


class FeedError(ValueError):
    """Why a feed could not be used, in one line for the person who keeps the feeds."""


@dataclass(frozen=True)
class FeedEvent:
    """One occurrence of an event: `start`/`end` aware instants, or dates for an all-day
    event (end exclusive, as ICS writes it)."""

    uid: str
    title: str
    start: datetime | date
    end: datetime | date
    status: str  # OOF, BUSY, FREE or TENTATIVE

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True)
class FeedRead:
    events: tuple[FeedEvent, ...]
    #: what was skipped and why (events in year 1, a rule every second), for the feed's line
    skipped: tuple[str, ...] = ()


def read_feed(data: bytes, zone: ZoneInfo, first: datetime, last: datetime) -> FeedRead:
    """The occurrences of the feed's events that touch [first, last) (aware instants);
    floating times are the client's wall clock (`zone`). Raises FeedError."""
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.upper().startswith(b"BEGIN:VCALENDAR"):
        raise FeedError("geen agenda (ICS): het bestand begint niet met BEGIN:VCALENDAR")
    if b"END:VCALENDAR" not in text.rstrip()[-64:].upper():
        raise FeedError("agenda is afgebroken: END:VCALENDAR ontbreekt (half gedownload?)")
    count = len(re.findall(rb"(?im)^BEGIN:VEVENT", text))
    if count > MAX_EVENTS:
        raise FeedError(f"agenda heeft {count} afspraken; hooguit {MAX_EVENTS} worden gelezen")
    text = _without_known_zone_definitions(text)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise FeedError(f"onleesbare agenda: {_first_line(exc)}") from None
    if isinstance(calendar, list):  # several VCALENDARs glued together
        calendar = calendar[0]
    skipped: list[str] = []
    unknown_zones: set[str] = set()
    for event in list(calendar.walk("VEVENT")):
        problem = _unusable(event, unknown_zones)
        if problem:
            skipped.append(problem)
            calendar.subcomponents.remove(event)
    if unknown_zones:
        raise FeedError(f"onbekende tijdzone {', '.join(sorted(unknown_zones))} in de agenda")
    try:
        calendar = x_wr_timezone.to_standard(calendar)
        found = recurring_ical_events.of(calendar).between(
            first.astimezone(zone).replace(tzinfo=None), last.astimezone(zone).replace(tzinfo=None)
        )
        events = [_event(item, zone) for item in found]
    except FeedError:
        raise
    except Exception as exc:  # a library's error on somebody else's file: one line
        raise FeedError(f"onleesbare agenda: {_first_line(exc)}") from None
    kept = tuple(e for e in events if e is not None)
    return FeedRead(kept, tuple(dict.fromkeys(skipped)))


_ZONE_BLOCK = re.compile(rb"(?ims)^BEGIN:VTIMEZONE\r?\n.*?^END:VTIMEZONE\r?\n")
_ZONE_ID = re.compile(rb"(?im)^TZID:(.*?)\r?$")


def _without_known_zone_definitions(text: bytes) -> bytes:
    """Drop the VTIMEZONE blocks of zones the time-zone database knows by name (Outlook
    writes "W. Europe Standard Time" with rules from 1601): the database's rules are the
    zone, and expanding the feed's own from 1601 on costs every event's conversion. A zone
    of a name nobody knows ("Customized Time Zone") keeps its definition."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    def known(block: re.Match[bytes]) -> bytes:
        found = _ZONE_ID.search(block.group(0))
        name = found.group(1).decode("utf-8", "replace").strip().strip("/") if found else ""
        return b"" if name in WINDOWS_TO_OLSON or name in _iana_zones() else block.group(0)

    return _ZONE_BLOCK.sub(known, text)


@cache
def _iana_zones() -> frozenset[str]:
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def _unusable(event: Any, unknown_zones: set[str]) -> str | None:
    """Why an event cannot be read (it is skipped), or None. Collects unknown zones."""
    start = event.get("DTSTART")
    if start is None:
        return "afspraak zonder begintijd overgeslagen"
    try:
        value = event.decoded("DTSTART")
    except Exception:
        return "afspraak met onleesbare begintijd overgeslagen"
    if not isinstance(value, date):
        return "afspraak met onleesbare begintijd overgeslagen"
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return f"afspraak in het jaar {value.year} overgeslagen"
    zone_name = start.params.get("TZID")
    if zone_name and isinstance(value, datetime) and value.tzinfo is None:
        unknown_zones.add(f"'{zone_name}'")
    rule = event.get("RRULE")
    if rule is not None:
        rules = rule if isinstance(rule, list) else [rule]
        for item in rules:
            frequency = (item.get("FREQ") or [""])[0]
            if str(frequency).upper() not in ALLOWED_FREQUENCIES:
                return f"herhaling '{frequency}' (vaker dan dagelijks) overgeslagen"
    return None


def _event(item: Any, zone: ZoneInfo) -> FeedEvent | None:
    """One occurrence as a FeedEvent; None when it does not count (cancelled)."""
    if str(item.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start = item.decoded("DTSTART")
    end = item.decoded("DTEND") if item.get("DTEND") is not None else None
    if end is None:
        duration = item.decoded("DURATION") if item.get("DURATION") is not None else None
        if duration is not None:
            end = start + duration
        else:  # RFC 5545: a date event lasts the day, a timed one is a moment
            end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    if isinstance(start, datetime):
        start = _aware(start, zone)
        end = _aware(end if isinstance(end, datetime) else datetime.combine(end, time(0)), zone)
        if end <= start:
            return None  # a reminder at one moment: no time is taken
    elif isinstance(end, datetime):
        end = end.date()
    if not isinstance(start, datetime) and end <= start:
        end = start + timedelta(days=1)
    return FeedEvent(
        uid=str(item.get("UID", "")),
        title=str(item.get("SUMMARY", "")).strip(),
        start=start,
        end=end,
        status=_status(item),
    )


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """A floating time (no zone) is the client's wall clock; all instants end up in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _status(item: Any) -> str:
    """How busy the event makes its owner: Outlook says it (BUSYSTATUS, or INTENDEDSTATUS
    when it was sent as an invitation), else TRANSP (transparent: free) and STATUS."""
    for key in ("X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INTENDEDSTATUS"):
        value = str(item.get(key, "")).upper()
        if value in (OOF, BUSY, FREE, TENTATIVE):
            return value
        if value == "WORKINGELSEWHERE":
            return BUSY
    if str(item.get("TRANSP", "")).upper() == "TRANSPARENT":
        return FREE
    if str(item.get("STATUS", "")).upper() == "TENTATIVE":
        return TENTATIVE
    return BUSY
