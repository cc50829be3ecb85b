"""Who may do what, enforced by PostgreSQL itself: three group roles, granted to logins.

    agent       read everything; take notes, log calls, purge them after retention
    shift_lead  an agent who also edits rosters (and so adds to the roster audit) and
                records client feedback
    team_lead   an agent who reads everything (review, reports) and keeps the feedback log;
                edits no rosters

Client data (imports) and schema upgrades stay with the owner of the tables. The roster
audit is insert-only for everyone and records the login (migration 0005). Role names are
cluster-wide, so they carry a prefix (default "kccdesk").
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

from kccdesk.errors import StorageError
from kccdesk.storage.base import StoreBase

ROLES = ("agent", "shift_lead", "team_lead")
ROSTER_TABLES = ("shift", "extra_shift", "absence", "closure", "coverage")
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
    """Create the group roles (if missing) and give them their rights on this schema."""
    _postgres_only(engine)
    agent, lead, team = (role_name(r, prefix) for r in ROLES)
    with engine.begin() as c:
        for name in (agent, lead, team):
            c.execute(
                text(
                    f"DO $$ BEGIN CREATE ROLE {name} NOLOGIN; "
                    "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
                )
            )
        schema = c.execute(text("SELECT current_schema()")).scalar_one()
        c.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {agent}, {lead}, {team}'))
        c.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {agent}'))
        c.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {agent}'))
        c.execute(text(f"GRANT INSERT, UPDATE, DELETE ON callback_note, call_log TO {agent}"))
        c.execute(text(f"GRANT INSERT, UPDATE ON change_counter TO {agent}"))
        c.execute(text(f"GRANT {agent} TO {lead}, {team}"))
        c.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(ROSTER_TABLES)} TO {lead}"))
        c.execute(text(f"GRANT INSERT ON roster_audit TO {lead}"))
        c.execute(text(f"GRANT INSERT, UPDATE ON feedback TO {lead}, {team}"))
    return [agent, lead, team]


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


class RoleStore(StoreBase):
    def create_roles(self, prefix: str = "kccdesk") -> list[str]:
        return self._run(lambda: create_roles(self.engine, prefix))

    def login(self) -> str:
        """The database login this store works as (PostgreSQL's current_user)."""

        def read() -> str:
            with self.engine.connect() as c:
                return str(c.execute(text("SELECT current_user")).scalar())

        return self._run(read)

    def may_edit_roster(self) -> bool | None:
        """On PostgreSQL whether this login may change rosters; None elsewhere (config)."""
        if self.engine.dialect.name != "postgresql":
            return None

        def read() -> bool:
            with self.engine.connect() as c:
                return bool(
                    c.execute(text("SELECT has_table_privilege('shift', 'INSERT')")).scalar()
                )

        return self._run(read)

    def is_team_lead(self) -> bool | None:
        """On PostgreSQL whether this login holds a team-lead role; None elsewhere (config)."""
        if self.engine.dialect.name != "postgresql":
            return None

        def read() -> bool:
            with self.engine.connect() as c:
                return bool(
                    c.execute(
                        text(
                            "SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname LIKE "
                            "'%\\_team\\_lead' AND pg_has_role(current_user, r.oid, 'MEMBER'))"
                        )
                    ).scalar()
                )

        return self._run(read)

    def grant_role(self, login: str, role: str, prefix: str = "kccdesk") -> str:
        return self._run(lambda: grant(self.engine, login, role, prefix))
