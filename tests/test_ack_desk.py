"""Acknowledgement at the desk and on the command line: every desk alerts an unacknowledged
round once and counts it in the header; Ctrl+G lists whom to phone, Enter marks it
"gebeld, bevestigd"; `kccdesk note show` prints the trail."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, timedelta

from ack_helpers import WARMTENET, WEDNESDAY_2145, Clock, urgent_note, warm_desk
from desk_helpers import settle, text_of
from kccdesk.core.clock import fixed_clock
from kccdesk.core.settings import Settings
from kccdesk.ui.factory import make_app

AGENT = Settings(agent="Sanne", user="sanne")


def kccdesk(url: str, *args: str, now=WEDNESDAY_2145) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KCCDESK_DATABASE_URL": url, "KCCDESK_NOW": now.isoformat()}
    return subprocess.run(
        [sys.executable, "-m", "kccdesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_every_desk_alerts_an_unacknowledged_note_and_ctrl_g_marks_it_called(demo_store):
    from kccdesk.ui.screens.unacked import UnackedScreen

    desk = warm_desk(demo_store, Clock(WEDNESDAY_2145))
    note = urgent_note(desk)
    moment = (WEDNESDAY_2145 + timedelta(minutes=14)).astimezone(UTC)
    app = make_app(demo_store.url, clock=fixed_clock(moment), client_id=WARMTENET, settings=AGENT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(100):  # the first beat runs the escalation pass, then reads
            if app.unacked:
                break
            await pilot.pause(0.05)
            await settle(pilot)
        alerts = [n.message for n in app._notifications]
        assert any(
            a.startswith("⚠ Dringend niet bevestigd: Storingsdienst Warmtenet Noord, 14 min")
            and "bel Erik Mulder 06 51 23 45 02" in a
            for a in alerts
        ), alerts
        assert "onbevestigd" in text_of(app, "#call-header")  # 80 columns: the short word
        for _ in range(60):  # the round this desk escalated reaches its panel by the feed
            shown = text_of(app, "#notes")
            if "geëscaleerd" in shown and "⚠ niet bevestigd" in shown:
                break
            await pilot.pause(0.05)
        assert "⚠ niet bevestigd" in shown, shown
        assert "21:59 geëscaleerd naar Erik Mulder" in shown, shown
        from textual import events

        for key in ("ctrl+g", "enter"):  # one burst, as a terminal delivers it: no waiting
            app.post_message(events.Key(key, "\r" if key == "enter" else None))
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, UnackedScreen)
        assert "onbevestigd" not in text_of(app, "#call-header")
    acked = desk.note_trail(note.id)[0]
    assert (acked.acked_by, acked.ack_via) == ("Sanne", "desk")


async def test_ctrl_g_with_nothing_waiting_says_so(demo_store):
    app = make_app(
        demo_store.url,
        clock=fixed_clock(WEDNESDAY_2145.astimezone(UTC)),
        client_id=WARMTENET,
        settings=AGENT,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "Alle dringende notities zijn bevestigd." in [n.message for n in app._notifications]


def test_note_show_prints_the_trail_and_note_ack_marks_it_called(demo_store):
    desk = warm_desk(demo_store, Clock(WEDNESDAY_2145))
    note = urgent_note(desk)
    later = WEDNESDAY_2145 + timedelta(minutes=11)
    done = kccdesk(demo_store.url, "escalate", now=later)
    assert done.returncode == 0 and f"#{note.id}: ronde 1 → emulder" in done.stdout
    done = kccdesk(demo_store.url, "note", "show", str(note.id), now=later)
    assert done.returncode == 0, done.stderr
    assert (
        "21:45  opgeslagen" in done.stdout and "21:56  geëscaleerd naar Erik Mulder" in done.stdout
    )
    refused = kccdesk(demo_store.url, "note", "ack", str(note.id), "--agent", "Ka\x1brin")
    assert refused.returncode == 2 and "stuurteken" in refused.stderr
    done = kccdesk(demo_store.url, "note", "ack", str(note.id), "--agent", "Karin", now=later)
    assert done.returncode == 0 and "bevestigd (gebeld) door Karin" in done.stdout
    again = kccdesk(demo_store.url, "note", "ack", str(note.id), now=later)
    assert "al bevestigd" in again.stdout
    shown = json.loads(kccdesk(demo_store.url, "note", "show", str(note.id), "--json").stdout)
    assert [e["kind"] for e in shown["events"]] == ["saved", "escalated", "acked"]
    assert shown["acked_by"] == "Karin" and shown["ack_via"] == "desk"
    for bad in ("0", "99999", "x", "-1", "9" * 30):
        done = kccdesk(demo_store.url, "note", "show", bad)
        assert done.returncode in (1, 2) and "Traceback" not in done.stderr


async def test_a_note_acknowledged_on_another_desk_leaves_this_header_at_once(demo_store):
    """Two desks of the team: Karin marks it "gebeld, bevestigd" on hers; this desk's header
    clears through the change feed, not at its next beat (15 s)."""
    desk = warm_desk(demo_store, Clock(WEDNESDAY_2145))
    note = urgent_note(desk)
    moment = (WEDNESDAY_2145 + timedelta(minutes=14)).astimezone(UTC)
    app = make_app(demo_store.url, clock=fixed_clock(moment), client_id=WARMTENET, settings=AGENT)
    async with app.run_test(size=(120, 35)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if "dringend niet bevestigd" in text_of(app, "#call-header"):
                break
        assert "dringend niet bevestigd" in text_of(app, "#call-header")
        other = warm_desk(demo_store, Clock(moment))  # the other desk, its own connection
        assert other.acknowledge_at_desk(note.id, "Karin")
        started = asyncio.get_running_loop().time()
        while "dringend niet bevestigd" in text_of(app, "#call-header"):
            assert asyncio.get_running_loop().time() - started < 5, "header not cleared"
            await pilot.pause(0.05)
        assert app.unacked == []
