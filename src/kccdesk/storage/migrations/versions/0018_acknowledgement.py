"""acknowledgement and escalation: who saw a note and how, its escalation rounds, its trail

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from kccdesk.storage.roles import DELIVERY_COLUMNS

#: the columns of a note acknowledgement and escalation change (as of this revision)
ACK_COLUMNS = ("acked_at", "acked_by", "ack_via", "round", "send_to", "escalate_at")

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
    if op.get_bind().dialect.name == "postgresql":
        _note_changes_only_in(DELIVERY_COLUMNS + ACK_COLUMNS)


def _note_changes_only_in(columns: tuple[str, ...]) -> None:
    """A stored note changes only in its delivery and (now) its acknowledgement and
    escalation; what the agent noted and saw stays as it was (migration 0013's rule)."""
    allowed = ", ".join(f"'{c}'" for c in columns)
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION kccdesk_note_recorded() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF (to_jsonb(NEW) - ARRAY[{allowed}])
                    IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{allowed}]) THEN
                RAISE EXCEPTION 'kccdesk: een opgeslagen notitie verandert alleen in haar '
                    'bezorging; wat de agent noteerde en zag blijft zoals het was'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _note_changes_only_in(DELIVERY_COLUMNS)
    op.drop_index("ix_note_event_note", "note_event")
    op.drop_table("note_event")
    op.drop_index("ix_note_escalate", "callback_note")
    with op.batch_alter_table("callback_note") as batch:
        for column in ("escalate_at", "send_to", "round", "ack_via", "acked_by", "acked_at"):
            batch.drop_column(column)
    with op.batch_alter_table("client") as batch:
        batch.drop_column("escalation")
