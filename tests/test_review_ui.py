"""The team lead's daily review screen, the end-call key and what the desk showed when the
agent acted — driven through the real app with Pilot, data built through the service."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest

from desk_helpers import MONDAY_10, settle, type_text
from kccdesk import texts
from kccdesk.calls.session import CallSession
from kccdesk.clients.model import ExtraShift
from kccdesk.core.actor import Actor
from kccdesk.core.settings import Settings
from kccdesk.service.desk import Desk
from kccdesk.storage import open_store
from kccdesk.teamlead import indicators
from kccdesk.ui.factory import make_app
from kccdesk.ui.screens.call import CallScreen
from kccdesk.ui.screens.help import HelpScreen
from kccdesk.ui.screens.review import ReviewScreen
from kccdesk.ui.screens.review_dialogs import ActionForm, CloseDialog, ReconstructionDialog
from kccdesk.ui.widgets.week_chart import WeekChart, WeekPoint, points_from

WARMTENET = "storingsdienst-warmtenet"
PRACTICE = "huisartsen-de-linde"
LEAD = Settings(agent="Ilse", user="ilse", team_leads=("ilse",))
AGENT = Settings(agent="Sanne", user="sanne")
SIZE = (120, 35)
SMALL = (80, 24)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def review_store(sqlite_url, demo_clients):
    """The demo clients, imported long before the week under review: the roster audit has no
    change near the calls, whatever day the suite runs on (the demo fixture imports "now")."""
    store = open_store(sqlite_url)
    store.import_clients(demo_clients.values(), now=MONDAY_10 - timedelta(days=60))
    yield store
    store.close()


def build_review_data(store) -> dict[str, int]:
    """Yesterday (Sunday 22 November 2026) as a team lead finds it on Monday morning: three
    transfers to Jelle Dekker without duty at Warmtenet (a pattern), a note kept for an absent
    doctor at the practice with the client's complaint, and a note the mail server refused."""
    clock = Clock(MONDAY_10 - timedelta(days=3) + timedelta(hours=12))  # Friday 22:00
    desk = Desk(store, clock=clock, actor=Actor("ilse", team_lead=True))
    for days in (3, 2, 1):
        at = MONDAY_10 - timedelta(days=days) + timedelta(hours=12)  # Fri, Sat, Sun 22:00
        call = CallSession(WARMTENET, at, caller="+31612345678", explicit=True)
        call.transferred("jdekker")
        desk.log_call(call, "Sanne", at + timedelta(minutes=3))
    clock.now = MONDAY_10 - timedelta(hours=22)  # Sunday 12:00
    note = desk.add_note(
        PRACTICE,
        "sbakker",
        "Els de Wit",
        "06 12345678",
        "Graag terugbellen over de uitslag",
        agent="Sanne",
        keep_absent_recipient=True,
    )
    failed = desk.add_note(
        PRACTICE, "mjansen", "Piet Klaver", "06 87654321", "Recept", agent="Sanne"
    )
    for claimed in store.claim_due(clock.now):  # the outbox sender's pass
        if claimed.id == failed.id:
            store.mark_failed(failed.id, "550 mailbox unavailable", clock.now)
        else:
            store.mark_sent(claimed.id, clock.now)
    # Monday 08:00 the client reports that Jelle was on call on Sunday night after all: a
    # roster change made after the call it is about (the reconstruction marks it ⚠).
    clock.now = MONDAY_10 - timedelta(hours=2)
    lead = Desk(store, clock=clock, actor=Actor("marieke", shift_lead=True))
    lead.save_roster_entry(WARMTENET, ExtraShift("jdekker", date(2026, 11, 22), time(22), time(7)))
    clock.now = MONDAY_10
    ids = {}
    for call in sorted(store.calls(WARMTENET), key=lambda c: c.started_at):
        item = desk.add_feedback(
            WARMTENET,
            "doorverbonden-zonder-dienst",
            "Jelle had geen dienst en werd toch gebeld",
            call_id=call.id,
        )
        ids[f"warmtenet-{call.started_at.astimezone(MONDAY_10.tzinfo).day}"] = item.id
    item = desk.add_feedback(
        PRACTICE,
        "verkeerde-ontvanger",
        "De notitie ging naar de dokter met verlof",
        note_id=note.id,
    )
    ids["practice"] = item.id
    ids["failed-note"] = failed.id
    return ids


def lead_app(url: str, clock=None, settings: Settings = LEAD, **kwargs):
    return make_app(
        url, clock=clock or (lambda: MONDAY_10), client_id=PRACTICE, settings=settings, **kwargs
    )


