"""Which client this desk showed last, so a restart opens where the agent was."""

from __future__ import annotations

from pathlib import Path


class LastClient:
    def __init__(self, directory: Path):
        self.path = Path(directory) / "last-client"

    def get(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def set(self, client_id: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(client_id, encoding="utf-8")
        except OSError:
            pass  # remembering is a convenience; never disturb a call for it
