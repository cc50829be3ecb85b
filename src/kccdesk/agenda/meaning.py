"""What a person's calendar events mean for the desk (the client's `[agenda]` policy).

- an out-of-office event, an all-day event, or one whose title holds one of the client's
  absence words (vrij, vakantie, ziek, verlof, cursus) is an **absence**: a date absence for
  an all-day event, a date-time one for a timed event, with the word as its reason — the
  private title only when the client shows titles;
- a busy timed event is **bezet**: the person stays on duty, in an appointment until its end;
- free and tentative events change nothing.

Absences of one person that overlap or touch are one absence (a week of daily "vakantie"
events is one week away), so the roster's rule that overlapping absences need one
replacement holds for what a feed gives too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kccdesk.agenda.events import BUSY, FREE, OOF, TENTATIVE, FeedEvent
from kccdesk.clients.model import FROM_AGENDA, Absence, AgendaPolicy, Busy, Person
from kccdesk.core.text_rule import MAX_NAME, shown_safely

#: the reason of an absence whose event names none of the client's words
DEFAULT_REASON = "afwezig"


@dataclass(frozen=True)
class Meaning:
    absences: tuple[Absence, ...]
    busy: tuple[Busy, ...]


def absence_word(title: str, policy: AgendaPolicy) -> str | None:
    """The first of the client's absence words the title holds as a word (any case):
    "Vakantie Spanje" → "vakantie"; "Vrijdagoverleg" is no "vrij"."""
    words = re.findall(r"\w+", title.casefold())
    return next((word for word in policy.absent_words if word in words), None)


def meaning(
    person: Person, events: tuple[FeedEvent, ...], policy: AgendaPolicy, zone: ZoneInfo
) -> Meaning:
    """The absences and appointments a person's events make, in order."""
    absences: list[Absence] = []
    busy: list[Busy] = []
    for event in events:
        if event.status in (FREE, TENTATIVE):
            continue
        word = absence_word(event.title, policy)
        if event.status == OOF or event.all_day or word:
            absences.append(_absence(person, event, _reason(event, word, policy), zone))
        elif event.status == BUSY and policy.busy_is:
            assert isinstance(event.start, datetime) and isinstance(event.end, datetime)
            title = shown_safely(event.title)[:MAX_NAME] if policy.show_titles else ""
            busy.append(Busy(person.id, event.start, event.end, title))
    busy.sort(key=lambda b: (b.start, b.end))
    return Meaning(_merged(absences), tuple(busy))


def _reason(event: FeedEvent, word: str | None, policy: AgendaPolicy) -> str:
    title = shown_safely(event.title)[:MAX_NAME] if policy.show_titles else ""
    return title or word or DEFAULT_REASON


def _absence(person: Person, event: FeedEvent, reason: str, zone: ZoneInfo) -> Absence:
    if isinstance(event.start, datetime):
        assert isinstance(event.end, datetime)
        begins = event.start.astimezone(zone)
        ends = event.end.astimezone(zone)
        start_day, start_time = begins.date(), begins.time().replace(tzinfo=None)
        until_day, until_time = ends.date(), ends.time().replace(tzinfo=None)
        if start_time.hour == start_time.minute == 0 and until_time == start_time:
            # 00:00 to 00:00 on the client's clock: whole days, as a date absence.
            return _dated(person, start_day, until_day - timedelta(days=1), reason)
        return Absence(
            person=person.id,
            start=start_day,
            until=until_day,
            reason=reason,
            replaced_by=person.replaced_by,
            start_time=start_time if start_time.hour or start_time.minute else None,
            until_time=until_time,
            source=FROM_AGENDA,
        )
    assert isinstance(event.end, date)
    return _dated(person, event.start, event.end - timedelta(days=1), reason)


def _dated(person: Person, first: date, last: date, reason: str) -> Absence:
    return Absence(
        person=person.id,
        start=first,
        until=max(first, last),
        reason=reason,
        replaced_by=person.replaced_by,
        source=FROM_AGENDA,
    )


def _merged(absences: list[Absence]) -> tuple[Absence, ...]:
    """One absence for every run of overlapping or touching ones (the first one's reason,
    or "afwezig" when they differ)."""
    result: list[Absence] = []
    for absence in sorted(absences, key=lambda a: (a.begins, a.ends or datetime.max)):
        if result and _touch(result[-1], absence):
            result[-1] = _joined(result[-1], absence)
        else:
            result.append(absence)
    return tuple(result)


def _touch(a: Absence, b: Absence) -> bool:
    ends = a.ends
    return ends is None or b.begins <= ends


def _joined(a: Absence, b: Absence) -> Absence:
    reason = a.reason if a.reason == b.reason else DEFAULT_REASON
    a_end, b_end = a.ends or datetime.max, b.ends or datetime.max
    later = b if b_end > a_end else a
    return replace(a, until=later.until, until_time=later.until_time, reason=reason)
