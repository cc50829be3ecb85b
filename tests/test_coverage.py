"""Coverage gaps: maximal short intervals, merged, with the reason; past midnight, DST nights,
holidays, absences with and without cover, departments and `min`; the `gaps` command."""

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kccdesk.clients.model import Absence, Client, Closure, Coverage, Person, WeeklyShift
from kccdesk.duty.coverage import gaps
from kccdesk.duty.roster import duty_at
from test_cli import cli_runner

AMS = ZoneInfo("Europe/Amsterdam")
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
ALWAYS = Coverage(ALL_DAYS, time(0), None, on_closures=True)

PEOPLE = (
    Person("emulder", "Erik Mulder", department="Piket"),
    Person("rbos", "Rik Bos", department="Piket"),
    Person("balie", "Balie", department="Balie"),
)
DAY = WeeklyShift("rbos", ALL_DAYS, time(7), time(22))
NIGHT = WeeklyShift("emulder", ALL_DAYS, time(22), time(7))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def client(**kwargs) -> Client:
    return Client(id="warm", name="Warmtenet", people=PEOPLE, **kwargs)


def window(c: Client, start: str, end: str):
    return [
        (g.start.isoformat(), g.end.isoformat(), g.required, g.on_duty, g.reason)
        for g in gaps(c, at(start), at(end))
    ]


def test_fully_rostered_24_7_has_no_gaps():
    c = client(coverage=(ALWAYS,), shifts=(DAY, NIGHT))
    assert gaps(c, at("2026-11-23T00:00"), at("2026-12-07T00:00")) == []


def test_no_coverage_rows_means_no_gaps_whatever_the_roster():
    assert gaps(client(), at("2026-11-23T00:00"), at("2026-12-07T00:00")) == []


def test_missing_nights_are_one_gap_each_crossing_midnight():
    c = client(coverage=(ALWAYS,), shifts=(DAY,))
    found = window(c, "2026-11-23T07:00", "2026-11-25T07:00")
    assert found == [
        (
            "2026-11-23T22:00:00+01:00",
            "2026-11-24T07:00:00+01:00",
            1,
            0,
            "geen dienst ingeroosterd",
        ),
        (
            "2026-11-24T22:00:00+01:00",
            "2026-11-25T07:00:00+01:00",
            1,
            0,
            "geen dienst ingeroosterd",
        ),
    ]


def test_adjacent_days_of_a_whole_empty_line_merge_into_one_gap():
    c = client(coverage=(ALWAYS,))
    (gap,) = gaps(c, at("2026-11-23T00:00"), at("2026-11-30T00:00"))
    assert (gap.start, gap.end) == (at("2026-11-23T00:00"), at("2026-11-30T00:00"))


def test_past_midnight_coverage_on_a_dst_night_follows_the_clock():
    # 22:00–07:00 cover with a 22:00–06:00 shift: the gap is 06:00–07:00 on every night, also
    # on the night the clocks go back (that night the cover lasts 10 hours).
    c = client(
        coverage=(Coverage(("sat",), time(22), time(7)),),
        shifts=(WeeklyShift("emulder", ("sat",), time(22), time(6)),),
    )
    (gap,) = gaps(c, at("2026-10-24T12:00"), at("2026-10-25T12:00"))
    assert (gap.start.isoformat(), gap.end.isoformat()) == (
        "2026-10-25T06:00:00+01:00",
        "2026-10-25T07:00:00+01:00",
    )
    assert (gap.end - gap.start).total_seconds() == 3600


def test_spring_dst_night_cover_is_short_by_the_missing_hour_only():
    c = client(coverage=(Coverage(("sat",), time(22), time(7)),), shifts=(NIGHT,))
    assert gaps(c, at("2027-03-27T12:00"), at("2027-03-28T12:00")) == []


def test_absence_without_cover_gives_a_gap_with_that_reason():
    absent = Absence("emulder", date(2026, 11, 25), None, replaced_by="rbos")
    c = client(coverage=(ALWAYS,), shifts=(DAY, NIGHT), absences=(absent,))
    found = window(c, "2026-11-25T00:00", "2026-11-26T12:00")
    assert found == [
        (
            "2026-11-25T22:00:00+01:00",
            "2026-11-26T07:00:00+01:00",
            1,
            0,
            "afwezig zonder vervanging (Erik Mulder)",
        ),
    ]


