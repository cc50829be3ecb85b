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
#: parts of a rule that repeat within a day (every minute of every hour): refused alike
WITHIN_A_DAY = ("BYHOUR", "BYMINUTE", "BYSECOND")
#: the largest INTERVAL read (every 1,000 days, weeks or months: beyond any appointment)
MAX_INTERVAL = 1000
#: occurrences read in the window at most
MAX_OCCURRENCES = 5000
#: the steps of all repeat rules together a feed may take to expand (a busy person's
#: decade of weekly and daily series is a few hundred thousand)
MAX_STEPS = 1_000_000

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
    import x_wr_timezone

    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.upper().startswith(b"BEGIN:VCALENDAR"):
        raise FeedError("geen agenda (ICS): het bestand begint niet met BEGIN:VCALENDAR")
    ends = list(re.finditer(rb"(?im)^END:VCALENDAR[ \t]*(?:\r?\n|$)", text))
    if not ends:
        raise FeedError("agenda is afgebroken: END:VCALENDAR ontbreekt (half gedownload?)")
    text = text[: ends[-1].end()]  # what a server adds after the end is no calendar
    count = len(re.findall(rb"(?im)^BEGIN:VEVENT", text))
    if count > MAX_EVENTS:
        raise FeedError(f"agenda heeft {count} afspraken; hooguit {MAX_EVENTS} worden gelezen")
    text = _without_known_zone_definitions(text)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # somebody else's file: one line, never a traceback
        raise FeedError(f"onleesbare agenda ({_first_line(exc)})") from None
    if not calendars:
        raise FeedError("geen agenda (ICS): geen VCALENDAR gevonden")
    calendar = calendars[0]
    for glued in calendars[1:]:  # several VCALENDARs glued together: one agenda
        for part in glued.subcomponents:
            calendar.add_component(part)
    skipped: list[str] = []
    unknown_zones: set[str] = set()
    steps = inside = 0
    for event in list(calendar.walk("VEVENT")):
        problem = _unusable(event, unknown_zones)
        if problem:
            skipped.append(problem)
            _remove(calendar, event)
        else:
            cost = _cost(event, first, last)
            steps, inside = steps + cost[0], inside + cost[1]
    if inside > MAX_OCCURRENCES:
        raise FeedError(
            f"agenda heeft meer dan {MAX_OCCURRENCES} afspraken in de komende maanden; niet gelezen"
        )
    if steps > MAX_STEPS:
        raise FeedError(
            "agenda is te zwaar om te lezen (te veel herhalingen sinds lang geleden); niet gelezen"
        )
    if unknown_zones:
        raise FeedError(f"onbekende tijdzone {', '.join(sorted(unknown_zones))} in de agenda")
    try:
        calendar = x_wr_timezone.to_standard(calendar)
    except Exception as exc:
        raise FeedError(f"onleesbare agenda ({_first_line(exc)})") from None
    events = _occurrences(calendar, zone, first, last, skipped)
    return FeedRead(tuple(events), tuple(dict.fromkeys(skipped)))


def _remove(calendar: Any, event: Any) -> None:
    """Take an event out wherever it sits (a VCALENDAR nested in another included)."""
    for component in calendar.walk():
        if event in component.subcomponents:
            component.subcomponents.remove(event)
            return


def _occurrences(
    calendar: Any, zone: ZoneInfo, first: datetime, last: datetime, skipped: list[str]
) -> list[FeedEvent]:
    """Expanded in order, at most MAX_OCCURRENCES and within the time budget; a series the
    library cannot expand (a broken rule) is skipped and said, the others are read."""
    import recurring_ical_events

    begin = first.astimezone(zone).replace(tzinfo=None)
    end = last.astimezone(zone).replace(tzinfo=None)
    try:
        return _expanded(recurring_ical_events.of(calendar).between(begin, end), zone)
    except FeedError:
        raise
    except Exception:  # one series is broken: read them one by one, skip what fails
        pass
    events: list[FeedEvent] = []
    for series in _by_uid(calendar):
        try:
            events.extend(_expanded(recurring_ical_events.of(series).between(begin, end), zone))
        except FeedError:
            raise
        except Exception as exc:
            skipped.append(f"afspraak met onbruikbare herhaling overgeslagen ({_first_line(exc)})")
    events.sort(key=lambda e: (_sort_key(e.start), e.uid))
    return events


def _sort_key(moment: datetime | date) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(0), tzinfo=UTC)


def _by_uid(calendar: Any) -> list[Any]:
    """One calendar per series (its events by UID, with every zone definition)."""
    import icalendar

    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    groups: dict[str, list[Any]] = {}
    for event in calendar.walk("VEVENT"):
        groups.setdefault(str(event.get("UID", "")), []).append(event)
    result = []
    for events in groups.values():
        part = icalendar.Calendar()
        for component in (*zones, *events):
            part.add_component(component)
        result.append(part)
    return result


