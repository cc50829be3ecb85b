"""F1: every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen

from kccdesk import texts
from kccdesk.ui.plain import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1", "dismiss(None)", texts.KEY_CLOSE)]

    def __init__(self, underneath: Screen):
        super().__init__()
        self.underneath = underneath

    def _open_panes(self) -> list:
        """The roster pane's keys too, while it is open beside the desk."""
        from kccdesk.ui.widgets.roster_pane import RosterPane

        return [pane for pane in self.underneath.query(RosterPane) if pane.display]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        seen = set()
        #: (keys, what they do) as listed, in order
        self.rows: list[tuple[str, str]] = []
        for node in (self.underneath, *self._open_panes(), self.app):
            for binding in node.BINDINGS:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in seen or _hidden(node, binding.action):
                    continue
                seen.add(binding.action)
                alternate = getattr(node, "ALTERNATE_KEYS", {}).get(binding.action)
                all_keys = binding.key.split(",") + ([alternate] if alternate else [])
                keys = " / ".join(key_name(k) for k in all_keys)
                self.rows.append((keys, binding.tooltip or binding.description))
                table.add_row(*self.rows[-1])
        with VerticalScroll(classes="dialog") as box:
            box.border_title = texts.HELP_TITLE
            yield Static(table)
            yield Static(texts.HELP_HINT, classes="hint")


def _hidden(node, action: str) -> bool:
    """A key the screen hides from this user (the footer and the palette leave it out too):
    its check_action says False, e.g. the team lead's review for an agent."""
    check = getattr(node, "check_action", None)
    return check is not None and check(action.split("(", 1)[0], ()) is False


#: keys written as on the keyboard, not as Textual names them
KEY_NAMES = {"escape": "Esc", "enter": "Enter", "insert": "Insert", "delete": "Delete"}


def key_name(key: str) -> str:
    key = key.strip()
    return KEY_NAMES.get(key) or key.upper().replace("CTRL+", "Ctrl+")
