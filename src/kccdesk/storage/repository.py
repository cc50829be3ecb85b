"""The one door to the database: plain records in, plain records out, Dutch errors.

`Store` is a facade assembled from one mixin per aggregate (clients, notes, outbox, roster,
calls, roles, feedback, agenda, board); each lives in its own module beside this one.
"""

from __future__ import annotations

from kccdesk.storage.ack import AckStore
from kccdesk.storage.agenda import AgendaStore
from kccdesk.storage.board import BoardStore
from kccdesk.storage.calls import CallStore
from kccdesk.storage.clients import ClientStore
from kccdesk.storage.feedback import FeedbackStore
from kccdesk.storage.notes import NoteStore
from kccdesk.storage.outbox import OutboxStore
from kccdesk.storage.roles import RoleStore
from kccdesk.storage.roster import RosterStore


class Store(
    ClientStore,
    NoteStore,
    OutboxStore,
    RosterStore,
    CallStore,
    RoleStore,
    FeedbackStore,
    AgendaStore,
    BoardStore,
    AckStore,
):
    """Repository over one database URL (SQLite file or PostgreSQL)."""


def open_store(url: str) -> Store:
    """A store on the URL with its schema upgraded to this version (or a clear refusal)."""
    store = Store(url)
    try:
        store.upgrade_schema()
    except Exception:
        store.close()
        raise
    return store
