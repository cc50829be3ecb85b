"""F9 with more than one refused note: choose which to take again."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.records import NoteRecord
from kccdesk.ui.access import desk_of
from kccdesk.ui.plain import OptionList


class FailedNotesDialog(ModalScreen[NoteRecord | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", texts.KEY_CLOSE)]

    def __init__(self, notes: list[NoteRecord]):
        super().__init__()
        self.notes = notes

    def compose(self) -> ComposeResult:
        desk = desk_of(self)
        options = []
        for note in self.notes:
            client = desk.client(note.client)
            line = Text(f"{note.created_at.astimezone(client.zone):%d-%m %H:%M}  ", "dim")
            line.append(f"{client.name} → {client.person_name(note.recipient)}", "bold")
            line.append(f"\n   {note.caller_name}: {note.last_error}", "red")
            options.append(Option(line, id=str(note.id)))
        with Vertical(classes="dialog warning") as box:
            box.border_title = texts.FAILED_TITLE
            yield OptionList(*options, id="failed-options")

    def on_mount(self) -> None:
        options = self.query_one("#failed-options", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#failed-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.notes[event.option_index])
