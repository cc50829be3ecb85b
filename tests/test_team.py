"""Team mode: schema upgrades, many writers, durability, live changes, retention —
each on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from conftest import DEMO_DIR, ROOT
from desk_helpers import SIZE, build_app, settle, text_of
from kccdesk.notes.rules import check_note
from kccdesk.storage import StorageError, Store, open_store
from kccdesk.storage.schema import current_revision, head_revision, upgrade
from kccdesk.ui.workers import ENDLESS

BIKES = "fietsenmakerij-van-dijk"


def test_database_at_migration_one_upgrades_to_head_with_data_intact(database_url, demo_clients):
    store = Store(database_url)
    upgrade(store.engine, "0001")
    assert current_revision(store.engine) == "0001"
    created = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with store.engine.begin() as conn:  # data written by a version-one kccdesk
        conn.execute(
            text(
                "INSERT INTO client (id, name, kind, lines, greeting, instructions, opening_hours, "
                "country, timezone, fallback_email) VALUES ('oss', 'Gemeente Oss', '', '[]', '', "
                "'', '', 'NL', 'Europe/Amsterdam', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO person (client_id, id, position, name, role, department, phone, "
                "email, keywords) VALUES ('oss', 'anna', 0, 'Anna', '', '', '', '', '[]')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO callback_note (client_id, recipient, caller_name, caller_phone, "
                "message, urgency, agent, created_at, status, attempts, last_error, "
                "instructions_version, override) VALUES ('oss', 'anna', 'Piet', "
                "'+31612345678', 'bel terug', 'normaal', 'Test', :created, 'queued', 0, '', "
                "'', '')"
            ),
            {"created": created.replace(tzinfo=None) if "sqlite" in database_url else created},
        )
    before, after = store.upgrade_schema()
    assert (before, after) == ("0001", head_revision())
    (client,) = store.load_clients()
    assert client.name == "Gemeente Oss" and client.people[0].name == "Anna"
    (note,) = store.notes()
    assert (note.caller_phone, note.message, note.created_at) == (
        "+31612345678",
        "bel terug",
        created,
    )
    assert len(note.uuid) == 36  # notes from before the uuid column got one each
    store.close()


def test_newer_schema_is_refused_and_left_alone(database_url):
    store = open_store(database_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(StorageError, match="nieuwer dan deze kccdesk"):
        open_store(database_url)
    again = Store(database_url)
    assert again.schema_revision() == "9999"
    again.close()


def _add_note_in_other_process(url: str, message: str) -> None:
    code = (
        "import sys\n"
        "from kccdesk.clientfile import load_clients\n"
        "from kccdesk.notes.rules import check_note\n"
        "from datetime import UTC, datetime\n"
        "from kccdesk.storage import Store\n"
        f"client = next(c for c in load_clients([{str(DEMO_DIR)!r}]) if c.id == {BIKES!r})\n"
        "at = datetime(2026, 11, 23, 10, tzinfo=UTC)\n"
        f"note = check_note(client, 'lisa', 'Piet', '0612345678', {message!r}, at=at)\n"
        f"Store({url!r}).add_note(note, at=at)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_change_feed_sees_another_process_write_within_two_seconds(database_url, demo_clients):
    store = open_store(database_url)
    store.import_clients(demo_clients.values())
    feed = store.change_feed()
    assert feed.wait(0.1) == set()
    _add_note_in_other_process(database_url, "van een andere desk")
    started = time.monotonic()
    kinds = feed.wait(2.0)
    assert "notes" in kinds and time.monotonic() - started < 2.0
    renamed = dataclasses.replace(demo_clients[BIKES], name="Fietsenmakerij Van Dijk & Zn")
    store.import_clients([renamed])
    assert feed.wait(2.0) == {f"client:{BIKES}"}
    feed.close()
    store.close()


def test_many_writers_lose_nothing_small(database_url):
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "concurrency.py"),
            "--engine",
            engine,
            "--procs",
            "4",
            "--notes",
            "50",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)[engine]
    assert report["ok"], report
    assert (report["saved"], report["missing"], report["doubled"], report["errors"]) == (
        200,
        0,
        0,
        0,
    )


def test_note_reported_saved_survives_kill_9(database_url, demo_clients):
    store = open_store(database_url)
    store.import_clients(demo_clients.values())
    store.close()
    code = (
        "import sys, time\n"
        "from kccdesk.clientfile import load_clients\n"
        "from kccdesk.notes.rules import check_note\n"
        "from datetime import UTC, datetime\n"
        "from kccdesk.storage import Store\n"
        f"client = next(c for c in load_clients([{str(DEMO_DIR)!r}]) if c.id == {BIKES!r})\n"
        f"store = Store({database_url!r})\n"
        "at = datetime(2026, 11, 23, 10, tzinfo=UTC)\n"
        "note = store.add_note(check_note(client, 'lisa', 'Piet', '0612345678', 'overleeft', "
        "at=at), at=at)\n"
        "print(note.id, flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    saved_id = int(child.stdout.readline())
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    after = open_store(database_url)
    assert [n.id for n in after.notes() if n.message == "overleeft"] == [saved_id]
    after.close()


def test_purge_deletes_only_what_is_past_retention(store, demo_clients):
    store.import_clients(demo_clients.values())
    client = demo_clients[BIKES]
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    for days in (200, 91, 89, 0):
        note = check_note(client, "lisa", "Piet", "0612345678", f"{days} dagen oud", at=now)
        store.add_note(note, at=now - timedelta(days=days))
        store.log_call(BIKES, now - timedelta(days=days), "answered", ended_at=now)
    removed = store.purge(now - timedelta(days=90))
    assert removed == {"notes": 2, "calls": 2}
    assert sorted(n.message for n in store.notes()) == ["0 dagen oud", "89 dagen oud"]
    assert len(store.calls()) == 2
    assert store.purge(now - timedelta(days=90)) == {"notes": 0, "calls": 0}


def test_purge_command_reports_counts(tmp_path, demo_clients):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    store = open_store(url)
    store.import_clients(demo_clients.values())
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    note = check_note(demo_clients[BIKES], "lisa", "Piet", "0612345678", "oud", at=now)
    store.add_note(note, at=now - timedelta(days=100))
    env = {**os.environ, "KCCDESK_DATABASE_URL": url, "KCCDESK_NOW": now.isoformat()}
    result = subprocess.run(
        [sys.executable, "-m", "kccdesk", "purge", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert json.loads(result.stdout) == {"days": 90, "notes": 1, "calls": 0}


async def test_running_desk_shows_another_desks_note_within_two_seconds(demo_store):
    # The other desk's note is written at 10:00 UTC on the 23rd: the same day as this desk.
    app = build_app(demo_store.url, BIKES, now=datetime(2026, 11, 23, 12, tzinfo=UTC))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        deadline = time.monotonic() + 5
        while not any(w.group == ENDLESS for w in app.workers) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(_add_note_in_other_process, demo_store.url, "via de buren")
        started = time.monotonic()
        while "Piet" not in text_of(app, "#notes") and time.monotonic() - started < 2.0:
            await asyncio.sleep(0.05)
        assert "Piet" in text_of(app, "#notes"), "the other desk's note did not appear in 2 s"


def test_database_with_tables_but_no_schema_version_is_refused(tmp_path):
    import sqlite3

    path = tmp_path / "foreign.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table client (id text primary key)")
    with pytest.raises(StorageError, match="geen schemaversie"):
        open_store(f"sqlite:///{path}")
