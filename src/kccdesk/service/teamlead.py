"""The team lead's day: the feedback log, reconstructions, patterns and the daily review."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kccdesk.core.errors import StorageError
from kccdesk.service.base import NotAllowed

if TYPE_CHECKING:
    from kccdesk.records import CallRecord, FeedbackRecord
    from kccdesk.storage import NoteRecord
    from kccdesk.teamlead.feedback import FeedbackChange
    from kccdesk.teamlead.patterns import Pattern
    from kccdesk.teamlead.reconstruction import Reconstruction
    from kccdesk.teamlead.review import Review
from kccdesk.service.roster import RosterService

#: the answering service's own calendar (its review day), whatever the clients' zones
SERVICE_ZONE = ZoneInfo("Europe/Amsterdam")


class TeamLeadService(RosterService):
    """The team lead's day: the feedback log, reconstructions, patterns and the daily review."""

    def _require_feedback_rights(self) -> None:
        if not self.actor.may_record_feedback:
            raise NotAllowed(
                f"alleen roosterbeheerders en teamleiders houden het feedbacklog bij "
                f"('{self.actor.user}' is dat niet)"
            )

    def _require_team_lead(self) -> None:
        if not self.actor.team_lead:
            raise NotAllowed(
                f"alleen teamleiders zien het dagoverzicht en de rapportage ('{self.actor.user}' "
                "is dat niet; SQLite: zet de gebruiker in team_leads, PostgreSQL: rol team_lead)"
            )

    def feedback_candidates(
        self, client_id: str, day: date, phone: str = "", recipient: str = ""
    ) -> tuple[list[NoteRecord], list[CallRecord]]:
        """The notes and calls of that day (the client's calendar day) that fit the caller's
        number and/or the person it went to: what a feedback item may be about."""
        from kccdesk.teamlead.feedback import matching

        client = self.client(client_id)
        if phone:
            from kccdesk.clients.phones import check

            checked = check(phone, client.country)
            if not checked.valid:
                shown = phone if len(phone) <= 30 else phone[:29] + "…"
                raise StorageError(f"'{shown}' is geen geldig telefoonnummer: {checked.error}")
            phone = checked.e164 or phone
        if recipient and client.person(recipient) is None:
            raise StorageError(f"onbekende persoon '{recipient}' bij {client_id}")
        since = datetime.combine(day, time(0), tzinfo=client.zone)
        until = datetime.combine(day + timedelta(days=1), time(0), tzinfo=client.zone)
        notes = self._db.notes(client_id, since=since, until=until)
        calls = self._db.calls(client_id, since=since, until=until)
        return matching(notes, calls, phone, recipient)

    def add_feedback(
        self,
        client_id: str,
        category: str,
        said: str,
        *,
        at: datetime | None = None,
        note_id: int | None = None,
        call_id: int | None = None,
        person: str = "",
        cause: str = "onbekend",
    ) -> FeedbackRecord:
        """Record client feedback after its rules (kccdesk.teamlead.feedback); FeedbackRefused or
        StorageError (unknown note or call) say why nothing was stored."""
        from kccdesk.teamlead.feedback import check_new

        self._require_feedback_rights()
        client = self.client(client_id)
        note = self._db.note(note_id) if note_id is not None else None
        call = None
        if call_id is not None:
            call = self._db.call(call_id)
            if call is None:
                raise StorageError(f"onbekend gesprek {call_id}")
        checked = check_new(
            client,
            category=category,
            said=said,
            now=self.clock(),
            happened_at=at,
            note=note,
            call=call,
            person=person,
            cause=cause,
        )
        return self._db.add_feedback(checked, user=self.actor.user, at=self.clock())

    def feedback_item(self, feedback_id: int) -> FeedbackRecord:
        return self._db.feedback_item(feedback_id)

    def feedback(
        self,
        client_id: str | None = None,
        days: int | None = None,
        open_only: bool = False,
    ) -> list[FeedbackRecord]:
        """Feedback newest event first: of one client or all, of the last `days`, or only the
        items still open."""
        from kccdesk.teamlead.feedback import OPEN_STATUSES

        if client_id:
            self.client(client_id)  # an unknown client is an error, not an empty list
        since = self.clock() - timedelta(days=days) if days else None
        return self._db.feedback(
            client_id, since=since, statuses=OPEN_STATUSES if open_only else ()
        )

    def update_feedback(
        self, feedback_id: int, change: FeedbackChange, seen: FeedbackRecord | None = None
    ) -> FeedbackRecord:
        """Set status, action, owner or cause after the rules (an action needs an owner).
        With `seen`, the item as the editor read it, a change made by someone else since is
        refused (StaleFeedback) instead of overwritten."""
        from kccdesk.teamlead.feedback import check_change

        self._require_feedback_rights()
        current = seen or self._db.feedback_item(feedback_id)
        checked = check_change(change, current.action, current.owner, current.status)
        return self._db.update_feedback(
            feedback_id, checked, user=self.actor.user, at=self.clock(), seen=current
        )

    def reconstruct(self, feedback_id: int) -> Reconstruction:
        """The item joined with its note or call, what the desk showed then and the roster
        changes around it (kccdesk.teamlead.reconstruction)."""
        from kccdesk.teamlead.reconstruction import AUDIT_WINDOW

        item = self._db.feedback_item(feedback_id)
        return self._reconstruct(item, AUDIT_WINDOW)

    def _reconstruct(self, item: FeedbackRecord, window: timedelta) -> Reconstruction:
        from kccdesk.teamlead.reconstruction import link, reconstruct

        client = self.client(item.client)
        # a purged note is None; a database that cannot be read is an error, not a purged note
        found = link(item, self._db.note_or_none, self._db.call, self._db.call_by_uuid)
        audit = self._db.roster_audit(item.client, found.at - window, found.at + window)
        trail = self._db.note_events([found.note.id])[found.note.id] if found.note else []
        return reconstruct(client, item, found.note, found.call, audit, tuple(trail))

    def patterns(
        self, client_id: str | None = None, until: datetime | None = None
    ) -> list[Pattern]:
        """Recurring causes in the fortnight up to `until` (default now)."""
        from kccdesk.teamlead.patterns import WINDOW, recurring

        until = until or self.clock()
        items = self._db.feedback(
            client_id, since=until - WINDOW, until=until + timedelta(microseconds=1)
        )
        late = {i.id for i in items if self._late(i)}
        clients = {cid: self.client(cid) for cid in {i.client for i in items}}
        return recurring(items, clients, until, late)

    def _late(self, item: FeedbackRecord) -> bool:
        """Whether the client's roster change for this item reached us after the call."""
        from kccdesk.teamlead.reconstruction import AUDIT_WINDOW

        if item.note_id is None and item.call_id is None:
            return False
        return bool(self._reconstruct(item, AUDIT_WINDOW).late_changes)

    def review(self, day: date | None = None) -> Review:
        """The team lead's daily review of `day` (default yesterday, on the service's clock):
        that day's feedback and every open item, overridden warnings, failed notes, patterns."""
        from kccdesk.teamlead.feedback import OPEN_STATUSES
        from kccdesk.teamlead.review import build_review

        self._require_team_lead()
        now = self.clock()
        day = day or (now.astimezone(SERVICE_ZONE).date() - timedelta(days=1))
        start = datetime.combine(day, time(0), tzinfo=SERVICE_ZONE)
        end = start + timedelta(days=1)
        recent = self._db.feedback(since=start, until=end)
        still_open = self._db.feedback(statuses=OPEN_STATUSES)
        items = {i.id: i for i in [*recent, *still_open]}
        feedback = sorted(items.values(), key=lambda i: i.happened_at, reverse=True)
        overrides = [
            o for o in self.overrides(days=max(1, (now - start).days + 1)) if start <= o.at < end
        ]
        failed = self.failed_notes()
        names = {h.id: h.name for h in self.directory}
        return build_review(day, names, feedback, self.patterns(until=now), overrides, failed)
