"""The call line as a plain state machine (kccdesk.calls.line): the rules of a call under
pressure — a second call, a hang-up, a transfer in flight, the phone gone — without an
interface. tests/test_desk_softphone.py drives the same rules through the desk and baresip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kccdesk.calls.line import WAITING_SHOWN, CallLine
from kccdesk.calls.softphone import ACCEPT, HANGUP, CallEvent, Command, Response

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PRACTICE_AOR = "sip:+31205551234@127.0.0.1"
MUNI_AOR = "sip:+31412000000@127.0.0.1"


def ring(call_id: str, account: str = PRACTICE_AOR, caller: str = "+31612345678") -> CallEvent:
    return CallEvent("CALL_INCOMING", call_id, account, f"sip:{caller}@127.0.0.1")


def event(kind: str, call_id: str, param: str = "") -> CallEvent:
    return CallEvent(kind, call_id, PRACTICE_AOR, "sip:+31612345678@127.0.0.1", param)


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


def test_a_ring_on_an_idle_line_becomes_the_desks_call_and_times_from_the_answer():
    line = answered_line()
    assert line.on_phone
    assert line.answer().notices  # nothing rings any more: said, nothing sent
    assert not line.answer().commands


def test_ctrl_o_answers_the_ringing_call():
    line = CallLine()
    line.begin("practice", T0, phone_id="c1")
    assert line.answer().commands == [(ACCEPT, "opnemen")]


def test_a_second_call_waits_and_is_named_until_the_header_counts_the_rest():
    line = answered_line()
    named = [line.said(ring(f"w{i}", MUNI_AOR), T0).second_call for i in range(WAITING_SHOWN + 3)]
    assert [e.call_id for e in named if e is not None] == ["w0", "w1"]
    assert list(line.waiting) == [f"w{i}" for i in range(WAITING_SHOWN + 3)]
    assert line.call is not None and line.call.phone_id == "c1"  # not switched to


def test_hang_up_with_a_call_waiting_chooses_this_calls_line_first():
    line = answered_line()
    line.said(ring("w1", MUNI_AOR), T0)
    step = line.hang_up()
    assert step.commands == [
        (Command("uafind", PRACTICE_AOR), "lijn kiezen"),
        (HANGUP, "neerleggen"),
    ]
    first = line.call
    # The phone closes the first call: it ends, and the waiting caller is shown, ringing.
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
    line = answered_line()
    line.hang_up()
    line.sent("t-hang", "neerleggen")
    # The hung-up call closed and a waiting one became the desk's call meanwhile...
    line.said(event("CALL_CLOSED", "c1"), T0)
    line.begin("muni", T0, phone_id="w1")
    step = line.answered(Response("t-hang", True), T0 + timedelta(seconds=1))
    assert step.ended is None  # ...which the late answer must not end
    assert line.call is not None and line.call.phone_id == "w1"


def test_after_a_failed_transfer_the_hangup_answer_ends_the_call():
    line = answered_line()
    line.transferring("t-x", "mjansen", "", "Mark Jansen")
    step = line.answered(Response("t-x", False, "488 Not Acceptable"), T0)
    assert step.notices[0].severity == "error" and "488" in step.notices[0].text
    assert line.call is not None and line.call.outcome == "transfer_failed"
    line.hang_up()
    line.sent("t-hang", "neerleggen")
    step = line.answered(Response("t-hang", True), T0 + timedelta(minutes=1))
    assert step.finished is not None and step.finished.outcome == "transfer_failed"


def test_a_transfer_is_done_when_the_phone_closes_the_call():
    line = answered_line()
    line.transferring("t-x", "mjansen", "buiten dienst: toch doorverbonden", "Mark Jansen")
    step = line.said(event("CALL_CLOSED", "c1"), T0 + timedelta(minutes=1))
    assert step.finished is not None
    assert (step.finished.outcome, step.finished.transferred_to) == ("transferred", "mjansen")
    assert step.finished.overrides == ["buiten dienst: toch doorverbonden"]
    assert step.notices[0].severity == "warning"


def test_a_transfer_failure_event_is_recorded_with_its_reason():
    line = answered_line()
    line.transferring("t-x", "mjansen", "", "Mark Jansen")
    line.said(event("CALL_TRANSFER_FAILED", "c1", "603 Decline"), T0)
    assert line.pending_transfer is None
    assert line.call is not None and "603 Decline" in line.call.stopped[0]


def test_a_refused_command_is_said_with_what_it_was():
    line = answered_line()
    line.sent("t-accept", "opnemen")
    step = line.answered(Response("t-accept", False, ""), T0)
    assert "opnemen" in step.notices[0].text


def test_the_phone_gone_ends_its_call_and_forgets_the_waiting_ones():
    line = answered_line()
    line.said(ring("w1", MUNI_AOR), T0)
    line.transferring("t-x", "mjansen", "", "Mark Jansen")
    step = line.lost(T0 + timedelta(minutes=3))
    assert step.finished is not None and step.finished.outcome == "transfer_failed"
    assert step.ended == T0 + timedelta(minutes=3) and step.waiting_changed
    assert line.call is None and not line.waiting


def test_events_of_unknown_calls_change_nothing():
    line = answered_line()
    for kind in ("CALL_ESTABLISHED", "CALL_CLOSED", "CALL_TRANSFER_FAILED"):
        step = line.said(event(kind, "nobody"), T0)
        assert step.ended is None and step.ring is None and not step.notices
    assert line.call is not None and line.call.phone_id == "c1"
