"""ids are never given out twice (SQLite AUTOINCREMENT): an export names a roster entry by its
id and version, and a deleted highest id handed to a new entry made an old export look
current (it then silently undid that entry); feedback names a note or call by its id, and a
purged note's id given to a new note linked the feedback to the wrong caller

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
#: the other tables whose ids are named elsewhere, and where else their ids stand
NAMED_BY = {
    "callback_note": "SELECT max(note_id) FROM feedback",
    "call_log": "SELECT max(call_id) FROM feedback",
    "feedback": None,
    "roster_audit": None,
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL's sequences never give an id twice
    for table, elsewhere in NAMED_BY.items():
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
        highest = bind.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar()
        if elsewhere is not None:
            highest = max(highest or 0, bind.execute(sa.text(elsewhere)).scalar() or 0)
        _start_above(bind, table, highest or 0)
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
        _start_above(bind, table, highest or 0)


def _start_above(bind, table: str, highest: int) -> None:
    """The next id of `table` is above `highest`."""
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table})
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
        {"name": table, "seq": highest},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in (*ROSTER_TABLES, *NAMED_BY):
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
