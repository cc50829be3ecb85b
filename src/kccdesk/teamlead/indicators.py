"""How the desk did for one client in one week: calls, handling time, notes, transfers,
overrides, feedback and first-time-right — from the call log, the notes and the feedback log.

A week is an ISO week on the client's own clock: Monday 00:00 to the next Monday 00:00 in the
client's zone, so the week the clocks change has 167 or 169 hours. A call belongs to the week
it started in (also when it runs past midnight into the next week), as a shift belongs to the
day it starts on. Each figure carries its definition (DEFINITIONS), because a number the
client cannot check is worthless in the monthly talk. Agents have no rosters in kccdesk, so
schedule adherence is not measured — nor guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import NamedTuple
from zoneinfo import ZoneInfo

from kccdesk.calls.session import overrides_of
from kccdesk.core.errors import InputError
from kccdesk.core.when import duration_text
from kccdesk.records import CallRecord, FeedbackRecord, NoteRecord

#: a call is first-time-right only if the same number did not call the client again this soon
REPEAT_WINDOW = timedelta(days=7)
#: a note is taken during its call, which may run past midnight into the next week
NOTE_REACH = timedelta(days=1)
#: feedback the team found unfounded says nothing against the call
UNFOUNDED = "onterecht"
#: the call outcome of a call nobody answered (softphone)
MISSED = "missed"
#: how a softphone transfer failure is written in a call's stopped transfers (kccdesk.calls.session)
TRANSFER_FAILED = ": doorverbinden mislukt ("
#: reports cover these years (as every date the desk accepts)
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: a note re-taken after the mail server refused it (F9) is counted once: as the new note
REPLACED_NOTE = "replaced"

WEEK_PATTERN = re.compile(r"(\d{4})-[Ww](\d{2})")

#: what each figure means, in the words the report prints (text, Markdown, CSV and JSON)
DEFINITIONS = {
    "calls": (
        "aangenomen gesprekken die in de week begonnen (maandag 00:00 tot maandag 00:00 op de "
        "klok van de klant; een gesprek over middernacht telt in de week waarin het begon); "
        "gemiste oproepen tellen niet mee"
    ),
    "missed": (
        "oproepen die niemand aannam (softphone); niet in gesprekken, gesprekstijd of "
        "first-time-right"
    ),
    "average_handling_seconds": (
        "gemiddelde tijd van begin tot einde van een aangenomen gesprek, het opnemen van de "
        "notitie inbegrepen; begin en einde komen van de softphone (opnemen en neerleggen) of "
        "van de gesprekstimer van de desk"
    ),
    "notes": (
        "terugbelnotities aangemaakt in de week (een opnieuw opgenomen notitie telt één keer)"
    ),
    "transfers": "gesprekken die eindigden met doorverbinden",
    "failed_transfers": "doorverbindingen die de softphone niet kon voltooien",
    "stopped_transfers": (
        "pogingen tot doorverbinden die de desk stopte (geen dienst, afwezig, nooit doorverbinden)"
    ),
    "overrides": (
        "waarschuwingen die de agent bewust negeerde, in gesprekken en notities (een notitie "
        "die in een gesprek werd opgenomen telt één keer)"
    ),
    "feedback": (
        "feedback van de klant over iets dat in de week gebeurde (onterechte feedback apart)"
    ),
    "first_time_right": (
        "aangenomen gesprekken zonder feedback (gekoppeld aan het gesprek of aan een notitie "
        "uit dat gesprek; onterechte feedback telt niet) en zonder nieuwe oproep van hetzelfde "
        "nummer voor deze klant binnen 7 dagen na het begin; percentage van de gesprekken met "
        "een nummer van de beller — gesprekken zonder nummer zijn niet te beoordelen"
    ),
    "not_measured": "roostertrouw van agents: kccdesk kent geen agentroosters",
}


class WeekRefused(InputError):
    """Not a usable ISO week; str() says what and why, in Dutch."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[Monday 00:00, next Monday 00:00) on the client's wall clock, as UTC instants."""
        start = datetime.combine(self.monday, time(0), tzinfo=zone)
        end = datetime.combine(self.monday + timedelta(days=7), time(0), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def shifted(self, weeks: int) -> IsoWeek:
        """The week `weeks` later (negative: earlier)."""
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    @staticmethod
    def of(day: date) -> IsoWeek:
        found = day.isocalendar()
        return IsoWeek(found.year, found.week)

    @staticmethod
    def containing(moment: datetime, zone: ZoneInfo) -> IsoWeek:
        """The week a moment falls in on the client's clock."""
        return IsoWeek.of(moment.astimezone(zone).date())


def weeks_in(year: int) -> int:
    """52 or 53: 28 December always lies in the year's last ISO week."""
    return date(year, 12, 28).isocalendar().week


def parse_week(text: str, what: str = "week") -> IsoWeek:
    """'2026-W48' → IsoWeek, or WeekRefused naming `what` (the option) and the problem."""
    value = text.strip()
    match = WEEK_PATTERN.fullmatch(value)
    if match is None:
        raise WeekRefused(f"{what} '{text}' is geen ISO-week; schrijf JJJJ-Www, bijv. 2026-W48")
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise WeekRefused(f"{what} '{text}': jaar {year} ligt buiten {FIRST_YEAR}–{LAST_YEAR}")
    last = weeks_in(year)
    if not 1 <= week <= last:
        raise WeekRefused(
            f"{what} '{text}' bestaat niet: {year} heeft de weken W01 tot en met W{last}"
        )
    return IsoWeek(year, week)


@dataclass(frozen=True)
class CallJudgement:
    """How one call of the week counts (kept in memory for a drill-down; the report shows
    only totals, never callers' numbers)."""

    call_id: int
    started_at: datetime
    seconds: float | None  # handling time; None without an end
    timing: str  # softphone | desk
    judgeable: bool  # had a caller number
    feedback: tuple[int, ...]  # counted feedback ids linked to the call or its notes
    repeated_by: int | None  # the id of the same number's next call within the window

    @property
    def first_time_right(self) -> bool | None:
        """None when it cannot be judged (no caller number)."""
        if not self.judgeable:
            return None
        return not self.feedback and self.repeated_by is None


@dataclass(frozen=True)
class Indicators:
    client: str
    week: IsoWeek
    start: datetime  # UTC
    end: datetime  # UTC
    calls: int
    missed: int
    timed: int  # calls with an end, over which the average is taken
    average_handling_seconds: float | None
    timing_softphone: int
    timing_desk: int
    notes: int
    transfers: int
    failed_transfers: int
    stopped_transfers: int
    overrides: int
    feedback: int
    feedback_unfounded: int
    judgeable: int
    not_judgeable: int
    first_time_right: int
    with_feedback: int  # judgeable calls with counted feedback
    repeated: int  # judgeable calls followed by a repeat call
    #: some calls' 7-day window had not ended when this was computed: FTR may still drop
    provisional: bool
    judgements: tuple[CallJudgement, ...] = ()
    #: per call type of the week's notes: (title, notes, complete at first save: every
    #: question answered, optional ones too)
    call_types: tuple[tuple[str, int, int], ...] = ()

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def first_time_right_pct(self) -> float | None:
        if not self.judgeable:
            return None
        return round(100 * self.first_time_right / self.judgeable, 1)

    def as_dict(self) -> dict[str, object]:
        avg = self.average_handling_seconds
        return {
            "client": self.client,
            "week": self.week.label,
            "from": self.start.isoformat(),
            "until": self.end.isoformat(),
            "hours": self.hours,
            "calls": self.calls,
            "missed": self.missed,
            "average_handling_seconds": None if avg is None else round(avg, 1),
            "timed_calls": self.timed,
            "timing": {"softphone": self.timing_softphone, "desk": self.timing_desk},
            "notes": self.notes,
            "transfers": self.transfers,
            "failed_transfers": self.failed_transfers,
            "stopped_transfers": self.stopped_transfers,
            "overrides": self.overrides,
            "feedback": self.feedback,
            "feedback_unfounded": self.feedback_unfounded,
            "first_time_right": {
                "calls": self.first_time_right,
                "judgeable": self.judgeable,
                "not_judgeable": self.not_judgeable,
                "with_feedback": self.with_feedback,
                "repeated": self.repeated,
                "pct": self.first_time_right_pct,
                "provisional": self.provisional,
            },
            "call_types": [
                {"title": title, "notes": count, "complete": complete}
                for title, count, complete in self.call_types
            ],
            "definitions": dict(DEFINITIONS),
        }


class WeekPoint(NamedTuple):
    """One week of the chart: (label, calls, first-time-right %, feedback items); the
    percentage is None for a week without judgeable calls."""

    week: str
    calls: int
    first_time_right_pct: float | None
    feedback: int


def _parts(text: str) -> list[str]:
    """'a; b' → ['a', 'b'] (how a call lists its overrides and stopped transfers)."""
    if not text:
        return []
    return [p.strip() for p in text.split(";") if p.strip()]


_DIGIT = re.compile(r"\d")


def _has_number(caller: str) -> bool:
    """A caller id with digits (not empty, not 'anonymous')."""
    return bool(caller) and _DIGIT.search(caller) is not None


def _next_calls(calls: Iterable[CallRecord]) -> dict[int, CallRecord]:
    """Each call's next call from the same number (any outcome: a caller who tries again
    counts), by start then id."""
    by_caller: dict[str, list[CallRecord]] = defaultdict(list)
    for call in calls:
        if _has_number(call.caller):
            by_caller[call.caller].append(call)
    following: dict[int, CallRecord] = {}
    for group in by_caller.values():
        group.sort(key=lambda c: (c.started_at, c.id))
        for before, after in pairwise(group):
            following[before.id] = after
    return following


def _per_call_type(notes: list[NoteRecord]) -> tuple[tuple[str, int, int], ...]:
    """Notes per call type (by the title they were saved with), and how many had every
    question answered when first saved (a note is never changed after)."""
    counts: dict[str, list[int]] = {}
    for note in notes:
        if note.call_type_title:
            count = counts.setdefault(note.call_type_title, [0, 0])
            count[0] += 1
            count[1] += not note.unanswered
    return tuple((title, n, complete) for title, (n, complete) in sorted(counts.items()))


def compute(
    client_id: str,
    week: IsoWeek,
    zone: ZoneInfo,
    calls: list[CallRecord],
    notes: list[NoteRecord],
    feedback: list[FeedbackRecord],
    now: datetime,
) -> Indicators:
    """The week's figures. `calls` and `notes` must cover at least `reach` (repeat calls,
    notes of a call across midnight: calls after the week from other numbers change nothing),
    `feedback` every item that may be linked to the week's calls; anything outside the week
    is used only for that."""
    start, end = week.bounds(zone)
    in_week = [c for c in calls if start <= c.started_at < end]
    handled = [c for c in in_week if c.outcome != MISSED]
    uuid_of_note = {n.id: n.call_uuid for n in notes if n.call_uuid}
    call_of_uuid = {c.uuid: c.id for c in calls if c.uuid}
    counted: dict[int, list[int]] = defaultdict(list)  # call id -> feedback ids
    for item in feedback:
        if item.status == UNFOUNDED:
            continue
        linked = item.call_id
        if linked is None and item.note_id is not None:
            linked = call_of_uuid.get(uuid_of_note.get(item.note_id, ""))
        if linked is not None:
            counted[linked].append(item.id)
    following = _next_calls(calls)
    judgements = []
    for call in handled:
        after = following.get(call.id)
        repeat = after.id if after and after.started_at <= call.started_at + REPEAT_WINDOW else None
        judgements.append(
            CallJudgement(
                call.id,
                call.started_at,
                call.handling_seconds,
                call.timing,
                _has_number(call.caller),
                tuple(sorted(counted.get(call.id, ()))),
                repeat,
            )
        )
    timed = [j.seconds for j in judgements if j.seconds is not None]
    judged = [j for j in judgements if j.judgeable]
    overrides = sum(len(overrides_of(c.warnings_overridden)) for c in in_week)
    overridden_in_call = {
        c.uuid: set(overrides_of(c.warnings_overridden))
        for c in calls
        if c.uuid and c.warnings_overridden
    }
    week_notes = [n for n in notes if start <= n.created_at < end and n.status != REPLACED_NOTE]
    for note in week_notes:
        if note.override and note.override.strip() not in overridden_in_call.get(
            note.call_uuid, set()
        ):
            overrides += 1
    stopped = [p for c in in_week for p in _parts(c.stopped)]
    failed = sum(1 for p in stopped if TRANSFER_FAILED in p)
    week_feedback = [f for f in feedback if start <= f.happened_at < end]
    return Indicators(
        client=client_id,
        week=week,
        start=start,
        end=end,
        calls=len(handled),
        missed=len(in_week) - len(handled),
        timed=len(timed),
        average_handling_seconds=sum(timed) / len(timed) if timed else None,
        timing_softphone=sum(1 for c in handled if c.timing == "softphone"),
        timing_desk=sum(1 for c in handled if c.timing != "softphone"),
        notes=len(week_notes),
        call_types=_per_call_type(week_notes),
        transfers=sum(1 for c in handled if c.outcome == "transferred"),
        failed_transfers=failed,
        stopped_transfers=len(stopped) - failed,
        overrides=overrides,
        feedback=len(week_feedback),
        feedback_unfounded=sum(1 for f in week_feedback if f.status == UNFOUNDED),
        judgeable=len(judged),
        not_judgeable=len(judgements) - len(judged),
        first_time_right=sum(1 for j in judged if j.first_time_right),
        with_feedback=sum(1 for j in judged if j.feedback),
        repeated=sum(1 for j in judged if j.repeated_by is not None),
        provisional=now < end + REPEAT_WINDOW,
        judgements=tuple(judgements),
    )


def series(
    client_id: str,
    weeks: list[IsoWeek],
    zone: ZoneInfo,
    calls: list[CallRecord],
    notes: list[NoteRecord],
    feedback: list[FeedbackRecord],
    now: datetime,
) -> list[WeekPoint]:
    """One point per week, oldest first (the chart of the review screen)."""
    points = []
    for week in sorted(weeks):
        found = compute(client_id, week, zone, calls, notes, feedback, now)
        points.append(
            WeekPoint(week.label, found.calls, found.first_time_right_pct, found.feedback)
        )
    return points


class Reach(NamedTuple):
    """What must be read to compute some weeks: calls from the day before the first week (a
    note after midnight names its call) to the end of the last; after it, to the end of the
    repeat window, only the calls from numbers that called in the weeks; notes to a day after
    the last week (a note is taken during its call)."""

    since: datetime
    until: datetime  # the end of the last week
    repeats_until: datetime
    notes_until: datetime


def reach(weeks: list[IsoWeek], zone: ZoneInfo) -> Reach:
    first = min(w.bounds(zone)[0] for w in weeks)
    last = max(w.bounds(zone)[1] for w in weeks)
    return Reach(first - NOTE_REACH, last, last + REPEAT_WINDOW, last + NOTE_REACH)


def callers_of(calls: Iterable[CallRecord]) -> set[str]:
    """The numbers these calls came from (who may have called again)."""
    return {c.caller for c in calls if _has_number(c.caller)}


def average_text(seconds: float | None) -> str:
    """'3 min 25 s' (Dutch), or 'n.v.t.' without timed calls."""
    if seconds is None:
        return "n.v.t."
    return duration_text(timedelta(seconds=seconds), seconds=True)
