"""a note the mail server took without answering is retried once, then "mogelijk verzonden":
the count of such silent hand-overs

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callback_note") as batch:
        batch.add_column(
            sa.Column("unsure_attempts", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("callback_note") as batch:
        batch.drop_column("unsure_attempts")
