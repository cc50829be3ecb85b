"""The desk application: its screens, keys, palette and the state they share.

Its background loops are kccdesk.ui.workers, its phone side kccdesk.ui.phone_link; it is
built and run by kccdesk.ui.factory."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from kccdesk import texts
from kccdesk.calls.softphone import PhoneLink
from kccdesk.clients.recent import LastClient
from kccdesk.clients.snapshot import ClientSnapshot
from kccdesk.core.clock import Clock
from kccdesk.core.settings import Settings
from kccdesk.notes.drafts import DraftStore, NoteDraft
from kccdesk.records import NoteRecord
from kccdesk.service.desk import Desk
from kccdesk.ui.phone_link import DeskPhone
from kccdesk.ui.workers import DeskWork

#: seconds after start-up before the database is read in the background
SYNC_DELAY = 0.25
#: after a key (or a paste) a background build steps aside this long: the keystroke is
#: handled and painted without sharing the interpreter with it
TYPING_QUIET = 0.06
#: how long a stepped-aside build sleeps before it looks again
QUIET_POLL = 0.005
#: keys typed while a form opens wait for it at most this long (then go where they may)
HOLD_KEYS_AT_MOST = 1.0


class KccDeskApp(DeskWork, DeskPhone, App[None]):
    """One desk: the call screen, with dialogs on top of it."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast shows its text as written: a message names callers, clients and errors,
        any of which may hold `[`…`]` (kccdesk.ui.plain); the desk never styles a toast with
        markup, so it is off whatever a caller of notify asks."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _print_error_renderables(self) -> None:
        """An unhandled error is reported by `run_desk` in one line with a log; Textual's
        own screen of traceback is kept out of the agent's terminal."""
        if self._exception is not None:
            self._exit_renderables.clear()
            return
        super()._print_error_renderables()

    TITLE = "kccdesk"
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # A priority key: F1 works in every form and dialog too, and lists their keys.
        Binding("f1", "help", texts.KEY_HELP, id="help", tooltip=texts.TIP_HELP, priority=True),
        Binding(
            "ctrl+q",
            "quit",
            texts.KEY_QUIT,
            id="quit",
            priority=True,
            show=False,
            tooltip=texts.TIP_QUIT,
        ),
        # Textual's own palette binding, with the footer's label in Dutch (Textual adds its
        # English one only when no binding runs the palette)
        Binding(
            "ctrl+p",
            "command_palette",
            texts.KEY_PALETTE,
            id="command-palette",
            priority=True,
            show=False,
            tooltip=texts.TIP_PALETTE,
        ),
    ]

    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        drafts: DraftStore,
        *,
        client_id: str | None = None,
        last_client: LastClient | None = None,
        fallback_client: str | None = None,
        snapshot: ClientSnapshot | None = None,
        synced: bool = True,
        local_dir: Path | None = None,
        demo: bool = False,
        review: bool = False,
        review_day: date | None = None,
        board: bool = False,
    ):
        """`review`: open on the team lead's daily review (of `review_day`, default
        yesterday), with the desk underneath; `board`: open on the shift lead's board."""
        super().__init__()
        self.open_board = board
        #: this running desk, as the board lists it (kccdesk.board.items.DeskOnline)
        self.desk_id = uuid.uuid4().hex
        #: reminders already brought back on this desk (each said once)
        self._reminded: set[int] = set()
        #: escalated urgent notes nobody acknowledged (kccdesk.service.ack), and the rounds
        #: this desk has alerted already
        self.unacked: list = []
        self._unacked_alerted: set[tuple[int, int]] = set()
        #: the demo sandbox: its fortnight of history is written after the first screen
        self.demo = demo
        self.open_review = review
        self.review_day = review_day
        self.desk = desk
        self.settings = settings
        self.drafts = drafts
        self.last_client = last_client
        self.start_client = client_id
        self.fallback_client = fallback_client
        self.snapshot = snapshot
        self.synced = synced
        self.local_dir = local_dir
        self.ring_server: asyncio.AbstractServer | None = None
        self._sender_wake = threading.Event()
        #: set when the desk closes: the endless loops stop at once, whatever they wait for
        self._stopping = threading.Event()
        #: the sender's last error, shown once until a pass succeeds again
        self._sender_error: str | None = None
        #: "the clients changed" and "the notes changed": every view that shows them listens
        self.clients_changed = Signal[None](self, "clients-changed")
        self.notes_changed = Signal[None](self, "notes-changed")
        #: a reminder set or done anywhere (the board listens)
        self.board_changed = Signal[None](self, "board-changed")
        #: notes the mail server refused, as last read; alerted once each, counted until handled
        self.failed: list[NoteRecord] = []
        self._alerted: set[int] = set()
        #: whether the refused notes were read once (those of before the start: no alert)
        self._failed_read = False
        #: the softphone's control link (None without [softphone] in the config)
        self.phone: PhoneLink | None = None
        self.phone_connected = False
        #: perf_counter() when the last softphone command left, and when the last
        #: CALL_INCOMING was read from the link (for measurements)
        self.phone_sent_at = 0.0
        self.phone_rang_at = 0.0
        #: perf_counter() until which background builds step aside (the agent is typing)
        self._typing_until = 0.0
        #: keys typed while a form was opening, for it (see on_event)
        self._held_keys: list[events.Event] = []
        self._held_since = 0.0
        #: an action waits for the keys typed before it (run_after_typed): hold the rest
        self._holding_for_action = False

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux the one that reads Esc followed at
        once by a key as Esc and that key (kccdesk.ui.keyboard), not as Alt."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver":
            from kccdesk.ui.keyboard import DeskDriver

            return DeskDriver
        return driver

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste):
            self._typing_until = time.perf_counter() + TYPING_QUIET
            if self._held_keys or self._form_opening() or self._holding_for_action:
                # A form is opening (F6 in a burst): its fields do not exist yet, so the
                # keys typed for them wait, in order, until it has focused its first field.
                self._held_keys.append(event)
                self._held_since = self._held_since or time.perf_counter()
                if time.perf_counter() - self._held_since > HOLD_KEYS_AT_MOST:
                    await self.release_held_keys()  # never held for good
                return
        await super().on_event(event)

    def _form_opening(self) -> bool:
        from kccdesk.ui.screens.typing_ahead import TypingAhead

        try:
            screen = self.screen
        except Exception:  # no screen yet (starting) or none left (closing)
            return False
        return isinstance(screen, TypingAhead) and not screen.typing_ready

    async def release_held_keys(self) -> None:
        """Hand the keys typed while a form opened to it, in the order they were typed; a
        key among them that opens the next form holds the rest for that one."""
        held, self._held_keys, self._held_since = self._held_keys, [], 0.0
        for index, event in enumerate(held):
            if self._form_opening() or self._holding_for_action:
                self._held_keys = held[index:]
                self._held_since = time.perf_counter()
                return
            await super().on_event(event)

    def run_after_typed(self, field: Widget, action: Callable[[], object]) -> None:
        """Run `action` once `field` has taken the keys typed into it before the key of the
        action (a priority key acts as it arrives, ahead of them); the keys typed after it
        wait meanwhile, and then go to whatever the action opened, in order."""
        self._holding_for_action = True

        def run() -> None:
            try:
                action()
            finally:
                self._holding_for_action = False
                if not self._form_opening():  # a form releases them when it is ready
                    self.call_later(self.release_held_keys)

        from kccdesk.ui.screens.typing_ahead import after_queued_keys

        after_queued_keys([field], self, run)

    def background_pause(self) -> None:
        """Called by a background build (F8's index of all clients) every few milliseconds
        of its work: while the agent types it sleeps, so the keystroke has the interpreter
        to itself; else it only lets the interface thread in if it is waiting."""
        while time.perf_counter() < self._typing_until and not self._stopping.is_set():
            time.sleep(QUIET_POLL)
        time.sleep(0)

    def now(self) -> datetime:
        return self.desk.clock()

    @property
    def clock(self) -> Clock:
        """The desk's clock: the app and the service always agree on the time."""
        return self.desk.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.desk.clock = clock

    async def on_mount(self) -> None:
        from kccdesk.ui.screens.call import CallScreen

        known = {c.id for c in self.desk.directory}
        remembered = self.last_client.get() if self.last_client else None
        candidates = (self.start_client, remembered, self.fallback_client, *sorted(known))
        first = next((c for c in candidates if c in known), None)
        self.push_screen(CallScreen(first))
        if self.open_review:
            from kccdesk.ui.screens.review import ReviewScreen

            self.push_screen(ReviewScreen(self.review_day))
        if self.open_board:
            self.call_after_refresh(self._open_board)
        if not self.settings.agent:
            self.call_after_refresh(self.ask_agent_name)
        elif self.drafts.left_behind():
            self.call_after_refresh(self.offer_drafts)
        # Database and socket work wait until the first screen is painted (call_after_refresh
        # runs after the next paint), and a moment more, so they never delay it.
        self.call_after_refresh(self.set_timer, SYNC_DELAY, self.after_first_paint)
        if self.settings.softphone is not None:
            self.phone = PhoneLink(self.settings.softphone.control)
            self.run_phone()

    def _open_board(self) -> None:
        from kccdesk.ui.screens.call import CallScreen

        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                screen.action_board()

    async def after_first_paint(self) -> None:
        self.housekeeping()
        await self.listen_for_rings()

    def save_snapshot(self) -> None:
        """Keep the directory of every client and, whole, the client of the call (and the
        demo's first client) for the next start."""
        if self.snapshot is None:
            return
        keep = {self.start_client, self.fallback_client}
        if self.last_client:
            keep.add(self.last_client.get())
        whole = [c for c in self.desk.loaded_clients if c.id in keep]
        self.snapshot.save(whole, self.desk.directory)

    async def on_unmount(self) -> None:
        if self.synced:  # the client shown last is the first one wanted next time
            with contextlib.suppress(Exception):  # a snapshot only speeds up the next start
                self.save_snapshot()
        self._stopping.set()
        self._sender_wake.set()  # let the sender see it now, not after its pause
        if self.synced:
            with contextlib.suppress(Exception):  # gone from the board either way, by age
                self.desk.leave(self.desk_id)
        if self.ring_server is not None:
            self.ring_server.close()
            if self.local_dir is not None:
                from kccdesk.calls import ringing

                ringing.socket_path(self.local_dir).unlink(missing_ok=True)

    def ask_agent_name(self) -> None:
        """Asked once: the name the greeting uses, prefilled with the account's full name."""
        from kccdesk.core.settings import SettingsError, full_name, save_agent
        from kccdesk.ui.screens.agent_name import AgentNameDialog

        def given(name: str | None) -> None:
            if name:
                try:
                    save_agent(name)
                except SettingsError as exc:
                    self.notify(str(exc), severity="warning")
                self.settings = replace(self.settings, agent=name)
                self.clients_changed.publish(None)  # the greeting shows the name
                self.notify(texts.AGENT_SAVED.format(name=name), timeout=3)
            if self.drafts.left_behind():
                self.offer_drafts()

        self.push_screen(
            AgentNameDialog(full_name() or self.settings.user_name.capitalize()), given
        )

    def offer_drafts(self) -> None:
        """Unfinished notes of earlier calls (or of a desk that crashed): resume or discard."""
        from kccdesk.ui.screens.call import CallScreen
        from kccdesk.ui.screens.draft_list import DraftList

        call = next((s for s in self.screen_stack if isinstance(s, CallScreen)), None)
        current = call.call.id if call and call.call else ""
        drafts = [d for d in self.drafts.left_behind() if d.call != current]
        if not drafts:
            this_call = bool(current and self.drafts.of_call(current))
            self.notify(texts.DRAFTS_ONLY_THIS_CALL if this_call else texts.DRAFTS_NONE, timeout=4)
            return

        def chosen(draft: NoteDraft | None) -> None:
            if draft is not None and call is not None and self.screen is call:
                call.restore_draft(draft)

        self.push_screen(DraftList(drafts), chosen)

    def action_help(self) -> None:
        from kccdesk.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from kccdesk.ui.palette import DeskPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(DeskPalette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from kccdesk.ui.palette import DeskPalette

        self.push_screen(DeskPalette(providers=[ThemeProvider], placeholder=texts.PALETTE_THEMES))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every shown binding of the current screen, as 'category: action', and Textual's own
        commands in Dutch (a screenshot would put callers' data in a file: left out)."""
        from kccdesk.ui.screens.help import key_name

        for command in super().get_system_commands(screen):
            dutch = texts.SYSTEM_COMMANDS.get(command.title)
            if dutch is not None:
                yield SystemCommand(dutch[0], dutch[1], command.callback, command.discover)
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            category = getattr(active.node, "COMMAND_CATEGORY", texts.CATEGORY_APP)
            shown_key = binding.key_display or key_name(key)
            yield SystemCommand(
                f"{category}: {binding.description}",
                f"{binding.tooltip or binding.description} ({shown_key})",
                partial(self._palette_action, binding.action, active.node),
            )

    async def _palette_action(self, action: str, node) -> None:
        """A command chosen in the palette; one the screen has no use for right now (a dimmed
        key) is explained by the screen, if it can, instead of doing nothing."""
        if not await self.run_action(action, node):
            explain = getattr(node, "explain_unavailable", None)
            if explain is not None:
                explain(action)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Any failed background job becomes a visible, friendly message; nothing crashes."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(texts.ERROR.format(error=error), severity="error", timeout=10)
