"""The desk application and the factory that the command line and the tests share."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from kccdesk import texts
from kccdesk.desk import Desk
from kccdesk.drafts import DraftStore
from kccdesk.recent import LastClient
from kccdesk.settings import Settings
from kccdesk.snapshot import ClientSnapshot

Clock = Callable[[], datetime]
#: seconds after start-up before the database is read in the background
SYNC_DELAY = 0.25
#: how long one wait for other desks' changes lasts before the worker checks for exit
WATCH_TIMEOUT = 1.0


def system_clock() -> datetime:
    return datetime.now(UTC)


class KccDeskApp(App[None]):
    """One desk: the call screen, with dialogs on top of it."""

    TITLE = "kccdesk"
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", texts.KEY_HELP, id="help", tooltip=texts.TIP_HELP),
        Binding("ctrl+q", "quit", texts.KEY_QUIT, id="quit", priority=True, show=False),
    ]

    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        drafts: DraftStore,
        *,
        clock: Clock = system_clock,
        client_id: str | None = None,
        last_client: LastClient | None = None,
        fallback_client: str | None = None,
        snapshot: ClientSnapshot | None = None,
        synced: bool = True,
    ):
        super().__init__()
        self.desk = desk
        self.settings = settings
        self.drafts = drafts
        self.clock = clock
        self.last_client = last_client
        self.start_client = client_id
        self.fallback_client = fallback_client
        self.snapshot = snapshot
        self.synced = synced

    def on_mount(self) -> None:
        from kccdesk.ui.screens.call import CallScreen

        known = {c.id for c in self.desk.clients}
        remembered = self.last_client.get() if self.last_client else None
        candidates = (self.start_client, remembered, self.fallback_client, *sorted(known))
        first = next((c for c in candidates if c in known), None)
        self.push_screen(CallScreen(first))
        draft = self.drafts.load()
        if draft is not None:
            self.call_after_refresh(self._offer_draft, draft)
        # Database work waits until the first screen is painted, so it never delays it.
        self.set_timer(SYNC_DELAY, self.housekeeping)

    @dataclass
    class Synced(Message):
        """The background start-up work is done; `changed` when the clients differed."""

        changed: bool

    @dataclass
    class ChangesArrived(Message):
        """Another desk wrote something this one shows."""

        kinds: set[str]

    @dataclass
    class Deferred(Message):
        """Run a callback on the app's thread; posted from worker threads."""

        callback: Callable[[], object]

    # Background threads talk back with post_message (thread-safe, never blocks), not
    # call_from_thread, which would wait forever for an app that is shutting down.

    def from_thread(self, callback: Callable[..., object], *args: object) -> None:
        """From a worker thread: run callback(*args) on the app's thread, without waiting."""
        self.post_message(self.Deferred(partial(callback, *args)))

    def on_kcc_desk_app_deferred(self, message: Deferred) -> None:
        message.callback()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def housekeeping(self) -> None:
        """After start-up: read the database if we started from the snapshot, purge what is
        past retention, then follow what other desks write."""
        changed = False
        if not self.synced:
            changed = self.desk.sync()
            self.synced = True
            if changed and self.snapshot:
                self.snapshot.save(self.desk.clients)
            gc.freeze()
        self.desk.purge_expired(self.settings.retention_days)
        self.post_message(self.Synced(changed))

    def on_kcc_desk_app_synced(self, message: Synced) -> None:
        self.clients_changed(message.changed)
        self.watch_changes()

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def watch_changes(self) -> None:
        """Other desks' writes (rosters, topics, notes) show here within about a second."""
        worker = get_current_worker()
        feed = self.desk.store.change_feed()
        try:
            while not worker.is_cancelled:
                kinds = feed.wait(WATCH_TIMEOUT)
                if not kinds or worker.is_cancelled:
                    continue
                for kind in kinds:
                    if kind.startswith("client:"):
                        self.desk.reload(kind.removeprefix("client:"))
                if self.snapshot and any(k.startswith("client:") for k in kinds):
                    self.snapshot.save(self.desk.clients)
                self.post_message(self.ChangesArrived(kinds))
        finally:
            feed.close()

    def on_kcc_desk_app_changes_arrived(self, message: ChangesArrived) -> None:
        self.apply_changes(message.kinds)

    def apply_changes(self, kinds: set[str]) -> None:
        from kccdesk.ui.screens.call import CallScreen

        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                if any(k.startswith("client:") for k in kinds):
                    screen.clients_changed()
                if "notes" in kinds:
                    screen.refresh_notes()

    def clients_changed(self, changed: bool = True) -> None:
        from kccdesk.ui.screens.call import CallScreen

        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                if changed:
                    screen.clients_changed()
                screen.refresh_notes()

    def _offer_draft(self, draft) -> None:
        from kccdesk.ui.screens.draft_offer import DraftOffer

        def answered(choice: str | None) -> None:
            if choice == "restore":
                self.screen.restore_draft(draft)
            elif choice == "discard":
                self.drafts.clear()

        self.push_screen(DraftOffer(draft, self.desk), answered)

    def action_help(self) -> None:
        from kccdesk.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every shown binding of the current screen, as 'category: action'."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            category = getattr(active.node, "COMMAND_CATEGORY", texts.CATEGORY_APP)
            yield SystemCommand(
                f"{category}: {binding.description}",
                f"{binding.tooltip or binding.description} ({key})",
                partial(self.run_action, binding.action, active.node),
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Any failed background job becomes a visible, friendly message; nothing crashes."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(texts.ERROR.format(error=error), severity="error", timeout=10)


#: the demo opens on the client that shows the most
DEMO_FIRST_CLIENT = "gemeente-oosterwold"


def make_app(
    database_url: str | None = None,
    *,
    demo: bool = False,
    clock: Clock = system_clock,
    client_id: str | None = None,
    settings: Settings | None = None,
    app_class: type[KccDeskApp] = KccDeskApp,
) -> KccDeskApp:
    """Build the desk exactly as users run it; tests pass a temporary database and a clock."""
    from kccdesk import locations
    from kccdesk.settings import load_settings
    from kccdesk.snapshot import ClientSnapshot

    url = locations.demo_database_url() if demo else (database_url or locations.database_url())
    local = locations.local_dir(url)
    snapshot = ClientSnapshot(local)
    clients = snapshot.load()
    opener = partial(_open_store, url, demo)
    desk = Desk(opener, clients) if clients else Desk(opener())
    if clients is None:
        snapshot.save(desk.clients)
    # What was loaded lives as long as the desk: keep it out of the collector's full passes,
    # which would otherwise land as pauses between an agent's keystrokes.
    gc.freeze()
    return app_class(
        desk,
        settings or load_settings(),
        DraftStore(local),
        clock=clock,
        client_id=client_id,
        last_client=LastClient(local),
        fallback_client=DEMO_FIRST_CLIENT if demo else None,
        snapshot=snapshot,
        synced=clients is None,
    )


def _open_store(url: str, demo: bool):
    from kccdesk.desk import open_demo_store
    from kccdesk.storage import open_store

    return open_demo_store() if demo else open_store(url)


def run_desk(demo: bool = False) -> int:
    app = make_app(demo=demo)
    if not app.desk.clients:
        print(
            "kccdesk: er zijn nog geen klanten; importeer ze met 'kccdesk import MAP' "
            "of probeer 'kccdesk demo'."
        )
        return 2
    app.run()
    return 0
