"""roster entry ids are never given out twice (SQLite AUTOINCREMENT): an export names an entry
by its id and version, and a deleted highest id handed to a new entry made an old export
look current (it then silently undid that entry)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: the roster kinds' tables as they stood at this revision (frozen: not kccdesk.duty.kinds)
ROSTER_TABLES = ("shift", "extra_shift", "absence", "closure", "coverage")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL's sequences never give an id twice
    for table in ROSTER_TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
        # Ids deleted before this revision may be higher than any left: the audit knows
        # every id there ever was, and the next entry starts above all of them.
        highest = bind.execute(
            sa.text(
                f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
                "coalesce((SELECT max(entry_id) FROM roster_audit WHERE kind = :kind), 0))"
            ),
            {"kind": table},
        ).scalar()
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
            {"name": table, "seq": highest or 0},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ROSTER_TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
