"""Roster edits: the refusals, optimistic locking and the audit trail, on both engines."""

from datetime import UTC, date, datetime, time

import pytest

from kccdesk.clients.model import Absence, Closure, ExtraShift, WeeklyShift
from kccdesk.duty.rules import entry_problems as problems_with
from kccdesk.storage import StaleEntry

PRACTICE = "huisartsen-de-linde"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        (WeeklyShift("hkaya", ("mon",), time(9), time(9)), "begin en einde zijn gelijk"),
        (WeeklyShift("lisa", ("mon",), time(9), time(12)), "'lisa' bestaat niet"),
        (ExtraShift("nobody", date(2026, 12, 1), time(9), time(12)), "'nobody' bestaat niet"),
        (Absence("hkaya", date(2026, 12, 5), date(2026, 12, 1)), "eindigt voor ze begint"),
        (
            Absence("mjansen", date(2026, 12, 1), date(2026, 12, 5), "vrij", "sbakker"),
            "vervangers vormen een kring: mjansen → sbakker → mjansen (vanaf 01-12-2026)",
        ),
        (WeeklyShift("hkaya", ("wed",), time(12), time(18)), "overlapt met dienst wo"),
        (Closure(date(2026, 12, 31), date(2026, 12, 30), "x"), "eindigt voor ze begint"),
    ],
)
def test_impossible_entries_are_refused_with_a_reason(demo_clients, item, fragment):
    found = problems_with(demo_clients[PRACTICE], item)
    assert any(fragment in message for message in found), found


@pytest.mark.parametrize(
    "item",
    [
        # the replacement (sbakker) is on leave herself: her replacement takes over
        Absence("hkaya", date(2026, 12, 1), date(2026, 12, 5), "vrij", "sbakker"),
        # the replacement of sbakker takes a course: notes then go to the default
        Absence("mjansen", date(2026, 12, 21), date(2026, 12, 23), "cursus"),
    ],
)
def test_a_replacement_away_too_is_an_ordinary_week(demo_clients, item):
    assert problems_with(demo_clients[PRACTICE], item) == []


def test_a_sound_entry_passes_and_does_not_conflict_with_itself(demo_clients):
    practice = demo_clients[PRACTICE]
    assert problems_with(practice, WeeklyShift("hkaya", ("sat",), time(9), time(12))) == []
    existing = practice.shifts[2]
    changed = WeeklyShift(existing.person, existing.days, existing.start, time(16))
    assert problems_with(practice, changed) != []  # beside its old self it overlaps
    others = [s for i, s in enumerate(practice.shifts) if i != 2]
    assert problems_with(practice, changed, others) == []


def test_save_change_remove_with_versions_and_history(store, demo_clients):
    store.import_clients(demo_clients.values())
    shift = WeeklyShift("hkaya", ("sat",), time(9), time(12))
    added = store.save_roster_entry(PRACTICE, shift, "marieke", now=NOW)
    assert added.version == 1
    assert shift in store.load_client(PRACTICE).shifts
    later = WeeklyShift("hkaya", ("sat",), time(10), time(13))
    changed = store.save_roster_entry(PRACTICE, later, "joost", added.id, added.version, now=NOW)
    assert changed.version == 2
    # A second shift lead still holding version 1 is refused, shown the newer version.
    with pytest.raises(StaleEntry) as stale:
        store.save_roster_entry(PRACTICE, shift, "marieke", added.id, added.version, now=NOW)
    assert stale.value.current.version == 2 and "10:00–13:00" in str(stale.value)
    assert later in store.load_client(PRACTICE).shifts
    with pytest.raises(StaleEntry):
        store.remove_roster_entry(PRACTICE, "shift", added.id, 1, "marieke", now=NOW)
    store.remove_roster_entry(PRACTICE, "shift", added.id, 2, "joost", now=NOW)
    assert later not in store.load_client(PRACTICE).shifts
    history = store.roster_history(PRACTICE, "shift", added.id)
    # On PostgreSQL the database names the login (tests/test_roles.py), not the desk's claim.
    login = "postgres" if store.engine.dialect.name == "postgresql" else None
    assert [(h.action, h.user) for h in history] == [
        ("removed", login or "joost"),
        ("changed", login or "joost"),
        ("added", login or "marieke"),
    ]
    assert history[1].before["start"] == "09:00" and history[1].after["start"] == "10:00"


def test_overlapping_extra_shifts_are_flagged_also_past_midnight(demo_clients):
    emergency = demo_clients["storingsdienst-warmtenet"]
    night = ExtraShift("rbos", date(2026, 12, 27), time(3), time(9))
    # rbos has 19:00–07:00 on the 26th, which runs into the 27th.
    assert any("overlapt met extra dienst 26-12" in m for m in problems_with(emergency, night))
    later = ExtraShift("rbos", date(2026, 12, 27), time(7), time(9))
    assert problems_with(emergency, later) == []  # back to back is fine


def test_new_entry_comes_last_also_after_a_removal(store, demo_clients):
    store.import_clients(demo_clients.values())
    first = store.roster_entries(PRACTICE)[0]
    store.remove_roster_entry(PRACTICE, first.kind, first.id, first.version, "marieke", now=NOW)
    added = WeeklyShift("hkaya", ("sat",), time(9), time(12))
    store.save_roster_entry(PRACTICE, added, "marieke", now=NOW)
    assert store.load_client(PRACTICE).shifts[-1] == added
