"""Search over people and topics, ranked with who is on duty now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kccdesk.duty.roster import DutyStatus

if TYPE_CHECKING:
    from kccdesk.knowledge.search import Catalog, Entry, Hit
from kccdesk.service.duty import DutyService


class SearchService(DutyService):
    """Search over people and topics, ranked with who is on duty now."""

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from kccdesk.knowledge.search import Catalog

            self._catalog = Catalog(source=self.client, ids=lambda: list(self._directory()))
        return self._catalog

    def _scope(self, client_id: str | None, pause: Callable[[], None] | None = None) -> None:
        """Load what a search in this scope needs: the client, or (all clients) every one."""
        if client_id is None:
            self.load_all(pause)
        else:
            self.client(client_id)

    def index_size(self, client_id: str | None, pause: Callable[[], None] | None = None) -> int:
        """Entries a search in this scope goes through (builds the index if needed).

        `pause` is called every few milliseconds of the work of all clients (loading them,
        building their index): a build in a background thread gives the interface thread
        its turn there, which Python's lock between threads would otherwise hand out only
        every 5 ms (sys.getswitchinterval) at every step of a keystroke."""
        self._scope(client_id, pause)
        return len(self.catalog.index(client_id, pause))

    def search(
        self, query: str, client_id: str | None, limit: int = 10, at: datetime | None = None
    ) -> list[Hit]:
        """Ranked hits; of nearly equal ones people on duty first, absent ones last."""
        at = at or self.clock()
        self._scope(client_id)
        if client_id is not None:
            today = at.astimezone(self.client(client_id).zone).date()
        else:
            today = at.astimezone(UTC).date()
        return self.catalog.search(query, client_id, limit, today, self._duty_rank(at))

    def _duty_rank(self, at: datetime) -> Callable[[Entry], int]:
        """0 on duty (and departments, topics), 1 off duty, 2 absent; asked only about
        nearly equal hits, so duty is worked out only for their clients."""

        def rank(entry: Entry) -> int:
            if entry.kind != "person":
                return 0  # a department or topic is never "off duty"
            status = self._duty_for_search(entry.client, at)
            if status.absence_of(entry.id):
                return 2
            return 0 if status.is_on_duty(entry.id) else 1

        return rank

    def duty_of_hit(self, hit: Hit, at: datetime | None = None) -> DutyStatus:
        """The duty of the client a hit belongs to, for its mark in a list of hits of all
        clients (F8): the same kept status the ranking used, not worked out per keystroke."""
        return self._duty_for_search(hit.entry.client, at or self.clock())

    def _duty_for_search(self, client_id: str, at: datetime) -> DutyStatus:
        """Duty as a search needs it: kept per client until the roster changes, someone's
        duty begins or ends, or a minute has passed: not worked out again per keystroke."""
        client = self.client(client_id)
        cached = self._search_duty.get(client_id)
        if cached is not None and cached[0] is client:
            status = cached[1]
            expires = status.at + timedelta(minutes=1)
            if status.next_change is not None:
                expires = min(expires, status.next_change)
            if status.at <= at < expires:
                return status
        status = self.duty(client_id, at)
        self._search_duty[client_id] = (client, status)
        return status
