"""The call line as a plain state machine (kccdesk.calls.line): the rules of a call under
pressure — a second call, a call on hold, a hang-up, a transfer in flight, the phone gone —
without an interface. tests/test_desk_softphone.py drives the same rules through the desk and
three real baresip processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kccdesk.calls.line import WAITING_SHOWN, CallLine, Step
from kccdesk.calls.softphone import ACCEPT, HANGUP, HOLD, RESUME, CallEvent, Command, Response

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PRACTICE_AOR = "sip:+31205551234@127.0.0.1"
MUNI_AOR = "sip:+31412000000@127.0.0.1"
TRANSFER = Command("transfer", "sip:+31205551241@127.0.0.1")
#: a command whose content does not matter to the test
NO_COMMAND = Command("noop")


def ring(call_id: str, account: str = PRACTICE_AOR, caller: str = "+31612345678") -> CallEvent:
    return CallEvent("CALL_INCOMING", call_id, account, f"sip:{caller}@127.0.0.1")


def event(kind: str, call_id: str, param: str = "") -> CallEvent:
    return CallEvent(kind, call_id, PRACTICE_AOR, "sip:+31612345678@127.0.0.1", param)


def run(line: CallLine, step: Step, now: datetime = T0) -> list[Command]:
    """Send the step's commands as the screen does, the phone answering each with "ok",
    until none is left: every command the desk sent, in order. A transfer's and a hang-up's
    answers come after the phone's events (baresip says CALL_CLOSED first): left out."""
    sent: list[Command] = []
    pending = list(step.commands)
    while pending:
        command, what = pending.pop(0)
        token = f"t{len(sent)}"
        sent.append(command)
        line.sent(token, command, what)
        if command.command not in ("transfer", "hangup"):
            pending += line.answered(Response(token, True, ""), now).commands
    return sent


def choose(call_id: str, account: str = PRACTICE_AOR) -> list[Command]:
    """The commands that make a call baresip's current one."""
    return [Command("uafind", account), Command("callfind", call_id)]


def answered_line() -> CallLine:
    """A line whose desk call is softphone call c1, answered at T0 + 5 s."""
    line = CallLine()
    step = line.said(ring("c1"), T0)
    assert step.ring is not None and step.ring.call_id == "c1"
    line.begin("practice", T0, caller="+31612345678", phone_id="c1")
    assert line.call is not None and not line.call.answered
    step = line.said(event("CALL_ESTABLISHED", "c1"), T0 + timedelta(seconds=5))
    assert step.answered == T0 + timedelta(seconds=5)
    assert line.call.answered and line.call.started == T0 + timedelta(seconds=5)
    return line


def on_hold_and_second_answered() -> tuple[CallLine, object, object]:
    """c1 on hold, w1 (another line) answered as the desk's call."""
    line = answered_line()
    first = line.call
    line.said(ring("w1", MUNI_AOR, "+31687654321"), T0)
    run(line, line.answer())
    line.begin("muni", T0, caller="+31687654321", phone_id="w1")  # as the screen does
    line.said(event("CALL_ESTABLISHED", "w1"), T0 + timedelta(seconds=2))
    return line, first, line.call


def test_a_ring_on_an_idle_line_becomes_the_desks_call_and_times_from_the_answer():
    line = answered_line()
    assert line.on_phone
    step = line.answer()  # nothing rings and nothing waits: said, nothing sent
    assert step.notices and not step.commands


def test_ctrl_o_answers_the_ringing_call_after_choosing_it():
    line = CallLine()
    line.said(ring("c1"), T0)
    line.begin("practice", T0, phone_id="c1")
    assert run(line, line.answer()) == [*choose("c1"), ACCEPT]


def test_a_second_call_waits_and_is_named_until_the_header_counts_the_rest():
    line = answered_line()
    named = [line.said(ring(f"w{i}", MUNI_AOR), T0).second_call for i in range(WAITING_SHOWN + 3)]
    assert [e.call_id for e in named if e is not None] == ["w0", "w1"]
    assert list(line.waiting) == [f"w{i}" for i in range(WAITING_SHOWN + 3)]
    assert line.call is not None and line.call.phone_id == "c1"  # not switched to


def test_hang_up_with_a_call_waiting_hangs_up_this_call_and_then_shows_the_waiting_one():
    line = answered_line()
    line.said(ring("w1", MUNI_AOR), T0)
    assert run(line, line.hang_up()) == [*choose("c1"), HANGUP]
    first = line.call
    step = line.said(event("CALL_CLOSED", "c1"), T0 + timedelta(minutes=2))
    assert step.finished is first and step.ended == T0 + timedelta(minutes=2)
    assert step.ring is not None and step.ring.call_id == "w1"
    assert not line.waiting and line.call is None


