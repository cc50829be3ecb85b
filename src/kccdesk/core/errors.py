"""Errors shown to users as one Dutch line. Kept apart so light modules can raise them
without importing the database layer."""

from typing import Any


class InputError(ValueError):
    """A value the user gave cannot be used (e.g. a moment outside the supported years);
    str() is a message for the user."""


class StorageError(Exception):
    """The database could not do what was asked; str() is a message for the user."""


class DatabaseReplaced(StorageError):
    """The SQLite file was moved, replaced or deleted under a running process: nothing more
    can be written safely; a long-running process (`kccdesk serve`) stops so it is started
    again on the file that is there now."""


#: how a refusal begins when the schema is older and only its owner may upgrade it
AWAITING_OWNER = "database wordt bijgewerkt door de beheerder"


def awaiting_owner(error: Exception) -> bool:
    """An agent's login met a schema that only the owner may upgrade: wait, do not fail."""
    return str(error).startswith(AWAITING_OWNER)


class ImportErrors(Exception):
    """All problems found in a run (kccdesk.clientfile.ClientFileError each); nothing is
    imported when there are any. Here, not in clientfile, so that the command line can catch
    it without loading the file reader."""

    def __init__(self, errors: list[Any]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
