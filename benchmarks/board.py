"""The board's refresh at a team's size: 200 clients (each with coverage rules, so gaps are
computed for every one), 1,000 open items (reminders come back and notes that failed), and
200 desks online.

    python benchmarks/board.py [--clients 200] [--items 1000] [--runs 30]

Prints the refresh (`Desk.board()`, what the board's worker runs every 5 s and at every change
another desk writes) median and p99, against the baseline of the same desk reading only its
failed notes in the same process (issue 27: ≤ 100 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_clients

from kccdesk.clients.model import Coverage
from kccdesk.core.actor import Actor
from kccdesk.core.clock import fixed_clock
from kccdesk.service.desk import Desk
from kccdesk.storage import open_store

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def summary(label: str, samples: list[float], baseline: list[float] | None = None) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    line = f"  {label:<40} median {statistics.median(samples):7.1f} ms   p99 {p99:7.1f} ms"
    if baseline:
        line += f"   (baseline median {statistics.median(baseline):.1f} ms)"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="kccdesk-board-")) / "board.db"
    store = open_store(f"sqlite:///{path}")
    rule = Coverage(("mon", "tue", "wed", "thu", "fri"), clock(8), clock(17), None, 2)
    clients = [replace(c, coverage=(rule,)) for c in make_clients(args.clients, 40)]
    desk = Desk(store, clock=fixed_clock(NOW), actor=Actor("lead", True))
    desk.import_clients(clients)
    ids = [c.id for c in clients]
    earlier = Desk(store, clock=fixed_clock(NOW - timedelta(hours=2)), actor=Actor("lead", True))
    for i in range(args.items // 2):
        earlier.set_reminder(ids[i % len(ids)], f"Terugbellen {i}", "over 30 min")
    for i in range(args.items - args.items // 2):
        client = clients[i % len(ids)]
        earlier.add_note(
            client.id,
            client.people[0].id,
            f"Beller {i}",
            "020 123 4567",
            "Graag terugbellen",
            keep_absent_recipient=True,
        )
    # The mail server refuses them all (as the outbox sender marks them).
    for note in store.claim_due(NOW, limit=args.items):
        store.mark_failed(note.id, "550 mailbox onbekend", NOW)
    for i in range(200):
        desk.say_present(f"desk-{i}", ids[i % len(ids)], NOW - timedelta(minutes=i % 20))
    print(f"{args.clients} clients, {args.items} open items, 200 desks online")
    board = desk.board()
    kinds: dict[str, int] = {}
    for item in board.items:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    print(f"  items on the board: {len(board.items)} {kinds}, desks: {len(board.desks)}")
    baseline, samples = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        desk.failed_notes(limit=500)
        baseline.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        desk.board()
        samples.append((time.perf_counter() - started) * 1000)
    summary("board refresh (goal ≤ 100 ms)", samples, baseline)
    store.close()


if __name__ == "__main__":
    main()
