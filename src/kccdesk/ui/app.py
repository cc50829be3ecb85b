"""The desk application and the factory that the command line and the tests share."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import threading
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
#: worker group of the loops that run as long as the desk (change watcher, mail sender)
ENDLESS = "endless"
#: how often the outbox is looked at when nothing wakes the sender (retries come due)
SEND_INTERVAL = 5.0


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
        local_dir: Path | None = None,
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
        self.local_dir = local_dir
        self.ring_server: asyncio.AbstractServer | None = None
        self._sender_wake = threading.Event()
        #: on PostgreSQL whether this login may edit rosters; None: the config decides
        self.roster_rights: bool | None = None

    async def on_mount(self) -> None:
        from kccdesk.ui.screens.call import CallScreen

        known = {c.id for c in self.desk.clients}
        remembered = self.last_client.get() if self.last_client else None
        candidates = (self.start_client, remembered, self.fallback_client, *sorted(known))
        first = next((c for c in candidates if c in known), None)
        self.push_screen(CallScreen(first))
        draft = self.drafts.load()
        if draft is not None:
            self.call_after_refresh(self._offer_draft, draft)
        # Database and socket work wait until the first screen is painted (call_after_refresh
        # runs after the next paint), and a moment more, so they never delay it.
        self.call_after_refresh(self.set_timer, SYNC_DELAY, self.after_first_paint)

    async def after_first_paint(self) -> None:
        self.housekeeping()
        await self.listen_for_rings()

    # --- screen pop ----------------------------------------------------------------------

    async def listen_for_rings(self) -> None:
        """Answer `kccdesk ring` on a local socket (one desk per user and database)."""
        from kccdesk import ringing

        if self.local_dir is None:
            return
        path = ringing.socket_path(self.local_dir)
        if await asyncio.to_thread(ringing.someone_listens, path):
            self.notify(texts.RING_OTHER_DESK, severity="warning", timeout=6)
            return
        path.unlink(missing_ok=True)
        try:
            self.ring_server = await asyncio.start_unix_server(
                self._on_ring, path=str(path), limit=ringing.MAX_REQUEST
            )
            ringing.secure(path)
        except OSError as exc:
            self.notify(texts.RING_UNAVAILABLE.format(error=exc), severity="warning")

    async def _on_ring(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        from kccdesk import ringing

        if not ringing.same_user(writer.get_extra_info("socket")):
            reply = {"ok": False, "error": "alleen de eigen gebruiker mag deze desk aansturen"}
        else:
            try:
                raw = await asyncio.wait_for(reader.readuntil(b"\n"), 2.0)
            except asyncio.IncompleteReadError as exc:  # no newline: what came is the request
                raw = exc.partial
            except asyncio.LimitOverrunError:
                raw = None  # larger than ringing.MAX_REQUEST
            except TimeoutError:
                raw = b""
            reply = ringing.answer(raw, self.incoming_call)
        writer.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")
        with contextlib.suppress(OSError):
            await writer.drain()
            writer.close()

    def incoming_call(self, line: str, caller: str) -> dict:
        """A call comes in on a dialed line: switch to its client, or say the line is unknown."""
        from kccdesk import ringing
        from kccdesk.ui.screens.call import CallScreen

        client = ringing.client_for_line(self.desk.clients, line)
        if client is None:
            self.notify(texts.RING_UNKNOWN_LINE.format(line=line), severity="warning", timeout=8)
            return {"ok": False, "error": f"onbekend nummer {line}: geen klant met deze lijn"}
        while len(self.screen_stack) > 1 and not isinstance(self.screen, CallScreen):
            self.pop_screen()
        screen = self.screen
        if not isinstance(screen, CallScreen):
            return {"ok": False, "error": "de desk is nog niet klaar"}
        caller_e164 = ringing.normalise(caller, client.country) if caller else ""
        screen.incoming_call(client.id, caller_e164)
        return {"ok": True, "client": client.id, "caller": caller_e164}

    async def on_unmount(self) -> None:
        self._sender_wake.set()  # let the sender see it is cancelled now, not in 5 s
        if self.ring_server is not None:
            self.ring_server.close()
            if self.local_dir is not None:
                from kccdesk import ringing

                ringing.socket_path(self.local_dir).unlink(missing_ok=True)

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
        self.roster_rights = self.desk.store.may_edit_roster()  # PostgreSQL: the login's role
        self.post_message(self.Synced(changed))

    def on_kcc_desk_app_synced(self, message: Synced) -> None:
        self.refresh_call_screens(clients=message.changed, notes=True)
        self.watch_changes()
        if self.settings.smtp is not None:
            self.send_notes()

    # --- the outbox sender -------------------------------------------------------------

    @work(thread=True, group=ENDLESS, exit_on_error=False)
    def send_notes(self) -> None:
        """Mail saved notes in the background; wakes at once for new notes, retries later."""
        from kccdesk.delivery import deliver_due

        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                clients = {c.id: c for c in self.desk.clients}
                deliver_due(self.desk.store, clients, self.settings.smtp, self.clock())
            except Exception as exc:  # shown, never fatal: the notes stay queued
                self.from_thread(self.notify, texts.ERROR.format(error=exc), severity="error")
            self._sender_wake.wait(SEND_INTERVAL)
            self._sender_wake.clear()

    def wake_sender(self) -> None:
        self._sender_wake.set()

    @work(thread=True, group=ENDLESS, exit_on_error=False)
    def watch_changes(self) -> None:
        """Other desks' writes (rosters, topics, notes) show here within about a second."""
        worker = get_current_worker()
        feed = self.desk.store.change_feed()
        shown = ""
        try:
            while not worker.is_cancelled:
                kinds = feed.wait(WATCH_TIMEOUT)
                if feed.status != shown:  # database gone or back: say so once, in the header
                    shown = feed.status
                    self.from_thread(self.show_connection, shown)
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
        notes = "notes" in message.kinds
        clients = any(k.startswith("client:") for k in message.kinds)
        self.refresh_call_screens(clients=clients, notes=notes)
        if notes:
            self.wake_sender()

    def show_connection(self, status: str) -> None:
        from kccdesk.ui.screens.call import CallScreen
        from kccdesk.ui.widgets.call_header import CallHeader

        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                for header in screen.query(CallHeader):  # none while (un)mounting
                    header.connection = status

    def refresh_call_screens(self, *, clients: bool, notes: bool) -> None:
        """Repaint what the re-read data changed, on the call screen under any dialogs."""
        from kccdesk.ui.screens.call import CallScreen

        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                if clients:
                    screen.clients_changed()
                if notes:
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
    from_snapshot = bool(clients)
    desk = Desk.from_snapshot(opener, clients) if from_snapshot else Desk(opener())
    if not from_snapshot:
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
        synced=not from_snapshot,
        local_dir=local,
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
