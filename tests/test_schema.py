"""One schema (issue 22): kccdesk.storage.tables defines it; a new SQLite database is created
from there and stamped, an older one is migrated, and both roads end at the same schema —
on PostgreSQL the migrations end at the tables as well."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import create_engine, inspect, text

from conftest import drop_schema, postgres_schema_url
from kccdesk.storage import schema, tables


def _described(engine) -> dict:
    """Everything the database says about its tables, column order aside (a migration adds
    a column at the end, the definition lists it where it belongs)."""
    found = inspect(engine)
    described = {}
    for name in found.get_table_names():
        columns = {
            c["name"]: (str(c["type"]), c["nullable"], c["default"], c.get("primary_key"))
            for c in found.get_columns(name)
        }
        described[name] = {
            "columns": columns,
            "primary key": found.get_pk_constraint(name)["constrained_columns"],
            "foreign keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], str(f["options"]))
                for f in found.get_foreign_keys(name)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(name)
            ),
        }
    with engine.connect() as connection:
        described["never reuse ids"] = sorted(
            connection.execute(
                text("SELECT name FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'")
            ).scalars()
        )
        described["rows"] = (
            sorted(connection.execute(text("SELECT kind, revision FROM change_counter"))),
            list(connection.execute(text("SELECT version_num FROM alembic_version"))),
        )
    return described


def _migrated(url: str) -> None:
    """Every migration from an empty database, as a database made by an older kccdesk."""
    from alembic import command

    engine = create_engine(url)
    with schema._locked(engine) as connection:
        command.upgrade(schema._config(connection), "head")
    engine.dispose()


def test_a_new_sqlite_database_is_created_at_the_head_as_the_migrations_would(tmp_path):
    created = create_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert schema.upgrade(created) == (None, schema.HEAD_REVISION)
    assert schema.stored_revision(created) == schema.HEAD_REVISION
    _migrated(f"sqlite:///{tmp_path / 'old.db'}")
    migrated = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    assert _described(created) == _described(migrated)
    named = ["call_log", "callback_note", "feedback", "note_event", "reminder", "roster_audit"]
    assert _described(created)["never reuse ids"] == sorted([*tables.ROSTER, *named])
    assert schema.upgrade(created) == (schema.HEAD_REVISION, schema.HEAD_REVISION)


def test_a_new_database_starts_without_alembic_or_sqlmodel(tmp_path):
    """The first `kccdesk demo` on a fresh home: no migration runs, neither Alembic nor
    SQLModel is loaded to create the schema."""
    code = (
        "import sys\n"
        "from sqlalchemy import create_engine\n"
        "from kccdesk.storage import schema\n"
        f"schema.upgrade(create_engine('sqlite:///{tmp_path / 'new.db'}'))\n"
        "print(sorted(m for m in ('alembic', 'sqlmodel', 'pydantic') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_file_with_tables_but_no_version_is_not_created_over(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE client (id TEXT)"))
    with pytest.raises(Exception, match="geen schemaversie"):
        schema.upgrade(engine)


def test_the_migrations_end_at_the_tables_on_postgresql():
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    name, url = postgres_schema_url()
    try:
        engine = create_engine(url)
        assert schema.upgrade(engine) == (None, schema.HEAD_REVISION)  # by the migrations
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, tables.metadata)
        engine.dispose()
    finally:
        drop_schema(name)
    extra = {(d[2], d[3].name) for d in differences if d[0] == "remove_column"}
    assert extra == tables.POSTGRESQL_ONLY
    assert [d for d in differences if d[0] != "remove_column"] == []


def test_the_delivery_columns_of_the_roles_and_of_migration_0013_agree():
    """The columns an agent's login may change in a stored note are written twice on
    purpose — a migration is frozen history and must not import code that changes — so
    this test keeps the grant and the trigger that freezes the rest in step, and both
    naming columns that exist."""
    import importlib.util

    from kccdesk.storage import roles

    path = schema.MIGRATIONS / "versions" / "0013_roles_that_hold.py"
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert tuple(migration.DELIVERY_COLUMNS) == tuple(roles.DELIVERY_COLUMNS)
    assert set(roles.DELIVERY_COLUMNS) <= set(tables.callback_note.c.keys())


def test_a_purged_notes_id_is_never_given_to_a_new_note(tmp_path):
    """Second hostile review: feedback names a note by id; after a purge the next note got
    the freed id and the feedback told of the wrong caller."""
    from datetime import UTC, datetime

    from sqlalchemy import delete, insert, select

    engine = create_engine(f"sqlite:///{tmp_path / 'n.db'}")
    schema.upgrade(engine)
    note = tables.callback_note
    values = {
        "uuid": "u1", "client_id": "c", "recipient": "r", "caller_name": "n",
        "caller_phone": "+31612345678", "message": "m",
        "created_at": datetime(2026, 10, 1, tzinfo=UTC),
    }  # fmt: skip
    with engine.begin() as connection:
        first = connection.execute(insert(note).values(values).returning(note.c.id)).scalar()
        connection.execute(delete(note))  # the purge
        values["uuid"] = "u2"
        second = connection.execute(insert(note).values(values).returning(note.c.id)).scalar()
        assert list(connection.execute(select(note.c.id)).scalars()) == [second]
    engine.dispose()
    assert second > first
