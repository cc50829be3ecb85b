"""Desks starting at once on a new database: one creates the schema, the others wait for it
and see it done — on each engine, with real separate interpreters."""

from __future__ import annotations

import subprocess
import sys
import time

from kccdesk.storage import open_store
from kccdesk.storage.schema import head_revision

PROCESSES = 10

CHILD = """
import sys, time
from pathlib import Path
from kccdesk.storage import open_store
ready, go, url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
ready.touch()
while not go.exists():
    time.sleep(0.005)
try:
    open_store(url).close()
except Exception as exc:
    print(f"FAILED: {exc}")
    sys.exit(1)
print("ok")
"""


def test_ten_desks_open_a_fresh_database_at_once(database_url, tmp_path):
    go = tmp_path / "go"
    children = []
    for n in range(PROCESSES):
        ready = tmp_path / f"ready-{n}"
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(ready), str(go), database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        children.append((ready, child))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in children) and time.monotonic() < deadline:
        time.sleep(0.02)
    go.touch()  # all imported and waiting: now every one opens the database
    results = [child.communicate(timeout=90)[0].strip() for _, child in children]
    assert results == ["ok"] * PROCESSES
    store = open_store(database_url)
    assert store.schema_revision() == head_revision()
    store.close()


DEMO_CHILD = """
import sys, time
from pathlib import Path
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
from kccdesk.cli.main import main
ready.touch()
while not go.exists():
    time.sleep(0.005)
sys.exit(main(["--demo", "duty", "--client", "gemeente-oosterwold", "--json"]))
"""


def _demo_counts(home) -> tuple[int, int]:
    from sqlalchemy import create_engine, func, select

    from kccdesk.storage.tables import callback_note, feedback

    engine = create_engine(f"sqlite:///{home / 'demo.db'}")
    with engine.connect() as connection:
        notes = connection.execute(select(func.count()).select_from(callback_note)).scalar()
        items = connection.execute(select(func.count()).select_from(feedback)).scalar()
    engine.dispose()
    return notes, items


def _start_demos(home, tmp_path, count: int) -> list[subprocess.Popen]:
    import os

    env = {**os.environ, "KCCDESK_DATA_DIR": str(home)}
    env.pop("KCCDESK_DATABASE_URL", None)
    go = tmp_path / f"go-{home.name}"
    children = []
    for n in range(count):
        ready = tmp_path / f"ready-{home.name}-{n}"
        child = subprocess.Popen(
            [sys.executable, "-c", DEMO_CHILD, str(ready), str(go)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        children.append((ready, child))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in children) and time.monotonic() < deadline:
        time.sleep(0.02)
    go.touch()
    return [child for _, child in children]


def test_demo_commands_started_at_once_on_a_fresh_home_fill_the_demo_once(tmp_path):
    """Found by the hostile review: two `kccdesk --demo` at once each wrote the fortnight of
    history (246 notes, not 123; ten at once made ten and invented patterns)."""
    together, alone = tmp_path / "together", tmp_path / "alone"
    children = _start_demos(together, tmp_path, 4) + _start_demos(alone, tmp_path, 1)
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0] * 5, errors
    assert _demo_counts(together) == _demo_counts(alone)
