"""Indicators per week and the client report."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kccdesk.clients.model import Client
from kccdesk.core.errors import InputError

if TYPE_CHECKING:
    from kccdesk.ack.trail import AckFigures
    from kccdesk.records import CallRecord, FeedbackRecord
    from kccdesk.storage import NoteRecord
    from kccdesk.teamlead.indicators import Indicators, IsoWeek, WeekPoint
    from kccdesk.teamlead.reconstruction import Reconstruction
    from kccdesk.teamlead.report import ClientReport
from kccdesk.service.teamlead import TeamLeadService

#: the longest weekly series a chart asks for (two years)
MAX_SERIES_WEEKS = 104
#: more numbers than this are not listed in one query (database parameter limits)
MAX_LISTED_CALLERS = 900
#: feedback about a week's calls may be dated up to this long before the first of them
FEEDBACK_REACH = timedelta(days=7)


class ReportService(TeamLeadService):
    """Indicators per week and the client report."""

    def _report_week(self, client: Client, week: str | IsoWeek | None) -> IsoWeek:
        """A week as text ('2026-W48') or IsoWeek; None: last week on the client's clock."""
        from kccdesk.teamlead.indicators import IsoWeek, parse_week

        if week is None:
            return IsoWeek.containing(self.clock(), client.zone).shifted(-1)
        return parse_week(week) if isinstance(week, str) else week

    def _activity(
        self, client: Client, weeks: list[IsoWeek], feedback_since: datetime | None = None
    ) -> tuple[list[CallRecord], list[NoteRecord], list[FeedbackRecord]]:
        """What these weeks' indicators need, one query per kind for all of them: calls and
        notes as far as `indicators.reach`, feedback from a week before (an item's moment may
        precede its call) or `feedback_since`, whichever is earlier."""
        from kccdesk.teamlead.indicators import callers_of, reach

        span = reach(weeks, client.zone)
        calls = self._db.calls(client.id, since=span.since, until=span.until, shown=False)
        callers = callers_of(calls)
        if callers:  # who called again: few rows, however busy the client's line
            few = len(callers) <= MAX_LISTED_CALLERS
            calls += self._db.calls(
                client.id,
                since=span.until,
                until=span.repeats_until,
                callers=callers if few else None,
                shown=False,
            )
        notes = self._db.notes(client.id, since=span.since, until=span.notes_until, shown=False)
        earliest = span.since - FEEDBACK_REACH
        if feedback_since is not None:
            earliest = min(earliest, feedback_since)
        return calls, notes, self._db.feedback(client.id, since=earliest)

    def indicators(self, client_id: str, week: str | IsoWeek | None = None) -> Indicators:
        """The client's figures for one ISO week (default last week), team leads only."""
        from kccdesk.teamlead.indicators import compute

        self._require_team_lead()
        client = self.client(client_id)
        found = self._report_week(client, week)
        calls, notes, feedback = self._activity(client, [found])
        return compute(client.id, found, client.zone, calls, notes, feedback, self.clock())

    def weekly_series(
        self, client_id: str, weeks: int = 8, last: str | IsoWeek | None = None
    ) -> list[WeekPoint]:
        """(week, calls, first-time-right %, feedback) for `weeks` weeks up to `last` (default
        last week: a running week would show as a dip), oldest first: the review's chart."""
        from kccdesk.teamlead.indicators import series

        self._require_team_lead()
        if not 1 <= weeks <= MAX_SERIES_WEEKS:
            raise InputError(f"aantal weken {weeks}: kies 1 tot en met {MAX_SERIES_WEEKS}")
        client = self.client(client_id)
        final = self._report_week(client, last)
        span = [final.shifted(-n) for n in range(weeks - 1, -1, -1)]
        calls, notes, feedback = self._activity(client, span)
        return series(client.id, span, client.zone, calls, notes, feedback, self.clock())

    def report(self, client_id: str, week: str | IsoWeek | None = None) -> ClientReport:
        """The client report of one week (default last week), team leads only: indicators, the
        week's feedback, the patterns that recurred during the week (a fortnight's window
        ending in it) and what we ask of the client. A handful of queries per client-week,
        none per call."""
        from kccdesk.teamlead.indicators import compute
        from kccdesk.teamlead.patterns import WINDOW, recurring
        from kccdesk.teamlead.report import build_report

        self._require_team_lead()
        client = self.client(client_id)
        found = self._report_week(client, week)
        start, end = found.bounds(client.zone)
        now = self.clock()
        calls, notes, feedback = self._activity(client, [found], feedback_since=start - WINDOW)
        figures = compute(client.id, found, client.zone, calls, notes, feedback, now)
        window = [i for i in feedback if start - WINDOW < i.happened_at < end]
        rebuilt = self._reconstruct_all(client, window, calls)
        late = {i for i, r in rebuilt.items() if r.late_changes}
        # What recurred during the week, though it may have begun the week before.
        last = end - timedelta(microseconds=1)
        patterns = recurring(window, {client.id: client}, last, late, since=start)
        week_items = [i for i in window if start <= i.happened_at < end]
        report = build_report(client, figures, week_items, rebuilt, patterns, now)
        return replace(report, acknowledgement=self._ack_figures(client, start, end))

    def _ack_figures(self, client: Client, start: datetime, end: datetime) -> AckFigures:
        """How the week's urgent notes were acknowledged: time to acknowledgement, the share
        within their first window, escalations."""
        from kccdesk.ack.escalation import first_escalation
        from kccdesk.ack.trail import ack_figures
        from kccdesk.clients.model import URGENT

        urgent = [
            n
            for n in self._db.notes(client.id, since=start, until=end, shown=False)
            if n.urgency == URGENT
        ]
        trails = self._db.note_events([n.id for n in urgent])
        deadlines = [
            (n.id, n.created_at, first_escalation(client, n.urgency, n.call_type, n.created_at))
            for n in urgent
        ]
        events = [e for n in urgent for e in trails.get(n.id, ())]
        return ack_figures(deadlines, events, days=(end - start).total_seconds() / 86400)

    def _reconstruct_all(
        self,
        client: Client,
        items: list[FeedbackRecord],
        calls: list[CallRecord],
    ) -> dict[int, Reconstruction]:
        """The reconstructions `_reconstruct` makes of the linked items, from one read of
        their notes and calls (found through the light records at hand; one lookup each only
        for those outside them) and one read of the roster audit."""
        from kccdesk.teamlead.reconstruction import AUDIT_WINDOW, link, reconstruct

        items = [i for i in items if i.note_id is not None or i.call_id is not None]
        if not items:
            return {}
        note_ids = {i.note_id for i in items if i.note_id is not None}
        notes = self._db.notes(client.id, ids=note_ids) if note_ids else []
        notes_by_id = {n.id: n for n in notes}
        light_by_uuid = {c.uuid: c for c in calls if c.uuid}
        call_ids = {i.call_id for i in items if i.call_id is not None} | {
            light_by_uuid[n.call_uuid].id
            for n in notes_by_id.values()
            if n.call_uuid in light_by_uuid
        }
        full = self._db.calls(client.id, ids=call_ids) if call_ids else []
        calls_by_id = {c.id: c for c in full}
        calls_by_uuid = {c.uuid: c for c in calls_by_id.values() if c.uuid}
        linked = [
            link(
                item,
                lambda i: notes_by_id.get(i) or self._db.note_or_none(i),
                lambda i: calls_by_id.get(i) or self._db.call(i),
                lambda u: calls_by_uuid.get(u) or self._db.call_by_uuid(u),
            )
            for item in items
        ]
        audit = self._db.roster_audit(
            client.id,
            min(found.at for found in linked) - AUDIT_WINDOW,
            max(found.at for found in linked) + AUDIT_WINDOW,
        )
        trails = self._db.note_events([f.note.id for f in linked if f.note is not None])
        return {
            found.item.id: reconstruct(
                client,
                found.item,
                found.note,
                found.call,
                [a for a in audit if found.at - AUDIT_WINDOW <= a.at < found.at + AUDIT_WINDOW],
                tuple(trails.get(found.note.id, ())) if found.note else (),
            )
            for found in linked
        }
