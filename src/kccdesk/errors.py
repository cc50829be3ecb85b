"""Errors shown to users as one Dutch line. Kept apart so light modules can raise them
without importing the database layer."""


class InputError(ValueError):
    """A value the user gave cannot be used (e.g. a moment outside the supported years);
    str() is a message for the user."""


class StorageError(Exception):
    """The database could not do what was asked; str() is a message for the user."""
