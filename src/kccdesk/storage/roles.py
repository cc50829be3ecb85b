"""Who may do what, enforced by PostgreSQL itself: four group roles, granted to logins.

    agent       reads the clients, rosters, notes and calls (not the feedback log); takes
                notes and logs calls; the outbox sender may change a note's delivery state,
                nothing else of it, and its acknowledgement and escalation (with its trail);
                says its desk is there (the board's row of it) and sets
                and finishes reminders; updates and deletes nothing else
    shift_lead  an agent who also edits rosters (every change with its audit row in the same
                transaction, or the database refuses it) and keeps the feedback log; syncs
                the calendar feeds (their absences are roster entries)
    team_lead   an agent who reads everything (review, reports) and keeps the feedback log;
                edits no rosters
    retention   deletes notes and calls past the retention period (`kccdesk purge`, run by
                the administrator or a timer); no desk ever purges on PostgreSQL

Client data (imports) and schema upgrades stay with the owner of the tables. The database
records who wrote a note, a call or a roster change as the login (`session_user`: SET ROLE
does not hide it), and the audit's time from its own clock (migration 0013). Role names are
cluster-wide, so they carry a prefix (default "kccdesk"); the schema keeps the prefix it was
given (`kccdesk_role_name`), so "team lead" means exactly the role `db roles` made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine

from kccdesk.core.errors import StorageError
from kccdesk.duty.kinds import NAMES
from kccdesk.storage.base import StoreBase

ROLES = ("agent", "shift_lead", "team_lead", "retention")
ROSTER_TABLES = NAMES  # each kind's table bears its name
#: the columns of a stored note the outbox sender changes (migration 0013 holds the rest)
DELIVERY_COLUMNS = (
    "status",
    "attempts",
    "unsure_attempts",
    "last_error",
    "next_attempt_at",
    "sent_at",
)
#: the columns of a stored note its acknowledgement and escalation change (kccdesk.ack)
ACK_COLUMNS = ("acked_at", "acked_by", "ack_via", "round", "send_to", "escalate_at")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")


def role_name(role: str, prefix: str = "kccdesk") -> str:
    if role not in ROLES:
        raise StorageError(f"onbekende rol '{role}' (kies uit {', '.join(ROLES)})")
    return _checked(f"{prefix}_{role}")


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise StorageError(f"'{name}' is geen geldige rolnaam (kleine letters, cijfers, _)")
    return name


def _postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise StorageError(
            "rollen bestaan alleen op PostgreSQL; op SQLite is de OS-gebruiker de gebruiker"
        )


def create_roles(engine: Engine, prefix: str = "kccdesk") -> list[str]:
    """Create the group roles (if missing) and give them their rights on this schema; run
    again after an upgrade, it also takes back what earlier versions granted too widely."""
    _postgres_only(engine)
    agent, lead, team, keeper = (role_name(r, prefix) for r in ROLES)
    everyone = f"{agent}, {lead}, {team}, {keeper}"
    with engine.begin() as c:
        for name in (agent, lead, team, keeper):
            c.execute(
                text(
                    f"DO $$ BEGIN CREATE ROLE {name} NOLOGIN; "
                    "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
                )
            )
        schema = c.execute(text("SELECT current_schema()")).scalar_one()
        c.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {everyone}'))
        c.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {everyone}'))
        c.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {agent}'))
        c.execute(text(f"REVOKE SELECT ON feedback FROM {agent}"))
        c.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {agent}'))
        c.execute(text(f"GRANT INSERT ON callback_note, call_log TO {agent}"))
        columns = ", ".join(DELIVERY_COLUMNS + ACK_COLUMNS)
        c.execute(text(f"GRANT UPDATE ({columns}) ON callback_note TO {agent}"))
        c.execute(text(f"GRANT INSERT, UPDATE ON change_counter TO {agent}"))
        # Any desk or `serve` writes a note's trail: sent, opened, acknowledged, escalated.
        c.execute(text(f"GRANT INSERT ON note_event TO {agent}"))
        # Every desk says it is there; every agent sets reminders and finishes them.
        c.execute(text(f"GRANT INSERT, UPDATE, DELETE ON desk_presence TO {agent}"))
        c.execute(text(f"GRANT INSERT, UPDATE ON reminder TO {agent}"))
        c.execute(text(f"GRANT {agent} TO {lead}, {team}, {keeper}"))
        c.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(ROSTER_TABLES)} TO {lead}"))
        c.execute(text(f"GRANT INSERT ON roster_audit TO {lead}"))
        # A calendar sync writes absences like a shift lead, and the feeds' state with them.
        c.execute(text(f"GRANT INSERT, UPDATE, DELETE ON agenda_feed, agenda_busy TO {lead}"))
        c.execute(text(f"GRANT SELECT, INSERT, UPDATE ON feedback TO {lead}, {team}"))
        c.execute(text(f"GRANT DELETE ON callback_note, call_log, note_event TO {keeper}"))
        # The prefix this schema's roles carry: "team lead" is membership of exactly that.
        quoted = prefix.replace("'", "''")
        c.execute(
            text(
                "CREATE OR REPLACE FUNCTION kccdesk_role_name(kind text) RETURNS text "
                f"LANGUAGE sql IMMUTABLE AS $$ SELECT '{quoted}_' || kind $$"
            )
        )
    return [agent, lead, team, keeper]


def grant(engine: Engine, login: str, role: str, prefix: str = "kccdesk") -> str:
    """Give an existing login one of the roles; the login is then who the audit names."""
    _postgres_only(engine)
    name = role_name(role, prefix)
    with engine.begin() as c:
        exists = c.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login})
        if exists.first() is None:
            raise StorageError(f"login '{login}' bestaat niet op deze server")
        quoted = login.replace('"', '""')
        c.execute(text(f'GRANT {name} TO "{quoted}"'))
    return name


@dataclass(frozen=True)
class DatabaseIdentity:
    """Who a PostgreSQL login is to kccdesk: its name (session_user), whether it may change
    rosters, whether it holds this schema's team-lead role, whether it owns the tables."""

    login: str
    may_edit_roster: bool
    team_lead: bool
    owner: bool


