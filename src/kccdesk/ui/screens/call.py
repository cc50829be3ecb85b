"""The call screen: everything an agent needs during a live call, from the keyboard.

The screen holds the call (client, timer, outcome) and wires its widgets together: the search
panel says which hit is chosen, the screen shows it in the detail panel and acts on it
(transfer, note). Rules come from the service (kccdesk.desk), never from here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from kccdesk import texts
from kccdesk.calls import CallSession
from kccdesk.drafts import NoteDraft
from kccdesk.model import Client
from kccdesk.phones import display as phone_display
from kccdesk.roster import DutyStatus
from kccdesk.search import Hit
from kccdesk.ui import render
from kccdesk.ui.access import app_of
from kccdesk.ui.widgets.call_header import CallHeader
from kccdesk.ui.widgets.panels import DetailPanel, DutyPanel, NotesPanel, TopicsPanel
from kccdesk.ui.widgets.roster_pane import RosterPane
from kccdesk.ui.widgets.search_panel import SearchPanel

if TYPE_CHECKING:
    from kccdesk.records import NoteRecord
    from kccdesk.transfers import TransferCheck

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
    BINDINGS = [
        Binding("f2", "focus_search", texts.KEY_SEARCH, id="search", tooltip=texts.TIP_SEARCH),
        Binding(
            "f3", "switch_client", texts.KEY_SWITCH, id="switch-client", tooltip=texts.TIP_SWITCH
        ),
        Binding("f4", "focus_duty", texts.KEY_DUTY, id="duty", tooltip=texts.TIP_DUTY),
        Binding("f5", "transfer", texts.KEY_TRANSFER, id="transfer", tooltip=texts.TIP_TRANSFER),
        Binding("f6", "note", texts.KEY_NOTE, id="note", tooltip=texts.TIP_NOTE),
        Binding("f7", "new_call", texts.KEY_NEW_CALL, id="new-call", tooltip=texts.TIP_NEW_CALL),
        Binding(
            "f8",
            "toggle_scope",
            texts.KEY_ALL_CLIENTS,
            id="all-clients",
            tooltip=texts.TIP_ALL_CLIENTS,
        ),
        Binding("f9", "resend", texts.KEY_RESEND, id="resend", tooltip=texts.TIP_RESEND),
        Binding("f10", "toggle_roster", texts.KEY_ROSTER, id="roster", tooltip=texts.TIP_ROSTER),
        Binding("f12", "drafts", texts.KEY_DRAFTS, id="drafts", tooltip=texts.TIP_DRAFTS),
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
        self.call: CallSession | None = None
        self.caller_history: Text | None = None
        self.scope_all = False

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CallHeader(id="call-header")
        yield Static(id="instructions")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SearchPanel(id="search-panel")
                yield DetailPanel(id="detail-box")
            with Vertical(id="right"):
                yield DutyPanel(id="duty-box")
                yield TopicsPanel(id="topics-box")
                yield NotesPanel(id="notes-box")
            yield RosterPane(id="roster")
        yield Footer()

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
        """Make this the client of the call: header, instructions, topics, duty, notes."""
        app = app_of(self)
        self.client_id = client_id
        if app.last_client:
            app.last_client.set(client_id)
        if self.call is None:
            self.begin_call(client_id, explicit=False)
        else:
            self.call.client = client_id
        self._paint_client()
        if self.roster_open:
            self.query_one(RosterPane).show(client_id, self.today())
        if app.synced:  # else the background sync fills the notes when it is done
            self.query_one(NotesPanel).show_client(client_id)
        else:
            self.query_one(NotesPanel).client_id = client_id
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
        header.greeting = client.greeting_for(app_of(self).settings.agent_name)
        instructions = self.query_one("#instructions", Static)
        instructions.update(client.instructions)
        instructions.display = bool(client.instructions)
        self.refresh_duty()
        self.query_one(TopicsPanel).show(client, self.today())

    # --- the call ---------------------------------------------------------------------

    def begin_call(self, client_id: str | None, caller: str = "", explicit: bool = True) -> None:
        """End the current call (logged if anything happened) and start the timer anew."""
        self.end_call()
        if client_id is None:
            return
        self.call = CallSession(client_id, self.now(), caller=caller, explicit=explicit)
        header = self.query_one(CallHeader)
        header.started = self.call.started
        header.now = self.call.started
        self.caller_history = None

    def end_call(self, wait: bool = False) -> None:
        """Log the call if anything happened; in the background unless asked to wait."""
        call, self.call = self.call, None
        if call is None or not call.worth_logging:
            return
        if wait:
            self.desk.log_call(call, app_of(self).settings.agent_name)
        else:
            self._log_call(call)

    @work(thread=True, group="db", exit_on_error=False)
    def _log_call(self, call: CallSession) -> None:
        self.desk.log_call(call, app_of(self).settings.agent_name)

    def on_unmount(self) -> None:
        self.end_call(wait=True)  # the app is closing: no worker will run any more

    def incoming_call(self, client_id: str, caller: str) -> None:
        """The softphone rings on a line of this client (kccdesk ring)."""
        self.begin_call(client_id, caller=caller, explicit=True)
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
        self.post_message(self.CallerHistory(caller, self.desk.caller_notes(caller)))

    def on_call_screen_caller_history(self, message: CallerHistory) -> None:
        if not self.call or self.call.caller != message.caller:
            return
        self.caller_history = render.caller_history(
            message.caller, message.notes, self.desk, self.client
        )
        self._show_detail()

    def _tick(self) -> None:
        self.query_one(CallHeader).now = self.now()

    def refresh_duty(self) -> None:
        if not self.client_id:
            return
        status = self.desk.duty(self.client_id, self.now())
        previous, self.status = self.status, status
        gaps = self.desk.gaps_soon(self.client_id, status.at)
        self.query_one(DutyPanel).show(status, self.client, gaps)
        if previous is None or _duty_changed(previous, status):
            self.search.set_status(status)
            self._show_detail()

    # --- the chosen hit ----------------------------------------------------------------

    @on(SearchPanel.Highlighted)
    def _highlight_changed(self) -> None:
        self._show_detail()

    def _show_detail(self, hit: Hit | None = None, person_id: str | None = None) -> None:
        """The chosen hit in the detail panel — or, after an alternative was chosen in the
        transfer guard, that person: what the agent acts on is what the screen shows."""
        detail = self.query_one(DetailPanel)
        hit = hit or self.selected
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
        else:
            detail.update(render.department_detail(hit.entry.title, client, status))

    def action_cursor(self, step: int) -> None:
        self.search.move(step)

    def action_focus_search(self) -> None:
        self.search.focus_field()

    def action_back_to_search(self) -> None:
        """Esc outside the search field returns to it, keeping what was typed."""
        self.search.focus_field(select=False)

    def action_focus_duty(self) -> None:
        self.query_one(DutyPanel).focus()

    def action_toggle_scope(self) -> None:
        self.scope_all = not self.scope_all
        self.query_one(CallHeader).scope_all = self.scope_all
        self.search.set_scope(None if self.scope_all else self.client_id, self.scope_all)
        self.search.search_for(self.search.value)
        self.search.focus_field(select=False)

    def action_new_call(self) -> None:
        self.begin_call(self.client_id)
        self.search.clear()
        self.action_focus_search()
        self.notify(texts.NEW_CALL_STARTED, timeout=2)

    # --- the person an action is about -------------------------------------------------

    def selected_person(self) -> tuple[Client, str] | None:
        """The highlighted person, or the person a highlighted topic routes to."""
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

    def action_transfer(self) -> None:
        from kccdesk.ui.screens.transfer import TransferChoice, TransferDialog

        target = self.selected_person()
        if target is None:
            self.notify(texts.CHOOSE_PERSON_FIRST, severity="warning", timeout=3)
            return
        client, person_id = target
        check = self.desk.check_transfer(client.id, person_id)
        if check.allowed:
            self.log_transfer(check, person_id, override=False)
            return

        if self.call is not None:
            self.call.transfer_stopped(person_id, check.stop_reason)

        def decided(choice: TransferChoice | None) -> None:
            if choice is None:
                self.action_focus_search()
            elif choice.how == "note":
                self.open_note(self.new_draft(client, choice.person))
            else:
                override = choice.how == "override"
                self.log_transfer(check, choice.person, override, choice.reason)

        self.app.push_screen(TransferDialog(client, check), decided)

    def log_transfer(
        self, check: TransferCheck, person_id: str, override: bool, reason: str = ""
    ) -> None:
        """A transfer ends the call: it is logged with any override, and the timer restarts.
        The person put through is shown in the detail panel, with their number."""
        assert self.call is not None
        warning = check.override_warning(reason) if override else ""
        self.call.client = check.client
        self.call.transferred(person_id, warning)
        name = self.desk.client(check.client).person_name(person_id)
        message = texts.TRANSFERRED_OVERRIDE if warning else texts.TRANSFERRED
        self.notify(message.format(name=name), severity="warning" if warning else "information")
        if person_id != check.target.person:
            self._show_detail(person_id=person_id)
        self.begin_call(self.client_id, explicit=False)

    # --- callback note -----------------------------------------------------------------

    def action_note(self) -> None:
        """A note in this call: carry on with the one closed earlier in the call for the same
        person, else a fresh form for the chosen person (the caller's number filled in when
        the softphone gave it). A draft of another call is never pre-filled here (F12)."""
        target = self.selected_person()
        if target is not None:
            client, recipient = target
        else:
            client, recipient = self.client, self.client.callback_default or ""
        call_id = self.call.id if self.call else ""
        for draft in app_of(self).drafts.of_call(call_id):
            if draft.client == client.id and (target is None or draft.recipient == recipient):
                self.open_note(draft)
                return
        self.open_note(self.new_draft(client, recipient))

    def new_draft(self, client: Client, recipient: str) -> NoteDraft:
        caller = self.call.caller if self.call and self.call.client == client.id else ""
        return NoteDraft(
            client=client.id,
            recipient=recipient,
            phone=phone_display(caller, client.country) if caller else "",
            call=self.call.id if self.call else "",
        )

    def open_note(self, draft: NoteDraft) -> None:
        from kccdesk.ui.screens.note_form import NoteForm

        def closed(saved: NoteRecord | None) -> None:
            if saved is not None:
                if self.call is not None:
                    self.call.note_taken(saved.id, saved.override)
                self.query_one(NotesPanel).reload()
            self.action_focus_search()

        self.app.push_screen(NoteForm(draft), closed)

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
        failed = self.query_one(NotesPanel).first_failed()
        if failed is None:
            self.notify(texts.NO_FAILED_NOTES, timeout=3)
            return
        self.resend(failed.id)

    class Resent(Message):
        def __init__(self, note_id: int) -> None:
            super().__init__()
            self.note_id = note_id

    @work(thread=True, group="db", exit_on_error=False)
    def resend(self, note_id: int) -> None:
        if self.desk.resend(note_id):
            self.post_message(self.Resent(note_id))

    def on_call_screen_resent(self, message: Resent) -> None:
        self.notify(texts.RESENT.format(id=message.note_id))
        app_of(self).notes_changed.publish(None)
        app_of(self).wake_sender()

    def restore_draft(self, draft: NoteDraft) -> None:
        """Carry on with a draft of an earlier call (F12, or after a crash): its client
        becomes the client of the call, and the draft now belongs to this call."""
        if self.desk.has_client(draft.client) and draft.client != self.client_id:
            self.show_client(draft.client)
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
