"""A desk reads a client when it is first asked for; the directory (id, name, kind, lines)
answers the switcher and the screen pop without loading anyone."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from kccdesk.clients.model import ClientHead
from kccdesk.clients.snapshot import ClientSnapshot
from kccdesk.core.errors import StorageError
from kccdesk.service.clients import KNOWN_SHOWN
from kccdesk.service.desk import Desk
from kccdesk.storage import open_store
from kccdesk.ui.screens.client_switcher import find_clients

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
BIKES = "fietsenmakerij-van-dijk"
KEMPENHOUT = "gemeente-kempenhout"


def loaded(desk: Desk) -> set[str]:
    return {c.id for c in desk.loaded_clients}


def test_a_command_about_one_client_reads_only_that_client(demo_store):
    desk = Desk(demo_store, clock=lambda: NOW)
    assert loaded(desk) == set()
    desk.duty(BIKES)
    desk.search("kees", BIKES)
    assert loaded(desk) == {BIKES}
    assert desk.has_client(KEMPENHOUT) and loaded(desk) == {BIKES}


def test_an_unknown_client_is_one_clear_line(demo_store, demo_clients):
    desk = Desk(demo_store, clock=lambda: NOW)
    with pytest.raises(StorageError) as raised:
        desk.client("nope")
    message = str(raised.value)
    assert message.startswith("onbekende klant 'nope' (bekend: ")
    assert "\n" not in message and BIKES in message
    assert not desk.has_client("nope") and not desk.has_client(None)


def test_the_unknown_client_error_stays_short_on_a_large_service(tmp_path, demo_clients):
    store = open_store(f"sqlite:///{tmp_path / 'many.db'}")
    bikes = demo_clients[BIKES]
    store.import_clients(
        dataclasses.replace(bikes, id=f"c{i:03d}", lines=(f"+3130234{i:04d}",)) for i in range(40)
    )
    with pytest.raises(StorageError) as raised:
        Desk(store).client("nope")
    assert str(raised.value).count(",") == KNOWN_SHOWN and "en 28 meer" in str(raised.value)
    store.close()


def test_a_client_changed_by_another_desk_is_read_again(demo_store, demo_clients):
    desk = Desk(demo_store, clock=lambda: NOW)
    assert desk.client(BIKES).name == "Fietsenmakerij Van Dijk"
    desk.directory  # noqa: B018 - the directory is known, Kempenhout is not loaded
    other = open_store(demo_store.url)
    other.import_clients(
        [
            dataclasses.replace(demo_clients[BIKES], name="Fietsen Van Dijk"),
            dataclasses.replace(demo_clients[KEMPENHOUT], name="Gemeente Kempenhout-Oost"),
        ]
    )
    other.close()
    assert desk.apply_changes({f"client:{BIKES}", f"client:{KEMPENHOUT}"})
    assert desk.client(BIKES).name == "Fietsen Van Dijk"
    assert {h.id: h.name for h in desk.directory}[KEMPENHOUT] == "Gemeente Kempenhout-Oost"
    assert KEMPENHOUT not in loaded(desk)
    assert desk.client(KEMPENHOUT).name == "Gemeente Kempenhout-Oost"


def test_sync_reads_the_loaded_clients_and_the_directory_again(demo_store, demo_clients):
    desk = Desk(demo_store, clock=lambda: NOW)
    desk.client(BIKES)
    assert not desk.sync()
    other = open_store(demo_store.url)
    other.import_clients([dataclasses.replace(demo_clients[BIKES], greeting="Goeiedag")])
    other.close()
    assert desk.sync()
    assert desk.client(BIKES).greeting == "Goeiedag"
    assert loaded(desk) == {BIKES}


def test_a_removed_client_disappears(demo_store, demo_clients):
    desk = Desk(demo_store, clock=lambda: NOW)
    desk.client(BIKES)
    with demo_store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM client WHERE id = ?", (BIKES,))
    desk.reload(BIKES)
    assert not desk.has_client(BIKES)
    with pytest.raises(StorageError, match="onbekende klant"):
        desk.client(BIKES)


def test_the_switcher_finds_a_client_not_loaded_by_name_and_by_digits(demo_store):
    desk = Desk(demo_store, clock=lambda: NOW)
    assert [c.id for c in find_clients(desk, "fietsenmaker")][:1] == [BIKES]
    assert [c.id for c in find_clients(desk, "2345678")] == [BIKES]  # digits of +31302345678
    assert [c.id for c in find_clients(desk, "030 234")] == [BIKES]  # national form
    assert loaded(desk) == set()
    assert desk.client_for_line("030 234 5678").id == BIKES
    assert loaded(desk) == set()


def test_the_all_clients_search_loads_every_client(demo_store, demo_clients):
    desk = Desk(demo_store, clock=lambda: NOW)
    desk.client(BIKES)
    assert desk.index_size(None) > desk.index_size(BIKES)
    assert loaded(desk) == set(demo_clients)
    assert {h.entry.client for h in desk.search("van dijk", None, limit=50)} >= {BIKES}


def test_a_desk_on_a_snapshot_directory_loads_the_rest_on_demand(demo_store, demo_clients):
    directory = [c.head for c in demo_clients.values()]
    desk = Desk.from_snapshot(lambda: demo_store, [demo_clients[BIKES]], directory)
    assert loaded(desk) == {BIKES}
    assert {h.id for h in desk.directory} == set(demo_clients)
    assert desk.client(KEMPENHOUT) == demo_clients[KEMPENHOUT]


def test_the_snapshot_keeps_the_directory(tmp_path, demo_clients):
    snapshot = ClientSnapshot(tmp_path)
    heads = [c.head for c in demo_clients.values()]
    snapshot.save([demo_clients[BIKES]], heads)
    assert snapshot.read() == ([demo_clients[BIKES]], heads)
    assert all(isinstance(h, ClientHead) for h in heads)


def test_the_schema_head_constant_matches_the_migrations():
    from kccdesk.storage.schema import HEAD_REVISION, head_revision

    assert head_revision() == HEAD_REVISION


def test_opening_a_database_at_head_does_not_load_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'head.db'}"
    open_store(url).close()
    code = (
        "import sys\n"
        "from kccdesk.storage import open_store\n"
        f"open_store({url!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
