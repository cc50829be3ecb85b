"""Text fields that take a burst of keys in the order it was typed.

Textual lets a field insert a letter as soon as it reads the key, but its editing keys
(Backspace, Delete, the arrows, Home, End) are bindings: the key first bubbles up through the
screen to the app, which then runs the field's action — by which time the letters typed after
it are already in ("06129", Backspace ×2, "2345678" became 0612923456: a wrong number that
passes the check). These fields run their own bindings as they read the key, so every key of
a paste, a text expander or a slow WSL link acts in order.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


class _OwnKeysFirst:
    """Mixed into a field before its Textual class: its own key bindings act at once."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
                if binding.priority:
                    continue
                # the app's run_action says whether the action ran (the widget's does not)
                if await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)  # type: ignore[misc]


class Field(_OwnKeysFirst, Input):
    """A one-line field (textual.widgets.Input) whose editing keys keep their order."""


class TextField(_OwnKeysFirst, TextArea):
    """A text area (textual.widgets.TextArea) whose editing keys keep their order."""
