"""Calendar feeds as the roster: Outlook and Google feeds served over real HTTP on loopback,
what their events mean, what a sync changes (and never touches), and every bad feed."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from agenda_helpers import event, feed_server, google_calendar, ics, outlook_calendar
from kccdesk.calls.transfers import check_transfer
from kccdesk.cli.main import main
from kccdesk.clientfile import dump_client, parse_client
from kccdesk.clients.model import FROM_AGENDA, Absence
from kccdesk.core.clock import fixed_clock
from kccdesk.service.desk import Desk

AMS = ZoneInfo("Europe/Amsterdam")
#: a Thursday morning
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=AMS)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


def client_file(urls: dict[str, str], agenda: str = "") -> str:
    people = "\n".join(
        f'[[people]]\nid = "{pid}"\nname = "{pid.capitalize()} de Boer"\n'
        f'department = "Zorg"\nagenda = "{url}"\nreplaced_by = "ben"\n'
        for pid, url in urls.items()
    )
    shifts = "\n".join(
        f'[[shifts]]\nperson = "{pid}"\ndays = ["mon","tue","wed","thu","fri"]\n'
        'start = "08:00"\nend = "17:00"\n'
        for pid in [*urls, "ben"]
    )
    return (
        '[client]\nid = "zorg"\nname = "Zorgpraktijk"\ntimezone = "Europe/Amsterdam"\n\n'
        f'{agenda}\n[[people]]\nid = "ben"\nname = "Ben Smit"\ndepartment = "Zorg"\n'
        f'phone = "+31201234567"\n\n{people}\n{shifts}'
    )


def desk_on(store, urls: dict[str, str], now: datetime = NOW, agenda: str = "") -> Desk:
    desk = Desk(store, clock=fixed_clock(now.astimezone(UTC)))
    desk.import_clients([parse_client(client_file(urls, agenda))])
    return desk


def outlook_feed() -> bytes:
    weekly = {"rrule": {"freq": "weekly", "byday": "th"}}
    return ics(
        outlook_calendar(),
        # A weekly meeting: one Thursday skipped (EXDATE), one moved to the afternoon.
        event(
            "overleg",
            "Teamoverleg",
            datetime(2026, 11, 5, 10),
            datetime(2026, 11, 5, 11),
            status="BUSY",
            windows=True,
            exdate=datetime(2026, 12, 10, 10),
            **weekly,
        ),
        event(
            "overleg",
            "Teamoverleg (verzet)",
            datetime(2026, 12, 17, 14),
            datetime(2026, 12, 17, 15),
            status="BUSY",
            windows=True,
            recurrence_id=datetime(2026, 12, 17, 10),
        ),
        # A moved series: the old one ends, the new one runs on Tuesdays later in the day.
        event(
            "spreekuur-oud",
            "Spreekuur",
            datetime(2026, 11, 3, 9),
            datetime(2026, 11, 3, 10),
            status="BUSY",
            windows=True,
            rrule={"freq": "weekly", "until": datetime(2026, 12, 1, 23, tzinfo=UTC)},
        ),
        event(
            "spreekuur-nieuw",
            "Spreekuur",
            datetime(2026, 12, 8, 15),
            datetime(2026, 12, 8, 16),
            status="BUSY",
            windows=True,
            rrule={"freq": "weekly"},
        ),
        # Out of office: a week all day, and one afternoon with a private title.
        event("vak", "Vakantie Spanje", date(2026, 12, 21), date(2026, 12, 25), status="OOF"),
        event(
            "tand",
            "Tandarts (wortelkanaal)",
            datetime(2026, 12, 4, 13),
            datetime(2026, 12, 4, 15),
            status="OOF",
            windows=True,
        ),
        # Nothing: a tentative lunch, a free all-day birthday.
        event(
            "lunch",
            "Misschien lunch",
            datetime(2026, 12, 3, 12),
            datetime(2026, 12, 3, 13),
            status="TENTATIVE",
            windows=True,
        ),
        event("jarig", "Verjaardag Jan", date(2026, 12, 3), date(2026, 12, 4), status="FREE"),
    )


def google_feed() -> bytes:
    return ics(
        google_calendar(),
        event("g-ziek", "Ziek", date(2026, 12, 3), date(2026, 12, 4)),
        event(
            "g-cursus",
            "Cursus Excel",
            datetime(2026, 12, 8, 8, tzinfo=UTC),
            datetime(2026, 12, 8, 16, tzinfo=UTC),
        ),
        event(
            "g-arts",
            "Huisarts",
            datetime(2026, 12, 9, 9, tzinfo=UTC),
            datetime(2026, 12, 9, 10, tzinfo=UTC),
        ),
    )


def absences(desk: Desk, person: str) -> list[Absence]:
    desk.reload("zorg")
    return [a for a in desk.client("zorg").absences if a.person == person]


def test_an_outlook_feed_gives_absences_and_appointments(store):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        [outcome] = desk.sync_agendas()
    assert outcome.status == "bijgewerkt", outcome
    found = absences(desk, "anna")
    assert all(a.source == FROM_AGENDA and a.replaced_by == "ben" for a in found)
    assert [(a.start, a.until, a.start_time, a.until_time, a.reason) for a in found] == [
        (date(2026, 12, 4), date(2026, 12, 4), time(13), time(15), "afwezig"),
        (date(2026, 12, 21), date(2026, 12, 24), None, None, "vakantie"),
    ], "the private title is never the reason"
    client = desk.client("zorg")

    def busy_until(moment: datetime) -> datetime | None:
        duty = desk.duty("zorg", moment).duty_of("anna")
        assert duty is not None, moment
        return duty.busy_until

    assert busy_until(local(2026, 12, 3, 10, 30)) == local(2026, 12, 3, 11)
    assert busy_until(local(2026, 12, 3, 12, 30)) is None, "tentative changes nothing"
    assert busy_until(local(2026, 12, 10, 10, 30)) is None, "the skipped Thursday"
    assert busy_until(local(2026, 12, 17, 10, 30)) is None, "moved from 10:00 …"
    assert busy_until(local(2026, 12, 17, 14, 30)) == local(2026, 12, 17, 15), "… to 14:00"
    assert busy_until(local(2026, 12, 8, 9, 30)) is None, "the old series ended"
    assert busy_until(local(2026, 12, 8, 15, 30)) == local(2026, 12, 8, 16)
    status = desk.duty("zorg", local(2026, 12, 22, 10))
    assert not status.is_on_duty("anna")
    assert status.absence_of("anna").replaced_by == "ben"
    assert all(not b.title for b in client.busy), "titles stay private by default"
    made = [r for r in store.roster_audit("zorg", EPOCH) if r.source == FROM_AGENDA]
    assert [r.action for r in made] == ["added", "added"]


def test_a_google_feed_reads_its_calendar_zone_and_title_words(store):
    with feed_server() as server:
        server.feeds["/carla.ics"] = google_feed()
        desk = desk_on(store, {"carla": server.url("/carla.ics")})
        desk.sync_agendas()
    found = absences(desk, "carla")
    assert [(a.start, a.until, a.start_time, a.until_time, a.reason) for a in found] == [
        (date(2026, 12, 3), date(2026, 12, 3), None, None, "ziek"),
        (date(2026, 12, 8), date(2026, 12, 8), time(9), time(17), "cursus"),
    ]
    now = desk.duty("zorg")
    assert now.absence_of("carla") is not None
    assert now.is_on_duty("ben")
    doctor = desk.duty("zorg", local(2026, 12, 9, 10, 15)).duty_of("carla")
    assert doctor is not None and doctor.busy_until == local(2026, 12, 9, 11)


def test_an_unchanged_feed_costs_a_304_and_a_changed_one_replaces_what_it_gave(store):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        desk.sync_agendas()
        before = store.roster_audit("zorg", EPOCH)
        [again] = desk.sync_agendas()
        assert again.status == "ongewijzigd"
        assert server.codes("/anna.ics") == [200, 304]
        assert store.roster_audit("zorg", EPOCH) == before
        # The holiday moves a week; the dentist is cancelled.
        server.feeds["/anna.ics"] = ics(
            outlook_calendar(),
            event("vak", "Vakantie", date(2026, 12, 28), date(2027, 1, 1), status="OOF"),
        )
        [changed] = desk.sync_agendas()
    assert (changed.added, changed.removed) == (1, 2)
    [holiday] = absences(desk, "anna")
    assert (holiday.start, holiday.until) == (date(2026, 12, 28), date(2026, 12, 31))
    # (the user is "agenda" on SQLite; PostgreSQL records the login that ran the sync)
    actions = [r.action for r in store.roster_audit("zorg", EPOCH) if r.source == "agenda"]
    assert actions == ["added", "added", "removed", "removed", "added"]
    assert not desk.client("zorg").busy, "the appointments went with the feed"


def test_a_shift_leads_own_entry_is_never_overwritten_or_removed(store):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        own = Absence("anna", date(2026, 12, 22), date(2027, 1, 3), "verlof", "ben")
        store.save_roster_entry("zorg", own, "marieke", now=NOW)
        [outcome] = desk.sync_agendas()
        assert outcome.overruled == 1
        mine = sorted(absences(desk, "anna"), key=lambda a: a.start)
        assert [(a.start, a.source) for a in mine] == [
            (date(2026, 12, 4), "agenda"),
            (date(2026, 12, 22), ""),
        ], "the feed's holiday meets the shift lead's leave: theirs stands alone"
        # The feed drops everything: the shift lead's entry stays.
        server.feeds["/anna.ics"] = ics(outlook_calendar())
        desk.sync_agendas()
    assert [(a.start, a.reason, a.source) for a in absences(desk, "anna")] == [
        (date(2026, 12, 22), "verlof", "")
    ]


def test_a_pane_edit_makes_a_feed_absence_the_shift_leads(store):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        desk.sync_agendas()
        holiday = next(
            e
            for e in store.roster_entries("zorg")
            if e.kind == "absence" and e.item.reason == "vakantie"
        )
        edited = Absence("anna", date(2026, 12, 21), date(2026, 12, 31), "vakantie", "ben")
        store.save_roster_entry("zorg", edited, "marieke", holiday.id, holiday.version, now=NOW)
        server.feeds["/anna.ics"] = ics(outlook_calendar())
        desk.sync_agendas()
    assert [(a.start, a.until, a.source) for a in absences(desk, "anna")] == [
        (date(2026, 12, 21), date(2026, 12, 31), "")
    ]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BAD_FEEDS = {
    "html": (b"<html><body>Inloggen</body></html>", "geen agenda (ICS)"),
    "truncated": (None, "afgebroken"),
    "many": (None, "100000 afspraken"),
    "zone": (None, "onbekende tijdzone 'Mars/Olympus'"),
}


def _bad_bodies() -> dict[str, bytes]:
    whole = outlook_feed()
    many = b"".join(
        b"BEGIN:VEVENT\r\nUID:%d\r\nDTSTART:20261203T090000Z\r\nEND:VEVENT\r\n" % i
        for i in range(100_000)
    )
    zone = ics(
        outlook_calendar(),
        event("z", "Overleg", datetime(2026, 12, 3, 10), datetime(2026, 12, 3, 11)),
    ).replace(b"DTSTART:20261203T100000", b"DTSTART;TZID=Mars/Olympus:20261203T100000")
    return {
        "html": BAD_FEEDS["html"][0] or b"",
        "truncated": whole[: len(whole) // 2],
        "many": b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + many + b"END:VCALENDAR\r\n",
        "zone": zone,
    }


def test_every_bad_feed_is_one_line_and_the_others_still_sync(store, tmp_path):
    bodies = _bad_bodies()
    with feed_server() as server:
        urls = {}
        for name, body in bodies.items():
            server.feeds[f"/{name}.ics"] = body
            urls[name] = server.url(f"/{name}.ics")
        urls["huge"] = server.url("/huge")
        urls["loop"] = server.url("/loop")
        urls["gone"] = server.url("/gone.ics")
        urls["nohost"] = f"http://127.0.0.1:{_closed_port()}/x.ics"
        urls["nofile"] = str(tmp_path / "nergens.ics")
        server.feeds["/anna.ics"] = outlook_feed()
        urls["anna"] = server.url("/anna.ics")
        desk = desk_on(store, urls)
        outcomes = {o.person: o for o in desk.sync_agendas()}
    expected = {name: fragment for name, (_body, fragment) in BAD_FEEDS.items()} | {
        "huge": "50 MB",
        "loop": "doorverwijzen",
        "gone": "HTTP 404",
        "nohost": "niet bereikbaar",
        "nofile": "niet te lezen",
    }
    for name, fragment in expected.items():
        outcome = outcomes[name]
        assert outcome.status == "fout", (name, outcome)
        assert fragment in outcome.message, (name, outcome.message)
        assert "\n" not in outcome.message and len(outcome.message) < 200
    assert outcomes["anna"].status == "bijgewerkt"
    client = desk.client("zorg")
    assert {a.person for a in client.absences} == {"anna"}
    assert client.feed_of("html").error.startswith("geen agenda")


def test_events_in_year_1_or_9999_and_rules_every_second_are_skipped_and_said(store):
    feed = ics(
        google_calendar(),
        event("old", "Vrij", date(1, 1, 1), date(1, 1, 2), rrule={"freq": "daily"}),
        event("far", "Vrij", date(9999, 12, 30), date(9999, 12, 31)),
        event(
            "tick",
            "Overleg",
            datetime(2026, 12, 1, 9, tzinfo=UTC),
            datetime(2026, 12, 1, 10, tzinfo=UTC),
            rrule={"freq": "secondly"},
        ),
        event("ok", "Vrij", date(2026, 12, 4), date(2026, 12, 5)),
    )
    with feed_server() as server:
        server.feeds["/anna.ics"] = feed
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        [outcome] = desk.sync_agendas()
    assert outcome.status == "bijgewerkt"
    assert any("jaar 1 " in s for s in outcome.skipped)
    assert any("9999" in s for s in outcome.skipped)
    assert any("SECONDLY" in s for s in outcome.skipped)
    assert [(a.start, a.reason) for a in absences(desk, "anna")] == [(date(2026, 12, 4), "vrij")]


def test_a_failing_feed_keeps_what_it_gave_and_goes_stale_in_duty_and_gaps(
    store, capsys, monkeypatch
):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        desk.sync_agendas()
        del server.feeds["/anna.ics"]
        later = Desk(store, clock=fixed_clock(local(2026, 12, 4, 14).astimezone(UTC)))
        [outcome] = later.sync_agendas()
    assert outcome.failed and "404" in outcome.message
    assert len(absences(later, "anna")) == 2, "what it gave stays"
    client = later.client("zorg")
    assert client.feed_of("anna").error == outcome.message
    gaps = [g for g in later.gaps("zorg", replacements=True) if g.kind == "agenda"]
    assert len(gaps) == 1 and "Anna de Boer" in gaps[0].reason and "404" in gaps[0].reason
    monkeypatch.setenv("KCCDESK_NOW", local(2026, 12, 4, 14).isoformat())
    monkeypatch.setenv("KCCDESK_DATABASE_URL", store.url)
    assert main(["duty", "--client", "zorg"]) == 0
    out = capsys.readouterr().out
    assert (
        "Afwezig: Anna de Boer (afwezig) tot 15:00, vervangen door Ben Smit — volgens agenda, "
        "bijgewerkt 03-12-2026 09:30 (verouderd)" in out
    )
    assert (
        "⚠ agenda van Anna de Boer niet bijgewerkt sinds 03-12-2026 09:30: agenda gaf HTTP 404"
        in out
    )
    assert main(["gaps", "--client", "zorg", "--json"]) == 1
    kinds = {g["kind"] for g in json.loads(capsys.readouterr().out)}
    assert kinds == {"agenda"}


def test_import_and_export_leave_what_the_feeds_gave_alone(store, tmp_path):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        urls = {"anna": server.url("/anna.ics")}
        desk = desk_on(store, urls, agenda="[agenda]\nshow_titles = true\nstale_after_hours = 4\n")
        desk.sync_agendas()
    report = desk.import_clients(
        [parse_client(client_file(urls, "[agenda]\nshow_titles = true\nstale_after_hours = 4\n"))]
    )
    assert report.unchanged == ["zorg"]
    assert len(absences(desk, "anna")) == 2
    client = desk.client("zorg")
    assert client.agenda.show_titles and client.agenda.stale_after_hours == 4
    assert {a.reason for a in client.absences} == {"Tandarts (wortelkanaal)", "Vakantie Spanje"}
    text = dump_client(client)
    assert "Vakantie" not in text and "source" not in text
    again = parse_client(text)
    assert again.agenda == client.agenda
    assert again.person("anna").agenda == urls["anna"]
    assert again.person("anna").replaced_by == "ben"


def test_a_busy_person_is_on_duty_but_the_guard_warns_and_offers_a_note(store):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics")}, local(2026, 12, 3, 10, 15))
        desk.sync_agendas()
    client = desk.client("zorg")
    status = desk.duty("zorg")
    check = check_transfer(client, "anna", status)
    assert not check.allowed
    assert check.stop_reason == "bezet tot 11:00 (agenda)"
    assert check.note_to == "anna"
    assert [a.person for a in check.alternatives] == ["ben"]
    assert "bezet tot 11:00 (agenda); toch doorverbonden" in check.override_warning()


def test_two_desks_of_a_team_read_a_feed_once_in_the_background(store):
    from datetime import timedelta

    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        first = desk_on(store, {"anna": server.url("/anna.ics")})
        second = Desk(store, clock=fixed_clock(NOW.astimezone(UTC)))
        every = timedelta(minutes=5)
        assert [o.status for o in first.sync_agendas(every=every)] == ["bijgewerkt"]
        assert [o.status for o in second.sync_agendas(every=every)] == ["later"]
        assert server.codes("/anna.ics") == [200]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('agenda = "gopher://x/y.ics"', "onbekend soort adres 'gopher://'"),
        ('agenda = "https://x/' + "a" * 2100 + '"', "te lang (2110 tekens; hooguit 2000)"),
        ('replaced_by = "niemand"', "replaced_by 'niemand' bestaat niet"),
        ('replaced_by = "anna"', "replaced_by verwijst naar de persoon zelf"),
    ],
)
def test_a_persons_agenda_fields_are_checked_on_import(line, message):
    from kccdesk.core.errors import ImportErrors

    text = client_file({}) + f'\n[[people]]\nid = "anna"\nname = "Anna"\n{line}\n'
    with pytest.raises(ImportErrors) as caught:
        parse_client(text)
    assert message in str(caught.value)


def test_a_wrong_agenda_section_names_its_line():
    from kccdesk.core.errors import ImportErrors

    text = client_file({}, '[agenda]\nbusy_is = "druk"\n')
    with pytest.raises(ImportErrors) as caught:
        parse_client(text)
    assert "busy_is 'druk'" in str(caught.value)
    assert ":6" in str(caught.value) or "regel 6" in str(caught.value)


@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime (Debian) not installed")
def test_a_sync_on_the_dst_night_under_faketime_keeps_the_night_worker_absent(tmp_path):
    """The clock really moved (libfaketime): a sync at 01:30 on the night the clocks go
    forward reads a timed out-of-office 22:00–07:00 and the duty at 03:30 says so."""
    feed = tmp_path / "nacht.ics"
    feed.write_bytes(
        ics(
            outlook_calendar(),
            event(
                "n",
                "Ziek",
                datetime(2027, 3, 27, 22),
                datetime(2027, 3, 28, 7),
                status="OOF",
                windows=True,
            ),
        )
    )
    night = (
        '[client]\nid = "nacht"\nname = "Nachtdienst"\n\n'
        f'[[people]]\nid = "nina"\nname = "Nina"\nagenda = "{feed}"\n\n'
        '[[people]]\nid = "ben"\nname = "Ben"\n\n'
        '[[shifts]]\nperson = "nina"\ndays = ["sat"]\nstart = "22:00"\nend = "07:00"\n'
    )
    (tmp_path / "nacht.toml").write_text(night)
    kccdesk = [sys.executable, "-m", "kccdesk"]
    # The real clock, moved by libfaketime: not the suite's fixed KCCDESK_NOW.
    drop = ("FAKETIME", "LD_PRELOAD", "KCCDESK_NOW")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["TZ"] = "UTC"
    subprocess.run([*kccdesk, "import", str(tmp_path / "nacht.toml")], env=env, check=True)
    # 01:30 CET on 28 March 2027 is 00:30 UTC.
    synced = subprocess.run(
        ["faketime", "2027-03-28 00:30:00", *kccdesk, "agenda", "sync", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert synced.returncode == 0, synced.stderr
    [outcome] = json.loads(synced.stdout)
    assert (outcome["status"], outcome["added"]) == ("bijgewerkt", 1)
    duty = subprocess.run(
        [*kccdesk, "duty", "--client", "nacht", "--at", "2027-03-28T03:30", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    status = json.loads(duty.stdout)
    assert status["on_duty"] == []
    [away] = status["absent"]
    assert (away["person"], away["source"], away["ends"]) == (
        "nina",
        "agenda",
        "2027-03-28T07:00:00+02:00",
    )


def test_the_command_line_syncs_and_says_one_line_per_feed(capsys, tmp_path, monkeypatch):
    feed = tmp_path / "anna.ics"
    feed.write_bytes(outlook_feed())
    (tmp_path / "zorg.toml").write_text(client_file({"anna": str(feed), "bob": "/nergens.ics"}))
    monkeypatch.setenv("KCCDESK_NOW", NOW.isoformat())
    assert main(["import", str(tmp_path / "zorg.toml")]) == 0
    capsys.readouterr()
    assert main(["agenda", "sync"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "zorg · Anna de Boer: bijgewerkt (2 afwezigheden erbij, 0 eraf, 5 afspraken)"
    assert out[1].startswith("zorg · Bob de Boer: fout — agendabestand /nergens.ics")
    assert out[1].endswith("wat de agenda eerder gaf blijft staan")
    assert main(["agenda", "sync", "--client", "zorg", "--json"]) == 1
    statuses = [o["status"] for o in json.loads(capsys.readouterr().out)]
    assert statuses == ["ongewijzigd", "fout"]
    assert main(["agenda", "sync", "--client", "nope"]) == 2


async def test_the_desk_shows_bezet_and_the_guard_stops_a_transfer_into_a_meeting(sqlite_url):
    from desk_helpers import build_app, settle, text_of, type_text
    from kccdesk.storage import open_store

    store = open_store(sqlite_url)
    moment = local(2026, 12, 3, 10, 15)
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        server.feeds["/carla.ics"] = google_feed()
        desk = desk_on(
            store, {"anna": server.url("/anna.ics"), "carla": server.url("/carla.ics")}, moment
        )
        desk.sync_agendas()
    store.close()
    app = build_app(sqlite_url, "zorg", moment)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        duty = text_of(app, "#duty")
        assert "Anna de Boer  tot 17:00  bezet tot 11:00" in duty
        await type_text(pilot, "carla")
        await pilot.press("f6")
        await settle(pilot)
        assert "afwezig t/m 03-12-2026 (ziek, volgens agenda)" in text_of(app, "#recipient-status")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(*["backspace"] * 5)
        assert "Carla de Boer (ziek) t/m 03-12-2026 (volgens agenda) → Ben Smit" in duty
        assert "◐ Anna de Boer" in duty
        await type_text(pilot, "carla")
        assert "(ziek) volgens agenda, bijgewerkt 10:15" in text_of(app, "#detail")
        await pilot.press(*["backspace"] * 5)
        await type_text(pilot, "anna")
        assert "bezet: in een afspraak tot 11:00" in text_of(app, "#detail")
        await pilot.press("f5")
        await settle(pilot)
        assert "Anna de Boer is in een afspraak tot 11:00 (volgens agenda)." in text_of(
            app, "#transfer-problem"
        )


def test_a_shift_leads_absence_saved_over_a_feeds_one_replaces_it_at_once(store):
    from kccdesk.core.actor import Actor

    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        desk.sync_agendas()
    lead = Desk(store, clock=fixed_clock(NOW.astimezone(UTC)), actor=Actor("marieke", True))
    # Another replacement than the feed's ("ben"): not refused as a clash, the feed gives way.
    own = Absence("anna", date(2026, 12, 23), date(2027, 1, 8), "verlof", None)
    lead.save_roster_entry("zorg", own)
    found = sorted(absences(lead, "anna"), key=lambda a: a.start)
    assert [(a.start, a.reason, a.source) for a in found] == [
        (date(2026, 12, 4), "afwezig", "agenda"),
        (date(2026, 12, 23), "verlof", ""),
    ]
    removed = [r for r in store.roster_audit("zorg", EPOCH) if r.action == "removed"]
    assert [(r.source, r.before["reason"]) for r in removed] == [
        ("rooster (agenda wijkt)", "vakantie")
    ]


HOSTILE_RULES = {
    # a rule that never moves on, every minute by BYHOUR/BYMINUTE, every second
    "interval": ({"freq": "daily", "interval": 0}, "INTERVAL=0"),
    "minutes": (
        {"freq": "daily", "byhour": list(range(24)), "byminute": list(range(60))},
        "binnen een dag",
    ),
    "setpos": ({"freq": "monthly", "bysetpos": 400, "byday": "mo"}, "BYSETPOS"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_RULES))
def test_a_rule_that_would_never_end_is_skipped_at_once(store, case):
    rule, said = HOSTILE_RULES[case]
    feed = ics(
        google_calendar(),
        event(
            "bad",
            "Overleg",
            datetime(1990, 12, 3, 13, tzinfo=UTC),
            datetime(1990, 12, 3, 14, tzinfo=UTC),
            rrule=rule,
        ),
        event("ok", "Vrij", date(2026, 12, 4), date(2026, 12, 5)),
    )
    with feed_server() as server:
        server.feeds["/anna.ics"] = feed
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        [outcome] = desk.sync_agendas()
    assert outcome.status == "bijgewerkt" and any(said in s for s in outcome.skipped), outcome
    assert [a.reason for a in absences(desk, "anna")] == ["vrij"]


def test_a_zone_of_the_feeds_own_that_repeats_every_second_is_refused(store):
    feed = ics(
        outlook_calendar(),
        event("z", "Overleg", datetime(2026, 12, 3, 10), datetime(2026, 12, 3, 11), windows=True),
    )
    feed = feed.replace(b"W. Europe Standard Time", b"Customized Time Zone").replace(
        b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", b"FREQ=SECONDLY"
    )
    with feed_server() as server:
        server.feeds["/anna.ics"] = feed
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        [outcome] = desk.sync_agendas()
    assert outcome.failed and "Customized Time Zone" in outcome.message


def test_thousands_of_daily_series_are_refused_before_they_are_expanded(store):
    many = [
        event(
            f"d{i}",
            "Overleg",
            datetime(2026, 1, 1, 9, tzinfo=UTC),
            datetime(2026, 1, 1, 10, tzinfo=UTC),
            rrule={"freq": "daily"},
        )
        for i in range(200)
    ]
    with feed_server() as server:
        server.feeds["/anna.ics"] = ics(google_calendar(), *many)
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        [outcome] = desk.sync_agendas()
    assert outcome.failed and "meer dan 5000 afspraken" in outcome.message


def test_a_server_that_trickles_never_holds_the_sync(store):
    from functools import partial

    from kccdesk.agenda.fetch import fetch

    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        desk = desk_on(store, {"anna": server.url("/anna.ics"), "bob": server.url("/trickle")})
        outcomes = {o.person: o for o in desk.sync_agendas(fetcher=partial(fetch, deadline=1.0))}
    assert outcomes["bob"].failed and "te traag" in outcomes["bob"].message
    assert outcomes["anna"].status == "bijgewerkt"


def test_two_syncs_at_once_add_each_absence_once(store):
    import threading

    with feed_server() as server:
        urls = {f"p{i}": server.url(f"/p{i}.ics") for i in range(4)}
        for i in range(4):
            server.feeds[f"/p{i}.ics"] = outlook_feed()
        desk_on(store, urls)
        desks = [Desk(store, clock=fixed_clock(NOW.astimezone(UTC))) for _ in range(2)]
        threads = [threading.Thread(target=d.sync_agendas) for d in desks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    desks[0].reload("zorg")
    made = [a for a in desks[0].client("zorg").absences if a.source]
    assert len(made) == 8 == len(set(made)), made


def test_an_unchanged_feed_is_planned_again_when_a_shift_lead_or_the_file_changes(store):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        urls = {"anna": server.url("/anna.ics")}
        desk = desk_on(store, urls)
        desk.sync_agendas()
        # The file now names another replacement and an own leave over the holiday.
        text = client_file(urls).replace('replaced_by = "ben"', 'replaced_by = "carl"')
        text += (
            '\n[[people]]\nid = "carl"\nname = "Carl"\n'
            '\n[[absences]]\nperson = "anna"\nfrom = 2026-12-23\nuntil = 2027-01-02\n'
            'reason = "verlof"\nreplaced_by = "carl"\n'
        )
        from kccdesk.core.actor import Actor

        lead = Desk(store, clock=fixed_clock(NOW.astimezone(UTC)), actor=Actor("m", True))
        lead.import_clients([parse_client(text)])
        [outcome] = lead.sync_agendas()
        assert server.codes("/anna.ics")[-1] == 304
    assert outcome.status == "bijgewerkt"
    found = sorted(absences(lead, "anna"), key=lambda a: a.start)
    assert [(a.start, a.replaced_by, a.source) for a in found] == [
        (date(2026, 12, 4), "carl", "agenda"),
        (date(2026, 12, 23), "carl", ""),
    ]


def test_titles_shown_are_cleaned_of_control_and_direction_characters(store):
    feed = ics(
        google_calendar(),
        event("x", "Vrij \x1b[31mrood\x07 \u202eom", date(2026, 12, 4), date(2026, 12, 5)),
        event("y", "\u200b\u200b", date(2026, 12, 8), date(2026, 12, 9)),
    )
    with feed_server() as server:
        server.feeds["/anna.ics"] = feed
        desk = desk_on(
            store, {"anna": server.url("/anna.ics")}, agenda="[agenda]\nshow_titles = true\n"
        )
        desk.sync_agendas()
    reasons = [a.reason for a in sorted(absences(desk, "anna"), key=lambda a: a.start)]
    assert reasons == ["Vrij [31mrood om", "afwezig"]


def test_one_event_without_end_in_sight_is_skipped_not_the_feed(store):
    feed = ics(
        google_calendar(),
        event("far", "Vrij", date(2026, 12, 4), date(9999, 12, 31)),
        event("ok", "Ziek", date(2026, 12, 8), date(2026, 12, 9)),
    )
    with feed_server() as server:
        server.feeds["/anna.ics"] = feed
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        [outcome] = desk.sync_agendas()
    assert outcome.status == "bijgewerkt" and any("9999" in s for s in outcome.skipped)
    assert [a.reason for a in absences(desk, "anna")] == ["ziek"]


def test_glued_calendars_and_text_after_the_end_are_read(store):
    first = ics(google_calendar(), event("a", "Vrij", date(2026, 12, 4), date(2026, 12, 5)))
    second = ics(google_calendar(), event("b", "Ziek", date(2026, 12, 8), date(2026, 12, 9)))
    with feed_server() as server:
        server.feeds["/anna.ics"] = first + second + b"\r\n" * 40 + b"<!-- cache -->\r\n"
        desk = desk_on(store, {"anna": server.url("/anna.ics")})
        [outcome] = desk.sync_agendas()
    assert outcome.status == "bijgewerkt", outcome
    assert sorted(a.reason for a in absences(desk, "anna")) == ["vrij", "ziek"]


def test_a_person_without_a_feed_any_more_loses_its_absences_ahead_not_its_history(store):
    with feed_server() as server:
        server.feeds["/anna.ics"] = outlook_feed()
        urls = {"anna": server.url("/anna.ics")}
        desk = desk_on(store, urls)
        desk.sync_agendas()
    from kccdesk.core.actor import Actor

    moment = local(2026, 12, 10, 9).astimezone(UTC)
    later = Desk(store, clock=fixed_clock(moment), actor=Actor("m", True))
    later.import_clients(
        [parse_client(client_file({}) + '\n[[people]]\nid = "anna"\nname = "A"\n')]
    )
    later.sync_agendas()
    assert [(a.start, a.reason) for a in absences(later, "anna")] == [
        (date(2026, 12, 4), "afwezig")
    ], "the holiday ahead went with the feed; the dentist of last week is history"
    assert later.client("zorg").feeds == ()


def test_a_fifo_as_agenda_file_is_refused_not_waited_for(store, tmp_path):
    fifo = tmp_path / "pijp.ics"
    os.mkfifo(fifo)
    desk = desk_on(store, {"anna": str(fifo)})
    [outcome] = desk.sync_agendas()
    assert outcome.failed and "geen gewoon bestand" in outcome.message


@pytest.mark.parametrize(
    ("agenda", "message"),
    [
        ('agenda = "agenda/anna.ics"', "volledige pad"),
        ('agenda = "http://[::1/x.ics"', "geen geldig webadres"),
    ],
)
def test_an_address_no_desk_can_read_is_refused_on_import(agenda, message):
    from kccdesk.core.errors import ImportErrors

    text = client_file({}) + f'\n[[people]]\nid = "anna"\nname = "Anna"\n{agenda}\n'
    with pytest.raises(ImportErrors) as caught:
        parse_client(text)
    assert message in str(caught.value)


def test_an_absence_word_of_two_words_is_refused():
    from kccdesk.core.errors import ImportErrors

    with pytest.raises(ImportErrors) as caught:
        parse_client(client_file({}, '[agenda]\nabsent_words = ["zwanger verlof"]\n'))
    assert "geen los woord" in str(caught.value)


def test_off_duty_and_back_in_a_meeting_says_the_later_time(store):
    """Back at 08:00, in a meeting until 09:30: the caller must hear 09:30, not "after 8"."""
    feed = ics(
        google_calendar(),
        event(
            "m",
            "Overleg",
            datetime(2026, 12, 4, 6, 30, tzinfo=UTC),
            datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
        ),
    )
    with feed_server() as server:
        server.feeds["/anna.ics"] = feed
        desk = desk_on(store, {"anna": server.url("/anna.ics")}, local(2026, 12, 4, 7, 50))
        desk.sync_agendas()
    check = desk.check_transfer("zorg", "anna")
    assert check.target.back_at == local(2026, 12, 4, 8)
    assert check.target.busy_until == local(2026, 12, 4, 9, 30)
