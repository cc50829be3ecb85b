"""The personal link of a note's mail: a token that names one note, one recipient and an
expiry, signed with HMAC-SHA256 under the service's secret. The note's UUID is part of
what is signed but not of the token, so a token is worth nothing for another note, another
database or after the secret changes; 128 bits of signature make it unguessable.

The standard library's hmac is enough (itsdangerous would add a dependency for the same
few lines) and compare_digest keeps the check constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

#: how long a link stays good unless [ack] link_days says otherwise
LINK_DAYS = 7
#: the signature's length in bytes (128 bits)
_SIGNATURE = 16
#: what a token looks like at all: checked before anything is decoded or looked up
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{4,200}\.[A-Za-z0-9_-]{22}$")
#: the last second a datetime can hold (31-12-9999 23:59:59 UTC)
LAST_SECOND = 253402300799
#: the secret's length in bytes; shorter ones are refused
SECRET_BYTES = 32


class BadToken(ValueError):
    """Not a token of ours, or no longer good; str() says which (never shown to a visitor)."""


@dataclass(frozen=True)
class Claim:
    """What a good token says: this note, this recipient, good until then."""

    note_id: int
    person: str
    expires: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, body: str, note_uuid: str) -> bytes:
    message = f"kccdesk-ack-v1|{body}|{note_uuid}".encode()
    return hmac.new(secret, message, hashlib.sha256).digest()[:_SIGNATURE]


def make_token(
    secret: bytes, note_id: int, note_uuid: str, person: str, now: datetime, days: int = LINK_DAYS
) -> str:
    """A token for this note and recipient, good for `days` days from `now`."""
    if len(secret) < SECRET_BYTES:
        raise ValueError("the secret is too short")
    try:
        until = now + timedelta(days=days)
    except OverflowError:  # a clock at the end of year 9999: good until then
        until = datetime.max.replace(tzinfo=UTC)
    expires = min(int(until.timestamp()), LAST_SECOND)
    body = _b64(f"{note_id}:{expires}:{person}".encode())
    return f"{body}.{_b64(_signature(secret, body, note_uuid))}"


def read_token(token: str) -> tuple[int, int, str]:
    """(note id, expiry as a Unix time, person) of a well-formed token, unchecked: the note's
    UUID, needed to check it, is looked up by its id. Raises BadToken."""
    if not TOKEN_SHAPE.match(token):
        raise BadToken("geen token")
    body = token.split(".", 1)[0]
    try:
        note, expires, person = _unb64(body).decode("utf-8").split(":", 2)
        note_id, until = int(note), int(expires)
    except (ValueError, UnicodeDecodeError):
        raise BadToken("onleesbaar token") from None
    if not (0 < note_id < 2**62 and 0 <= until <= LAST_SECOND):  # what a database holds
        raise BadToken("onleesbaar token")
    return note_id, until, person


def check_token(secret: bytes, token: str, note_uuid: str, now: datetime) -> Claim:
    """The claim of a token, checked against its note's UUID and the clock; raises BadToken."""
    note_id, expires, person = read_token(token)
    body, signature = token.split(".", 1)
    if not hmac.compare_digest(_unb64(signature), _signature(secret, body, note_uuid)):
        raise BadToken("handtekening klopt niet")
    try:
        until = datetime.fromtimestamp(expires, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadToken("ongeldige vervaldatum") from None
    if now >= until:
        raise BadToken("verlopen")
    return Claim(note_id, person, until)


def form_key(secret: bytes, token: str) -> str:
    """The page form's key: what only the page of this token shows, so a POST made without
    having the page (a scanner, a form of another site that knows no token) is refused."""
    message = f"kccdesk-form-v1|{token}".encode()
    return _b64(hmac.new(secret, message, hashlib.sha256).digest()[:_SIGNATURE])


def same_key(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
