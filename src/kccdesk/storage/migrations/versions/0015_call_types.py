"""call types: a client's message scripts, and the type and answers of each note

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("call_types", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("callback_note") as batch:
        batch.add_column(sa.Column("call_type", sa.String(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("call_type_title", sa.String(), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("answers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("callback_note") as batch:
        batch.drop_column("answers")
        batch.drop_column("call_type_title")
        batch.drop_column("call_type")
    with op.batch_alter_table("client") as batch:
        batch.drop_column("call_types")
