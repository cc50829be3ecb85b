"""Who is on duty, gaps in coverage, and whether a transfer may go through."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from kccdesk.clients.model import Client
from kccdesk.core.errors import StorageError
from kccdesk.duty.roster import DutyStatus, OutOfRange, duty_at

if TYPE_CHECKING:
    from kccdesk.calls.transfers import TransferCheck
    from kccdesk.duty.coverage import Gap
from kccdesk.service.clients import ClientService

#: the longest window `gaps` looks ahead (a year)
MAX_GAP_DAYS = 366
#: the duty panel warns of a gap now or within this many hours
GAP_WARNING_HOURS = 12


class DutyService(ClientService):
    """Who is on duty, gaps in coverage, and whether a transfer may go through."""

    def today(self, client_id: str | None = None) -> datetime:
        """Now, in the client's zone (UTC for all clients)."""
        now = self.clock()
        return now.astimezone(self.client(client_id).zone) if client_id else now

    def duty(self, client_id: str, at: datetime | None = None) -> DutyStatus:
        """Who is on duty at `at` (default now); a moment the roster cannot answer for (near
        the years 1 or 9999) is refused with one line (StorageError)."""
        try:
            return duty_at(self.client(client_id), at or self.clock())
        except OutOfRange as exc:
            raise StorageError(str(exc)) from None

    def gaps(
        self,
        client_id: str | None = None,
        start: date | datetime | None = None,
        days: float = 14,
        replacements: bool = False,
    ) -> list[Gap]:
        """Coverage shortfalls of one client (or all) from `start` (default now; a day means
        its 00:00 on each client's clock, a time without offset the client's wall clock) for
        `days` days; with `replacements` also the periods in which an absent person's
        replacement is away too. A window outside the years of client data is refused
        (StorageError)."""
        from kccdesk.duty.coverage import agenda_gaps, gaps, replacement_gaps

        if not 0 < days <= MAX_GAP_DAYS:
            raise StorageError(f"--days moet groter dan 0 en hoogstens {MAX_GAP_DAYS} zijn")
        clients = [self.client(client_id)] if client_id else self.clients
        found: list[Gap] = []
        for client in clients:
            begin = self._moment(client, start)
            found.extend(gaps(client, begin, begin + timedelta(days=days)))
            if replacements:
                found.extend(replacement_gaps(client, begin, begin + timedelta(days=days)))
                found.extend(agenda_gaps(client, self.clock()))
        return found

    def _moment(self, client: Client, start: date | datetime | None) -> datetime:
        from kccdesk.duty.rules import FIRST_DAY, LAST_DAY

        if start is None:
            moment = self.clock().astimezone(client.zone)
        elif isinstance(start, datetime):
            from kccdesk.duty.roster import wall_time_exists

            if start.tzinfo is None and not wall_time_exists(start, client.zone):
                raise StorageError(
                    f"--from {start:%Y-%m-%dT%H:%M} bestaat niet in {client.timezone}: de klok "
                    "springt die nacht een uur vooruit (zomertijd); kies een tijd ervoor of erna"
                )
            moment = start if start.tzinfo else start.replace(tzinfo=client.zone)
        else:
            moment = datetime.combine(start, time(0), tzinfo=client.zone)
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise StorageError(
                f"tijdstip {moment.date().isoformat()} ligt buiten {FIRST_DAY.year}–{LAST_DAY.year}"
            )
        return moment

    def gaps_soon(
        self, client_id: str, at: datetime | None = None, hours: float = GAP_WARNING_HOURS
    ) -> list[Gap]:
        """The client's gaps at `at` (default now) or within the next `hours` (the duty
        panel's warning, the transfer guard's note offer)."""
        return self.gaps(client_id, at or self.clock(), days=hours / 24)

    def check_transfer(
        self, client_id: str, person_id: str, status: DutyStatus | None = None
    ) -> TransferCheck:
        """The transfer guard (kccdesk.calls.transfers) on the roster of now."""
        from kccdesk.calls.transfers import check_transfer
        from kccdesk.duty.coverage import describe_gap

        client = self.client(client_id)
        status = status or self.duty(client_id)
        now = self.gaps(client_id, status.at, days=1 / 1440) if client.coverage else []
        gap = describe_gap(now[0]) if now and now[0].start <= status.at else ""
        return check_transfer(client, person_id, status, gap)
