"""`kccdesk serve` as a process: the pages, the escalation pass and the outbox of a team.
Two at once escalate each round once; one killed in the middle of a round leaves it whole,
and the next one finishes it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest

from ack_helpers import WEDNESDAY_2145, Clock, Smtp, free_port, urgent_note, warm_desk

KCCDESK = [sys.executable, "-m", "kccdesk"]


def write_config(tmp_path, smtp_port: int, web_port: int, timeout: float = 10) -> None:
    (tmp_path / "config.toml").write_text(
        f"""agent = "Serve"
[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "kcc@example.nl"
timeout = {timeout}

[ack]
base_url = "http://127.0.0.1:{web_port}"
secret_file = "{tmp_path / "ack.key"}"
"""
    )


def serve(tmp_path, url: str, port: int, now, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "KCCDESK_DATABASE_URL": url,
        "KCCDESK_NOW": now.isoformat(),
        "KCCDESK_CONFIG": str(tmp_path / "config.toml"),
    }
    return subprocess.Popen(
        [*KCCDESK, "serve", "--listen", f"127.0.0.1:{port}", "--every", "0.2", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(check, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("waited in vain")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
            return answer.read() == b"ok"
    except OSError:
        return False


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=20)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1]


def test_serve_without_ack_settings_says_what_is_missing(tmp_path):
    done = subprocess.run([*KCCDESK, "serve"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "[ack] base_url" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run(
        [*KCCDESK, "serve", "--listen", "geen-poort"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "HOST:POORT" in done.stderr


def test_two_serve_processes_at_once_escalate_each_round_once(tmp_path, sqlite_url, demo_store):
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    ports = [free_port(), free_port()]
    with Smtp() as smtp:
        desk.deliver_due(smtp.settings)  # 21:45 the note went out; nobody acknowledged it
        write_config(tmp_path, smtp.port, ports[0])
        moment = WEDNESDAY_2145 + timedelta(minutes=11)
        both = [serve(tmp_path, sqlite_url, port, moment) for port in ports]
        try:
            wait_for(lambda: all(healthy(p) for p in ports))
            wait_for(lambda: len(smtp.inbox.messages) >= 2)
            time.sleep(1.5)  # several more passes of both
        finally:
            logs = [stop(p) for p in both]
    ids = sorted(m["Message-ID"] for m in smtp.inbox.messages)
    assert ids == [f"<{note.uuid}.1@kccdesk>", f"<{note.uuid}@kccdesk>"], logs
    events = [e.kind for e in desk.note_trail(note.id)[1]]
    assert events.count("escalated") == 1 and events.count("sent") == 2
    assert all("Traceback" not in log for log in logs), logs
    assert all(note.uuid not in log and "/a/" not in log for log in logs)  # no tokens logged


class Hanging:
    """An SMTP server that takes the message and never answers: the sender waits."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(60)
        return "250 too late"


def test_a_serve_killed_in_the_middle_of_a_round_leaves_it_whole(tmp_path, sqlite_url, demo_store):
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    port = free_port()
    with Smtp(Hanging()) as hanging:
        write_config(tmp_path, hanging.port, port, timeout=30)
        first = serve(tmp_path, sqlite_url, port, WEDNESDAY_2145 + timedelta(minutes=11))
        try:
            wait_for(lambda: desk.note_trail(note.id)[0].status == "sending")
        finally:
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=10)
    halfway, events = desk.note_trail(note.id)
    assert (halfway.round, halfway.send_to, halfway.status) == (1, "emulder", "sending")
    assert [e.kind for e in events] == ["saved", "escalated"]
    # Eleven minutes on another serve starts: the dead one's claim has gone stale.
    with Smtp() as smtp:
        write_config(tmp_path, smtp.port, port)
        later = serve(tmp_path, sqlite_url, port, WEDNESDAY_2145 + timedelta(minutes=22))
        try:
            wait_for(lambda: len(smtp.inbox.messages) >= 2)
            time.sleep(0.5)
        finally:
            log = stop(later)
    sent = [(m["Message-ID"], m["To"]) for m in smtp.inbox.messages]
    assert sent == [
        (f"<{note.uuid}.1@kccdesk>", "e.mulder@warmtenet.example.nl"),
        (f"<{note.uuid}.2@kccdesk>", "r.bos@warmtenet.example.nl"),  # 22:07: Rik's night
    ], log
    rounds = [e.round for e in desk.note_trail(note.id)[1] if e.kind == "escalated"]
    assert rounds == [1, 2]


@pytest.mark.parametrize("signal_", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_cleanly_on_a_signal(tmp_path, sqlite_url, demo_store, signal_):
    port = free_port()
    write_config(tmp_path, free_port(), port)
    process = serve(tmp_path, sqlite_url, port, WEDNESDAY_2145)
    wait_for(lambda: healthy(port))
    process.send_signal(signal_)
    log = process.communicate(timeout=20)[1]
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert os.stat(tmp_path / "ack.key").st_mode & 0o777 == 0o600


def test_serve_stops_to_be_restarted_when_its_database_file_is_replaced(
    tmp_path, sqlite_url, demo_store
):
    """A backup copied over the file (or the file removed) under a running serve: it says
    so and exits 3, so systemd's Restart= starts it again on the file that is there now."""
    import shutil

    port = free_port()
    write_config(tmp_path, free_port(), port)
    process = serve(tmp_path, sqlite_url, port, WEDNESDAY_2145)
    try:
        wait_for(lambda: healthy(port))
        path = sqlite_url.removeprefix("sqlite:///")
        shutil.copy(path, path + ".kopie")
        os.replace(path + ".kopie", path)
        log = process.communicate(timeout=30)[1]
    finally:
        stop(process)
    assert process.returncode == 3, log
    assert "is verplaatst, vervangen of verwijderd" in log and "Traceback" not in log
