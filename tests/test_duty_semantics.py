"""Duty that means what the roster means (issue 21): a date absence covers whole shifts,
a replacement's own absence follows the chain, timed absences show their time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kccdesk.calls.transfers import check_transfer
from kccdesk.cli.main import main
from kccdesk.clientfile import parse_client
from kccdesk.clients.model import Absence, Client, Coverage, ExtraShift, Person, WeeklyShift
from kccdesk.duty.coverage import gaps, replacement_gaps
from kccdesk.duty.roster import absence_at, duty_at, next_duty_start, note_route, person_state
from kccdesk.duty.rules import client_problems, replacement_warnings
from kccdesk.notes.rules import RecipientAbsent, check_note
from kccdesk.storage import open_store
from kccdesk.texts import absent_period, absent_until, route_text

AMS = ZoneInfo("Europe/Amsterdam")
ALL = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def on_duty(c: Client, when: str) -> set[str]:
    return {d.person for d in duty_at(c, at(when)).on_duty}


def heat(**kwargs) -> Client:
    people = (
        Person("sietske", "Sietske Hoekstra", department="Techniek"),
        Person("rik", "Rik Bos", department="Techniek"),
        Person("meldkamer", "Meldkamer", department="Meldkamer"),
    )
    return Client(
        id="warmte", name="Warmtenet", people=people, callback_default="meldkamer", **kwargs
    )


SATURDAY_NIGHT = WeeklyShift("sietske", ("sat",), time(17), time(7))
SUNDAY_NIGHT = WeeklyShift("rik", ("sun",), time(22), time(7))


# --- a date absence covers whole shifts ----------------------------------------------------


def test_a_sick_night_worker_is_not_on_duty_after_midnight():
    c = heat(
        shifts=(SATURDAY_NIGHT,),
        absences=(Absence("sietske", date(2026, 12, 5), date(2026, 12, 5), "ziek"),),
    )
    assert on_duty(c, "2026-12-05T18:00") == set()
    status = duty_at(c, at("2026-12-06T01:00"))
    assert status.on_duty == ()
    assert status.absence_of("sietske") is not None
    # Back with her next shift, a week later, not at midnight.
    assert next_duty_start(c, "sietske", at("2026-12-06T01:00")) == at("2026-12-12T17:00")
    assert on_duty(c, "2026-12-12T17:00") == {"sietske"}


def test_the_gap_of_a_sick_night_worker_runs_to_the_end_of_her_shift():
    c = heat(
        shifts=(SATURDAY_NIGHT,),
        absences=(Absence("sietske", date(2026, 12, 5), date(2026, 12, 5), "ziek"),),
        coverage=(Coverage(("sat",), time(17), time(7), "Techniek"),),
    )
    (gap,) = gaps(c, at("2026-12-05T12:00"), at("2026-12-06T12:00"))
    assert (gap.start, gap.end) == (at("2026-12-05T17:00"), at("2026-12-06T07:00"))
    assert gap.reason == "afwezig zonder vervanging (Sietske Hoekstra)"


def test_an_absence_on_sunday_cancels_the_sunday_night_not_the_tail_of_saturday():
    # A 24/7 client: Sietske Saturday night, Rik Sunday night; Rik is absent on Sunday only.
    c = heat(
        shifts=(SATURDAY_NIGHT, WeeklyShift("rik", ("sat",), time(17), time(7)), SUNDAY_NIGHT),
        absences=(Absence("rik", date(2026, 12, 6), date(2026, 12, 6), "vrij"),),
    )
    # The night that began on Saturday runs to its end: Rik works it.
    assert on_duty(c, "2026-12-06T03:00") == {"sietske", "rik"}
    assert duty_at(c, at("2026-12-06T03:00")).duty_of("rik").until == at("2026-12-06T07:00")
    assert absence_at(c, "rik", at("2026-12-06T03:00").astimezone(UTC)) is None
    # From its end on he is away, and the Sunday night shift is cancelled whole.
    assert duty_at(c, at("2026-12-06T08:00")).absence_of("rik") is not None
    assert on_duty(c, "2026-12-06T23:00") == set()
    assert on_duty(c, "2026-12-07T06:59") == set()
    assert duty_at(c, at("2026-12-07T06:59")).absence_of("rik") is not None
    assert duty_at(c, at("2026-12-07T07:00")).absence_of("rik") is None


@pytest.mark.parametrize(
    ("night", "morning", "hours"),
    [("2026-10-24", "2026-10-25", 10), ("2027-03-27", "2027-03-28", 8)],
)
def test_a_date_absence_cancels_a_dst_night_whole(night, morning, hours):
    c = heat(
        shifts=(WeeklyShift("sietske", ("sat",), time(22), time(7)),),
        absences=(Absence("sietske", date.fromisoformat(night), date.fromisoformat(night)),),
    )
    start, end = (
        at(f"{night}T22:00").astimezone(UTC),
        at(f"{morning}T07:00").astimezone(UTC),
    )
    assert (end - start).total_seconds() == hours * 3600
    assert on_duty(c, f"{morning}T06:30") == set()
    assert absence_at(c, "sietske", at(f"{morning}T06:30").astimezone(UTC)) is not None
    assert absence_at(c, "sietske", end) is None


def test_an_extra_shift_past_midnight_on_the_last_absent_day_is_cancelled_to_its_end():
    c = heat(
        extra_shifts=(ExtraShift("rik", date(2026, 12, 24), time(22), time(6)),),
        absences=(Absence("rik", date(2026, 12, 23), date(2026, 12, 24), "vrij"),),
    )
    assert on_duty(c, "2026-12-25T02:00") == set()
    assert duty_at(c, at("2026-12-25T05:59")).absence_of("rik") is not None
    assert duty_at(c, at("2026-12-25T06:00")).absence_of("rik") is None


def test_covers_takes_over_the_whole_night_shift():
    c = heat(
        shifts=(SATURDAY_NIGHT,),
        absences=(
            Absence("sietske", date(2026, 12, 5), date(2026, 12, 5), "ziek", "rik", covers=True),
        ),
    )
    night = duty_at(c, at("2026-12-06T01:00"))
    (rik,) = night.on_duty
    assert (rik.person, rik.covering, rik.until) == ("rik", "sietske", at("2026-12-06T07:00"))


def test_a_timed_absence_cuts_exactly_its_interval():
    c = heat(
        shifts=(SATURDAY_NIGHT,),
        absences=(
            Absence(
                "sietske",
                date(2026, 12, 5),
                date(2026, 12, 6),
                "ruil",
                start_time=time(22),
                until_time=time(2),
            ),
        ),
    )
    assert on_duty(c, "2026-12-05T21:59") == {"sietske"}
    assert on_duty(c, "2026-12-05T23:00") == set()
    assert on_duty(c, "2026-12-06T02:00") == {"sietske"}


# --- the replacement chain -----------------------------------------------------------------

PRACTICE = """\
[client]
id = "linde"
name = "Praktijk De Linde"
callback_default = "jansen"

