"""A dialed line belongs to one client, also when imports race (issue 28): ten imports at
once, each of a different client with the same line, on both engines — exactly one has it;
the others are refused naming the owner (or the race), and every call on it pops one."""

from __future__ import annotations

import pytest

from at_once import at_once
from kccdesk.clientfile import parse_client
from kccdesk.core.errors import ImportErrors, StorageError
from kccdesk.service.desk import Desk
from kccdesk.storage import open_store

LINE = "+31412999111"


def client_text(n: int) -> str:
    return f'[client]\nid = "c{n}"\nname = "Client {n}"\nlines = ["{LINE}"]\n'


def test_ten_imports_at_once_give_the_line_to_one_client(database_url):
    open_store(database_url).close()  # the schema, before the race

    def one(n: int, go) -> str:
        store = open_store(database_url)
        try:
            go()
            Desk(store).import_clients([parse_client(client_text(n))])
            return "ok"
        except (StorageError, ImportErrors) as exc:  # seen before writing, or while
            return str(exc)
        finally:
            store.close()

    outcomes = at_once(10, one)
    store = open_store(database_url)
    try:
        owners = [c.id for c in store.load_clients() if LINE in c.lines]
    finally:
        store.close()
    assert len(owners) == 1, owners
    assert outcomes.count("ok") == 1, outcomes
    for refusal in (o for o in outcomes if o != "ok"):
        assert "hoort al bij client" in refusal or "andere import" in refusal, refusal


def test_a_line_of_a_stored_client_is_refused_naming_it(database_url):
    store = open_store(database_url)
    try:
        desk = Desk(store)
        desk.import_clients([parse_client(client_text(1))])
        with pytest.raises(StorageError, match="hoort al bij client c1"):
            store.import_clients([parse_client(client_text(2))])
        # The same client importing its own line again is fine.
        store.import_clients([parse_client(client_text(1).replace("Client 1", "Een"))])
    finally:
        store.close()
