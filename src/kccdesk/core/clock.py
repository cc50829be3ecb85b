"""The one place that reads the wall clock.

Everything that needs "now" gets a Clock (a function returning an aware UTC datetime) from its
caller: the service, the desk and the command line take one, tests pass a fixed one, so no rule
depends on the date the suite happens to run on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware, in UTC."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says `moment` (tests, `--at`, reconstructions)."""
    if moment.tzinfo is None:
        raise ValueError("a fixed clock needs an aware datetime")
    return lambda: moment


def clock_from_environment() -> Clock:
    """The system clock, unless KCCDESK_NOW names a moment (ISO 8601 with offset) to act at:
    for training on the demo data at a chosen time, and for tests that run the command line."""
    import os

    text = os.environ.get("KCCDESK_NOW", "").strip()
    if not text:
        return system_clock
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"KCCDESK_NOW '{text}' is geen ISO-tijd met offset") from None
    if moment.tzinfo is None:
        raise ValueError(f"KCCDESK_NOW '{text}' heeft geen offset (bijv. +01:00)")
    return fixed_clock(moment.astimezone(UTC))
