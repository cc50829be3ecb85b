"""The desk application and the factory that the command line and the tests share."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import json
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState, get_current_worker

from kccdesk import texts
from kccdesk.calls.line import WAITING_SHOWN
from kccdesk.calls.softphone import CallEvent, Command, PhoneLink, PhoneMessage, Response
from kccdesk.clients.recent import LastClient
from kccdesk.clients.snapshot import ClientSnapshot
from kccdesk.core.clock import Clock, system_clock
from kccdesk.core.settings import Settings
from kccdesk.notes.drafts import DraftStore, NoteDraft
from kccdesk.records import NoteRecord
from kccdesk.service.desk import Desk

#: seconds after start-up before the database is read in the background
SYNC_DELAY = 0.25
#: how long one wait for other desks' changes lasts before the worker checks for exit
WATCH_TIMEOUT = 1.0
#: worker group of the loops that run as long as the desk (change watcher, mail sender)
ENDLESS = "endless"
#: how often the outbox is looked at when nothing wakes the sender (retries come due)
SEND_INTERVAL = 5.0
#: how often a pausing sender looks whether it was woken
SENDER_POLL = 0.1
#: after a key (or a paste) a background build steps aside this long: the keystroke is
#: handled and painted without sharing the interpreter with it
TYPING_QUIET = 0.06
#: how long a stepped-aside build sleeps before it looks again
QUIET_POLL = 0.005
#: how long the alert of a refused note stays: long enough to read, not so long that it
#: covers the detail of the next call (the header keeps counting it until F9)
FAILED_ALERT_SECONDS = 12
#: keys typed while a form opens wait for it at most this long (then go where they may)
HOLD_KEYS_AT_MOST = 1.0


class KccDeskApp(App[None]):
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
        Binding("f1", "help", texts.KEY_HELP, id="help", tooltip=texts.TIP_HELP),
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
    ):
        """`review`: open on the team lead's daily review (of `review_day`, default
        yesterday), with the desk underneath."""
        super().__init__()
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
        #: notes the mail server refused, as last read; alerted once each, counted until handled
        self.failed: list[NoteRecord] = []
        self._alerted: set[int] = set()
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

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste):
            self._typing_until = time.perf_counter() + TYPING_QUIET
            if self._held_keys or self._form_opening():
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
            if self._form_opening():
                self._held_keys = held[index:]
                self._held_since = time.perf_counter()
                return
            await super().on_event(event)

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

    async def after_first_paint(self) -> None:
        self.housekeeping()
        await self.listen_for_rings()

    # --- screen pop ----------------------------------------------------------------------

    async def listen_for_rings(self) -> None:
        """Answer `kccdesk ring` on a local socket (one desk per user and database)."""
        from kccdesk.calls import ringing

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
        from kccdesk.calls import ringing

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

    # --- the softphone -----------------------------------------------------------------------

    @dataclass
    class PhoneState(Message):
        """The softphone's control link came up or went away."""

        connected: bool
        error: str

    @dataclass
    class PhoneSaid(Message):
        """A call event or a command's answer from the softphone."""

        message: PhoneMessage
        read_at: float  # perf_counter() when it was read from the link

    @work(thread=True, group=ENDLESS, exit_on_error=False)
    def run_phone(self) -> None:
        """Keep the link to the softphone up (reconnecting with growing pauses) and pass on
        what it says; never touches the interface itself."""
        from kccdesk.calls.softphone import OtherEvent, run_link

        worker = get_current_worker()
        link = self.phone
        assert link is not None

        def said(message: PhoneMessage) -> None:
            if not isinstance(message, OtherEvent):
                self.post_message(self.PhoneSaid(message, time.perf_counter()))

        run_link(
            link,
            lambda: worker.is_cancelled or self._stopping.is_set(),
            lambda ok, error: self.post_message(self.PhoneState(ok, error)),
            said,
        )

    def phone_send(self, command: Command) -> str:
        """Send a command to the softphone; its token (PhoneError when unreachable)."""
        from kccdesk.calls.softphone import PhoneError

        if self.phone is None:
            raise PhoneError("geen softphone ingesteld")
        token = self.phone.send(command)
        self.phone_sent_at = time.perf_counter()
        return token

    def _call_screen(self):
        from kccdesk.ui.screens.call import CallScreen

        return next((s for s in self.screen_stack if isinstance(s, CallScreen)), None)

    @property
    def waiting_calls(self) -> dict[str, CallEvent]:
        """Softphone calls ringing while another phone call is the desk's, by call id."""
        screen = self._call_screen()
        return screen.line.waiting if screen is not None else {}

    def on_kcc_desk_app_phone_state(self, message: PhoneState) -> None:
        from kccdesk.ui.widgets.call_header import CallHeader

        self.phone_connected = message.connected
        for screen in self.screen_stack:
            for header in screen.query(CallHeader):
                header.phone = (
                    texts.PHONE_CONNECTED if message.connected else texts.PHONE_UNREACHABLE
                )
                header.phone_ok = message.connected
        call_screen = self._call_screen()
        if not message.connected and call_screen is not None:
            call_screen.take_step(call_screen.line.lost(self.now()))

    def on_kcc_desk_app_phone_said(self, message: PhoneSaid) -> None:
        """What the phone says goes to the call line (kccdesk.calls.line), which decides."""
        said = message.message
        screen = self._call_screen()
        if screen is None:
            return
        if isinstance(said, Response):
            screen.take_step(screen.line.answered(said, self.now()))
            return
        assert isinstance(said, CallEvent)
        if said.type == "CALL_INCOMING":
            self.phone_rang_at = message.read_at
        screen.take_step(screen.line.said(said, self.now()))

    def second_call_rang(self, event: CallEvent) -> None:
        self.notify(self._waiting_text(event), severity="warning", timeout=8)

    def _waiting_text(self, event: CallEvent) -> str:
        # The light directory (a dict lookup), never every client loaded on this thread.
        client = self.desk.client_for_line(event.line)
        if client is None:
            return texts.PHONE_SECOND_UNKNOWN.format(line=event.line, caller=event.caller)
        return texts.PHONE_SECOND_CALL.format(client=client.name, caller=event.caller)

    def show_waiting(self) -> None:
        """The header names the first waiting calls and counts the rest."""
        from kccdesk.ui.widgets.call_header import CallHeader

        # The first few by name, the rest counted: a burst of rings costs the same per ring.
        waiting_calls = self.waiting_calls
        waiting = list(itertools.islice(waiting_calls.values(), WAITING_SHOWN))
        text = "; ".join(self._waiting_text(e) for e in waiting)
        if len(waiting_calls) > WAITING_SHOWN:
            text += f" (+{len(waiting_calls) - WAITING_SHOWN})"
        for screen in self.screen_stack:
            for header in screen.query(CallHeader):
                header.waiting = text

    def incoming_call(self, line: str, caller: str, phone_call: str = "") -> dict:
        """A call comes in on a dialed line: switch to its client, or say the line is unknown."""
        from kccdesk.clients import dialing
        from kccdesk.ui.screens.call import CallScreen

        client = self.desk.client_for_line(line)
        if client is None:
            self.notify(texts.RING_UNKNOWN_LINE.format(line=line), severity="warning", timeout=8)
            return {"ok": False, "error": f"onbekend nummer {line}: geen klant met deze lijn"}
        from kccdesk.ui.screens.note_form import NoteForm

        if any(isinstance(s, NoteForm) for s in self.screen_stack):
            self.notify(texts.NOTE_KEPT_FOR_LATER, timeout=6)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, CallScreen):
            self.pop_screen()
        screen = self.screen
        if not isinstance(screen, CallScreen):
            return {"ok": False, "error": "de desk is nog niet klaar"}
        caller_e164 = dialing.normalise(caller, client.country) if caller else ""
        screen.incoming_call(client.id, caller_e164, phone_call=phone_call)
        return {"ok": True, "client": client.id, "caller": caller_e164}

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
        if self.ring_server is not None:
            self.ring_server.close()
            if self.local_dir is not None:
                from kccdesk.calls import ringing

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
    class ConnectionChanged(Message):
        """The change feed lost or regained the database; `status` is the line to show
        (empty when all is well)."""

        status: str

    @dataclass
    class FailedNotes(Message):
        """The notes that could not be delivered, as just read."""

        notes: list[NoteRecord]

    @dataclass
    class SenderFailed(Message):
        """One pass of the outbox sender failed; the sender goes on."""

        error: str

    @dataclass
    class SenderRecovered(Message):
        """A pass of the outbox sender worked again after a failure."""

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def housekeeping(self) -> None:
        """After start-up: read the database if we started from the snapshot, purge what is
        past retention, then follow what other desks write."""
        changed = False
        if not self.synced:
            changed = self.desk.sync()
            self.synced = True
            gc.freeze()
        self.save_snapshot()
        if self.demo and self.desk.fill_demo_history():
            changed = True  # a new demo database: its calls, notes and feedback are there now
        self.desk.adopt_database_identity()
        self.desk.purge_at_start(self.settings.retention_days)
        self.drafts.purge(self.desk.clock() - timedelta(days=self.settings.retention_days))
        self.post_message(self.Synced(changed))

    def on_kcc_desk_app_synced(self, message: Synced) -> None:
        if not self.is_running:  # the desk closed while the background sync was finishing
            return
        if message.changed:
            self.clients_changed.publish(None)
        for screen in self.screen_stack:  # the database may have said who this is (team lead)
            screen.refresh_bindings()
        self.notes_changed.subscribe(self, lambda _: self.load_failed())
        self.notes_changed.publish(None)
        self.watch_changes()
        if self.settings.smtp is not None:
            self.send_notes()

    # --- the outbox sender -------------------------------------------------------------

    @work(thread=True, group=ENDLESS, exit_on_error=False)
    def send_notes(self) -> None:
        """Mail saved notes in the background; wakes at once for new notes, retries later."""
        worker = get_current_worker()
        smtp = self.settings.smtp
        assert smtp is not None
        while not (worker.is_cancelled or self._stopping.is_set()):
            try:
                outcomes = self.desk.deliver_due(smtp)
            except Exception as exc:  # said once, never fatal: the notes stay queued
                self.post_message(self.SenderFailed(str(exc).splitlines()[0] if str(exc) else ""))
            else:
                self.post_message(self.SenderRecovered())
                if outcomes:
                    self.post_message(self.ChangesArrived({"notes"}))
            self._pause_sender(SEND_INTERVAL)
            self._sender_wake.clear()

    @work(thread=True, exclusive=True, group="failed", exit_on_error=False)
    def load_failed(self) -> None:
        self.post_message(self.FailedNotes(self.desk.failed_notes()))

    def on_kcc_desk_app_failed_notes(self, message: FailedNotes) -> None:
        """A refused note is an alert, once, and a count in the header until handled (F9)."""
        from kccdesk.ui.widgets.call_header import CallHeader

        self.failed = message.notes
        for note in message.notes:
            if note.id in self._alerted:
                continue
            self._alerted.add(note.id)
            client = self.desk.client(note.client) if self.desk.has_client(note.client) else None
            name = client.person_name(note.recipient) if client else note.recipient
            self.notify(
                texts.NOTE_FAILED_ALERT.format(
                    name=name, caller=note.caller_name, reason=note.last_error
                ),
                severity="error",
                timeout=FAILED_ALERT_SECONDS,
            )
        for screen in self.screen_stack:
            for header in screen.query(CallHeader):
                header.failed_notes = len(message.notes)

    def _pause_sender(self, seconds: float) -> None:
        """Until woken (a new note, the desk closing) or the pause is over. Polls rather than
        Event.wait(timeout), whose absolute monotonic deadline a shifted clock (libfaketime in
        CI) turns into years."""
        deadline = time.monotonic() + seconds
        while not self._sender_wake.is_set() and time.monotonic() < deadline:
            time.sleep(SENDER_POLL)

    def on_kcc_desk_app_sender_failed(self, message: SenderFailed) -> None:
        if message.error != self._sender_error:
            self._sender_error = message.error
            self.notify(texts.SENDER_FAILED.format(error=message.error), severity="error")

    def on_kcc_desk_app_sender_recovered(self, _message: SenderRecovered) -> None:
        self._sender_error = None

    def wake_sender(self) -> None:
        self._sender_wake.set()

    @work(thread=True, group=ENDLESS, exit_on_error=False)
    def watch_changes(self) -> None:
        """Other desks' writes (rosters, topics, notes) show here within about a second."""
        worker = get_current_worker()
        feed = self.desk.change_feed()
        shown = ""
        try:
            while not (worker.is_cancelled or self._stopping.is_set()):
                kinds = feed.wait(WATCH_TIMEOUT)
                if feed.status != shown:  # database gone or back: say so once, in the header
                    shown = feed.status
                    self.post_message(self.ConnectionChanged(shown))
                if not kinds or worker.is_cancelled:
                    continue
                if self.desk.apply_changes(kinds):
                    self.save_snapshot()
                self.post_message(self.ChangesArrived(kinds))
        finally:
            feed.close()

    def on_kcc_desk_app_connection_changed(self, message: ConnectionChanged) -> None:
        from kccdesk.ui.widgets.call_header import CallHeader

        for screen in self.screen_stack:
            for header in screen.query(CallHeader):
                header.connection = message.status

    def on_kcc_desk_app_changes_arrived(self, message: ChangesArrived) -> None:
        """Repaint what the re-read data changed, on the call screen under any dialogs."""
        if any(k.startswith("client:") for k in message.kinds):
            self.clients_changed.publish(None)
        if "notes" in message.kinds:
            self.notes_changed.publish(None)
            self.wake_sender()

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
            self.notify(texts.DRAFTS_NONE, timeout=3)
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
    review: bool = False,
    review_day: date | None = None,
) -> KccDeskApp:
    """Build the desk exactly as users run it; tests pass a temporary database and a clock."""
    from kccdesk.clients.snapshot import ClientSnapshot
    from kccdesk.core import locations
    from kccdesk.core.settings import load_settings

    url = locations.demo_database_url() if demo else (database_url or locations.database_url())
    settings = settings or load_settings()
    local = locations.local_dir(url)
    snapshot = ClientSnapshot(local)
    kept = snapshot.read()
    opener = partial(_open_store, url, demo, clock)
    from_snapshot = bool(kept and (kept[0] or kept[1]))
    actor = settings.actor()
    if demo:  # the demo is a sandbox: its user may try the team lead's review
        actor = replace(actor, team_lead=True)
    if kept and from_snapshot:
        desk = Desk.from_snapshot(opener, kept[0], kept[1], clock=clock, actor=actor)
    else:
        # First start: the directory of every client now, whole clients as they are shown;
        # the snapshot is written once the first screen is up (housekeeping).
        desk = Desk(opener(), clock=clock, actor=actor)
        desk.directory  # noqa: B018 - read now, not on the first paint
    # What was loaded lives as long as the desk: keep it out of the collector's full passes,
    # which would otherwise land as pauses between an agent's keystrokes.
    gc.freeze()
    return app_class(
        desk,
        settings,
        DraftStore(local),
        client_id=client_id,
        last_client=LastClient(local),
        fallback_client=DEMO_FIRST_CLIENT if demo else None,
        snapshot=snapshot,
        synced=not from_snapshot,
        local_dir=local,
        demo=demo,
        review=review,
        review_day=review_day,
    )


