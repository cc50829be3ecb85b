"""A local copy of the clients as last read from the database, so the desk paints at once.

Importing the database layer costs more than the rest of start-up together; with a snapshot
the call screen is usable first and the database is read right after, in the background
(kccdesk.desk.Desk.sync), replacing the snapshot if anything changed.

The snapshot is JSON, owner-only: reading it can never run code (a pickle could). One that is
corrupt, foreign or written by another version of kccdesk is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from kccdesk import __version__
from kccdesk.files import write_private_atomic
from kccdesk.jsoncodec import decode, encode
from kccdesk.model import Client

FORMAT = "kccdesk-clients"


class ClientSnapshot:
    def __init__(self, directory: Path):
        self.path = Path(directory) / "clients.json"
        #: the pickle of earlier versions: never read, removed at the next save
        self.legacy = Path(directory) / "clients.pickle"

    def load(self) -> list[Client] | None:
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("format") != FORMAT or data.get("version") != __version__:
                return None
            return [decode(Client, item) for item in data["clients"]]
        except Exception:  # unreadable in any way: the database is read instead
            return None

    def save(self, clients: list[Client]) -> None:
        data = {"format": FORMAT, "version": __version__, "clients": encode(list(clients))}
        with contextlib.suppress(OSError):  # a snapshot only speeds up the next start
            write_private_atomic(self.path, json.dumps(data, ensure_ascii=False).encode())
            self.legacy.unlink(missing_ok=True)
