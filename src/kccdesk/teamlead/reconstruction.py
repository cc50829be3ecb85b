"""What happened, as the desk saw it: a feedback item joined with its note or call, what the
desk showed at that moment (kccdesk.calls.shown) and the roster audit around it.

The question a team lead must answer for every complaint is whose mistake it was. When the
client entered the absence forty minutes after the call, the desk showed what the roster said
and the agent did right; when the desk warned and the agent overrode it, the cause is ours.
`reconstruct` tells these apart from stored data only; it never guesses from today's roster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kccdesk.ack.trail import NoteEvent, event_text
from kccdesk.calls.shown import ABSENT, OFF_DUTY, ON_DUTY, Shown
from kccdesk.clients.model import Absence, Client, Closure, ExtraShift, WeeklyShift
from kccdesk.clients.phones import display
from kccdesk.core.when import duration_text, parse_clock
from kccdesk.duty.edits import describe
from kccdesk.records import AuditRecord, CallRecord, FeedbackRecord, NoteRecord
from kccdesk.texts import ROSTER_CHANGE_ACTION as ACTION_TEXT
from kccdesk.texts import ROSTER_CHANGE_KIND as KIND_TEXT

#: how far around the event the roster audit is read
AUDIT_WINDOW = timedelta(days=14)
#: a change made this shortly before the event may not have reached a desk yet
JUST_BEFORE = timedelta(minutes=15)

STATE_TEXT = {ON_DUTY: "dienst", OFF_DUTY: "geen dienst", ABSENT: "afwezig"}
#: the suggested cause: with the client (late roster), with us (warning overridden), unknown
CLIENT = "client"
OURS = "ons"
UNKNOWN = "onbekend"
#: the feedback category of a note that lacked what the client needed (issue 24)
INCOMPLETE = "onvolledig"


@dataclass(frozen=True)
class RosterChange:
    """One audited roster change that bears on the event."""

    at: datetime
    user: str
    source: str
    action: str
    kind: str
    text: str  # the entry after the change (or before, when removed), in Dutch
    after_event: timedelta  # negative: made before the event
    #: the change takes someone off duty at the moment of the event (an absence or closure
    #: that now covers it, a shift that no longer does)
    takes_duty_away: bool

    @property
    def late(self) -> bool:
        """Made after the event about its moment, either way (an absence entered afterwards,
        a forgotten extra shift added): the desk could not have shown it. Marked ⚠."""
        return self.after_event > timedelta(0)


@dataclass(frozen=True)
class Reconstruction:
    feedback: FeedbackRecord
    event: datetime  # the moment the desk acted (the note's or call's), else the reported one
    note: NoteRecord | None
    call: CallRecord | None
    shown: Shown | None
    changes: tuple[RosterChange, ...]
    cause: str  # suggested: client | ons | onbekend
    verdict: str  # one Dutch line saying why
    #: the note's trail: sent, opened, acknowledged, escalated (kccdesk.ack.trail)
    trail: tuple[NoteEvent, ...] = ()

    @property
    def late_changes(self) -> tuple[RosterChange, ...]:
        return tuple(c for c in self.changes if c.late)

    def as_dict(self) -> dict[str, object]:
        return {
            "feedback": self.feedback.as_dict(),
            "event": self.event.isoformat(),
            "note": self.note.as_dict() if self.note else None,
            "call": self.call.as_dict() if self.call else None,
            "shown": self.shown.as_dict() if self.shown else None,
            "shown_state": self.shown.state if self.shown else None,
            "roster_changes": [
                {
                    "at": c.at.isoformat(),
                    "user": c.user,
                    "source": c.source,
                    "action": c.action,
                    "kind": c.kind,
                    "entry": c.text,
                    "minutes_after_event": round(c.after_event.total_seconds() / 60),
                    "takes_duty_away": c.takes_duty_away,
                    "late": c.late,
                }
                for c in self.changes
            ],
            "suggested_cause": self.cause,
            "verdict": self.verdict,
            "note_events": [e.as_dict() for e in self.trail],
        }


def relative(delta: timedelta) -> str:
    """'40 min na', '2 u 5 min vóór', '3 dagen na' — of a change against the event."""
    return f"{duration_text(delta)} {'na' if delta >= timedelta(0) else 'vóór'}"


def item_from_audit(kind: str, values: dict[str, object] | None) -> object | None:
    """A roster item back from an audit row's JSON (None when it cannot be read back)."""
    if not values:
        return None
    try:
        v = values
        if kind == "absence":
            return Absence(
                str(v["person"]),
                date.fromisoformat(str(v["start"])),
                date.fromisoformat(str(v["until"])) if v.get("until") else None,
                str(v.get("reason") or ""),
                str(v["replaced_by"]) if v.get("replaced_by") else None,
                covers=bool(v.get("covers")),
                start_time=_clock(v.get("start_time")),
                until_time=_clock(v.get("until_time")),
            )
        if kind == "extra_shift":
            return ExtraShift(
                str(v["person"]),
                date.fromisoformat(str(v["date"])),
                parse_clock(str(v["start"])),
                parse_clock(str(v["end"])),
            )
        if kind == "shift":
            return WeeklyShift(
                str(v["person"]),
                tuple(str(d) for d in v["days"]),  # type: ignore[attr-defined]
                parse_clock(str(v["start"])),
                parse_clock(str(v["end"])),
                on_closures=bool(v.get("on_closures")),
            )
        if kind == "closure":
            return Closure(
                date.fromisoformat(str(v["start"])),
                date.fromisoformat(str(v["until"])),
                str(v.get("reason") or ""),
            )
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _clock(value: object) -> time | None:
    return parse_clock(str(value)) if value else None