async def open_review(pilot) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("ctrl+y")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def keys_of(screen: ReviewScreen) -> list[str]:
    return [row.key for row in screen.view.rows]


async def highlight(pilot, screen: ReviewScreen, key: str) -> None:
    screen.query_one("#review-list").highlighted = keys_of(screen).index(key)
    await settle(pilot)


# --- the review screen --------------------------------------------------------------------


async def test_review_lists_items_per_client_with_the_structural_mark(review_store):
    ids = build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        keys = keys_of(screen)
        # Warmtenet first (it has a pattern), then the practice; each under its own heading.
        assert keys[0] == f"c:{WARMTENET}" and keys[1] == f"p:{WARMTENET}:0"
        warmtenet = [f"f:{ids[f'warmtenet-{d}']}" for d in (22, 21, 20)]
        assert keys[2:5] == warmtenet
        assert keys.index(f"c:{PRACTICE}") > 4
        practice = keys[keys.index(f"c:{PRACTICE}") :]
        assert f"f:{ids['practice']}" in practice
        assert any(k.startswith(f"o:{PRACTICE}") for k in practice)  # the kept note
        assert f"n:{ids['failed-note']}" in practice
        rows = screen.rows
        assert "3× doorverbonden zonder dienst" in rows[f"p:{WARMTENET}:0"].prompt.plain
        assert "steeds J. Dekker" in rows[f"p:{WARMTENET}:0"].prompt.plain
        for key in warmtenet:
            assert rows[key].prompt.plain.startswith("  ⚑ #")
        assert not rows[f"f:{ids['practice']}"].prompt.plain.startswith("  ⚑")
        assert "zo 22-11-2026 (gisteren)" in str(screen.query_one("#review-title").render())
        # The first feedback item is highlighted and explained beside the list.
        detail = str(screen.query_one("#review-detail").render())
        assert "Jelle had geen dienst en werd toch gebeld" in detail
        assert "3× doorverbonden zonder dienst" in detail


