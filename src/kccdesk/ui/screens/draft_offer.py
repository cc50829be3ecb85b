"""After a crash or a closed terminal: offer the unsaved note back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kccdesk import texts
from kccdesk.drafts import NoteDraft


class DraftOffer(ModalScreen[str | None]):
    BINDINGS = [
        Binding("enter", "dismiss('restore')", texts.KEY_RESTORE),
        Binding("delete", "dismiss('discard')", texts.KEY_DISCARD),
        Binding("escape", "dismiss(None)", texts.KEY_LATER),
    ]

    def __init__(self, draft: NoteDraft, desk):
        super().__init__()
        self.draft = draft
        self.desk = desk

    def compose(self) -> ComposeResult:
        draft = self.draft
        try:
            client = self.desk.client(draft.client)
            client_name, recipient = client.name, client.person_name(draft.recipient)
        except Exception:
            client_name, recipient = draft.client, draft.recipient
        body = Text(texts.DRAFT_TEXT + "\n\n")
        for label, value in (
            ("Klant", client_name),
            (texts.NOTE_FOR, recipient),
            (texts.NOTE_CALLER, draft.caller_name),
            (texts.NOTE_PHONE, draft.phone),
            (texts.NOTE_MESSAGE, draft.message),
        ):
            body.append(f"{label}: ", "dim")
            body.append(f"{value}\n", "bold")
        with Vertical(classes="dialog warning") as box:
            box.border_title = texts.DRAFT_TITLE
            yield Static(body, id="draft-text")
            yield Static(texts.DRAFT_HINT, classes="hint")
