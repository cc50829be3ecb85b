"""The shift lead's board: unfinished work across every client, live; reminders (hold until)
that come back; desks that say they are there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desk_helpers import settle
from kccdesk.board.items import (
    DRAFT_LISTED,
    LATE,
    OFFLINE_AFTER,
    SOON,
    WAITING,
    BoardItem,
    ordered,
)
from kccdesk.board.reminders import parse_due
from kccdesk.core.actor import Actor
from kccdesk.core.clock import fixed_clock
from kccdesk.core.errors import InputError, StorageError
from kccdesk.core.settings import Settings
from kccdesk.service.desk import Desk
from kccdesk.ui.factory import make_app

AMS = ZoneInfo("Europe/Amsterdam")
#: Thursday 25 March 2027 22:00: the spring public holidays' gap at Warmtenet is ahead
BEFORE_GOOD_FRIDAY = datetime(2027, 3, 25, 22, 0, tzinfo=AMS)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=AMS)
LEAD = Settings(agent="Marieke", user="marieke", shift_leads=("marieke",))


def lead_desk(store, now: datetime = NOW) -> Desk:
    return Desk(store, clock=fixed_clock(now.astimezone(UTC)), actor=Actor("marieke", True))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("14:00", datetime(2026, 12, 3, 14, 0)),
        ("morgen 9:30", datetime(2026, 12, 4, 9, 30)),
        ("vr 08:00", datetime(2026, 12, 4, 8, 0)),
        ("do 08:00", datetime(2026, 12, 10, 8, 0)),  # Thursday, 08:00 is past: next week's
        ("do 10:00", datetime(2026, 12, 3, 10, 0)),  # Thursday, still to come: today
        ("donderdag 10:00", datetime(2026, 12, 3, 10, 0)),
        ("05-01 10:00", datetime(2027, 1, 5, 10, 0)),  # day and month past: next year's
        ("over 20 min.", datetime(2026, 12, 3, 9, 20)),
        ("om 9.15", datetime(2026, 12, 3, 9, 15)),
        ("over 20 min", datetime(2026, 12, 3, 9, 20)),
        ("+90", datetime(2026, 12, 3, 10, 30)),
        ("over 2 uur", datetime(2026, 12, 3, 11, 0)),
        ("24-12 10:00", datetime(2026, 12, 24, 10, 0)),
        ("2027-01-04 08:30", datetime(2027, 1, 4, 8, 30)),
    ],
)
def test_a_time_is_read_as_an_agent_says_it_on_the_clients_clock(typed, meant):
    due = parse_due(typed, NOW.astimezone(UTC), AMS)
    assert due.astimezone(AMS).replace(tzinfo=None) == meant
    assert due.tzinfo == UTC


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("8:00", "al voorbij"),
        ("2027-03-28 02:30", "bestaat niet: de klok springt"),
        ("2030-01-01 10:00", "hooguit een jaar"),
        ("", "typ een tijd"),
        ("zz 9:00", "niet begrepen"),
        ("25:00", "bestaat niet"),
        ("morgen", "typ ook een tijd"),
        ("24-12", "typ ook een tijd"),
        ("maart 10:00", "niet begrepen"),
        ("zometeen 10:00", "niet begrepen"),
        ("over een uur", "over 20 min"),
        ("over 0 min", "na nu"),
        ("٠٩:٠٠", "UU:MM"),
    ],
)
def test_a_time_that_cannot_be_meant_is_refused_with_why(typed, message):
    with pytest.raises(ValueError) as caught:
        parse_due(typed, NOW.astimezone(UTC), AMS)
    assert message in str(caught.value)


def test_a_reminder_comes_back_on_the_board_when_due_and_is_done_once(demo_store):
    desk = lead_desk(demo_store)
    reminder = desk.set_reminder(
        "gemeente-oosterwold",
        "Bel mevr. Jansen als de monteur niet belde",
        "over 30 min",
        agent="Marieke",
    )
    assert not [i for i in desk.board().items if i.kind == "reminder"], "not due yet"
    later = lead_desk(demo_store, NOW + timedelta(minutes=31))
    [item] = [i for i in later.board().items if i.kind == "reminder"]
    assert item.title == "Terug van Marieke: Bel mevr. Jansen als de monteur niet belde"
    assert item.state(later.clock()) == LATE
    assert item.target == ("reminder", str(reminder.id))
    assert [r.id for r in later.my_due_reminders("Marieke")] == [reminder.id]
    later.finish_reminder(reminder.id, "Marieke")
    assert not [i for i in later.board().items if i.kind == "reminder"]
    with pytest.raises(StorageError, match="al afgehandeld door Marieke"):
        later.finish_reminder(reminder.id, "Marieke")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "typ wat er dan moet gebeuren"),
        ("\u200b\u200b", "typ wat er dan moet gebeuren"),
        ("bel \u202eterug", "richtingsteken"),
        ("x" * 401, "te lang"),
    ],
)
def test_a_reminder_text_follows_the_text_rule(demo_store, text, message):
    with pytest.raises(InputError, match=message):
        lead_desk(demo_store).set_reminder("gemeente-oosterwold", text, "14:00")


def test_gaps_ahead_failed_notes_and_old_drafts_are_on_the_board_most_urgent_first(demo_store):
    desk = lead_desk(demo_store, BEFORE_GOOD_FRIDAY)
    now = desk.clock()
    started, draft = now - timedelta(minutes=4), now - DRAFT_LISTED * 3
    desk.say_present("desk-1", "gemeente-oosterwold", started, 2, draft, agent="Marieke")
    desk.say_present("desk-2", "huisartsen-de-linde", None)
    board = desk.board()
    kinds = [i.kind for i in board.items]
    assert "gap" in kinds and "draft" in kinds
    gap = next(i for i in board.items if i.kind == "gap")
    assert gap.client == "storingsdienst-warmtenet"
    assert gap.target == ("roster", "storingsdienst-warmtenet", "2027-03-26")
    assert gap.state(now) == WAITING  # nine hours ahead
    assert kinds.index("gap") < kinds.index("draft")
    assert {d.desk for d in board.desks} == {"desk-1", "desk-2"}
    [busy] = [d for d in board.desks if d.desk == "desk-1"]
    assert busy.agent == "Marieke" and busy.call_duration(now) == timedelta(minutes=4)


def test_a_desk_not_heard_from_drops_off_and_one_that_closes_at_once(demo_store):
    desk = lead_desk(demo_store)
    desk.say_present("desk-1", "gemeente-oosterwold", None)
    desk.say_present("desk-2", "gemeente-oosterwold", None)
    assert len(desk.board().desks) == 2
    desk.leave("desk-2")
    assert [d.desk for d in desk.board().desks] == ["desk-1"]
    later = lead_desk(demo_store, NOW + OFFLINE_AFTER + timedelta(seconds=1))
    assert later.board().desks == ()


def test_order_is_urgency_then_lateness_then_age():
    now = datetime(2026, 12, 3, 9, tzinfo=UTC)
    items = [
        BoardItem("agenda", "c", "stale", now - timedelta(hours=30), key="a"),
        BoardItem("failed", "c", "new failure", now - timedelta(minutes=2), key="f-new"),
        BoardItem("failed", "c", "old failure", now - timedelta(hours=1), key="f-old"),
        BoardItem(
            "gap",
            "c",
            "later",
            now + timedelta(hours=5),
            due=now + timedelta(hours=5),
            key="g-later",
        ),
        BoardItem("gap", "c", "now", now, due=now - timedelta(minutes=5), key="g-now"),
    ]
    assert [i.key for i in ordered(items, now)] == ["g-now", "g-later", "f-old", "f-new", "a"]
    assert items[1].state(now) == SOON and items[2].state(now) == LATE


async def test_the_board_shows_what_another_process_writes_and_opens_where_it_is_fixed(
    demo_store,
):
    from kccdesk.ui.screens.board import BoardScreen
    from kccdesk.ui.widgets.roster_pane import RosterPane

    clock = fixed_clock(BEFORE_GOOD_FRIDAY.astimezone(UTC))
    app = make_app(demo_store.url, clock=clock, client_id="gemeente-oosterwold", settings=LEAD)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        listing = app.screen.query_one("#board-list")
        assert "Storingsdienst Warmtenet" in str(listing.get_option_at_index(0).prompt)
        # Another process sets a reminder due at once: it appears without a key pressed.
        env = {
            **os.environ,
            "KCCDESK_DATABASE_URL": demo_store.url,
            "KCCDESK_NOW": (BEFORE_GOOD_FRIDAY - timedelta(minutes=10)).isoformat(),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kccdesk",
                "remind",
                "--client",
                "huisartsen-de-linde",
                "--at",
                "over 5 min",
                "Uitslag nabellen",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        for _ in range(60):
            await pilot.pause(0.1)
            await settle(pilot)
            prompts = [str(o.prompt) for o in listing._options]
            if any("Uitslag nabellen" in p for p in prompts):
                break
        assert any("Terug van" in p and "Uitslag nabellen" in p for p in prompts), prompts
        # Another process marks it done: it leaves the board without a key pressed.
        [reminder] = app.desk.reminders()
        subprocess.run(
            [sys.executable, "-m", "kccdesk", "remind", "--done", str(reminder.id)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        for _ in range(30):
            await pilot.pause(0.1)
            await settle(pilot)
            prompts = [str(o.prompt) for o in listing._options]
            if not any("Uitslag nabellen" in p for p in prompts):
                break
        assert not any("Uitslag nabellen" in p for p in prompts), prompts
        assert not app.desk.reminders()
        # One set here and done with Ctrl+X on the board.
        app.desk.set_reminder("huisartsen-de-linde", "Recept klaarzetten", "over 1 min")
        app.desk.clock = fixed_clock(BEFORE_GOOD_FRIDAY.astimezone(UTC) + timedelta(minutes=2))
        app.screen.load()
        await settle(pilot)
        prompts = [str(o.prompt) for o in listing._options]
        listing.highlighted = next(i for i, p in enumerate(prompts) if "Recept klaarzetten" in p)
        await pilot.press("ctrl+x")
        for _ in range(30):
            await pilot.pause(0.1)
            await settle(pilot)
            prompts = [str(o.prompt) for o in listing._options]
            if not any("Recept klaarzetten" in p for p in prompts):
                break
        assert not any("Recept klaarzetten" in p for p in prompts), prompts
        app.desk.clock = clock
        # Enter on the gap: the roster week of that day, on that client.
        listing.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.client_id == "storingsdienst-warmtenet"
        pane = app.screen.query_one(RosterPane)
        assert pane.display and str(pane.monday) == "2027-03-22"


async def test_the_board_key_is_for_shift_and_team_leads(demo_store):
    app = make_app(
        demo_store.url,
        clock=fixed_clock(NOW.astimezone(UTC)),
        client_id="gemeente-oosterwold",
        settings=Settings(agent="Joost", user="joost"),
    )
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallScreen"


async def test_a_reminder_typed_in_one_burst_is_set_and_comes_back_on_this_desk(demo_store):
    moment = {"now": NOW.astimezone(UTC)}
    app = make_app(
        demo_store.url,
        clock=lambda: moment["now"],
        client_id="gemeente-oosterwold",
        settings=LEAD,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = [
            "ctrl+e",
            *"Bel monteur na".replace(" ", "\0"),
            "enter",
            *"over 5 min".replace(" ", "\0"),
            "enter",
        ]
        await pilot.press(*[("space" if k == "\0" else k) for k in keys])
        await settle(pilot)
        [reminder] = app.desk.reminders()
        assert reminder.text == "Bel monteur na"
        assert reminder.due_at == moment["now"] + timedelta(minutes=5)
        assert reminder.agent == "Marieke"
        moment["now"] += timedelta(minutes=6)
        app.beat()
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert any("⏰ Terug: Bel monteur na (Gemeente Oosterwold)" in m for m in shown), shown


def test_the_board_prints_as_json(demo_store, capsys, monkeypatch):
    from kccdesk.cli.main import main

    monkeypatch.setenv("KCCDESK_DATABASE_URL", demo_store.url)
    monkeypatch.setenv("KCCDESK_NOW", BEFORE_GOOD_FRIDAY.isoformat())
    assert main(["board", "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert any(
        i["kind"] == "gap" and i["client"] == "storingsdienst-warmtenet" for i in board["items"]
    )
    assert main(["remind", "--client", "gemeente-oosterwold", "--at", "8:00", "te laat"]) == 2
    assert "al voorbij" in capsys.readouterr().err


def test_reminders_and_desks_on_either_engine(store):
    """SQLite as PostgreSQL: a reminder comes back, a desk says it is there, done once."""
    from kccdesk.clientfile import parse_client

    desk = lead_desk(store)
    desk.import_clients([parse_client('[client]\nid = "k"\nname = "K"\n')])
    reminder = desk.set_reminder("k", "Bel terug", "over 10 min")
    desk.say_present("d", "k", None, 1, NOW.astimezone(UTC) - timedelta(minutes=40))
    assert {i.kind for i in desk.board().items} == {"draft"}
    assert [d.desk for d in desk.board().desks] == ["d"]
    later = lead_desk(store, NOW + timedelta(minutes=11))
    board = later.board()
    assert {i.kind for i in board.items} == {"reminder"}
    assert board.desks == ()  # 11 minutes without a beat: offline, its draft with it
    later.finish_reminder(reminder.id)
    with pytest.raises(StorageError):
        later.finish_reminder(reminder.id)
    with pytest.raises(StorageError, match="onbekende herinnering"):
        later.finish_reminder(99999)


def test_agents_sharing_a_login_each_get_their_own_reminders_back(demo_store):
    lead_desk(demo_store).set_reminder(
        "gemeente-oosterwold", "Bel terug", "over 5 min", agent="Anna"
    )
    later = lead_desk(demo_store, NOW + timedelta(minutes=6))
    assert [r.text for r in later.my_due_reminders("Anna")] == ["Bel terug"]
    assert later.my_due_reminders("Bert") == []


def test_remind_done_with_a_number_out_of_range_is_one_line(demo_store, capsys, monkeypatch):
    from kccdesk.cli.main import main

    monkeypatch.setenv("KCCDESK_DATABASE_URL", demo_store.url)
    for number in ("10" * 15, "-1"):
        with pytest.raises(SystemExit) as stopped:
            main(["remind", "--done", number])
        assert stopped.value.code == 2
    said = capsys.readouterr().err
    assert "ligt niet tussen 1 en" in said and "Traceback" not in said


async def test_enter_in_a_burst_opens_the_row_the_keys_before_it_chose(demo_store):
    from kccdesk.ui.screens.board import BoardScreen

    moment = BEFORE_GOOD_FRIDAY.astimezone(UTC)
    desk = lead_desk(demo_store, BEFORE_GOOD_FRIDAY - timedelta(minutes=10))
    desk.set_reminder("huisartsen-de-linde", "Recept klaarzetten", "over 5 min")
    app = make_app(
        demo_store.url, clock=fixed_clock(moment), client_id="gemeente-oosterwold", settings=LEAD
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        rows = len(app.screen.board.items)
        assert rows >= 2
        last = app.screen.board.items[-1]
        await pilot.press(*["down"] * (rows - 1))
        await settle(pilot)
        first = app.screen.board.items[0]
        await pilot.press(*["up"] * (rows - 1), "enter")  # one burst: Enter on the first
        await settle(pilot)
        assert first.target[0] == "reminder" or app.screen.client_id == first.client
        assert last is not first


async def test_a_note_set_aside_is_not_sent_and_comes_back_with_its_draft(demo_store):
    from desk_helpers import fill_note, type_text

    app = make_app(
        demo_store.url,
        clock=fixed_clock(NOW.astimezone(UTC)),
        client_id="huisartsen-de-linde",
        settings=LEAD,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "mark jansen")
        await pilot.press("f6")
        await settle(pilot)
        await fill_note(pilot, "Els de Wit", "020 123 4567", "Uitslag bespreken")
        keys = ["ctrl+e", "enter", *"over 5 min".replace(" ", "\0"), "enter"]
        await pilot.press(*[("space" if k == "\0" else k) for k in keys])
        await settle(pilot)
        [reminder] = app.desk.reminders()
        assert reminder.text.startswith("Notitie voor dr. Mark Jansen van Els de Wit")
        assert reminder.note_uuid, "it names the draft it set aside"
        [draft] = [d for d in app.drafts.all() if d.id == reminder.note_uuid]
        assert draft.message == "Uitslag bespreken"
        saved = demo_store.notes(client_id="huisartsen-de-linde")
        assert all(n.caller_name != "Els de Wit" for n in saved), "set aside, not sent"
        assert type(app.screen).__name__ == "CallScreen"
