"""The new client-file fields: coverage rows, on_closures, covers, open-ended and timed
absences — read, validated, stored, exported back, and what they do to `duty_at`."""

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kccdesk.clientfile import ImportErrors, dump_client, parse_client
from kccdesk.clients.model import Absence, Client, Coverage, Person, WeeklyShift
from kccdesk.duty.roster import duty_at, person_state
from kccdesk.duty.rules import entry_problems, replacement_warnings

AMS = ZoneInfo("Europe/Amsterdam")
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

HEAD = """
[client]
id = "warm"
name = "Warmtenet"
public_holidays = "NL"

[[people]]
id = "emulder"
name = "Erik Mulder"
department = "Piket"

[[people]]
id = "rbos"
name = "Rik Bos"
department = "Piket"
"""

FULL = (
    HEAD
    + """
[[coverage]]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
start = "00:00"
end = "24:00"
department = "Piket"
on_closures = true

[[coverage]]
days = ["mon"]
start = "22:00"
end = "07:00"
min = 2

[[shifts]]
person = "emulder"
days = ["mon", "wed", "fri"]
start = "22:00"
end = "07:00"
on_closures = true

[[absences]]
person = "emulder"
from = 2026-11-23
replaced_by = "rbos"
covers = true

[[absences]]
person = "emulder"
from = 2026-11-10T17:00
until = 2026-11-11T08:00
reason = "ruil"
"""
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def test_new_fields_are_read():
    client = parse_client(FULL)
    day_and_night, night = client.coverage
    assert day_and_night == Coverage(ALL_DAYS, time(0), None, "Piket", 1, on_closures=True)
    assert night == Coverage(("mon",), time(22), time(7), None, 2)
    assert client.shifts[0].on_closures is True
    open_ended, timed = client.absences
    assert (open_ended.until, open_ended.covers) == (None, True)
    assert (timed.start, timed.start_time) == (date(2026, 11, 10), time(17))
    assert (timed.until, timed.until_time) == (date(2026, 11, 11), time(8))


def test_export_writes_the_new_fields_back():
    client = parse_client(FULL)
    text = dump_client(client)
    assert 'end = "24:00"' in text
    assert "on_closures = true" in text
    assert "covers = true" in text
    assert "from = 2026-11-10 17:00:00" in text
    assert parse_client(text) == client


def test_files_without_the_new_fields_mean_what_they_meant():
    client = parse_client(HEAD)
    assert client.coverage == ()


@pytest.mark.parametrize(
    ("addition", "fragment"),
    [
        (
            '[[coverage]]\ndays = ["mon"]\nstart = "08:00"\nend = "08:00"',
            "begin en einde zijn gelijk",
        ),
        ('[[coverage]]\ndays = []\nstart = "08:00"\nend = "17:00"', "geen dagen"),
        ('[[coverage]]\ndays = ["maa"]\nstart = "08:00"\nend = "17:00"', "onbekende dag"),
        ('[[coverage]]\ndays = ["mon"]\nstart = "08:00"\nend = "17:00"\nmin = 0', "min moet 1"),
        (
            '[[coverage]]\ndays = ["mon"]\nstart = "08:00"\nend = "17:00"\ndepartment = "Balie"',
            "afdeling 'Balie' bestaat niet",
        ),
        ('[[coverage]]\ndays = ["mon"]\nstart = "08:00"\nend = "25:00"', "bestaat niet"),
        (
            '[[coverage]]\ndays = ["mon"]\nstart = "08:00"\nend = "17:00"\n'
            '[[coverage]]\ndays = ["mon", "tue"]\nstart = "16:00"\nend = "18:00"',
            "overlapt met dekking",
        ),
        (
            '[[absences]]\nperson = "emulder"\nfrom = 2026-12-22T17:00\nuntil = 2026-12-22T09:00',
            "eindigt voor ze begint",
        ),
        (
            '[[absences]]\nperson = "emulder"\nfrom = 2026-12-22T17:00:30',
            "lokale tijd",
        ),
        ('[[absences]]\nperson = "emulder"\nfrom = 2026-12-22\ncovers = true', "covers"),
        (
            '[[shifts]]\nperson = "emulder"\ndays = ["mon"]\nstart = "08:00"\nend = "17:00"\n'
            'on_closures = "ja"',
            "true of false",
        ),
    ],
)
def test_bad_new_entries_are_refused_with_a_reason(addition, fragment):
    with pytest.raises(ImportErrors) as caught:
        parse_client(HEAD + "\n" + addition + "\n")
    assert fragment in str(caught.value)


def test_coverage_rows_of_other_departments_may_overlap():
    client = parse_client(FULL)
    assert entry_problems(client, Coverage(("mon",), time(8), time(17), "Piket")) != []
    assert entry_problems(client, Coverage(("tue",), time(8), time(17))) == []


def test_replacement_absent_during_an_open_ended_absence_is_accepted_with_a_warning():
    client = parse_client(HEAD)
    emulder = Absence("emulder", date(2026, 11, 23), None, replaced_by="rbos")
    rbos_later = Absence("rbos", date(2027, 5, 1), date(2027, 5, 3))
    assert entry_problems(client, emulder, [rbos_later]) == []
    both = replace(client, absences=(emulder, rbos_later))
    (warning,) = replacement_warnings(both)
    assert "ook afwezig van 01-05-2027 t/m 03-05-2027" in warning


# --- what they do to duty ------------------------------------------------------------------

PEOPLE = (
    Person("emulder", "Erik Mulder", department="Piket"),
    Person("rbos", "Rik Bos", department="Piket"),
)
NIGHTS = WeeklyShift("emulder", ("mon", "wed", "fri"), time(22), time(7))


def warm(**kwargs) -> Client:
    return Client(id="warm", name="Warmtenet", people=PEOPLE, **kwargs)


def test_without_covers_the_replacement_is_not_on_duty():
    c = warm(
        shifts=(NIGHTS,),
        absences=(Absence("emulder", date(2026, 11, 23), None, replaced_by="rbos"),),
    )
    status = duty_at(c, at("2026-11-25T23:00"))
    assert status.on_duty == ()
    assert status.absent[0].until is None


def test_with_covers_the_replacement_takes_over_the_shift():
    c = warm(
        shifts=(NIGHTS,),
        absences=(Absence("emulder", date(2026, 11, 23), None, replaced_by="rbos", covers=True),),
    )
    status = duty_at(c, at("2026-11-25T23:00"))
    (duty,) = status.on_duty
    assert duty.person == "rbos"
    assert duty.label == "Rik Bos (neemt dienst over van Erik Mulder)"
    assert duty.until == at("2026-11-26T07:00")
    assert not duty_at(c, at("2026-11-26T12:00")).on_duty


def test_covers_during_an_absence_that_starts_mid_shift():
    swap = Absence(
        "emulder",
        date(2026, 11, 25),
        date(2026, 11, 26),
        reason="ruil",
        replaced_by="rbos",
        covers=True,
        start_time=time(23, 30),
        until_time=time(7),
    )
    c = warm(shifts=(NIGHTS,), absences=(swap,))
    before = duty_at(c, at("2026-11-25T23:00"))
    assert [d.person for d in before.on_duty] == ["emulder"]
    assert before.on_duty[0].until == at("2026-11-25T23:30")
    after = duty_at(c, at("2026-11-25T23:30"))
    assert [(d.person, d.covering) for d in after.on_duty] == [("rbos", "emulder")]
    state = person_state(c, after, "emulder")
    assert state.absent and state.absent_until == date(2026, 11, 26)


def test_covering_replacement_who_is_absent_too_is_not_on_duty():
    c = warm(
        shifts=(NIGHTS,),
        absences=(
            Absence(
                "emulder", date(2026, 11, 23), date(2026, 11, 30), replaced_by="rbos", covers=True
            ),
            Absence("rbos", date(2026, 11, 25), date(2026, 11, 25)),
        ),
    )
    assert duty_at(c, at("2026-11-25T23:00")).on_duty == ()


def test_open_ended_absence_makes_the_person_absent_in_person_state():
    c = warm(shifts=(NIGHTS,), absences=(Absence("emulder", date(2026, 11, 23)),))
    status = duty_at(c, at("2030-01-01T23:00"))
    state = person_state(c, status, "emulder")
    assert state.absent and state.absent_until is None


def test_on_closures_keeps_an_on_call_shift_on_a_public_holiday():
    office = WeeklyShift("rbos", ("fri",), time(8), time(17))
    oncall = WeeklyShift("emulder", ("fri",), time(0), time(0, 1), on_closures=True)
    day_call = WeeklyShift("emulder", ("fri",), time(8), time(20), on_closures=True)
    c = warm(shifts=(office, oncall, day_call), public_holidays="NL")
    good_friday = at("2027-03-26T12:00")
    status = duty_at(c, good_friday)
    assert [d.person for d in status.on_duty] == ["emulder"]
    assert status.closed is not None
    assert {d.person for d in duty_at(c, at("2027-03-19T12:00")).on_duty} == {"emulder", "rbos"}


def test_covered_night_shift_on_a_dst_night_lasts_as_the_clock_says():
    c = warm(
        shifts=(WeeklyShift("emulder", ("sat",), time(22), time(7)),),
        absences=(Absence("emulder", date(2027, 3, 20), None, replaced_by="rbos", covers=True),),
    )
    status = duty_at(c, at("2027-03-28T03:30"))
    (duty,) = status.on_duty
    assert (duty.person, duty.until) == ("rbos", at("2027-03-28T07:00"))


def test_new_fields_round_trip_through_the_database(store):
    client = parse_client(FULL)
    store.import_clients([client])
    assert store.load_client("warm") == client
    assert store.import_clients([client]).unchanged == ["warm"]


def test_migration_brings_an_older_database_to_the_coverage_schema(tmp_path):
    from kccdesk.storage import Store
    from kccdesk.storage.schema import head_revision, upgrade

    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    assert upgrade(store.engine, "0007") == (None, "0007")
    assert store.upgrade_schema() == ("0007", head_revision())
    store.import_clients([parse_client(FULL)])
    assert store.load_client("warm").coverage[0].end is None


def test_week_grid_shows_taken_over_shifts_and_keeps_to_its_week():
    from kccdesk.duty.roster import week_grid

    sunday_night = WeeklyShift("emulder", ("sun",), time(22), time(7))
    # The absence starts at midnight after the week's last night: the taken-over part of that
    # night starts the next week and is not shown in this one.
    c = warm(
        shifts=(NIGHTS, sunday_night),
        absences=(Absence("emulder", date(2026, 11, 25), None, replaced_by="rbos", covers=True),),
    )
    _, grid = week_grid(c, date(2026, 11, 23))
    assert [cell.text for cell in grid["rbos"]] == ["", "", "22–7→ ⇄", "", "22–7→ ⇄", "", "22–7→ ⇄"]
    later = warm(
        shifts=(sunday_night,),
        absences=(Absence("emulder", date(2026, 11, 30), None, replaced_by="rbos", covers=True),),
    )
    _, grid = week_grid(later, date(2026, 11, 23))
    assert "rbos" not in grid


def test_a_swap_is_an_absence_over_one_shift_taken_over_by_the_replacement():
    from kccdesk.duty.edits import next_day_of, swap

    c = warm(shifts=(NIGHTS,))
    day = next_day_of(NIGHTS, date(2026, 11, 24))
    assert day == date(2026, 11, 25)
    absence = swap(NIGHTS, day, "rbos")
    assert absence == Absence(
        "emulder",
        date(2026, 11, 25),
        date(2026, 11, 26),
        "ruil",
        "rbos",
        covers=True,
        start_time=time(22),
        until_time=time(7),
    )
    c = warm(shifts=(NIGHTS,), absences=(absence,))
    assert entry_problems(c, absence, []) == []
    night = duty_at(c, at("2026-11-25T23:00"))
    assert [(d.person, d.covering) for d in night.on_duty] == [("rbos", "emulder")]
    assert [d.person for d in duty_at(c, at("2026-11-27T23:00")).on_duty] == ["emulder"]
    with pytest.raises(ValueError, match="loopt niet op di 24-11-2026"):
        swap(NIGHTS, date(2026, 11, 24), "rbos")
