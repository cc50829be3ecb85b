"""The softphone's control link: baresip's `ctrl_tcp` module, JSON in netstrings over TCP.

Plain protocol code (no interface): the desk runs `PhoneLink` in a background thread and turns
what `read` returns into messages. Events arrive as

    {"event":true,"type":"CALL_INCOMING","accountaor":"sip:+31412000000@host",
     "peeruri":"sip:+31612345678@host","id":"6c40…","param":"…"}

and commands go out as `{"command":"accept","params":"","token":"t2"}`, answered by
`{"response":true,"ok":true,"data":"…","token":"t2"}`.

The one way to build a transfer command is `transfer_command`, which takes the transfer
guard's answer (kccdesk.calls.transfers.TransferCheck) and refuses a target the guard has not
passed, unless the agent overrode it knowingly.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kccdesk.calls.transfers import TransferCheck

#: a netstring longer than this is not baresip talking: the link is dropped
MAX_MESSAGE = 1 << 20
#: digits a netstring's length may have (MAX_MESSAGE has 7)
MAX_LENGTH_DIGITS = 8
#: JSON nested deeper than this is no message of the protocol: the frame is dropped
MAX_JSON_DEPTH = 32

log = logging.getLogger(__name__)
#: pauses between reconnection attempts grow to at most this (seconds)
MAX_BACKOFF = 5.0
FIRST_BACKOFF = 0.2


class PhoneError(Exception):
    """The softphone cannot be reached or said something that is not its protocol."""


# --- netstrings ----------------------------------------------------------------------------


def encode(message: dict[str, Any]) -> bytes:
    """One JSON object as a netstring: `<length>:<json>,`."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return str(len(body)).encode() + b":" + body + b","


class NetstringReader:
    """Collects bytes as they come and hands out every complete JSON object.

    A frame that is a netstring but not a JSON object (bad JSON, nested too deep) is
    dropped and counted (`dropped`, logged): the frames after it still line up. A stream
    that is not netstrings at all (no length, a length too long, no comma) cannot be
    followed: PhoneError, and the link starts over."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.dropped = 0

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        self._buffer += data
        found: list[dict[str, Any]] = []
        while True:
            colon = self._buffer.find(b":")
            if colon < 0:
                if len(self._buffer) > 10:
                    raise PhoneError("geen netstring: lengte ontbreekt")
                return found
            head = bytes(self._buffer[:colon])
            if not head.isdigit() or len(head) > MAX_LENGTH_DIGITS:
                raise PhoneError(f"geen netstring: lengte {head[:20]!r}")
            length = int(head)
            if length > MAX_MESSAGE:
                raise PhoneError(f"netstring te lang ({length} bytes)")
            end = colon + 1 + length
            if len(self._buffer) < end + 1:
                return found
            if self._buffer[end : end + 1] != b",":
                raise PhoneError("geen netstring: komma ontbreekt")
            body = bytes(self._buffer[colon + 1 : end])
            del self._buffer[: end + 1]
            message = _json_object(body)
            if message is None:
                self.dropped += 1
                log.warning("softphone: bericht overgeslagen (geen JSON-object, %d bytes)", length)
                continue
            found.append(message)


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The JSON object in a frame, or None for anything else: invalid JSON, another type,
    or nesting deeper than any message of the protocol (a thousand levels would exhaust
    the parser's recursion; a hundred never occur)."""
    if _depth(body) > MAX_JSON_DEPTH:
        return None
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def _depth(body: bytes) -> int:
    """The deepest nesting of [ and { outside strings (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


# --- what the phone says ---------------------------------------------------------------------


@dataclass(frozen=True)
class CallEvent:
    """Something happened to a call (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, …)."""

    type: str
    call_id: str
    account: str  # the account's AOR: its user part is the dialed line
    peer: str  # the other side's URI: its user part is the caller's number
    param: str = ""
    direction: str = ""

    @property
    def line(self) -> str:
        return _shown_part(user_part(self.account))

    @property
    def caller(self) -> str:
        return _shown_part(user_part(self.peer))


#: a dialed line or caller id longer than this is no number (it is cut)
MAX_PART = 64


def _shown_part(part: str) -> str:
    """A number from the phone as the desk may show and store it: at most MAX_PART
    characters, control and direction characters replaced (kccdesk.core.text_rule)."""
    from kccdesk.core.text_rule import forbidden

    part = part[:MAX_PART]
    while (wrong := forbidden(part)) is not None:
        part = part[: wrong.position - 1] + "?" + part[wrong.position :]
    return part


@dataclass(frozen=True)
class Response:
    """The phone's answer to one command (matched by its token)."""

    token: str
    ok: bool
    data: str = ""


@dataclass(frozen=True)
class OtherEvent:
    """An event the desk does not act on (registration, SDP, RTCP, …)."""

    type: str
    raw: dict[str, Any]


PhoneMessage = CallEvent | Response | OtherEvent


def parse(message: dict[str, Any]) -> PhoneMessage:
    if message.get("response"):
        return Response(
            token=str(message.get("token", "")),
            ok=bool(message.get("ok")),
            data=str(message.get("data", "")),
        )
    kind = str(message.get("type", ""))
    if message.get("event") and message.get("class") == "call" and message.get("id"):
        return CallEvent(
            type=kind,
            call_id=str(message["id"]),
            account=str(message.get("accountaor", "")),
            peer=str(message.get("peeruri", "")),
            param=str(message.get("param", "")),
            direction=str(message.get("direction", "")),
        )
    return OtherEvent(kind, message)