def test_absence_with_cover_closes_the_gap():
    absent = Absence("emulder", date(2026, 11, 25), None, replaced_by="rbos", covers=True)
    c = client(coverage=(ALWAYS,), shifts=(DAY, NIGHT), absences=(absent,))
    assert gaps(c, at("2026-11-25T00:00"), at("2026-12-09T00:00")) == []


def test_covering_replacement_absent_too_is_named():
    c = client(
        coverage=(ALWAYS,),
        shifts=(DAY, NIGHT),
        absences=(
            Absence(
                "emulder", date(2026, 11, 25), date(2026, 11, 30), replaced_by="rbos", covers=True
            ),
            Absence("rbos", date(2026, 11, 27), date(2026, 11, 27)),
        ),
    )
    reasons = {g.reason for g in gaps(c, at("2026-11-27T00:00"), at("2026-11-28T00:00"))}
    assert reasons == {"vervanger ook afwezig (Rik Bos)"}


def test_public_holiday_cancels_weekly_shifts_and_says_so():
    c = client(coverage=(ALWAYS,), shifts=(DAY, NIGHT), public_holidays="NL")
    found = gaps(c, at("2027-03-25T12:00"), at("2027-03-27T12:00"))
    assert [(g.start, g.end, g.reason) for g in found] == [
        # Thursday's night shift runs until 07:00; Friday's is cancelled too.
        (at("2027-03-26T07:00"), at("2027-03-27T07:00"), "feestdag (Goede vrijdag)")
    ]


def test_on_closures_shifts_keep_a_holiday_covered():
    on_call = (
        WeeklyShift("rbos", ALL_DAYS, time(7), time(22), on_closures=True),
        WeeklyShift("emulder", ALL_DAYS, time(22), time(7), on_closures=True),
    )
    c = client(coverage=(ALWAYS,), shifts=on_call, public_holidays="NL")
    assert gaps(c, at("2027-03-25T00:00"), at("2027-03-30T00:00")) == []
    assert duty_at(c, at("2027-03-26T12:00")).is_on_duty("rbos")


def test_office_cover_does_not_apply_when_the_office_is_closed():
    c = client(
        coverage=(Coverage(WEEKDAYS, time(9), time(17)),),
        shifts=(WeeklyShift("balie", WEEKDAYS, time(9), time(17)),),
        closures=(Closure(date(2026, 12, 31), date(2026, 12, 31), "oudejaarsdag"),),
        public_holidays="NL",
    )
    assert gaps(c, at("2026-12-20T00:00"), at("2027-01-04T00:00")) == []


def test_own_closure_is_named_as_closure():
    c = client(
        coverage=(Coverage(WEEKDAYS, time(9), time(17), on_closures=True),),
        shifts=(WeeklyShift("balie", WEEKDAYS, time(9), time(17)),),
        closures=(Closure(date(2026, 12, 31), date(2026, 12, 31), "oudejaarsdag"),),
    )
    (gap,) = gaps(c, at("2026-12-30T00:00"), at("2027-01-01T00:00"))
    assert (gap.start, gap.end, gap.reason) == (
        at("2026-12-31T09:00"),
        at("2026-12-31T17:00"),
        "gesloten (oudejaarsdag)",
    )


def test_department_and_min_count_only_that_department():
    c = client(
        coverage=(Coverage(("mon",), time(9), time(17), department="Piket", min=2),),
        shifts=(
            WeeklyShift("rbos", ("mon",), time(9), time(17)),
            WeeklyShift("balie", ("mon",), time(9), time(17)),
            WeeklyShift("emulder", ("mon",), time(13), time(17)),
        ),
    )
    (gap,) = gaps(c, at("2026-11-23T00:00"), at("2026-11-24T00:00"))
    assert (gap.start, gap.end, gap.department, gap.required, gap.on_duty) == (
        at("2026-11-23T09:00"),
        at("2026-11-23T13:00"),
        "Piket",
        2,
        1,
    )


def test_different_shortfalls_are_not_merged():
    c = client(
        coverage=(Coverage(("mon",), time(9), time(17), min=2),),
        shifts=(WeeklyShift("rbos", ("mon",), time(12), time(17)),),
    )
    found = gaps(c, at("2026-11-23T00:00"), at("2026-11-24T00:00"))
    assert [(g.start.hour, g.end.hour, g.on_duty) for g in found] == [(9, 12, 0), (12, 17, 1)]


