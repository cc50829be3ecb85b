"""The team lead's daily review: yesterday's and still open feedback, the warnings agents
overrode, the notes that failed delivery, and the recurring patterns — per client, so each
client's story can be taken back to them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from kccdesk.records import CallRecord, FeedbackRecord, NoteRecord
from kccdesk.teamlead.patterns import Pattern

#: the kind of an Override that is a transfer the guard stopped (not a warning ignored)
STOPPED = "gestopt"


@dataclass(frozen=True)
class Override:
    """A warning an agent overrode (or a transfer the guard stopped)."""

    at: datetime
    client: str
    kind: str  # doorverbonden | notitie | gestopt
    agent: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {
            "at": self.at.isoformat(),
            "client": self.client,
            "kind": self.kind,
            "agent": self.agent,
            "text": self.text,
        }


def overrides_from(
    calls: Iterable[CallRecord],
    notes: Iterable[NoteRecord],
    named_stops: Callable[[str, str], str],
) -> list[Override]:
    """Every warning overridden and every transfer the guard stopped in these calls and
    notes, newest first. A note's override is listed with the note; the call it was taken in
    repeats it, so it is not listed twice. `named_stops(client, stopped)` says the stops
    with people's names."""
    from kccdesk.calls.session import overrides_of

    notes = [n for n in notes if n.override]
    of_notes = {(n.call_uuid, n.override) for n in notes if n.call_uuid}
    found = []
    for c in calls:
        own = [w for w in overrides_of(c.warnings_overridden) if (c.uuid, w) not in of_notes]
        if own:
            found.append(
                Override(c.started_at, c.client, "doorverbonden", c.agent, " · ".join(own))
            )
        if c.stopped:
            text = named_stops(c.client, c.stopped)
            found.append(Override(c.started_at, c.client, STOPPED, c.agent, text))
    found += [
        Override(n.created_at, n.client, "notitie", n.agent, f"#{n.id}: {n.override}")
        for n in notes
    ]
    return sorted(found, key=lambda o: o.at, reverse=True)


@dataclass(frozen=True)
class ClientReview:
    client: str
    name: str
    feedback: list[FeedbackRecord] = field(default_factory=list)
    structural: set[int] = field(default_factory=set)  # feedback ids in a pattern
    patterns: list[Pattern] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    failed_notes: list[NoteRecord] = field(default_factory=list)

    @property
    def ignored(self) -> list[Override]:
        """Warnings an agent knowingly overrode ("genegeerd")."""
        return [o for o in self.overrides if o.kind != STOPPED]

    @property
    def stopped(self) -> list[Override]:
        """Transfers the guard stopped and the agent did not force ("gestopt"): the guard
        working, not an agent ignoring it, so counted apart."""
        return [o for o in self.overrides if o.kind == STOPPED]

    @property
    def empty(self) -> bool:
        return not (self.feedback or self.overrides or self.failed_notes or self.patterns)

    def as_dict(self) -> dict[str, object]:
        return {
            "client": self.client,
            "name": self.name,
            "feedback": [
                {**f.as_dict(), "structural": f.id in self.structural} for f in self.feedback
            ],
            "patterns": [p.as_dict() for p in self.patterns],
            "overrides": [o.as_dict() for o in self.overrides],
            "ignored": len(self.ignored),
            "stopped": len(self.stopped),
            "failed_notes": [n.as_dict() for n in self.failed_notes],
        }


@dataclass(frozen=True)
class Review:
    day: date  # the day reviewed (yesterday, normally)
    clients: list[ClientReview]

    @property
    def open_items(self) -> int:
        return sum(
            1 for c in self.clients for f in c.feedback if f.status in ("nieuw", "actie-uitgezet")
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "open_feedback": self.open_items,
            "clients": [c.as_dict() for c in self.clients if not c.empty],
        }


def build_review(
    day: date,
    names: dict[str, str],
    feedback: list[FeedbackRecord],
    patterns: list[Pattern],
    overrides: list[Override],
    failed: list[NoteRecord],
) -> Review:
    """Group the day's material per client; clients with the most open work first."""
    by_client: dict[str, ClientReview] = {}

    def of(client_id: str) -> ClientReview:
        if client_id not in by_client:
            by_client[client_id] = ClientReview(client_id, names.get(client_id, client_id))
        return by_client[client_id]

    structural = {i for p in patterns for i in p.items}
    for item in feedback:
        entry = of(item.client)
        entry.feedback.append(item)
        if item.id in structural:
            entry.structural.add(item.id)
    for pattern in patterns:
        of(pattern.client).patterns.append(pattern)
    for seen in overrides:
        of(seen.client).overrides.append(seen)
    for note in failed:
        of(note.client).failed_notes.append(note)
    ordered = sorted(
        by_client.values(),
        key=lambda c: (-len(c.patterns), -len(c.feedback), -len(c.ignored), c.name.casefold()),
    )
    return Review(day, ordered)