def test_a_waiting_caller_who_gives_up_leaves_the_call_alone():
    line = answered_line()
    line.said(ring("w1", MUNI_AOR), T0)
    step = line.said(event("CALL_CLOSED", "w1"), T0)
    assert step.waiting_changed and step.ended is None
    assert not line.waiting and line.call is not None and line.call.phone_id == "c1"


def test_the_hangup_answer_ends_only_the_call_that_was_hung_up():
    line2 = answered_line()
    step = line2.hang_up()
    line2.sent("t0", NO_COMMAND, step.commands[0][1])
    step = line2.answered(Response("t0", True, ""), T0)
    line2.sent("t1", *step.commands[0])
    step = line2.answered(Response("t1", True, "setting current call: c1"), T0)
    line2.sent("t-hang", NO_COMMAND, step.commands[0][1])
    # ... and here the hung-up call closed and a waiting one became the desk's call first:
    line2.said(event("CALL_CLOSED", "c1"), T0)
    line2.begin("muni", T0, phone_id="w1")
    step = line2.answered(Response("t-hang", True), T0 + timedelta(seconds=1))
    assert step.ended is None  # the late answer must not end it
    assert line2.call is not None and line2.call.phone_id == "w1"


def test_after_a_failed_transfer_the_desk_asks_whether_the_caller_is_still_there():
    line = answered_line()
    run(line, line.transfer(TRANSFER, "mjansen", "", "Mark Jansen"))
    assert line.pending_transfer is not None
    token = line.pending_transfer.token
    step = line.answered(Response(token, False, "488 Not Acceptable"), T0)
    assert step.notices[0].severity == "error" and "488" in step.notices[0].text
    assert line.call is not None and line.call.outcome == "transfer_failed"
    assert run(line, step) == choose("c1")  # the caller is still there: nothing changes
    assert line.call is not None
    step = line.hang_up()
    assert run(line, step) == [*choose("c1"), HANGUP]
    line.sent("t-hang", HANGUP, "neerleggen")
    step = line.answered(Response("t-hang", True), T0 + timedelta(minutes=1))
    assert step.finished is not None and step.finished.outcome == "transfer_failed"


def test_a_caller_lost_by_a_refused_transfer_is_said_and_the_call_ends():
    """baresip as the caller's phone drops its call on a refused blind transfer, and the
    agent's phone says no more than TRANSFER_FAILED: the desk finds the call gone."""
    line = answered_line()
    run(line, line.transfer(TRANSFER, "mjansen", "", "Mark Jansen"))
    assert line.pending_transfer is not None
    line.answered(Response(line.pending_transfer.token, True, ""), T0)  # the REFER went out
    step = line.said(event("TRANSFER_FAILED", "c1", "486 Rejected"), T0)
    line.sent("p0", *step.commands[0])
    step = line.answered(Response("p0", True, "ua: x"), T0)
    line.sent("p1", *step.commands[0])
    step = line.answered(Response("p1", True, "call not found (id=c1)"), T0 + timedelta(seconds=3))
    assert step.finished is not None and step.finished.outcome == "transfer_failed"
    assert "niet meer verbonden" in step.notices[0].text and "+31612345678" in step.notices[0].text
    assert line.call is None


def test_a_transfer_waits_for_its_call_to_be_chosen_and_is_done_when_the_call_closes():
    line = answered_line()
    step = line.transfer(TRANSFER, "mjansen", "buiten dienst: toch doorverbonden", "Mark Jansen")
    assert line.pending_transfer is None  # not sent yet: the call is chosen first
    assert run(line, step) == [*choose("c1"), TRANSFER]
    assert line.pending_transfer is not None and line.pending_transfer.person == "mjansen"
    step = line.said(event("CALL_CLOSED", "c1"), T0 + timedelta(minutes=1))
    assert step.finished is not None
    assert (step.finished.outcome, step.finished.transferred_to) == ("transferred", "mjansen")
    assert step.finished.overrides == ["buiten dienst: toch doorverbonden"]
    assert step.notices[0].severity == "warning"