[[people]]
id = "devries"
name = "dr. de Vries"

[[people]]
id = "bakker"
name = "dr. Bakker"

[[people]]
id = "jansen"
name = "dr. Jansen"

[[shifts]]
person = "bakker"
days = ["mon", "tue", "wed", "thu", "fri"]
start = "08:00"
end = "17:00"

[[absences]]
person = "devries"
from = 2026-10-01
until = 2027-01-15
reason = "zwangerschapsverlof"
replaced_by = "bakker"

[[absences]]
person = "bakker"
from = 2026-12-21
until = 2026-12-23
reason = "cursus"
"""


def test_a_replacement_may_take_a_course():
    c = parse_client(PRACTICE)  # imported whole, not refused
    assert client_problems(c) == []
    (warning,) = replacement_warnings(c)
    assert warning == (
        "dr. de Vries afwezig en vervanger dr. Bakker ook afwezig van 21-12-2026 t/m "
        "23-12-2026: notities gaan dan naar dr. Jansen"
    )


def test_notes_follow_the_chain_and_the_desk_names_it():
    c = parse_client(PRACTICE)
    moment = at("2026-12-22T10:00")
    route = note_route(c, "devries", moment.astimezone(UTC))
    assert [s.person for s in route.skipped] == ["devries", "bakker"]
    assert (route.recipient, route.by_default) == ("jansen", True)
    assert route_text(c, route, moment) == (
        "dr. de Vries afwezig (zwangerschapsverlof) t/m 15-01-2027 → vervanger dr. Bakker ook "
        "afwezig (cursus) t/m 23-12-2026 → notities naar dr. Jansen (standaardontvanger)"
    )
    with pytest.raises(RecipientAbsent) as refused:
        check_note(c, "devries", "Jan", "0612345678", "graag terugbellen", at=moment)
    assert refused.value.replacement == "jansen"
    assert "vervanger dr. Bakker ook afwezig (cursus)" in str(refused.value)
    # The guard's note offer goes to the end of the chain, never to someone absent.
    check = check_transfer(c, "devries", duty_at(c, moment))
    assert check.note_to == "jansen"
    # Outside the course the replacement takes the notes.
    assert note_route(c, "devries", at("2026-12-24T10:00").astimezone(UTC)).recipient == "bakker"


def test_the_chain_never_loops_and_never_ends_at_someone_absent():
    people = (Person("a", "A"), Person("b", "B"), Person("d", "D"))
    c = Client(
        id="x",
        name="X",
        people=people,
        callback_default="d",
        absences=(
            Absence("a", date(2026, 12, 1), date(2026, 12, 31), replaced_by="b"),
            Absence("b", date(2026, 12, 1), date(2026, 12, 31), replaced_by="d"),
            Absence("d", date(2026, 12, 1), date(2026, 12, 31), replaced_by="a"),
        ),
    )
    assert any("kring" in p.message for p in client_problems(c))
    route = note_route(c, "a", at("2026-12-10T10:00").astimezone(UTC))
    assert route.recipient is None  # everyone away: nobody, not someone absent
    assert [s.person for s in route.skipped] == ["a", "b", "d"]


def test_replacement_gaps_are_listed_beside_coverage_gaps():
    c = parse_client(PRACTICE)
    (gap,) = replacement_gaps(c, at("2026-12-01T00:00"), at("2027-01-31T00:00"))
    assert gap.kind == "replacement"
    assert (gap.start, gap.end) == (at("2026-12-21T00:00"), at("2026-12-24T00:00"))
    assert gap.as_dict()["kind"] == "replacement"
    assert gap.reason == (
        "dr. de Vries afwezig, vervanger dr. Bakker ook afwezig: notities naar dr. Jansen"
    )


# --- times where they matter ---------------------------------------------------------------


def test_a_timed_absence_reads_with_its_time_and_a_date_absence_with_its_day():
    timed = Absence("rik", date(2026, 12, 1), date(2026, 12, 2), until_time=time(7))
    whole = Absence("rik", date(2026, 12, 1), date(2026, 12, 2))
    now = at("2026-12-01T22:48")
    assert absent_until(timed, now) == "tot wo 07:00"
    assert absent_until(timed, at("2026-12-02T01:00")) == "tot 07:00"
    assert absent_until(whole, now) == "t/m 02-12-2026"
    assert absent_until(Absence("rik", date(2026, 12, 1)), now) == "tot nader bericht"
    later = Absence("rik", date(2026, 12, 1), date(2026, 12, 2), start_time=time(17))
    assert absent_period(later, at("2026-12-01T09:00")) == "vanaf 17:00 t/m 02-12-2026"


def test_the_guard_and_the_duty_state_carry_the_time():
    c = heat(
        shifts=(WeeklyShift("rik", ALL, time(7), time(17)),),
        absences=(Absence("rik", date(2026, 12, 1), date(2026, 12, 2), until_time=time(7)),),
    )
    status = duty_at(c, at("2026-12-01T22:48"))
    state = person_state(c, status, "rik")
    assert absent_until(state.absence, status.at) == "tot wo 07:00"
    check = check_transfer(c, "rik", status)
    assert check.stop_reason == "afwezig tot wo 07:00"


# --- the command line, on both engines -----------------------------------------------------


@pytest.fixture
def cli_db(database_url, monkeypatch):
    monkeypatch.setenv("KCCDESK_DATABASE_URL", database_url)
    store = open_store(database_url)
    yield store
    store.close()


def test_duty_and_gaps_on_the_command_line(cli_db, tmp_path, capsys):
    path = tmp_path / "linde.toml"
    path.write_text(PRACTICE, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Let op: linde: dr. de Vries afwezig en vervanger dr. Bakker ook afwezig" in out

    assert main(["duty", "--client", "linde", "--at", "2026-12-22T10:00"]) == 0
    out = capsys.readouterr().out
    assert (
        "Afwezig: dr. de Vries afwezig (zwangerschapsverlof) t/m 15-01-2027 → vervanger "
        "dr. Bakker ook afwezig (cursus) t/m 23-12-2026 → notities naar dr. Jansen "
        "(standaardontvanger)"
    ) in out

    assert main(["duty", "--client", "linde", "--at", "2026-12-22T10:00", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    vries = next(a for a in data["absent"] if a["person"] == "devries")
    assert (vries["notes_to"], vries["chain"]) == ("jansen", ["devries", "bakker"])

    code = main(["gaps", "--client", "linde", "--from", "2026-12-20", "--days", "7", "--json"])
    assert code == 1
    (gap,) = json.loads(capsys.readouterr().out)
    assert (gap["kind"], gap["from"]) == ("replacement", "2026-12-21T00:00:00+01:00")


def test_a_sick_night_worker_on_the_command_line(cli_db, tmp_path, capsys):
    text = """\
