"""Local files hold callers' names, numbers and messages: they are the owner's alone,
whatever the umask (directories 0700, files 0600), and written atomically, so a crash leaves
the old or the new content, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path | str) -> Path:
    """The directory, created if missing, readable by its owner only."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    with contextlib.suppress(PermissionError):  # not ours: leave it, the files stay private
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path | str) -> None:
    """Make an existing file owner-only (one created before this rule, or by a library)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FILE_MODE)


def write_private_atomic(path: Path | str, data: bytes) -> None:
    """Replace the file with `data` in one step; the file is 0600 (mkstemp's mode)."""
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
