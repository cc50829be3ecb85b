"""The call screen: everything an agent needs during a live call, from the keyboard.

The screen holds the call (client, timer, outcome) and wires its widgets together: the search
panel says which hit is chosen, the screen shows it in the detail panel and acts on it
(transfer, note). Rules come from the service (kccdesk.service.desk), never from here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen

from kccdesk import texts
from kccdesk.calls.line import CallLine, PendingTransfer, Step
from kccdesk.calls.session import CallSession
from kccdesk.clients.model import Client
from kccdesk.clients.phones import display as phone_display
from kccdesk.duty.roster import DutyStatus
from kccdesk.knowledge.search import Hit
from kccdesk.notes.drafts import NoteDraft
from kccdesk.ui import render
from kccdesk.ui.access import app_of
from kccdesk.ui.plain import Static
from kccdesk.ui.sizes import SHORT_TERMINAL
from kccdesk.ui.widgets.call_header import CallHeader
from kccdesk.ui.widgets.footer import FittingFooter
from kccdesk.ui.widgets.panels import DetailPanel, DutyPanel, NotesPanel, TopicsPanel
from kccdesk.ui.widgets.roster_pane import RosterPane
from kccdesk.ui.widgets.search_panel import SearchPanel

if TYPE_CHECKING:
    from kccdesk.calls.softphone import Command
    from kccdesk.calls.transfers import TransferCheck
    from kccdesk.records import NoteRecord


#: how often the duty panel and the call timer refresh by themselves (seconds)
DUTY_REFRESH = 15.0


class CallScreen(Screen):
    CSS_PATH = [
        "call.tcss",
        "../widgets/search_panel.tcss",
        "../widgets/panels.tcss",
        "../widgets/roster_pane.tcss",
    ]
    COMMAND_CATEGORY = texts.CATEGORY_CALL
    # Function keys are priority bindings: handled before the next key of a burst reaches a
    # field ("F6 Anna Tab 06…" typed at once puts Anna in the note form, not in the search).
    #: the footer's keys by importance during a call (the rest when they fit; F1 lists all)
    FOOTER_FIRST = (
        "transfer",
        "note",
        "answer",
        "switch_call",
        "finish_call",
        "new_call",
        "switch_client",
        "resend",
        "unacked",
        "toggle_roster",
        "toggle_scope",
        "focus_duty",
        "drafts",
        "review",
        "focus_search",
    )

    BINDINGS = [
        Binding(
            "f2",
            "focus_search",
            texts.KEY_SEARCH,
            id="search",
            tooltip=texts.TIP_SEARCH,
            priority=True,
        ),
        Binding(
            "f3",
            "switch_client",
            texts.KEY_SWITCH,
            id="switch-client",
            tooltip=texts.TIP_SWITCH,
            priority=True,
        ),
        Binding(
            "f4", "focus_duty", texts.KEY_DUTY, id="duty", tooltip=texts.TIP_DUTY, priority=True
        ),
        Binding(
            "f5",
            "transfer",
            texts.KEY_TRANSFER,
            id="transfer",
            tooltip=texts.TIP_TRANSFER,
            priority=True,
        ),
        Binding("f6", "note", texts.KEY_NOTE, id="note", tooltip=texts.TIP_NOTE, priority=True),
        Binding(
            "f7",
            "new_call",
            texts.KEY_NEW_CALL,
            id="new-call",
            tooltip=texts.TIP_NEW_CALL,
            priority=True,
        ),
        # The pair of every call: F7 starts it, Ctrl+L ends it (shown next to each other).
        Binding(
            "ctrl+l",
            "finish_call",
            texts.KEY_END_CALL,
            id="end-call",
            tooltip=texts.TIP_END_CALL,
            priority=True,
        ),
        Binding(
            "f8",
            "toggle_scope",
            texts.KEY_ALL_CLIENTS,
            id="all-clients",
            tooltip=texts.TIP_ALL_CLIENTS,
            priority=True,
        ),
        Binding(
            "f9", "resend", texts.KEY_RESEND, id="resend", tooltip=texts.TIP_RESEND, priority=True
        ),
        Binding(
            "f10",
            "toggle_roster",
            texts.KEY_ROSTER,
            id="roster",
            tooltip=texts.TIP_ROSTER,
            priority=True,
        ),
        Binding(
            "f12", "drafts", texts.KEY_DRAFTS, id="drafts", tooltip=texts.TIP_DRAFTS, priority=True
        ),
        Binding(
            "ctrl+o",
            "answer",
            texts.KEY_ANSWER,
            id="answer",
            tooltip=texts.TIP_ANSWER,
            priority=True,
        ),
        Binding(
            "ctrl+u",
            "switch_call",
            texts.KEY_SWITCH_CALL,
            id="switch-call",
            tooltip=texts.TIP_SWITCH_CALL,
            priority=True,
        ),
        Binding(
            "ctrl+y",
            "review",
            texts.KEY_REVIEW,
            id="review",
            tooltip=texts.TIP_REVIEW,
            priority=True,
        ),
        Binding("ctrl+b", "board", texts.KEY_BOARD, id="board", tooltip=texts.TIP_BOARD),
        Binding(
            "ctrl+e",
            "remind",
            texts.KEY_REMIND,
            id="remind",
            tooltip=texts.TIP_REMIND,
            priority=True,
        ),
        # Priority, so Ctrl+G Enter in one burst acts on the list (in the roster pane Ctrl+G
        # stays its history: check_action gives the key to the pane there).
        Binding(
            "ctrl+g",
            "unacked",
            texts.KEY_UNACKED,
            id="unacked",
            tooltip=texts.TIP_UNACKED,
            priority=True,
        ),
        Binding("ctrl+r", "toggle_roster", show=False, priority=True),
        # Control-key twins for keyboards without easy F-keys; priority beats the Input's own.
        Binding("ctrl+f", "focus_search", show=False, priority=True),
        Binding("ctrl+k", "switch_client", show=False, priority=True),
        Binding("ctrl+d", "focus_duty", show=False, priority=True),
        Binding("ctrl+t", "transfer", show=False, priority=True),
        Binding("ctrl+n", "note", show=False, priority=True),
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("escape", "back_to_search", show=False),
        # The client's instructions, read further while the search keeps the focus.
        Binding(
            "ctrl+down",
            "scroll_instructions(1)",
            texts.KEY_MORE_INSTRUCTIONS,
            show=False,
            priority=True,
        ),
        Binding("ctrl+up", "scroll_instructions(-1)", show=False, priority=True),
    ]

    #: control-key twins listed beside the F-key in the help screen
    ALTERNATE_KEYS = {
        "focus_search": "ctrl+f",
        "switch_client": "ctrl+k",
        "focus_duty": "ctrl+d",
        "transfer": "ctrl+t",
        "note": "ctrl+n",
        "toggle_roster": "ctrl+r",
    }

    #: kept under its old name: tests and benchmarks wait for this message
    ResultsShown = SearchPanel.ResultsShown

    def __init__(self, client_id: str | None):
        super().__init__()
        self.client_id = client_id
        self.status: DutyStatus | None = None
        #: the desk's call and the softphone's calls around it (kccdesk.calls.line)
        self.line = CallLine()
        #: the client and call when F8 was turned on (F8 off without acting returns there)
        self._scope_home: tuple[str | None, str] = (None, "")
        self.caller_history: Text | None = None
        self.scope_all = False
        #: the alternative the guard offered and the agent took: F6 is then about them
        self.acted_on: tuple[Client, str] | None = None
        #: what the detail panel shows and the data it was drawn from (kept to skip redraws)
        self._detail_shown: tuple[object, tuple[object, ...]] | None = None

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CallHeader(id="call-header")
        with VerticalScroll(id="instructions", can_focus=False):
            yield Static(id="instructions-text")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SearchPanel(self._highlighted_now, id="search-panel")
                yield DetailPanel(id="detail-box")
            with Vertical(id="right"):
                yield DutyPanel(id="duty-box")
                yield TopicsPanel(id="topics-box")
                yield NotesPanel(id="notes-box")
            yield RosterPane(id="roster")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#instructions").border_title = texts.INSTRUCTIONS
        self.set_interval(1.0, self._tick)
        self.set_interval(DUTY_REFRESH, self.refresh_duty)
        app = app_of(self)
        app.clients_changed.subscribe(self, lambda _: self.clients_changed())
        if self.client_id:
            self.show_client(self.client_id)
        self.search.focus_field()

    # --- state -------------------------------------------------------------------------

    @property
    def desk(self):
        return app_of(self).desk

    @property
    def call(self) -> CallSession | None:
        """The desk's call: the one the timer and the call log are about."""
        return self.line.call

    @property
    def pending_transfer(self) -> PendingTransfer | None:
        return self.line.pending_transfer

    @property
    def search(self) -> SearchPanel:
        return self.query_one(SearchPanel)

    @property
    def hits(self) -> list[Hit]:
        return self.search.hits

    @property
    def selected(self) -> Hit | None:
        return self.search.selected

    @property
    def client(self) -> Client:
        assert self.client_id is not None
        return self.desk.client(self.client_id)

    def now(self) -> datetime:
        return self.desk.clock()

    def today(self) -> date:
        """Today in the client's zone."""
        return self.now().astimezone(self.client.zone).date()

    def show_client(self, client_id: str) -> None:
        """Make this the client of the call (header, instructions, topics, duty, notes) and
        start its search afresh."""
        if self.call is None:
            self.begin_call(client_id, explicit=False)
        self._adopt_client(client_id)
        self.search.set_scope(None if self.scope_all else client_id, self.scope_all)
        self.search.clear()

    def clients_changed(self) -> None:
        """The clients were re-read: repaint what depends on them, keep what was typed."""
        if not self.desk.has_client(self.client_id):
            return
        self._paint_client()
        if self.roster_open:
            self.query_one(RosterPane).refresh_view()
        self.search.set_scope(self.search.scope, self.scope_all, rebuild=True)
        self.search.search_for(self.search.value)

    def _paint_client(self) -> None:
        """Header, instructions, duty and topics of the client of the call."""
        client = self.client
        header = self.query_one(CallHeader)
        header.client_name = client.name
        header.greeting = client.greeting_for(app_of(self).settings.agent_name, self.now())
        box = self.query_one("#instructions", VerticalScroll)
        self.query_one("#instructions-text", Static).update(client.instructions)
        box.display = bool(client.instructions)
        box.scroll_home(animate=False)
        self.call_after_refresh(self._say_more_instructions)
        self.refresh_duty()
        self.query_one(TopicsPanel).show(client, self.today())

    # --- the call ---------------------------------------------------------------------

    def begin_call(
        self, client_id: str | None, caller: str = "", explicit: bool = True, phone_id: str = ""
    ) -> None:
        """End the current call (logged if anything happened) and start the timer anew; a
        softphone call rings first (its timer starts when it is answered)."""
        self.end_call()
        if client_id is None:
            return
        self.line.begin(client_id, self.now(), caller=caller, explicit=explicit, phone_id=phone_id)
        header = self.query_one(CallHeader)
        header.started = None if phone_id else self.now()
        header.now = self.now()
        header.ended = False
        header.ringing = bool(phone_id)
        self.caller_history = None

    def end_call(self, wait: bool = False, ended: datetime | None = None) -> None:
        """Log the call if anything happened; in the background unless asked to wait."""
        for header in self.query(CallHeader):  # none left when the desk closes
            header.ringing = False
        self._log(self.line.end(), ended or self.now(), wait)

    def _log(self, call: CallSession | None, ended: datetime, wait: bool = False) -> None:
        if call is None or not call.worth_logging_until(ended):
            return
        if wait:
            self.desk.log_call(call, app_of(self).settings.agent_name, ended)
        else:
            self._log_call(call, ended)

    def finish_call(self, ended: datetime) -> None:
        """The call is over (the end-call key, or the softphone hung up): logged with this
        end, the timer stops and says so; the next ring or F7 starts a new call."""
        self.end_call(ended=ended)
        self._timer_stopped()

    def _timer_stopped(self) -> None:
        for header in self.query(CallHeader):
            header.started = None
            header.ended = True
            header.ringing = False

    def ensure_call(self) -> CallSession | None:
        """After the end-call key there is no call until the next ring or F7; acting for a
        caller (a transfer, a note) starts one at that moment."""
        if self.call is None and self.client_id:
            self.begin_call(self.client_id)
        return self.call

    @work(thread=True, group="db", exit_on_error=False)
    def _log_call(self, call: CallSession, ended: datetime) -> None:
        self.desk.log_call(call, app_of(self).settings.agent_name, ended)

    def on_unmount(self) -> None:
        self.end_call(wait=True)  # the app is closing: no worker will run any more

    def incoming_call(self, client_id: str, caller: str, phone_call: str = "") -> None:
        """The softphone rings on a line of this client (kccdesk ring, or the softphone's
        CALL_INCOMING: then the timer starts when the call is answered)."""
        self.begin_call(client_id, caller=caller, explicit=True, phone_id=phone_call)
        self.show_client(client_id)
        self.action_focus_search()
        self.caller_history = Text(
            texts.CALLER_UNKNOWN
            if not caller
            else texts.CALLER_HISTORY.format(number=phone_display(caller, self.client.country)),
            style="dim",
        )
        self._show_detail()
        if caller:
            self.load_caller_history(caller)

    class CallerHistory(Message):
        def __init__(self, caller: str, notes: list[NoteRecord]) -> None:
            super().__init__()
            self.caller = caller
            self.notes = notes

    @work(thread=True, exclusive=True, group="caller", exit_on_error=False)
    def load_caller_history(self, caller: str) -> None:
        client_id = self.client_id or ""
        self.post_message(self.CallerHistory(caller, self.desk.caller_notes(caller, client_id)))

    def on_call_screen_caller_history(self, message: CallerHistory) -> None:
        if not self.call or self.call.caller != message.caller:
            return
        self.caller_history = render.caller_history(
            message.caller, message.notes, self.desk, self.client
        )
        self._show_detail()

    def _tick(self) -> None:
        header = self.query_one(CallHeader)
        header.now = self.now()
        if self.client_id:  # the part of the day changes at 12:00 and 18:00
            header.greeting = self.client.greeting_for(app_of(self).settings.agent_name, header.now)

    def refresh_duty(self) -> None:
        if not self.client_id:
            return
        status = self.desk.duty(self.client_id, self.now())
        previous, self.status = self.status, status
        gaps = self.desk.gaps_soon(self.client_id, status.at)
        self.query_one(DutyPanel).show(status, self.client, gaps)
        header = self.query_one(CallHeader)
        header.closed = status.shut or ""
        header.opening_hours = texts.opening_line(status, self.client.opening_hours)
        header.after_hours = status.open is False
        if previous is None or _duty_changed(previous, status):
            self.search.set_status(status)
            self._show_detail()

    # --- the chosen hit ----------------------------------------------------------------

    def _highlighted_now(self, hit: Hit | None = None) -> None:
        """The search panel's chosen hit changed (told at once, in the keystroke's turn).
        Searching all clients (F8), a hit of another client makes that the client of the
        call: its header, greeting, instructions and duty are shown, and a transfer or note
        is logged against it — what the desk shows is what the agent acts on."""
        self.acted_on = None  # the agent chose someone else: actions follow the highlight
        hit = hit or self.selected
        if hit is not None and self.scope_all and hit.entry.client != self.client_id:
            self._adopt_client(hit.entry.client)
        self._show_detail()

    def _adopt_client(self, client_id: str) -> None:
        """Make this the client of the call, keeping the search as it is (F8 picks a hit of
        another client; show_client starts a new search as well)."""
        app = app_of(self)
        self.client_id = client_id
        if app.last_client:
            app.last_client.set(client_id)
        if self.call is not None:
            self.call.client = client_id
        self._paint_client()
        if self.roster_open:
            self.query_one(RosterPane).show(client_id, self.today())
        if app.synced:
            self.query_one(NotesPanel).show_client(client_id)
        else:
            self.query_one(NotesPanel).client_id = client_id

    def _show_detail(self, hit: Hit | None = None, person_id: str | None = None) -> None:
        """The chosen hit in the detail panel — or, after an alternative was chosen in the
        transfer guard, that person: what the agent acts on is what the screen shows.
        Nothing is redrawn when the same thing is shown from the same data (most keystrokes
        keep the top hit): a redraw of the panel costs a layout of the whole screen."""
        hit = hit or self.selected
        # What the panel is drawn from; the objects are compared by identity (a roster
        # change or a new minute brings a new status, a reload a new client).
        source = (
            self.desk.client(hit.entry.client) if hit else None,
            self.status,
            self.caller_history,
        )
        what = ((hit.entry.client, hit.kind, hit.entry.id) if hit else None, person_id)
        last = self._detail_shown
        if (
            last is not None
            and last[0] == what
            and all(a is b for a, b in zip(last[1], source, strict=True))
        ):
            return
        self._detail_shown = (what, source)
        detail = self.query_one(DetailPanel)
        if (hit is None and person_id is None) or self.status is None:
            detail.update(self.caller_history or "")
            return
        client = self.desk.client(hit.entry.client) if hit else self.client
        status = (
            self.status if client.id == self.client_id else self.desk.duty(client.id, self.now())
        )
        if person_id is not None:
            person = client.person(person_id)
            if person is not None:
                detail.update(render.person_detail(person, client, status))
            return
        assert hit is not None
        if hit.kind == "person":
            person = client.person(hit.entry.id)
            if person is not None:
                detail.update(render.person_detail(person, client, status))
        elif hit.kind == "topic":
            topic = next(t for t in client.topics if t.id == hit.entry.id)
            detail.update(render.topic_detail(topic, client, status))
        elif hit.kind == "call_type":
            call_type = client.call_type(hit.entry.id)
            if call_type is not None:
                detail.update(render.call_type_detail(call_type, client, status))
        else:
            detail.update(render.department_detail(hit.entry.title, client, status))

    def action_cursor(self, step: int) -> None:
        self.search.move(step)

    def action_focus_search(self) -> None:
        self.search.focus_field()

    def action_back_to_search(self) -> None:
        """Esc outside the search field returns to it, keeping what was typed."""
        self.search.focus_field(select=False)

    def action_scroll_instructions(self, lines: int) -> None:
        """Ctrl+↓ / Ctrl+↑: the instructions a line further or back (the box is three lines
        high on a short terminal; its title says when there is more)."""
        box = self.query_one("#instructions", VerticalScroll)
        box.scroll_relative(y=lines, animate=False)
        self.call_after_refresh(self._say_more_instructions)

    def _say_more_instructions(self) -> None:
        """The box's bottom line says whether more of the instructions is below or above."""
        box = self.query_one("#instructions", VerticalScroll)
        below = box.scroll_y < box.max_scroll_y
        above = box.scroll_y > 0
        box.border_subtitle = (
            texts.INSTRUCTIONS_MORE if below else texts.INSTRUCTIONS_BACK if above else ""
        )

    def on_resize(self) -> None:
        """On a short terminal (80×24) the result list keeps its rows: instructions and
        detail give way (they scroll), and the instructions say when there is more."""
        self.set_class(self.size.height < SHORT_TERMINAL, "-short")
        self.call_after_refresh(self._say_more_instructions)

    def action_focus_duty(self) -> None:
        self.query_one(DutyPanel).focus()

    def action_toggle_scope(self) -> None:
        """F8: search all clients, or back to the client of the call. Looking through other
        clients' hits shows their rules as they are highlighted; leaving F8 without having
        acted on one (a transfer, a note) returns to the client the call came in for."""
        self.scope_all = not self.scope_all
        if self.scope_all:
            self._scope_home = (self.client_id, self.call.id if self.call else "")
        else:
            home, call_id = self._scope_home
            acted = self.call is not None and (self.call.id != call_id or self.call.acted_in)
            if home and home != self.client_id and not acted and self.desk.has_client(home):
                self._adopt_client(home)
        self.query_one(CallHeader).scope_all = self.scope_all
        self.search.set_scope(None if self.scope_all else self.client_id, self.scope_all)
        self.search.search_for(self.search.value)
        self.search.focus_field(select=False)

    def action_new_call(self) -> None:
        self.begin_call(self.client_id)
        self.search.clear()
        self.action_focus_search()
        self.notify(texts.NEW_CALL_STARTED, timeout=2)

    # --- the softphone ------------------------------------------------------------------

    def phone_call_active(self) -> bool:
        return self.line.on_phone

    def take_step(self, step: Step) -> None:
        """Do what the call line decided for one event, in its order."""
        for notice in step.notices:
            self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)
        for command, what in step.commands:
            if not self._phone_command(command, what):
                break
        for call, ended in step.logged:
            self._log(call, ended)
        if step.answered is not None:
            header = self.query_one(CallHeader)
            header.ringing = False
            header.started = step.answered
            header.now = step.answered
        if step.ended is not None:
            self._log(step.finished, step.ended)
            self._timer_stopped()
            if step.finished is not None and step.finished.outcome == "transferred":
                self.search.clear()  # the next caller starts from an empty search
        if step.second_call is not None:
            app_of(self).second_call_rang(step.second_call)
        if step.waiting_changed:
            app_of(self).show_waiting()
        if step.resumed is not None:
            self._show_resumed(step.resumed)
        if step.ring is not None:
            app_of(self).incoming_call(step.ring.line, step.ring.caller, step.ring.call_id)

    def _show_resumed(self, call: CallSession) -> None:
        """A call taken back from hold is the desk's call again: its client, its timer."""
        header = self.query_one(CallHeader)
        header.ringing = False
        header.ended = False
        header.started = call.started
        header.now = self.now()
        if call.client != self.client_id and self.desk.has_client(call.client):
            self._adopt_client(call.client)
            self.search.set_scope(None if self.scope_all else call.client, self.scope_all)
        self.search.clear()
        self.caller_history = None
        if call.caller:
            self.load_caller_history(call.caller)
        self._show_detail()
        self.search.focus_field(select=False)

    def _phone_command(self, command: Command, what: str) -> bool:
        """Send one command to the softphone; False (and said) when it is unreachable."""
        from kccdesk.calls.softphone import PhoneError

        try:
            token = app_of(self).phone_send(command)
        except PhoneError as exc:
            self.notify(texts.PHONE_FAILED.format(error=exc), severity="error")
            self.take_step(self.line.unsent(str(exc)))
            return False
        self.line.sent(token, command, what)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("answer", "switch_call"):
            return app_of(self).settings.softphone is not None
        if action == "review":  # only team leads see the key (the service checks it too)
            return self.desk.actor.team_lead
        if action == "board":  # shift and team leads: the work of the whole team
            return self.desk.actor.shift_lead or self.desk.actor.team_lead
        if action == "unacked":  # in the roster pane Ctrl+G is the entry's history
            return not self._roster_focused()
        return True

    def _roster_focused(self) -> bool:
        try:
            return self.query_one(RosterPane).has_focus_within
        except Exception:  # not composed yet
            return False

    def action_answer(self) -> None:
        """Ctrl+O: answer the ringing call, or during a call the waiting one (on hold: the
        call in progress)."""
        self.take_step(self.line.answer())

    def action_switch_call(self) -> None:
        """Ctrl+U: take the call on hold back; the call in progress goes on hold."""
        self.take_step(self.line.switch(self.now()))

    def action_finish_call(self) -> None:
        """Ctrl+L, "Einde gesprek": the handling time ends here, notes included. A call the
        softphone drives is hung up there and ends when the phone says so (CALL_CLOSED); any
        other call ends at once. The next ring or F7 starts a new one."""
        if self.phone_call_active():
            self.take_step(self.line.hang_up())
            return
        call = self.call
        if call is None:
            self.notify(texts.NO_CALL_TO_END, timeout=3)
            return
        ended = self.now()
        logged = call.worth_logging_until(ended)
        self.finish_call(ended)
        if logged:
            elapsed = texts.elapsed((ended - call.started).total_seconds())
            self.notify(texts.CALL_ENDED_LOGGED.format(elapsed=elapsed), timeout=3)
        else:
            self.notify(texts.CALL_ENDED_NOT_LOGGED, timeout=4)
        self.action_focus_search()

    def action_review(self) -> None:
        """Ctrl+Y: the team lead's daily review, over the desk (Esc returns here)."""
        from kccdesk.ui.screens.review import ReviewScreen

        if not self.desk.actor.team_lead:
            return
        self.app.push_screen(ReviewScreen())

    def action_unacked(self) -> None:
        """Ctrl+G: the urgent notes nobody acknowledged; Enter marks one "gebeld,
        bevestigd" after the agent phoned the person it names."""
        self._after_typed(self._show_unacked)

    def _show_unacked(self) -> None:
        from kccdesk.ui.screens.unacked import UnackedScreen

        waiting = app_of(self).unacked
        if not waiting:
            self.notify(texts.UNACKED_NONE, timeout=3)
            return
        self.app.push_screen(UnackedScreen(waiting))

    def action_board(self) -> None:
        """Ctrl+B: the board of unfinished work across every client (Esc returns here;
        Enter on an item opens where it is fixed)."""
        from kccdesk.ui.screens.board import BoardScreen

        if not (self.desk.actor.shift_lead or self.desk.actor.team_lead):
            self.notify(texts.BOARD_ONLY_LEADS, timeout=3)
            return
        self.app.push_screen(BoardScreen(), self._board_chose)

    def _board_chose(self, target: tuple[str, ...] | None) -> None:
        """Open where the board's item is fixed: the roster week of a gap, the note that
        failed, the client of a reminder or a draft."""
        if not target:
            return
        kind, rest = target[0], target[1:]
        if kind == "unacked":
            self.action_unacked()
            return
        if kind == "note":
            note = next((n for n in app_of(self).failed if str(n.id) == rest[0]), None)
            if note is not None and self.desk.has_client(note.client):
                self.retake(note)
            return
        client_id = rest[0] if rest else ""
        if kind == "reminder":
            found = next((r for r in self.desk.reminders() if str(r.id) == rest[0]), None)
            client_id = found.client if found else ""
        if not self.desk.has_client(client_id):
            return
        if client_id != self.client_id:
            self.show_client(client_id)
        if kind == "roster":
            pane = self.query_one(RosterPane)
            if not self.roster_open:
                self.action_toggle_roster()
            pane.show(client_id, date.fromisoformat(rest[1]) if len(rest) > 1 else self.today())

    def action_remind(self) -> None:
        """Ctrl+E: set this call's task aside until a time; it comes back on this desk and
        on the board then (the keys typed after it, in a burst, go to the dialog)."""
        self._after_typed(self._remind)

    def _remind(self) -> None:
        from kccdesk.ui.screens.reminder import ReminderDialog

        if not self.client_id:
            return
        hit = self.selected if self.search.value.strip() else None
        prefill = texts.REMIND_PREFILL.format(name=hit.entry.title) if hit is not None else ""

        def done(reminder) -> None:
            if reminder is not None:
                client = self.desk.client(reminder.client)
                due = reminder.due_at.astimezone(client.zone)
                when = texts.day_time(due) if due.date() != self.today() else f"{due:%H:%M}"
                self.notify(texts.REMIND_SET.format(when=when, text=reminder.text), timeout=5)
            self.action_focus_search()

        self.app.push_screen(ReminderDialog(self.client_id, prefill), done)

    def send_transfer(
        self, check: TransferCheck, person_id: str, override: bool, reason: str = ""
    ) -> None:
        """Put the caller through on the softphone — only what the guard passed
        (softphone.transfer_command refuses anything else). The call stays the current call
        until the phone says the transfer is done (CALL_CLOSED) or failed."""
        from kccdesk.calls.softphone import TransferRefused, transfer_command

        assert self.call is not None
        app = app_of(self)
        settings = app.settings.softphone
        assert settings is not None
        client = self.desk.client(check.client)
        person = client.person(person_id)
        name = client.person_name(person_id)
        number = person.phone if person else ""
        warning = check.override_warning(reason) if override else ""
        try:
            command = transfer_command(
                check, person_id, number, settings.transfer_domain, override=override
            )
        except TransferRefused as exc:
            self.call.transfer_failed(person_id, str(exc))
            self.notify(texts.TRANSFER_FAILED.format(name=name, reason=exc), severity="error")
            return
        self.call.client = check.client
        self.call.acted_on = person_id
        self.record_shown(check.client, person_id, warning)
        self.notify(texts.TRANSFER_SENDING.format(name=name, number=number), timeout=4)
        self.take_step(self.line.transfer(command, person_id, warning, name))
        if person_id != check.target.person:
            self._show_detail(person_id=person_id)

    def put_through(
        self, check: TransferCheck, person_id: str, override: bool, reason: str = ""
    ) -> None:
        """On the softphone when it drives this call, else logged for a transfer by hand."""
        if self.phone_call_active() and self.call is not None:
            if not self.call.answered:
                self.notify(texts.PHONE_ANSWER_FIRST, severity="warning", timeout=3)
                return
            self.send_transfer(check, person_id, override, reason)
        else:
            self.log_transfer(check, person_id, override, reason)

    def record_shown(self, client_id: str, person_id: str, warning: str = "") -> None:
        """Keep with the call what the desk showed at the moment the agent acted (a transfer,
        or a transfer the guard stopped), so a later review sees that, not the call's start."""
        if self.call is not None:
            self.call.shown = self.desk.shown(client_id, person_id, warning, self.now())

    # --- the person an action is about -------------------------------------------------

    def selected_person(self) -> tuple[Client, str] | None:
        """The person put through after the guard offered them (shown in the detail pane),
        else the highlighted person, or the person a highlighted topic routes to."""
        if self.acted_on is not None:
            return self.acted_on
        hit = self.selected
        if hit is None:
            return None
        client = self.desk.client(hit.entry.client)
        if hit.kind == "person":
            return client, hit.entry.id
        if hit.kind == "topic":
            topic = next(t for t in client.topics if t.id == hit.entry.id)
            if topic.route_to:
                return client, topic.route_to
        return None

    # --- switch client -----------------------------------------------------------------

    def action_switch_client(self) -> None:
        from kccdesk.ui.screens.client_switcher import ClientSwitcher

        def chosen(client_id: str | None) -> None:
            if client_id:
                self.show_client(client_id)
                self.notify(texts.SWITCHED.format(name=self.client.name), timeout=2)
            self.action_focus_search()

        self.app.push_screen(ClientSwitcher(self.desk), chosen)

    # --- transfer ----------------------------------------------------------------------

    def _after_typed(self, action) -> None:
        """Run `action` once the search has taken the keys already typed into it. F5 and F6
        are priority keys: the app acts on them as they arrive, while the letters typed just
        before them (a paste, a text expander, a slow link) still wait in the search field —
        acting at once would act on the person highlighted before those letters."""
        app_of(self).run_after_typed(self.search.field, action)

    def action_transfer(self) -> None:
        self._after_typed(self._transfer)

    def _transfer(self) -> None:
        from kccdesk.ui.screens.transfer import TransferChoice, TransferDialog

        target = self.selected_person()
        if target is None:
            self.notify(texts.CHOOSE_PERSON_FIRST, severity="warning", timeout=3)
            return
        client, person_id = target
        self.ensure_call()
        check = self.desk.check_transfer(client.id, person_id)
        if check.allowed:
            self.put_through(check, person_id, override=False)
            return

        if self.call is not None:
            self.call.transfer_stopped(person_id, check.stop_reason)
            self.record_shown(client.id, person_id)

        def decided(choice: TransferChoice | None) -> None:
            if choice is None:
                self.action_focus_search()
            elif choice.how == "number":
                self.put_through_to_number(check, choice.person)
            elif choice.how == "note":
                from kccdesk.notes.rules import redirected

                # A note the client's rule sends elsewhere (an alderman's go to the
                # secretary) is drafted for the person asked for: the form then says "voor
                # wethouder …, via …" and the note keeps for whom it was meant.
                person = choice.person
                if redirected(client, person_id) == person:
                    person = person_id
                self.open_note(self.new_draft(client, person))
            else:
                override = choice.how == "override"
                self.put_through(check, choice.person, override, choice.reason)

        self.app.push_screen(TransferDialog(client, check), decided)

    def put_through_to_number(self, check: TransferCheck, number: str) -> None:
        """The client's own line for urgent callers outside opening hours: on the softphone
        when it drives the call, else logged for a transfer by hand; the call log names the
        number it went to."""
        from kccdesk.calls.softphone import Command, TransferRefused, transfer_uri

        assert self.call is not None
        client = self.desk.client(check.client)
        shown = phone_display(number, client.country)
        if self.phone_call_active():
            if not self.call.answered:
                self.notify(texts.PHONE_ANSWER_FIRST, severity="warning", timeout=3)
                return
            settings = app_of(self).settings.softphone
            assert settings is not None
            try:
                uri = transfer_uri(number, settings.transfer_domain)
            except TransferRefused as exc:
                self.call.transfer_failed(number, str(exc))
                self.notify(texts.TRANSFER_FAILED.format(name=shown, reason=exc), severity="error")
                return
            self.call.client = check.client
            self.record_shown(check.client, check.target.person)
            self.notify(texts.TRANSFER_SENDING.format(name=shown, number=shown), timeout=4)
            self.take_step(self.line.transfer(Command("transfer", uri), number, "", shown))
            return
        self.call.client = check.client
        self.call.transferred(number)
        self.record_shown(check.client, check.target.person)
        self.notify(texts.TRANSFERRED_TO_NUMBER.format(number=shown))
        self.begin_call(self.client_id, explicit=False)

    def log_transfer(
        self, check: TransferCheck, person_id: str, override: bool, reason: str = ""
    ) -> None:
        """A transfer ends the call: it is logged with any override, and the timer restarts.
        The person put through is shown in the detail panel, with their number."""
        assert self.call is not None
        warning = check.override_warning(reason) if override else ""
        self.call.client = check.client
        self.call.transferred(person_id, warning)
        self.record_shown(check.client, person_id, warning)
        name = self.desk.client(check.client).person_name(person_id)
        message = texts.TRANSFERRED_OVERRIDE if warning else texts.TRANSFERRED
        self.notify(message.format(name=name), severity="warning" if warning else "information")
        if person_id != check.target.person:
            self._show_detail(person_id=person_id)
            self.acted_on = (self.desk.client(check.client), person_id)
        # The search stays: the detail shows whom to dial by hand, with the number, until the
        # next call (F7 or a ring) starts from an empty search.
        self.begin_call(self.client_id, explicit=False)

    # --- callback note -----------------------------------------------------------------

    def action_note(self) -> None:
        self._after_typed(self._note)

    def _note(self) -> None:
        """A note in this call: carry on with the one closed earlier in the call for the same
        person, else a fresh form for the chosen person (the caller's number filled in when
        the softphone gave it). A draft of another call is never pre-filled here (F12)."""
        hit = self.selected if self.acted_on is None else None
        call_type = hit.entry.id if hit is not None and hit.kind == "call_type" else ""
        target = self.selected_person()
        if call_type and hit is not None:
            # a call type ("geen warmte" → Storing melden): its questions, to whom it routes now
            client = self.desk.client(hit.entry.client)
            recipient = self.desk.call_type_recipient(client.id, call_type) or ""
            target = (client, recipient)
        elif target is not None:
            client, recipient = target
        else:
            client, recipient = self.client, self.client.callback_default or ""
        self.ensure_call()
        call_id = self.call.id if self.call else ""
        for draft in app_of(self).drafts.of_call(call_id):
            same_type = not call_type or draft.call_type == call_type
            if (
                draft.client == client.id
                and same_type
                and (target is None or draft.recipient == recipient)
            ):
                self.open_note(draft)
                return
        self.open_note(self.new_draft(client, recipient, call_type))

    def new_draft(self, client: Client, recipient: str, call_type: str = "") -> NoteDraft:
        caller = self.call.caller if self.call and self.call.client == client.id else ""
        return NoteDraft(
            client=client.id,
            recipient=recipient,
            phone=phone_display(caller, client.country) if caller else "",
            call=self.call.id if self.call else "",
            call_type=call_type,
        )

    def open_note(
        self, draft: NoteDraft, replaces: NoteRecord | None = None, in_call: bool = True
    ) -> None:
        """The note form; a note saved `in_call` is one of the call on screen."""
        from kccdesk.ui.screens.note_form import NoteForm

        def closed(saved: NoteRecord | None) -> None:
            if saved is not None:
                if self.call is not None and in_call:
                    self.call.note_taken(saved.id, saved.override)
                self.query_one(NotesPanel).reload()
            self.action_focus_search()

        self.app.push_screen(NoteForm(draft, replaces=replaces), closed)

    # --- roster pane -------------------------------------------------------------------

    @property
    def roster_open(self) -> bool:
        return self.query_one(RosterPane).display

    def action_toggle_roster(self) -> None:
        pane = self.query_one(RosterPane)
        opening = not pane.display
        pane.display = opening
        self.query_one("#right").display = not opening
        self.set_class(opening, "-roster-open")
        if opening and self.client_id:
            pane.show(self.client_id, self.today())
            pane.query_one("#roster-entries").focus()
        else:
            self.action_focus_search()

    def on_roster_pane_changed(self, message: RosterPane.Changed) -> None:
        """Saved here: the duty panel, results and the pane show it at once."""
        if message.client_id == self.client_id:
            self.clients_changed()

    # --- delivery ----------------------------------------------------------------------

    def action_resend(self) -> None:
        """F9: take a note the mail server refused again — in the note form, so the agent can
        pick another recipient, with every rule checked as for a new note."""
        from kccdesk.ui.screens.failed_notes import FailedNotesDialog

        failed = [n for n in app_of(self).failed if self.desk.has_client(n.client)]
        if not failed:
            self.notify(texts.NO_FAILED_NOTES, timeout=3)
            return
        if len(failed) == 1:
            self.retake(failed[0])
            return

        def chosen(note: NoteRecord | None) -> None:
            if note is not None:
                self.retake(note)

        self.app.push_screen(FailedNotesDialog(failed), chosen)

    def retake(self, note: NoteRecord) -> None:
        """A refused note in the form again. It belongs to the call it was taken in, not to
        the call on screen: the desk stays on its client, and Esc returns to it unchanged."""
        client = self.desk.client(note.client)
        draft = NoteDraft(
            client=client.id,
            recipient=note.addressed_to or note.recipient,
            caller_name=note.caller_name,
            phone=phone_display(note.caller_phone, client.country),
            message=note.message,
            urgency=note.urgency,
            call=note.call_uuid,
        )
        self.open_note(draft, replaces=note, in_call=False)

    def restore_draft(self, draft: NoteDraft) -> None:
        """Carry on with a draft of an earlier call (F12, or after a crash): its client
        becomes the client of the call, and the draft now belongs to this call."""
        if self.desk.has_client(draft.client) and draft.client != self.client_id:
            self.show_client(draft.client)
        self.ensure_call()
        self.open_note(replace(draft, call=self.call.id if self.call else ""))

    def action_drafts(self) -> None:
        app_of(self).offer_drafts()


def _duty_changed(before: DutyStatus, after: DutyStatus) -> bool:
    """Whether anything shown next to a result differs (the clock alone does not count)."""
    return (before.client, before.closed, before.on_duty, before.absent) != (
        after.client,
        after.closed,
        after.on_duty,
        after.absent,
    )
