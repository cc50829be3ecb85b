"""Turning domain answers into Rich text for the widgets. No state, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from kccdesk import texts
from kccdesk.ack.trail import NoteEvent, event_text
from kccdesk.clients.model import URGENT, CallType, Client, Person, Topic
from kccdesk.clients.phones import display as phone_display
from kccdesk.duty.coverage import Gap
from kccdesk.duty.roster import DutyStatus, OnDuty, person_state
from kccdesk.knowledge.search import Hit

if TYPE_CHECKING:
    from kccdesk.records import NoteRecord

#: the current topics panel shows this many (pinned first); search finds the rest
TOPICS_SHOWN = 10
#: above this many people on duty the duty panel groups them by department
GROUP_DUTY_ABOVE = 8
#: above this many the panel counts per department; search shows each person's status
SUMMARISE_DUTY_ABOVE = 40

ON = "●"
#: on duty, but in an appointment of their calendar
BUSY_MARK = "◐"
OFF = "○"
AWAY = "✖"


def person_mark(status: DutyStatus | None, person_id: str) -> Text:
    if status is None:
        return Text("  ")
    if status.absence_of(person_id):
        return Text(f"{AWAY} ", style="bold red")
    duty = status.duty_of(person_id)
    if duty is not None:
        if duty.busy:
            return Text(f"{BUSY_MARK} ", style="bold yellow")
        return Text(f"{ON} ", style="bold green")
    return Text(f"{OFF} ", style="dim")


def person_status(status: DutyStatus, person_id: str, client: Client | None = None) -> Text:
    """One line: on duty until, off duty (and back when, given the client), or absent with
    the replacement."""
    absence = status.absence_of(person_id)
    if absence:
        line = Text(f"{AWAY} ", style="bold red")
        line.append(
            texts.ABSENT_UNTIL.format(until=texts.absent_until(absence.absence, status.at)),
            "bold red",
        )
        if absence.reason:
            line.append(f" ({absence.reason})", "red")
        source = texts.agenda_source(client, absence.absence, status.at) if client else ""
        if source:
            line.append(f" {source}", "red")
        line.append(" — ")
        route = absence.route
        if client is not None and route is not None and route.chained:
            # The replacement is away too: the chain says where notes go now.
            line.append(texts.route_text(client, route, status.at), "bold")
        elif absence.replaced_by:
            line.append(texts.REPLACED_BY.format(name=absence.replacement_name), "bold")
            line.append(" ")
            line.append_text(person_mark(status, absence.replaced_by))
            if absence.replacement_absent:
                line.append(texts.REPLACEMENT_ABSENT_TOO, "bold red")
        else:
            line.append(texts.NO_REPLACEMENT, "italic")
        return line
    duty = status.duty_of(person_id)
    if duty:
        until = texts.until_text(duty.until, status.at)
        line = person_mark(status, person_id)
        line.append(texts.ON_DUTY_UNTIL.format(until=until), "bold green")
        if duty.busy_until is not None:
            busy = texts.BUSY_UNTIL.format(until=texts.busy_until(duty.busy_until, status.at))
            line.append(f" — {texts.BUSY}: {busy}", "bold yellow")
            if duty.busy_title:
                line.append(f" ({duty.busy_title})", "yellow")
        if client is not None and texts.agenda_stale_person(client, person_id, status.at):
            line.append(texts.AGENDA_PERSON_STALE, "yellow")
        return line
    line = Text(f"{OFF} {texts.OFF_DUTY}", style="dim")
    state = person_state(client, status, person_id) if client else None
    if state is not None and state.back_at is not None:
        line.append(
            " — " + texts.BACK_ON_DUTY.format(when=texts.back_text(state.back_at, status.at))
        )
        if state.busy_until is not None:
            until = texts.busy_until(state.busy_until, status.at)
            line.append(texts.BACK_BUSY.format(until=until), "bold yellow")
    return line


def client_rule(person: Person, client: Client) -> Text:
    """The client's standing rules about this person, in one line (empty when none)."""
    parts = []
    if not person.transfer:
        parts.append(texts.NEVER_TRANSFER)
    if person.notes_to:
        parts.append(texts.NOTES_GO_TO.format(name=client.person_name(person.notes_to)))
    return Text(" · ".join(parts), style="bold magenta") if parts else Text()


