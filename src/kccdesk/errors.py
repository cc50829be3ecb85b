"""Errors shown to users as one Dutch line. Kept apart so light modules can raise them
without importing the database layer."""


class StorageError(Exception):
    """The database could not do what was asked; str() is a message for the user."""
