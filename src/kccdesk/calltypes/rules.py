"""What a note of a call type must hold and what its answers set off: the rules the note
form, the command line and the service apply alike (every rule once)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from kccdesk.calltypes.answers import Answer, check_answer
from kccdesk.clients.model import WEEKDAYS, CallType, Client, Route, TypeField


@dataclass(frozen=True)
class Checked:
    """The answers of a note of one type, checked: what is wrong, what is missing, and
    what the answers set off."""

    answers: dict[str, Answer]
    problems: tuple[tuple[TypeField, str], ...]  # a field and why its answer cannot be
    missing: tuple[TypeField, ...]  # required fields without an answer
    urgency: str | None  # the type's default, or what an answer made it
    says: tuple[str, ...]  # rule texts the agent must act on now, in field order

    @property
    def blocking(self) -> TypeField | None:
        """The first field that stops the note from saving (wrong, else missing)."""
        if self.problems:
            return self.problems[0][0]
        return self.missing[0] if self.missing else None

    def refusal(self) -> str | None:
        """Why the note cannot be saved, naming the field(s), or None."""
        if self.problems:
            return self.problems[0][1]
        if self.missing:
            labels = ", ".join(f.label for f in self.missing)
            return f"nog niet ingevuld: {labels}"
        return None


def check_answers(
    call_type: CallType, typed: Mapping[str, str], country: str, today: date
) -> Checked:
    """Every field of the type checked against what was typed (by field id); answers to
    fields the type does not have are not kept."""
    answers: dict[str, Answer] = {}
    problems: list[tuple[TypeField, str]] = []
    missing: list[TypeField] = []
    urgency = call_type.urgency
    says: list[str] = []
    for field in call_type.fields:
        answer = check_answer(field, typed.get(field.id, ""), country, today)
        answers[field.id] = answer
        if answer.problem:
            problems.append((field, answer.problem))
        elif not answer.value and field.required:
            missing.append(field)
        if fires(field, answer):
            assert field.when is not None
            if field.when.urgency == "dringend":  # an answer only ever raises it
                urgency = "dringend"
            if field.when.say:
                says.append(field.when.say)
    return Checked(answers, tuple(problems), tuple(missing), urgency, tuple(says))


def fires(field: TypeField, answer: Answer) -> bool:
    """Whether this answer sets off the field's rule (`when`)."""
    rule = field.when
    if rule is None or not answer.given:
        return False
    return " ".join(rule.answer.split()).casefold() == " ".join(answer.value.split()).casefold()


def route_of(call_type: CallType, local: datetime) -> str | None:
    """Where a note of this type goes at this moment on the client's clock: the route of
    the window it falls in (a night variant), else the type's own, else None (the agent
    chooses)."""
    for route in call_type.routes:
        if in_window(route, local):
            return route.route_to
    return call_type.route_to


def recipient_of(
    client: Client,
    call_type: CallType,
    local: datetime,
    on_duty: Callable[[str], bool],
    back_at: Callable[[str], datetime | None] | None = None,
) -> str | None:
    """The person a note of this type goes to now: the route's person, or of the route's
    department whoever is on duty — else whoever of it is back first (`back_at`), who sees
    the note soonest; without it, the department's first person."""
    target = route_of(call_type, local)
    if target is None or client.person(target) is not None:
        return target
    members = [p.id for p in client.people if p.department == target]
    on = next((m for m in members if on_duty(m)), None)
    if on is not None or not members:
        return on
    if back_at is None:
        return members[0]
    backs = [(back, index) for index, m in enumerate(members) if (back := back_at(m))]
    return members[min(backs)[1]] if backs else members[0]


def in_window(route: Route, local: datetime) -> bool:
    """A weekly window on the client's wall clock; one that ends before it starts runs
    into the next day and belongs to the day it starts on (Friday 17:00–08:00 covers
    Saturday 03:00)."""
    weekday = WEEKDAYS[local.weekday()]
    yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
    now = local.time().replace(tzinfo=None)
    end = route.end
    if end is not None and end <= route.start:  # past midnight
        return (weekday in route.days and now >= route.start) or (
            yesterday in route.days and now < end
        )
    return weekday in route.days and route.start <= now < (end or time.max)


def find_call_type(client: Client, typed: str) -> list[CallType]:
    """The call types an agent means by what they typed in the form: its id or title,
    or the beginning of a word of its title ("sto" → Storing melden)."""
    wanted = " ".join(typed.split()).casefold()
    if not wanted:
        return []
    exact = [t for t in client.call_types if wanted in (t.id.casefold(), t.title.casefold())]
    if exact:
        return exact
    return [
        t
        for t in client.call_types
        if t.title.casefold().startswith(wanted)
        or any(word.startswith(wanted) for word in t.title.casefold().split())
        or t.id.casefold().startswith(wanted)
    ]
