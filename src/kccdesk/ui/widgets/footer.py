"""A footer that shows the keys that fit, the most needed first, never one cut in half.

Textual's footer lays every shown binding side by side and the ones that do not fit fall off
the right edge, half a label at a time ("f7 Nieu▏", F9 without its label at 120 columns).
This one keeps, as many as fit the width: F1 (which lists them all), then the keys of the
widget that has the focus (the roster pane's Insert, Enter, Delete when it is open), then
the screen's in its order of importance (`FOOTER_FIRST`).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: cells a key takes besides its key and label (padding and the space between)
KEY_FRAME = 3
#: room kept for the command palette's key on the right ("^p palet")
PALETTE_ROOM = 11
#: always shown: the key that lists every other key
HELP_ACTION = "help"


class FittingFooter(Footer):
    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        first: dict[str, tuple[Binding, bool, str]] = {}
        focused: set[str] = set()  # actions of a widget below the screen (the focus chain)
        for node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in first:
                first[binding.action] = (binding, enabled, tooltip)
                if not isinstance(node, Screen | App):
                    focused.add(binding.action)
        shown = self._fitting(list(first.values()), focused)
        self.styles.grid_size_columns = len(shown)
        for binding, enabled, tooltip in shown:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, _tooltip = palette
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )

    def _fitting(
        self, keys: list[tuple[Binding, bool, str]], focused: set[str]
    ) -> list[tuple[Binding, bool, str]]:
        """The keys that fit the width, chosen by importance, shown in their own order."""
        width = self.size.width or self.app.size.width
        room = width - PALETTE_ROOM
        order = tuple(getattr(self.screen, "FOOTER_FIRST", ()))
        rank = {action: i for i, action in enumerate((HELP_ACTION, *order))}
        chosen: set[int] = set()

        def importance(i: int) -> tuple[int, int, int]:
            action = keys[i][0].action
            if action == HELP_ACTION:
                return (0, 0, i)
            return (1 if action in focused else 2, rank.get(action, len(rank)), i)

        for index in sorted(range(len(keys)), key=importance):
            binding = keys[index][0]
            needed = len(self.app.get_key_display(binding)) + len(binding.description) + KEY_FRAME
            if needed <= room:
                chosen.add(index)
                room -= needed
        return [key for index, key in enumerate(keys) if index in chosen]

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)
