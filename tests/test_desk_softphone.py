"""The desk drives a real softphone (issue 16): three baresip processes on loopback — the
caller, the agent's phone (accounts for two demo client lines) and the phone of the person
put through. Nothing of the phone is mocked."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from baresip_helpers import Baresip, Driver
from desk_helpers import MONDAY_10, SIZE, settle, type_text
from kccdesk.core.settings import Settings, SoftphoneSettings
from kccdesk.ui.factory import make_app
from kccdesk.ui.screens.call import CallScreen
from kccdesk.ui.screens.transfer import TransferDialog

PRACTICE = "huisartsen-de-linde"
PRACTICE_LINE = "+31205551234"
MUNI = "gemeente-oosterwold"
MUNI_LINE = "+31412000000"
CALLER = "+31612345678"
MJANSEN = "+31205551241"  # on duty Monday 10:00
HKAYA = "+31205551242"  # not on duty Monday 10:00


class Clock:
    def __init__(self):
        self.now = MONDAY_10

    def __call__(self):
        return self.now


@pytest.fixture
def phones(tmp_path):
    agent = Baresip(tmp_path / "agent", [PRACTICE_LINE, MUNI_LINE]).start()
    caller = Baresip(tmp_path / "caller", [CALLER]).start()
    target = Baresip(tmp_path / "target", [MJANSEN, HKAYA]).start()
    yield agent, caller, target
    for phone in (agent, caller, target):
        phone.stop()


def _app(url, agent: Baresip, target: Baresip, clock: Clock):
    settings = Settings(
        agent="Sanne",
        softphone=SoftphoneSettings(
            control=agent.control, transfer_domain=f"127.0.0.1:{target.sip}"
        ),
    )
    return make_app(url, clock=clock, client_id=MUNI, settings=settings)


async def _until(condition, seconds: float = 5.0) -> float:
    """Wait (letting the app run) until condition() holds; the perf_counter() it held at."""
    deadline = time.perf_counter() + seconds
    while not condition():
        assert time.perf_counter() < deadline, "condition not met in time"
        await asyncio.sleep(0.002)
    return time.perf_counter()


def _header(app) -> str:
    return str(app.screen.query_one("#call-header").render())


async def _ring_and_answer(pilot, app, agent, caller, clock) -> CallScreen:
    await _until(lambda: app.phone_connected)
    caller.send("dial", agent.uri(PRACTICE_LINE))
    screen = app.screen
    assert isinstance(screen, CallScreen)
    await _until(lambda: screen.client_id == PRACTICE and screen.call is not None)
    clock.now = MONDAY_10 + timedelta(seconds=5)
    await pilot.press("ctrl+o")
    await _until(lambda: screen.call is not None and screen.call.answered)
    return screen


async def test_pop_answer_and_hang_up_log_the_real_call(demo_store, phones):
    agent, caller_phone, target = phones
    caller = Driver(caller_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target, clock)
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: app.phone_connected)
        await settle(pilot)
        assert "telefoon verbonden" in _header(app)
        sent = time.perf_counter()
        caller.send("dial", agent.uri(PRACTICE_LINE))
        screen = app.screen
        assert isinstance(screen, CallScreen)
        shown = await _until(lambda: screen.client_id == PRACTICE)
        print(
            f"\ndial → desk on the client: {(shown - sent) * 1000:.1f} ms; "
            f"CALL_INCOMING read → desk on the client: {(shown - app.phone_rang_at) * 1000:.1f} ms"
        )
        assert shown - sent < 0.5
        call = screen.call
        assert call is not None and call.caller == CALLER and not call.answered
        assert "gaat over" in _header(app)  # no timer before the answer
        clock.now = MONDAY_10 + timedelta(seconds=5)
        await pilot.press("ctrl+o")
        await _until(lambda: call.answered)
        assert call.started == MONDAY_10 + timedelta(seconds=5)
        assert "gesprek 00:00" in _header(app)
        # The note form gets the caller's number.
        await type_text(pilot, "mark jansen")
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.current().phone == "06 12 34 56 78"
        await pilot.press("escape")
        await settle(pilot)
        clock.now = MONDAY_10 + timedelta(minutes=2, seconds=5)
        await pilot.press("ctrl+l")
        await _until(lambda: screen.call is not call)
        await settle(pilot)
        caller.event("CALL_CLOSED")
        [logged] = demo_store.calls(PRACTICE)
        assert (logged.caller, logged.outcome) == (CALLER, "answered")
        assert logged.started_at == MONDAY_10 + timedelta(seconds=5)
        assert logged.ended_at == MONDAY_10 + timedelta(minutes=2, seconds=5)


@pytest.fixture
def second_phone(tmp_path):
    """A second caller's phone, for the call that waits."""
    phone = Baresip(tmp_path / "second", ["+31687654321"]).start()
    yield phone
    phone.stop()