def test_gap_is_clipped_to_the_window_and_json_has_the_offset():
    c = client(coverage=(ALWAYS,))
    (gap,) = gaps(c, at("2026-11-23T10:30"), at("2026-11-23T11:00"))
    assert gap.as_dict() == {
        "client": "warm",
        "from": "2026-11-23T10:30:00+01:00",
        "until": "2026-11-23T11:00:00+01:00",
        "department": None,
        "required": 1,
        "on_duty": 0,
        "reason": "geen dienst ingeroosterd",
        "kind": "coverage",
    }


def test_gaps_agree_with_duty_at_hour_by_hour():
    absent = Absence("emulder", date(2026, 11, 25), date(2026, 11, 26))
    c = client(
        coverage=(ALWAYS,),
        shifts=(DAY, WeeklyShift("emulder", ("mon", "wed", "fri"), time(22), time(7))),
        absences=(absent,),
        public_holidays="NL",
    )
    found = gaps(c, at("2026-11-23T00:00"), at("2026-11-30T00:00"))
    for hour in range(7 * 24):
        moment = at("2026-11-23T00:30") + (hour * (at("2026-11-23T01:00") - at("2026-11-23T00:00")))
        in_gap = any(g.start <= moment < g.end for g in found)
        assert in_gap == (not duty_at(c, moment).on_duty), moment


# --- the command ---------------------------------------------------------------------------

GAPPY = """
[client]
id = "warm"
name = "Warmtenet"

[[people]]
id = "rbos"
name = "Rik Bos"

[[coverage]]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
start = "00:00"
end = "24:00"

[[shifts]]
person = "rbos"
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
start = "07:00"
end = "22:00"
"""


@pytest.fixture
def run(tmp_path):
    return cli_runner(tmp_path, KCCDESK_NOW="2026-11-23T12:00:00+01:00")


def test_gaps_command_json_shape_and_exit_1(run, tmp_path):
    (tmp_path / "warm.toml").write_text(GAPPY, encoding="utf-8")
    assert run("import", str(tmp_path / "warm.toml")).returncode == 0
    result = run("gaps", "--client", "warm", "--days", "2", "--json")
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert found[0] == {
        "client": "warm",
        "from": "2026-11-23T22:00:00+01:00",
        "until": "2026-11-24T07:00:00+01:00",
        "department": None,
        "required": 1,
        "on_duty": 0,
        "reason": "geen dienst ingeroosterd",
        "kind": "coverage",
    }
    assert [g["from"] for g in found] == [
        "2026-11-23T22:00:00+01:00",
        "2026-11-24T22:00:00+01:00",
    ]
    text = run("gaps", "--from", "2026-11-24T23:00", "--days", "0.25")
    assert text.returncode == 1
    assert "geen dienst ingeroosterd" in text.stdout


def test_gaps_command_exit_0_when_covered_and_2_on_bad_input(run, tmp_path):
    covered = GAPPY.replace('start = "07:00"\nend = "22:00"', 'start = "07:00"\nend = "07:00"')
    covered = covered.replace('end = "07:00"', 'end = "06:59"')
    (tmp_path / "warm.toml").write_text(covered, encoding="utf-8")
    assert run("import", str(tmp_path / "warm.toml")).returncode == 0
    ok = run("gaps", "--from", "2026-11-24T07:00", "--days", "0.5", "--json")
    assert (ok.returncode, json.loads(ok.stdout)) == (0, [])
    assert run("gaps", "--from", "morgen").returncode == 2
    assert run("gaps", "--days", "0").returncode == 2
    assert run("gaps", "--client", "onbekend").returncode == 2
    assert run("gaps", "--from", "9999-12-31").returncode == 2


def test_gaps_from_a_time_the_clock_skips_is_refused_with_the_hint(run, tmp_path):
    """As `duty --at`: 02:30 on the spring DST night does not exist in Amsterdam."""
    (tmp_path / "warm.toml").write_text(GAPPY, encoding="utf-8")
    assert run("import", str(tmp_path / "warm.toml")).returncode == 0
    result = run("gaps", "--from", "2026-03-29T02:30")
    assert result.returncode == 2 and "zomertijd" in result.stderr