def test_a_transfer_failure_event_is_recorded_with_its_reason():
    line = answered_line()
    run(line, line.transfer(TRANSFER, "mjansen", "", "Mark Jansen"))
    line.said(event("CALL_TRANSFER_FAILED", "c1", "603 Decline"), T0)
    assert line.pending_transfer is None
    assert line.call is not None and "603 Decline" in line.call.stopped[0]


def test_a_transfer_that_cannot_leave_fails_and_says_so():
    line = answered_line()
    line.transfer(TRANSFER, "mjansen", "", "Mark Jansen")
    step = line.unsent("geen verbinding met de telefoon")
    assert line.call is not None and line.call.outcome == "transfer_failed"
    assert "Mark Jansen" in step.notices[0].text and line.pending_transfer is None


def test_a_call_baresip_does_not_find_stops_the_commands_behind_it():
    """`callfind` answers "ok" with "call not found": the hang-up behind it must never go
    to whatever call baresip has as its current one."""
    line = answered_line()
    step = line.hang_up()
    line.sent("t0", NO_COMMAND, step.commands[0][1])
    step = line.answered(Response("t0", True, "ua: " + PRACTICE_AOR), T0)
    [(command, what)] = step.commands
    assert command == Command("callfind", "c1")
    line.sent("t1", command, what)
    step = line.answered(Response("t1", True, "call not found (id=c1)"), T0)
    assert step.commands == []  # no hang-up goes out
    # ... and the call the agent hung up is over: baresip has it no more
    assert step.finished is not None and step.finished.phone_id == "c1" and line.call is None


def test_a_refused_command_is_said_with_what_it_was():
    line = answered_line()
    line.sent("t-accept", NO_COMMAND, "opnemen")
    step = line.answered(Response("t-accept", False, ""), T0)
    assert "opnemen" in step.notices[0].text


def test_ctrl_o_during_a_call_answers_the_waiting_one_and_holds_the_first():
    line = answered_line()
    first = line.call
    line.said(ring("w1", MUNI_AOR, "+31687654321"), T0)
    step = line.answer()
    assert step.ring is not None and step.ring.call_id == "w1"  # shown, ringing
    assert line.held == {"c1": first} and line.call is None and not line.waiting
    assert run(line, step) == [*choose("c1"), HOLD, *choose("w1", MUNI_AOR), ACCEPT]


def test_ctrl_u_switches_between_the_call_and_the_one_on_hold():
    line, first, second = on_hold_and_second_answered()
    step = line.switch(T0 + timedelta(minutes=1))
    assert step.resumed is first and line.call is first and line.held == {"w1": second}
    assert run(line, step) == [*choose("w1", MUNI_AOR), HOLD, *choose("c1"), RESUME]
    step = line.switch(T0 + timedelta(minutes=2))
    assert step.resumed is second and line.held == {"c1": first}
    assert line.switch(T0).resumed is first  # and back again


def test_ctrl_u_without_a_call_on_hold_says_so():
    step = answered_line().switch(T0)
    assert step.notices and not step.commands and step.resumed is None


def test_a_caller_on_hold_who_hangs_up_is_logged_and_leaves_the_call_alone():
    line, first, second = on_hold_and_second_answered()
    step = line.said(event("CALL_CLOSED", "c1"), T0 + timedelta(minutes=3))
    assert step.logged == [(first, T0 + timedelta(minutes=3))] and step.ended is None
    assert not line.held and line.call is second


def test_hanging_up_the_second_call_leaves_the_first_on_hold_until_ctrl_u():
    line, first, second = on_hold_and_second_answered()
    run(line, line.hang_up())
    step = line.said(event("CALL_CLOSED", "w1"), T0 + timedelta(minutes=1))
    assert step.finished is second
    assert line.call is None and line.held == {"c1": first}
    assert line.switch(T0).resumed is first


def test_the_phone_gone_ends_its_call_and_logs_those_on_hold():
    line, first, second = on_hold_and_second_answered()
    line.said(ring("w2", MUNI_AOR), T0)
    step = line.lost(T0 + timedelta(minutes=4))
    assert step.logged == [(first, T0 + timedelta(minutes=4))]
    assert step.finished is second and step.ended == T0 + timedelta(minutes=4)
    assert not line.held and not line.waiting and line.call is None


def test_events_of_unknown_calls_change_nothing():
    line = answered_line()
    for kind in ("CALL_ESTABLISHED", "CALL_CLOSED", "CALL_TRANSFER_FAILED"):
        step = line.said(event(kind, "nobody"), T0)
        assert step.ended is None and step.ring is None and not step.notices
    assert line.call is not None and line.call.phone_id == "c1"
