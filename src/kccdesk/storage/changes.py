"""Live changes across desks: what another desk wrote (clients, rosters, notes) reaches this
one within a second or two, without polling tables.

One small interface, two mechanisms: PostgreSQL LISTEN/NOTIFY, SQLite's `PRAGMA data_version`
(which changes when another connection commits). Either way the change counters then say
which kinds of data changed.

The feed outlives the database going away (a PostgreSQL restart, a broken connection): `wait`
never raises for that; it reconnects with a growing pause, says so in `status` (one Dutch
line, empty when all is well), and on reconnecting reports every kind as changed, because
what happened meanwhile was not heard.
"""

from __future__ import annotations

import contextlib
import time

from sqlalchemy import text

from kccdesk.storage.engine import NOTIFY_CHANNEL, feed_engine, is_sqlite, release_idle

#: the change counters, read on the feed's connection (PostgreSQL) or a pooled one
REVISIONS = "SELECT kind, revision FROM change_counter"
#: how often SQLite's data_version is looked at (seconds); a read of one integer
SQLITE_POLL = 0.3
#: pause before the first reconnect attempt; it doubles per failure up to RECONNECT_CAP
RECONNECT_FIRST = 0.25
RECONNECT_CAP = 5.0
#: shown while the feed is cut off; other desks' changes are not seen meanwhile
LOST = "verbinding met de database verbroken; opnieuw verbinden…"


class ChangeFeed:
    """`wait(timeout)` returns the kinds ("notes", "client:<id>") changed since the last call."""

    def __init__(self, store):
        self.store = store
        self._engine = store.engine
        # PostgreSQL: a connection of the feed's own, outside the query pool (closed when
        # idle); the feed also reads the change counters on it: one connection per desk
        self._listen_engine = feed_engine(store.url, store.engine)
        self._sqlite = is_sqlite(self._engine)
        self._raw = None
        self._seen: dict[str, int] = {}
        self._failures = 0
        self._retry_at = 0.0
        self.connected = False
        self.status = ""
        try:
            self._connect()
        except Exception:
            self._lost()
        # A desk opens its feed once it has read what it shows: its query connection goes
        # back now, so a team starting its shift at once needs one connection per desk.
        release_idle(self._engine, after=0)

    # --- connecting ---------------------------------------------------------------------

    def _connect(self) -> None:
        raw = self._listen_engine.raw_connection()
        try:
            if self._sqlite:
                self._data_version = _sqlite_version(raw)
            else:
                driver = raw.driver_connection
                driver.autocommit = True
                driver.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._seen = self._revisions(raw)
        except Exception:
            with contextlib.suppress(Exception):
                raw.invalidate()
            raise
        self._raw = raw
        self.connected = True
        self.status = ""
        self._failures = 0

    def _lost(self) -> None:
        """Drop the connection and schedule the next attempt, later after every failure."""
        if self._raw is not None:
            with contextlib.suppress(Exception):
                self._raw.invalidate()
            self._raw = None
        self.connected = False
        self.status = LOST
        self._retry_at = time.monotonic() + min(RECONNECT_FIRST * 2**self._failures, RECONNECT_CAP)
        self._failures += 1

    def _reconnect(self, deadline: float) -> set[str]:
        """Try again when the pause is over (within this wait); all kinds when back."""
        pause = min(self._retry_at, deadline) - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        if time.monotonic() < self._retry_at:
            return set()
        try:
            self._connect()
        except Exception:
            self._lost()
            return set()
        return {"notes", *self._seen}  # catch up: re-read everything

    # --- reading ------------------------------------------------------------------------

    def _revisions(self, raw=None) -> dict[str, int]:
        """The change counters; on PostgreSQL read on the feed's own connection (`raw`
        while connecting), so a desk holds no second connection for them."""
        if not self._sqlite:
            cursor = (raw or self._raw).driver_connection.execute(REVISIONS)
            return {kind: revision for kind, revision in cursor.fetchall()}
        with self._engine.connect() as connection:
            rows = connection.execute(text(REVISIONS))
            return {kind: revision for kind, revision in rows}

    def _diff(self) -> set[str]:
        now = self._revisions()
        changed = {kind for kind, rev in now.items() if self._seen.get(kind) != rev}
        self._seen = now
        return changed

    def wait(self, timeout: float = 1.0) -> set[str]:
        deadline = time.monotonic() + timeout
        if not self.connected:
            return self._reconnect(deadline)
        try:
            return self._listen(deadline)
        except Exception:  # the database went away; never out of here, try again soon
            self._lost()
            return set()

    def _listen(self, deadline: float) -> set[str]:
        if self._sqlite:
            while True:
                version = _sqlite_version(self._raw)
                if version != self._data_version:
                    self._data_version = version
                    changed = self._diff()
                    if changed:
                        return changed
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return set()
                time.sleep(min(SQLITE_POLL, remaining))
        remaining = max(deadline - time.monotonic(), 0)
        notified = list(self._raw.driver_connection.notifies(timeout=remaining, stop_after=1))
        release_idle(self._engine)  # a quiet desk gives its query connections back
        return self._diff() if notified else set()

    def close(self) -> None:
        if self._raw is not None:
            with contextlib.suppress(Exception):
                self._raw.close()
            self._raw = None


def _sqlite_version(raw) -> int:
    cursor = raw.cursor()
    try:
        cursor.execute("PRAGMA data_version")
        return cursor.fetchone()[0]
    finally:
        cursor.close()
