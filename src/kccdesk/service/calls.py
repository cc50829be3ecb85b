"""The call log, what the desk showed, and the warnings agents overrode."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kccdesk.core.errors import StorageError
from kccdesk.teamlead.review import Override

if TYPE_CHECKING:
    from kccdesk.calls.session import CallSession
from kccdesk.service.search import SearchService


class CallService(SearchService):
    """The call log, what the desk showed, and the warnings agents overrode."""

    def log_call(self, call: CallSession, agent: str, ended: datetime | None = None) -> None:
        """Write a finished call to the call log (ended now, or when the softphone said),
        with what the desk showed when the agent acted (at the call's start when the screen
        did not record it then)."""
        shown = None
        if call.shown is None and self.has_client(call.client):
            shown = self.shown(call.client, call.acted_on, "; ".join(call.overrides), call.started)
        call.log_into(self._db, ended or self.clock(), self.actor.author(agent), shown)

    def shown(
        self, client_id: str, person: str = "", warning: str = "", at: datetime | None = None
    ) -> dict[str, object] | None:
        """What the call screen shows for this client at `at` (default now), as stored with
        calls and notes for a later review (kccdesk.calls.shown); None when it cannot be known."""
        from kccdesk.calls.shown import shown_now
        from kccdesk.notes.rules import instructions_version

        try:
            client = self.client(client_id)
            status = self.duty(client_id, at or self.clock())
        except StorageError:
            return None
        return shown_now(client, status, instructions_version(client), person, warning).as_dict()

    def overrides(self, client_id: str | None = None, days: int = 7) -> list[Override]:
        """What agents knowingly did against a warning, and the transfers the guard stopped,
        newest first: the list a shift lead or team lead goes through."""
        from kccdesk.teamlead.review import overrides_from

        since = self.clock() - timedelta(days=days)
        calls = self._db.calls(client_id, since=since)
        return overrides_from(calls, self._db.notes(client_id, since=since), self._named_stops)

    def _named_stops(self, client_id: str, stopped: str) -> str:
        """'jdekker: geen dienst; …' as people read it: 'Jelle Dekker: geen dienst · …'."""
        if not self.has_client(client_id):
            return stopped
        client = self.client(client_id)
        parts = []
        for part in stopped.split("; "):
            person, sep, reason = part.partition(": ")
            parts.append(f"{client.person_name(person)}{sep}{reason}" if sep else part)
        return " · ".join(parts)
