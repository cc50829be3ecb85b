"""The demo's fortnight of calls, notes and feedback: made relative to the clock, so the
review and the chart show something on any date, and the built-in pattern reconstructs as a
late roster change at the client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kccdesk.calls.shown import Shown
from kccdesk.core.actor import Actor
from kccdesk.service.desk import Desk, open_demo_store

HEAT = "storingsdienst-warmtenet"


@pytest.mark.parametrize(
    "now", [datetime(2026, 11, 25, 9, 0, tzinfo=UTC), datetime(2030, 3, 31, 7, 0, tzinfo=UTC)]
)
def test_a_fortnight_before_the_clock_with_the_pattern(now):
    store = open_demo_store(lambda: now)
    try:
        desk = Desk(store, clock=lambda: now, actor=Actor("ilse", team_lead=True))
        calls = store.calls()
        assert calls and all(now - timedelta(days=15) < c.started_at < now for c in calls)
        assert {c.client for c in calls} >= {HEAT, "gemeente-oosterwold"}
        assert all(Shown.from_dict(c.shown) is not None for c in calls)
        notes = store.notes()
        assert notes and sum(n.status == "sent" for n in notes) > len(notes) * 0.8
        assert all(n.call_uuid for n in notes)
        assert desk.purge_expired(90) == {"notes": 0, "calls": 0}  # retention keeps it all
        (pattern,) = desk.patterns(HEAT)
        assert pattern.late == 2 and "rooster 2× te laat bijgewerkt" in pattern.text
        first, second, third = (desk.reconstruct(i) for i in pattern.items)
        assert first.cause == second.cause == "client" and third.cause == "ons"
        review = desk.review()
        assert review.open_items >= 3
        assert review.clients[0].client == HEAT  # the client with a pattern comes first
    finally:
        store.close()


def test_the_same_clock_gives_the_same_history(tmp_path, monkeypatch):
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    counts = []
    for run in range(2):
        monkeypatch.setenv("KCCDESK_DATA_DIR", str(tmp_path / f"run{run}"))
        store = open_demo_store(lambda: now)
        counts.append((len(store.calls()), len(store.notes()), len(store.feedback())))
        store.close()
    assert counts[0] == counts[1]


async def test_the_demo_desk_writes_its_history_after_the_first_screen():
    from desk_helpers import MONDAY_10, SIZE, settle
    from kccdesk.core.settings import Settings
    from kccdesk.ui.factory import make_app
    from kccdesk.ui.screens.call import CallScreen

    app = make_app(demo=True, clock=lambda: MONDAY_10, settings=Settings(agent="Sanne"))
    assert app.desk._db.feedback() == []  # not before the first screen
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert app.desk.actor.team_lead  # the demo user may try the review
        for _ in range(200):  # housekeeping starts a moment after the first paint
            if app.synced and app.desk._db.feedback():
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert len(app.desk._db.feedback()) >= 5
        assert app.desk._db.calls(limit=1)[0].started_at < MONDAY_10


def test_the_demos_absences_stand_around_today_whenever_it_is_opened():
    """Issue 23: the demo's absences lay in the past a week after its files were written."""
    from kccdesk.clientfile import load_clients
    from kccdesk.core import locations
    from kccdesk.service.desk import DEMO_WEEK, demo_clients_now

    written = load_clients([locations.demo_clients_dir()])
    now = datetime(2030, 3, 31, 7, 0, tzinfo=UTC)
    moved = demo_clients_now(written, now)
    days = [
        (a.start, b.start)
        for c, d in zip(written, moved, strict=True)
        for a, b in zip(c.absences, d.absences, strict=True)
    ]
    assert days and all((after - before).days % 7 == 0 for before, after in days)
    assert all(after.weekday() == before.weekday() for before, after in days)
    shift = days[0][1] - days[0][0]
    assert DEMO_WEEK + shift <= now.date() < DEMO_WEEK + shift + timedelta(days=7)
    assert demo_clients_now(written, datetime(2026, 11, 25, tzinfo=UTC)) == written
