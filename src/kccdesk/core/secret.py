"""The secret that signs acknowledgement links: 32 random bytes in a file that only its
owner may read. `kccdesk serve` makes it on its first start; whoever else sends mail with
links (a desk of the same account) reads it. It is never logged and never printed."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from kccdesk.core.errors import InputError
from kccdesk.core.files import FILE_MODE, private_dir

#: random bytes in a new secret (written as hex)
SECRET_BYTES = 32


class SecretProblem(InputError):
    """The secret file cannot be used; str() says why and what to do, never its content."""


def load_secret(path: Path, create: bool = False) -> bytes:
    """The secret in `path`; with `create` a new one is made when there is none (by one
    process: a second one that starts at the same moment reads the first one's)."""
    try:
        return _read(path)
    except FileNotFoundError:
        if not create:
            raise SecretProblem(
                f"geheim {path} bestaat niet (kccdesk serve maakt het bij de eerste start)"
            ) from None
    # A folder of the administrator's (/etc/kccdesk, /var/lib/kccdesk) stays as it is: the
    # file is made 0600 and read back only if it is this user's, 0600 and not a link, so a
    # file someone else put there in advance is refused, never used.
    if not path.parent.exists():
        private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ack-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(SECRET_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: theirs holds
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise SecretProblem(f"geheim {path} is niet leesbaar: {exc.strerror}") from None
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SecretProblem(f"geheim {path} is geen gewoon bestand")
        if info.st_uid != os.getuid():
            raise SecretProblem(f"geheim {path} is van een andere gebruiker")
        if info.st_mode & 0o077:
            raise SecretProblem(
                f"geheim {path} is leesbaar voor anderen: chmod {FILE_MODE:o} {path}, of "
                "verwijder het en start kccdesk serve opnieuw (eerdere links vervallen)"
            )
        text = handle.read(1000).strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise SecretProblem(f"geheim {path} is geen hexadecimale tekst") from None
    if len(secret) < SECRET_BYTES:
        raise SecretProblem(f"geheim {path} is te kort (minstens {SECRET_BYTES} bytes)")
    return secret
