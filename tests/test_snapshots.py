"""Pictures of the screens where the picture matters: call screen, note form, transfer dialog.

Deterministic: fixed clock (Monday 10:00), fixed terminal size, bundled demo data.
Update after an intended change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from desk_helpers import MONDAY_10, SIZE, build_app, settle, type_text
from kccdesk.core.settings import Settings
from kccdesk.ui.factory import make_app

PRACTICE = "huisartsen-de-linde"


def typing(*steps: str):
    """A run_before for snap_compare: type text or press keys ('<f5>'), letting the desk
    settle after each step (workers done, screen refreshed) instead of sleeping."""

    async def run(pilot) -> None:
        await settle(pilot)
        for step in steps:
            if step.startswith("<") and step.endswith(">"):
                await pilot.press(step[1:-1])
                await settle(pilot)
            else:
                await type_text(pilot, step)

    return run


def test_call_screen(snap_compare, demo_store):
    app = build_app(demo_store.url, "huisartsen-de-linde")
    assert snap_compare(app, terminal_size=SIZE, run_before=typing("bakker"))


def test_note_form(snap_compare, demo_store):
    app = build_app(demo_store.url, "huisartsen-de-linde")
    steps = typing("sanne", "<f6>", "Els de Wit", "<tab>", "06 1234567")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


def test_transfer_dialog(snap_compare, demo_store):
    app = build_app(demo_store.url, "gemeente-oosterwold")
    assert snap_compare(app, terminal_size=SIZE, run_before=typing("wouter mulder", "<f5>"))


SMALL = (80, 24)


def test_call_screen_at_80x24(snap_compare, demo_store):
    app = build_app(demo_store.url, "gemeente-oosterwold")
    assert snap_compare(app, terminal_size=SMALL, run_before=typing("wethoder"))


def test_note_form_at_80x24_shows_the_focused_field(snap_compare, demo_store):
    app = build_app(demo_store.url, "huisartsen-de-linde")
    steps = typing("hatice", "<f6>", "Els de Wit", "<tab>", "06 1234 5678", "<tab>", "Recept")
    assert snap_compare(app, terminal_size=SMALL, run_before=steps)


def test_roster_pane_at_80x24(snap_compare, demo_store):
    lead = Settings(agent="Sanne", user="marieke", shift_leads=("marieke",))
    app = make_app(demo_store.url, clock=lambda: MONDAY_10, client_id=PRACTICE, settings=lead)
    assert snap_compare(app, terminal_size=SMALL, run_before=typing("<f10>"))


def test_roster_pane_at_120_columns_shows_the_whole_week(snap_compare, demo_store):
    lead = Settings(agent="Sanne", user="marieke", shift_leads=("marieke",))
    app = make_app(demo_store.url, clock=lambda: MONDAY_10, client_id=PRACTICE, settings=lead)
    assert snap_compare(app, terminal_size=(120, 35), run_before=typing("<f10>"))


def test_transfer_dialog_at_80x24_with_the_reason_field(snap_compare, demo_store):
    """The guard on a short terminal, after `t`: the rule, the reason field right under it."""
    app = build_app(demo_store.url, "gemeente-oosterwold")
    steps = typing("wouter mulder", "<f5>", "<t>", "spoed")
    assert snap_compare(app, terminal_size=SMALL, run_before=steps)


def test_note_form_at_120x35_for_a_replacement(snap_compare, demo_store):
    """Ctrl+R on an absent recipient: the form says for whom, via whom."""
    app = build_app(demo_store.url, "huisartsen-de-linde")
    steps = typing("sanne bakker", "<f6>", "<ctrl+r>", "Els de Wit")
    assert snap_compare(app, terminal_size=(120, 35), run_before=steps)


def test_absence_form_at_80x24_opens_on_its_first_field_with_the_verdict_in_sight(
    snap_compare, demo_store
):
    """Edge review of issue 23: the form opened scrolled to its verdict, past Medewerker."""
    lead = Settings(agent="Sanne", user="marieke", shift_leads=("marieke",))
    app = make_app(demo_store.url, clock=lambda: MONDAY_10, client_id=PRACTICE, settings=lead)
    steps = typing("<f10>", "<insert>", "<down>", "<down>", "<enter>")
    assert snap_compare(app, terminal_size=SMALL, run_before=steps)


def test_board_at_80x24(snap_compare, demo_store):
    """The shift lead's board the evening before Good Friday: the gap of the morning ahead
    first, then the note that failed; this desk online underneath."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    lead = Settings(agent="Marieke", user="marieke", shift_leads=("marieke",))
    moment = datetime(2027, 3, 25, 22, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    app = make_app(
        demo_store.url, clock=lambda: moment, client_id="gemeente-oosterwold", settings=lead
    )

    async def run(pilot) -> None:
        await settle(pilot)
        for _ in range(100):  # this desk says it is there (its first beat), then the board
            if app.desk.board().desks:
                break
            await pilot.pause(0.05)
        await pilot.press("ctrl+b")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=run)
