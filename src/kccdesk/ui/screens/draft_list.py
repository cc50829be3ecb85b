"""Unfinished callback notes of earlier calls (or of a desk that crashed): resume or discard
each. Nothing is ever pre-filled silently into a new call's form."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.notes.drafts import NoteDraft
from kccdesk.ui.access import app_of, desk_of
from kccdesk.ui.plain import OptionList, Static


class DraftList(ModalScreen[NoteDraft | None]):
    """Dismisses with the draft to resume, or None."""

    BINDINGS = [
        Binding("enter", "resume", texts.KEY_RESTORE, show=False),
        Binding("delete,f8", "discard", texts.KEY_DISCARD),
        Binding("escape", "dismiss(None)", texts.KEY_LATER),
    ]

    def __init__(self, drafts: list[NoteDraft]):
        super().__init__()
        self.drafts = list(drafts)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog warning", id="draft-box") as box:
            box.border_title = texts.DRAFT_TITLE
            yield Static(texts.DRAFT_TEXT, id="draft-text")
            yield OptionList(*(self._option(d) for d in self.drafts), id="draft-options")
            yield Static(texts.DRAFT_HINT, classes="hint")

    def _option(self, draft: NoteDraft) -> Option:
        desk = desk_of(self)
        if desk.has_client(draft.client):
            client = desk.client(draft.client)
            client_name, recipient = client.name, client.person_name(draft.recipient)
            zone = client.zone
        else:
            client_name, recipient, zone = draft.client, draft.recipient, None
        line = Text()
        saved = draft.saved
        if saved is not None:
            line.append(f"{saved.astimezone(zone):%d-%m %H:%M}  ", "dim")
        line.append(client_name, "bold")
        line.append(f" → {recipient or '?'}\n")
        line.append(f"   {draft.caller_name or texts.DRAFT_NO_NAME}  {draft.phone}  ", "dim")
        line.append(draft.message.replace("\n", " ")[:60])
        return Option(line, id=draft.id)

    def on_mount(self) -> None:
        options = self.query_one("#draft-options", OptionList)
        options.highlighted = 0
        options.focus()

    def _current(self) -> NoteDraft | None:
        index = self.query_one("#draft-options", OptionList).highlighted
        return self.drafts[index] if index is not None and index < len(self.drafts) else None

    @on(OptionList.OptionSelected, "#draft-options")
    def action_resume(self) -> None:
        draft = self._current()
        if draft is not None:
            self.dismiss(draft)

    def action_discard(self) -> None:
        draft = self._current()
        if draft is None:
            return
        app_of(self).drafts.remove(draft.id)
        self.notify(texts.DRAFT_DISCARDED, timeout=3)
        index = self.drafts.index(draft)
        self.drafts.remove(draft)
        options = self.query_one("#draft-options", OptionList)
        options.remove_option_at_index(index)
        if not self.drafts:
            self.dismiss(None)
