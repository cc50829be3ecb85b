"""The five kinds of roster entry, listed once: weekly shift, extra shift, absence, closure and
coverage (the hours in which someone must be on duty). Storage, roles, the roster rules, the
client file and the roster pane's forms all follow this list; a new kind starts here (and
`tests/test_kinds.py` names every place that must then learn it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kccdesk.clients.model import Absence, Client, Closure, Coverage, ExtraShift, WeeklyShift

RosterItem = WeeklyShift | ExtraShift | Absence | Closure | Coverage


@dataclass(frozen=True)
class RosterKind:
    """One kind of roster entry, by every name the layers know it by."""

    name: str  # storage, audit and forms: "shift" (also the table's name)
    section: str  # client file and Client field: "shifts"
    record: type  # the model class
    label: str  # how file messages name one entry, in Dutch: "dienst 3"
    #: what identifies an entry in a file without ids (kind, person, days/date/from, start)
    key: Callable[[Any], tuple[object, ...]]


def _shift_key(shift: WeeklyShift) -> tuple[object, ...]:
    return (shift.person, tuple(shift.days), shift.start)


def _extra_key(extra: ExtraShift) -> tuple[object, ...]:
    return (extra.person, extra.date, extra.start)


def _absence_key(absence: Absence) -> tuple[object, ...]:
    return (absence.person, absence.start, absence.start_time)


def _closure_key(closure: Closure) -> tuple[object, ...]:
    return (closure.start,)


def _coverage_key(coverage: Coverage) -> tuple[object, ...]:
    return (tuple(coverage.days), coverage.start, coverage.department)


KINDS = (
    RosterKind("shift", "shifts", WeeklyShift, "dienst", _shift_key),
    RosterKind("extra_shift", "extra_shifts", ExtraShift, "extra dienst", _extra_key),
    RosterKind("absence", "absences", Absence, "afwezigheid", _absence_key),
    RosterKind("closure", "closures", Closure, "sluiting", _closure_key),
    RosterKind("coverage", "coverage", Coverage, "dekking", _coverage_key),
)
NAMES = tuple(k.name for k in KINDS)
BY_NAME = {k.name: k for k in KINDS}
BY_SECTION = {k.section: k for k in KINDS}
_BY_TYPE = {k.record: k for k in KINDS}


def kind_of(item: RosterItem) -> RosterKind:
    return _BY_TYPE[type(item)]


def items_of(client: Client, kind: RosterKind) -> tuple[RosterItem, ...]:
    items: tuple[RosterItem, ...] = getattr(client, kind.section)
    return items


def natural_key(kind: str, item: RosterItem) -> tuple[object, ...]:
    """What identifies a roster entry of `kind` in a file without ids."""
    return BY_NAME[kind].key(item)
