"""Client feedback about mistakes: the categories, the life of an item, and what a valid item
is. One rule set for the command line, the review screen and any script: the service
(kccdesk.service.desk) calls `check_new` / `check_change` before anything is stored.

A feedback item is linked to the note or call it is about whenever that can be known, because
the link is what lets the review show what the desk showed at the time (kccdesk.calls.shown) and
whether the client's roster change came after the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kccdesk.clients.model import Client
from kccdesk.core.errors import InputError
from kccdesk.core.text_rule import blank, forbidden
from kccdesk.duty.rules import FIRST_DAY, LAST_DAY
from kccdesk.records import CallRecord, NoteRecord

#: what went wrong, as the client reports it
CATEGORIES = (
    "doorverbonden-zonder-dienst",
    "verkeerde-ontvanger",
    "fout-nummer",
    "informatie-ontbrak",
    "onvolledig",
    "rooster-niet-actueel",
    "anders",
)
#: nieuw → actie-uitgezet → afgerond; onterecht when the client was mistaken
STATUSES = ("nieuw", "actie-uitgezet", "afgerond", "onterecht")
OPEN_STATUSES = ("nieuw", "actie-uitgezet")
#: where the cause lies: with us (the agent, the desk), with the client (late roster), unknown
CAUSES = ("ons", "client", "onbekend")
#: what the client said may be long, but not a book
MAX_TEXT = 4000
MAX_SHORT = 300
#: how far a given moment may lie from the linked note's or call's (the client remembers
#: roughly)
LINK_SLACK = timedelta(hours=24)


class FeedbackRefused(InputError):
    """The item breaks a rule; str() says which, in Dutch."""


@dataclass(frozen=True)
class FeedbackInput:
    """A checked new item, ready to store."""

    client: str
    happened_at: datetime
    category: str
    said: str
    cause: str = "onbekend"
    person: str = ""
    note_id: int | None = None
    call_id: int | None = None
    status: str = "nieuw"
    action: str = ""
    owner: str = ""


def _text(value: str, what: str, limit: int, lines: bool = False) -> str:
    """Trimmed text without control characters (line breaks allowed where `lines`; a
    Windows line end is a line break) and without direction overrides."""
    if lines:
        value = value.replace("\r\n", "\n")
    wrong = forbidden(value, lines=lines)
    if wrong is not None and wrong.kind == "direction":
        raise FeedbackRefused(wrong.says(what) + "; typ het opnieuw")
    if wrong is not None:
        raise FeedbackRefused(f"{wrong.says(what)} op positie {wrong.position}; typ het opnieuw")
    if blank(value):
        value = ""  # only invisible characters: nothing was said
    value = value.strip()
    if len(value) > limit:
        raise FeedbackRefused(f"{what} is te lang ({len(value)} tekens; hooguit {limit})")
    return value


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise FeedbackRefused(f"onbekende {what} '{value}' (kies uit {', '.join(allowed)})")
    return value


#: what people type for a cause, as the codes the log keeps
CAUSE_WORDS = {"klant": "client", "wij": "ons"}


def cause_code(value: str) -> str:
    return CAUSE_WORDS.get(value.strip().lower(), value.strip().lower())


def check_new(
    client: Client,
    *,
    category: str,
    said: str,
    now: datetime,
    happened_at: datetime | None = None,
    note: NoteRecord | None = None,
    call: CallRecord | None = None,
    person: str = "",
    cause: str = "onbekend",
) -> FeedbackInput:
    """A new item, or FeedbackRefused saying what is wrong. The moment defaults to the linked
    note's or call's; a linked note or call must be of this client."""
    category = _choice(category, CATEGORIES, "categorie")
    cause = _choice(cause_code(cause), CAUSES, "oorzaak")
    said = _text(said, "wat de klant zei", MAX_TEXT, lines=True)
    if not said:
        raise FeedbackRefused("wat de klant zei is leeg; noteer de feedback in hun woorden")
    for linked, what in ((note, "notitie"), (call, "gesprek")):
        if linked is not None and linked.client != client.id:
            raise FeedbackRefused(
                f"{what} #{linked.id} hoort bij {linked.client}, niet bij {client.id}"
            )
    linked_at = note.created_at if note else call.started_at if call else None
    if happened_at is not None and linked_at is not None:
        if happened_at.tzinfo is None:
            happened_at = happened_at.replace(tzinfo=client.zone)
        if abs(happened_at - linked_at) > LINK_SLACK:
            what = f"notitie #{note.id}" if note else f"gesprek #{call.id}"  # type: ignore[union-attr]
            raise FeedbackRefused(
                f"--at {happened_at.astimezone(client.zone):%d-%m-%Y %H:%M} past niet bij {what} "
                f"van {linked_at.astimezone(client.zone):%d-%m-%Y %H:%M}; laat --at weg of "
                "koppel het juiste item"
            )
    if happened_at is None:
        if note is not None:
            happened_at = note.created_at
        elif call is not None:
            happened_at = call.started_at
        else:
            raise FeedbackRefused("wanneer gebeurde het? geef --at, een notitie of een gesprek")
    if happened_at.tzinfo is None:
        happened_at = happened_at.replace(tzinfo=client.zone)
    try:
        local = happened_at.astimezone(client.zone)
    except OverflowError:  # the edge of the calendar (9999-12-31 with a negative offset)
        local = happened_at
    if not FIRST_DAY <= local.date() <= LAST_DAY:
        raise FeedbackRefused(
            f"tijdstip {local.date().isoformat()} ligt buiten {FIRST_DAY.year}–{LAST_DAY.year}"
        )
    if happened_at > now:
        raise FeedbackRefused(
            f"tijdstip {local:%d-%m-%Y %H:%M} ligt in de toekomst; feedback gaat over wat al "
            "gebeurde"
        )
    person = _text(person, "persoon", MAX_SHORT)
    if not person:
        person = _person_of(note, call)
    elif client.person(person) is None:
        raise FeedbackRefused(f"onbekende persoon '{person}' bij {client.id}")
    return FeedbackInput(
        client=client.id,
        happened_at=happened_at,
        category=category,
        said=said,
        cause=cause,
        person=person,
        note_id=note.id if note else None,
        call_id=call.id if call else None,
    )


def _person_of(note: NoteRecord | None, call: CallRecord | None) -> str:
    """Who a linked item was about: the note's asked-for person, or whom the call went to."""
    if note is not None:
        return note.addressed_to or note.recipient
    if call is not None and call.transferred_to:
        return call.transferred_to
    return ""


