"""The review screen's dialogs: the reconstruction of a feedback item, the improvement-action
form and closing an item. Rules (an action needs an owner, the statuses) are
kccdesk.teamlead.feedback's, applied by the service; these screens show its answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Select

from kccdesk import texts
from kccdesk.teamlead.feedback import CAUSES
from kccdesk.ui.access import desk_of
from kccdesk.ui.plain import Label, Static
from kccdesk.ui.screens.typing_ahead import FIELD_KEYS, TypingAhead
from kccdesk.ui.widgets.fields import Field
from kccdesk.ui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    from kccdesk.records import FeedbackRecord

#: below this many rows the action form's fields go without borders
SHORT_FORM = 30


class ReconstructionDialog(ModalScreen[str | None]):
    """What the desk showed at the time and the roster changes around it (read-only).
    Dismisses with "action" when the team lead goes on to set an action."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("escape,enter", "dismiss(None)", texts.KEY_CLOSE),
        Binding("ctrl+a", "dismiss('action')", texts.KEY_SET_ACTION),
    ]

    def __init__(self, item: FeedbackRecord):
        super().__init__()
        self.item = item
        #: the reconstruction's lines, once loaded (tests read them)
        self.lines: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="reconstruction-box") as box:
            box.border_title = texts.RECONSTRUCTION_TITLE.format(id=self.item.id)
            yield Static(
                Text(texts.RECONSTRUCTION_SAID.format(said=self.item.said), "italic"),
                id="reconstruction-said",
            )
            yield Static(texts.RECONSTRUCTION_LOADING, id="reconstruction-lines")
            yield Static(texts.RECONSTRUCTION_HINT, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reconstruction-box").focus()
        self.load()

    @dataclass
    class Loaded(Message):
        lines: list[str]

    @work(thread=True, exclusive=True, group="reconstruction", exit_on_error=False)
    def load(self) -> None:
        from kccdesk.core.errors import StorageError
        from kccdesk.teamlead.reconstruction import lines

        desk = desk_of(self)
        try:
            found = lines(desk.client(self.item.client), desk.reconstruct(self.item.id))
        except StorageError as exc:
            found = [str(exc)]
        self.post_message(self.Loaded(found))

    def on_reconstruction_dialog_loaded(self, message: Loaded) -> None:
        self.lines = message.lines
        shown = []
        for line in message.lines:
            if line.startswith("Oordeel:"):
                shown.append(_hanging(line, "bold"))
            elif "⚠" in line:
                shown.append(_hanging(line, "bold yellow"))
            else:
                shown.append(_hanging(line, ""))
        self.query_one("#reconstruction-lines", Static).update(Group(*shown))


def _hanging(line: str, style: str) -> RenderableType:
    """A line whose wrapped part lines up under its text, not under its indent or mark."""
    body = line.lstrip(" ")
    if body.startswith("⚠ "):
        body = body[2:]
    indent = len(line) - len(body)
    if not indent:
        return Text(line, style)
    grid = Table.grid()
    grid.add_column(width=indent, no_wrap=True)
    grid.add_column()
    grid.add_row(Text(line[:indent], style), Text(body, style))
    return grid


class ActionForm(TypingAhead, ModalScreen["FeedbackRecord | None"]):
    """An improvement action: what, who, and where the cause lies. Saving sets the status
    actie-uitgezet; a refusal is shown here and nothing typed is lost (Esc keeps it too)."""

    CSS_PATH = "review.tcss"
    COMMAND_CATEGORY = texts.CATEGORY_REVIEW
    BINDINGS = [
        *FIELD_KEYS,
        Binding("ctrl+s", "save", texts.KEY_SAVE, id="action-save", priority=True),
        Binding("escape", "close", texts.KEY_CLOSE, id="action-close"),
    ]

    def __init__(self, item: FeedbackRecord, drafts: dict[int, tuple[str, str, str]]):
        super().__init__()
        self.item = item
        self.drafts = drafts
        self._saving = False

    def compose(self) -> ComposeResult:
        action, owner, cause = self.drafts.get(
            self.item.id, (self.item.action, self.item.owner, self.item.cause)
        )
        # On a short terminal (80×24) the fields go without borders: the whole form fits.
        compact = self.app.size.height < SHORT_FORM
        with VerticalScroll(classes="dialog", id="action-box") as box:
            box.border_title = texts.ACTION_TITLE.format(id=self.item.id)
            yield Static(Text(f"“{self.item.said}”", "italic"), id="action-said")
            yield Label(texts.ACTION_WHAT)
            yield Field(action, id="action-what", select_on_focus=False, compact=compact)
            yield Label(texts.ACTION_OWNER)
            yield Field(owner, id="action-owner", select_on_focus=False, compact=compact)
            yield Label(texts.ACTION_CAUSE)
            yield Select(
                [(texts.CAUSES.get(c, c), c) for c in CAUSES],
                value=cause if cause in CAUSES else "onbekend",
                allow_blank=False,
                id="action-cause",
                compact=compact,
            )
            yield Static(id="action-error", classes="error-text")
            yield Static(texts.ACTION_HINT, classes="hint")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#action-what" if not self.current()[0] else "#action-owner").focus()

    def current(self) -> tuple[str, str, str]:
        cause = self.query_one("#action-cause", Select).value
        return (
            self.query_one("#action-what", Input).value,
            self.query_one("#action-owner", Input).value,
            cause if isinstance(cause, str) else "onbekend",
        )

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.drafts[self.item.id] = self.current()
        self.query_one("#action-error", Static).update("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return not self._saving
        return True

    def action_close(self) -> None:
        self.drafts[self.item.id] = self.current()
        self.dismiss(None)

    def action_save(self) -> None:
        self.after_typed(self._save_typed)  # what was typed before Ctrl+S, all of it

    def _save_typed(self) -> None:
        from kccdesk.teamlead.feedback import FeedbackChange, FeedbackRefused, check_change

        if not self.is_attached:
            return

        action, owner, cause = self.current()
        change = FeedbackChange(status="actie-uitgezet", action=action, owner=owner, cause=cause)
        try:
            check_change(change, self.item.action, self.item.owner)
        except FeedbackRefused as refusal:
            self._refused(refusal)
            return
        self._saving = True
        self.refresh_bindings()
        self._save(change)

    def _refused(self, reason: object) -> None:
        text = str(reason)
        error = self.query_one("#action-error", Static)
        error.update(texts.ACTION_REFUSED.format(reason=text))
        error.scroll_visible(animate=False)
        if "eigenaar" in text or "wie pakt" in text:
            self.query_one("#action-owner").focus()
        elif "actie" in text:
            self.query_one("#action-what").focus()

    @dataclass
    class Saved(Message):
        record: FeedbackRecord

    @dataclass
    class Failed(Message):
        reason: str

    @work(thread=True, exclusive=True, group="save-action", exit_on_error=False)
    def _save(self, change) -> None:
        from kccdesk.core.errors import InputError, StorageError

        try:
            record = desk_of(self).update_feedback(self.item.id, change, seen=self.item)
        except (InputError, StorageError) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Saved(record))

    def on_action_form_failed(self, message: Failed) -> None:
        self._saving = False
        self.refresh_bindings()
        self._refused(message.reason)

    def on_action_form_saved(self, message: Saved) -> None:
        self.drafts.pop(self.item.id, None)
        self.app.notify(texts.ACTION_SAVED.format(id=message.record.id, owner=message.record.owner))
        self.dismiss(message.record)


class CloseDialog(ModalScreen[str | None]):
    """Dismisses with "afgerond", "onterecht" or None (back)."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("enter", "choose('afgerond')", texts.KEY_DONE),
        Binding("o", "choose('onterecht')", texts.KEY_UNFOUNDED),
        Binding("escape", "choose(None)", texts.KEY_CLOSE),
    ]

    def __init__(self, item: FeedbackRecord):
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="close-box") as box:
            box.border_title = texts.CLOSE_TITLE.format(id=self.item.id)
            yield Static(Text(texts.CLOSE_TEXT.format(said=self.item.said), "italic"))
            if self.item.action:
                yield Static(
                    texts.REVIEW_DETAIL_ACTION.format(
                        action=self.item.action, owner=self.item.owner or "?"
                    )
                )
            yield Static(texts.CLOSE_HINT, classes="hint")

    def action_choose(self, status: str | None) -> None:
        self.dismiss(status)
