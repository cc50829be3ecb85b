"""Local files hold callers' data: owner-only whatever the umask, and nothing read from the
local disk can run code."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import socket
import stat
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import DEMO_DIR
from desk_helpers import SIZE, build_app, settle
from kccdesk.calls import ringing
from kccdesk.clients.recent import LastClient
from kccdesk.clients.snapshot import ClientSnapshot
from kccdesk.core import locations
from kccdesk.notes.drafts import DraftStore, NoteDraft
from kccdesk.notes.rules import check_note
from kccdesk.storage import open_store

BIKES = "fietsenmakerij-van-dijk"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The most careless umask there is; restored after."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_data_and_local_dirs_are_owner_only(open_umask):
    data = locations.data_dir()
    local = locations.local_dir("sqlite:///x.db")
    assert (mode(data), mode(data / "local"), mode(local)) == (0o700, 0o700, 0o700)


def test_database_and_its_journal_are_owner_only(open_umask, demo_clients):
    path = locations.data_dir() / "kccdesk.db"
    store = open_store(f"sqlite:///{path}")
    store.import_clients(demo_clients.values())
    client = demo_clients[BIKES]
    note = check_note(client, "lisa", "Piet", "0612345678", "privé", at=datetime.now(UTC))
    store.add_note(note, at=datetime.now(UTC))
    journal = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert all(p.exists() for p in journal)  # WAL mode: the notes are in these too
    assert [mode(p) for p in (path, *journal)] == [0o600, 0o600, 0o600]
    store.close()


def test_existing_database_file_is_made_owner_only(tmp_path, open_umask):
    path = tmp_path / "old.db"
    open_store(f"sqlite:///{path}").close()
    os.chmod(path, 0o644)  # as an earlier kccdesk left it
    open_store(f"sqlite:///{path}").close()
    assert mode(path) == 0o600


def test_draft_snapshot_and_last_client_are_owner_only(tmp_path, open_umask, demo_clients):
    local = tmp_path / "local"
    draft = NoteDraft(BIKES, caller_name="Piet", phone="0612345678")
    DraftStore(local).save(draft)
    ClientSnapshot(local).save(list(demo_clients.values()))
    LastClient(local).set(BIKES)
    files = sorted(p.name for p in local.iterdir())
    assert files == ["clients.json", "drafts", "last-client"]  # no temp files left
    plain = [p for p in local.iterdir() if p.is_file()]
    assert {p.name: mode(p) for p in plain} == {p.name: 0o600 for p in plain}
    drafts = local / "drafts"
    assert [p.name for p in drafts.iterdir()] == [f"{draft.id}.json"]
    assert mode(drafts / f"{draft.id}.json") == 0o600
    assert mode(local) == 0o700 and mode(drafts) == 0o700


def test_snapshot_is_json_and_round_trips(tmp_path, demo_clients):
    snapshot = ClientSnapshot(tmp_path)
    snapshot.save(list(demo_clients.values()))
    data = json.loads((tmp_path / "clients.json").read_text())
    assert data["format"] == "kccdesk-clients"
    assert snapshot.load() == list(demo_clients.values())


class _Planted:
    """A pickle that runs code when loaded: what another user could have left."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_is_never_loaded_and_is_removed(tmp_path, demo_clients):
    marker = tmp_path / "ran"
    (tmp_path / "clients.pickle").write_bytes(pickle.dumps(("0.1.0", _Planted(marker))))
    snapshot = ClientSnapshot(tmp_path)
    assert snapshot.load() is None
    snapshot.save(list(demo_clients.values()))
    assert snapshot.load() == list(demo_clients.values())
    assert not marker.exists() and not (tmp_path / "clients.pickle").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x80\x04not json",
        b"[1, 2]",
        b'{"format": "kccdesk-clients", "version": "0.0.0-other", "clients": []}',
        b'{"format": "something-else", "version": "0.1.0", "clients": []}',
        b'{"format": "kccdesk-clients", "version": "0.1.0", "clients": [{"id": 5}]}',
        b'{"format": "kccdesk-clients", "version": "0.1.0", '
        b'"clients": [{"id": "x", "name": "X", "evil": 1}]}',
    ],
)
def test_corrupt_foreign_or_other_version_snapshot_is_ignored(tmp_path, content):
    (tmp_path / "clients.json").write_bytes(content)
    assert ClientSnapshot(tmp_path).load() is None


