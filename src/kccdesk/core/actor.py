"""Who works at a desk or runs a command, and what they may change or review."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: str
    shift_lead: bool = False
    #: true when the database said so (PostgreSQL login and role), not the local config
    from_database: bool = False
    #: reviews feedback, keeps the feedback log, makes client reports
    team_lead: bool = False
    #: the database's owner (administrator) rather than a login held to a role
    owner: bool = False

    @property
    def signs_as_login(self) -> bool:
        """On PostgreSQL a login held to a role is the author of what it writes: the
        database records the login, whatever name a desk or `--agent` gives."""
        return self.from_database and not self.owner

    def author(self, claimed: str) -> str:
        """The name a note or call is recorded under (as the database will record it)."""
        return self.user if self.signs_as_login else claimed

    def claims_someone_else(self, claimed: str) -> bool:
        """A name given on the command line that is not this login (refused, not replaced)."""
        return self.signs_as_login and bool(claimed) and claimed != self.user

    @property
    def may_record_feedback(self) -> bool:
        """Shift leads take the client's call about a mistake; team leads act on it."""
        return self.shift_lead or self.team_lead
