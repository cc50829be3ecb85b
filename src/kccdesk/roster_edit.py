"""The rules a roster edit must pass before it is saved, and one-line descriptions of entries.

Refused with a Dutch reason (and nothing saved): start equal to end, a person unknown to this
client, an absence that ends before it starts, a replacement who is absent in the same period,
and a weekly shift that overlaps another of the same person (flagged, never silently doubled).
"""

from __future__ import annotations

from dataclasses import replace

from kccdesk.model import Absence, Client, Closure, ExtraShift, WeeklyShift
from kccdesk.roster import overlapping_shifts, replacement_conflict, roster_problems

RosterItem = WeeklyShift | ExtraShift | Absence | Closure
SECTION = {
    WeeklyShift: "shifts",
    ExtraShift: "extra_shifts",
    Absence: "absences",
    Closure: "closures",
}


def describe(item: RosterItem) -> str:
    """A roster item in one Dutch line, for messages and the history."""
    if isinstance(item, WeeklyShift):
        return f"{item.person} {','.join(item.days)} {item.start:%H:%M}–{item.end:%H:%M}"
    if isinstance(item, ExtraShift):
        return f"{item.person} {item.date:%d-%m-%Y} {item.start:%H:%M}–{item.end:%H:%M}"
    if isinstance(item, Absence):
        replaced = f" → {item.replaced_by}" if item.replaced_by else ""
        period = f"{item.start:%d-%m}–{item.until:%d-%m-%Y}"
        return f"{item.person} afwezig {period} {item.reason}{replaced}"
    return f"gesloten {item.start:%d-%m}–{item.until:%d-%m-%Y} {item.reason}"


def problems_with(
    client: Client, item: RosterItem, replacing: RosterItem | None = None
) -> list[str]:
    """Why this item cannot be saved into the client's roster (empty: it can).

    `replacing` is the stored version of the entry being changed; it is left out of the
    checks so an entry does not conflict with its own old self."""
    section = SECTION[type(item)]
    others = [x for x in getattr(client, section) if x != replacing]
    trial = replace(client, **{section: (*others, item)})
    index = len(others) + 1
    found = [message for sec, i, message in roster_problems(trial) if (sec, i) == (section, index)]
    if isinstance(item, Absence) and item.replaced_by and item.replaced_by != item.person:
        conflict = replacement_conflict(trial, item)
        if conflict:
            found.append(conflict)
    if isinstance(item, Absence):
        for other in others:
            if (
                isinstance(other, Absence)
                and other.replaced_by == item.person
                and other.start <= item.until
                and item.start <= other.until
            ):
                found.append(
                    f"{item.person} vervangt {other.person} van {other.start:%d-%m} t/m "
                    f"{other.until:%d-%m-%Y}; kies eerst een andere vervanger"
                )
    if isinstance(item, WeeklyShift):
        found.extend(overlapping_shifts(trial, item, skip=index - 1))
    if isinstance(item, ExtraShift | Absence | Closure) and item in others:
        found.append("dit staat al in het rooster")
    return found
