"""roster audit: where a change came from ("rooster" for the roster pane, "import <file>")

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("roster_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("roster_audit", schema=None) as batch_op:
        batch_op.drop_column("source")