def _expanded(found: Any, zone: ZoneInfo) -> list[FeedEvent]:
    """The occurrences found, as FeedEvents. Their cost was bounded before expanding (_cost,
    an estimate); the exact count is the limit's last word."""
    if len(found) > MAX_OCCURRENCES:
        raise FeedError(
            f"agenda heeft meer dan {MAX_OCCURRENCES} afspraken in de komende maanden; niet gelezen"
        )
    events: list[FeedEvent] = []
    for item in found:
        event = _event(item, zone)
        if event is not None:
            events.append(event)
    return events


_ZONE_BLOCK = re.compile(rb"(?ims)^BEGIN:VTIMEZONE\r?\n.*?^END:VTIMEZONE\r?\n")
_ZONE_ID = re.compile(rb"(?im)^TZID:(.*?)\r?$")
_ZONE_RULE = re.compile(rb"(?im)^RRULE:(.*?)\r?$")
#: a zone's rule that never moves on or repeats within a day
_ZONE_RULE_WRONG = re.compile(rb"INTERVAL=0+(?:;|$)|BY(?:HOUR|MINUTE|SECOND)=")


def _without_known_zone_definitions(text: bytes) -> bytes:
    """Drop the VTIMEZONE blocks of zones the time-zone database knows by name (Outlook
    writes "W. Europe Standard Time" with rules from 1601): the database's rules are the
    zone, and expanding the feed's own from 1601 on costs every event's conversion. A zone
    of a name nobody knows ("Customized Time Zone") keeps its definition."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    def known(block: re.Match[bytes]) -> bytes:
        found = _ZONE_ID.search(block.group(0))
        name = found.group(1).decode("utf-8", "replace").strip().strip("/") if found else ""
        if name in WINDOWS_TO_OLSON or name in _iana_zones():
            return b""
        for rule in _ZONE_RULE.findall(block.group(0)):
            words = rule.upper()
            if b"FREQ=YEARLY" not in words or re.search(
                rb"INTERVAL=0*[^1-9]|BY(HOUR|MINUTE|SEC)", words
            ):
                raise FeedError(
                    f"tijdzone '{name[:60]}' in de agenda is onbruikbaar gedefinieerd "
                    "(haar regels herhalen niet jaarlijks)"
                )
        return block.group(0)

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
    end = event.get("DTEND")
    if end is not None:
        try:
            ends = event.decoded("DTEND")
        except Exception:
            return "afspraak met onleesbare eindtijd overgeslagen"
        if isinstance(ends, date) and not FIRST_YEAR <= ends.year <= LAST_YEAR:
            return f"afspraak tot het jaar {ends.year} overgeslagen"
    for rule in _rules(event):
        problem = rule_problem(rule)
        if problem:
            return problem
    return None


#: a rule's period in days, by its frequency (a month and a year roughly: for counting)
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30, "YEARLY": 365}


def _cost(event: Any, first: datetime, last: datetime) -> tuple[int, int]:
    """Roughly (steps to expand the event, occurrences in the window): a rule is stepped
    through from its start to the end of the window, each step as many occurrences as its
    BYDAY/BYMONTHDAY give (weekly on five days: five)."""
    try:
        start = event.decoded("DTSTART")
    except Exception:
        return 1, 1
    day = start.date() if isinstance(start, datetime) else start
    rules = _rules(event)
    if not rules:  # one occurrence: in the window or not (a long one counts once anyway)
        return 1, int(first.date() - timedelta(days=366) <= day <= last.date())
    span = max(1, (last.date() - day).days)
    window = max(1, (last.date() - max(day, first.date())).days)
    steps = inside = 0
    for rule in rules:
        frequency = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
        period = _PERIOD_DAYS.get(frequency, 1) * max(1, int((rule.get("INTERVAL") or [1])[0]))
        per_step = max(1, len(rule.get("BYDAY") or ()), len(rule.get("BYMONTHDAY") or ()))
        count = rule.get("COUNT")
        taken = span // period + 1
        if count:
            taken = min(taken, int(count[0]))
        steps += taken * per_step
        inside += min(taken, window // period + 1) * per_step
    return steps, inside


def _rules(component: Any) -> list[Any]:
    found = component.get("RRULE")
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def rule_problem(rule: Any) -> str | None:
    """Why a repeat rule is not read: faster than daily (also by BYHOUR/BYMINUTE), an
    INTERVAL of 0 (a rule that never moves on) or a huge one, a BYSETPOS beyond a year."""
    frequency = str((rule.get("FREQ") or [""])[0]).upper()
    if frequency not in ALLOWED_FREQUENCIES:
        return f"herhaling '{frequency}' (vaker dan dagelijks) overgeslagen"
    if any(rule.get(part) for part in WITHIN_A_DAY):
        return "herhaling binnen een dag (BYHOUR/BYMINUTE) overgeslagen"
    try:
        interval = int((rule.get("INTERVAL") or [1])[0])
        positions = [int(p) for p in rule.get("BYSETPOS") or ()]
    except (TypeError, ValueError):
        return "herhaling met onleesbaar INTERVAL of BYSETPOS overgeslagen"
    if not 1 <= interval <= MAX_INTERVAL:
        return f"herhaling met INTERVAL={interval} overgeslagen"
    if any(p == 0 or abs(p) > 366 for p in positions):
        return "herhaling met onmogelijke BYSETPOS overgeslagen"
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
