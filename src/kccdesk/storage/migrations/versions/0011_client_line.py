"""a dialed line belongs to one client, held by the database (two imports at once)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_line",
        sa.Column("line", sa.String(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("line"),
    )
    op.create_index("ix_client_line_client_id", "client_line", ["client_id"])
    # The lines already stored: the first client (by id) keeps a line two of them claim
    # (an earlier race); the next import of the other says so.
    from kccdesk.clients.dialing import normalise

    bind = op.get_bind()
    owners: dict[str, str] = {}
    for client_id, lines, country in bind.execute(
        sa.text("SELECT id, lines, country FROM client ORDER BY id")
    ):
        import json

        for line in json.loads(lines) if isinstance(lines, str) else (lines or []):
            owners.setdefault(normalise(line, country or "NL"), client_id)
    if owners:
        op.bulk_insert(
            sa.table("client_line", sa.column("line"), sa.column("client_id")),
            [{"line": line, "client_id": cid} for line, cid in owners.items()],
        )


def downgrade() -> None:
    op.drop_index("ix_client_line_client_id", table_name="client_line")
    op.drop_table("client_line")
