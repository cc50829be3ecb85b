"""Schema upgrades with Alembic: the first schema is migration one, every change is another.

The desk and the command line upgrade the database when they open it; a database whose
schema is newer than this kccdesk is refused with a message, never touched.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from kccdesk.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "kccdesk ships with its migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to `revision`; returns (before, after). Refuses a newer schema."""
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config())
    before = current_revision(engine)
    if before is not None and before not in {s.revision for s in script.walk_revisions()}:
        raise StorageError(
            f"het databaseschema ({before}) is nieuwer dan deze kccdesk "
            f"({script.get_current_head()}); werk kccdesk bij — de database is niet aangeraakt"
        )
    if before is None:
        from sqlalchemy import inspect

        if inspect(engine).has_table("client"):
            raise StorageError(
                "deze database heeft kccdesk-tabellen maar geen schemaversie (niet door "
                "kccdesk aangemaakt?); gebruik een lege database of zet een reservekopie terug"
            )
    target = head_revision() if revision == "head" else revision
    if before != target:
        with engine.begin() as connection:
            command.upgrade(_config(connection), revision)
    return before, target
