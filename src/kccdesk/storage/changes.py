"""Live changes across desks: what another desk wrote (clients, rosters, notes) reaches this
one within a second or two, without polling tables.

One small interface, two mechanisms: PostgreSQL LISTEN/NOTIFY, SQLite's `PRAGMA data_version`
(which changes when another connection commits). Either way the change counters then say
which kinds of data changed.
"""

from __future__ import annotations

import contextlib
import time

from sqlalchemy import text

from kccdesk.storage.engine import NOTIFY_CHANNEL, is_sqlite

#: how often SQLite's data_version is looked at (seconds); a read of one integer
SQLITE_POLL = 0.3


class ChangeFeed:
    """`wait(timeout)` returns the kinds ("notes", "client:<id>") changed since the last call."""

    def __init__(self, store):
        self.store = store
        self._engine = store.engine
        self._raw = self._engine.raw_connection()
        self._sqlite = is_sqlite(self._engine)
        if self._sqlite:
            self._data_version = self._sqlite_version()
        else:
            driver = self._raw.driver_connection
            driver.autocommit = True
            driver.execute(f"LISTEN {NOTIFY_CHANNEL}")
        self._seen = self._revisions()

    def _sqlite_version(self) -> int:
        cursor = self._raw.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            return cursor.fetchone()[0]
        finally:
            cursor.close()

    def _revisions(self) -> dict[str, int]:
        with self._engine.connect() as connection:
            rows = connection.execute(text("SELECT kind, revision FROM change_counter"))
            return {kind: revision for kind, revision in rows}

    def _diff(self) -> set[str]:
        now = self._revisions()
        changed = {kind for kind, rev in now.items() if self._seen.get(kind) != rev}
        self._seen = now
        return changed

    def wait(self, timeout: float = 1.0) -> set[str]:
        deadline = time.monotonic() + timeout
        if self._sqlite:
            while True:
                version = self._sqlite_version()
                if version != self._data_version:
                    self._data_version = version
                    changed = self._diff()
                    if changed:
                        return changed
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return set()
                time.sleep(min(SQLITE_POLL, remaining))
        notified = list(self._raw.driver_connection.notifies(timeout=timeout, stop_after=1))
        return self._diff() if notified else set()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._raw.close()