[client]
id = "warmte"
name = "Warmtenet"

[[people]]
id = "sietske"
name = "Sietske Hoekstra"

[[shifts]]
person = "sietske"
days = ["sat"]
start = "17:00"
end = "07:00"

[[absences]]
person = "sietske"
from = 2026-12-05
until = 2026-12-05
reason = "ziek"

[[coverage]]
days = ["sat"]
start = "17:00"
end = "07:00"
"""
    path = tmp_path / "warmte.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["duty", "--client", "warmte", "--at", "2026-12-06T01:00"]) == 0
    out = capsys.readouterr().out
    assert "Niemand heeft dienst." in out
    assert "Afwezig: Sietske Hoekstra (ziek) t/m 05-12-2026, geen vervanger" in out
    assert "tot zo 07:00" not in out
    assert main(["gaps", "--client", "warmte", "--from", "2026-12-05", "--days", "2", "--json"])
    (gap,) = json.loads(capsys.readouterr().out)
    assert (gap["from"], gap["until"]) == (
        "2026-12-05T17:00:00+01:00",
        "2026-12-06T07:00:00+01:00",
    )


# --- the review's words match what happened ------------------------------------------------


def test_the_review_counts_stopped_transfers_apart_from_ignored_warnings():
    from kccdesk.teamlead.review import Override, build_review

    moment = at("2026-12-01T10:00")
    overrides = [
        Override(moment, "linde", "doorverbonden", "Sanne", "dr. Bakker: geen dienst; toch"),
        *(Override(moment, "linde", "gestopt", "Sanne", f"stop {i}") for i in range(3)),
    ]
    review = build_review(date(2026, 12, 1), {"linde": "De Linde"}, [], [], overrides, [])
    (entry,) = review.clients
    assert (len(entry.ignored), len(entry.stopped)) == (1, 3)
    data = entry.as_dict()
    assert (data["ignored"], data["stopped"]) == (1, 3)


# --- open and closed, from data ----------------------------------------------------------


def practice_with_hours(**kwargs) -> Client:
    from kccdesk.clients.model import Opening

    people = (Person("arts", "dr. Jansen"), Person("post", "Dienstdoende arts"))
    return Client(
        id="linde",
        name="De Linde",
        people=people,
        opening=(Opening(("mon", "tue", "wed", "thu", "fri"), time(8), time(17)),),
        after_hours="Spoed buiten openingstijd: huisartsenpost 088 003 0600",
        after_hours_route="+31880030600",
        public_holidays="NL",
        shifts=(WeeklyShift("arts", ("mon", "tue", "wed", "thu", "fri"), time(8), time(17)),),
        **kwargs,
    )


def test_closed_looks_closed_and_says_when_it_opens():
    from kccdesk.texts import opening_line

    c = practice_with_hours()
    night = duty_at(c, at("2026-12-02T22:48"))
    assert (night.open, night.opens_at) == (False, at("2026-12-03T08:00"))
    assert opening_line(night, "ma–vr 08:00–17:00") == "gesloten — open do 08:00"
    day = duty_at(c, at("2026-12-03T10:00"))
    assert (day.open, day.closes_at) == (True, at("2026-12-03T17:00"))
    assert opening_line(day, "ma–vr 08:00–17:00") == "open tot 17:00"
    # Friday evening: open again on Monday; Christmas (a public holiday) stays closed.
    assert duty_at(c, at("2026-12-04T18:00")).opens_at == at("2026-12-07T08:00")
    assert duty_at(c, at("2026-12-24T18:00")).opens_at == at("2026-12-28T08:00")
    # Without rows only the free text is known.
    bare = Client(id="x", name="X")
    assert duty_at(bare, at("2026-12-02T22:48")).open is None
    assert opening_line(duty_at(bare, at("2026-12-02T22:48")), "ma–vr") == "open ma–vr"


def test_the_guard_after_hours_says_where_urgent_callers_go():
    c = practice_with_hours()
    check = check_transfer(c, "arts", duty_at(c, at("2026-12-02T22:48")))
    assert not check.allowed
    assert check.after_hours == "Spoed buiten openingstijd: huisartsenpost 088 003 0600"
    assert check.after_hours_number == "+31880030600"
    in_hours = check_transfer(c, "post", duty_at(c, at("2026-12-02T10:00")))
    assert (in_hours.after_hours, in_hours.after_hours_number) == ("", "")


def test_a_person_as_after_hours_route_is_the_first_alternative():
    from dataclasses import replace

    c = practice_with_hours()
    c = replace(
        c,
        after_hours_route="post",
        shifts=(*c.shifts, WeeklyShift("post", ALL, time(17), time(8))),
    )
    check = check_transfer(c, "arts", duty_at(c, at("2026-12-02T22:48")))
    assert [a.person for a in check.alternatives][:1] == ["post"]


def test_opening_rows_round_trip_and_old_files_still_import():
    from kccdesk.clientfile import dump_client

    text = PRACTICE.replace(
        'callback_default = "jansen"',
        'callback_default = "jansen"\nafter_hours = "Spoed: huisartsenpost"\n'
        'after_hours_route = "088 003 0600"',
    ) + (
        '\n[[opening]]\ndays = ["mon", "tue"]\nstart = "08:00"\nend = "17:00"\n'
        '\n[[opening]]\ndays = ["sat"]\nstart = "22:00"\nend = "24:00"\non_closures = true\n'
    )
    c = parse_client(text)
    assert len(c.opening) == 2 and c.opening[1].end is None and c.opening[1].on_closures
    again = parse_client(dump_client(c))
    assert (again.opening, again.after_hours, again.after_hours_route) == (
        c.opening,
        c.after_hours,
        c.after_hours_route,
    )
    assert parse_client(PRACTICE).opening == ()  # a file without them means what it meant


@pytest.mark.parametrize(
    ("addition", "fragment"),
    [
        ('\n[[opening]]\ndays = ["mon"]\nstart = "08:00"\nend = "08:00"\n', "begin en einde"),
        ('\n[[opening]]\ndays = ["maandag"]\nstart = "08:00"\nend = "17:00"\n', "onbekende dag"),
        ('\n[[opening]]\ndays = []\nstart = "08:00"\nend = "17:00"\n', "geen dagen"),
    ],
)
def test_impossible_opening_rows_are_refused_with_file_and_line(addition, fragment):
    from kccdesk.clientfile import ImportErrors

    with pytest.raises(ImportErrors) as refused:
        parse_client(PRACTICE + addition, "linde.toml")
    assert "linde.toml:" in str(refused.value) and fragment in str(refused.value)


def test_an_after_hours_route_must_be_a_person_or_a_valid_number():
    from kccdesk.clientfile import ImportErrors

    text = PRACTICE.replace(
        'callback_default = "jansen"', 'callback_default = "jansen"\nafter_hours_route = "12ab"'
    )
    with pytest.raises(ImportErrors) as refused:
        parse_client(text, "linde.toml")
    assert "after_hours_route" in str(refused.value)


def test_duty_json_says_open_and_opens_at(cli_db, tmp_path, capsys):
    text = PRACTICE + '\n[[opening]]\ndays = ["mon", "tue", "wed", "thu", "fri"]\n'
    text += 'start = "08:00"\nend = "17:00"\n'
    path = tmp_path / "linde.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["duty", "--client", "linde", "--at", "2026-12-02T22:48", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["open"], data["opens_at"]) == (False, "2026-12-03T08:00:00+01:00")
    assert main(["duty", "--client", "linde", "--at", "2026-12-02T22:48"]) == 0
    assert "Gesloten — open do 08:00" in capsys.readouterr().out
    # ...and export writes the rows back.
    out = tmp_path / "out"
    assert main(["export", str(out)]) == 0
    assert "[[opening]]" in (out / "linde.toml").read_text(encoding="utf-8")


async def test_after_hours_the_guard_offers_the_practices_line_first_and_logs_it(demo_store):
    from desk_helpers import build_app, settle, text_of, type_text
    from kccdesk.ui.screens.transfer import TransferDialog

    night = datetime(2026, 12, 2, 22, 48, tzinfo=AMS)
    app = build_app(demo_store.url, "huisartsen-de-linde", now=night)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert "gesloten — open do 08:00" in text_of(app, "#call-header")
        await type_text(pilot, "mark jansen")
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        problem = text_of(app, "#transfer-problem")
        assert problem.startswith("⚠ Spoed buiten openingstijd: huisartsenpost 088 003 0600")
        first = app.screen.query_one("#transfer-options").get_option_at_index(0)
        assert "088 003 06 00" in str(first.prompt) and "spoedlijn" in str(first.prompt)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
    logged = [c for c in demo_store.calls("huisartsen-de-linde") if c.transferred_to]
    assert [c.transferred_to for c in logged][-1:] == ["+31880030600"]


def test_a_chain_ending_at_a_replacements_replacement_names_them():
    people = (Person("a", "Anna"), Person("b", "Bert"), Person("c", "Cees"))
    c = Client(
        id="x",
        name="X",
        people=people,
        absences=(
            Absence("a", date(2027, 1, 9), date(2027, 1, 9), replaced_by="b"),
            Absence("b", date(2027, 1, 8), date(2027, 1, 10), replaced_by="c"),
        ),
    )
    moment = at("2027-01-09T18:00")
    route = note_route(c, "a", moment.astimezone(UTC))
    assert route_text(c, route, moment) == (
        "Anna afwezig t/m 09-01-2027 → vervanger Bert ook afwezig t/m 10-01-2027 → "
        "notities naar Cees"
    )


def test_every_interface_text_is_defined_once():
    """Two texts under one name: the later silently replaces the earlier (it happened)."""
    import ast
    from pathlib import Path

    import kccdesk.texts

    tree = ast.parse(Path(kccdesk.texts.__file__).read_text(encoding="utf-8"))
    names = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_duty_at_a_time_the_clock_skips_is_refused(cli_db, tmp_path, capsys):
    path = tmp_path / "linde.toml"
    path.write_text(PRACTICE, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["duty", "--client", "linde", "--at", "2027-03-28T02:30"]) == 2
    assert "bestaat niet in Europe/Amsterdam" in capsys.readouterr().err


def test_a_24_7_line_on_a_holiday_is_open_not_closed():
    from kccdesk.clients.model import Opening

    c = Client(
        id="w",
        name="Warmte",
        public_holidays="NL",
        opening=(Opening(ALL, time(0), None, on_closures=True),),
    )
    easter = duty_at(c, at("2027-03-28T12:00"))
    assert easter.closed == "Eerste paasdag" and easter.open is True
    # Header, duty panel, guard and CLI all read `shut`: open, so not "gesloten".
    assert easter.shut is None
    assert check_transfer(c, "x", easter).closed is None
    from dataclasses import replace

    office = replace(c, opening=())  # no opening rows: the holiday closes it as before
    assert duty_at(office, at("2027-03-28T12:00")).shut == "Eerste paasdag"


def test_a_shift_wholly_inside_the_skipped_dst_hour_has_no_moment_and_makes_no_gap():
    """Found by the property test: Sunday 29 March 2026 02:15–03:00 does not exist on the
    clock; such a shift is no occurrence (it was one ending before it began), and a coverage
    rule of Mondays shows no gap on that Sunday."""
    client = Client(
        "c",
        "C",
        people=(Person("c", "C"),),
        shifts=(WeeklyShift("c", ("mon", "sun"), time(2, 15), time(3, 0)),),
        coverage=(Coverage(("mon",), time(0), None, None, 1),),
    )
    start = datetime(2026, 3, 29, tzinfo=AMS)
    found = gaps(client, start, start + timedelta(days=2))
    assert {g.start.date() for g in found} == {date(2026, 3, 30)}
