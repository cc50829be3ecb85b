"""Keys typed ahead land in the field they were typed for.

A terminal delivers a paste, a text expander or a slow SSH/WSL link as one burst of keys. A
plain Tab binding moves the focus only when the key has bubbled up from the field, by which
time the next keys are already queued for the old field ("Anna" Tab "0611…" became
"Anna0611…"). As priority bindings the app handles Tab, Shift+Tab and Enter-in-a-field before
it hands the next key to anyone, so the focus has moved when that key arrives. Keys that come
before the form has focused its first field reach the form itself, and go to that field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

FIELD_KEYS = [
    Binding("tab", "next_field", show=False, priority=True),
    Binding("shift+tab", "previous_field", show=False, priority=True),
    Binding("enter", "submit_field", show=False, priority=True),
]


def after_queued_keys(
    fields: Sequence[Widget], owner: MessagePump, callback: Callable[[], object]
) -> None:
    """Run `callback` (on `owner`) once each field has taken the keys already queued for
    it: a priority key (Tab, Ctrl+S, F5, F6) acts as it arrives, ahead of the letters typed
    just before it, and what it does must see them."""
    waiting = len(fields)
    if not waiting:
        callback()
        return

    def done() -> None:
        nonlocal waiting
        waiting -= 1
        if waiting == 0:
            owner.call_later(callback)

    for field in fields:
        field.call_later(done)


class TypingAhead(Screen):
    """Mixed into form screens: BINDINGS = [*FIELD_KEYS, ...].

    Keys that arrive while the form is still opening (the F6 of a burst came just before
    them) are held by the app and handed to the form once it has focused its first field
    (`typing_ready`), Tab and Ctrl+S included, in the order they were typed."""

    #: the form has composed and focused its first field: keys may come in
    typing_ready = False

    def on_mount(self) -> None:
        # After the refresh that follows mounting: the form's own on_mount has asked for
        # the focus of its first field by then, and that has been given.
        self.call_after_refresh(self._ready_for_keys)

    async def _ready_for_keys(self) -> None:
        self.typing_ready = True
        release = getattr(self.app, "release_held_keys", None)
        if release is not None:
            await release()

    def on_key(self, event: events.Key) -> None:
        """A key that reached the form itself arrived before any field had the focus (a
        burst right after the key that opened the form): it belongs to the focused field."""
        field = self.focused
        if not (event.is_printable and event.character):
            return
        if isinstance(field, Input):
            event.stop()
            field.insert_text_at_cursor(event.character)
        elif isinstance(field, TextArea):
            event.stop()
            field.insert(event.character)

    def after_typed(self, callback: Callable[[], object]) -> None:
        """Run `callback` once every field has taken the keys already sent to it.

        Tab and Ctrl+S are priority keys: the app acts on them as they arrive, while the
        letters before them may still wait in a field's queue. A save must read what was
        typed, so it waits for those queues (a callback posted behind their keys)."""
        after_queued_keys([*self.query(Input), *self.query(TextArea)], self, callback)

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def action_submit_field(self) -> None:
        """Enter in a one-line field goes to the next field; elsewhere (a list, a text area,
        a checkbox) Enter keeps its own meaning."""
        if not isinstance(self.focused, Input):
            raise SkipAction()
        self.focus_next()
