"""The service the command line and the interface share — the only way either reaches data
and rules.

Every write checks its rules and permissions here (or in the domain module the rule belongs
to), so no path — the roster pane, the command line, an import, a script using this class —
can skip one. Every "now" comes from the injected clock. A client is read from the database
when first asked for, so a command about one client costs the same whatever else is stored;
the loaded clients are held as an immutable mapping that is replaced, never changed in place,
so the interface thread can read it while a background thread re-reads the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kccdesk.clients.model import Client
from kccdesk.core import locations
from kccdesk.core.actor import Actor
from kccdesk.core.clock import Clock, system_clock
from kccdesk.service.base import NotAllowed, RosterRefused
from kccdesk.service.board import BoardService

if TYPE_CHECKING:
    from kccdesk.storage import Store

__all__ = ["Actor", "Desk", "NotAllowed", "RosterRefused", "open_database", "open_demo_store"]


class Desk(BoardService):
    """The service: one class per concept stacked below it, each in its module of
    kccdesk.service — base (store, clock, actor) < clients (the client cache) < duty <
    search < calls < notes < roster < teamlead < reports < agenda < ack < board. The command line
    and the interface use this one object; a rule lives in the domain package its concept
    names."""


def open_demo_store(clock: Clock = system_clock, history: bool = True) -> Store:
    """The demo database, filled from the bundled client files the first time and (unless
    `history` is false: the desk writes it after its first screen) with a fortnight of calls,
    notes and feedback before the clock's now (kccdesk.service.demo_history)."""
    from kccdesk.clientfile import load_clients
    from kccdesk.service.demo_history import DAYS
    from kccdesk.storage import open_store

    store = open_store(locations.demo_database_url())
    if store.client_ids() and not history:
        return store  # the usual start: filled long ago
    with demo_setup():  # two demos started at once must not fill it twice
        if not store.client_ids():
            clients = demo_clients_now(load_clients([locations.demo_clients_dir()]), clock())
            # The roster as it stood before the history: imported a day before its first call.
            before = clock() - timedelta(days=DAYS + 1)
            store.import_clients(clients, user="demo", sources={}, now=before)
        if history:
            Desk(store, clock=clock).fill_demo_history()
    return store


#: the week the demo clients' files are written for: their absences are moved along from it
DEMO_WEEK = date(2026, 11, 23)


def demo_clients_now(clients: list[Client], now: datetime) -> list[Client]:
    """The demo's clients with their absences moved by whole weeks from DEMO_WEEK to the
    week of `now`, so the demo's leave, course and holiday stand around today whenever it is
    opened (weekdays kept; shifts, closures and public holidays are the calendar's own)."""
    weeks = (now.date() - DEMO_WEEK).days // 7
    if weeks <= 0:
        return clients
    moved = timedelta(weeks=weeks)
    return [
        replace(
            client,
            absences=tuple(
                replace(
                    absence,
                    start=absence.start + moved,
                    until=absence.until + moved if absence.until else None,
                )
                for absence in client.absences
            ),
        )
        for client in clients
    ]


@contextmanager
def demo_setup() -> Iterator[None]:
    """Filling the demo database is one process's job at a time: the others wait, then find
    it filled (ten `kccdesk --demo` at once made ten fortnights of history)."""
    from kccdesk.core.files import held_lock, private_dir

    folder = private_dir(locations.local_dir(locations.demo_database_url()))
    with held_lock(folder / "demo-setup.lock"):
        yield


def open_database(
    url: str, demo: bool = False, clock: Clock = system_clock, history: bool = True
) -> Store:
    """The store on a URL (its schema brought up to date), or the demo database."""
    from kccdesk.storage import open_store

    return open_demo_store(clock, history) if demo else open_store(url)
