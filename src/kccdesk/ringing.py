"""Screen pop: a softphone runs `kccdesk ring --line DIALED --caller CALLER_ID` on an incoming
call; the running desk (same user, same database) hears it on a local socket and switches to
the client whose lines contain the dialed number."""

from __future__ import annotations

import json
import socket
from pathlib import Path

#: how long `kccdesk ring` waits for the desk's answer (seconds)
RING_TIMEOUT = 2.0


def socket_path(local_dir: Path) -> Path:
    return Path(local_dir) / "desk.sock"


def ring(path: Path, line: str, caller: str) -> dict:
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
    return json.loads(reply or b"{}")


def someone_listens(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            sock.connect(str(path))
        return True
    except OSError:
        return False
