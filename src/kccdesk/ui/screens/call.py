"""The call screen: everything an agent needs during a live call, from the keyboard."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from time import perf_counter

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kccdesk import texts
from kccdesk.calls import CallSession
from kccdesk.drafts import NoteDraft
from kccdesk.model import Client
from kccdesk.phones import display as phone_display
from kccdesk.roster import DutyStatus
from kccdesk.search import Hit
from kccdesk.ui import render
from kccdesk.ui.widgets.call_header import CallHeader
from kccdesk.ui.widgets.roster_pane import RosterPane

#: how often the duty panel and the call timer refresh by themselves (seconds)
DUTY_REFRESH = 15.0
#: results shown per query: more than an agent reads during a call costs paint time
RESULTS_SHOWN = 12
#: up to this many entries a search takes well under a millisecond (benchmarks/search.py)
#: and runs at once, so its results paint in the same frame as the keystroke; larger
#: scopes (all clients) search in a worker so that typing never waits.
INLINE_SEARCH_ENTRIES = 10_000


class CallScreen(Screen):
    CSS_PATH = "call.tcss"
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
        Binding("ctrl+r", "toggle_roster", show=False, priority=True),
        # Control-key twins for keyboards without easy F-keys; priority beats the Input's own.
        Binding("ctrl+f", "focus_search", show=False, priority=True),
        Binding("ctrl+k", "switch_client", show=False, priority=True),
        Binding("ctrl+d", "focus_duty", show=False, priority=True),
        Binding("ctrl+t", "transfer", show=False, priority=True),
        Binding("ctrl+n", "note", show=False, priority=True),
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("escape", "focus_search", show=False),
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

    @dataclass
    class ResultsShown(Message):
        """Results for a query are on screen: posted after the refresh that painted them,
        stamped then (perf_counter), so tests and benchmarks can wait for and time it."""

        query: str
        count: int
        painted_at: float

    def __init__(self, client_id: str | None):
        super().__init__()
        self.client_id = client_id
        self.hits: list[Hit] = []
        self.status: DutyStatus | None = None
        self.call: CallSession | None = None
        self.caller_history: Text | None = None
        self.notes: list = []
        self.scope_all = False
        #: index sizes per search scope once built; a scope not built yet searches in a worker
        self._search_ready: dict[str | None, int] = {}

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CallHeader(id="call-header")
        yield Static(id="instructions")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Input(placeholder=texts.SEARCH_PLACEHOLDER, id="search")
                yield OptionList(id="results")
                with VerticalScroll(id="detail-box"):
                    yield Static(id="detail")
            with Vertical(id="right"):
                with VerticalScroll(id="duty-box"):
                    yield Static(id="duty")
                with VerticalScroll(id="topics-box"):
                    yield Static(id="topics")
                with VerticalScroll(id="notes-box"):
                    yield Static(id="notes")
            yield RosterPane(id="roster")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#duty-box").border_title = texts.DUTY
        self.query_one("#topics-box").border_title = texts.TOPICS
        self.query_one("#notes-box").border_title = texts.NOTES_TODAY
        self.query_one("#instructions").border_title = texts.INSTRUCTIONS
        self.query_one("#results", OptionList).can_focus = True
        self.set_interval(1.0, self._tick)
        self.set_interval(DUTY_REFRESH, self.refresh_duty)
        if self.client_id:
            self.show_client(self.client_id)
        self.query_one("#search", Input).focus()

    # --- state -------------------------------------------------------------------------

    @property
    def desk(self):
        return self.app.desk

    @property
    def client(self) -> Client:
        return self.desk.client(self.client_id)

    def now(self) -> datetime:
        return self.app.clock()

    def show_client(self, client_id: str) -> None:
        """Make this the client of the call: header, instructions, topics, duty, notes."""
        self.client_id = client_id
        if self.app.last_client:
            self.app.last_client.set(client_id)
        if self.call is None:
            self.begin_call(client_id, explicit=False)
        else:
            self.call.client = client_id
        self._paint_client()
        if self.roster_open:
            self.query_one(RosterPane).show(client_id, self.today())
        if self.app.synced:  # else the background sync fills the notes when it is done
            self.refresh_notes()
        search = self.query_one("#search", Input)
        search.value = ""
        self._show_hits("", [])
        if client_id not in self._search_ready:
            self.prepare_search(client_id)

    def clients_changed(self) -> None:
        """The clients were re-read: repaint what depends on them, keep what was typed."""
        if self.client_id not in {c.id for c in self.desk.clients}:
            return
        self._paint_client()
        if self.roster_open:
            self.query_one(RosterPane).refresh_view()
        self._search_ready.clear()
        self.prepare_search(self.client_id)
        self.search_for(self.query_one("#search", Input).value)

    def _paint_client(self) -> None:
        """Header, instructions, duty and topics of the client of the call."""
        client = self.client
        header = self.query_one(CallHeader)
        header.client_name = client.name
        header.greeting = client.greeting_for(self.app.settings.agent_name)
        instructions = self.query_one("#instructions", Static)
        instructions.update(client.instructions)
        instructions.display = bool(client.instructions)
        self.refresh_duty()
        self.refresh_topics()

    def today(self) -> date:
        """Today in the client's zone."""
        return self.now().astimezone(self.client.zone).date()

    # --- the call ---------------------------------------------------------------------

    def begin_call(self, client_id: str, caller: str = "", explicit: bool = True) -> None:
        """End the current call (logged if anything happened) and start the timer anew."""
        self.end_call()
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
            self._write_call(call, self.now())
        else:
            self._log_call(call, self.now())

    def _write_call(self, call: CallSession, ended: datetime) -> None:
        call.log_into(self.desk.store, ended, self.app.settings.agent_name)

    @work(thread=True, group="db", exit_on_error=False)
    def _log_call(self, call: CallSession, ended: datetime) -> None:
        self._write_call(call, ended)

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

    @work(thread=True, exclusive=True, group="caller", exit_on_error=False)
    def load_caller_history(self, caller: str) -> None:
        since = self.now() - timedelta(days=30)
        notes = self.desk.store.notes(caller_phone=caller, since=since, limit=10)
        self.app.from_thread(self._show_caller_history, caller, notes)

    def _show_caller_history(self, caller: str, notes) -> None:
        if not self.call or self.call.caller != caller:
            return
        self.caller_history = render.caller_history(caller, notes, self.desk, self.client)
        self._show_detail()

    def _tick(self) -> None:
        self.query_one(CallHeader).now = self.now()

    def refresh_duty(self) -> None:
        if not self.client_id:
            return
        status = self.desk.duty(self.client_id, self.now())
        previous, self.status = self.status, status
        self.query_one("#duty", Static).update(render.duty_panel(status, self.client))
        if previous is None or _duty_changed(previous, status):
            self._show_detail()
            self._repaint_hits()

    def refresh_topics(self) -> None:
        self.query_one("#topics", Static).update(render.topics_panel(self.client, self.today()))

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def refresh_notes(self) -> None:
        client_id = self.client_id
        notes = self.desk.notes_today(client_id)
        self.app.from_thread(self._show_notes, client_id, notes)

    def _show_notes(self, client_id: str, notes) -> None:
        if client_id == self.client_id:
            self.notes = notes
            self.query_one("#notes", Static).update(
                render.notes_panel(notes, self.client, self.now())
            )

    # --- search ------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.search_for(event.value)

    @property
    def scope(self) -> str | None:
        """The client searched, or None for all clients (F8)."""
        return None if self.scope_all else self.client_id

    def _search(self, query: str, scope: str | None) -> list[Hit]:
        return self.desk.search(query, scope, limit=RESULTS_SHOWN) if query.strip() else []

    def search_for(self, query: str) -> None:
        size = self._search_ready.get(self.scope)
        if size is not None and size <= INLINE_SEARCH_ENTRIES:
            self._show_hits(query, self._search(query, self.scope))
        else:
            self.run_search(query, self.scope)

    @work(thread=True, exclusive=True, group="prepare", exit_on_error=False)
    def prepare_search(self, scope: str | None) -> None:
        """Build the index of a scope before the first keystroke needs it."""
        size = self.desk.index_size(scope)
        # The index and the clients live as long as the desk: keep them out of the garbage
        # collector's full passes, which otherwise land as pauses between keystrokes.
        gc.freeze()
        self.app.from_thread(self._search_ready.__setitem__, scope, size)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str, scope: str | None) -> None:
        hits = self._search(query, scope)
        if not get_current_worker().is_cancelled:
            self.app.from_thread(self._show_hits, query, hits)

    def _show_hits(self, query: str, hits: list[Hit]) -> None:
        if query != self.query_one("#search", Input).value:
            return  # a newer keystroke is on its way
        self.hits = hits
        self._repaint_hits()
        self._show_detail()
        self.call_after_refresh(self._results_painted, query, len(hits))

    def _results_painted(self, query: str, count: int) -> None:
        self.post_message(self.ResultsShown(query, count, perf_counter()))

    def _repaint_hits(self) -> None:
        results = self.query_one("#results", OptionList)
        highlighted = results.highlighted
        results.clear_options()
        if not self.hits:
            typed = self.query_one("#search", Input).value.strip()
            hint = Text(texts.NO_RESULTS if typed else texts.RESULTS_HINT, style="dim italic")
            results.add_option(Option(hint, disabled=True))
            return
        status = self.status if not self.scope_all else None
        results.add_options(
            Option(render.hit_prompt(h, status, self.scope_all), id=f"hit-{i}")
            for i, h in enumerate(self.hits)
        )
        keep = highlighted if highlighted is not None and highlighted < len(self.hits) else 0
        results.highlighted = keep

    @property
    def selected(self) -> Hit | None:
        index = self.query_one("#results", OptionList).highlighted
        if index is None or index >= len(self.hits):
            return None
        return self.hits[index]

    @on(OptionList.OptionHighlighted, "#results")
    def _highlight_changed(self) -> None:
        self._show_detail()

    @on(Input.Submitted, "#search")
    @on(OptionList.OptionSelected, "#results")
    def _chosen(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        hit = self.selected
        if hit is None or self.status is None:
            detail.update(self.caller_history or "")
            return
        client = self.desk.client(hit.entry.client)
        status = (
            self.status if client.id == self.client_id else self.desk.duty(client.id, self.now())
        )
        if hit.kind == "person":
            detail.update(render.person_detail(client.person(hit.entry.id), client, status))
        elif hit.kind == "topic":
            topic = next(t for t in client.topics if t.id == hit.entry.id)
            detail.update(render.topic_detail(topic, client, status))
        else:
            detail.update(render.department_detail(hit.entry.title, client, status))

    def action_cursor_down(self) -> None:
        self.query_one("#results", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#results", OptionList).action_cursor_up()

    def action_focus_search(self) -> None:
        search = self.query_one("#search", Input)
        search.focus()
        search.select_all()

    def action_focus_duty(self) -> None:
        self.query_one("#duty-box").focus()

    def action_toggle_scope(self) -> None:
        self.scope_all = not self.scope_all
        self.query_one(CallHeader).scope_all = self.scope_all
        search = self.query_one("#search", Input)
        search.placeholder = (
            texts.SEARCH_PLACEHOLDER_ALL if self.scope_all else (texts.SEARCH_PLACEHOLDER)
        )
        if self.scope not in self._search_ready:
            self.prepare_search(self.scope)
        self.search_for(search.value)
        search.focus()

    def action_new_call(self) -> None:
        self.begin_call(self.client_id)
        self.query_one("#search", Input).value = ""
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
        from kccdesk.ui.screens.transfer import TransferDialog

        target = self.selected_person()
        if target is None:
            self.notify(texts.CHOOSE_PERSON_FIRST, severity="warning", timeout=3)
            return
        client, person_id = target
        status = self.desk.duty(client.id, self.now())
        if status.is_on_duty(person_id):
            self.log_transfer(client.id, person_id, "")
            return

        def decided(result: tuple[str, str] | None) -> None:
            if result is None:
                self.action_focus_search()
                return
            how, chosen = result
            warning = ""
            if how == "override":
                absence = status.absence_of(chosen)
                warning = (
                    f"afwezig t/m {absence.until}" if absence else "geen dienst"
                ) + f"; toch doorverbonden met {chosen}"
            self.log_transfer(client.id, chosen, warning)

        self.app.push_screen(TransferDialog(client, person_id, status), decided)

    def log_transfer(self, client_id: str, person_id: str, warning: str) -> None:
        """A transfer ends the call: it is logged with any override, and the timer restarts."""
        self.call.client = client_id
        self.call.transferred(person_id, warning)
        name = self.desk.client(client_id).person_name(person_id)
        message = texts.TRANSFERRED_OVERRIDE if warning else texts.TRANSFERRED
        self.notify(message.format(name=name), severity="warning" if warning else "information")
        self.begin_call(self.client_id, explicit=False)

    # --- callback note -----------------------------------------------------------------

    def action_note(self) -> None:
        draft = self.app.drafts.load()
        if draft is not None and draft.client == self.client_id:
            self.open_note(draft)  # carry on with the note that was closed, not a new one
            return
        target = self.selected_person()
        if target is not None:
            client, recipient = target
        else:
            client, recipient = self.client, self.client.callback_default or ""
        self.open_note(NoteDraft(client=client.id, recipient=recipient))

    def open_note(self, draft: NoteDraft) -> None:
        from kccdesk.ui.screens.note_form import NoteForm

        def closed(saved) -> None:
            if saved is not None:
                if self.call is not None:
                    self.call.note_taken(saved.id, saved.override)
                self.refresh_notes()
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
        if opening:
            pane.show(self.client_id, self.today())
            pane.query_one("#roster-entries").focus()
        else:
            self.action_focus_search()

    def on_roster_pane_changed(self, message: RosterPane.Changed) -> None:
        """Saved here: the duty panel, results and the pane show it at once."""
        if message.client_id == self.client_id:
            self.clients_changed()

    def action_resend(self) -> None:
        failed = next((n for n in self.notes if n.status == "failed"), None)
        if failed is None:
            self.notify(texts.NO_FAILED_NOTES, timeout=3)
            return
        self.resend(failed.id)

    @work(thread=True, group="db", exit_on_error=False)
    def resend(self, note_id: int) -> None:
        if self.desk.store.resend(note_id):
            self.app.from_thread(self.notify, texts.RESENT.format(id=note_id))
            self.app.from_thread(self.refresh_notes)
            self.app.from_thread(self.app.wake_sender)

    def restore_draft(self, draft: NoteDraft) -> None:
        """Bring a draft back after a crash: its client becomes the client of the call."""
        if draft.client in {c.id for c in self.desk.clients} and draft.client != self.client_id:
            self.show_client(draft.client)
        self.open_note(draft)


def _duty_changed(before: DutyStatus, after: DutyStatus) -> bool:
    """Whether anything shown next to a result differs (the clock alone does not count)."""
    return (before.client, before.closed, before.on_duty, before.absent) != (
        after.client,
        after.closed,
        after.on_duty,
        after.absent,
    )
