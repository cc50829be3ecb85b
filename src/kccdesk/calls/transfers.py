"""Who may take a transfer now, and what to offer instead.

Transferring a caller to someone who is not working is the first mistake this product exists
to prevent. The rule: a transfer goes through at once only to someone on duty now. Otherwise
it is stopped, the reason is given, and the alternatives are offered in a fixed order — the
named replacement of an absent person first, then colleagues of the same department on duty,
then anyone else on duty. The replacement is always named, with their state, even when they
are not on duty themselves, so the agent never has to guess. Overriding the stop is possible
but is recorded with the reason the desk gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from kccdesk.clients.model import Client
from kccdesk.duty.roster import DutyStatus, PersonState, note_route, person_state
from kccdesk.notes.rules import redirected
from kccdesk.texts import absent_until, busy_until

#: why a transfer to someone the client never wants callers put through to is stopped
NEVER_TRANSFER = "wordt nooit doorverbonden (afspraak met de klant)"
#: marks an override of a client's rule in the call log, for the team lead's review
FOR_REVIEW = "TER BEOORDELING"


@dataclass(frozen=True)
class TransferCheck:
    """The guard's answer for one intended transfer."""

    client: str
    target: PersonState
    allowed: bool
    alternatives: tuple[PersonState, ...]  # on duty now, in the order to offer them
    replacement: PersonState | None  # the absent target's replacement, on duty or not
    closed: str | None  # why the client is closed today, if it is
    at: datetime
    note_to: str | None  # who a callback note should go to instead of a transfer
    rule: str = ""  # a client's standing rule that stops this transfer (NEVER_TRANSFER)
    gap: str = ""  # a coverage gap now: why the note goes to the client's default recipient
    #: outside opening hours: what the client wants urgent callers told (said first)
    after_hours: str = ""
    #: outside opening hours: the number urgent callers go to (`after_hours_route`), if a
    #: number; a person of the client is offered as the first alternative instead
    after_hours_number: str = ""

    @property
    def stop_reason(self) -> str:
        """Why the guard stopped it, in one line for the call log."""
        if self.rule:
            return self.rule
        if self.target.absent:
            return f"afwezig {absent_until(self.target.absence, self.at)}"
        if self.target.busy_until is not None:
            return f"bezet {busy_until(self.target.busy_until, self.at)} (agenda)"
        return "geen dienst"

    @property
    def busy(self) -> bool:
        """On duty but in an appointment of their calendar: the guard warns and offers a
        note (the caller is not put through into a meeting)."""
        return self.target.busy_until is not None

    def override_warning(self, reason: str = "") -> str:
        """What the call log records when the agent transfers anyway. Overriding a client's
        rule needs the agent's reason and is marked for the team lead's review."""
        target = self.target
        if self.rule:
            if not reason.strip():
                raise ValueError("een klantregel negeren kan alleen met een reden")
            return (
                f"{FOR_REVIEW}: klantregel '{self.rule}' genegeerd voor {target.name}; "
                f"reden: {reason.strip()}"
            )
        state = self.stop_reason
        why = f"; reden: {reason.strip()}" if reason.strip() else ""
        return f"{target.name}: {state}; toch doorverbonden{why}"


def check_transfer(
    client: Client, person_id: str, status: DutyStatus, gap: str = ""
) -> TransferCheck:
    """May the caller be put through to this person now, and if not, to whom instead.
    `gap` describes a coverage gap at this moment: a stopped transfer then offers the note to
    the client's default recipient, who handles what nobody on duty can."""
    target = person_state(client, status, person_id)
    person = client.person(person_id)
    rule = NEVER_TRANSFER if person is not None and not person.transfer else ""
    replacement = (
        person_state(client, status, target.replaced_by, is_replacement=True)
        if target.replaced_by
        else None
    )
    # First whoever stands in for them: the replacement of an absence, or — when the client
    # never wants them put through — the person their notes go to.
    first = [replacement] if replacement is not None else []
    if rule and person is not None and person.notes_to:
        first.append(person_state(client, status, person.notes_to))
    ordered = [c for c in first if c.on_duty and _may_take_calls(client, c.person)]
    others = [
        person_state(client, status, d.person)
        for d in status.on_duty
        if d.person != person_id
        and all(d.person != c.person for c in ordered)
        and _may_take_calls(client, d.person)
    ]
    ordered.extend(c for c in others if c.department == target.department)
    if not rule:  # a client's rule is about this person: colleagues elsewhere do not help
        ordered.extend(c for c in others if c.department != target.department)
    closed_now = status.open is False
    route = client.after_hours_route if closed_now else None
    number = ""
    if route and client.person(route) is not None:
        # Outside opening hours the client's own route for urgent callers comes first.
        ordered = [c for c in ordered if c.person != route]
        if route != person_id and _may_take_calls(client, route):
            ordered.insert(0, person_state(client, status, route))
    elif route:
        number = route
    return TransferCheck(
        client=client.id,
        target=target,
        allowed=target.on_duty and not rule and target.busy_until is None,
        alternatives=tuple(ordered),
        replacement=replacement,
        closed=status.shut,
        at=status.at,
        note_to=(
            client.callback_default
            if gap and client.callback_default and not (target.on_duty and not rule)
            else _note_recipient(client, status, person_id)
        ),
        rule=rule,
        gap=gap,
        after_hours=client.after_hours if closed_now else "",
        after_hours_number=number,
    )


def _may_take_calls(client: Client, person_id: str) -> bool:
    person = client.person(person_id)
    return person is None or person.transfer


def _note_recipient(client: Client, status: DutyStatus, person_id: str) -> str | None:
    """A note for the person asked for (or whom the client's rule sends their notes to) —
    or, while that one is absent, for the end of the replacement chain: never silently for
    someone absent."""
    return note_route(client, redirected(client, person_id), status.at.astimezone(UTC)).recipient
