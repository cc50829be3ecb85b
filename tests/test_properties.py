"""Property tests (Hypothesis) where examples alone cannot reach: any split of the
softphone's byte stream, any Dutch number however it is typed, any client that round-trips
through its file, and coverage gaps checked minute by minute against the duty computation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kccdesk.calls.softphone import NetstringReader, PhoneError, encode
from kccdesk.clientfile import dump_client, parse_client
from kccdesk.clients.model import WEEKDAYS, Absence, Client, Closure, Coverage, Person, WeeklyShift
from kccdesk.clients.phones import check, display
from kccdesk.core.errors import ImportErrors
from kccdesk.duty.coverage import gaps
from kccdesk.duty.roster import duty_at

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the softphone's netstrings ------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
messages = st.dictionaries(st.text(max_size=10), json_values, max_size=4)


@FAST
@given(st.lists(messages, max_size=6), st.data())
def test_any_split_of_the_stream_gives_the_same_messages(sent, data):
    stream = b"".join(encode(m) for m in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    reader, received, start = NetstringReader(), [], 0
    for cut in [*cuts, len(stream)]:
        received += reader.feed(stream[start:cut])
        start = cut
    assert received == sent and reader.dropped == 0


@FAST
@given(st.binary(max_size=200))
def test_garbage_from_the_phone_is_refused_never_crashes(garbage):
    reader = NetstringReader()
    try:
        found = reader.feed(garbage)
    except PhoneError:
        return
    assert all(isinstance(m, dict) for m in found)


# --- phone numbers -------------------------------------------------------------------------

#: 06-1 to 06-5: Dutch mobile numbers (06-6 are pagers, 06-8 data; 06-0, 06-7, 06-9 exist nowhere)
mobile_digits = st.tuples(
    st.sampled_from("12345"), st.text(alphabet="0123456789", min_size=7, max_size=7)
).map("".join)
separators = st.sampled_from(["", " ", "-", "  ", "."])


@FAST
@given(mobile_digits, separators, st.sampled_from(["0{}", "+31{}", "0031{}", "+31 (0){}"]))
def test_a_dutch_mobile_however_typed_is_one_number(digits, sep, form):
    typed = form.format("6" + sep.join([digits[:2], digits[2:4], digits[4:6], digits[6:]]))
    result = check(typed, "NL")
    assert result.valid, (typed, result.error)
    assert result.e164 == f"+316{digits}"
    again = check(display(result.e164, "NL"), "NL")  # read back as shown, typed again
    assert again.valid and again.e164 == result.e164


@FAST
@given(st.text(max_size=40), st.sampled_from(["NL", "BE"]))
def test_any_text_as_a_number_gets_an_answer(text, country):
    """Valid with a number that checks again to itself, or refused with a reason; the
    length a refusal counts is the length the agent typed."""
    result = check(text, country)
    if result.valid:
        assert result.e164 and result.display
        assert check(result.e164, country).e164 == result.e164
    else:
        assert result.error
        assert ", nu 10" not in result.error or "10 cijfers, nu" not in result.error


@FAST
@given(st.sampled_from("079"), st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_a_mobile_of_the_right_length_in_no_range_says_so(second, rest):
    result = check(f"06{second}{rest}", "NL")
    assert not result.valid and "bestaat niet" in (result.error or "")


# --- the client file round trip ------------------------------------------------------------

words = (
    st.text(
        alphabet=st.characters(
            categories=["L", "N", "Zs", "P", "So"], exclude_characters="\u2028\u2029"
        ),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
slugs = st.from_regex(r"[a-z][a-z0-9-]{0,11}", fullmatch=True)
clock = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
days = st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True).map(
    lambda picked: tuple(d for d in WEEKDAYS if d in picked)
)
moments = st.dates(date(2026, 1, 1), date(2027, 12, 31))


@st.composite
def clients(draw) -> Client:
    ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    people = tuple(
        Person(
            id=pid,
            name=draw(words),
            department=draw(st.sampled_from(["", "Techniek", "Balie"])),
            keywords=tuple(draw(st.lists(words, max_size=2, unique=True))),
            transfer=draw(st.booleans()),
        )
        for pid in ids
    )
    shifts = []
    for pid in ids:  # at most one weekly shift each: one person never works two at once
        if draw(st.booleans()):
            start, end = draw(clock), draw(clock)
            assume(start != end)
            shifts.append(WeeklyShift(pid, draw(days), start, end, on_closures=draw(st.booleans())))
    absences = []
    if draw(st.booleans()):
        first = draw(moments)
        until = draw(st.none() | st.integers(0, 30).map(lambda n: first + timedelta(days=n)))
        absences.append(Absence(ids[0], first, until, reason=draw(st.just("") | words)))
    closures = []
    if draw(st.booleans()):
        first = draw(moments)
        closures.append(
            Closure(first, first + timedelta(days=draw(st.integers(0, 3))), draw(words))
        )
    return Client(
        id=draw(slugs),
        name=draw(words),
        instructions=draw(st.just("") | words),
        people=people,
        shifts=tuple(shifts),
        absences=tuple(absences),
        closures=tuple(closures),
        public_holidays=draw(st.none() | st.just("NL")),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clients())
def test_a_client_round_trips_through_its_file(client):
    try:
        again = parse_client(dump_client(client), "client.toml")
    except ImportErrors as exc:  # only what the rules refuse for every source
        pytest.fail(f"{exc}\n{dump_client(client)}")
    assert again == client
    assert dump_client(again) == dump_client(client)


# --- coverage gaps against the duty computation, minute by minute ---------------------------

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: days to look at: ordinary ones and both DST nights of 2026
FIRST_DAYS = [date(2026, 3, 28), date(2026, 3, 29), date(2026, 6, 10), date(2026, 10, 24)]
STEP = timedelta(minutes=15)


@st.composite
def covered_clients(draw) -> Client:
    ids = ["a", "b", "c"]
    people = tuple(
        Person(pid, pid.upper(), department=draw(st.sampled_from(["", "T"]))) for pid in ids
    )
    shifts = []
    for pid in ids:
        if draw(st.booleans()):
            start, end = draw(clock), draw(clock)
            assume(start != end)
            shifts.append(WeeklyShift(pid, draw(days), start, end))
    start, end = draw(clock), draw(st.none() | clock)
    assume(start != end)
    row = Coverage(
        draw(days), start, end, draw(st.sampled_from([None, "T"])), draw(st.integers(1, 2))
    )
    absences = ()
    if draw(st.booleans()) and shifts:
        away = shifts[0].person
        absences = (Absence(away, draw(st.sampled_from(FIRST_DAYS)), None),)
    return Client("c", "C", people=people, shifts=tuple(shifts), coverage=(row,), absences=absences)


def _required_at(client: Client, moment: datetime) -> list[Coverage]:
    """The coverage rows that apply at a moment, by the rule's own words: a row belongs to the
    day it starts on, an end before its start (or 24:00) runs on into the next day."""
    local = moment.astimezone(AMSTERDAM)
    applying = []
    for row in client.coverage:
        for day in (local.date() - timedelta(days=1), local.date()):
            if WEEKDAYS[day.weekday()] not in row.days:
                continue
            begins = datetime.combine(day, row.start, tzinfo=AMSTERDAM)
            if row.end is None:
                ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
            elif row.end > row.start:
                ends = datetime.combine(day, row.end, tzinfo=AMSTERDAM)
            else:
                ends = datetime.combine(day + timedelta(days=1), row.end, tzinfo=AMSTERDAM)
            if begins.timestamp() <= moment.timestamp() < ends.timestamp():
                applying.append(row)
    return applying


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(covered_clients(), st.sampled_from(FIRST_DAYS))
def test_gaps_are_the_minutes_in_which_duty_falls_short(client, first_day):
    start = datetime.combine(first_day, time(0), tzinfo=AMSTERDAM)
    end = start + timedelta(days=2)
    found = gaps(client, start, end)
    moment = start
    while moment < end:
        status = duty_at(client, moment)
        short = False
        for row in _required_at(client, moment):
            counted = [
                d for d in status.on_duty
                if row.department is None or client.person(d.person).department == row.department
            ]  # fmt: skip
            short = short or len(counted) < row.min
        in_gap = any(g.start.timestamp() <= moment.timestamp() < g.end.timestamp() for g in found)
        assert in_gap == short, (moment.isoformat(), status.on_duty, found)
        moment = (moment.astimezone(AMSTERDAM) + STEP).astimezone(AMSTERDAM)
