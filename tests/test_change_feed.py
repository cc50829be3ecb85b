"""Desks recover by themselves: the change feed survives the database going away, says so,
and catches up when it is back — on a real PostgreSQL cluster restarted under it."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime

import pytest

from conftest import DEMO_DIR
from kccdesk.clientfile import load_clients
from kccdesk.notes.rules import check_note
from kccdesk.storage import open_store
from kccdesk.storage.changes import LOST

BIKES = "fietsenmakerij-van-dijk"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def add_note(url: str, message: str) -> None:
    """A note from another desk: its own store and connections."""
    other = open_store(url)
    client = other.load_client(BIKES)
    other.add_note(check_note(client, "lisa", "Piet", "0612345678", message, at=NOW), at=NOW)
    other.close()


def wait_for(feed, predicate, seconds: float) -> set[str]:
    """Wait on the feed until what it reports satisfies `predicate`; everything it reported."""
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen |= feed.wait(0.5)
        if predicate(seen):
            return seen
    pytest.fail(f"feed did not report in {seconds} s (saw {sorted(seen)}, status {feed.status!r})")


def cut_connection(feed, url: str) -> None:
    """The feed's own connection dies, as when the server closes it."""
    if url.startswith("sqlite"):
        feed._raw.driver_connection.close()
        return
    import psycopg

    pid = feed._raw.driver_connection.info.backend_pid
    plain = url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_feed_reconnects_after_its_connection_is_cut(database_url, demo_clients):
    store = open_store(database_url)
    store.import_clients(demo_clients.values())
    feed = store.change_feed()
    assert feed.connected and feed.status == ""
    cut_connection(feed, database_url)
    assert feed.wait(0.5) == set()  # no exception out of wait()
    assert not feed.connected and feed.status == LOST
    caught_up = wait_for(feed, lambda kinds: "notes" in kinds, 5)
    assert f"client:{BIKES}" in caught_up  # everything is re-read after the gap
    assert feed.connected and feed.status == ""
    add_note(database_url, "na herstel")
    assert "notes" in wait_for(feed, lambda kinds: "notes" in kinds, 3)
    feed.close()
    store.close()


def test_feed_recovers_from_a_postgresql_restart(private_cluster):
    url, restart = private_cluster
    store = open_store(url)
    store.import_clients(load_clients([DEMO_DIR]))
    feed = store.change_feed()
    assert feed.wait(0.1) == set()
    restart()
    assert feed.wait(1.0) == set()
    assert feed.status == LOST  # said once, in Dutch, not the driver's text
    wait_for(feed, lambda kinds: "notes" in kinds, 8)  # the catch-up after reconnecting
    assert feed.connected and feed.status == ""
    add_note(url, "na de herstart")  # another desk, after the restart
    assert "notes" in wait_for(feed, lambda kinds: "notes" in kinds, 3)
    feed.close()
    store.close()


async def test_desk_header_says_when_the_database_is_gone_and_clears_it(demo_store, monkeypatch):
    import asyncio

    from desk_helpers import SIZE, build_app, settle, text_of
    from kccdesk.storage.base import StoreBase

    feeds = []
    real = StoreBase.change_feed

    def recording(self):  # the real feed; the test only keeps hold of it
        feeds.append(real(self))
        return feeds[-1]

    monkeypatch.setattr(StoreBase, "change_feed", recording)
    app = build_app(demo_store.url, BIKES)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def header_until(predicate) -> str:
            deadline = time.monotonic() + 10  # generous: the suite may share a busy machine
            while time.monotonic() < deadline:
                if feeds and predicate(text := text_of(app, "#call-header")):
                    return text
                await asyncio.sleep(0.05)
            pytest.fail(f"header never matched: {text_of(app, '#call-header')!r}")

        await header_until(lambda text: LOST not in text)
        cut_connection(feeds[0], demo_store.url)
        assert LOST in await header_until(lambda text: LOST in text)
        await header_until(lambda text: LOST not in text)
        # The catch-up re-read follows the cleared line; let it land before the app closes
        # (repainting a call screen while the app tears it down is a known race elsewhere).
        await asyncio.sleep(0.5)
        await settle(pilot)


@pytest.mark.pg_options("max_connections=6")
def test_desk_refused_for_too_many_clients_says_so_and_gets_in_later(private_cluster):
    import psycopg

    from kccdesk.core.errors import StorageError
    from kccdesk.storage import Store

    url, _ = private_cluster
    open_store(url).close()
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    hogs = []
    with contextlib.suppress(psycopg.OperationalError):
        while len(hogs) < 20:  # every slot the server has
            hogs.append(psycopg.connect(plain, autocommit=True))
    store = Store(url)
    started = time.monotonic()
    feed = store.change_feed()
    assert not feed.connected and feed.status == LOST  # no exception, no hang
    with pytest.raises(StorageError, match="geen verbinding vrij") as refused:
        store.load_clients()
    assert "\n" not in str(refused.value)
    assert time.monotonic() - started < 5
    for hog in hogs:
        hog.close()
    wait_for(feed, lambda kinds: "notes" in kinds, 8)  # retried by itself, caught up
    assert feed.connected and feed.status == ""
    feed.close()
    store.close()


async def test_an_idle_desk_holds_one_server_connection_on_postgresql(demo_clients, monkeypatch):
    """Issue 27: an idle desk held three connections (its feed, and pooled query
    connections), so PostgreSQL's max_connections = 100 stopped a team at about 33 desks.
    Now the feed has its own connection and reads the counters on it, and the query
    connections close once the desk has been quiet for a while."""
    import asyncio

    import psycopg

    from conftest import IMPORTED_AT, PG_URL, drop_schema, postgres_schema_url
    from desk_helpers import MONDAY_10, settle, type_text
    from kccdesk.core.settings import Settings
    from kccdesk.storage import engine as engines
    from kccdesk.ui.factory import make_app

    monkeypatch.setattr(engines, "IDLE_CLOSE_SECONDS", 0.5)
    schema, url = postgres_schema_url()
    server = PG_URL.replace("postgresql+psycopg://", "postgresql://")

    def connections() -> int:
        with psycopg.connect(server) as conn:
            row = conn.execute(
                "select count(*) from pg_stat_activity where application_name = %s",
                (engines.application_name(),),
            ).fetchone()
            return row[0]

    try:
        setup = open_store(url)
        setup.import_clients(demo_clients.values(), now=IMPORTED_AT)
        setup.close()
        # Connections an earlier test of this worker process left open are not the desk's.
        before = connections()
        app = make_app(url, clock=lambda: MONDAY_10, client_id="huisartsen-de-linde",
                       settings=Settings(agent="Sanne"))  # fmt: skip
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            await type_text(pilot, "bakker")
            other = open_store(url)  # another desk writes: this one re-reads
            other.import_clients([demo_clients["huisartsen-de-linde"]], now=IMPORTED_AT)
            other.close()
            counts = []
            for _ in range(40):
                await asyncio.sleep(0.1)
                counts.append(connections())
                if counts[-1] == before + 1 and len(counts) > 10:
                    break
            assert counts[-1] == before + 1, (before, counts)  # the feed alone
    finally:
        drop_schema(schema)
