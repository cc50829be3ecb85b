"""What the desk showed the agent at the moment they acted, kept with every call and note.

Client feedback arrives days later ("you put a caller through to Erik, who was off"). Whether
that was our mistake depends on what the screen said then, not on what the roster says now:
so every logged call and saved note carries this compact record of the duty panel, the
current topics and the instructions the agent had in front of them, and the warning they
overrode. Plain JSON-able dicts, small enough to store with each row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kccdesk.clients.model import Client
from kccdesk.duty.roster import DutyStatus

#: person states as the desk showed them
ON_DUTY = "dienst"
OFF_DUTY = "geen-dienst"
ABSENT = "afwezig"


@dataclass(frozen=True)
class Shown:
    at: datetime
    on_duty: tuple[str, ...] = ()
    #: absent person -> their replacement ("" when none was named)
    absent: dict[str, str] = field(default_factory=dict)
    closed: str = ""  # the closure or public holiday the client was closed for
    topics: tuple[str, ...] = ()  # ids of the topics shown as current
    instructions: str = ""  # version of the instructions on screen
    person: str = ""  # the person the agent acted on (transfer target, note recipient)
    warning: str = ""  # the warning the agent overrode, if any

    @property
    def state(self) -> str:
        """The acted-on person's state on the screen: dienst, geen-dienst or afwezig."""
        if not self.person:
            return ""
        if self.person in self.absent:
            return ABSENT
        return ON_DUTY if self.person in self.on_duty else OFF_DUTY

    @property
    def replacement(self) -> str:
        return self.absent.get(self.person, "")

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"at": self.at.isoformat(), "on_duty": list(self.on_duty)}
        for key, value in (
            ("absent", dict(self.absent)),
            ("closed", self.closed),
            ("topics", list(self.topics)),
            ("instructions", self.instructions),
            ("person", self.person),
            ("warning", self.warning),
        ):
            if value:
                found[key] = value
        return found

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> Shown | None:
        """Back from storage; None for rows from before this record was kept (or garbage)."""
        if not isinstance(data, dict):
            return None
        try:
            at = datetime.fromisoformat(str(data["at"]))
        except (KeyError, ValueError):
            return None
        absent = data.get("absent") or {}
        return cls(
            at=at,
            on_duty=tuple(str(p) for p in _list(data.get("on_duty"))),
            absent={str(k): str(v or "") for k, v in absent.items()}
            if isinstance(absent, dict)
            else {},
            closed=str(data.get("closed") or ""),
            topics=tuple(str(t) for t in _list(data.get("topics"))),
            instructions=str(data.get("instructions") or ""),
            person=str(data.get("person") or ""),
            warning=str(data.get("warning") or ""),
        )


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def shown_now(
    client: Client,
    status: DutyStatus,
    instructions: str,
    person: str = "",
    warning: str = "",
    today: date | None = None,
) -> Shown:
    """The record of what the call screen shows for this client and duty status."""
    day = today or status.at.astimezone(client.zone).date()
    return Shown(
        at=status.at,
        on_duty=tuple(sorted({d.person for d in status.on_duty})),
        absent={a.person: a.replaced_by or "" for a in status.absent},
        closed=status.closed or "",
        topics=tuple(t.id for t in client.topics if t.is_current(day)),
        instructions=instructions,
        person=person,
        warning=warning,
    )
