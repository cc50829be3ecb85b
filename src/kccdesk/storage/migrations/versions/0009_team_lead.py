"""the team lead's day: client feedback, what the desk showed with every call and note, the
call's own id (notes of the call name it) and where its times come from

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("said", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("cause", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_client_happened", "feedback", ["client_id", "happened_at"])
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uuid", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("timing", sa.String(), nullable=False, server_default="desk"))
        batch_op.add_column(sa.Column("shown", sa.JSON(), nullable=True))
        batch_op.create_index("ix_call_log_uuid", ["uuid"], unique=False)
    with op.batch_alter_table("callback_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_uuid", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("shown", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("callback_note", schema=None) as batch_op:
        batch_op.drop_column("shown")
        batch_op.drop_column("call_uuid")
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.drop_index("ix_call_log_uuid")
        batch_op.drop_column("shown")
        batch_op.drop_column("timing")
        batch_op.drop_column("uuid")
    op.drop_index("ix_feedback_client_happened", table_name="feedback")
    op.drop_table("feedback")
