"""First start without a name in the config: ask once how the agent introduces themself."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from kccdesk import texts
from kccdesk.ui.plain import Static
from kccdesk.ui.widgets.fields import Field


class AgentNameDialog(ModalScreen[str | None]):
    """Dismisses with the name to greet callers with, or None (ask again next start)."""

    BINDINGS = [Binding("escape", "dismiss(None)", texts.KEY_LATER)]

    def __init__(self, suggestion: str):
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = texts.AGENT_TITLE
            yield Static(texts.AGENT_TEXT)
            yield Field(self.suggestion, id="agent-name", placeholder=texts.AGENT_PLACEHOLDER)
            yield Static(texts.AGENT_HINT, classes="hint")

    @on(Input.Submitted, "#agent-name")
    def _given(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if name and name.isprintable():
            self.dismiss(name)
