"""Run one action in several threads that start at the same moment (a barrier), as desks
or processes racing each other: the races of issue 28 are tested with it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def at_once(count: int, action: Callable[[int, Callable[[], None]], T]) -> list[T]:
    """`action(n, go)` in `count` threads; each calls `go()` when ready to race (after its
    own set-up), and all continue together. The results, in thread order."""
    barrier = threading.Barrier(count)
    results: list[T | None] = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            results[n] = action(n, barrier.wait)
        except BaseException as exc:  # reported below, not lost in a thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]
