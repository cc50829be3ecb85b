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

    @property
    def may_record_feedback(self) -> bool:
        """Shift leads take the client's call about a mistake; team leads act on it."""
        return self.shift_lead or self.team_lead
