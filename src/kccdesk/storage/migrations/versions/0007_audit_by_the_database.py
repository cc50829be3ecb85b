"""audit by the database: on PostgreSQL the roster audit records the login (current_user),
whatever a desk claims, and cannot be changed or emptied, only added to

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite is one machine: the OS account is the user, the file its own
    op.execute(
        """
        CREATE OR REPLACE FUNCTION kccdesk_audit_login() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW."user" := current_user;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION kccdesk_audit_frozen() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'roster_audit is insert-only' USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER roster_audit_login BEFORE INSERT ON roster_audit "
        "FOR EACH ROW EXECUTE FUNCTION kccdesk_audit_login()"
    )
    op.execute(
        "CREATE TRIGGER roster_audit_frozen BEFORE UPDATE OR DELETE ON roster_audit "
        "FOR EACH ROW EXECUTE FUNCTION kccdesk_audit_frozen()"
    )
    op.execute(
        "CREATE TRIGGER roster_audit_no_truncate BEFORE TRUNCATE ON roster_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION kccdesk_audit_frozen()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for trigger in ("roster_audit_no_truncate", "roster_audit_frozen", "roster_audit_login"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON roster_audit")
    op.execute("DROP FUNCTION IF EXISTS kccdesk_audit_frozen()")
    op.execute("DROP FUNCTION IF EXISTS kccdesk_audit_login()")