@dataclass(frozen=True)
class FeedbackChange:
    """The fields an update sets (None: unchanged)."""

    status: str | None = None
    cause: str | None = None
    action: str | None = None
    owner: str | None = None
    category: str | None = None
    said: str | None = None


def check_change(
    change: FeedbackChange,
    current_action: str = "",
    current_owner: str = "",
    current_status: str = "nieuw",
) -> FeedbackChange:
    """A checked update: known status, category and cause; an action set out names what and
    who (status actie-uitgezet needs both)."""
    status = _choice(change.status, STATUSES, "status") if change.status is not None else None
    cause = (
        _choice(cause_code(change.cause), CAUSES, "oorzaak") if change.cause is not None else None
    )
    category = (
        _choice(change.category, CATEGORIES, "categorie") if change.category is not None else None
    )
    action = _text(change.action, "actie", MAX_TEXT, True) if change.action is not None else None
    owner = _text(change.owner, "eigenaar", MAX_SHORT) if change.owner is not None else None
    said = (
        _text(change.said, "wat de klant zei", MAX_TEXT, True) if change.said is not None else None
    )
    if said is not None and not said:
        raise FeedbackRefused("wat de klant zei kan niet leeg worden")
    if (status or current_status) == "actie-uitgezet":
        if not (action if action is not None else current_action):
            raise FeedbackRefused("actie uitzetten: beschrijf de actie")
        if not (owner if owner is not None else current_owner):
            raise FeedbackRefused("actie uitzetten: wie pakt het op? (eigenaar)")
    if all(v is None for v in (status, cause, category, action, owner, said)):
        raise FeedbackRefused("niets te wijzigen: geef --status, --action, --owner, --cause, ...")
    return FeedbackChange(status, cause, action, owner, category, said)


def matching(
    notes: list[NoteRecord],
    calls: list[CallRecord],
    phone: str = "",
    recipient: str = "",
) -> tuple[list[NoteRecord], list[CallRecord]]:
    """The day's notes and calls that fit what the client told us: the caller's number
    (E.164) and/or the person it went to. Both empty: everything of the day."""

    def note_fits(n: NoteRecord) -> bool:
        return (not phone or n.caller_phone == phone) and (
            not recipient or recipient in (n.recipient, n.addressed_to)
        )

    def call_fits(c: CallRecord) -> bool:
        return (not phone or c.caller == phone) and (
            not recipient or c.transferred_to == recipient or recipient in _stopped_for(c)
        )

    return [n for n in notes if note_fits(n)], [c for c in calls if call_fits(c)]


def _stopped_for(call: CallRecord) -> set[str]:
    """The people whose transfer the guard stopped in this call ("emulder: geen dienst; …")."""
    return {part.split(":", 1)[0].strip() for part in call.stopped.split(";") if ":" in part}
