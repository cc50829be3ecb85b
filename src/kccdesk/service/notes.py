"""Callback notes: taken after their rules, listed, mailed by the outbox, purged after retention."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from kccdesk.core.errors import StorageError
from kccdesk.service.base import NotAllowed

if TYPE_CHECKING:
    from kccdesk.core.settings import SmtpSettings
    from kccdesk.notes.delivery import Outcome
    from kccdesk.storage import NoteRecord
from kccdesk.service.calls import CallService
from kccdesk.service.clients import ClientLookup

#: how far back the caller's earlier notes are shown on a screen pop
CALLER_HISTORY_DAYS = 30


class NoteService(CallService):
    """Callback notes: taken after their rules, listed, mailed by the outbox, purged after
    retention."""

    def add_note(
        self,
        client_id: str,
        recipient: str,
        caller_name: str,
        phone: str,
        message: str,
        *,
        urgency: str = "normaal",
        agent: str = "",
        keep_absent_recipient: bool = False,
        replaces: int | None = None,
        call: str = "",
        meant_for: str = "",
        call_type: str = "",
        answers: Mapping[str, str] | None = None,
    ) -> NoteRecord:
        """Check every rule, then store with what the desk showed; raises NoteRefused with the
        reason. `replaces` is a failed note this one takes the place of (re-sent, perhaps to
        someone else); `call` the id of the call it was taken in; `call_type` the client's
        call type it was taken as, with `answers` by field id (kccdesk.calltypes)."""
        from kccdesk.ack.escalation import first_escalation
        from kccdesk.notes.rules import check_note

        now = self.clock()
        client = self.client(client_id)
        checked = check_note(
            client,
            recipient,
            caller_name,
            phone,
            message,
            urgency=urgency,
            agent=self.actor.author(agent),
            at=now,
            allow_absent=keep_absent_recipient,
            meant_for=meant_for,
            call_type=call_type,
            answers=answers,
        )
        shown = self.shown(
            client_id, checked.addressed_to or checked.recipient, checked.override, now
        )
        saved = self._db.add_note(
            checked,
            at=now,
            override=checked.override,
            call_uuid=call,
            shown=shown,
            escalate_at=first_escalation(client, checked.urgency, checked.call_type, now),
        )
        if replaces is not None:
            self._db.mark_replaced(replaces)
        return saved

    def call_type_recipient(self, client_id: str, type_id: str) -> str | None:
        """Who a note of this call type goes to now (kccdesk.calltypes.rules.recipient_of),
        or None when the type names no one (the agent chooses)."""
        from kccdesk.calltypes.rules import recipient_of
        from kccdesk.duty.roster import person_state

        client = self.client(client_id)
        call_type = client.call_type(type_id)
        if call_type is None:
            return None
        now = self.clock()
        status = self.duty(client_id, now)

        def back_at(person: str):
            return person_state(client, status, person).back_at

        local = now.astimezone(client.zone)
        return recipient_of(client, call_type, local, status.is_on_duty, back_at)

    def notes(self, client_id: str | None = None, limit: int | None = None) -> list[NoteRecord]:
        return self._db.notes(client_id, limit=limit)

    def notes_today(self, client_id: str | None = None) -> list[NoteRecord]:
        local = self.today(client_id)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return self._db.notes(client_id, since=midnight)

    def caller_notes(self, caller: str, client_id: str) -> list[NoteRecord]:
        """The caller's notes for this client of the last days, newest first (screen pop);
        never another client's (a GP's callback is not the municipality's business)."""
        since = self.clock() - timedelta(days=CALLER_HISTORY_DAYS)
        return self._db.notes(client_id, caller_phone=caller, since=since, limit=10)

    def failed_notes(self, limit: int = 50) -> list[NoteRecord]:
        """Notes the mail server refused (or that could not be composed), and those it took
        without ever answering (perhaps delivered), newest first: they need an agent until
        they are handled."""
        from kccdesk.records import NEEDS_AGENT

        return self._db.notes(status=NEEDS_AGENT, limit=limit)

    def delayed_notes(self) -> list[NoteRecord]:
        """Notes still queued after an attempt that did not get through (the mail server
        unreachable, busy or answering late): not failed yet, but not with their
        recipient either, and the agent who promised a callback should know."""
        return [note for note in self._db.notes(status="queued", shown=False) if note.last_error]

    def deliver_due(self, smtp: SmtpSettings) -> list[Outcome]:
        """One pass of the outbox (kccdesk.notes.delivery)."""
        from kccdesk.notes.delivery import deliver_due

        return deliver_due(self._db, ClientLookup(self), smtp, self.clock(), self.clock)

    def fill_demo_history(self) -> bool:
        """Write the demo's fortnight of history if this demo database has none yet (it
        always holds feedback once written); True when it was written now."""
        from kccdesk.service.demo_history import fill

        if self._db.feedback() or self._db.calls(limit=1):
            return False
        fill(self._db, self.clients, self.clock())
        return True

    def purge_at_start(self, retention_days: int) -> None:
        """A desk purges at its start only where its user owns the data (SQLite: the OS
        account's own file). On PostgreSQL retention is the retention role's job (`kccdesk
        purge` on a timer): no desk's config can empty the team's notes."""
        if self._db.may_purge() is None:
            self.purge_expired(retention_days)

    def purge_expired(self, retention_days: int) -> dict[str, int]:
        """Delete notes and call logs older than the retention period (personal data); on
        PostgreSQL only for the owner and the retention role."""
        if self._db.may_purge() is False:
            raise NotAllowed(
                f"alleen de beheerder of de rol retention verwijdert notities en gesprekken "
                f"('{self.actor.user}' heeft die rol niet; kccdesk db grant LOGIN retention)"
            )
        try:
            cutoff = self.clock() - timedelta(days=retention_days)
        except OverflowError:
            raise StorageError(f"bewaartermijn van {retention_days} dagen is te lang") from None
        return self._db.purge(cutoff)
