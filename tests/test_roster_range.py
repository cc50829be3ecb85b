"""The duty computation never overflows (issue 10): an absence until 9999-12-31 (stored
before the date rule existed) lasts until the end of time, and any moment between the years
1 and 9999 gets an answer or a one-line refusal, never a traceback."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import DEMO_DIR
from kccdesk.cli.main import main
from kccdesk.clientfile import load_clients
from kccdesk.clients.model import Absence, Client, Person, WeeklyShift
from kccdesk.core.errors import StorageError
from kccdesk.duty.roster import (
    FIRST_ANSWERABLE,
    LAST_ANSWERABLE,
    absence_window,
    duty_at,
    next_duty_start,
    person_state,
)
from kccdesk.notes.rules import NoteRefused
from kccdesk.service.desk import Actor, Desk, RosterRefused
from kccdesk.storage import open_store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def client_in(zone: str, until: date = date.max, start: date = date.min) -> Client:
    anna, bert = Person("anna", "Anna"), Person("bert", "Bert")
    return Client(
        id="c",
        name="C",
        timezone=zone,
        people=(anna, bert),
        shifts=(
            WeeklyShift("anna", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), *_day()),
            WeeklyShift("bert", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), *_day()),
        ),
        absences=(Absence("anna", start, until, "verlof", "bert"),),
    )


def _day():
    from datetime import time

    return time(8), time(17)


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York", "Pacific/Kiritimati"])
def test_an_absence_to_the_end_of_the_calendar_is_a_window_without_end(zone):
    client = client_in(zone, until=date.max, start=date(2026, 11, 1))
    start, end = absence_window(client.absences[0], client)
    assert (start < NOW, end) == (True, datetime.max.replace(tzinfo=UTC))
    status = duty_at(client, datetime(2026, 11, 23, 12, tzinfo=ZoneInfo(zone)))
    assert [d.person for d in status.on_duty] == ["bert"]
    (absent,) = status.absent
    assert (absent.person, absent.until, absent.replaced_by) == ("anna", date.max, "bert")
    assert next_duty_start(client, "anna", status.at) is None
    assert person_state(client, status, "anna").absent_until == date.max


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 10, 12, tzinfo=UTC),
        datetime(2026, 11, 23, 14, tzinfo=UTC),
        datetime(4000, 2, 29, 0, 30, tzinfo=UTC),
        datetime(9999, 12, 10, 12, tzinfo=UTC),
    ],
)
def test_any_moment_away_from_the_edges_gets_an_answer(zone, moment):
    """Absences from the first to the last day of the calendar: nothing overflows."""
    client = client_in(zone)
    status = desk_on(client).duty("c", moment)
    assert [a.person for a in status.absent] == ["anna"]
    assert FIRST_ANSWERABLE <= status.at.date() <= LAST_ANSWERABLE


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1, 1, 2, 23, tzinfo=UTC),
        datetime(9999, 12, 25, 12, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_a_moment_at_the_edges_is_refused_in_one_line(zone, moment):
    with pytest.raises(StorageError, match="ligt buiten het bereik van het rooster") as caught:
        desk_on(client_in(zone)).duty("c", moment)
    assert "\n" not in str(caught.value)


def desk_on(client: Client) -> Desk:
    def no_store():
        raise AssertionError("the duty question needs no database")

    return Desk(open_store=no_store, clients=[client], clock=lambda: NOW)


@pytest.fixture
def forever_absent(tmp_path, monkeypatch):
    """The demo data with an absence until 9999-12-31 written before the date rule existed
    (straight into the store, as an old version of kccdesk did)."""
    url = f"sqlite:///{tmp_path / 'range.db'}"
    monkeypatch.setenv("KCCDESK_DATABASE_URL", url)
    store = open_store(url)
    store.import_clients(load_clients([DEMO_DIR]))
    store.save_roster_entry(
        "gemeente-oosterwold",
        Absence("fhendriks", date(2026, 11, 1), date(9999, 12, 31), "verlof", "jbakker"),
        "oud",
        now=NOW,
    )
    yield store
    store.close()


def test_stored_absence_until_9999_does_not_crash_duty_or_notes(forever_absent, capsys):
    assert main(["duty", "--client", "gemeente-oosterwold", "--json"]) == 0
    absent = json.loads(capsys.readouterr().out)["absent"]
    assert {"person": "fhendriks", "until": "9999-12-31"}.items() <= next(
        a for a in absent if a["person"] == "fhendriks"
    ).items()
    desk = Desk(forever_absent, clock=lambda: NOW)
    with pytest.raises(NoteRefused) as caught:
        desk.add_note("gemeente-oosterwold", "fhendriks", "Piet", "0612345678", "Graag bellen")
    assert "afwezig" in str(caught.value) and "9999" in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    "at",
    ["0001-01-01T00:00", "0001-01-01T00:00+14:00", "9999-12-31T23:59", "9999-12-31T23:59-12:00"],
)
def test_duty_at_the_edges_of_the_calendar_is_one_line_exit_2(forever_absent, capsys, at):
    assert main(["duty", "--client", "gemeente-oosterwold", "--at", at]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kccdesk: tijdstip ") and "buiten het bereik van het rooster" in err
    assert err.count("\n") == 1


def test_duty_far_from_today_still_answers(forever_absent, capsys):
    assert main(["duty", "--client", "gemeente-oosterwold", "--at", "5000-06-02T10:00"]) == 0
    assert "Afwezig: " in capsys.readouterr().out


def test_the_pane_path_refuses_an_absence_until_9999(demo_store):
    desk = Desk(demo_store, clock=lambda: NOW, actor=Actor("lead", shift_lead=True))
    before = demo_store.roster_entries("gemeente-oosterwold")
    absence = Absence("wmulder", date(2026, 11, 1), date(9999, 12, 31), "verlof", "mprins")
    with pytest.raises(RosterRefused, match="until 9999-12-31 ligt buiten 2000–2100"):
        desk.save_roster_entry("gemeente-oosterwold", absence)
    assert demo_store.roster_entries("gemeente-oosterwold") == before
