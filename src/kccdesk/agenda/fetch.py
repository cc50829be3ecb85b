"""Fetching a calendar feed: an http(s) or webcal URL, or a file on disk.

Conditional (ETag / Last-Modified: an unchanged feed costs a 304 and no parsing), bounded
(a timeout per read and for the whole download, a size limit, a few redirects) and honest:
every failure is one Dutch line (FeedError) for the feed's status, never a traceback.
"""

from __future__ import annotations

import errno
import os
import socket
import ssl
import stat
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

from kccdesk.agenda.events import FeedError

#: the largest feed read (a busy person's calendar of years is a megabyte or two)
MAX_BYTES = 10 * 1024 * 1024
#: seconds for connecting and for each read, and for the whole download
TIMEOUT = 10.0
DEADLINE = 30.0
#: redirects followed at most (a loop is refused long before)
MAX_REDIRECTS = 5
USER_AGENT = "kccdesk-agenda/1"


@dataclass(frozen=True)
class Fetched:
    """A feed's body, or None when it is unchanged since the ETag / Last-Modified given."""

    data: bytes | None
    etag: str = ""
    last_modified: str = ""


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 2


def fetch(
    address: str,
    etag: str = "",
    last_modified: str = "",
    *,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    limit: int = MAX_BYTES,
) -> Fetched:
    """The feed at `address` (FeedError when it cannot be had)."""
    if address.lower().startswith("webcal://"):
        address = "https://" + address[len("webcal://") :]
    if "://" not in address or address.lower().startswith("file://"):
        return _from_file(address.removeprefix("file://"), last_modified, limit)
    try:
        request = urllib.request.Request(address, headers={"User-Agent": USER_AGENT})
    except ValueError:
        raise FeedError("agenda: geen geldig webadres") from None
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    opener = urllib.request.build_opener(_Redirects())
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as response:
            data = _read_bounded(response, limit, started + deadline)
            headers = response.headers
            return Fetched(data, headers.get("ETag", ""), headers.get("Last-Modified", ""))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, etag, last_modified)
        if 300 <= exc.code < 400:
            raise FeedError(f"agenda blijft doorverwijzen ({exc.code}); adres nakijken") from None
        raise FeedError(f"agenda gaf HTTP {exc.code}: {_http_meaning(exc.code)}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.timeout | TimeoutError):
            raise FeedError(f"agenda antwoordt niet binnen {timeout:g} s") from None
        if isinstance(reason, ssl.SSLError):
            raise FeedError(
                "agenda: beveiligde verbinding mislukt (geen https op dit adres, of een "
                "ongeldig certificaat)"
            ) from None
        raise FeedError(f"agenda niet bereikbaar: {_short(reason)}") from None
    except ssl.SSLError:
        raise FeedError("agenda: beveiligde verbinding mislukt") from None
    except TimeoutError:
        raise FeedError(f"agenda antwoordt niet binnen {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # a reset connection, a malformed URL or header
        raise FeedError(f"agenda niet bereikbaar: {_short(exc)}") from None


#: what a status means to the person who keeps the feeds
_HTTP = {
    401: "geen toegang (de link vraagt een login)",
    403: "geen toegang (link ingetrokken of niet gepubliceerd?)",
    404: "niet gevonden (link verlopen of verkeerd overgenomen?)",
    410: "niet meer gepubliceerd",
    429: "te veel verzoeken; later opnieuw",
}
#: a few operating-system errors in Dutch (the rest by their number)
_OS = {
    errno.ENOENT: "bestaat niet",
    errno.EACCES: "geen toegang",
    errno.EPERM: "geen toegang",
    errno.EISDIR: "is een map",
    errno.ECONNREFUSED: "verbinding geweigerd",
    errno.EHOSTUNREACH: "host onbereikbaar",
    errno.ENETUNREACH: "netwerk onbereikbaar",
    errno.ECONNRESET: "verbinding verbroken",
}


def _http_meaning(code: int) -> str:
    if code in _HTTP:
        return _HTTP[code]
    return "fout bij de server; later opnieuw" if code >= 500 else "geweigerd"


def _short(reason: object) -> str:
    """An error in a few Dutch words: a known errno, a name that does not resolve, or the
    error's own first line."""
    number = getattr(reason, "errno", None)
    if isinstance(number, int) and number in _OS:
        return _OS[number]
    if isinstance(reason, socket.gaierror):
        return "naam van de server onbekend"
    text = str(getattr(reason, "strerror", None) or reason).strip().splitlines()
    return (text[0] if text else "onbekende fout")[:160]


def _read_bounded(response: Any, limit: int, until: float) -> bytes:
    """The body, refused when it passes `limit` bytes or the download passes its deadline
    (a server that trickles a byte a second never holds a sync)."""
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise FeedError(f"agenda is {_megabytes(int(length))}; hooguit {_megabytes(limit)}")
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > until:
            raise FeedError("agenda komt te traag binnen; afgebroken")
        # read1: what has arrived (a server trickling a byte at a time cannot keep one read
        # waiting past the deadline)
        chunk = response.read1(64 * 1024)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            raise FeedError(f"agenda is groter dan {_megabytes(limit)}; niet gelezen")
        parts.append(chunk)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _from_file(path: str, last_modified: str, limit: int) -> Fetched:
    """A feed a script keeps on disk: unchanged while its modification time is."""
    target = Path(os.path.expanduser(path))
    try:
        info = target.stat()
        if not stat.S_ISREG(info.st_mode):
            raise FeedError(f"agendabestand {path} is geen gewoon bestand")
        stamp = formatdate(info.st_mtime, usegmt=True) + f" {info.st_mtime_ns}"
        if last_modified and stamp == last_modified:
            return Fetched(None, "", stamp)
        if info.st_size > limit:
            raise FeedError(f"agenda is {_megabytes(info.st_size)}; hooguit {_megabytes(limit)}")
        with target.open("rb") as handle:
            data = handle.read(limit + 1)
    except FeedError:
        raise
    except OSError as exc:
        raise FeedError(f"agendabestand {path} niet te lezen: {_short(exc)}") from None
    if len(data) > limit:
        raise FeedError(f"agenda is groter dan {_megabytes(limit)}; niet gelezen")
    return Fetched(data, "", stamp)
