"""What every part of the store shares: the engine, sessions, and running an action with
bounded retries while the database is locked, so no caller ever sees a driver traceback."""

from __future__ import annotations

import random
import time as systime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from kccdesk.errors import StorageError
from kccdesk.storage.engine import make_engine

T = TypeVar("T")
#: attempts for a write that finds the database locked, with growing, jittered pauses
WRITE_ATTEMPTS = 8


def is_transient(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "could not serialize" in text


def describe_error(exc: Exception, url: str) -> str:
    """One Dutch line for a driver error: where, and what, without the driver's noise."""
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    where = url.split("@")[-1] if "@" in url else url
    if "too many clients" in text or "too many connections" in text:
        return f"database {where} heeft geen verbinding vrij (te veel desks); probeer het zo weer"
    if "unable to open database" in text or "no such table" in text or "connection" in text:
        return f"database {where} is niet bereikbaar of niet ingericht ({text})"
    if is_transient(exc):
        return f"database {where} is bezet door een ander proces; probeer het zo opnieuw"
    return f"databasefout bij {where}: {text}"


class StoreBase:
    """Engine, sessions and the retry loop; the aggregates are mixins on top of it."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)

    def upgrade_schema(self) -> tuple[str | None, str]:
        """Bring the schema to this version's head (Alembic); refuses a newer schema."""
        from kccdesk.storage.schema import upgrade

        return self._run(lambda: upgrade(self.engine))

    def schema_revision(self) -> str | None:
        from kccdesk.storage.schema import current_revision

        return self._run(lambda: current_revision(self.engine))

    def change_feed(self):
        """A ChangeFeed on this database, for desks that show what others write."""
        from kccdesk.storage.changes import ChangeFeed

        return self._run(lambda: ChangeFeed(self))

    def close(self) -> None:
        self.engine.dispose()

    def _run(self, action: Callable[[], T]) -> T:
        """Run with bounded retries while the database is locked; never leak a traceback."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return action()
            except (OperationalError, DBAPIError) as exc:
                if is_transient(exc) and attempt < WRITE_ATTEMPTS - 1:
                    systime.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))
                    continue
                raise StorageError(describe_error(exc, self.url)) from exc
        raise AssertionError("unreachable")

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session
