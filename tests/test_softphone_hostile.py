"""The softphone link survives bad input (issue 28): a frame it cannot read is dropped, a
stream it cannot follow starts over, and the worker never dies."""

from __future__ import annotations

import socket
import threading
import time

from kccdesk.calls.softphone import CallEvent, NetstringReader, PhoneLink, encode, parse, run_link

INCOMING = {
    "event": True,
    "class": "call",
    "type": "CALL_INCOMING",
    "accountaor": "sip:+31412000000@127.0.0.1",
    "peeruri": "sip:+31612345678@127.0.0.1",
    "id": "c1",
}


def frame(body: bytes) -> bytes:
    return str(len(body)).encode() + b":" + body + b","


def test_a_frame_of_deep_or_bad_json_is_dropped_and_the_next_one_read():
    reader = NetstringReader()
    deep = b"[" * 100_000 + b"]" * 100_000
    found = reader.feed(frame(deep) + frame(b"{nope") + frame(b"[1,2]") + encode(INCOMING))
    assert found == [INCOMING]
    assert reader.dropped == 3


def test_a_length_of_thousands_of_digits_is_no_netstring():
    import pytest

    from kccdesk.calls.softphone import PhoneError

    with pytest.raises(PhoneError, match="geen netstring"):
        NetstringReader().feed(b"9" * 5000 + b":x,")


def test_caller_ids_from_the_phone_are_cut_and_cleaned():
    event = parse({**INCOMING, "peeruri": "sip:" + "1" * 5000 + "\u202e\x07@h"})
    assert isinstance(event, CallEvent)
    assert len(event.caller) == 64
    odd = parse({**INCOMING, "peeruri": "sip:06\x07\u202e12@h"})
    assert odd.caller == "06??12"


class HostilePhone:
    """A TCP server on loopback that sends what it is given, then a good event."""

    def __init__(self, payloads: list[bytes]):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.payloads = payloads
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.server.settimeout(10)
        while self.payloads:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.sendall(self.payloads.pop(0))
                time.sleep(0.3)

    def close(self) -> None:
        self.server.close()


def test_the_link_starts_over_after_garbage_and_still_hears_the_call():
    phone = HostilePhone([b"9" * 5000 + b":x,", frame(b"[" * 50_000) + encode(INCOMING)])
    link = PhoneLink(f"127.0.0.1:{phone.port}", timeout=1.0)
    heard: list[object] = []
    states: list[tuple[bool, str]] = []
    deadline = time.monotonic() + 10

    def stopping() -> bool:
        return bool(heard) or time.monotonic() > deadline

    worker = threading.Thread(
        target=run_link,
        args=(link, stopping, lambda ok, err: states.append((ok, err)), heard.append),
        kwargs={"poll": 0.05},
    )
    worker.start()
    worker.join(15)
    phone.close()
    assert not worker.is_alive()
    assert [getattr(m, "call_id", None) for m in heard] == ["c1"]
    assert phone.connections == 2  # the garbage cost one connection, not the worker
    assert (False, states[1][1]) == states[1] and "netstring" in states[1][1]


def test_a_message_the_desk_cannot_take_does_not_stop_the_link():
    phone = HostilePhone([encode(INCOMING) + encode({**INCOMING, "id": "c2"})])
    link = PhoneLink(f"127.0.0.1:{phone.port}", timeout=1.0)
    seen: list[str] = []
    deadline = time.monotonic() + 10

    def take(message) -> None:
        seen.append(message.call_id)
        if message.call_id == "c1":
            raise RuntimeError("the desk could not take this one")

    run_link(link, lambda: len(seen) >= 2 or time.monotonic() > deadline, lambda *_: None, take)
    phone.close()
    assert seen == ["c1", "c2"]


async def test_a_burst_of_second_calls_names_two_and_counts_the_rest(demo_store):
    from desk_helpers import build_app, settle

    app = build_app(demo_store.url, "gemeente-oosterwold")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        for i in range(3000):  # each ring costs the same: two named, the rest counted
            ring = CallEvent("CALL_INCOMING", f"w{i}", "sip:+31412000000@h", f"sip:06{i}@h")
            app.waiting_calls[ring.call_id] = ring
            app.show_waiting()
        await settle(pilot)
        header = str(app.screen.query_one("#call-header").render())
        assert "(+2998)" in header
        assert header.count("Tweede oproep") == 2
