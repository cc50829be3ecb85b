"""Two shift leads at the same moment (issue 28): roster saves are checked against what is
committed, under the client's lock — ten desks adding overlapping shifts of one person at
once, on both engines, leave exactly one."""

from __future__ import annotations

import threading
from datetime import time

from kccdesk.actor import Actor
from kccdesk.clientfile import parse_client
from kccdesk.desk import Desk, RosterRefused
from kccdesk.model import WeeklyShift
from kccdesk.storage import open_store

TEXT = '[client]\nid = "uden"\nname = "Uden"\n\n[[people]]\nid = "anna"\nname = "Anna"\n'


def test_ten_overlapping_shifts_at_once_leave_one(database_url):
    store = open_store(database_url)
    store.import_clients([parse_client(TEXT)])
    store.close()
    start = threading.Barrier(10)
    outcomes: list[str] = []

    def one(n: int) -> None:
        store = open_store(database_url)
        try:
            desk = Desk(store, actor=Actor(f"lead{n}", shift_lead=True))
            desk.client("uden")  # read before the race, as a pane would
            start.wait()
            shift = WeeklyShift("anna", ("mon",), time(8 + n % 3), time(17))
            try:
                desk.save_roster_entry("uden", shift)
                outcomes.append("saved")
            except RosterRefused as refused:
                outcomes.append(str(refused))
        finally:
            store.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("saved") == 1, outcomes
    assert all("overlapt met dienst ma" in o for o in outcomes if o != "saved")
    store = open_store(database_url)
    try:
        assert len(store.load_client("uden").shifts) == 1
    finally:
        store.close()