async def test_reconstruction_shows_what_the_desk_showed(review_store):
    ids = build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await highlight(pilot, screen, f"f:{ids['warmtenet-22']}")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReconstructionDialog)
        text = "\n".join(dialog.lines)
        assert "doorverbonden met Jelle Dekker" in text
        assert "De desk toonde Jelle Dekker: geen dienst" in text
        assert any(
            line.startswith("  ⚠ 23-11 08:00 extra dienst toegevoegd") for line in dialog.lines
        )
        assert dialog.lines[-1].startswith("Oordeel: doorverbonden terwijl de desk")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_setting_an_action_needs_an_owner_and_loses_nothing(review_store):
    ids = build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        key = f"f:{ids['practice']}"
        await highlight(pilot, screen, key)
        await pilot.press("ctrl+a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActionForm)
        await type_text(pilot, "Afwezigheden in de notitieregels")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused: who takes it up?
        assert "wie pakt het op?" in str(form.query_one("#action-error").render())
        assert "--owner" not in str(form.query_one("#action-error").render())
        assert form.focused is form.query_one("#action-owner")
        # Esc and back: what was typed is still there.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+a")
        await settle(pilot)
        form = app.screen
        assert form.current()[0] == "Afwezigheden in de notitieregels"
        form.query_one("#action-owner").focus()
        await type_text(pilot, "Marieke")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        saved = review_store.feedback_item(ids["practice"])
        assert (saved.status, saved.action, saved.owner) == (
            "actie-uitgezet",
            "Afwezigheden in de notitieregels",
            "Marieke",
        )
        assert "actie-uitgezet" in screen.rows[key].prompt.plain  # reloaded, still highlighted
        assert screen.current.key == key


async def test_closing_an_item_as_done_or_unfounded(review_store):
    ids = build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await highlight(pilot, screen, f"f:{ids['warmtenet-22']}")
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert isinstance(app.screen, CloseDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert review_store.feedback_item(ids["warmtenet-22"]).status == "afgerond"
        closed = screen.rows[f"f:{ids['warmtenet-22']}"]
        assert "afgerond" in closed.prompt.plain
        # A handled item asks for no action any more.
        assert texts.REVIEW_DETAIL_NO_ACTION not in closed.detail.plain
        assert texts.REVIEW_DETAIL_CLOSED_NO_ACTION in closed.detail.plain
        await highlight(pilot, screen, f"f:{ids['practice']}")
        await pilot.press("ctrl+x")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert review_store.feedback_item(ids["practice"]).status == "onterecht"
        # Yesterday's items stay in yesterday's review, closed; Esc goes back to the desk.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)


async def test_item_keys_on_rows_that_are_not_feedback_say_where_they_work(review_store):
    ids = build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await highlight(pilot, screen, f"n:{ids['failed-note']}")
        assert "550 mailbox unavailable" in str(screen.query_one("#review-detail").render())
        for key, action in (
            ("enter", "reconstruct"),
            ("ctrl+a", "set_action"),
            ("ctrl+x", "close_item"),
        ):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
            said = [n.message for n in app._notifications]
            assert said == [texts.REVIEW_ONLY_FEEDBACK[action]]
        # The same from the palette: the command explains itself instead of doing nothing.
        app.clear_notifications()
        command = next(
            c for c in app.get_system_commands(screen) if c.title.endswith(texts.KEY_RECONSTRUCT)
        )
        await command.callback()
        await settle(pilot)
        assert app.screen is screen
        assert [n.message for n in app._notifications] == [
            texts.REVIEW_ONLY_FEEDBACK["reconstruct"]
        ]


async def test_previous_and_next_day(review_store):
    build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("[")
        await settle(pilot)
        assert screen.view.review.day.isoformat() == "2026-11-21"
        await pilot.press("]", "]")
        await settle(pilot)
        assert screen.view.review.day.isoformat() == "2026-11-23"  # today, not beyond
        await pilot.press("]")
        await settle(pilot)
        assert screen.view.review.day.isoformat() == "2026-11-23"


async def test_the_review_key_is_for_team_leads_only(review_store):
    app = lead_app(review_store.url, settings=AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Gesprek: Dagoverzicht" not in titles
        assert "Gesprek: Einde gesprek" in titles
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert not any("Dagoverzicht" in what for _, what in app.screen.rows)
        assert ("Ctrl+L", texts_tip_end_call()) in app.screen.rows


async def test_the_review_key_is_in_footer_palette_and_help_for_a_team_lead(review_store):
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Gesprek: Dagoverzicht" in titles
        shown = [b.binding.key for b in app.screen.active_bindings.values() if b.binding.show]
        assert "ctrl+y" in shown
        await pilot.press("f1")
        await settle(pilot)
        assert any(keys == "Ctrl+Y" and "Dagoverzicht" in what for keys, what in app.screen.rows)
        await pilot.press("escape")
        screen = await open_review(pilot)
        titles = [c.title for c in app.get_system_commands(screen)]
        for action in ("Reconstructie", "Actie", "Item afronden", "Grafiek", "Desk"):
            assert f"Dagoverzicht: {action}" in titles
        helps = [c.help for c in app.get_system_commands(screen)]
        assert f"{texts.KEY_PREVIOUS_DAY} ([)" in helps and f"{texts.KEY_NEXT_DAY} (])" in helps
        assert not [h for h in helps if "square_bracket" in h]
        await pilot.press("f1")
        await settle(pilot)
        described = dict(app.screen.rows)
        assert described["Ctrl+X"] != described["Ctrl+Q"]


async def test_the_review_opens_on_start_for_kccdesk_review(review_store):
    build_review_data(review_store)
    app = lead_app(review_store.url, review=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.view is not None and app.screen.view.rows
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)


async def test_a_non_team_lead_who_gets_there_sees_why_not(review_store):
    app = lead_app(review_store.url, settings=AGENT, review=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        title = str(app.screen.query_one("#review-title").render())
        assert "alleen teamleiders" in title


# --- the chart ------------------------------------------------------------------------------


WEEKS = [
    indicators.WeekPoint("2026-W40", 120, 92.0, 1),
    indicators.WeekPoint("2026-W41", 130, 90.0, 0),
    indicators.WeekPoint("2026-W42", 98, 95.0, 0),
    indicators.WeekPoint("2026-W43", 150, 88.0, 2),
    indicators.WeekPoint("2026-W44", 143, 91.0, 1),
    indicators.WeekPoint("2026-W45", 160, 93.0, 0),
    indicators.WeekPoint("2026-W46", 155, 85.0, 3),
    indicators.WeekPoint("2026-W47", 149, 90.0, 3),
]


def test_points_come_from_the_services_weeks():
    assert points_from(WEEKS)[0] == WeekPoint("2026-W40", 120, 92.0, 1)
    assert points_from(WEEKS)[-1].tick == "W47"


class WithSeries(Desk):
    """Fixed figures for the chart's picture (the real series is tested below)."""

    def weekly_series(self, client_id: str, weeks: int = 8):
        return WEEKS[-weeks:]


async def test_the_chart_shows_the_last_weeks_of_the_highlighted_client(review_store):
    build_review_data(review_store)
    app = lead_app(review_store.url)
    app.desk.__class__ = WithSeries
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        chart = screen.query_one(WeekChart)
        assert chart.display
        assert [p.calls for p in chart.points] == [w[1] for w in WEEKS]
        assert "Storingsdienst Warmtenet Noord" in chart.border_title
        latest = str(chart.query_one("#chart-latest").render())
        assert "week W47: 149 gesprekken · eerste keer goed 90% · 3 feedback" in latest


async def test_the_chart_draws_the_services_own_weeks(review_store):
    """Calls logged in earlier weeks reach the chart through Desk.weekly_series."""
    for weeks_back, count in ((1, 3), (2, 1)):
        for n in range(count):
            at = MONDAY_10 - timedelta(weeks=weeks_back) + timedelta(hours=n)
            review_store.log_call(
                WARMTENET,
                at,
                "answered",
                ended_at=at + timedelta(minutes=2),
                caller=f"+3161234567{n}",
            )
    build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        chart = screen.query_one(WeekChart)
        for _ in range(100):
            if chart.points:
                break
            await pilot.pause(0.05)
        by_week = {p.tick: p.calls for p in chart.points}
        assert by_week["W47"] == 3 + 3 and by_week["W46"] == 1  # W47 holds the data's 3 calls


async def test_at_80x24_the_chart_waits_for_ctrl_g(review_store):
    build_review_data(review_store)
    app = lead_app(review_store.url)
    app.desk.__class__ = WithSeries
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_review(pilot)
        chart = screen.query_one(WeekChart)
        assert not chart.display
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert chart.display and chart.points
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert not chart.display


# --- the end-call key and what the desk showed --------------------------------------------------


async def test_end_call_key_logs_the_call_with_its_end_and_stops_the_timer(review_store):
    clock = Clock(MONDAY_10)
    app = lead_app(review_store.url, clock=clock, settings=AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")  # a caller: the call starts now
        await settle(pilot)
        clock.now = MONDAY_10 + timedelta(minutes=4, seconds=10)
        await pilot.press("ctrl+l")
        await settle(pilot)
        screen = app.screen
        assert screen.call is None
        (logged,) = review_store.calls(PRACTICE)
        assert logged.started_at == MONDAY_10
        assert logged.ended_at == MONDAY_10 + timedelta(minutes=4, seconds=10)
        assert logged.timing == "desk"
        clock.now = MONDAY_10 + timedelta(minutes=9)
        await pilot.pause(1.2)  # the timer ticks: it says the call ended, not 09:00
        header = str(screen.query_one("#call-header").render())
        assert "gesprek beëindigd" in header and "gesprek 0" not in header
        # Nothing more is logged until the next call; F7 starts one.
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert len(review_store.calls(PRACTICE)) == 1
        await pilot.press("f7")
        await settle(pilot)
        assert screen.call is not None and screen.call.started == clock.now
        assert "gesprek 00:00" in str(screen.query_one("#call-header").render())


async def test_a_transfer_after_the_end_belongs_to_a_new_call(review_store):
    clock = Clock(MONDAY_10)
    app = lead_app(review_store.url, clock=clock, settings=AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        clock.now = MONDAY_10 + timedelta(seconds=30)  # a short question, then the end
        await pilot.press("ctrl+l")
        await settle(pilot)
        clock.now = MONDAY_10 + timedelta(minutes=2)
        await type_text(pilot, "mark jansen")
        await pilot.press("f5")
        await settle(pilot)
        calls = sorted(review_store.calls(PRACTICE), key=lambda c: c.started_at)
        assert [c.outcome for c in calls] == ["answered", "transferred"]
        assert calls[1].started_at == MONDAY_10 + timedelta(minutes=2)


async def test_a_stopped_transfer_keeps_what_the_desk_showed_then(review_store):
    clock = Clock(MONDAY_10)
    app = lead_app(review_store.url, clock=clock, settings=AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        clock.now = MONDAY_10 + timedelta(minutes=1)
        await type_text(pilot, "sanne bakker")
        await pilot.press("f5")  # stopped: on leave; the agent goes back
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        clock.now = MONDAY_10 + timedelta(minutes=3)
        await pilot.press("ctrl+l")
        await settle(pilot)
        (logged,) = review_store.calls(PRACTICE)
        assert logged.shown["person"] == "sbakker"
        assert "sbakker" in logged.shown["absent"]
        assert logged.shown["at"] == (MONDAY_10 + timedelta(minutes=1)).isoformat()


async def test_a_transfer_keeps_what_the_desk_showed_at_that_moment(review_store):
    clock = Clock(MONDAY_10)
    app = lead_app(review_store.url, clock=clock, settings=AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        clock.now = MONDAY_10 + timedelta(minutes=2)
        await type_text(pilot, "mark jansen")
        await pilot.press("f5")
        await settle(pilot)
        (logged,) = review_store.calls(PRACTICE)
        assert logged.transferred_to == "mjansen"
        assert logged.shown["person"] == "mjansen"
        assert "mjansen" in logged.shown["on_duty"]
        assert logged.shown["at"] == (MONDAY_10 + timedelta(minutes=2)).isoformat()


async def test_a_note_names_the_call_it_was_taken_in(review_store):
    app = lead_app(review_store.url, settings=AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        call_id = screen.call.id
        await type_text(pilot, "mark jansen")
        await pilot.press("f6")
        await settle(pilot)
        await type_text(pilot, "Els de Wit")
        await pilot.press("tab")
        await type_text(pilot, "06 12345678")
        await pilot.press("tab")
        await type_text(pilot, "Terugbellen")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (note,) = review_store.notes(PRACTICE)
        assert note.call_uuid == call_id
        assert note.shown["person"] == "mjansen"


# --- kccdesk review on the command line ----------------------------------------------------------


def test_review_json_for_a_team_lead_and_the_reason_for_anyone_else(tmp_path, review_store):
    from test_cli import cli_runner

    build_review_data(review_store)
    url = review_store.url
    lead = cli_runner(
        tmp_path, KCCDESK_DATABASE_URL=url, KCCDESK_USER="ilse", KCCDESK_TEAM_LEADS="ilse"
    )
    result = lead("review", "--json")
    assert result.returncode == 0, result.stderr
    review = json.loads(result.stdout)
    assert review["day"] == "2026-11-22" and review["open_feedback"] == 4
    assert [c["client"] for c in review["clients"]] == [WARMTENET, PRACTICE]
    assert lead("review", "--json", "--day", "2026-11-20").returncode == 0
    wrong = lead("review", "--day", "gisteren")
    assert wrong.returncode == 2 and "geen datum" in wrong.stderr
    agent = cli_runner(tmp_path, KCCDESK_DATABASE_URL=url, KCCDESK_USER="sanne")
    for args in (("review",), ("review", "--json")):
        refused = agent(*args)
        assert refused.returncode == 2
        assert "alleen teamleiders" in refused.stderr and refused.stdout == ""


# --- pictures ---------------------------------------------------------------------------------


def quiet(*keys: str):
    """run_before for snap_compare: settle, press keys, and drop the toasts (the failed-note
    alert) so the picture shows the screen."""

    async def run(pilot) -> None:
        await settle(pilot)
        for _ in range(200):  # the failed-note alert comes once the desk has synced
            if pilot.app.failed:
                break
            await pilot.pause(0.05)
        pilot.app.clear_notifications()  # before any dialog: a screen underneath keeps its toasts
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return run


def test_review_screen_at_80x24(snap_compare, review_store):
    build_review_data(review_store)
    app = lead_app(review_store.url, review=True)
    assert snap_compare(app, terminal_size=SMALL, run_before=quiet())


def test_review_screen_with_the_chart_at_120x35(snap_compare, review_store):
    build_review_data(review_store)
    app = lead_app(review_store.url, review=True)
    app.desk.__class__ = WithSeries
    assert snap_compare(app, terminal_size=SIZE, run_before=quiet())


def test_reconstruction_at_80x24(snap_compare, review_store):
    build_review_data(review_store)
    app = lead_app(review_store.url, review=True)
    assert snap_compare(app, terminal_size=SMALL, run_before=quiet("enter"))


def texts_tip_end_call() -> str:
    from kccdesk import texts

    return texts.TIP_END_CALL


async def test_a_control_character_in_the_action_form_is_refused_and_kept(review_store):
    """A pasted escape sequence in the action or owner: refused in the form, nothing stored,
    the text still there to correct."""
    ids = build_review_data(review_store)
    app = lead_app(review_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await highlight(pilot, screen, f"f:{ids['practice']}")
        await pilot.press("ctrl+a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActionForm)
        form.query_one("#action-what").value = "bellen\x1b[31m"
        form.query_one("#action-owner").value = "Marieke"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "stuurteken" in str(form.query_one("#action-error").render())
        assert form.current()[0] == "bellen\x1b[31m"
        assert review_store.feedback_item(ids["practice"]).status == "nieuw"
