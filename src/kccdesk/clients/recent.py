"""Which client this desk showed last, so a restart opens where the agent was."""

from __future__ import annotations

import contextlib
from pathlib import Path

from kccdesk.core.files import write_private_atomic


class LastClient:
    def __init__(self, directory: Path):
        self.path = Path(directory) / "last-client"

    def get(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def set(self, client_id: str) -> None:
        with contextlib.suppress(OSError):  # a convenience; never disturb a call for it
            write_private_atomic(self.path, client_id.encode())
