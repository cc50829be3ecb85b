"""Screen pop: a softphone runs `kccdesk ring --line DIALED --caller CALLER_ID` on an incoming
call; the running desk (same user, same database) hears it on a local socket and switches to
the client whose lines contain the dialed number.

The socket is the agent's alone: it lives in the owner-only local directory, is itself 0600,
and a connection from another user is refused (SO_PEERCRED where the system has it). Every
request gets a JSON answer, also one that is malformed or too large.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kccdesk.core.text_rule import forbidden

#: how long `kccdesk ring` waits for the desk's answer (seconds)
RING_TIMEOUT = 2.0
#: the largest request the desk reads (bytes), and the longest number it takes (characters)
MAX_REQUEST = 4096
MAX_NUMBER = 32


class RingRefused(ValueError):
    """The request cannot be acted on; str() says why, in Dutch."""


def secure(path: Path) -> None:
    """The listening socket: owner-only, whatever the umask."""
    os.chmod(path, 0o600)


def same_user(sock: socket.socket | None) -> bool:
    """Whether the peer runs as this user. Where the system cannot tell (no SO_PEERCRED),
    the owner-only directory and socket mode keep others out."""
    if sock is None:
        return False
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


def parse_request(raw: bytes | None) -> tuple[str, str]:
    """(line, caller) of one request line; RingRefused when it is not a valid request.
    None means the request was larger than MAX_REQUEST."""
    if raw is None or len(raw) > MAX_REQUEST:
        raise RingRefused(f"verzoek te groot (meer dan {MAX_REQUEST} bytes)")
    try:
        request = json.loads(raw)
    except ValueError:
        raise RingRefused("onleesbaar verzoek: geen JSON") from None
    if not isinstance(request, dict):
        raise RingRefused("onleesbaar verzoek: verwacht een JSON-object met line en caller")
    line, caller = request.get("line", ""), request.get("caller", "")
    for name, value in (("line", line), ("caller", caller)):
        if not isinstance(value, str):
            raise RingRefused(f"onleesbaar verzoek: '{name}' moet tekst zijn")
        if len(value) > MAX_NUMBER:
            raise RingRefused(f"'{name}' is te lang (hoogstens {MAX_NUMBER} tekens)")
        if forbidden(value) is not None:  # the one text rule (kccdesk.core.text_rule)
            raise RingRefused(f"'{name}' bevat stuurtekens")
    if not line.strip():
        raise RingRefused("'line' (het gekozen nummer) ontbreekt")
    return line, caller


def answer(raw: bytes | None, handle: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The reply to one request: `handle(line, caller)`'s, or a JSON error — always one."""
    try:
        line, caller = parse_request(raw)
    except RingRefused as exc:
        return {"ok": False, "error": str(exc)}
    try:
        return handle(line, caller)
    except Exception as exc:  # the softphone waits for an answer: never leave it without
        return {"ok": False, "error": f"de desk kon het gesprek niet tonen: {exc}"}


def socket_path(local_dir: Path) -> Path:
    return Path(local_dir) / "desk.sock"


def ring(path: Path, line: str, caller: str) -> dict[str, Any]:
    """Tell the running desk about a call; its answer as a dict. Raises OSError when no desk
    listens on this socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(RING_TIMEOUT)
        sock.connect(str(path))
        sock.sendall(json.dumps({"line": line, "caller": caller}).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    answer: dict[str, Any] = json.loads(reply or b"{}")
    return answer


def someone_listens(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            sock.connect(str(path))
        return True
    except OSError:
        return False