def hit_prompt(
    hit: Hit, status: DutyStatus | None, show_client: bool, person: Person | None = None
) -> Text:
    line = Text()
    if hit.kind == "person":
        line.append_text(person_mark(status, hit.entry.id))
    else:
        line.append("  ")
    title = Text(hit.entry.title)
    for start, end in hit.highlights:
        title.stylize("bold underline orange1", start, end)
    line.append_text(title)
    line.append(f"  {texts.KIND[hit.kind]}", "dim italic")
    if hit.entry.detail:
        line.append(f" · {hit.entry.detail}", "dim")
    if not hit.current:
        line.append(f"  ({texts.NOT_CURRENT})", "dim red")
    if person is not None and not person.transfer:
        line.append(f"  {texts.NEVER_TRANSFER_MARK}", "bold magenta")
    if show_client:
        line.append(f"  [{hit.entry.client}]", "dim cyan")
    return line


def person_detail(person: Person, client: Client, status: DutyStatus) -> Text:
    """Name and direct number on the first line (the number is what a transfer by hand
    needs, so it must not sink below the fold of a short terminal), then the duty state."""
    text = Text(person.name, style="bold")
    if person.phone and person.transfer:  # never put through: no number to dial or give out
        text.append("  ☎ ", "dim")
        text.append(phone_display(person.phone, client.country), "bold")
    text.append("\n")
    text.append_text(person_status(status, person.id, client))
    rule = client_rule(person, client)
    if rule:
        text.append("\n")
        text.append_text(rule)
    role = " · ".join(part for part in (person.role, person.department) if part)
    if role:
        text.append(f"\n{role}")
    if person.email:
        text.append(f"\n{texts.EMAIL}: ", "dim")
        text.append(person.email)
    if person.keywords:
        text.append(f"\n{texts.KEYWORDS}: ", "dim")
        text.append(", ".join(person.keywords))
    return text


def topic_detail(topic: Topic, client: Client, status: DutyStatus) -> Text:
    text = Text(topic.title, style="bold")
    today = status.at.date()
    if topic.valid_from or topic.valid_until:
        start = texts.short_date(topic.valid_from) if topic.valid_from else "…"
        end = texts.short_date(topic.valid_until) if topic.valid_until else "…"
        style = "" if topic.is_current(today) else "red"
        text.append(f"\n{texts.VALID}: {start} – {end}", style or "dim")
        if not topic.is_current(today):
            text.append(f" ({texts.NOT_CURRENT})", "bold red")
    if topic.body:
        text.append(f"\n\n{topic.body}")
    if topic.route_to:
        text.append(f"\n\n{texts.ROUTE_TO}: ", "dim")
        text.append(client.person_name(topic.route_to), "bold")
        text.append("  ")
        text.append_text(person_status(status, topic.route_to))
    return text


def call_type_detail(call_type: CallType, client: Client, status: DutyStatus) -> Text:
    """A call type: what to ask (required ones marked), its instructions, where it goes;
    F6 opens the note with these questions."""
    from kccdesk.calltypes.rules import recipient_of

    text = Text(call_type.title, style="bold")
    text.append(f"  {texts.CALL_TYPE_F6}", "dim")
    # what it asks first, on as few lines as the short terminal gives the detail
    text.append(f"\n{texts.CALL_TYPE_ASKS}: ", "dim")
    for number, field in enumerate(call_type.fields):
        if number:
            text.append(", ")
        text.append(field.label, "bold" if field.required else "")
        if field.required:
            text.append("*", "bold red")
    recipient = recipient_of(
        client, call_type, status.at.astimezone(client.zone), status.is_on_duty
    )
    if recipient:
        text.append(f"\n{texts.CALL_TYPE_NOTE_TO}: ", "dim")
        text.append(client.person_name(recipient), "bold")
        text.append("  ")
        text.append_text(person_status(status, recipient))
    if call_type.instructions:
        text.append(f"\n{call_type.instructions}")
    for field in call_type.fields:
        if field.when and field.when.say:
            text.append(f"\n{field.label} {field.when.answer}: {field.when.say}", "yellow")
    return text


