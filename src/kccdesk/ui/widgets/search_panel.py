"""The search field and its ranked results: what the agent types while the caller talks."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kccdesk import texts
from kccdesk.clients.model import Person
from kccdesk.duty.roster import DutyStatus
from kccdesk.knowledge.search import Hit
from kccdesk.ui import render
from kccdesk.ui.access import app_of, desk_of
from kccdesk.ui.plain import OptionList
from kccdesk.ui.widgets.fields import Field

if TYPE_CHECKING:
    from kccdesk.service.desk import Desk

#: results shown per query: more than an agent reads during a call costs paint time
RESULTS_SHOWN = 12
#: up to this many entries a search takes well under a millisecond (benchmarks/search.py)
#: and runs at once, so its results paint in the same frame as the keystroke; larger
#: scopes (all clients) search in a worker so that typing never waits.
INLINE_SEARCH_ENTRIES = 10_000


class SearchField(Field):
    """The search field: Esc empties it as it reads the key (a Field's own binding), so the
    name typed right after Esc in one burst is the new query, not cleared with the old."""

    BINDINGS = [Binding("escape", "clear", show=False)]

    def action_clear(self) -> None:
        self.value = ""  # the panel watches the value: results and detail follow


class SearchPanel(Vertical):
    """Search field plus results. Tells `on_highlight` when the chosen hit changes (at
    once, in the keystroke's turn) and posts ResultsShown once a query's results are
    painted."""

    @dataclass
    class ResultsShown(Message):
        """Results for a query are on screen: posted after the refresh that painted them,
        stamped then (perf_counter), so tests and benchmarks can wait for and time it."""

        query: str
        count: int
        painted_at: float
        #: the answer is still to come: "zoekt…" while the all-clients index is built
        pending: bool = False

    @dataclass
    class IndexReady(Message):
        scope: str | None
        size: int

    @dataclass
    class HitsFound(Message):
        query: str
        scope: str | None
        hits: list[Hit]

    def __init__(self, on_highlight: Callable[[Hit | None], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self.hits: list[Hit] = []
        self.status: DutyStatus | None = None
        self.scope: str | None = None
        self.all_clients = False
        #: index sizes per search scope once built; a scope not built yet searches in a worker
        self._ready: dict[str | None, int] = {}
        #: the results wait for the all-clients index ("zoekt…")
        self._pending = False
        #: told the hit the agent's actions are about (None: no hit) whenever it changes
        self.on_highlight = on_highlight

    def compose(self) -> ComposeResult:
        # F2 selects what was typed on purpose; focus alone (Esc, typing from another pane)
        # must not, or the next letter would replace the first.
        yield SearchField(placeholder=texts.SEARCH_PLACEHOLDER, id="search", select_on_focus=False)
        yield OptionList(id="results")

    def on_mount(self) -> None:
        self.query_one("#results", OptionList).can_focus = True
        self.watch(self.field, "value", self._typed, init=False)

    @property
    def field(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def value(self) -> str:
        return self.field.value

    # --- scope -------------------------------------------------------------------------

    def set_scope(self, scope: str | None, all_clients: bool, rebuild: bool = False) -> None:
        """Search this client (or all clients); `rebuild` after the data changed."""
        self.scope, self.all_clients = scope, all_clients
        self.field.placeholder = (
            texts.SEARCH_PLACEHOLDER_ALL if all_clients else texts.SEARCH_PLACEHOLDER
        )
        if rebuild:
            self._ready.clear()
        if scope not in self._ready:
            if scope is None:
                self.prepare_all()
            else:
                self.prepare(scope)

    def clear(self) -> None:
        self.field.value = ""
        self._show("", [])

    def set_status(self, status: DutyStatus | None) -> None:
        """The duty shown next to each person (the marks ● ○ ✖)."""
        self.status = status
        self.repaint()

    def focus_field(self, select: bool = True) -> None:
        self.field.focus()
        if select:
            self.field.select_all()

    # --- searching -----------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()  # searched already, in the keystroke's own turn (`_typed`)

    def _typed(self, value: str) -> None:
        """The search field's value changed: search and show at once, inside the turn that
        handled the key (a watcher, not the Input.Changed message a turn later), so the
        field, the results and the detail are laid out and painted together, once."""
        self.search_for(value)

    def _search(self, query: str, scope: str | None) -> list[Hit]:
        if not query.strip():
            return []
        return desk_of(self).search(query, scope, limit=RESULTS_SHOWN)

    def search_for(self, query: str) -> None:
        size = self._ready.get(self.scope)
        if size is not None and size <= INLINE_SEARCH_ENTRIES:
            self._show(query, self._search(query, self.scope))
        elif size is None and self.scope is None and query.strip():
            self._show(query, [], pending=True)  # the index of all clients is being built
        else:
            self.run_search(query, self.scope)

    @work(thread=True, exclusive=True, group="prepare", exit_on_error=False)
    def prepare(self, scope: str | None) -> None:
        """Build the index of a scope before the first keystroke needs it."""
        size = desk_of(self).index_size(scope)
        # The index lives as long as the desk: keep it out of the garbage collector's full
        # passes, which otherwise land as pauses between keystrokes.
        gc.freeze()
        self.post_message(self.IndexReady(scope, size))

    @work(thread=True, group="prepare-all", exit_on_error=False)
    def prepare_all(self) -> None:
        """Build the index of all clients (F8) while the agent goes on typing: the build
        steps aside at every keystroke (KccDeskApp.background_pause); what is typed
        meanwhile shows "zoekt…" and is searched when the index is ready. Not exclusive:
        leaving F8 and coming back does not start the work over."""
        size = desk_of(self).index_size(None, pause=app_of(self).background_pause)
        gc.freeze()
        self.post_message(self.IndexReady(None, size))

    def on_search_panel_index_ready(self, message: IndexReady) -> None:
        message.stop()
        waiting = message.scope not in self._ready
        self._ready[message.scope] = message.size
        if waiting and message.scope is None and self.scope is None:
            self.search_for(self.value)  # what was typed while it was built

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str, scope: str | None) -> None:
        hits = self._search(query, scope)
        if not get_current_worker().is_cancelled:
            self.post_message(self.HitsFound(query, scope, hits))

    def on_search_panel_hits_found(self, message: HitsFound) -> None:
        message.stop()
        if message.scope == self.scope:
            self._show(message.query, message.hits)

    def _show(self, query: str, hits: list[Hit], pending: bool = False) -> None:
        if query != self.value:
            return  # a newer keystroke is on its way
        self.hits = hits
        self._pending = pending
        self.repaint()
        self._highlighted()
        self.call_after_refresh(self._painted, query, len(hits), pending)

    def _highlighted(self) -> None:
        """Tell the screen which hit is chosen now, in the same turn as the new results (a
        call, not a message), so a keystroke costs one layout of the screen, not one for
        the list and another for the detail a message later."""
        self.on_highlight(self.selected)

    def _painted(self, query: str, count: int, pending: bool) -> None:
        self.post_message(self.ResultsShown(query, count, perf_counter(), pending))

    def repaint(self) -> None:
        results = self.query_one("#results", OptionList)
        highlighted = results.highlighted
        if not self.hits:
            typed = self.value.strip()
            if self._pending:
                hint = Text(texts.SEARCHING_ALL, style="dim italic")
            else:
                hint = Text(texts.NO_RESULTS if typed else texts.RESULTS_HINT, style="dim italic")
            with results.prevent(OptionList.OptionHighlighted):
                results.set_options([Option(hint, disabled=True)])
            return
        desk = desk_of(self)
        keep = highlighted if highlighted is not None and highlighted < len(self.hits) else 0
        # One replacement of the options (not a clear and an add): one layout per keystroke;
        # the screen is told of the highlight once, by `_highlighted`.
        with results.prevent(OptionList.OptionHighlighted):
            results.set_options(
                Option(
                    render.hit_prompt(
                        h, self._status_of(desk, h), self.all_clients, _person_of(desk, h)
                    ),
                    id=f"hit-{i}",
                )
                for i, h in enumerate(self.hits)
            )
            results.highlighted = keep

    def _status_of(self, desk: Desk, hit: Hit) -> DutyStatus | None:
        """The duty a hit's mark shows: the client on screen's, or with F8 its own client's
        (a person of another client is marked on or off duty just the same)."""
        if not self.all_clients:
            return self.status
        if hit.kind != "person" or not desk.has_client(hit.entry.client):
            return None
        return desk.duty_of_hit(hit)

    # --- the chosen hit ----------------------------------------------------------------

    @property
    def selected(self) -> Hit | None:
        index = self.query_one("#results", OptionList).highlighted
        if index is None or index >= len(self.hits):
            return None
        return self.hits[index]

    def move(self, step: int) -> None:
        results = self.query_one("#results", OptionList)
        if step > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()

    @on(OptionList.OptionHighlighted, "#results")
    @on(OptionList.OptionSelected, "#results")
    @on(Input.Submitted, "#search")
    def _chosen(self, event: Message) -> None:
        event.stop()
        self._highlighted()


def _person_of(desk: Desk, hit: Hit) -> Person | None:
    """The person a hit is about (for the client's rules shown beside it)."""
    if hit.kind != "person" or not desk.has_client(hit.entry.client):
        return None
    return desk.client(hit.entry.client).person(hit.entry.id)