WEEKDAY_IDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _about_moment(item: object, local: datetime) -> bool:
    """Whether a roster item bears on this local moment (its day, or the night before)."""
    day = local.date()
    wall = local.replace(tzinfo=None)
    if isinstance(item, Absence):
        ends = item.ends
        if ends is not None and item.until_time is None and ends < datetime.max - timedelta(1):
            # A date absence also covers the night shift starting on its last day, to its
            # morning end (kccdesk.duty.roster.absence_window).
            ends += timedelta(days=1)
        return item.begins <= wall and (ends is None or wall < ends)
    if isinstance(item, Closure):
        return item.start <= day <= item.until
    if isinstance(item, ExtraShift):
        return item.date in (day, day - timedelta(days=1))
    if isinstance(item, WeeklyShift):
        today = WEEKDAY_IDS[day.weekday()]
        yesterday = WEEKDAY_IDS[(day.weekday() - 1) % 7]
        return today in item.days or (item.end <= item.start and yesterday in item.days)
    return False


def _person_of(item: object) -> str | None:
    return getattr(item, "person", None)


@dataclass(frozen=True)
class Linked:
    """A feedback item with the note and call it is about, and the moment it happened."""

    item: FeedbackRecord
    note: NoteRecord | None
    call: CallRecord | None
    at: datetime


def link(
    item: FeedbackRecord,
    note_by_id: Callable[[int], NoteRecord | None],
    call_by_id: Callable[[int], CallRecord | None],
    call_by_uuid: Callable[[str], CallRecord | None],
) -> Linked:
    """What an item is about: the note it names (None once purged), the call it names or
    else the call its note was taken in; its moment is the note's, else the call's, else
    the item's own. The lookups are the caller's (one query each, or a batch read)."""
    note = note_by_id(item.note_id) if item.note_id is not None else None
    call = call_by_id(item.call_id) if item.call_id is not None else None
    if call is None and note is not None and note.call_uuid:
        call = call_by_uuid(note.call_uuid)
    at = note.created_at if note else call.started_at if call else item.happened_at
    return Linked(item, note, call, at)


