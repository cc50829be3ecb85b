"""Two shift leads at the same moment (issue 28): roster saves are checked against what is
committed, under the client's lock — ten desks adding overlapping shifts of one person at
once, on both engines, leave exactly one."""

from __future__ import annotations

from datetime import time

from at_once import at_once
from kccdesk.clientfile import parse_client
from kccdesk.clients.model import WeeklyShift
from kccdesk.core.actor import Actor
from kccdesk.service.desk import Desk, RosterRefused
from kccdesk.storage import open_store

TEXT = '[client]\nid = "uden"\nname = "Uden"\n\n[[people]]\nid = "anna"\nname = "Anna"\n'


def save_overlapping_shift(desk: Desk, n: int) -> str:
    """A Monday shift of Anna that overlaps every other one: 'saved' or the refusal."""
    shift = WeeklyShift("anna", ("mon",), time(8 + n % 3), time(17))
    try:
        desk.save_roster_entry("uden", shift)
        return "saved"
    except RosterRefused as refused:
        return str(refused)


def test_ten_overlapping_shifts_at_once_leave_one(database_url):
    store = open_store(database_url)
    store.import_clients([parse_client(TEXT)])
    store.close()

    def one(n: int, go) -> str:
        store = open_store(database_url)
        try:
            desk = Desk(store, actor=Actor(f"lead{n}", shift_lead=True))
            desk.client("uden")  # read before the race, as a pane would
            go()
            return save_overlapping_shift(desk, n)
        finally:
            store.close()

    outcomes = at_once(10, one)
    assert outcomes.count("saved") == 1, outcomes
    assert all("overlapt met dienst ma" in o for o in outcomes if o != "saved")
    store = open_store(database_url)
    try:
        assert len(store.load_client("uden").shifts) == 1
    finally:
        store.close()


def test_imports_and_pane_saves_at_once_are_checked_one_after_the_other(database_url):
    """Five shift leads add an overlapping shift in the pane while five imports of the
    client's file (Anna on Monday 09:00–17:00) run: whatever the order, Anna ends with one
    Monday shift — never an imported one beside a pane's that its check did not see."""
    store = open_store(database_url)
    store.import_clients([parse_client(TEXT)])
    store.close()
    with_shift = (
        TEXT + '\n[[shifts]]\nperson = "anna"\ndays = ["mon"]\nstart = "09:00"\nend = "17:00"\n'
    )

    def one(n: int, go) -> str:
        store = open_store(database_url)
        try:
            desk = Desk(store, actor=Actor(f"lead{n}", shift_lead=True))
            desk.client("uden")
            go()
            if n % 2:
                desk.import_clients([parse_client(with_shift)], source=f"import {n}")
                return "imported"
            return save_overlapping_shift(desk, n)
        finally:
            store.close()

    outcomes = at_once(10, one)
    assert outcomes.count("imported") == 5, outcomes
    store = open_store(database_url)
    try:
        assert len(store.load_client("uden").shifts) == 1, store.load_client("uden").shifts
    finally:
        store.close()
