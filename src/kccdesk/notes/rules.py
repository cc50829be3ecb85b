"""The rules of a callback note: right client, right person, right number, told who replaces.

A note that cannot be acted on is worse than none, because the caller believes help is coming.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from kccdesk.calltypes.rules import check_answers
from kccdesk.clients.model import URGENCIES, CallType, Client
from kccdesk.clients.phones import PhoneCheck, check
from kccdesk.core.text_rule import (
    MAX_MESSAGE,
    MAX_NAME,
    agent_name_problem,
    blank,
    forbidden,
    too_long,
)
from kccdesk.duty.roster import NoteRoute, note_route
from kccdesk.texts import absent_until, route_text

#: the override recorded when a note is kept for an absent recipient on purpose
ABSENT_KEPT = "ontvanger afwezig, bewust behouden"


class NoteRefused(Exception):
    """The note cannot be saved as it is; str() says why, in Dutch. `field` names what is
    wrong (recipient, caller_name, phone, message, call_type, or a call type's field id),
    so a form can put the cursor there."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class RecipientAbsent(NoteRefused):
    """The recipient is absent now; the caller of the rule can offer who stands in: the end
    of the replacement chain (`replacement`), which is never someone absent."""

    def __init__(self, client: Client, route: NoteRoute, at: datetime | None = None):
        self.person = route.asked
        self.absence = route.skipped[0].absence
        self.route = route
        self.replacement = route.recipient
        absence = self.absence
        name = client.person_name(self.person)
        reason = f" ({absence.reason})" if absence.reason else ""
        text = f"{name} is afwezig{reason} {absent_until(absence, at)}"
        if route.chained:
            text = route_text(client, route, at)
        elif route.recipient:
            text += f"; vervanger: {client.person_name(route.recipient)}"
        else:
            text += "; er is geen vervanger opgegeven"
        super().__init__(text)


@dataclass(frozen=True)
class CheckedNote:
    """A note that passed every rule, ready to be stored."""

    client: str
    recipient: str
    caller_name: str
    phone: PhoneCheck
    message: str
    urgency: str
    agent: str
    instructions_version: str
    override: str = ""  # the warning the agent knowingly overrode, if any
    addressed_to: str = ""  # the person asked for, when the client's rule sent it elsewhere
    call_type: str = ""  # the call type it was taken as, with its title then
    call_type_title: str = ""
    answers: tuple[tuple[str, str, str], ...] = ()  # (field id, label, answer) in order


def redirected(client: Client, person_id: str) -> str:
    """Who a note for this person goes to: their `notes_to` when the client set one (the
    client file guarantees the target exists and is not redirected in turn), else them."""
    person = client.person(person_id)
    if person is not None and person.notes_to and client.person(person.notes_to):
        return person.notes_to
    return person_id


def addressed_text(client: Client, recipient: str, addressed_to: str) -> str:
    """'Wouter Mulder, via Sanne de Vries' for a redirected note, else the recipient's name."""
    if not addressed_to:
        return client.person_name(recipient)
    return f"{client.person_name(addressed_to)}, via {client.person_name(recipient)}"


def instructions_version(client: Client) -> str:
    """A short fingerprint of the instructions the agent saw when taking the note."""
    return hashlib.sha1(client.instructions.encode()).hexdigest()[:12]


def check_note(
    client: Client,
    recipient: str,
    caller_name: str,
    phone: str,
    message: str,
    *,
    urgency: str = "normaal",
    agent: str = "",
    at: datetime,
    allow_absent: bool = False,
    meant_for: str = "",
    call_type: str = "",
    answers: Mapping[str, str] | None = None,
) -> CheckedNote:
    """Apply every note rule at the instant `at`; raises NoteRefused (or RecipientAbsent)
    with the reason. With allow_absent an absent recipient is kept, and the checked note
    says so in `override` (the call log and the team lead see it). `meant_for`: the person
    the caller asked for, when the agent sent the note to their replacement instead — the
    note keeps for whom it was meant (`addressed_to`), as it does for the client's rule."""
    person = client.person(recipient)
    if person is None:
        raise NoteRefused(f"'{recipient}' is geen medewerker van {client.name}", "recipient")
    addressed_to = ""
    target = redirected(client, recipient)
    if target != recipient:
        # The client's rule: notes for this person go to someone else, who is the recipient;
        # the absence rule below then applies to them.
        addressed_to, recipient = recipient, target
    if meant_for and meant_for != recipient and client.person(meant_for) is not None:
        addressed_to = addressed_to or meant_for
    # The one text rule (kccdesk.core.text_rule): the agent's name signs the mail.
    problem = agent_name_problem(agent)
    if problem:
        raise NoteRefused(problem)
    # The one text rule (kccdesk.core.text_rule): the name goes into the mail's Subject.
    if blank(caller_name):
        raise NoteRefused("naam van de beller ontbreekt", "caller_name")
    wrong = forbidden(caller_name)
    if wrong is not None and wrong.kind == "direction":
        raise NoteRefused(wrong.says("naam van de beller") + "; typ alleen de naam", "caller_name")
    if wrong is not None:
        raise NoteRefused(
            "naam van de beller bevat een regeleinde of stuurteken; typ alleen de naam",
            "caller_name",
        )
    problem = too_long(caller_name.strip(), MAX_NAME)
    if problem:
        raise NoteRefused(f"naam van de beller is {problem}", "caller_name")
    if urgency not in URGENCIES:
        raise NoteRefused(f"urgentie '{urgency}' onbekend (kies uit {', '.join(URGENCIES)})")
    checked = check(phone, client.country)
    if not checked.valid:
        raise NoteRefused(f"telefoonnummer '{phone}': {checked.error}", "phone")
    typed = typed_call(client, call_type, answers or {}, at)
    message = message.replace("\r\n", "\n")
    problem = too_long(message.strip(), MAX_MESSAGE)
    if problem:
        raise NoteRefused(f"bericht is {problem}", "message")
    if blank(message):
        raise NoteRefused("bericht ontbreekt", "message")
    wrong = forbidden(message, lines=True)
    if wrong is not None and wrong.kind == "direction":
        raise NoteRefused(wrong.says("bericht"), "message")
    if wrong is not None:
        raise NoteRefused(
            "bericht bevat een stuurteken (alleen regeleinden en tabs mogen)", "message"
        )
    if typed is not None and typed.urgency == "dringend":
        urgency = "dringend"  # the type, or an answer, makes it urgent; never less
    route = note_route(client, recipient, at.astimezone(UTC))
    absent = route.rerouted
    if absent and not allow_absent:
        raise RecipientAbsent(client, route, at.astimezone(client.zone))
    return CheckedNote(
        client=client.id,
        recipient=recipient,
        addressed_to=addressed_to,
        caller_name=caller_name.strip(),
        phone=checked,
        message=message.strip(),
        urgency=urgency,
        agent=agent,
        instructions_version=instructions_version(client),
        override=ABSENT_KEPT if absent else "",
        call_type=typed.call_type.id if typed else "",
        call_type_title=typed.call_type.title if typed else "",
        answers=typed.answers if typed else (),
    )


@dataclass(frozen=True)
class TypedCall:
    """A note's call type with its answers checked: what it stores and what it set off."""

    call_type: CallType
    answers: tuple[tuple[str, str, str], ...]  # (field id, label, answer or "") per field
    urgency: str | None
    says: tuple[str, ...]


def typed_call(
    client: Client, type_id: str, typed: Mapping[str, str], at: datetime
) -> TypedCall | None:
    """The call type of a note, its answers checked (kccdesk.calltypes.rules); raises
    NoteRefused naming the field that is wrong or the required ones still missing."""
    if not type_id:
        if typed:
            raise NoteRefused(
                "antwoorden zonder gesprekssoort: kies eerst de soort (--type)", "call_type"
            )
        return None
    call_type = client.call_type(type_id)
    if call_type is None:
        known = ", ".join(t.id for t in client.call_types) or "geen"
        raise NoteRefused(
            f"gesprekssoort '{type_id}' bestaat niet bij {client.name} ({known})", "call_type"
        )
    unknown = sorted(set(typed) - {f.id for f in call_type.fields})
    if unknown:
        fields = ", ".join(f.id for f in call_type.fields)
        raise NoteRefused(
            f"veld '{unknown[0]}' hoort niet bij gesprekssoort {call_type.title} ({fields})"
        )
    today = at.astimezone(client.zone).date()
    checked = check_answers(call_type, typed, client.country, today)
    refusal = checked.refusal()
    if refusal:
        blocking = checked.blocking
        raise NoteRefused(refusal, blocking.id if blocking else "")
    # every question with its answer, "" when not answered: the report counts a note
    # complete when all were, and the review names those left open
    answers = tuple((f.id, f.label, checked.answers[f.id].value) for f in call_type.fields)
    return TypedCall(call_type, answers, checked.urgency, checked.says)
