"""A note's trail: what happened to it and when (saved, sent, opened, acknowledged, escalated,
failed), read the same in the desk, `kccdesk note show`, the team lead's reconstruction and
the client report — and the figures the report draws from it."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

#: the kinds of event, in Dutch as every screen shows them
KINDS = {
    "saved": "opgeslagen",
    "sent": "verstuurd",
    "opened": "geopend",
    "acked": "bevestigd",
    "escalated": "geëscaleerd",
    "failed": "mislukt",
    "unsure": "mogelijk verzonden",
}
#: how an acknowledgement came
VIA = {"link": "via link", "reply": "via antwoord", "desk": "via desk (gebeld)"}


@dataclass(frozen=True)
class NoteEvent:
    note_id: int
    at: datetime
    kind: str  # a key of KINDS
    who: str = ""  # a person id, an agent's name or a mail address
    via: str = ""  # link | reply | desk, for an acknowledgement
    detail: str = ""
    round: int = 0  # the escalation round the event belongs to

    def as_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "label": KINDS.get(self.kind, self.kind),
            "who": self.who or None,
            "via": self.via or None,
            "detail": self.detail or None,
            "round": self.round,
        }


def event_text(event: NoteEvent, name_of: Callable[[str], str] | None = None) -> str:
    """'bevestigd door Erik Mulder via link', 'geëscaleerd naar Rik Bos — vervangt …';
    `name_of`: a person's name by id (Client.person_name), which gives back what it does
    not know (an agent's name, a mail address)."""
    who = name_of(event.who) if name_of and event.who else event.who
    label = KINDS.get(event.kind, event.kind)
    if event.kind == "acked":
        text = f"{label} door {who or 'onbekend'} {VIA.get(event.via, event.via)}".rstrip()
    elif event.kind == "escalated":
        text = f"{label} naar {who}" if who else f"{label}: alle desks gewaarschuwd"
    elif event.kind == "sent":
        text = f"{label} aan {who}" if who else label
    elif event.kind == "opened":
        text = f"{label} (link)"
    else:
        text = label
    return f"{text} — {event.detail}" if event.detail else text


@dataclass(frozen=True)
class AckFigures:
    """How a client's urgent notes were acknowledged in a period."""

    urgent: int
    acknowledged: int
    #: minutes from saving to acknowledgement
    median_minutes: float | None
    p90_minutes: float | None
    #: share of urgent notes acknowledged within their first window (0..1), None without any
    within_window: float | None
    escalations: int
    escalations_per_week: float


def ack_figures(
    notes: Sequence[tuple[int, datetime, datetime | None]],
    events: Iterable[NoteEvent],
    days: float,
) -> AckFigures:
    """`notes`: (id, saved at, its first escalation's moment) of each urgent note; `events`:
    their trails; `days`: the length of the period (escalations per week)."""
    acked: dict[int, datetime] = {}
    escalations = 0
    for event in events:
        if event.kind == "acked" and event.note_id not in acked:
            acked[event.note_id] = event.at
        elif event.kind == "escalated":
            escalations += 1
    minutes: list[float] = []
    in_time = 0
    for note_id, saved, first_escalation in notes:
        at = acked.get(note_id)
        if at is None:
            continue
        minutes.append(max(0.0, (at - saved).total_seconds() / 60))
        if first_escalation is None or at <= first_escalation:
            in_time += 1
    return AckFigures(
        urgent=len(notes),
        acknowledged=len(minutes),
        median_minutes=statistics.median(minutes) if minutes else None,
        p90_minutes=_percentile(minutes, 0.9) if minutes else None,
        within_window=in_time / len(notes) if notes else None,
        escalations=escalations,
        escalations_per_week=escalations * 7 / days if days > 0 else 0.0,
    )


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: a value that happened, not an interpolation."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]
