"""Storage behind one small repository: no SQL outside this package."""

from kccdesk.storage.repository import (
    AuditRecord,
    CallRecord,
    NoteRecord,
    RosterEntry,
    StaleEntry,
    StorageError,
    Store,
    describe,
    open_store,
)

__all__ = [
    "AuditRecord",
    "CallRecord",
    "NoteRecord",
    "RosterEntry",
    "StaleEntry",
    "StorageError",
    "Store",
    "describe",
    "open_store",
]