# --- the ring socket --------------------------------------------------------------------


def _send(path: Path, payload: bytes) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(path))
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    return json.loads(reply)


BAD_REQUESTS = [
    (b"[1, 2]\n", "JSON-object"),
    (b'"020-5551234"\n', "JSON-object"),
    (b"null\n", "JSON-object"),
    (b"{{{\n", "geen JSON"),
    (b"\n", "geen JSON"),
    (b'{"line": 5}\n', "moet tekst zijn"),
    (b'{"caller": "0611112222"}\n', "ontbreekt"),
    (json.dumps({"line": "020-5551234", "caller": "1" * 10000}).encode() + b"\n", "te groot"),
    (json.dumps({"line": "020-5551234", "caller": "1" * 40}).encode() + b"\n", "te lang"),
    (b'{"line": "020\\u001b[2J"}\n', "stuurtekens"),
    (b"x" * 5000, "te groot"),
    (b'{"line": "020-5551234"', "geen JSON"),  # no newline, then the end
]


async def test_ring_socket_is_owner_only_and_answers_every_request(demo_store, open_umask):
    app = build_app(demo_store.url, BIKES)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        deadline = time.monotonic() + 5
        while app.ring_server is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        path = ringing.socket_path(app.local_dir)
        assert mode(path) == 0o600 and mode(app.local_dir) == 0o700
        for payload, fragment in BAD_REQUESTS:
            reply = await asyncio.to_thread(_send, path, payload)
            assert reply["ok"] is False, payload[:40]
            assert fragment in reply["error"], (payload[:40], reply)
        good = json.dumps({"line": "020-5551234", "caller": "0611112222"}).encode() + b"\n"
        assert (await asyncio.to_thread(_send, path, good))["ok"] is True
        await settle(pilot)
        assert app.screen.client_id == "huisartsen-de-linde"


def test_socket_peer_of_the_same_user_is_accepted():
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert ringing.same_user(left)


@pytest.mark.skipif(not hasattr(socket, "SO_PEERCRED"), reason="no SO_PEERCRED on this system")
def test_socket_peer_of_another_user_is_refused():
    if os.getuid() != 0:
        pytest.skip("connecting as another user needs root (to switch to 'nobody')")
    where = Path(tempfile.mkdtemp())
    os.chmod(where, 0o777)  # reachable for the other user, unlike the desk's own directory
    path = where / "peer.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        os.chmod(path, 0o777)
        server.listen(1)
        code = (
            "import os, socket, sys\n"
            "os.setuid(65534)\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            "s.connect(sys.argv[1])\n"
            "s.recv(1)\n"
        )
        child = subprocess.Popen([sys.executable, "-c", code, str(path)])
        connection, _ = server.accept()
        with connection:
            assert not ringing.same_user(connection)
        child.wait(timeout=10)
    path.unlink()
    where.rmdir()


# --- directories kccdesk creates, and ones it must not use (issue 28) ------------------------


def test_every_directory_created_is_owner_only_parents_too(tmp_path, open_umask):
    from kccdesk.core.files import private_dir

    deep = private_dir(tmp_path / "home" / ".local" / "share" / "kccdesk")
    for directory in (deep, *list(deep.parents)[:3]):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


@pytest.mark.skipif(os.getuid() != 0, reason="making a directory of another user needs root")
def test_a_data_directory_of_another_user_is_refused(tmp_path, monkeypatch, capsys):
    from kccdesk.cli.main import main

    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 4321, 4321)
    monkeypatch.setenv("KCCDESK_DATA_DIR", str(theirs))
    monkeypatch.delenv("KCCDESK_DATABASE_URL", raising=False)
    assert main(["duty", "--client", "x"]) == 2
    err = capsys.readouterr().err
    assert "is van een andere gebruiker (uid 4321)" in err and err.count("\n") == 1


