"""Roster edits by shift leads: checked against what is committed, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kccdesk.agenda.sync import given_way
from kccdesk.clients.model import Absence
from kccdesk.service.base import NotAllowed, RosterRefused

if TYPE_CHECKING:
    from kccdesk.duty.kinds import RosterItem
    from kccdesk.storage import AuditRecord, RosterEntry
from kccdesk.service.notes import NoteService


class RosterService(NoteService):
    """Roster edits by shift leads: checked against what is committed, audited."""

    def roster_entries(self, client_id: str) -> list[RosterEntry]:
        return self._db.roster_entries(client_id)

    def roster_history(self, client_id: str, kind: str, entry_id: int) -> list[AuditRecord]:
        return self._db.roster_history(client_id, kind, entry_id)

    def _require_shift_lead(self) -> None:
        if not self.actor.shift_lead:
            raise NotAllowed(
                f"alleen roosterbeheerders mogen het rooster wijzigen ('{self.actor.user}' is "
                "dat niet)"
            )

    def save_roster_entry(
        self, client_id: str, item: RosterItem, entry: RosterEntry | None = None
    ) -> RosterEntry:
        """Add an entry (no `entry`) or change one, after the roster rules and the permission
        check; a change made by someone else since `entry` was read is refused (StaleEntry)."""
        from kccdesk.duty.kinds import kind_of
        from kccdesk.duty.rules import entry_problems
        from kccdesk.storage.roster import StaleEntry

        self._require_shift_lead()
        client = self.client(client_id)
        current = self._db.roster_entries(client_id)
        kind = kind_of(item)
        others = [
            e.item for e in current if e.kind == kind.name and (entry is None or e.id != entry.id)
        ]
        # A shift lead's absence overrules what a calendar feed gave for those days: the
        # feed's entries give way rather than stand in the way.
        displaced = given_way(item, _absences(others)) if isinstance(item, Absence) else ()
        problems = entry_problems(client, item, [o for o in others if o not in displaced])
        if problems:
            raise RosterRefused(problems)

        def still_sound(committed: list[RosterItem]) -> None:
            """The same rules against what is committed, under the client's lock."""
            gone = given_way(item, _absences(committed)) if isinstance(item, Absence) else ()
            problems = entry_problems(client, item, [c for c in committed if c not in gone])
            if problems:
                raise RosterRefused(problems)

        try:
            saved = self._db.save_roster_entry(
                client_id,
                item,
                self.actor.user,
                entry.id if entry else None,
                entry.version if entry else None,
                now=self.clock(),
                check=still_sound,
            )
        except StaleEntry as stale:
            raise stale.named(client.person_name) from None
        if displaced:
            self._db.remove_feed_absences(client_id, displaced, self.actor.user, now=self.clock())
        self.reload(client_id)
        if isinstance(item, Absence):
            from dataclasses import replace

            from kccdesk.duty.rules import replacement_warnings

            warnings = replacement_warnings(self.client(client_id), about=item)
            saved = replace(saved, warnings=tuple(warnings))
        return saved

    def remove_roster_entry(self, client_id: str, entry: RosterEntry) -> None:
        self._require_shift_lead()
        self._db.remove_roster_entry(
            client_id, entry.kind, entry.id, entry.version, self.actor.user, now=self.clock()
        )
        self.reload(client_id)


def _absences(items: list[RosterItem]) -> tuple[Absence, ...]:
    return tuple(i for i in items if isinstance(i, Absence))
