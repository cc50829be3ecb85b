"""acknowledgement and escalation: who saw a note and how, its escalation rounds, its trail

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("escalation", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("callback_note") as batch:
        batch.add_column(sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("acked_by", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("ack_via", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("round", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("send_to", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_note_escalate", "callback_note", ["escalate_at"])
    op.create_table(
        "note_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("via", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_note_event_note", "note_event", ["note_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_note_event_note", "note_event")
    op.drop_table("note_event")
    op.drop_index("ix_note_escalate", "callback_note")
    with op.batch_alter_table("callback_note") as batch:
        for column in ("escalate_at", "send_to", "round", "ack_via", "acked_by", "acked_at"):
            batch.drop_column(column)
    with op.batch_alter_table("client") as batch:
        batch.drop_column("escalation")
