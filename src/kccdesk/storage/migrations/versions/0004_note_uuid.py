"""note uuid: a stable identity per note, carried in its mail's Message-ID

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callback_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM callback_note"))]
    for note_id in ids:  # existing notes: one new identity each
        connection.execute(
            sa.text("UPDATE callback_note SET uuid = :uuid WHERE id = :id"),
            {"uuid": str(uuid.uuid4()), "id": note_id},
        )
    with op.batch_alter_table("callback_note", schema=None) as batch_op:
        batch_op.alter_column("uuid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_index("ix_note_uuid", ["uuid"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("callback_note", schema=None) as batch_op:
        batch_op.drop_index("ix_note_uuid")
        batch_op.drop_column("uuid")
