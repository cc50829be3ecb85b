"""Fuzzy-find the client of a call by name, id or any digits of one of its dialed lines."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.clients.model import ClientHead
from kccdesk.clients.phones import display as phone_display
from kccdesk.knowledge.search import normalize
from kccdesk.ui.plain import OptionList, Static
from kccdesk.ui.widgets.fields import Field


def find_clients(desk, query: str, limit: int = 12) -> list[ClientHead]:
    """Digits match the dialed lines (national or international form); text matches names.
    Only the light directory is searched: no client is loaded until it is chosen."""
    clients = desk.directory
    query = query.strip()
    if not query:
        return clients[:limit]
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 3 and len(digits) >= len(query.replace(" ", "").replace("+", "")) - 1:
        return desk.find_clients_by_line(digits)[:limit]
    choices = {c.id: normalize(f"{c.name} {c.id} {c.kind}") for c in clients}
    found = process.extract(
        normalize(query), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=50
    )
    by_id = {c.id: c for c in clients}
    return [by_id[key] for _, _, key in found]


class ClientSwitcher(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", texts.KEY_CLOSE),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, desk):
        super().__init__()
        self.desk = desk
        self.found: list[ClientHead] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = texts.SWITCH_TITLE
            yield Field(placeholder=texts.SWITCH_PLACEHOLDER, id="client-query")
            yield OptionList(id="client-options")
            yield Static("Enter: kiezen · Esc: terug", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#client-options", OptionList).styles.height = 14
        self._fill("")

    @on(Input.Changed, "#client-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        self.found = find_clients(self.desk, query)
        options = self.query_one("#client-options", OptionList)
        options.clear_options()
        for client in self.found:
            line = Text(client.name, "bold")
            line.append(f"  {client.id}", "dim")
            if client.lines:
                shown = (phone_display(n, client.country) for n in client.lines)
                line.append("  " + ", ".join(shown), "dim cyan")
            options.add_option(Option(line, id=client.id))
        if self.found:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one("#client-options", OptionList)
        (options.action_cursor_down if step > 0 else options.action_cursor_up)()

    @on(Input.Submitted, "#client-query")
    @on(OptionList.OptionSelected, "#client-options")
    def _submit(self) -> None:
        index = self.query_one("#client-options", OptionList).highlighted
        if index is not None and index < len(self.found):
            self.dismiss(self.found[index].id)
