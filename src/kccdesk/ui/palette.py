"""The command palette in Dutch: Textual's own palette with a Dutch placeholder and a Dutch
"no matches" line (Textual 8 writes both in English in CommandPalette)."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from kccdesk import texts


class DeskPalette(CommandPalette):
    """Ctrl+P (and the theme list): Textual's palette, speaking Dutch."""

    def __init__(self, *args, placeholder: str = texts.PALETTE_PLACEHOLDER, **kwargs) -> None:
        super().__init__(*args, placeholder=placeholder, **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, with the line in Dutch (after the same short wait)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(texts.PALETTE_NO_MATCHES, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
