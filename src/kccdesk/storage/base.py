"""What every part of the store shares: the engine, sessions, and running an action with
bounded retries while the database is locked, so no caller ever sees a driver traceback."""

from __future__ import annotations

import random
import time as systime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from kccdesk.core.errors import AWAITING_OWNER, StorageError
from kccdesk.storage.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

T = TypeVar("T")
#: attempts for a write that finds the database locked, with growing, jittered pauses
WRITE_ATTEMPTS = 8
#: seconds a write may wait for a database another process has locked, all tries together
LOCK_WAIT_AT_MOST = 5.0


def is_transient(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "could not serialize" in text


def describe_error(exc: Exception, url: str) -> str:
    """One Dutch line for a driver error: where, and what, without the driver's noise."""
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    where = url.split("@")[-1] if "@" in url else url
    denied = _denied(text)
    if denied:
        return denied
    if "client_line" in text or "client_line_pkey" in text:
        return (
            "een gekozen nummer (lijn) is zojuist door een andere import aan een andere "
            "client gegeven; niets geïmporteerd, probeer opnieuw"
        )
    if "too many clients" in text or "too many connections" in text:
        return f"database {where} heeft geen verbinding vrij (te veel desks); probeer het zo weer"
    if "unable to open database" in text or "no such table" in text or "connection" in text:
        return f"database {where} is niet bereikbaar of niet ingericht ({text})"
    if is_transient(exc):
        return f"database {where} is bezet door een ander proces; probeer het zo opnieuw"
    return f"databasefout bij {where}: {text}"


#: what a login without the right role was trying to change, in the agent's words
_GUARDED = {
    "shift": "het rooster wijzigen (rol shift_lead nodig)",
    "extra_shift": "het rooster wijzigen (rol shift_lead nodig)",
    "absence": "het rooster wijzigen (rol shift_lead nodig)",
    "closure": "het rooster wijzigen (rol shift_lead nodig)",
    "coverage": "het rooster wijzigen (rol shift_lead nodig)",
    "feedback": "feedback vastleggen of bijwerken (rol shift_lead of team_lead nodig)",
    "roster_audit": "de roosterhistorie wijzigen (die kan alleen worden aangevuld)",
    "client": "klantgegevens importeren (alleen de beheerder)",
    "person": "klantgegevens importeren (alleen de beheerder)",
    "topic": "klantgegevens importeren (alleen de beheerder)",
    "callback_note": (
        "deze notitie opslaan, wijzigen of verwijderen (opslaan: rol agent; wijzigen kan "
        "niemand; verwijderen na de bewaartermijn: rol retention)"
    ),
    "call_log": (
        "dit gesprek loggen, wijzigen of verwijderen (loggen: rol agent; wijzigen kan niemand; "
        "verwijderen na de bewaartermijn: rol retention)"
    ),
}


def _denied(text: str) -> str | None:
    """One line for a refusal by the database's own rights (PostgreSQL roles)."""
    if "insert-only" in text:
        return "geweigerd: de roosterhistorie kan alleen worden aangevuld, niet gewijzigd"
    if "kccdesk: " in text:  # a rule of migration 0013, in its own words
        return "geweigerd door de database: " + text.split("kccdesk: ", 1)[1].splitlines()[0]
    if "permission denied for table" in text:
        table = text.rsplit(" ", 1)[-1].strip('"')
        if table == "alembic_version":  # upgraded, not yet granted (`db roles`): still the owner's
            return f"{AWAITING_OWNER} (kccdesk db roles na de upgrade); probeer het daarna opnieuw"
        what = _GUARDED.get(table, f"tabel {table} gebruiken")
        return f"geweigerd door de database: uw login mag niet {what}"
    if "must be owner" in text or "permission denied for schema" in text:
        return (
            f"{AWAITING_OWNER} (kccdesk db upgrade met de eigenaar-login); probeer het daarna "
            "opnieuw"
        )
    return None


class StoreBase:
    """Engine, sessions and the retry loop; the aggregates are mixins on top of it."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        #: how long one try may wait for a lock by itself (SQLite's busy timeout)
        self._one_try_wait = (
            SQLITE_BUSY_TIMEOUT_MS / 1000 if self.engine.dialect.name == "sqlite" else 0.0
        )

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
        # Bounded in time as well as in tries: a database another process keeps locked is
        # said within LOCK_WAIT_AT_MOST seconds, not after eight busy timeouts in a row.
        deadline = systime.monotonic() + LOCK_WAIT_AT_MOST
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return action()
            except (OperationalError, DBAPIError) as exc:
                pause = min(0.05 * 2**attempt, 1.0) * (0.5 + random.random())
                # another try may itself wait a whole busy timeout: only when that still
                # ends within the bound (the README's "at most 5 s")
                in_time = systime.monotonic() + pause + self._one_try_wait < deadline
                if is_transient(exc) and attempt < WRITE_ATTEMPTS - 1 and in_time:
                    systime.sleep(pause)
                    continue
                raise StorageError(describe_error(exc, self.url)) from exc
        raise AssertionError("unreachable")

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """An ORM session, for the writes on the SQLModel tables (loads SQLModel)."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for Core reads (tables.py): one transaction, so one consistent view."""
        with self.engine.connect() as connection:
            yield connection
