"""Schema upgrades with Alembic: the first schema is migration one, every change is another.

The desk and the command line upgrade the database when they open it; a database whose
schema is newer than this kccdesk is refused with a message, never touched. Desks that start
at once on a new or older database upgrade it one at a time: under a lock (PostgreSQL an
advisory lock, SQLite an exclusive transaction) the revision is read again, so the ones that
waited see the work done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from kccdesk.core.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"
#: the newest migration of this kccdesk: a database already there is opened without loading
#: Alembic at all (a test checks it against the migrations)
HEAD_REVISION = "0018"


def _config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None, "kccdesk ships with its migrations"
    return head


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def stored_revision(engine: Engine) -> str | None:
    """The revision in alembic_version read with one plain query; None when there is none
    (or no such table yet)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            rows = list(connection.execute(text("SELECT version_num FROM alembic_version")))
    except DBAPIError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _revision(connection)


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to `revision`; returns (before, after). Refuses a newer schema."""
    if revision == "head":
        stored = stored_revision(engine)
        if stored == HEAD_REVISION:
            return stored, stored  # the usual start: one query, Alembic never imported
        if stored is None and engine.dialect.name == "sqlite" and _create_head(engine):
            return None, HEAD_REVISION
    script = _script()
    target = script.get_current_head() if revision == "head" else revision
    before = current_revision(engine)
    _refuse_newer(script, before)
    if before == target:
        return before, target  # the usual start: nothing to do, no lock taken
    with _locked(engine) as connection:
        before = _revision(connection)  # another desk may have done it while we waited
        _refuse_newer(script, before)
        if before is None and inspect(connection).has_table("client"):
            raise StorageError(
                "deze database heeft kccdesk-tabellen maar geen schemaversie (niet door "
                "kccdesk aangemaakt?); gebruik een lege database of zet een reservekopie terug"
            )
        if before != target:
            from alembic import command

            command.upgrade(_config(connection), revision)
    return before, target


#: rows the migrations put into a new database (0002: the notes' change counter)
SEEDED = {"change_counter": [{"kind": "notes", "revision": 0}]}


def _create_head(engine: Engine) -> bool:
    """A new SQLite database gets the head schema at once from kccdesk.storage.tables and
    is stamped with HEAD_REVISION, instead of running every migration (a first `kccdesk
    demo` would spend most of its start there, Alembic included). False when the file turns
    out not to be empty (another process made it meanwhile): then migrations decide.

    Only SQLite: on PostgreSQL the migrations also create the functions and triggers of the
    roles (0007, 0013), and a team database is created once, by its owner."""
    from sqlalchemy import insert

    from kccdesk.storage import tables

    with _locked(engine) as connection:
        if inspect(connection).get_table_names():
            return False
        tables.metadata.create_all(connection)
        for name, seeded in SEEDED.items():
            connection.execute(insert(tables.metadata.tables[name]), seeded)
        connection.exec_driver_sql(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
        connection.exec_driver_sql(
            "INSERT INTO alembic_version (version_num) VALUES (?)", (HEAD_REVISION,)
        )
    return True


def _refuse_newer(script, revision: str | None) -> None:
    if revision is not None and revision not in {s.revision for s in script.walk_revisions()}:
        raise StorageError(
            f"het databaseschema ({revision}) is nieuwer dan deze kccdesk "
            f"({script.get_current_head()}); werk kccdesk bij — de database is niet aangeraakt"
        )


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """One transaction that only one process at a time gets into; committed at the end."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_advisory_xact_lock(hashtext('kccdesk-schema:' || current_schema()))"
                )
            )
            yield connection
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        saved = raw.isolation_level
        raw.isolation_level = None  # transactions by hand: BEGIN EXCLUSIVE, then COMMIT
        try:
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        finally:
            raw.isolation_level = saved
