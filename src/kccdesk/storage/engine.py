"""Creating the engine for a URL. The only place that knows SQLite from PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

#: how long a writer waits for SQLite's lock before the retry logic takes over (ms)
SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys, a busy timeout, durable commits."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )

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
    return create_engine(url, pool_pre_ping=True)


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