def department_detail(name: str, client: Client, status: DutyStatus) -> Text:
    text = Text(name, style="bold")
    text.append(f"\n{texts.PEOPLE}:", "dim")
    for person in client.people:
        if person.department == name:
            text.append("\n")
            text.append_text(person_mark(status, person.id))
            text.append(person.name)
            if person.role:
                text.append(f" · {person.role}", "dim")
    return text


def gap_warning(gaps: Sequence[Gap], now: datetime) -> str:
    """One Dutch line about the first coverage gap now or soon; '' when there is none."""
    if not gaps:
        return ""
    gap = gaps[0]
    who = gap.shortfall
    if gap.start <= now:
        return texts.GAP_NOW.format(
            until=texts.until_text(gap.end, now), who=who, reason=gap.reason
        )
    return texts.GAP_SOON.format(start=texts.until_text(gap.start, now), who=who, reason=gap.reason)


def duty_panel(status: DutyStatus, client: Client, gaps: Sequence[Gap] = ()) -> Text:
    text = Text()
    warning = gap_warning(gaps, status.at)
    if warning:
        text.append(warning, "bold yellow")
        text.append("\n")
    # First: what follows may be missing what a calendar no longer tells us.
    for line in texts.agenda_stale(client, status.at):
        text.append(line, "bold yellow")
        text.append("\n")
    if status.shut:
        text.append(f" {texts.CLOSED}: {status.shut} ", "bold white on red")
        text.append("\n")
    text.append(f"{texts.DUTY_NOW} ({texts.day_time(status.at)})", "bold")
    if not status.on_duty:
        text.append(f"\n{texts.NOBODY_ON_DUTY}", "italic")
    if len(status.on_duty) > SUMMARISE_DUTY_ABOVE:
        _duty_summary(text, status, client)
    else:
        _duty_list(text, status, client, grouped=len(status.on_duty) > GROUP_DUTY_ABOVE)
    if status.absent:
        text.append(f"\n{texts.ABSENT}", "bold")
        for absent in status.absent:
            text.append(f"\n{AWAY} ", "bold red")
            text.append(absent.name)
            if absent.reason:
                text.append(f" ({absent.reason})", "red")
            text.append(f" {texts.absent_until(absent.absence, status.at)}", "dim")
            if absent.absence is not None and absent.absence.source:
                text.append(f" ({texts.AGENDA_SOURCE_UNKNOWN})", "dim")
            if absent.replaced_by:
                text.append(f" → {absent.replacement_name}", "bold")
                if absent.replacement_absent:
                    text.append(f" ({texts.REPLACEMENT_ABSENT_TOO})", "bold red")
                    route = absent.route
                    if route is not None and route.recipient:
                        text.append(
                            " → "
                            + texts.NOTES_ROUTE_TO.format(name=client.person_name(route.recipient)),
                            "bold",
                        )
    if status.next_change:
        text.append(f"\n{texts.NEXT_CHANGE}: {texts.day_time(status.next_change)}", "dim")
    return text


def _department_of(client: Client, person_id: str) -> str:
    person = client.person(person_id)
    return person.department if person else ""


def _duty_list(text: Text, status: DutyStatus, client: Client, grouped: bool) -> None:
    department = None
    ordered: list[OnDuty] | tuple[OnDuty, ...] = status.on_duty
    if grouped:
        ordered = sorted(ordered, key=lambda d: (_department_of(client, d.person), d.name))
    for duty in ordered:
        if grouped and _department_of(client, duty.person) != department:
            department = _department_of(client, duty.person)
            text.append(f"\n{department or '—'}", "bold dim")
        if duty.busy:
            text.append(f"\n{BUSY_MARK} ", "bold yellow")
        else:
            text.append(f"\n{ON} ", "bold green")
        text.append(duty.label)
        text.append(f"  tot {texts.until_text(duty.until, status.at)}", "dim")
        if duty.busy_until is not None:
            until = texts.busy_until(duty.busy_until, status.at)
            text.append(f"  {texts.BUSY} {until}", "yellow")


