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
from datetime import datetime

from kccdesk.model import Client
from kccdesk.roster import DutyStatus, PersonState, person_state


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

    def override_warning(self) -> str:
        """What the call log records when the agent transfers anyway."""
        target = self.target
        if target.absent_until is not None:
            state = f"afwezig t/m {target.absent_until}"
        else:
            state = "geen dienst"
        return f"{state}; toch doorverbonden met {target.person}"


def check_transfer(client: Client, person_id: str, status: DutyStatus) -> TransferCheck:
    """May the caller be put through to this person now, and if not, to whom instead."""
    target = person_state(client, status, person_id)
    replacement = (
        person_state(client, status, target.replaced_by, is_replacement=True)
        if target.replaced_by
        else None
    )
    ordered: list[PersonState] = []
    if replacement is not None and replacement.on_duty:
        ordered.append(replacement)
    others = [
        person_state(client, status, d.person)
        for d in status.on_duty
        if d.person != person_id and all(d.person != c.person for c in ordered)
    ]
    ordered.extend(c for c in others if c.department == target.department)
    ordered.extend(c for c in others if c.department != target.department)
    return TransferCheck(
        client=client.id,
        target=target,
        allowed=target.on_duty,
        alternatives=tuple(ordered),
        replacement=replacement,
        closed=status.closed,
        at=status.at,
        note_to=_note_recipient(client, target, replacement),
    )


def _note_recipient(
    client: Client, target: PersonState, replacement: PersonState | None
) -> str | None:
    """A note for the person asked for — or, while they are absent, for their replacement,
    else for the client's default recipient (never silently for someone absent)."""
    if not target.absent:
        return target.person
    if replacement is not None and not replacement.absent:
        return replacement.person
    return client.callback_default
