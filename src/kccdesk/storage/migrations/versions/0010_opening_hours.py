"""opening hours as rows, and where urgent callers go outside them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("after_hours", sa.String(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("after_hours_route", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("after_hours_route")
        batch_op.drop_column("after_hours")
        batch_op.drop_column("opening")
