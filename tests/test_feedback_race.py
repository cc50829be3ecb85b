"""Two team leads updating one feedback item (issue 28): the second is told, not silently
overwriting the first one's action and owner; ten at once on both engines lose nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from at_once import at_once
from conftest import DEMO_DIR
from kccdesk.clientfile import load_clients
from kccdesk.core.actor import Actor
from kccdesk.service.desk import Desk
from kccdesk.storage import open_store
from kccdesk.storage.feedback import StaleFeedback
from kccdesk.teamlead.feedback import FeedbackChange

AT = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/Amsterdam"))
HEAT = "storingsdienst-warmtenet"


def lead(store, name: str) -> Desk:
    return Desk(store, clock=lambda: AT, actor=Actor(name, shift_lead=True, team_lead=True))


@pytest.fixture
def item_url(database_url):
    store = open_store(database_url)
    store.import_clients(load_clients([DEMO_DIR]), now=AT)
    item = lead(store, "ilse").add_feedback(HEAT, "anders", "Niemand nam op", at=AT)
    store.close()
    return database_url, item.id


def test_the_second_of_two_team_leads_is_told_not_overwriting(item_url):
    url, item_id = item_url
    store = open_store(url)
    try:
        ilse, ruud = lead(store, "ilse"), lead(store, "ruud")
        seen_by_ilse = ilse.feedback_item(item_id)
        seen_by_ruud = ruud.feedback_item(item_id)
        change = FeedbackChange(status="actie-uitgezet", action="Rooster nalopen", owner="ilse")
        ilse.update_feedback(item_id, change, seen=seen_by_ilse)
        other = FeedbackChange(status="actie-uitgezet", action="Klant bellen", owner="ruud")
        with pytest.raises(StaleFeedback, match="intussen gewijzigd door ilse"):
            ruud.update_feedback(item_id, other, seen=seen_by_ruud)
        now = ilse.feedback_item(item_id)
        assert (now.action, now.owner) == ("Rooster nalopen", "ilse")
    finally:
        store.close()


def test_ten_team_leads_at_once_lose_nothing(item_url):
    url, item_id = item_url

    def one(n: int, go) -> str:
        store = open_store(url)
        try:
            desk = lead(store, f"lead{n}")
            seen = desk.feedback_item(item_id)
            go()
            change = FeedbackChange(status="actie-uitgezet", action=f"actie {n}", owner=f"lead{n}")
            try:
                desk.update_feedback(item_id, change, seen=seen)
                return "won"
            except StaleFeedback:
                return "stale"
        finally:
            store.close()

    outcomes = at_once(10, one)
    won = [f"lead{n}" for n, outcome in enumerate(outcomes) if outcome == "won"]
    stale = [n for n, outcome in enumerate(outcomes) if outcome == "stale"]
    assert len(won) == 1 and len(stale) == 9  # all read the same item: one may change it
    store = open_store(url)
    try:
        final = lead(store, "x").feedback_item(item_id)
    finally:
        store.close()
    assert final.owner == won[0] and final.action == f"actie {won[0][4:]}"
