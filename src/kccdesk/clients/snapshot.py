"""A local copy of the clients as last read from the database, so the desk paints at once.

Importing the database layer costs more than the rest of start-up together; with a snapshot
the call screen is usable first and the database is read right after, in the background
(kccdesk.service.desk.Desk.sync), replacing the snapshot if anything changed. It keeps the light
directory of every client (id, name, kind, lines: the switcher and the screen pop) and whole
only the few clients last shown; any other client is read from the database when chosen.

The snapshot is JSON, owner-only: reading it can never run code (a pickle could). One that is
corrupt, foreign or written by another version of kccdesk is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from kccdesk import __version__
from kccdesk.clients.model import Client, ClientHead
from kccdesk.core.files import write_private_atomic
from kccdesk.core.jsoncodec import decode, encode

FORMAT = "kccdesk-clients"


class ClientSnapshot:
    def __init__(self, directory: Path):
        self.path = Path(directory) / "clients.json"
        #: the pickle of earlier versions: never read, removed at the next save
        self.legacy = Path(directory) / "clients.pickle"

    def load(self) -> list[Client] | None:
        """The whole clients kept (see read)."""
        found = self.read()
        return None if found is None else found[0]

    def read(self) -> tuple[list[Client], list[ClientHead] | None] | None:
        """(whole clients, directory of every client); the directory is None in a snapshot
        that kept every client whole. None when there is no usable snapshot."""
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("format") != FORMAT or data.get("version") != __version__:
                return None
            clients = [decode(Client, item) for item in data["clients"]]
            heads = data.get("directory")
            directory = None if heads is None else [decode(ClientHead, h) for h in heads]
            return clients, directory
        except Exception:  # unreadable in any way: the database is read instead
            return None

    def save(self, clients: list[Client], directory: list[ClientHead] | None = None) -> None:
        """Keep these clients whole and (when given) the directory of every client."""
        data = {"format": FORMAT, "version": __version__, "clients": encode(list(clients))}
        if directory is not None:
            data["directory"] = encode(list(directory))
        with contextlib.suppress(OSError):  # a snapshot only speeds up the next start
            write_private_atomic(self.path, json.dumps(data, ensure_ascii=False).encode())
            self.legacy.unlink(missing_ok=True)
