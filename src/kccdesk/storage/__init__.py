"""Storage behind one small repository: no SQL outside this package."""

from kccdesk.core.errors import StorageError
from kccdesk.records import AuditRecord, CallRecord, ImportReport, NoteRecord, RosterEntry
from kccdesk.storage.repository import Store, open_store
from kccdesk.storage.roster import StaleEntry

__all__ = [
    "AuditRecord",
    "CallRecord",
    "ImportReport",
    "NoteRecord",
    "RosterEntry",
    "StaleEntry",
    "StorageError",
    "Store",
    "open_store",
]