def test_a_data_directory_writable_by_others_is_refused(tmp_path, monkeypatch, capsys):
    from kccdesk.cli.main import main

    open_dir = tmp_path / "open"
    open_dir.mkdir()
    os.chmod(open_dir, 0o777)
    monkeypatch.setenv("KCCDESK_DATA_DIR", str(open_dir))
    monkeypatch.delenv("KCCDESK_DATABASE_URL", raising=False)
    assert main(["duty", "--client", "x"]) == 2
    assert "beschrijfbaar voor anderen" in capsys.readouterr().err
    # ...and one whose parent anyone may write to (its data could be swapped away).
    monkeypatch.setenv("KCCDESK_DATA_DIR", str(open_dir / "data"))
    assert main(["duty", "--client", "x"]) == 2
    assert "beschrijfbaar voor iedereen" in capsys.readouterr().err
    assert not (open_dir / "data").exists()


def test_exported_files_are_owner_only_whatever_the_umask(tmp_path, open_umask, monkeypatch):
    from kccdesk.cli.main import main

    monkeypatch.setenv("KCCDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'e.db'}")
    assert main(["import", str(DEMO_DIR)]) == 0
    out = tmp_path / "export"
    assert main(["export", str(out)]) == 0
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    assert modes == {0o600}


@pytest.mark.skipif(os.getuid() != 0, reason="acting as another local user needs root")
def test_another_local_user_cannot_swap_or_read_the_data_under_an_open_umask(
    tmp_path, open_umask, monkeypatch, demo_clients
):
    """The attack of issue 28: under umask 000 another user renamed the data directory away
    and planted their own database. Now every directory kccdesk creates is 0700, so the
    other user (here 'nobody') can rename, plant or read nothing."""
    home = Path(tempfile.mkdtemp())
    try:
        os.chmod(home, 0o755)  # a home directory as most systems make it
        monkeypatch.setenv("HOME", str(home))
        for name in ("XDG_DATA_HOME", "KCCDESK_DATA_DIR", "KCCDESK_DATABASE_URL"):
            monkeypatch.delenv(name, raising=False)
        store = open_store(locations.database_url())
        store.import_clients(list(demo_clients.values())[:1])
        store.close()
        data = locations.data_dir()
        assert data.is_relative_to(home)
        attempts = (
            "import os, sys\n"
            "os.setuid(65534)\n"
            "data = sys.argv[1]\n"
            "tries = {\n"
            "  'rename': lambda: os.rename(data, data + '.weg'),\n"
            "  'plant': lambda: open(os.path.join(data, 'planted.db'), 'w'),\n"
            "  'read': lambda: open(os.path.join(data, 'kccdesk.db'), 'rb').read(1),\n"
            "  'rename parent': lambda: os.rename(os.path.dirname(data), data + '-p'),\n"
            "}\n"
            "for name, attempt in tries.items():\n"
            "    try:\n"
            "        attempt()\n"
            "        print(name, 'done')\n"
            "    except PermissionError:\n"
            "        print(name, 'refused')\n"
        )
        child = subprocess.run(
            [sys.executable, "-c", attempts, str(data)], capture_output=True, text=True, timeout=30
        )
        assert child.stdout.split("\n")[:-1] == [
            "rename refused",
            "plant refused",
            "read refused",
            "rename parent refused",
        ], child.stderr
        assert (data / "kccdesk.db").exists()
    finally:
        import shutil

        shutil.rmtree(home)


def test_a_data_directory_that_cannot_be_made_is_one_clear_line(tmp_path):
    """Edge review of issue 23: KCCDESK_DATA_DIR under a file exited with "uitvoer niet te
    schrijven (schijf vol of gesloten)", as if standard output were the trouble."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {**os.environ, "KCCDESK_DATA_DIR": str(blocker / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "kccdesk", "note", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "map " in result.stderr and "er staat een bestand waar een map hoort" in result.stderr
    assert "uitvoer" not in result.stderr and "Traceback" not in result.stderr
