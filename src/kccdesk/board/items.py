"""What the board lists and in which order.

An item is one piece of unfinished work with the moment it became a problem (`since`: its age
counts from there) and, for what has a deadline, when it is due. Order: urgency first (a gap
now before a failed note before a stale calendar), then the oldest first. Lateness is per
kind: a gap that has begun is late, one within two hours soon; a failed note is late after
ten minutes; a reminder is late once due; a draft after half an hour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: the kinds of item, most urgent first (ties: the oldest first)
URGENCY = {
    "unacked": 0,
    "gap": 0,
    "replacement": 1,
    "failed": 1,
    "reminder": 1,
    "agenda": 3,
    "draft": 3,
}
#: how far ahead gaps are listed
GAPS_AHEAD = timedelta(hours=12)
#: a gap starting within this is "soon"
GAP_SOON = timedelta(hours=2)
#: a failed note waiting longer than this is late
FAILED_LATE = timedelta(minutes=10)
#: a draft left on a desk is listed after this, and late after twice as long
DRAFT_LISTED = timedelta(minutes=15)
#: a desk not heard from within this is offline (it says so every HEARTBEAT)
HEARTBEAT = timedelta(seconds=15)
OFFLINE_AFTER = timedelta(seconds=45)

LATE, SOON, WAITING = "late", "soon", "waiting"


@dataclass(frozen=True)
class BoardItem:
    """One row of the board. `key` is stable across refreshes (the cursor stays on it);
    `target` says where it is fixed: ("roster", client, ISO day), ("note", note id),
    ("reminder", reminder id), ("client", client), ("unacked", note id)."""

    kind: str
    client: str
    title: str
    since: datetime
    due: datetime | None = None
    key: str = ""
    target: tuple[str, ...] = ()

    def state(self, now: datetime) -> str:
        """late / soon / waiting: the colour of the row."""
        if self.kind in ("gap", "replacement"):
            start = self.due or self.since
            if start <= now:
                return LATE
            return SOON if start - now <= GAP_SOON else WAITING
        if self.kind == "failed":
            return LATE if now - self.since >= FAILED_LATE else SOON
        if self.kind in ("reminder", "unacked"):
            return LATE
        if self.kind == "draft":
            return LATE if now - self.since >= 2 * DRAFT_LISTED else SOON
        return SOON

    def age(self, now: datetime) -> timedelta:
        return max(timedelta(0), now - self.since)


def ordered(items: Iterable[BoardItem], now: datetime) -> list[BoardItem]:
    """Most urgent first; within a kind's urgency the late ones, then the oldest."""
    rank = {LATE: 0, SOON: 1, WAITING: 2}
    return sorted(
        items,
        key=lambda i: (URGENCY.get(i.kind, 9), rank[i.state(now)], i.due or i.since, i.key),
    )


@dataclass(frozen=True)
class DeskOnline:
    """A desk that says it is there: who works at it, the client on screen and since when
    the current call runs (None: no call)."""

    desk: str
    agent: str
    user: str
    client: str
    call_started: datetime | None
    seen_at: datetime
    drafts: int = 0
    oldest_draft: datetime | None = None

    def online(self, now: datetime) -> bool:
        return now - self.seen_at <= OFFLINE_AFTER

    def call_duration(self, now: datetime) -> timedelta | None:
        return None if self.call_started is None else max(timedelta(0), now - self.call_started)