async def _answered_with_one_waiting(pilot, app, agent, caller, other, clock):
    """The first caller answered (the desk's call), the second ringing on the other line."""
    screen = await _ring_and_answer(pilot, app, agent, caller, clock)
    first = screen.call
    other.send("dial", agent.uri(MUNI_LINE))
    await _until(lambda: bool(app.waiting_calls))
    return screen, first


async def test_a_second_call_is_shown_not_switched_to(demo_store, phones, second_phone):
    agent, caller_phone, target = phones
    caller, other = Driver(caller_phone), Driver(second_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen, first = await _answered_with_one_waiting(pilot, app, agent, caller, other, clock)
        await settle(pilot)
        assert screen.client_id == PRACTICE and screen.call is first
        assert "Tweede oproep: Gemeente Oosterwold" in _header(app)
        # Ctrl+L hangs up the call in progress, not the one waiting (issue 23).
        other.events()  # what the second phone saw so far
        await pilot.press("ctrl+l")
        caller.event("CALL_CLOSED")
        await _until(lambda: screen.call is not first, seconds=8)
        assert "CALL_CLOSED" not in other.events(wait=0.5)  # still ringing
        await settle(pilot)
        # ...and the desk now shows the waiting caller as the call, ringing.
        assert screen.call is not None and screen.client_id == "gemeente-oosterwold"
        assert not screen.call.answered


async def test_call_waiting_answer_hold_switch_and_hang_up_the_call_on_screen(
    demo_store, phones, second_phone
):
    """Issue 23: Ctrl+O during a call answers the waiting caller and holds the first, Ctrl+U
    switches between them, Ctrl+L hangs up the one on screen — on baresip, that one."""
    agent, caller_phone, target = phones
    caller, other = Driver(caller_phone), Driver(second_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen, first = await _answered_with_one_waiting(pilot, app, agent, caller, other, clock)
        await pilot.press("ctrl+o")  # answer the waiting caller; the first waits
        await _until(lambda: screen.call is not None and screen.call is not first)
        await _until(lambda: screen.call.answered)
        other.event("CALL_ESTABLISHED")
        await settle(pilot)
        assert screen.client_id == MUNI and list(screen.line.held) == [first.phone_id]
        assert "In de wacht:" in _header(app) and "Ctrl+U" in _header(app)
        second_call = screen.call
        await pilot.press("ctrl+u")  # back to the first caller
        await _until(lambda: screen.call is first)
        await settle(pilot)
        assert screen.client_id == PRACTICE and second_call.phone_id in screen.line.held
        other.events()
        await pilot.press("ctrl+l")  # hangs up the first caller, on screen — not the other
        caller.event("CALL_CLOSED")
        await _until(lambda: screen.call is not first)
        assert "CALL_CLOSED" not in other.events(wait=0.5)
        await pilot.press("ctrl+u")  # the second caller comes back from hold
        await _until(lambda: screen.call is second_call)
        await pilot.press("ctrl+l")
        other.event("CALL_CLOSED")
        await _until(lambda: screen.call is not second_call)
        await settle(pilot)
        logged = demo_store.calls(PRACTICE) + demo_store.calls(MUNI)
        assert sorted(c.caller for c in logged) == sorted([CALLER, "+31687654321"])


async def test_f5_to_someone_on_duty_puts_the_caller_through(demo_store, phones):
    agent, caller_phone, target_phone = phones
    caller, target = Driver(caller_phone), Driver(target_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target_phone, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ring_and_answer(pilot, app, agent, caller, clock)
        call = screen.call
        await type_text(pilot, "mark jansen")
        pressed = time.perf_counter()
        await pilot.press("f5")
        assert screen.pending_transfer is not None
        print(f"\nF5 → transfer command sent: {(app.phone_sent_at - pressed) * 1000:.1f} ms")
        ringing = target.event("CALL_INCOMING")
        assert (ringing.line, ringing.caller) == (MJANSEN, CALLER)
        assert screen.call is call  # still the current call until the transfer is done
        target.send("accept")
        await _until(lambda: screen.call is not call)
        await settle(pilot)
        [logged] = demo_store.calls(PRACTICE)
        assert (logged.outcome, logged.transferred_to) == ("transferred", "mjansen")
        assert screen.search.value == ""  # the next caller starts from an empty search


async def test_a_refused_transfer_is_shown_and_logged_with_the_reason(demo_store, phones):
    """Mark Jansen rejects the transfer. baresip as the caller's phone drops its call on a
    refused blind transfer and the agent's phone says only TRANSFER_FAILED: the desk asks
    the phone, finds the call gone and says so, with the number to call back — it never
    shows a caller who is no longer there."""
    agent, caller_phone, target_phone = phones
    caller, target = Driver(caller_phone), Driver(target_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target_phone, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ring_and_answer(pilot, app, agent, caller, clock)
        call = screen.call
        await type_text(pilot, "mark jansen")
        await pilot.press("f5")
        target.event("CALL_INCOMING")
        target.send("hangup")  # Mark Jansen does not take it
        await _until(lambda: screen.call is not call)
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("mislukt: 486 Rejected" in m for m in said)
        assert any("niet meer verbonden (+31612345678)" in m for m in said)
        [logged] = demo_store.calls(PRACTICE)
        assert logged.outcome == "transfer_failed" and logged.transferred_to is None
        assert "mjansen: doorverbinden mislukt (486 Rejected)" in logged.stopped


async def test_f5_to_someone_off_duty_sends_nothing_until_the_override(demo_store, phones):
    agent, caller_phone, target_phone = phones
    caller, target = Driver(caller_phone), Driver(target_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target_phone, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ring_and_answer(pilot, app, agent, caller, clock)
        await type_text(pilot, "hatice kaya")
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        assert screen.pending_transfer is None
        assert "CALL_INCOMING" not in target.events(wait=0.5)
        await pilot.press("t")  # transfer anyway, with a reason
        await type_text(pilot, "spoed")
        await pilot.press("enter")
        await settle(pilot)
        ringing = target.event("CALL_INCOMING")
        assert (ringing.line, ringing.caller) == (HKAYA, CALLER)
        target.send("accept")
        await _until(lambda: screen.pending_transfer is None)
        await settle(pilot)
        [logged] = demo_store.calls(PRACTICE)
        assert logged.transferred_to == "hkaya"
        assert "dr. Hatice Kaya: geen dienst; toch doorverbonden" in logged.warnings_overridden
        assert "hkaya: geen dienst" in logged.stopped


async def test_the_alternative_is_the_number_sent(demo_store, phones):
    agent, caller_phone, target_phone = phones
    caller, target = Driver(caller_phone), Driver(target_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target_phone, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ring_and_answer(pilot, app, agent, caller, clock)
        await type_text(pilot, "sanne bakker")  # on leave; Mark Jansen replaces her
        await pilot.press("f5")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TransferDialog)
        assert dialog.check.alternatives[0].person == "mjansen"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.pending_transfer is not None
        assert screen.pending_transfer.person == "mjansen"
        assert target.event("CALL_INCOMING").line == MJANSEN


async def test_a_killed_softphone_is_said_and_the_desk_recovers(demo_store, phones):
    agent, caller_phone, target = phones
    caller = Driver(caller_phone)
    clock = Clock()
    app = _app(demo_store.url, agent, target, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ring_and_answer(pilot, app, agent, caller, clock)
        call = screen.call
        agent.stop()
        await _until(lambda: not app.phone_connected)
        await settle(pilot)
        assert "telefoon niet bereikbaar" in _header(app)
        assert screen.call is not call  # the call it drove is over, and logged
        assert [c.caller for c in demo_store.calls(PRACTICE)] == [CALLER]
        await type_text(pilot, "mark")  # typing goes on meanwhile
        assert screen.search.value == "mark"
        agent.start()
        await _until(lambda: app.phone_connected, seconds=8)
        await settle(pilot)
        assert "telefoon verbonden" in _header(app)
        caller2 = Driver(caller_phone)
        caller2.send("dial", agent.uri(MUNI_LINE))
        await _until(lambda: screen.client_id == MUNI and screen.phone_call_active())


async def test_without_a_softphone_the_desk_runs_as_before(demo_store):
    app = make_app(demo_store.url, clock=Clock(), client_id=MUNI, settings=Settings(agent="S"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.phone is None
        assert "telefoon" not in _header(app)
        await pilot.press("ctrl+o")  # not bound without a softphone
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
