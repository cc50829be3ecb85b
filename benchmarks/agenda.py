"""Calendar feeds at a team's scale: 200 clients × 10 people, each person's feed a year of
weekly recurring events (with edited and skipped occurrences and a few holidays), served
over HTTP on loopback.

    python benchmarks/agenda.py [--clients 200] [--people 10]

Prints the full sync (every feed read and applied), the unchanged re-sync (every feed a
304), the read of one feed (median, p99), and keystroke → painted latency of the desk while
a sync runs in the same process, against the same desk without one (issue 26: p95 ≤ 33 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from desk import QUERIES, keystrokes, summary

from agenda_helpers import event, feed_server, ics, outlook_calendar
from kccdesk.clients.model import Client, Person, WeeklyShift
from kccdesk.core.clock import fixed_clock
from kccdesk.service.desk import Desk
from kccdesk.storage import open_store

NOW = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)


def person_feed(seed: int) -> bytes:
    """A year of weekly events: three series (one with a skipped and an edited Thursday),
    two holidays and a course day."""
    start = date(2026, 6, 1) + timedelta(days=seed % 7)
    weekly = {"freq": "weekly"}
    base = datetime.combine(start, datetime.min.time())
    return ics(
        outlook_calendar(),
        event(
            f"overleg-{seed}",
            "Teamoverleg",
            base.replace(hour=10),
            base.replace(hour=11),
            status="BUSY",
            windows=True,
            rrule=weekly,
            exdate=base.replace(hour=10) + timedelta(weeks=27),
        ),
        event(
            f"overleg-{seed}",
            "Teamoverleg (verzet)",
            base.replace(hour=14) + timedelta(weeks=28),
            base.replace(hour=15) + timedelta(weeks=28),
            status="BUSY",
            windows=True,
            recurrence_id=base.replace(hour=10) + timedelta(weeks=28),
        ),
        event(
            f"spreekuur-{seed}",
            "Spreekuur",
            base.replace(hour=13) + timedelta(days=1),
            base.replace(hour=14) + timedelta(days=1),
            status="BUSY",
            windows=True,
            rrule=weekly,
        ),
        event(
            f"lunch-{seed}",
            "Lunch",
            base.replace(hour=12) + timedelta(days=2),
            base.replace(hour=13) + timedelta(days=2),
            status="TENTATIVE",
            windows=True,
            rrule=weekly,
        ),
        event(f"vak-{seed}", "Vakantie", date(2026, 12, 21), date(2027, 1, 4), status="OOF"),
        event(f"vak2-{seed}", "Vrij", date(2027, 2, 15), date(2027, 2, 20), status="OOF"),
        event(
            f"cursus-{seed}",
            "Cursus",
            date(2026, 12, 9) + timedelta(days=seed % 3),
            date(2026, 12, 10) + timedelta(days=seed % 3),
        ),
    )


def clients(count: int, people: int, url) -> list[Client]:
    made = []
    for c in range(count):
        staff = tuple(
            Person(
                f"p{p}",
                f"Medewerker {c}-{p}",
                department="Zorg",
                agenda=url(f"/c{c}/p{p}.ics"),
                replaced_by=f"p{(p + 1) % people}",
            )
            for p in range(people)
        )
        shifts = tuple(
            WeeklyShift(f"p{p}", ("mon", "tue", "wed", "thu", "fri"), *_hours())
            for p in range(people)
        )
        made.append(Client(f"client-{c:03d}", f"Client {c}", people=staff, shifts=shifts))
    return made


def _hours():
    from datetime import time as clock

    return clock(8), clock(17)


def timed(label: str, action) -> object:
    started = time.perf_counter()
    result = action()
    print(f"  {label:<34} {time.perf_counter() - started:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--people", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("KCCDESK_DATA_DIR", tempfile.mkdtemp(prefix="kccdesk-bench-"))
    workdir = Path(tempfile.mkdtemp(prefix="kccdesk-agenda-"))
    url = f"sqlite:///{workdir / 'agenda.db'}"
    feeds = args.clients * args.people
    with feed_server() as server:
        print(f"{args.clients} clients × {args.people} people = {feeds} feeds, a year each")
        for c in range(args.clients):
            for p in range(args.people):
                server.feeds[f"/c{c}/p{p}.ics"] = person_feed(c * args.people + p)
        size = statistics.median(len(body) for body in server.feeds.values())
        print(f"  feed size: median {size / 1024:.1f} KiB")
        store = open_store(url)
        desk = Desk(store, clock=fixed_clock(NOW))
        timed("import", lambda: desk.import_clients(clients(args.clients, args.people, server.url)))

        from kccdesk.agenda.events import read_feed
        from kccdesk.agenda.sync import window

        zone = desk.client("client-000").zone
        first, last = window(NOW)
        samples = []
        for body in list(server.feeds.values())[:200]:
            started = time.perf_counter()
            read_feed(body, zone, first, last)
            samples.append((time.perf_counter() - started) * 1000)
        ordered = sorted(samples)
        print(
            f"  read of one feed                   median {statistics.median(samples):6.2f} ms"
            f"   p99 {ordered[int(0.99 * (len(ordered) - 1))]:6.2f} ms"
        )
        outcomes = timed("full sync (every feed read)", desk.sync_agendas)
        counts = {status: sum(o.status == status for o in outcomes) for status in ("bijgewerkt",)}
        added = sum(o.added for o in outcomes)
        print(f"    {counts['bijgewerkt']} feeds read, {added} absences added")
        outcomes = timed("unchanged re-sync (304s)", desk.sync_agendas)
        unchanged = sum(o.status == "ongewijzigd" for o in outcomes)
        print(f"    {unchanged} of {len(outcomes)} answered 304")
        store.close()

        print("\nkeystroke → painted results while the feeds sync (target p95 ≤ 33 ms)")
        quiet = asyncio.run(keystrokes(url, "client-007", QUERIES, demo=False))
        summary("desk alone", quiet)
        stop = threading.Event()

        def sync_loop() -> None:
            syncing = Desk(open_store(url), clock=fixed_clock(NOW))
            while not stop.is_set():
                syncing.sync_agendas()

        thread = threading.Thread(target=sync_loop, daemon=True)
        thread.start()
        busy = asyncio.run(keystrokes(url, "client-007", QUERIES, demo=False))
        stop.set()
        summary("desk while a sync runs", busy, quiet)
        thread.join()


if __name__ == "__main__":
    main()
