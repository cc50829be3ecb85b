"""The desk's background work: the start-up sync, the change feed of other desks, the mail
sender and the refused notes. Each loop runs in a worker thread and never touches the
interface; it posts a message that the app handles on the interface thread."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.signal import Signal
from textual.worker import get_current_worker

from kccdesk import texts
from kccdesk.board.items import HEARTBEAT
from kccdesk.records import NoteRecord

if TYPE_CHECKING:
    from textual.app import App

    from kccdesk.core.settings import Settings
    from kccdesk.notes.drafts import DraftStore
    from kccdesk.service.ack import Unacknowledged
    from kccdesk.service.desk import Desk

    _AppBase = App[None]
else:
    _AppBase = object

#: how long one wait for other desks' changes lasts before the worker checks for exit
WATCH_TIMEOUT = 1.0
#: worker group of the loops that run as long as the desk (change watcher, mail sender)
ENDLESS = "endless"
#: how often the outbox is looked at when nothing wakes the sender (retries come due)
SEND_INTERVAL = 5.0
#: how often a pausing sender looks whether it was woken
SENDER_POLL = 0.1
#: how often the desk looks whether a calendar feed is due (each is read once per
#: kccdesk.service.agenda.SYNC_EVERY by all desks of a team together)
AGENDA_INTERVAL = 60.0
#: how long a reminder that came back stays in sight (it stays on the board until done)
REMINDER_ALERT_SECONDS = 300
#: how long the alert of a refused note stays: long enough to read, not so long that it
#: covers the detail of the next call (the header keeps counting it until F9)
FAILED_ALERT_SECONDS = 12
#: how long the alert of an urgent note nobody acknowledged stays (it stays counted in the
#: header, and listed under Ctrl+G, until someone acts)
UNACKED_ALERT_SECONDS = 60
#: alerts of separate notes shown at once; more are said in one line
UNACKED_ALERTS_AT_ONCE = 3


class DeskWork(_AppBase):
    """Mixed into the app (kccdesk.ui.app.KccDeskApp): its background loops."""

    desk: Desk
    settings: Settings
    drafts: DraftStore
    demo: bool
    synced: bool
    failed: list[NoteRecord]
    _alerted: set[int]
    _failed_read: bool
    _stopping: threading.Event
    _sender_wake: threading.Event
    _sender_error: str | None
    _reminded: set[int]
    unacked: list[Unacknowledged]
    _unacked_alerted: set[tuple[int, int]]
    desk_id: str
    clients_changed: Signal[None]
    board_changed: Signal[None]
    notes_changed: Signal[None]

    if TYPE_CHECKING:

        def save_snapshot(self) -> None: ...

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
        """The notes that could not be delivered, and how many wait for another attempt
        (kccdesk.service.notes.delayed_notes), as just read."""

        notes: list[NoteRecord]
        delayed: int = 0

    @dataclass
    class Unacked(Message):
        """The escalated urgent notes nobody acknowledged, as just read."""

        notes: list[Unacknowledged]

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
        if self.demo and self._fill_demo_history():
            changed = True  # a new demo database: its calls, notes and feedback are there now
        self.desk.adopt_database_identity()
        self.desk.purge_at_start(self.settings.retention_days)
        if self.settings.ack is not None:  # links in the mails this desk sends, if it can
            with contextlib.suppress(Exception):  # no secret (yet): mails without a link
                self.desk.use_ack(self.settings.ack)
        self.drafts.purge(self.desk.clock() - timedelta(days=self.settings.retention_days))
        self.post_message(self.Synced(changed))

    def on_desk_work_synced(self, message: Synced) -> None:
        if not self.is_running:  # the desk closed while the background sync was finishing
            return
        if message.changed:
            self.clients_changed.publish(None)
        for screen in self.screen_stack:  # the database may have said who this is (team lead)
            screen.refresh_bindings()
        self.notes_changed.subscribe(self, lambda _: self._notes_changed())
        self.notes_changed.publish(None)
        self.watch_changes()
        if self.settings.smtp is not None:
            self.send_notes()
        if self.desk.may_sync_agendas():
            self.sync_agendas()
        self.set_interval(HEARTBEAT.total_seconds(), self.beat)
        self.beat()

    def _notes_changed(self) -> None:
        """A note changed here or on another desk: what failed, and what waits for an
        acknowledgement (one marked elsewhere leaves this header at once)."""
        self.load_failed()
        self.check_unacked()

    # --- the board: this desk says it is there; reminders come back --------------------

    def beat(self) -> None:
        """Every few seconds: this desk's agent, client on screen, call and drafts for the
        board (gathered here, written in a worker), and the reminders come back."""
        from kccdesk.ui.screens.call import CallScreen

        client, started = "", None
        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                client = screen.client_id or ""
                call = screen.call
                if call is not None and call.explicit and call.answered:
                    started = call.started
        self.say_present(client, started)
        self.check_reminders()
        self.escalate()
        self.check_unacked()

    @work(thread=True, exclusive=True, group="escalate", exit_on_error=False)
    def escalate(self) -> None:
        """The escalation pass: every desk runs it (each round is claimed in the database,
        so it happens once); a round done reaches every header as a change of the notes."""
        with contextlib.suppress(Exception):  # the database away: the next beat tries again
            if self.desk.escalate_due():
                self.post_message(self.ChangesArrived({"notes"}))

    @work(thread=True, exclusive=True, group="unacked", exit_on_error=False)
    def check_unacked(self) -> None:
        """Read what nobody acknowledged (at every beat, and whenever a note changed: one
        acknowledged on another desk leaves this header at once)."""
        try:
            waiting = self.desk.unacknowledged()
        except Exception:
            return
        self.post_message(self.Unacked(waiting))

    def on_desk_work_unacked(self, message: Unacked) -> None:
        """Every round of an unacknowledged urgent note is an alert on this desk, once; the
        header counts them until someone acts (Ctrl+G)."""
        from kccdesk.ui.widgets.call_header import CallHeader

        self.unacked = message.notes
        fresh = [w for w in message.notes if (w.note.id, w.note.round) not in self._unacked_alerted]
        self._unacked_alerted.update((w.note.id, w.note.round) for w in fresh)
        for waiting in fresh[:UNACKED_ALERTS_AT_ONCE]:
            self.notify(waiting.alert, severity="error", timeout=UNACKED_ALERT_SECONDS)
        if len(fresh) > UNACKED_ALERTS_AT_ONCE:  # a storm: one line for the rest (Ctrl+G)
            more = len(fresh) - UNACKED_ALERTS_AT_ONCE
            self.notify(
                texts.UNACKED_MORE.format(count=more),
                severity="error",
                timeout=UNACKED_ALERT_SECONDS,
            )
        for screen in self.screen_stack:
            for header in screen.query(CallHeader):
                header.unacked_notes = len(message.notes)

    @work(thread=True, exclusive=True, group="presence", exit_on_error=False)
    def say_present(self, client: str, started) -> None:
        drafts = [d for d in self.drafts.all() if not d.is_empty]
        saved = [d.saved for d in drafts if d.saved is not None]
        oldest = min(saved) if saved else None
        # The database away a moment: the next beat says it again.
        with contextlib.suppress(Exception):
            self.desk.say_present(
                self.desk_id, client, started, len(drafts), oldest, agent=self.settings.agent_name
            )

    @work(thread=True, exclusive=True, group="reminders", exit_on_error=False)
    def check_reminders(self) -> None:
        try:
            due = self.desk.my_due_reminders(self.settings.agent_name)
        except Exception:
            return
        fresh = [r for r in due if r.id not in self._reminded]
        if fresh:
            self.call_from_thread(self._remind, fresh)

    def _remind(self, reminders) -> None:
        for reminder in reminders:
            if reminder.id in self._reminded:
                continue
            self._reminded.add(reminder.id)
            client = self.desk.head_of(reminder.client)
            text = reminder.text if len(reminder.text) <= 120 else reminder.text[:119] + "…"
            self.notify(
                texts.REMIND_BACK.format(
                    text=text, client=client.name if client else reminder.client
                ),
                severity="warning",
                timeout=REMINDER_ALERT_SECONDS,
            )

    # --- the calendar feeds ------------------------------------------------------------

    @work(thread=True, group=ENDLESS, exit_on_error=False)
    def sync_agendas(self) -> None:
        """Read the people's calendar feeds that are due, every minute, as long as the desk
        runs; a failing feed says so in its own state line (duty panel, roster pane), the
        loop goes on. What changed reaches the screen through the change feed."""
        from kccdesk.service.agenda import SYNC_EVERY

        worker = get_current_worker()
        while not (worker.is_cancelled or self._stopping.is_set()):
            try:
                outcomes = self.desk.sync_agendas(every=SYNC_EVERY)
            except Exception:  # the database away for a moment: the next round tries again
                outcomes = []
            if any(o.status in ("bijgewerkt", "fout") for o in outcomes):
                kinds = {f"client:{o.client}" for o in outcomes}
                self.post_message(self.ChangesArrived(kinds))
            self._pause_until_stopped(AGENDA_INTERVAL)

    def _pause_until_stopped(self, seconds: float) -> None:
        """Polled like the sender's pause (a shifted clock never stretches it)."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < deadline:
            time.sleep(SENDER_POLL)

    # --- the outbox sender -------------------------------------------------------------

    def _fill_demo_history(self) -> bool:
        from kccdesk.service.desk import demo_setup

        with demo_setup():
            return self.desk.fill_demo_history()

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
        self.post_message(
            self.FailedNotes(self.desk.failed_notes(), len(self.desk.delayed_notes()))
        )

    def on_desk_work_failed_notes(self, message: FailedNotes) -> None:
        """A note refused while the desk runs is an alert, once; every refused note is a
        count in the header until handled (F9). Those refused before the desk started are
        counted, not alerted: an alert at every start would cover the call's detail."""
        from kccdesk.ui.widgets.call_header import CallHeader

        self.failed = message.notes
        if not self._failed_read:
            self._failed_read = True
            self._alerted.update(note.id for note in message.notes)
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
                header.delayed_notes = message.delayed

    def _pause_sender(self, seconds: float) -> None:
        """Until woken (a new note, the desk closing) or the pause is over. Polls rather than
        Event.wait(timeout), whose absolute monotonic deadline a shifted clock (libfaketime in
        CI) turns into years."""
        deadline = time.monotonic() + seconds
        while not self._sender_wake.is_set() and time.monotonic() < deadline:
            time.sleep(SENDER_POLL)

    def on_desk_work_sender_failed(self, message: SenderFailed) -> None:
        if message.error != self._sender_error:
            self._sender_error = message.error
            self.notify(texts.SENDER_FAILED.format(error=message.error), severity="error")

    def on_desk_work_sender_recovered(self, _message: SenderRecovered) -> None:
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

    def on_desk_work_connection_changed(self, message: ConnectionChanged) -> None:
        from kccdesk.ui.widgets.call_header import CallHeader

        for screen in self.screen_stack:
            for header in screen.query(CallHeader):
                header.connection = message.status

    def on_desk_work_changes_arrived(self, message: ChangesArrived) -> None:
        """Repaint what the re-read data changed, on the call screen under any dialogs."""
        if any(k.startswith("client:") for k in message.kinds):
            self.clients_changed.publish(None)
        if "notes" in message.kinds:
            self.notes_changed.publish(None)
            self.wake_sender()
        if "board" in message.kinds:
            self.board_changed.publish(None)
            self.check_reminders()