def _open_store(url: str, demo: bool, clock: Clock):
    from kccdesk.service.desk import open_database

    # The demo's history is written by the housekeeping worker, after the first screen.
    return open_database(url, demo, clock, history=False)


#: seconds between tries while the owner upgrades the team database
OWNER_UPGRADE_RETRY = 10.0


def run_desk(demo: bool = False, review: bool = False, review_day: date | None = None) -> int:
    """The desk; with `review` it opens on the team lead's daily review."""
    app = _make_app_waiting_for_owner(demo, review, review_day)
    if not app.desk.directory:
        print(
            "kccdesk: er zijn nog geen klanten; importeer ze met 'kccdesk import MAP' "
            "of probeer 'kccdesk demo'."
        )
        return 2
    app.run()
    if app.return_code:
        return _report_crash(app)
    return 0


#: where the desk writes why it stopped, beside its database (owner-only)
CRASH_LOG = "crash.log"


def _report_crash(app: KccDeskApp) -> int:
    """A desk that stopped on an error exits non-zero with one line saying why and where the
    whole traceback is, never with a screen of it (nor with 0, as if all went well)."""
    import traceback

    from kccdesk.core import locations
    from kccdesk.core.files import write_private_atomic

    error = app._exception
    reason = f"{type(error).__name__}: {error}" if error else "onbekende fout"
    reason = " ".join(reason.split())[:300]
    path = locations.data_dir() / CRASH_LOG
    details = "".join(traceback.format_exception(error)) if error else reason
    try:
        write_private_atomic(path, f"{app.desk.clock().isoformat()}\n{details}".encode())
        where = f"; details in {path}"
    except OSError:
        where = ""
    print(f"kccdesk: de desk is gestopt door een fout ({reason}){where}", file=sys.stderr)
    return app.return_code or 1


def _make_app_waiting_for_owner(
    demo: bool, review: bool = False, review_day: date | None = None
) -> KccDeskApp:
    """The desk; while the owner upgrades a team database the agent's login may not touch,
    it says so once and waits (Ctrl+C stops), instead of failing."""
    from kccdesk.core.errors import StorageError, awaiting_owner

    said = False
    while True:
        try:
            return make_app(demo=demo, review=review, review_day=review_day)
        except StorageError as exc:
            if not awaiting_owner(exc):
                raise
            if not said:
                print(f"kccdesk: {exc} — de desk wacht en probeert het elke "
                      f"{OWNER_UPGRADE_RETRY:.0f} s opnieuw (Ctrl+C stopt)")  # fmt: skip
                said = True
            time.sleep(OWNER_UPGRADE_RETRY)
