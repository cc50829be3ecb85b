"""client rules: people who are never put through and whose notes go to someone else;
the call log records transfers the guard stopped

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("transfer", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("notes_to", sa.String(), nullable=True))
    with op.batch_alter_table("callback_note", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("addressed_to", sa.String(), nullable=False, server_default="")
        )
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stopped", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("call_log", schema=None) as batch_op:
        batch_op.drop_column("stopped")
    with op.batch_alter_table("callback_note", schema=None) as batch_op:
        batch_op.drop_column("addressed_to")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("notes_to")
        batch_op.drop_column("transfer")