def reconstruct(
    client: Client,
    item: FeedbackRecord,
    note: NoteRecord | None,
    call: CallRecord | None,
    audit: list[AuditRecord],
    trail: tuple[NoteEvent, ...] = (),
) -> Reconstruction:
    """Join the item with what the desk showed, the roster changes around the event and the
    note's trail."""
    event = note.created_at if note else call.started_at if call else item.happened_at
    shown = Shown.from_dict(note.shown if note else call.shown if call else None)
    people = {
        p
        for p in (
            item.person,
            shown.person if shown else "",
            shown.replacement if shown else "",
            note.recipient if note else "",
            note.addressed_to if note else "",
            call.transferred_to if call else "",
        )
        if p
    }
    local = event.astimezone(client.zone)
    changes = []
    for row in audit:
        before = item_from_audit(row.kind, row.before)
        after = item_from_audit(row.kind, row.after)
        concerned = {_person_of(before), _person_of(after)} - {None}
        if row.kind != "closure" and not (concerned & people):
            continue
        was, now = (x is not None and _about_moment(x, local) for x in (before, after))
        if not (was or now):
            continue  # a change about other days says nothing about this call
        shown_item = after if after is not None else before
        changes.append(
            RosterChange(
                at=row.at,
                user=row.user,
                source=row.source,
                action=row.action,
                kind=row.kind,
                text=describe(shown_item, client.person_name),  # type: ignore[arg-type]
                after_event=row.at - event,
                takes_duty_away=now if row.kind in ("absence", "closure") else was and not now,
            )
        )
    changes.sort(key=lambda c: c.at)
    cause, verdict = _verdict(item.category, client, shown, note, call, changes)
    return Reconstruction(
        item, event, note, call, shown, tuple(changes), cause, verdict, tuple(trail)
    )


def _verdict(
    category: str,
    client: Client,
    shown: Shown | None,
    note: NoteRecord | None,
    call: CallRecord | None,
    changes: list[RosterChange],
) -> tuple[str, str]:
    if category == "fout-nummer" and note is not None:
        number = display(note.caller_phone, client.country)
        return UNKNOWN, (
            f"het nummer {number} was geldig en is zo opgeslagen: verkeerd verstaan of niet "
            "teruggelezen? (de desk controleert alleen of een nummer kan bestaan)"
        )
    if category == INCOMPLETE and note is not None:
        if not note.call_type_title:
            return OURS, (
                "de notitie is zonder gesprekssoort opgenomen: de vragen van de klant zijn niet "
                "gesteld"
            )
        if note.unanswered:
            return OURS, (f"niet ingevuld bij {note.call_type_title}: {', '.join(note.unanswered)}")
        return CLIENT, (
            f"alle vragen van {note.call_type_title} zijn beantwoord: wat ontbrak staat niet in "
            "de gesprekssoort van de klant"
        )
    if category == "verkeerde-ontvanger" and note is not None and note.addressed_to:
        return CLIENT, (
            f"volgens de afspraak van de klant (notes_to) ging de notitie voor "
            f"{client.person_name(note.addressed_to)} naar {client.person_name(note.recipient)}"
        )
    late = [c for c in changes if c.late]
    state = STATE_TEXT.get(shown.state, "") if shown else ""
    warning = shown.warning if shown else ""
    overridden = (
        warning or (call.warnings_overridden if call else "") or (note.override if note else "")
    )
    target = call.transferred_to if call is not None else None
    if shown is not None and target and shown.person == target and shown.state != ON_DUTY:
        why = f": {overridden}" if overridden else ""
        return OURS, f"doorverbonden terwijl de desk '{state}' toonde{why}"
    if overridden:
        return OURS, f"de agent ging tegen de waarschuwing in: {overridden}"
    if late:
        first = late[0]
        what = f"{KIND_TEXT.get(first.kind, first.kind)} {ACTION_TEXT.get(first.action, '')}"
        said = f"; de desk toonde toen '{state}'" if state else ""
        return (
            CLIENT,
            f"{what} {relative(first.after_event)} het gesprek{said}: oorzaak bij de klant",
        )
    just_before = [
        c for c in changes if c.takes_duty_away and -JUST_BEFORE < c.after_event <= timedelta(0)
    ]
    if just_before:
        c = just_before[-1]
        return UNKNOWN, (
            f"{KIND_TEXT.get(c.kind, c.kind)} {relative(c.after_event)} het gesprek ingevoerd: "
            "mogelijk nog niet op het scherm"
        )
    if shown is not None and shown.state:
        return UNKNOWN, f"de desk toonde '{state}' en er kwam geen latere roosterwijziging"
    return UNKNOWN, "niet vast te stellen: geen vastlegging van wat de desk toonde"


