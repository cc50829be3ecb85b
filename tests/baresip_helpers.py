"""Real baresip processes on loopback for the softphone tests (no mocks of the phone).

Each instance gets its own config directory and a block of ports 10 apart: SIP on base
(TLS takes base+1), ctrl_tcp on base+2. Without baresip the tests skip with the reason; with
CI=true they fail instead (CI installs it, see .ci/run)."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kccdesk.calls.softphone import CallEvent, Command, PhoneLink, PhoneMessage, Response

CONFIG = """\
sip_listen 127.0.0.1:{sip}
sip_trans_def udp
module_path {modules}
module g711.so
module ausine.so
module aufile.so
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{ctrl}
audio_source ausine,440
audio_player aufile,/dev/null
audio_alert aufile,/dev/null
ausrc_srate 48000
auplay_srate 48000
ausrc_channels 2
auplay_channels 2
"""

_next_base = random.randrange(21000, 39000, 10)


def require_baresip() -> str:
    path = shutil.which("baresip")
    if path is None:
        reason = (
            "baresip is not installed (apt-get install -y --no-install-recommends baresip-core)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def modules_dir() -> str:
    for candidate in ("/usr/lib/baresip/modules", "/usr/local/lib/baresip/modules"):
        if Path(candidate, "ctrl_tcp.so").exists():
            return candidate
    return "/usr/lib/baresip/modules"


def _free(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _ports() -> int:
    global _next_base
    for _ in range(200):
        base = _next_base
        _next_base += 10
        if _next_base > 60000:
            _next_base = 21000
        if all(_free(base + i) for i in range(3)):
            return base
    raise RuntimeError("no free ports for baresip")


class Baresip:
    """One baresip process with accounts for the given user parts (numbers)."""

    def __init__(self, directory: Path, users: list[str]):
        self.binary = require_baresip()
        self.directory = directory
        self.users = users
        self.base = _ports()
        self.sip = self.base
        self.ctrl = self.base + 2
        self.process: subprocess.Popen | None = None
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "config").write_text(
            CONFIG.format(sip=self.sip, ctrl=self.ctrl, modules=modules_dir())
        )
        (directory / "accounts").write_text(
            "".join(f"<sip:{u}@127.0.0.1:{self.sip}>;regint=0\n" for u in users)
        )

    @property
    def control(self) -> str:
        return f"127.0.0.1:{self.ctrl}"

    def uri(self, user: str) -> str:
        return f"sip:{user}@127.0.0.1:{self.sip}"

    def start(self) -> Baresip:
        log = open(self.directory / "log", "ab")  # noqa: SIM115 - kept for the process
        self.process = subprocess.Popen(
            [self.binary, "-f", str(self.directory)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.ctrl), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.02)
        raise RuntimeError(f"baresip did not start: {self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def log(self) -> str:
        path = self.directory / "log"
        return path.read_text(errors="replace") if path.exists() else ""


class Driver:
    """Drives one instance from a test the way the desk does: through ctrl_tcp."""

    def __init__(self, phone: Baresip):
        self.link = PhoneLink(phone.control)
        self.link.connect()
        self.seen: list[PhoneMessage] = []

    def send(self, command: str, params: str = "") -> str:
        return self.link.send(Command(command, params))

    def wait_for(self, predicate, seconds: float = 5.0) -> PhoneMessage:
        deadline = time.monotonic() + seconds
        index = 0
        while True:
            while index < len(self.seen):
                message = self.seen[index]
                index += 1
                if predicate(message):
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen; got {self.seen}")
            self.seen.extend(self.link.read(0.05))

    def event(self, kind: str, seconds: float = 5.0) -> CallEvent:
        found = self.wait_for(lambda m: isinstance(m, CallEvent) and m.type == kind, seconds)
        assert isinstance(found, CallEvent)
        return found

    def response(self, token: str, seconds: float = 5.0) -> Response:
        found = self.wait_for(lambda m: isinstance(m, Response) and m.token == token, seconds)
        assert isinstance(found, Response)
        return found

    def events(self, wait: float = 0.3) -> list[str]:
        """Call event types seen so far, after reading for `wait` seconds more."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            self.seen.extend(self.link.read(0.05))
        return [m.type for m in self.seen if isinstance(m, CallEvent)]

    def close(self) -> None:
        self.link.close()
