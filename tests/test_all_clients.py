"""F8, all clients: the index is built in a worker while the agent goes on typing; what is
typed meanwhile says "zoekt…" and gets the hits of all clients once the index is there. The
build steps aside at every keystroke (KccDeskApp.background_pause)."""

from __future__ import annotations

import threading
import time

from desk_helpers import SIZE, build_app, settle
from kccdesk import texts
from kccdesk.knowledge.search import Catalog, SearchIndex, entries_for
from kccdesk.ui.app import KccDeskApp

MUNI = "gemeente-oosterwold"
BIKES = "fietsenmakerij-van-dijk"


def _first_result(app) -> str:
    return str(app.screen.query_one("#results").get_option_at_index(0).prompt)


async def _wait_for(pilot, condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def test_f8_while_the_index_builds_says_searching_then_shows_all_clients(
    demo_store, monkeypatch
):
    released: list[bool] = []

    def held(self: KccDeskApp) -> None:
        """The build waits for the test (polling: timed waits hang under faketime)."""
        while not released and not self._stopping.is_set():
            time.sleep(0.01)

    monkeypatch.setattr(KccDeskApp, "background_pause", held)
    app = build_app(demo_store.url, MUNI)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f8")
            await pilot.press(*"paspoort")
            await pilot.pause()
            panel = app.screen.search
            assert panel.value == "paspoort"  # typing was not held up
            assert app.screen.hits == [] and None not in panel._ready
            assert _first_result(app) == texts.SEARCHING_ALL
            released.append(True)
            await _wait_for(pilot, lambda: bool(app.screen.hits))
            await settle(pilot)
            clients = {h.entry.client for h in app.screen.hits}
            assert {"gemeente-kempenhout", MUNI} <= clients
            assert panel.value == "paspoort"
    finally:
        released.append(True)


async def test_what_is_shown_while_building_is_marked_pending(demo_store, monkeypatch):
    """Benchmarks and tests tell "zoekt…" from an answer by ResultsShown.pending."""
    released: list[bool] = []
    shown: list[tuple[str, bool]] = []

    def held(self: KccDeskApp) -> None:
        while not released and not self._stopping.is_set():
            time.sleep(0.01)

    monkeypatch.setattr(KccDeskApp, "background_pause", held)

    class Watching(KccDeskApp):
        def on_search_panel_results_shown(self, message) -> None:
            shown.append((message.query, message.pending))

    from desk_helpers import MONDAY_10
    from kccdesk.core.settings import Settings
    from kccdesk.ui.factory import make_app

    app = make_app(
        demo_store.url,
        clock=lambda: MONDAY_10,
        client_id=MUNI,
        settings=Settings(agent="Sanne"),
        app_class=Watching,
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f8", "w", "o")
            await _wait_for(pilot, lambda: ("wo", True) in shown)
            assert ("wo", True) in shown
            released.append(True)
            await _wait_for(pilot, lambda: ("wo", False) in shown)
            assert ("wo", False) in shown
    finally:
        released.append(True)


def test_the_all_clients_index_pauses_between_clients_and_entries(demo_clients):
    calls: list[int] = []
    catalog = Catalog(demo_clients.values())
    index = catalog.index(None, pause=lambda: calls.append(1))
    assert len(calls) >= len(demo_clients)  # at least once per client
    assert len(index) == sum(len(entries_for(c)) for c in demo_clients.values())
    # built from the clients' entries: no client's own index was made on the way
    assert catalog._by_client == {}


def test_a_paused_build_finds_what_an_unpaused_one_finds(demo_clients):
    entries = [e for c in demo_clients.values() for e in entries_for(c)]
    paused = SearchIndex(entries, pause=lambda: None)
    plain = SearchIndex(entries)
    for query in ("paspoort", "meier", "vandenberg", "storing verwarming"):
        assert paused.search(query) == plain.search(query)


def test_the_build_steps_aside_while_the_agent_types(demo_store):
    """background_pause sleeps as long as keys keep coming, and goes on when they stop."""
    app = build_app(demo_store.url, MUNI)
    app._typing_until = time.perf_counter() + 3600  # the agent types on and on
    builder = threading.Thread(target=app.background_pause, daemon=True)
    builder.start()
    time.sleep(0.2)
    assert builder.is_alive()
    app._typing_until = 0.0  # the typing stopped
    deadline = time.monotonic() + 10
    while builder.is_alive() and time.monotonic() < deadline:  # polled: faketime-safe
        time.sleep(0.01)
    assert not builder.is_alive()


def _poll(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_one_client_loads_while_all_clients_are_being_loaded(demo_store):
    """The switcher's client does not wait for F8's load of everyone."""
    from kccdesk.service.desk import Desk

    desk = Desk(demo_store)
    desk.directory  # noqa: B018 - the directory is read, no client yet
    started: list[int] = []
    released: list[int] = []

    def pause() -> None:
        started.append(1)
        while not released:
            time.sleep(0.01)

    loader = threading.Thread(target=desk.load_all, args=(pause,), daemon=True)
    loader.start()
    _poll(lambda: bool(started))
    got: list = []
    switcher = threading.Thread(target=lambda: got.append(desk.client(BIKES)), daemon=True)
    switcher.start()
    _poll(lambda: bool(got))
    released.append(1)
    _poll(lambda: not loader.is_alive())
    assert got and got[0].id == BIKES
    assert desk._all_loaded and len(desk.loaded_clients) == len(desk.directory)


def test_a_client_read_again_during_the_load_of_all_is_not_overwritten(demo_store):
    from kccdesk.service.desk import Desk

    desk = Desk(demo_store)
    desk.client(BIKES)
    reads: list[int] = []
    original = demo_store.load_clients

    def counted(pause=None):
        reads.append(1)
        if len(reads) == 1:
            desk.reload(BIKES)  # another desk changed it while everyone was being read
        return original(pause)

    demo_store.load_clients = counted
    desk.load_all()
    assert len(reads) == 2 and desk._all_loaded


async def _search_all(pilot, app, text: str) -> None:
    """F8, its index of all clients built, then `text` typed."""
    from desk_helpers import type_text

    await settle(pilot)
    await pilot.press("f8")
    await _wait_for(pilot, lambda: None in app.screen.search._ready)
    await type_text(pilot, text)


async def test_a_hit_of_another_client_makes_it_the_client_of_the_call(demo_store):
    """F8, then a person of another client: header, greeting, instructions and duty are that
    client's, and the stopped transfer is logged against it (issue 23)."""
    from desk_helpers import text_of

    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await _search_all(pilot, app, "kees van dijk")
        await _wait_for(pilot, lambda: bool(app.screen.hits))
        await settle(pilot)
        screen = app.screen
        hit = screen.search.selected
        assert hit is not None and hit.entry.client == BIKES
        assert screen.client_id == BIKES and screen.call.client == BIKES
        assert "Fietsenmakerij Van Dijk" in text_of(app, "#call-header")
        bikes = app.desk.client(BIKES)
        assert bikes.instructions[:40] in text_of(app, "#instructions-text")
        assert screen.search.value == "kees van dijk" and screen.scope_all


async def test_leaving_f8_without_acting_returns_to_the_client_of_the_call(demo_store):
    """Second review: typing in F8 showed another client's header and greeting, and after
    F8 off the desk stayed there — the agent on the Oosterwold line saw another greeting."""
    from desk_helpers import text_of

    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await _search_all(pilot, app, "kees van dijk")
        await _wait_for(pilot, lambda: app.screen.client_id == BIKES)
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen.client_id == MUNI
        assert "Gemeente Oosterwold" in text_of(app, "#call-header")


async def test_hits_of_all_clients_carry_their_own_clients_duty_marks(demo_store):
    """Edge review of issue 23: with F8 the hits had no ● ○ ✖, so a person of another client
    looked the same on duty or off. Each mark is that person's client's duty now."""
    from kccdesk.ui.render import AWAY, OFF, ON

    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await _search_all(pilot, app, "van")
        await _wait_for(pilot, lambda: bool(app.screen.hits))
        await settle(pilot)
        results = app.screen.query_one("#results")
        people = [(i, hit) for i, hit in enumerate(app.screen.hits) if hit.kind == "person"]
        assert {hit.entry.client for _, hit in people} - {MUNI}, "hits of other clients"
        for index, hit in people:
            status = app.desk.duty(hit.entry.client)
            expected = (
                AWAY
                if status.absence_of(hit.entry.id)
                else ON
                if status.is_on_duty(hit.entry.id)
                else OFF
            )
            prompt = str(results.get_option_at_index(index).prompt)
            assert prompt.startswith(expected), (hit.entry.title, prompt)
