"""The ctrl_tcp protocol (kccdesk.calls.softphone) against real baresip processes on loopback."""

from __future__ import annotations

import itertools
import socket
import threading
import time

import pytest

from baresip_helpers import Baresip, Driver
from kccdesk.calls import softphone
from kccdesk.calls.softphone import (
    CallEvent,
    NetstringReader,
    PhoneError,
    PhoneLink,
    Response,
    TransferRefused,
    transfer_command,
)

LINE = "+31412000000"
OTHER_LINE = "+31302345678"
CALLER = "+31612345678"
TARGET = "+31612345699"


def test_netstrings_in_pieces_and_together():
    reader = NetstringReader()
    data = softphone.encode({"a": 1}) + softphone.encode({"b": "é"})
    assert reader.feed(data[:3]) == []
    assert reader.feed(data[3:]) == [{"a": 1}, {"b": "é"}]
    with pytest.raises(PhoneError):
        NetstringReader().feed(b"5:abcde;")
    with pytest.raises(PhoneError):
        NetstringReader().feed(b"GET / HTTP/1.1\r\n")


def test_user_parts_of_uris():
    assert softphone.user_part("sip:+31612345678@127.0.0.1:5090") == "+31612345678"
    assert softphone.user_part('"Jan" <sip:0612345678@h;transport=udp>;tag=1') == "0612345678"
    assert softphone.user_part("tel:+3120123") == "+3120123"
    assert softphone.transfer_uri("+31 6 1234", "pbx.example.nl") == "sip:+3161234@pbx.example.nl"


def test_backoff_grows_to_five_seconds_and_resets():
    backoff = softphone.Backoff()
    pauses = [backoff.next() for _ in range(8)]
    assert pauses[:3] == [0.2, 0.4, 0.8] and pauses[-1] == 5.0
    backoff.reset()
    assert backoff.next() == 0.2


def test_the_guard_decides_what_may_be_sent(demo_desk):
    # Monday 10:00: Dr. Bakker is on leave (replaced), Hatice Kaya on duty.
    from desk_helpers import MONDAY_10

    demo_desk.clock = lambda: MONDAY_10
    stopped = demo_desk.check_transfer("huisartsen-de-linde", "sbakker")
    assert not stopped.allowed and stopped.alternatives
    with pytest.raises(TransferRefused):
        transfer_command(stopped, "sbakker", "+31201", "d")
    with pytest.raises(TransferRefused):
        transfer_command(stopped, "nobody", "+31201", "d")
    alt = stopped.alternatives[0]
    assert transfer_command(stopped, alt.person, "+31202", "d").params == "sip:+31202@d"
    forced = transfer_command(stopped, "sbakker", "+31201", "d", override=True)
    assert forced == softphone.Command("transfer", "sip:+31201@d")


@pytest.fixture
def phones(tmp_path):
    started: list[Baresip] = []

    def start(name: str, users: list[str]) -> Baresip:
        phone = Baresip(tmp_path / name, users).start()
        started.append(phone)
        return phone

    yield start
    for phone in started:
        phone.stop()


def test_incoming_call_answer_and_hang_up(phones):
    agent_phone = phones("agent", [LINE, OTHER_LINE])
    agent = Driver(agent_phone)
    caller = Driver(phones("caller", [CALLER]))
    assert caller.response(caller.send("dial", agent_phone.uri(OTHER_LINE))).ok
    incoming = agent.event("CALL_INCOMING")
    assert (incoming.line, incoming.caller) == (OTHER_LINE, CALLER)
    assert incoming.call_id
    answered = agent.response(agent.send("accept"))
    assert answered.ok
    assert agent.event("CALL_ESTABLISHED").call_id == incoming.call_id
    assert agent.response(agent.send("hangup")).ok
    closed = agent.event("CALL_CLOSED")
    assert closed.call_id == incoming.call_id
    assert caller.event("CALL_CLOSED")


def test_blind_transfer_reaches_the_target_from_the_callers_uri(phones):
    agent_phone = phones("agent", [LINE])
    agent = Driver(agent_phone)
    caller = Driver(phones("caller", [CALLER]))
    target_phone = phones("target", [TARGET])
    target = Driver(target_phone)
    caller.send("dial", agent_phone.uri(LINE))
    agent.event("CALL_INCOMING")
    agent.send("accept")
    agent.event("CALL_ESTABLISHED")
    assert agent.response(agent.send("transfer", target_phone.uri(TARGET))).ok
    ringing = target.event("CALL_INCOMING")
    assert ringing.caller == CALLER  # the caller's phone follows the REFER
    target.send("accept")
    target.event("CALL_ESTABLISHED")
    assert agent.event("CALL_CLOSED")  # the agent's leg ends once the target has the call


def test_the_link_reports_a_killed_phone_and_reconnects(phones, tmp_path):
    phone = phones("agent", [LINE])
    link = PhoneLink(phone.control)
    states: list[tuple[bool, str]] = []
    stop = threading.Event()
    runner = threading.Thread(
        target=softphone.run_link,
        args=(link, stop.is_set, lambda ok, err: states.append((ok, err)), lambda m: None),
        kwargs={"poll": 0.05},
    )
    runner.start()
    try:
        _until(lambda: states and states[-1][0])
        phone.stop()
        _until(lambda: not states[-1][0])
        phone.start()
        _until(lambda: states[-1][0], seconds=8)
        # Connected, lost, connected again (a busy machine may report a state twice, and a
        # phone that is still starting may drop the first connection once more).
        runs = [ok for ok, _ in itertools.groupby(ok for ok, _ in states)]
        assert runs[:3] == [True, False, True] and runs[-1] is True
    finally:
        stop.set()
        runner.join(5)


def test_a_port_nobody_listens_on_is_an_error_not_a_hang():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    link = PhoneLink(f"127.0.0.1:{port}", timeout=0.5)
    with pytest.raises(PhoneError):
        link.connect()
    with pytest.raises(PhoneError):
        link.send(softphone.ACCEPT)


def _until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_messages_parse_to_dataclasses():
    event = softphone.parse(
        {
            "event": True,
            "class": "call",
            "type": "CALL_INCOMING",
            "accountaor": f"sip:{LINE}@h",
            "peeruri": f"sip:{CALLER}@h",
            "id": "x1",
        }
    )
    assert isinstance(event, CallEvent) and (event.line, event.caller) == (LINE, CALLER)
    response = softphone.parse({"response": True, "ok": False, "data": "no", "token": "k1"})
    assert response == Response("k1", False, "no")


def test_softphone_settings(tmp_path, monkeypatch):
    from kccdesk.core.settings import SettingsError, SoftphoneSettings, load_settings

    config = tmp_path / "config.toml"
    assert load_settings().softphone is None  # no [softphone]: the desk as before
    config.write_text('[softphone]\ncontrol = "127.0.0.1:4442"\ntransfer_domain = "pbx.nl"\n')
    assert load_settings().softphone == SoftphoneSettings("baresip", "127.0.0.1:4442", "pbx.nl")
    monkeypatch.setenv("KCCDESK_SOFTPHONE_CONTROL", "127.0.0.1:5555")
    assert load_settings().softphone.control == "127.0.0.1:5555"
    monkeypatch.delenv("KCCDESK_SOFTPHONE_CONTROL")
    for bad in ('kind = "linphone"', 'control = "4444"', 'transfer_domain = "sip:x@y"', "x = 1"):
        config.write_text(f"[softphone]\n{bad}\n")
        with pytest.raises(SettingsError):
            load_settings()
