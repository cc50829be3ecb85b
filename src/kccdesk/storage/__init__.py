"""Storage behind one small repository: no SQL outside this package."""

from kccdesk.storage.repository import CallRecord, NoteRecord, StorageError, Store, open_store

__all__ = ["CallRecord", "NoteRecord", "StorageError", "Store", "open_store"]