def _duty_summary(text: Text, status: DutyStatus, client: Client) -> None:
    """Too many names to read during a call: how many per department, and until when."""
    counts: dict[str, list[datetime]] = {}
    for duty in status.on_duty:
        counts.setdefault(_department_of(client, duty.person), []).append(duty.until)
    for department, untils in sorted(counts.items()):
        text.append(f"\n{ON} ", "bold green")
        text.append(f"{department or '—'}: {len(untils)}")
        text.append(f"  tot {texts.until_text(max(untils), status.at)}", "dim")
    text.append(f"\n{texts.DUTY_SEARCH_HINT}", "italic dim")


def topics_panel(client: Client, today) -> Text:
    current = sorted(
        (t for t in client.topics if t.is_current(today)), key=lambda t: (not t.pinned, t.title)
    )
    if not current:
        return Text(texts.NO_TOPICS, style="italic dim")
    text = Text()
    shown, hidden = current[:TOPICS_SHOWN], len(current) - TOPICS_SHOWN
    for index, topic in enumerate(shown):
        if index:
            text.append("\n")
        text.append("★ " if topic.pinned else "• ", "bold yellow" if topic.pinned else "")
        text.append(topic.title, "bold")
        if topic.body:
            text.append(f" — {topic.body}", "dim")
    if hidden > 0:
        text.append("\n" + texts.MORE_TOPICS.format(count=hidden), "italic dim")
    return text


def notes_panel(
    notes: list[NoteRecord],
    client: Client | None,
    now: datetime,
    mail: bool = True,
    trails: dict[int, list[NoteEvent]] | None = None,
) -> Text:
    """Today's notes with their delivery status and, where there is more to it than saved
    and sent, their trail (opened, acknowledged, escalated); without mail set up, says so
    first."""
    text = Text()
    if not mail and any(n.status == "queued" for n in notes):
        text.append(texts.MAIL_NOT_SET_UP + "\n", "bold yellow")
    if not notes:
        text.append(texts.NO_NOTES, style="italic dim")
        return text
    zone = client.zone if client else now.tzinfo
    for index, note in enumerate(notes):
        if index:
            text.append("\n")
        text.append(f"{note.created_at.astimezone(zone):%H:%M} ", "dim")
        if note.urgency == "dringend":
            text.append(f"{texts.URGENT} ", "bold red")
        name = client.person_name(note.recipient) if client else note.recipient
        text.append(f"→ {name}: ", "bold")
        text.append(f"{note.caller_name} {phone_display(note.caller_phone)} ")
        status = texts.STATUS.get(note.status, note.status)
        if note.status == "queued" and not mail:
            status = texts.NOT_MAILED
        text.append(f"[{status}]", "bold red" if note.needs_agent else "dim")
        if note.needs_agent and note.last_error:
            text.append(f" {note.last_error} — F9", "red")
        name_of = client.person_name if client else str
        if note.acked_at is not None:
            who = name_of(note.acked_by)
            at = f"{note.acked_at.astimezone(zone):%H:%M}"
            text.append(" " + texts.ACKED_MARK.format(at=at, who=who), "green")
        elif note.round:
            text.append(" " + texts.NOT_ACKED_MARK + " — Ctrl+G", "bold red")
        trail = (trails or {}).get(note.id, [])
        if note.urgency == URGENT or any(e.kind not in ("saved", "sent") for e in trail):
            steps = [
                f"{e.at.astimezone(zone):%H:%M} {event_text(e, name_of)}"
                for e in trail
                if e.kind != "saved"
            ]
            if steps:
                text.append("\n      " + " · ".join(steps), "dim")
    return text


def caller_history(caller: str, notes: list[NoteRecord], desk, client: Client) -> Text:
    """The caller's earlier notes: who they asked for, what about, and whether it went out."""
    number = phone_display(caller, client.country)
    if not notes:
        return Text(texts.CALLER_NO_HISTORY.format(number=number), style="dim")
    text = Text(texts.CALLER_HISTORY.format(number=number), style="bold")
    for note in notes:
        try:
            other = desk.client(note.client)
            name = other.person_name(note.recipient)
            where = "" if other.id == client.id else f" ({other.name})"
        except Exception:
            name, where = note.recipient, f" ({note.client})"
        text.append(f"\n{note.created_at.astimezone(client.zone):%d-%m %H:%M} ", "dim")
        text.append(f"{note.caller_name} → {name}{where}: ", "bold")
        text.append(note.message)
        text.append(f" [{texts.STATUS.get(note.status, note.status)}]", "dim")
    return text
