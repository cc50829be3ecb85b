"""Top of the call screen: client, greeting script with the agent's name, call timer."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from kccdesk import texts


class CallHeader(Static):
    DEFAULT_CSS = """
    CallHeader {
        height: 3;
        padding: 0 1;
        background: $primary-background;
        color: $text;
    }
    """

    client_name: reactive[str] = reactive("")
    greeting: reactive[str] = reactive("")
    started: reactive[datetime | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)
    scope_all: reactive[bool] = reactive(False)
    #: one line while the desk cannot hear other desks (database gone), else empty
    connection: reactive[str] = reactive("")

    def render(self) -> Text:
        text = Text()
        text.append(self.client_name, "bold")
        if self.started and self.now:
            seconds = (self.now - self.started).total_seconds()
            text.append(f"   {texts.CALL_TIMER} {texts.elapsed(seconds)}", "bold")
        if self.scope_all:
            text.append(f"   [{texts.KEY_ALL_CLIENTS}]", "bold reverse")
        text.append("\n")
        text.append(f"“{self.greeting}”", "italic")
        if self.connection:
            text.append(f"\n⚠ {self.connection}", "bold yellow")
        return text