def lines(client: Client, r: Reconstruction) -> list[str]:
    """The reconstruction in Dutch, line by line (review screen, `feedback show`)."""
    name = client.person_name
    zone = client.zone
    out: list[str] = []
    if r.call is not None:
        c = r.call
        timing = "softphone" if c.timing == "softphone" else "desk-timer"
        end = f"–{c.ended_at.astimezone(zone):%H:%M}" if c.ended_at else ""
        to = f", doorverbonden met {name(c.transferred_to)}" if c.transferred_to else ""
        out.append(
            f"Gesprek #{c.id} {c.started_at.astimezone(zone):%d-%m %H:%M}{end} ({timing}), "
            f"agent {c.agent or '?'}{to}"
        )
        if c.stopped:
            out.append(f"  gestopt door de desk: {c.stopped}")
    if r.note is not None:
        n = r.note
        via = f" (gevraagd: {name(n.addressed_to)})" if n.addressed_to else ""
        out.append(
            f"Notitie #{n.id} {n.created_at.astimezone(zone):%d-%m %H:%M} voor "
            f"{name(n.recipient)}{via}, agent {n.agent or '?'}: {n.caller_name} "
            f"{display(n.caller_phone, client.country)}"
        )
        if n.call_type_title:  # the type and its questions as they were when it was taken
            out.append(f"  gesprekssoort {n.call_type_title}:")
            out.extend(
                f"    {label}: {value or '— (niet ingevuld)'}" for _, label, value in n.answers
            )
        for event in r.trail:
            moment = event.at.astimezone(zone)
            out.append(f"  {moment:%d-%m %H:%M} {event_text(event, client.person_name)}")
    s = r.shown
    gone = [
        f"{what} #{ident}"
        for what, ident, found in (
            ("notitie", r.feedback.note_id, r.note),
            ("gesprek", r.feedback.call_id, r.call),
        )
        if ident is not None and found is None
    ]
    if gone:
        out.append(f"{' en '.join(gone)} niet meer aanwezig (verwijderd na de bewaartermijn)")
    if s is None:
        out.append("De desk toonde: niet vastgelegd (van vóór deze versie, of geen koppeling)")
    else:
        if s.person:
            state = STATE_TEXT.get(s.state, s.state)
            repl = f", vervanger {name(s.replacement)}" if s.replacement else ""
            out.append(f"De desk toonde {name(s.person)}: {state}{repl}")
        duty = ", ".join(name(p) for p in s.on_duty) or "niemand"
        out.append(f"  in dienst: {duty}")
        if s.absent:
            absent = ", ".join(
                f"{name(p)} → {name(v)}" if v else name(p) for p, v in s.absent.items()
            )
            out.append(f"  afwezig: {absent}")
        if s.closed:
            out.append(f"  gesloten: {s.closed}")
        if s.warning:
            out.append(f"  waarschuwing genegeerd: {s.warning}")
        topics = {t.id: t.title for t in client.topics}
        if s.topics:
            out.append("  onderwerpen: " + ", ".join(topics.get(t, t) for t in s.topics))
        if s.instructions:
            out.append(f"  instructies versie {s.instructions}")
    if r.changes:
        out.append("Roosterwijzigingen rond het gesprek:")
        for change in r.changes:
            via = f" via {change.source}" if change.source else ""
            mark = "  ⚠ " if change.late else "  "
            kind = KIND_TEXT.get(change.kind, change.kind)
            out.append(
                f"{mark}{change.at.astimezone(zone):%d-%m %H:%M} {kind} "
                f"{ACTION_TEXT.get(change.action, change.action)} door {change.user}{via} "
                f"({relative(change.after_event)} het gesprek): {change.text}"
            )
    else:
        out.append("Geen roosterwijzigingen rond het gesprek.")
    out.append(f"Oordeel: {r.verdict}")
    return out
