"""A local copy of the clients as last read from the database, so the desk paints at once.

Importing the database layer costs more than the rest of start-up together; with a snapshot
the call screen is usable first and the database is read right after, in the background
(kccdesk.desk.Desk.sync), replacing the snapshot if anything changed. A snapshot written by
another version of kccdesk, or unreadable for any reason, is ignored.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from kccdesk import __version__
from kccdesk.model import Client


class ClientSnapshot:
    def __init__(self, directory: Path):
        self.path = Path(directory) / "clients.pickle"

    def load(self) -> list[Client] | None:
        try:
            with self.path.open("rb") as handle:
                version, clients = pickle.load(handle)
        except Exception:
            return None
        if version != __version__ or not isinstance(clients, list):
            return None
        return clients if all(isinstance(c, Client) for c in clients) else None

    def save(self, clients: list[Client]) -> None:
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as handle:
                pickle.dump((__version__, list(clients)), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)
