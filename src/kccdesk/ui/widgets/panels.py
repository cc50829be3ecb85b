"""The read-only panels of the call screen: detail of the chosen hit, duty, topics, notes.

Each shows one concept and is told what to show; only the notes panel fetches its own data,
off the main loop, because notes change by other desks' hands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual import events, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input

from kccdesk import texts
from kccdesk.ack.trail import NoteEvent
from kccdesk.clients.model import Client
from kccdesk.duty.coverage import Gap
from kccdesk.duty.roster import DutyStatus
from kccdesk.ui import render
from kccdesk.ui.access import app_of, desk_of
from kccdesk.ui.plain import Static

if TYPE_CHECKING:
    from kccdesk.records import NoteRecord


class _Panel(VerticalScroll):
    """A bordered, scrollable panel around one Static."""

    TITLE = ""
    INNER_ID = ""

    def compose(self) -> ComposeResult:
        yield Static(id=self.INNER_ID)

    def on_mount(self) -> None:
        self.border_title = self.TITLE

    def update(self, content: RenderableType) -> None:
        self.query_one(f"#{self.INNER_ID}", Static).update(content)


class DetailPanel(_Panel):
    """The chosen person, topic or department, with their number and duty state."""

    INNER_ID = "detail"
    can_focus = False


class DutyPanel(_Panel):
    """Who is on duty now, until when, who is absent and who replaces them (F4)."""

    TITLE = texts.DUTY
    INNER_ID = "duty"

    def show(self, status: DutyStatus, client: Client, gaps: Sequence[Gap] = ()) -> None:
        """`gaps`: the client's coverage gaps now or soon; the first is warned of on top."""
        self.update(render.duty_panel(status, client, gaps))

    def on_key(self, event: events.Key) -> None:
        """A name typed while reading the duty list is the next search."""
        if event.is_printable and event.character:
            event.stop()
            search = self.screen.query_one("#search", Input)
            search.focus()
            search.insert_text_at_cursor(event.character)


class TopicsPanel(_Panel):
    """The client's current topics, pinned first."""

    TITLE = texts.TOPICS
    INNER_ID = "topics"
    can_focus = False

    def show(self, client: Client, today: date) -> None:
        self.update(render.topics_panel(client, today))


class NotesPanel(_Panel):
    """Today's callback notes of the client, with their delivery status."""

    TITLE = texts.NOTES_TODAY
    INNER_ID = "notes"
    can_focus = False

    @dataclass
    class Loaded(Message):
        client_id: str
        notes: list[NoteRecord]
        trails: dict[int, list[NoteEvent]] = field(default_factory=dict)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.client_id: str | None = None
        self.notes: list[NoteRecord] = []

    def on_mount(self) -> None:
        super().on_mount()
        app_of(self).notes_changed.subscribe(self, lambda _: self.reload())

    def show_client(self, client_id: str) -> None:
        self.client_id = client_id
        self.reload()

    def reload(self) -> None:
        if self.client_id is not None:
            self._load(self.client_id)

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def _load(self, client_id: str) -> None:
        desk = desk_of(self)
        notes = desk.notes_today(client_id)
        self.post_message(self.Loaded(client_id, notes, desk.trails([n.id for n in notes])))

    def on_notes_panel_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.client_id != self.client_id:
            return
        self.notes = message.notes
        desk = desk_of(self)
        mail = app_of(self).settings.smtp is not None
        client = desk.client(message.client_id)
        self.update(render.notes_panel(message.notes, client, desk.clock(), mail, message.trails))

    def first_failed(self) -> NoteRecord | None:
        return next((n for n in self.notes if n.needs_agent), None)
