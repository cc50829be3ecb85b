"""Which client a dialed line belongs to. One rule for the screen pop and the client
switcher: both sides are compared as E.164 (a line written '0412 00 00 00' and a softphone
reporting '+31412000000' are the same line); typed digits match either the international or
the national form."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol, TypeVar

from kccdesk.clients.phones import check


class HasLines(Protocol):
    """A client, or its light directory entry (kccdesk.clients.model.ClientHead)."""

    @property
    def lines(self) -> tuple[str, ...]: ...

    @property
    def country(self) -> str: ...


C = TypeVar("C", bound=HasLines)


def normalise(number: str, country: str = "NL") -> str:
    """E.164 when the number parses, else its digits (compare like with like)."""
    result = check(number, country)
    if result.valid and result.e164:
        return result.e164
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def caller_number(caller_id: str, country: str = "NL") -> str:
    """The caller's number as the call log and the note form keep it: E.164 when the phone's
    caller id is a valid number, else nothing ("anonymous", a short internal extension, a
    garbled id are no number to call back; they must not be stored as one)."""
    result = check(caller_id, country) if caller_id else None
    return result.e164 if result is not None and result.valid and result.e164 else ""


def client_for_line(clients: Iterable[C], dialed: str) -> C | None:
    """The client whose dialed lines contain this number."""
    for client in clients:
        wanted = normalise(dialed, client.country)
        if any(normalise(line, client.country) == wanted for line in client.lines):
            return client
    return None


@lru_cache(maxsize=4096)
def _digit_forms(line: str, country: str) -> tuple[str, ...]:
    """A line as digits, international ('31412…') and national ('0412…')."""
    e164 = normalise(line, country)
    digits = "".join(ch for ch in e164 if ch.isdigit())
    result = check(line, country)
    national = "".join(ch for ch in (result.display or "") if ch.isdigit())
    return tuple(dict.fromkeys(f for f in (digits, national) if f))


def clients_matching_digits(clients: Iterable[C], typed: str) -> list[C]:
    """Clients one of whose lines contains the typed digits (in either form)."""
    wanted = "".join(ch for ch in typed if ch.isdigit())
    if not wanted:
        return []
    return [
        c
        for c in clients
        if any(wanted in form for line in c.lines for form in _digit_forms(line, c.country))
    ]
