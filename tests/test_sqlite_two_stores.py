"""One process may hold several stores on one SQLite file (the desk, its sender, a command
run from it): opening the second must not drop the first's POSIX locks. Closing any
descriptor of a file drops all of the process's locks on it; without its shared lock on the
database, the next process to close its last connection thinks it was the only one,
checkpoints and deletes the WAL under the first store — and the first store's next writes go
to a file nobody reads."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from kccdesk.storage import open_store


def test_a_second_store_on_one_file_keeps_the_first_stores_locks(tmp_path, demo_clients):
    path = tmp_path / "desk.db"
    url = f"sqlite:///{path}"
    first = open_store(url)
    first.import_clients(list(demo_clients.values())[:1])
    held = first.engine.connect()  # the first store's connection stays open, as a desk's does
    held.execute(text("SELECT count(*) FROM client")).all()
    second = open_store(url)
    # Another process opens the database and closes its last connection.
    reader = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT count(*) FROM client').fetchall(); c.close()"
    )
    subprocess.run([sys.executable, "-c", reader, str(path)], check=True, timeout=30)
    assert (tmp_path / "desk.db-wal").exists()  # still in use: not checkpointed away
    held.close()
    second.close()
    first.close()
    checked = open_store(url)
    with checked.engine.connect() as c:
        assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    checked.close()


def test_a_database_file_moved_under_a_running_store_is_said_and_nothing_is_made(
    tmp_path, demo_clients
):
    """Edge review of issue 23: the database moved away under running desks made a new,
    empty database at its name (mode 0644 under umask 022), and SQLite threw away the old
    file's -wal there: notes saved meanwhile were gone. Now every connection checks it is
    still the file the store opened, and says so."""
    import os

    import pytest

    from kccdesk.core.errors import StorageError

    path = tmp_path / "desk.db"
    store = open_store(f"sqlite:///{path}")
    store.import_clients(list(demo_clients.values())[:1])
    os.rename(path, tmp_path / "moved.db")
    moved = "verplaatst, vervangen of verwijderd"
    with pytest.raises(StorageError, match=moved), store.engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM client")).all()
    assert not path.exists(), "no new database at the old name"
    # replaced by another file at the same name: refused just the same
    path.write_bytes(b"")
    with pytest.raises(StorageError, match=moved), store.engine.connect() as connection:
        connection.execute(text("SELECT 1")).all()
    # put back: the store works again
    path.unlink()
    os.rename(tmp_path / "moved.db", path)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM client")).scalar() == 1
    store.close()
