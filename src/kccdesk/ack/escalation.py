"""Escalation of an urgent note nobody acknowledged: at each step the recipient is decided
*then*, with the roster's rules — an absent person's replacement chain, never someone off
duty unless the step names them — and when nobody can be mailed, every desk is alerted.

The order is the call type's, else the client's (`[[escalation]]`), else DEFAULT_ORDER.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kccdesk.clients.model import URGENT, CallType, Client, EscalationStep
from kccdesk.duty.roster import DutyStatus, note_route

#: urgent notes without an order of their own: after 10 minutes the recipient (decided
#: again) once more; after that the note stays on every desk until someone acts
DEFAULT_ORDER = (EscalationStep(after_minutes=10, to="recipient", rounds=1),)
#: the targets that are no person id
RECIPIENT, DESK, DUTY = "recipient", "desk", "duty"
#: limits of one step: a wait of at most a day, at most 10 rounds, at most 20 steps
MAX_MINUTES = 24 * 60
MAX_ROUNDS = 10
MAX_STEPS = 20


def step_problem(client: Client, step: EscalationStep) -> str | None:
    """Why a step cannot be (Dutch), or None: a wait outside 1..1440 minutes, rounds outside
    1..10, a target that is no person, department or known word."""
    if not 1 <= step.after_minutes <= MAX_MINUTES:
        return f"after_minutes moet tussen 1 en {MAX_MINUTES} liggen"
    if not 1 <= step.rounds <= MAX_ROUNDS:
        return f"rounds moet tussen 1 en {MAX_ROUNDS} liggen"
    to = step.to
    if to in (RECIPIENT, DESK, DUTY):
        return None
    if to.startswith(DUTY + ":"):
        department = to.split(":", 1)[1]
        if not any(p.department == department for p in client.people):
            return f"to '{to}': niemand van {client.name} heeft afdeling '{department}'"
        return None
    if client.person(to) is None:
        return (
            f'to \'{to}\' is geen persoon van {client.id} (of gebruik "recipient", "duty", '
            '"duty:<afdeling>" of "desk")'
        )
    return None


def order_of(client: Client, call_type: CallType | None) -> tuple[EscalationStep, ...]:
    """The escalation order of a note: its call type's, else its client's, else the default."""
    if call_type is not None and call_type.escalation:
        return call_type.escalation
    return client.escalation or DEFAULT_ORDER


def rounds_of(order: tuple[EscalationStep, ...]) -> tuple[EscalationStep, ...]:
    """The order as the rounds it makes: a step of `rounds` 2 is two rounds in a row."""
    return tuple(step for step in order for _ in range(step.rounds))


def next_due(order: tuple[EscalationStep, ...], done: int, since: datetime) -> datetime | None:
    """When the round after `done` rounds is due, counted from `since` (the note's saving,
    or the last round); None after the last round."""
    rounds = rounds_of(order)
    if done >= len(rounds):
        return None
    try:
        return since + timedelta(minutes=rounds[done].after_minutes)
    except OverflowError:  # a clock at the very end of year 9999: no time left to wait
        return None


def first_escalation(
    client: Client, urgency: str, call_type: str, saved: datetime
) -> datetime | None:
    """When a note escalates first if nobody acknowledges it: urgent notes only."""
    if urgency != URGENT:
        return None
    return next_due(order_of(client, client.call_type(call_type)), 0, saved)


def step_at(order: tuple[EscalationStep, ...], done: int) -> EscalationStep | None:
    rounds = rounds_of(order)
    return rounds[done] if done < len(rounds) else None


@dataclass(frozen=True)
class Target:
    """Who a round mails (`person`; None: nobody, only the desks are alerted) and why, in a
    few Dutch words for the trail ("vervangt Erik Mulder", "niemand van Techniek in dienst")."""

    person: str | None
    why: str = ""


def target_of(client: Client, step: EscalationStep, recipient: str, status: DutyStatus) -> Target:
    """The person this round goes to at `status.at`, by the roster's rules."""
    at = status.at
    if step.to == DESK:
        return Target(None, "alleen de desks")
    if step.to == DUTY or step.to.startswith(DUTY + ":"):
        department = step.to.split(":", 1)[1] if ":" in step.to else None
        return _on_duty(client, status, department)
    named = step.to != RECIPIENT
    wanted = step.to if named else recipient
    route = note_route(client, wanted, at.astimezone(UTC))
    person = route.recipient
    if person is None:
        return Target(None, f"{client.person_name(wanted)} afwezig, geen vervanger")
    why = f"vervangt {client.person_name(wanted)}" if route.rerouted else ""
    if named or status.is_on_duty(person) or not _rostered(client, person):
        # Named by the step, on duty, or someone without roster lines (reached by mail
        # whenever): they are the one to ask.
        return Target(person, why)
    department = _department(client, person)
    if department:
        found = _on_duty(client, status, department)
        if found.person is not None:
            return Target(found.person, f"{client.person_name(person)} niet in dienst")
    return Target(None, f"{client.person_name(person)} niet in dienst")


def _on_duty(client: Client, status: DutyStatus, department: str | None) -> Target:
    """Who of the department (or anyone) is on duty: someone not in an appointment first."""
    found = [
        d
        for d in status.on_duty
        if department is None or _department(client, d.person) == department
    ]
    found.sort(key=lambda d: d.busy)
    if found:
        return Target(found[0].person, "heeft dienst")
    where = f"van {department} " if department else ""
    return Target(None, f"niemand {where}in dienst")


def _department(client: Client, person_id: str) -> str:
    person = client.person(person_id)
    return person.department if person else ""


def _rostered(client: Client, person: str) -> bool:
    """Whether the roster says anything about when this person works."""
    return any(s.person == person for s in client.shifts) or any(
        s.person == person for s in client.extra_shifts
    )
