"""Recurring causes: the same kind of mistake at the same client (about the same person or
department) three times in a fortnight is no longer bad luck but something to fix for good —
often by the client ("absences reported the day before"). The review screen, `feedback list`
and the client report mark such items structural and name the pattern.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from kccdesk.clients.model import Client
from kccdesk.records import FeedbackRecord
from kccdesk.texts import FEEDBACK_CATEGORY_TEXT as CATEGORY_TEXT

#: this many items of one category at one client ...
THRESHOLD = 3
#: ... within this window make a pattern
WINDOW = timedelta(days=14)
#: a pattern counts what the client reported, not what turned out to be unfounded
COUNTED_STATUSES = ("nieuw", "actie-uitgezet", "afgerond")


@dataclass(frozen=True)
class Pattern:
    client: str
    category: str
    items: tuple[int, ...]  # feedback ids, oldest first
    person: str  # the one person all items are about, else ""
    department: str  # the one department they are about, else ""
    late: int  # items whose roster change reached us after the call
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "client": self.client,
            "category": self.category,
            "count": len(self.items),
            "items": list(self.items),
            "person": self.person or None,
            "department": self.department or None,
            "late_roster_changes": self.late,
            "text": self.text,
        }


def short_name(name: str) -> str:
    """'Erik Mulder' → 'E. Mulder', 'Lieke van den Berg' → 'L. van den Berg', 'dr. Sanne
    Bakker' → 'dr. S. Bakker'."""
    parts = name.split()
    title = []
    while len(parts) > 2 and parts[0].endswith("."):  # "dr. Sanne Bakker" → "dr. S. Bakker"
        title.append(parts.pop(0))
    if len(parts) < 2:
        return name
    return " ".join([*title, f"{parts[0][0]}.", *parts[1:]])


def recurring(
    items: list[FeedbackRecord],
    clients: dict[str, Client],
    until: datetime,
    late: set[int] | frozenset[int] = frozenset(),
    since: datetime | None = None,
) -> list[Pattern]:
    """The patterns: per client and category, the items about one person (or else one
    department, or else the category as a whole) at least THRESHOLD times within WINDOW.
    The window ends at `until` (the review: what recurs now) or, with `since`, at any item
    from `since` to `until` (a week's report: what recurred during that week, though it began
    the week before). `late`: ids of items whose roster change came after the call."""
    since = until if since is None else since
    groups: dict[tuple[str, str], list[FeedbackRecord]] = defaultdict(list)
    for item in items:
        if since - WINDOW < item.happened_at <= until and item.status in COUNTED_STATUSES:
            groups[(item.client, item.category)].append(item)
    found = []
    for (client_id, category), group in sorted(groups.items()):
        client = clients.get(client_id)
        group.sort(key=lambda i: (i.happened_at, i.id))
        for person, department, candidates in _subgroups(group, client):
            members = _densest(candidates, since, until)
            if len(members) < THRESHOLD:
                continue
            ids = tuple(i.id for i in members)
            n_late = sum(1 for i in ids if i in late)
            found.append(
                Pattern(
                    client_id,
                    category,
                    ids,
                    person,
                    department,
                    n_late,
                    _text(client, client_id, category, len(ids), person, department, n_late),
                )
            )
    return found


def _densest(items: list[FeedbackRecord], since: datetime, until: datetime) -> list[FeedbackRecord]:
    """The most items inside one WINDOW ending at `until` or at an item from `since` on (the
    latest such window on a tie)."""
    ends = {until, *(i.happened_at for i in items if since <= i.happened_at <= until)}
    best: list[FeedbackRecord] = []
    for end in sorted(ends):
        inside = [i for i in items if end - WINDOW < i.happened_at <= end]
        if len(inside) >= len(best):
            best = inside
    return best


def _subgroups(
    group: list[FeedbackRecord], client: Client | None
) -> list[tuple[str, str, list[FeedbackRecord]]]:
    """By person when one person recurs; else by department; else the whole category."""
    by_person: dict[str, list[FeedbackRecord]] = defaultdict(list)
    for item in group:
        if item.person:
            by_person[item.person].append(item)
    found = [(p, "", m) for p, m in sorted(by_person.items()) if len(m) >= THRESHOLD]
    if found:
        return found
    by_department: dict[str, list[FeedbackRecord]] = defaultdict(list)
    for item in group:
        person = client.person(item.person) if client and item.person else None
        if person is not None and person.department:
            by_department[person.department].append(item)
    found = [("", d, m) for d, m in sorted(by_department.items()) if len(m) >= THRESHOLD]
    return found or [("", "", group)]


def _text(
    client: Client | None,
    client_id: str,
    category: str,
    count: int,
    person: str,
    department: str,
    late: int,
) -> str:
    """'3× doorverbonden zonder dienst bij Warmtenet, steeds E. Mulder, rooster 2× te laat
    bijgewerkt'."""
    where = client.name if client else client_id
    text = f"{count}× {CATEGORY_TEXT.get(category, category)} bij {where}"
    if person:
        text += f", steeds {short_name(client.person_name(person)) if client else person}"
    elif department:
        text += f", steeds afdeling {department}"
    if late:
        text += f", rooster {late}× te laat bijgewerkt"
    return text