def user_part(uri: str) -> str:
    """`sip:+31612345678@host;tag=x` → `+31612345678`; `"Name" <sip:0612@h>` → `0612`."""
    text = uri.strip()
    if "<" in text and ">" in text:
        text = text[text.index("<") + 1 : text.index(">")]
    for scheme in ("sips:", "sip:", "tel:"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
            break
    return text.split("@", 1)[0].split(";", 1)[0]


# --- commands --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    command: str
    params: str = ""


ACCEPT = Command("accept")
HANGUP = Command("hangup")
HOLD = Command("hold")
RESUME = Command("resume")


class TransferRefused(Exception):
    """The guard has not passed this target: nothing is sent."""


def transfer_uri(number: str, domain: str) -> str:
    """A person's number (E.164) as the SIP URI the phone transfers to."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if not digits or not domain:
        raise TransferRefused("geen nummer of geen transfer_domain voor doorverbinden")
    return f"sip:{digits}@{domain}"


def transfer_command(
    check: TransferCheck, person_id: str, number: str, domain: str, *, override: bool = False
) -> Command:
    """The transfer to send — only to someone the guard passed: the person asked for when
    allowed (or knowingly overridden), or one of the alternatives it offered."""
    if person_id == check.target.person:
        if not (check.allowed or override):
            raise TransferRefused(f"{person_id}: {check.stop_reason}")
    elif not any(alt.person == person_id for alt in check.alternatives):
        raise TransferRefused(f"{person_id} is geen alternatief van de controle")
    return Command("transfer", transfer_uri(number, domain))


# --- the link ----------------------------------------------------------------------------------


def parse_address(control: str) -> tuple[str, int]:
    host, _, port = control.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"control moet host:poort zijn, niet {control!r}")
    return host.strip("[]"), int(port)


class Backoff:
    """Growing pauses between attempts: 0.2, 0.4, 0.8 … at most MAX_BACKOFF; reset on success."""

    def __init__(self, first: float = FIRST_BACKOFF, most: float = MAX_BACKOFF):
        self.first = first
        self.most = most
        self.current = first

    def next(self) -> float:
        pause = self.current
        self.current = min(self.current * 2, self.most)
        return pause

    def reset(self) -> None:
        self.current = self.first


class PhoneLink:
    """One TCP connection to baresip's ctrl_tcp. `read` belongs to one thread (the desk's
    worker); `send` may be called from any thread (it holds a lock)."""

    def __init__(self, control: str, timeout: float = 1.0):
        self.address = parse_address(control)
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._reader = NetstringReader()
        self._send_lock = threading.Lock()
        self._tokens = itertools.count(1)

    @property
    def connected(self) -> bool:
        return self._sock is not None

    def connect(self) -> None:
        try:
            sock = socket.create_connection(self.address, timeout=self.timeout)
        except OSError as exc:
            raise PhoneError(str(exc)) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = NetstringReader()
        self._sock = sock

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def send(self, command: Command) -> str:
        """Send a command; returns its token (the Response carries it)."""
        sock = self._sock
        if sock is None:
            raise PhoneError("niet verbonden")
        token = f"k{next(self._tokens)}"
        data = encode({"command": command.command, "params": command.params, "token": token})
        with self._send_lock:
            try:
                sock.sendall(data)
            except OSError as exc:
                raise PhoneError(str(exc)) from None
        return token

    def read(self, wait: float) -> list[PhoneMessage]:
        """What the phone said within `wait` seconds ([] when nothing). PhoneError when the
        link broke (the phone quit or was killed)."""
        sock = self._sock
        if sock is None:
            raise PhoneError("niet verbonden")
        sock.settimeout(wait)
        try:
            data = sock.recv(65536)
        except TimeoutError:
            return []
        except OSError as exc:
            self.close()
            raise PhoneError(str(exc)) from None
        if not data:
            self.close()
            raise PhoneError("de softphone verbrak de verbinding")
        try:
            return [parse(m) for m in self._reader.feed(data)]
        except PhoneError:
            self.close()
            raise


def run_link(
    link: PhoneLink,
    stopping: Callable[[], bool],
    on_state: Callable[[bool, str], object],
    on_message: Callable[[PhoneMessage], object],
    poll: float = 0.1,
) -> None:
    """Keep the link up until `stopping()`: connect, report each message, reconnect with
    growing pauses after a failure. `on_state(connected, error)` is called on each change."""
    backoff = Backoff()
    state: bool | None = None
    while not stopping():
        if not link.connected:
            try:
                link.connect()
            except PhoneError as exc:
                if state is not False:
                    state = False
                    on_state(False, str(exc))
                _pause(backoff.next(), stopping, poll)
                continue
            backoff.reset()
            state = True
            on_state(True, "")
        try:
            messages = link.read(poll)
        except Exception as exc:  # PhoneError, or anything a hostile phone provokes
            log.warning("softphone: verbinding opnieuw na fout: %s", exc)
            link.close()
            state = False
            on_state(False, str(exc) if isinstance(exc, PhoneError) else "onleesbaar bericht")
            _pause(backoff.next(), stopping, poll)
            continue
        for message in messages:
            try:
                on_message(message)
            except Exception as exc:  # one message the desk could not take: not the link
                log.warning("softphone: bericht niet verwerkt: %s", exc)
    link.close()


def _pause(seconds: float, stopping: Callable[[], bool], poll: float) -> None:
    """Sleep in small steps (never Event.wait with a deadline a shifted clock distorts)."""
    deadline = time.monotonic() + seconds
    while not stopping() and time.monotonic() < deadline:
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
