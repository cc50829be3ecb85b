"""Ctrl+G: the urgent notes nobody acknowledged, each with whom to phone now. The agent
phones, and Enter marks the note "gebeld, bevestigd": its escalation stops on every desk."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.ack.trail import event_text
from kccdesk.core.when import duration_text
from kccdesk.service.ack import Unacknowledged
from kccdesk.ui.access import app_of, desk_of
from kccdesk.ui.plain import OptionList
from kccdesk.ui.screens.typing_ahead import TypingAhead


class UnackedScreen(TypingAhead, ModalScreen[None]):
    """Keys typed right after Ctrl+G (Ctrl+G Enter in one burst) wait until the list is
    there and has its first row chosen (TypingAhead), then act on it."""

    BINDINGS = [
        Binding("enter", "acknowledge", texts.KEY_ACKNOWLEDGE, priority=True),
        Binding("escape", "dismiss(None)", texts.KEY_CLOSE),
    ]

    def __init__(self, waiting: list[Unacknowledged]):
        super().__init__()
        self.waiting = list(waiting)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog warning") as box:
            box.border_title = texts.UNACKED_TITLE
            yield OptionList(*self._options(), id="unacked-options")
            yield Static(texts.UNACKED_HINT, classes="hint")

    def _options(self) -> list[Option]:
        desk = desk_of(self)
        options = []
        for waiting in self.waiting:
            note = waiting.note
            client = desk.client(note.client) if desk.has_client(note.client) else None
            zone = client.zone if client else None
            now = desk.clock().astimezone(zone)
            line = Text(f"{texts.moment_text(note.created_at.astimezone(zone), now)}  ", "dim")
            line.append(f"{waiting.client_name}, {duration_text(waiting.waited)}", "bold")
            if waiting.call_name:
                line.append(f" — bel {waiting.call_name} {waiting.call_phone}".rstrip(), "bold red")
            name = client.person_name(note.recipient) if client else note.recipient
            line.append(f"\n   {note.caller_name} voor {name}: ", "")
            line.append(note.message[:80] + ("…" if len(note.message) > 80 else ""), "dim")
            name_of = client.person_name if client else str
            for event in waiting.trail[-3:]:  # what happened to it last
                at = texts.moment_text(event.at.astimezone(zone), now)
                line.append(f"\n   {at} {event_text(event, name_of)}", "dim italic")
            options.append(Option(line, id=str(note.id)))
        return options

    def on_mount(self) -> None:
        options = self.query_one("#unacked-options", OptionList)
        options.highlighted = 0
        options.focus()
        super().on_mount()

    def action_acknowledge(self) -> None:
        """Enter: the highlighted note is 'gebeld, bevestigd'."""
        index = self.query_one("#unacked-options", OptionList).highlighted
        if index is not None and 0 <= index < len(self.waiting):
            self._acknowledge(self.waiting[index])

    @on(OptionList.OptionSelected, "#unacked-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:  # a click on a row
        if 0 <= event.option_index < len(self.waiting):
            self._acknowledge(self.waiting[event.option_index])

    @work(thread=True, exclusive=True, group="acknowledge", exit_on_error=False)
    def _acknowledge(self, waiting: Unacknowledged) -> None:
        app = app_of(self)
        try:
            first = app.desk.acknowledge_at_desk(waiting.note.id, app.settings.agent_name)
        except Exception as exc:
            self.app.call_from_thread(self.notify, str(exc).splitlines()[0], severity="error")
            return
        self.app.call_from_thread(self._done, waiting, first)

    def _done(self, waiting: Unacknowledged, first: bool) -> None:
        client = desk_of(self).client(waiting.note.client)
        if first:
            self.notify(
                texts.UNACKED_DONE.format(
                    caller=waiting.note.caller_name,
                    name=client.person_name(waiting.note.recipient),
                ),
                timeout=4,
            )
        else:
            self.notify(texts.UNACKED_ALREADY, timeout=4)
        app = app_of(self)
        app.unacked = [w for w in app.unacked if w.note.id != waiting.note.id]
        app.check_unacked()  # every header counts again
        self.waiting = [w for w in self.waiting if w.note.id != waiting.note.id]
        if not self.waiting:
            self.dismiss(None)
            return
        options = self.query_one("#unacked-options", OptionList)
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = 0
