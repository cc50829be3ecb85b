"""Drafts of callback notes on the local disk, so nothing an agent typed is ever lost.

Written on every change with an atomic replace: a crash, kill or closed terminal leaves either
the previous or the new draft, never half a file. Kept per database on this machine, readable
by the agent only (callers' names and numbers).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from kccdesk.files import write_private_atomic


@dataclass(frozen=True)
class NoteDraft:
    client: str
    recipient: str = ""
    caller_name: str = ""
    phone: str = ""
    message: str = ""
    urgency: str = "normaal"

    @property
    def is_empty(self) -> bool:
        return not (self.caller_name.strip() or self.phone.strip() or self.message.strip())


class DraftStore:
    def __init__(self, directory: Path):
        self.path = Path(directory) / "note-draft.json"

    def save(self, draft: NoteDraft) -> None:
        write_private_atomic(self.path, json.dumps(asdict(draft), ensure_ascii=False).encode())

    def load(self) -> NoteDraft | None:
        """The saved draft, or None when there is none (or it is unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        known = {f.name for f in fields(NoteDraft)}
        try:
            draft = NoteDraft(**{k: str(v) for k, v in data.items() if k in known})
        except TypeError:
            return None
        return None if draft.is_empty else draft

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
