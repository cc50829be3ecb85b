"""Creating the engine for a URL. The only place that knows SQLite from PostgreSQL."""

from __future__ import annotations

import weakref

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

#: how long a writer waits for SQLite's lock before the retry logic takes over (ms)
#: one try's wait for a lock; base.LOCK_WAIT_AT_MOST bounds all tries together
SQLITE_BUSY_TIMEOUT_MS = 1500


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys, a busy timeout, durable commits."""
    if url.startswith("sqlite"):
        path = _private_database_file(url)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        if path:
            _stay_with_the_file(engine, path)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit reported as done survives power loss and kill -9 in WAL mode.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()

        return engine
    engine = create_engine(
        url,
        pool_pre_ping=True,
        # one connection kept between queries, more only while queries run at once; all
        # of them closed once idle (release_idle): an idle desk holds only its change feed
        pool_size=1,
        max_overflow=8,
        connect_args={"application_name": application_name()},
    )
    _track_use(engine)
    return engine


def application_name() -> str:
    """How this process's connections are named on the server (pg_stat_activity): kccdesk
    and the process id, so a team's server settings can be checked desk by desk."""
    import os

    return f"kccdesk {os.getpid()}"


#: seconds without a query after which the query connections are closed
IDLE_CLOSE_SECONDS = 5.0


def _track_use(engine: Engine) -> None:
    """Remember when a connection last came back to the pool (the pool itself counts the
    ones checked out)."""
    import time

    _RETURNED[engine] = time.monotonic()

    def checkin(*_args) -> None:
        _RETURNED[engine] = time.monotonic()

    event.listen(engine, "checkin", checkin)


def release_idle(engine: Engine, after: float | None = None) -> bool:
    """Close the pooled connections when none has been used for `after` seconds (a
    PostgreSQL server's connections are what a team of desks runs out of first); the next
    query opens one again. True when connections were closed."""
    import time

    after = IDLE_CLOSE_SECONDS if after is None else after
    returned = _RETURNED.get(engine)
    if returned is None or time.monotonic() - returned < after:
        return False
    pool = engine.pool
    if pool.checkedout() or not pool.checkedin():
        return False
    pool.dispose()
    return True


def feed_engine(url: str, engine: Engine) -> Engine:
    """Where a change feed gets the connection it holds for good (PostgreSQL's LISTEN): an
    engine without a pool, so that connection is never one of the pool's, which are closed
    when idle. SQLite has no server connections: the store's own engine."""
    if engine.dialect.name == "sqlite":
        return engine
    from sqlalchemy.pool import NullPool

    return create_engine(
        url, poolclass=NullPool, connect_args={"application_name": application_name()}
    )


#: when a connection last came back to each PostgreSQL engine's pool (see _track_use)
_RETURNED: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def _stay_with_the_file(engine: Engine, path: str) -> None:
    """Every connection is to the file the store opened, never a new one at its name.

    A database file moved, replaced or deleted under a running desk: its open connections
    write on into the moved file while a new one would make an empty database at the old
    name (readable by others, the notes apart from the desk's) and SQLite would throw away
    the old file's -wal there. The desk says so instead and writes nothing anywhere."""
    import os

    from kccdesk.core.errors import DatabaseReplaced

    def identity() -> tuple[int, int] | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        return status.st_dev, status.st_ino

    opened = identity()

    def check(*_args) -> None:
        if identity() != opened:
            raise DatabaseReplaced(
                f"databasebestand {path} is verplaatst, vervangen of verwijderd terwijl de "
                "desk liep; er is niets opgeslagen — sluit de desk en start opnieuw "
                "(een notitie in bewerking blijft als concept bewaard)"
            )

    event.listen(engine, "do_connect", check)
    event.listen(engine, "checkout", check)


def _private_database_file(url: str) -> str | None:
    """Callers' names and numbers: the SQLite file is the owner's alone (0600) whatever the
    umask, set before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
    Returns the file's path (None: not a file SQLite opens by name).

    An existing file is only chmod-ed, never opened here: closing any descriptor of a file
    drops every POSIX lock this process holds on it, and another store of this process may
    hold SQLite's locks on it (the desk and a command it runs, two engines in one test)."""
    import os

    from sqlalchemy.engine import make_url

    from kccdesk.core.files import FILE_MODE, private_file

    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    try:
        # O_EXCL: created here, so nobody has it open yet; an existing one is left alone.
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        pass
    except OSError:
        return None  # SQLite will say what is wrong with the path, in the usual way
    private_file(path)
    return path


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def bump_counter(connection, kind: str) -> None:
    """Raise the change counter of `kind` inside the caller's transaction (upsert), and on
    PostgreSQL tell listening desks at commit."""
    from sqlalchemy import text

    connection.execute(
        text(
            "INSERT INTO change_counter (kind, revision) VALUES (:kind, 1) "
            "ON CONFLICT (kind) DO UPDATE SET revision = change_counter.revision + 1"
        ),
        {"kind": kind},
    )
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_notify(:channel, :kind)"), {"channel": NOTIFY_CHANNEL, "kind": kind}
        )


#: PostgreSQL channel on which writers announce changes
NOTIFY_CHANNEL = "kccdesk_changes"
