"""Acknowledgement at a team's size: 1,000 urgent notes in flight across the demo's clients
with their escalation due, the escalation pass that takes them a round further, and the
acknowledgement page under a real uvicorn (issue 25: page p99 ≤ 50 ms).

    python benchmarks/ack.py [--notes 1000] [--pages 500]

Prints the escalation pass (all 1,000 due at once, then the pass with nothing due: its
baseline), and the page (GET of a note's link) against the baseline of /healthz on the
same server, median and p99, in one process.
"""

from __future__ import annotations

import http.client
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from board import summary  # noqa: E402  (the benchmarks' one way to print median and p99)

from kccdesk.clientfile import load_clients  # noqa: E402
from kccdesk.core.actor import Actor  # noqa: E402
from kccdesk.core.settings import AckSettings  # noqa: E402
from kccdesk.service.desk import Desk  # noqa: E402
from kccdesk.storage import open_store  # noqa: E402

#: Wednesday 2 December 2026, 21:45 in Groningen
SAVED = datetime(2026, 12, 2, 20, 45, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kccdesk-ack-"))
    store = open_store(f"sqlite:///{folder / 'ack.db'}")
    clock = Clock(SAVED)
    desk = Desk(store, clock=clock, actor=Actor("bench"))
    desk.import_clients(load_clients([ROOT / "data" / "clients"]))
    ack = AckSettings(base_url="http://127.0.0.1:1", secret_file=str(folder / "ack.key"))
    desk.use_ack(ack, create_secret=True)
    warm = desk.client("storingsdienst-warmtenet")
    people = [p.id for p in warm.people]
    notes = [
        desk.add_note(
            warm.id,
            people[i % len(people)],
            f"Beller {i}",
            "0612345678",
            f"Storing {i}: geen warmte",
            urgency="dringend",
            keep_absent_recipient=True,
        )
        for i in range(args.notes)
    ]
    print(f"{args.notes} urgent notes in flight, all due to escalate")
    clock.now = SAVED + timedelta(minutes=11)
    rounds: list[float] = []
    done = 0
    while True:  # a pass takes at most ESCALATION_PASS notes; as `serve` does, pass again
        started = time.perf_counter()
        step = desk.escalate_due()
        rounds.append((time.perf_counter() - started) * 1000)
        done += len(step)
        if not step:
            break
    idle = []
    for _ in range(20):
        started = time.perf_counter()
        desk.escalate_due()
        idle.append((time.perf_counter() - started) * 1000)
    print(
        f"  escalation of {done} notes: {sum(rounds):.0f} ms in {len(rounds) - 1} passes "
        f"({sum(rounds) / max(1, done):.2f} ms per note)"
    )
    summary("escalation pass, nothing due (baseline)", idle)
    unacked = []
    for _ in range(10):
        started = time.perf_counter()
        desk.unacknowledged()
        unacked.append((time.perf_counter() - started) * 1000)
    summary(f"every desk's read of the unacknowledged (of {done})", unacked)
    page_and_baseline(desk, ack, folder, notes, args.pages)
    store.close()


def page_and_baseline(desk, ack, folder: Path, notes, pages: int) -> None:
    import uvicorn

    from kccdesk.web.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(desk, ack.base_url),
            host="127.0.0.1",
            port=0,
            access_log=False,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    links = [desk.ack_link(n).split("127.0.0.1:1", 1)[1] for n in notes[:pages]]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def timed(path: str) -> float:
        started = time.perf_counter()
        connection.request("GET", path)
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, (path, answer.status)
        return (time.perf_counter() - started) * 1000

    for path in links[:20]:
        timed(path)  # warm up
    baseline = [timed("/healthz") for _ in range(pages)]
    samples = [timed(path) for path in links]
    summary(f"page of a note, {pages} links (goal p99 ≤ 50 ms)", samples, baseline)
    connection.close()
    server.should_exit = True
    thread.join(10)


if __name__ == "__main__":
    main()
