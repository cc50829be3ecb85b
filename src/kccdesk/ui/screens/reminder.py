"""Ctrl+E: set a note or task aside until a time (hold until). The rules of the text and the
time are the service's (kccdesk.board.reminders); this dialog only asks and says."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen

from kccdesk import texts
from kccdesk.board.reminders import Reminder
from kccdesk.core.errors import InputError, StorageError
from kccdesk.ui.access import app_of, desk_of
from kccdesk.ui.plain import Static
from kccdesk.ui.screens.typing_ahead import FIELD_KEYS, TypingAhead
from kccdesk.ui.widgets.fields import Field


class ReminderDialog(TypingAhead, ModalScreen[Reminder | None]):
    """Dismisses with the reminder set, or None (Esc: nothing set). Ctrl+E, the text, Enter,
    the time and Enter typed in one burst land where they were typed for (TypingAhead)."""

    BINDINGS = [*FIELD_KEYS, Binding("escape", "dismiss(None)", texts.KEY_CLOSE)]

    def __init__(self, client_id: str, text: str = "", note: str = ""):
        """`note`: the draft this reminder sets aside (its id), when it is one."""
        super().__init__()
        self.client_id = client_id
        self.text = text
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reminder-dialog") as box:
            box.border_title = texts.REMIND_TITLE
            client = desk_of(self).head_of(self.client_id)
            yield Static(texts.REMIND_FOR.format(client=client.name if client else ""))
            yield Static(texts.REMIND_WHAT)
            yield Field(self.text, id="reminder-text")
            yield Static(texts.REMIND_WHEN)
            yield Field(id="reminder-when")
            yield Static(id="reminder-problem")
            yield Static(texts.REMIND_HINT, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reminder-text").focus()
        super().on_mount()

    def action_submit_field(self) -> None:
        """Enter in the text goes to the time; Enter in the time sets the reminder, once
        both fields have taken every key typed before it."""
        if self.focused is self.query_one("#reminder-when"):
            self.after_typed(self._set)
            return
        super().action_submit_field()

    def _set(self) -> None:
        text = self.query_one("#reminder-text", Field).value
        when = self.query_one("#reminder-when", Field).value
        try:
            agent = app_of(self).settings.agent_name
            reminder = desk_of(self).set_reminder(
                self.client_id, text, when, self.note, agent=agent
            )
        except (InputError, StorageError) as exc:
            self.query_one("#reminder-problem", Static).update(
                Text(texts.REMIND_REFUSED.format(problem=exc), "bold red")
            )
            return
        self.dismiss(reminder)
