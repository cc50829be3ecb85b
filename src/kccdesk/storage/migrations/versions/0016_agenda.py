"""calendar feeds: a person's agenda and default replacement, a client's agenda policy, the
source of an absence, each feed's state and the appointments the feeds give

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("agenda", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("replaced_by", sa.String(), nullable=True))
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("agenda", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("absence") as batch:
        batch.add_column(sa.Column("source", sa.String(), nullable=False, server_default=""))
    op.create_table(
        "agenda_feed",
        sa.Column(
            "client_id",
            sa.String(),
            sa.ForeignKey("client.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("person", sa.String(), primary_key=True),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("etag", sa.String(), nullable=False),
        sa.Column("last_modified", sa.String(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("basis", sa.String(), nullable=False, server_default=""),
    )
    op.create_table(
        "agenda_busy",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "client_id",
            sa.String(),
            sa.ForeignKey("client.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
    )
    op.create_index("ix_agenda_busy_client_id", "agenda_busy", ["client_id"])


def downgrade() -> None:
    op.drop_index("ix_agenda_busy_client_id", "agenda_busy")
    op.drop_table("agenda_busy")
    op.drop_table("agenda_feed")
    with op.batch_alter_table("absence") as batch:
        batch.drop_column("source")
    with op.batch_alter_table("client") as batch:
        batch.drop_column("agenda")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("replaced_by")
        batch.drop_column("agenda")
