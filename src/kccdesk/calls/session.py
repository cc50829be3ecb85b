"""One call from start to end, so the call log says what happened: answered, transferred to
whom, note taken, and which warnings the agent knowingly overrode."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

#: an answered call shorter than this in which nothing happened is not logged
TOO_SHORT = timedelta(seconds=10)
#: between the warnings one call overrode, as stored: a warning's own text has "; " in it
OVERRIDE_SEPARATOR = "\n"


def overrides_of(stored: str) -> list[str]:
    """The warnings a logged call overrode, one per entry (a row from before the separator
    was a line break counts as one)."""
    return [part.strip() for part in stored.split(OVERRIDE_SEPARATOR) if part.strip()]


class CallLog(Protocol):
    """Where a finished call is written (kccdesk.storage.Store provides it)."""

    def log_call(
        self,
        client_id: str,
        started_at: datetime,
        outcome: str,
        *,
        ended_at: datetime,
        caller: str = "",
        transferred_to: str | None = None,
        warnings_overridden: str = "",
        stopped: str = "",
        agent: str = "",
        uuid: str = "",
        timing: str = "desk",
        shown: dict[str, object] | None = None,
    ) -> object: ...


@dataclass
class CallSession:
    client: str
    started: datetime
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # drafts belong to one call
    caller: str = ""  # E.164 when the softphone told us
    explicit: bool = False  # started by a ring or by the agent, not just by opening the desk
    outcome: str = "answered"  # answered | transferred | note | missed | transfer_failed
    phone_id: str = ""  # the softphone's call id, when the softphone drives this call
    answered: bool = True  # False while a softphone call rings (the timer starts on answer)
    transferred_to: str | None = None
    overrides: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)  # transfers the guard stopped
    notes: list[int] = field(default_factory=list)
    #: the person the agent last acted on (transfer or attempt), for what the desk showed
    acted_on: str = ""
    #: what the desk showed when the agent acted (kccdesk.calls.shown), recorded at that moment
    shown: dict[str, object] | None = None

    @property
    def timing(self) -> str:
        """Where the call's start and end come from: the softphone or the desk's timer."""
        return "softphone" if self.phone_id else "desk"

    def transferred(self, person: str, override: str = "") -> None:
        self.answered = True
        self.outcome = "transferred"
        self.transferred_to = person
        self.acted_on = person
        if override:
            self.overrides.append(override)

    def answered_at(self, when: datetime) -> None:
        """The softphone says the call was answered: the real start of the call."""
        self.started = when
        self.answered = True

    def transfer_failed(self, person: str, reason: str) -> None:
        """The softphone could not put the caller through: recorded with the reason."""
        if self.outcome in ("answered", "missed"):
            self.outcome = "transfer_failed"
        self.stopped.append(f"{person}: doorverbinden mislukt ({reason})")

    def transfer_stopped(self, person: str, reason: str) -> None:
        """The guard stopped a transfer: recorded whatever the agent does next."""
        self.stopped.append(f"{person}: {reason}")
        self.acted_on = self.acted_on or person

    def note_taken(self, note_id: int, override: str = "") -> None:
        self.notes.append(note_id)
        if self.outcome == "answered":
            self.outcome = "note"
        if override:
            self.overrides.append(override)

    @property
    def worth_logging(self) -> bool:
        """An idle desk that was merely opened is not a call."""
        return (
            self.explicit or bool(self.caller) or self.outcome != "answered" or bool(self.stopped)
        )

    @property
    def acted_in(self) -> bool:
        """Something was done in this call: a note, a transfer or an attempt the guard
        stopped."""
        return bool(self.notes or self.stopped) or self.outcome != "answered"

    def worth_logging_until(self, ended: datetime) -> bool:
        """As `worth_logging`, but a call started by F7 and ended within seconds with nothing
        done (a key pressed twice) is no call either: it would only skew the figures."""
        if not self.worth_logging:
            return False
        idle = not (self.caller or self.stopped or self.notes or self.phone_id)
        return not (idle and self.outcome == "answered" and ended - self.started < TOO_SHORT)

    def log_into(
        self, store: CallLog, ended: datetime, agent: str, shown: dict[str, object] | None = None
    ) -> object:
        """Write the call; `shown`: what the desk showed, when not recorded as it happened."""
        outcome = "missed" if not self.answered and self.outcome == "answered" else self.outcome
        return store.log_call(
            self.client,
            self.started,
            outcome,
            caller=self.caller,
            transferred_to=self.transferred_to,
            warnings_overridden=OVERRIDE_SEPARATOR.join(self.overrides),
            stopped="; ".join(self.stopped),
            agent=agent,
            ended_at=ended,
            uuid=self.id,
            timing=self.timing,
            shown=self.shown or shown,
        )
