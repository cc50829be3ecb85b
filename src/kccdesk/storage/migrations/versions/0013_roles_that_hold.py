"""roles that hold: on PostgreSQL the database, not a desk, says who wrote a note, a call or a
roster change, and when; what a note or call recorded cannot be changed by anyone; a roster
change without its audit row in the same transaction is refused

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ROSTER_TABLES = ("shift", "extra_shift", "absence", "closure", "coverage")
#: what the outbox sender may change in a note once it is stored; the rest is evidence
DELIVERY_COLUMNS = (
    "status",
    "attempts",
    "unsure_attempts",
    "last_error",
    "next_attempt_at",
    "sent_at",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite is one machine: the OS account is the user, the file its own
    # The table's owner (the administrator's login, or a superuser) imports, upgrades and
    # may correct; every other login is held to the rules below. session_user, not
    # current_user: SET ROLE (or options=-crole=… in the URL) does not hide who logged in.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION kccdesk_is_owner(relation oid) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT pg_has_role(session_user, c.relowner, 'MEMBER')
            FROM pg_class c WHERE c.oid = relation
        $$
        """
    )
    # Notes and calls: the author is the login.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION kccdesk_author_is_login() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT kccdesk_is_owner(TG_RELID) THEN
                NEW.agent := session_user;
            END IF;
            RETURN NEW;
        END $$
        """
    )
    # A stored note changes only in its delivery; a logged call not at all.
    delivery = ", ".join(f"'{c}'" for c in DELIVERY_COLUMNS)
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION kccdesk_note_recorded() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF (to_jsonb(NEW) - ARRAY[{delivery}])
                    IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{delivery}]) THEN
                RAISE EXCEPTION 'kccdesk: een opgeslagen notitie verandert alleen in haar '
                    'bezorging; wat de agent noteerde en zag blijft zoals het was'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION kccdesk_call_recorded() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'kccdesk: een gelogd gesprek kan niet worden gewijzigd'
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    for table in ("callback_note", "call_log"):
        op.execute(
            f"CREATE TRIGGER {table}_author BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION kccdesk_author_is_login()"
        )
    op.execute(
        "CREATE TRIGGER callback_note_recorded BEFORE UPDATE ON callback_note "
        "FOR EACH ROW EXECUTE FUNCTION kccdesk_note_recorded()"
    )
    op.execute(
        "CREATE TRIGGER call_log_recorded BEFORE UPDATE ON call_log "
        "FOR EACH ROW EXECUTE FUNCTION kccdesk_call_recorded()"
    )
    # The roster audit: the login (session_user) and the server's clock, and the transaction
    # it belongs to, so a roster change can be checked to have one.
    op.execute("ALTER TABLE roster_audit ADD COLUMN tx bigint")
    op.execute(
        """
        CREATE OR REPLACE FUNCTION kccdesk_audit_login() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW."user" := session_user;
            NEW.tx := txid_current();
            IF NOT kccdesk_is_owner(TG_RELID) THEN
                NEW.at := now();
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION kccdesk_roster_audited() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            client text := CASE WHEN TG_OP = 'DELETE' THEN OLD.client_id ELSE NEW.client_id END;
        BEGIN
            IF kccdesk_is_owner(TG_RELID) THEN
                RETURN NULL;
            END IF;
            IF NOT EXISTS (
                SELECT 1 FROM roster_audit a
                WHERE a.tx = txid_current() AND a.client_id = client AND a.kind = TG_TABLE_NAME
            ) THEN
                RAISE EXCEPTION 'kccdesk: een roosterwijziging zonder regel in de '
                    'roosterhistorie wordt geweigerd'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NULL;
        END $$
        """
    )
    for table in ROSTER_TABLES:
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_audited AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION kccdesk_roster_audited()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ROSTER_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_audited ON {table}")
    op.execute("DROP FUNCTION IF EXISTS kccdesk_roster_audited()")
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
    op.execute("ALTER TABLE roster_audit DROP COLUMN tx")
    op.execute("DROP TRIGGER IF EXISTS call_log_recorded ON call_log")
    op.execute("DROP TRIGGER IF EXISTS callback_note_recorded ON callback_note")
    for table in ("callback_note", "call_log"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_author ON {table}")
    for function in ("call_recorded", "note_recorded", "author_is_login", "is_owner(oid)"):
        name = function if "(" in function else f"{function}()"
        op.execute(f"DROP FUNCTION IF EXISTS kccdesk_{name}")
