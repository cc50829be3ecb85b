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
