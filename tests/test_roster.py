"""Roster rules: past midnight, DST nights, absences, closures, holidays, precedence."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kccdesk.clients.model import Absence, Client, Closure, ExtraShift, Person, WeeklyShift
from kccdesk.core.when import parse_clock
from kccdesk.duty.roster import duty_at, occurrences
from kccdesk.duty.rules import Problem, client_problems, replacement_warnings

AMS = ZoneInfo("Europe/Amsterdam")
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def client(**kwargs) -> Client:
    people = (Person("anna", "Anna"), Person("bert", "Bert"), Person("cees", "Cees"))
    return Client(id="c", name="C", people=people, **kwargs)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def on_duty(c: Client, when: str) -> set[str]:
    return {d.person for d in duty_at(c, at(when)).on_duty}


NIGHT = WeeklyShift("anna", ALL_DAYS, time(22), time(7))


@pytest.mark.parametrize(
    ("night_of", "hours"),
    [(date(2026, 10, 24), 10.0), (date(2027, 3, 27), 8.0), (date(2026, 11, 14), 9.0)],
)
def test_night_shift_length_follows_the_clock_on_dst_nights(night_of, hours):
    c = client(shifts=(NIGHT,))
    (occ,) = [o for o in occurrences(c, night_of, night_of)]
    assert occ.hours == hours
    assert occ.end.hour == 7


def test_dst_autumn_night_shift_covers_the_repeated_hour():
    c = client(shifts=(NIGHT,))
    # 02:30 happens twice on 2026-10-25; both are inside the shift that started on the 24th.
    first = datetime(2026, 10, 25, 2, 30, tzinfo=AMS, fold=0)
    second = datetime(2026, 10, 25, 2, 30, tzinfo=AMS, fold=1)
    assert duty_at(c, first).is_on_duty("anna")
    assert duty_at(c, second).is_on_duty("anna")
    status = duty_at(c, first)
    assert status.on_duty[0].until == datetime(2026, 10, 25, 7, 0, tzinfo=AMS)


def test_dst_spring_night_ends_at_seven_wall_clock():
    c = client(shifts=(WeeklyShift("anna", ("sat",), time(22), time(7)),))
    status = duty_at(c, at("2027-03-28T03:30"))  # 02:00–03:00 does not exist that night
    (entry,) = status.on_duty
    assert entry.until.strftime("%Y-%m-%d %H:%M") == "2027-03-28 07:00"
    assert not on_duty(c, "2027-03-28T07:00")


def test_past_midnight_shift_belongs_to_the_day_it_starts():
    c = client(shifts=(WeeklyShift("anna", ("fri",), time(22), time(6)),))
    assert on_duty(c, "2026-11-27T23:00") == {"anna"}  # Friday evening
    assert on_duty(c, "2026-11-28T05:59") == {"anna"}  # Saturday early: still Friday's shift
    assert on_duty(c, "2026-11-28T06:00") == set()  # half-open end
    assert on_duty(c, "2026-11-26T23:00") == set()  # Thursday evening: no shift
    assert on_duty(c, "2026-11-27T05:00") == set()  # Friday early would be Thursday's shift


def test_back_to_back_shifts_do_not_overlap_and_chain_until():
    c = client(
        shifts=(
            WeeklyShift("anna", ("mon",), time(8), time(12)),
            WeeklyShift("bert", ("mon",), time(12), time(17)),
            WeeklyShift("anna", ("mon",), time(12), time(17)),
        )
    )
    assert on_duty(c, "2026-11-23T12:00") == {"anna", "bert"}
    status = duty_at(c, at("2026-11-23T09:00"))
    assert status.on_duty[0].until == at("2026-11-23T17:00")
    assert status.next_change == at("2026-11-23T12:00")  # bert starts


def test_absence_beats_shift_and_names_replacement():
    c = client(
        shifts=(WeeklyShift("anna", ALL_DAYS, time(8), time(17)),),
        absences=(Absence("anna", date(2026, 12, 24), date(2026, 12, 26), "kerst", "bert"),),
    )
    status = duty_at(c, at("2026-12-25T10:00"))
    assert not status.is_on_duty("anna")
    absent = status.absence_of("anna")
    assert absent.replaced_by == "bert"
    assert absent.until == date(2026, 12, 26)
    assert absent.replacement_absent is False
    # The day after the absence she is back (inclusive until).
    assert on_duty(c, "2026-12-27T10:00") == {"anna"}
    assert on_duty(c, "2026-12-26T16:59") == set()


def test_timed_absence_starting_mid_shift_cuts_until_short():
    c = client(
        shifts=(WeeklyShift("anna", ALL_DAYS, time(20), time(8)),),
        absences=(Absence("anna", date(2026, 12, 2), date(2026, 12, 3), start_time=time(2)),),
    )
    status = duty_at(c, at("2026-12-01T22:00"))
    assert status.on_duty[0].until == at("2026-12-02T02:00")


def test_night_shift_started_the_day_before_a_date_absence_runs_to_its_end():
    c = client(
        shifts=(WeeklyShift("anna", ALL_DAYS, time(20), time(8)),),
        absences=(Absence("anna", date(2026, 12, 2), date(2026, 12, 3)),),
    )
    status = duty_at(c, at("2026-12-01T22:00"))
    assert status.on_duty[0].until == at("2026-12-02T08:00")
    assert on_duty(c, "2026-12-02T07:59") == {"anna"}
    # ...and the night shift starting on the last absent day is cancelled to its end.
    assert on_duty(c, "2026-12-04T01:00") == set()
    assert duty_at(c, at("2026-12-04T01:00")).absence_of("anna") is not None
    assert on_duty(c, "2026-12-04T20:00") == {"anna"}


def test_replacement_who_is_absent_too_is_reported():
    c = client(
        absences=(
            Absence("anna", date(2026, 12, 1), date(2026, 12, 10), "ziek", "bert"),
            Absence("bert", date(2026, 12, 5), date(2026, 12, 6), "vrij"),
        )
    )
    status = duty_at(c, at("2026-12-05T10:00"))
    assert status.absence_of("anna").replacement_absent is True
    assert duty_at(c, at("2026-12-04T10:00")).absence_of("anna").replacement_absent is False
    # An ordinary week: accepted; the shift lead is warned with the days.
    assert client_problems(c) == []
    (warning,) = replacement_warnings(c)
    assert "Anna afwezig en vervanger Bert ook afwezig van 05-12-2026 t/m 06-12-2026" in warning


def test_closure_stops_weekly_shifts_but_not_extra_shifts():
    c = client(
        shifts=(WeeklyShift("anna", ALL_DAYS, time(8), time(17)),),
        extra_shifts=(ExtraShift("bert", date(2026, 12, 31), time(10), time(14)),),
        closures=(Closure(date(2026, 12, 31), date(2026, 12, 31), "oudejaarsdag"),),
    )
    status = duty_at(c, at("2026-12-31T11:00"))
    assert status.closed == "oudejaarsdag"
    assert {d.person for d in status.on_duty} == {"bert"}


def test_public_holiday_closes_and_on_call_extra_shift_runs_past_midnight():
    c = client(
        public_holidays="NL",
        shifts=(WeeklyShift("anna", ALL_DAYS, time(8), time(17)),),
        extra_shifts=(ExtraShift("cees", date(2026, 12, 25), time(22), time(7)),),
    )
    status = duty_at(c, at("2026-12-25T12:00"))
    assert status.closed and "kerst" in status.closed.lower()
    assert status.on_duty == ()
    assert on_duty(c, "2026-12-26T03:00") == {"cees"}
    # Night shift starting on a normal day before the holiday continues into it.
    c2 = client(public_holidays="NL", shifts=(WeeklyShift("anna", ("thu",), time(22), time(7)),))
    assert on_duty(c2, "2026-12-25T06:00") == {"anna"}


def test_next_change_crosses_days_and_none_when_nothing_happens():
    c = client(shifts=(WeeklyShift("anna", ("mon",), time(9), time(10)),))
    status = duty_at(c, at("2026-11-24T12:00"))  # Tuesday
    assert status.next_change == at("2026-11-30T09:00")
    assert duty_at(client(), at("2026-11-24T12:00")).next_change is None


def test_time_in_other_zone_is_converted_to_client_zone():
    c = client(shifts=(WeeklyShift("anna", ("mon",), time(9), time(17)),))
    utc_instant = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("UTC"))  # 08:30 in Amsterdam
    assert not duty_at(c, utc_instant).is_on_duty("anna")
    assert duty_at(c, utc_instant + timedelta(hours=1)).is_on_duty("anna")
    assert duty_at(c, utc_instant).at.tzinfo == AMS


def test_roster_problems_find_impossible_entries():
    c = client(
        shifts=(
            WeeklyShift("anna", ("mon",), time(9), time(9)),
            WeeklyShift("zed", ("mon",), time(9), time(10)),
        ),
        absences=(Absence("anna", date(2026, 12, 5), date(2026, 12, 1)),),
    )
    problems = client_problems(c)
    assert Problem("shifts", 1, "begin en einde zijn gelijk") in problems
    assert any((p.section, p.index) == ("shifts", 2) and "'zed'" in p.message for p in problems)
    assert Problem("absences", 1, "afwezigheid eindigt voor ze begint") in problems


@pytest.mark.parametrize("text", ["24:00", "8:3", "0830", "aa:bb", "12:60"])
def test_parse_clock_refuses_impossible_times(text):
    with pytest.raises(ValueError):
        parse_clock(text)
