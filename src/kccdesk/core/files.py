"""Local files hold callers' names, numbers and messages: they are the owner's alone,
whatever the umask (directories 0700, files 0600), and written atomically, so a crash leaves
the old or the new content, never half."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kccdesk.core.errors import InputError

DIR_MODE = 0o700
FILE_MODE = 0o600


#: what an operating-system error means, in the agent's words (the rest: its errno)
_OS_PROBLEMS = {
    errno.ENOTDIR: "er staat een bestand waar een map hoort",
    errno.EACCES: "geen toegang",
    errno.EPERM: "geen toegang",
    errno.ENOENT: "een map erboven bestaat niet",
    errno.ENOSPC: "de schijf is vol",
    errno.EROFS: "de schijf is alleen-lezen",
    errno.EDQUOT: "de schijfruimte (quota) is op",
    errno.ENAMETOOLONG: "de naam is te lang",
}


def os_problem(error: OSError) -> str:
    """An OSError as a short Dutch reason for a one-line message."""
    return _OS_PROBLEMS.get(error.errno or 0, f"systeemfout {error.errno}")


class UnsafeDirectory(InputError):
    """A directory kccdesk would keep callers' data in that another user could read, or
    swap for one of their own (planting a database and a config with their own [smtp])."""


def private_dir(path: Path | str) -> Path:
    """The directory, created if missing, readable by its owner only. Every directory it
    creates (parents too) is 0700 whatever the umask; one that exists must be the user's
    own and then is made 0700; one of another user is refused (UnsafeDirectory)."""
    path = Path(path)
    try:
        missing = []
        for parent in (path, *path.parents):
            if parent.exists():
                break
            missing.append(parent)
        _not_swappable((missing[-1] if missing else path).parent)
        for directory in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another process was first
                os.mkdir(directory, DIR_MODE)
            _own(directory, created=True)
        if not missing:
            _own(path, created=False)
    except OSError as exc:  # a file where a folder should be, no permission, a full disk
        raise UnsafeDirectory(
            f"map {path} is niet te maken of te gebruiken ({os_problem(exc)}); kies een "
            "andere met KCCDESK_DATA_DIR"
        ) from exc
    return path


def _own(directory: Path, created: bool) -> None:
    """The user's own directory, 0700; else refused with one line."""
    info = directory.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise UnsafeDirectory(
            f"map {directory} is van een andere gebruiker (uid {info.st_uid}); kccdesk bewaart "
            "er geen gegevens van bellers in — kies een eigen map (KCCDESK_DATA_DIR)"
        )
    if not created and info.st_mode & stat.S_ISVTX and info.st_mode & 0o002:
        raise UnsafeDirectory(
            f"map {directory} is een gedeelde map (zoals /tmp): kccdesk bewaart er geen "
            "gegevens van bellers in — kies een eigen map (bijv. KCCDESK_DATA_DIR=~/kccdesk)"
        )
    if not created and info.st_mode & 0o022:
        raise UnsafeDirectory(
            f"map {directory} is beschrijfbaar voor anderen (rechten "
            f"{stat.S_IMODE(info.st_mode):o}): iemand anders kan er bestanden in leggen; "
            f"maak hem alleen van u (chmod 700 {directory})"
        )
    if created or info.st_mode & 0o077:
        os.chmod(directory, DIR_MODE)


def _not_swappable(parent: Path) -> None:
    """Another user must not be able to rename our directory away and put theirs in its
    place: its parent may not be writable by others (a sticky one such as /tmp is safe)."""
    with contextlib.suppress(FileNotFoundError):
        mode = parent.stat().st_mode
        if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
            raise UnsafeDirectory(
                f"map {parent} is beschrijfbaar voor iedereen: een andere gebruiker kan de "
                f"gegevens van kccdesk daar vervangen; maak hem alleen van u (chmod 755 "
                f"{parent}) of kies een andere map"
            )


def write_owner_only(path: Path | str, data: bytes) -> None:
    """Replace the file with `data` in one step, 0600, in a directory that stays as it is
    (an export to a shared folder: the files are the owner's, the folder is not ours)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def private_file(path: Path | str) -> None:
    """Make an existing file owner-only (one created before this rule, or by a library)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FILE_MODE)


def write_private_atomic(path: Path | str, data: bytes) -> None:
    """Replace the file with `data` in one step; the file is 0600 (mkstemp's mode)."""
    path = Path(path)
    private_dir(path.parent)
    write_owner_only(path, data)


@contextmanager
def held_lock(path: Path | str) -> Iterator[None]:
    """An exclusive lock on a lock file (owner-only), held by one process at a time: the
    others wait here until it is let go (the kernel lets it go if the holder dies)."""
    import fcntl

    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing lets go of the lock