class RoleStore(StoreBase):
    def create_roles(self, prefix: str = "kccdesk") -> list[str]:
        return self._run(lambda: create_roles(self.engine, prefix))

    def identity(self) -> DatabaseIdentity | None:
        """On PostgreSQL who this login is to kccdesk, in one or two questions on one
        connection (asked at every desk start and command); None elsewhere (config)."""
        if self.engine.dialect.name != "postgresql":
            return None

        def read() -> DatabaseIdentity:
            with self.engine.connect() as c:
                login, roster, owner, roles_made = c.execute(
                    text(
                        "SELECT session_user, has_table_privilege('shift', 'INSERT'), "
                        "kccdesk_is_owner('callback_note'::regclass), "
                        "to_regproc('kccdesk_role_name') IS NOT NULL"
                    )
                ).one()
                # Without roles made in this schema nobody holds one (and the function that
                # names them does not exist, so it cannot be in the first question).
                team_lead = (
                    roles_made
                    and c.execute(
                        text(
                            "SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE "
                            "r.rolname = kccdesk_role_name('team_lead') "
                            "AND pg_has_role(session_user, r.oid, 'MEMBER'))"
                        )
                    ).scalar()
                )
            return DatabaseIdentity(str(login), bool(roster), bool(team_lead), bool(owner))

        return self._run(read)

    def may_purge(self) -> bool | None:
        """On PostgreSQL whether this login may delete notes past retention (the retention
        role, or the owner); None elsewhere (the OS user owns the file)."""
        if self.engine.dialect.name != "postgresql":
            return None

        def read() -> bool:
            with self.engine.connect() as c:
                query = "SELECT has_table_privilege('callback_note', 'DELETE')"
                return bool(c.execute(text(query)).scalar())

        return self._run(read)

    def grant_role(self, login: str, role: str, prefix: str = "kccdesk") -> str:
        return self._run(lambda: grant(self.engine, login, role, prefix))
