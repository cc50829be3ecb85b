"""How many desks one PostgreSQL server carries, and how fast they all see a change.

    python benchmarks/team.py [--desks 50 100 200] [--procs 4] [--writes 12] [--url URL]
                              [--max-connections 230]

Each simulated desk is what a real one holds on the database: a store (whose query pool
closes its connection once idle, kccdesk.storage.engine.release_idle) and a change feed
(LISTEN) on a connection of its own. The desks live as threads in a few processes. Once they
have been idle long enough for their query connections to close, the server's connections
are counted; a writer then adds notes and roster entries, one every --gap seconds, and every
desk records when its feed reported the change (re-reading the change counters on its own
connection). Printed per N: desks whose feed is connected, server connections in use while
idle (goal: one per desk), and p50/p99 of the time from the start of a write to each desk
having seen it (goal p99 ≤ 1 s at 200); a desk that never saw a write is "missed".

Without --url the run uses a throw-away cluster (pg_createcluster) with max_connections set
to --max-connections (printed), never the shared test server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "data" / "clients"
BIKES = "fietsenmakerij-van-dijk"
#: seconds between the start of two desks of one worker process
START_GAP = 0.02
PRACTICE = "huisartsen-de-linde"


# --- one worker process: a number of desks ------------------------------------------------


def desks(url: str, count: int, ready: Path, stop: Path) -> None:
    """`count` desks; prints one JSON line: per desk whether it connected and when it saw."""
    from kccdesk.core.errors import StorageError
    from kccdesk.storage import Store

    results = [{"connected": False, "seen": [], "error": ""} for _ in range(count)]
    started = [threading.Event() for _ in range(count)]

    def desk(n: int) -> None:
        # desks start over a few seconds, as a shift does, not all in one millisecond
        time.sleep(n * START_GAP)
        store = Store(url)
        try:
            store.load_clients()  # the pool now holds one connection, as a desk's does
        except StorageError as exc:
            results[n]["error"] = str(exc)
        feed = store.change_feed()
        started[n].set()
        results[n]["connected"] = feed.connected
        if not feed.connected and not results[n]["error"]:
            results[n]["error"] = feed.status
        while not stop.exists():
            if feed.wait(0.2):
                results[n]["seen"].append(time.time())
            results[n]["connected"] = results[n]["connected"] or feed.connected
        feed.close()
        store.close()

    threads = [threading.Thread(target=desk, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    from kccdesk.storage.engine import IDLE_CLOSE_SECONDS

    for event in started:
        event.wait(timeout=120)
    time.sleep(IDLE_CLOSE_SECONDS + 1.5)  # connected, and idle long enough to give back
    ready.touch()
    for thread in threads:
        thread.join(timeout=30)
    print(json.dumps(results))


# --- the parent: writer and measurement -----------------------------------------------------


def write(url: str, writes: int, gap: float) -> list[float]:
    """Alternately a note and a roster entry; the wall-clock start of each write."""
    from kccdesk.clientfile import load_clients
    from kccdesk.clients.model import WeeklyShift
    from kccdesk.notes.rules import check_note
    from kccdesk.storage import open_store

    store = open_store(url)
    client = next(c for c in load_clients([DEMO]) if c.id == BIKES)
    started = []
    for n in range(writes):
        now = datetime.now(UTC)
        started.append(time.time())
        if n % 2 == 0:
            note = check_note(client, "lisa", "Piet", "0612345678", f"team {n}", at=now)
            store.add_note(note, at=now)
        else:
            shift = WeeklyShift("hkaya", ("sat",), clock(9), clock(12))
            store.save_roster_entry(PRACTICE, shift, "bench", now=now)
        time.sleep(gap)
    store.close()
    return started


def connections(url: str) -> tuple[int, int]:
    """(connections in use on the server, max_connections)."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]
    with psycopg.connect(plain, autocommit=True) as conn:
        used = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        ).fetchone()[0]
        limit = conn.execute("SHOW max_connections").fetchone()[0]
    return used - 1, int(limit)  # not counting this one


def run(url: str, desk_url: str, count: int, procs: int, writes: int, gap: float) -> dict:
    work = Path(tempfile.mkdtemp(prefix="kccdesk-team-"))
    stop = work / "stop"
    shares = [count // procs + (1 if p < count % procs else 0) for p in range(procs)]
    children = []
    for p, share in enumerate(s for s in shares if s):
        ready = work / f"ready-{p}"
        child = subprocess.Popen(
            [sys.executable, __file__, "--worker", desk_url, str(share), str(ready), str(stop)],
            stdout=subprocess.PIPE,
            text=True,
        )
        children.append((ready, child))
    deadline = time.monotonic() + 120
    while not all(r.exists() for r, _ in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        used, limit = connections(url)
        started = write(url, writes, gap)
        time.sleep(min(gap, 1.0))
    finally:
        stop.touch()
    results = [d for _, child in children for d in json.loads(child.communicate()[0])]
    latencies, missed = [], 0
    for desk in (d for d in results if d["connected"]):
        for at in started:
            seen = [t for t in desk["seen"] if at <= t < at + gap]
            if seen:
                latencies.append(seen[0] - at)
            else:
                missed += 1
    ordered = sorted(latencies) or [float("nan")]
    errors = [d["error"] for d in results if d["error"]]
    return {
        "desks": count,
        "connected": sum(d["connected"] for d in results),
        "connections": used,
        "max_connections": limit,
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000, 1),
        "missed": missed,
        "first_error": errors[0] if errors else None,
    }


@contextlib.contextmanager
def private_cluster(max_connections: int):
    """A throw-away PostgreSQL cluster allowing `max_connections`; its URL."""
    root = Path("/etc/postgresql")
    if shutil.which("pg_createcluster") is None or not root.is_dir():
        sys.exit("team.py: pg_createcluster not found; pass --url of a server you may load")
    version = sorted(p.name for p in root.iterdir())[-1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    name = f"kccteam{uuid.uuid4().hex[:6]}"
    subprocess.run(
        [
            "pg_createcluster",
            version,
            name,
            "-p",
            str(port),
            "-o",
            f"max_connections={max_connections}",
            "--",
            "--auth=trust",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, name], capture_output=True)


def desk_role(url: str) -> str:
    """Desks log in as an ordinary role, as in a real team: the server's reserved slots then
    stay free for the writer and the measurement (superuser) when the desks fill the rest."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("CREATE ROLE desk LOGIN")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO desk")
    return url.replace("//postgres@", "//desk@")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        desks(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--desks", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--max-connections", type=int, default=230)
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--writes", type=int, default=12)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between writes")
    parser.add_argument("--url", help="a PostgreSQL server you may fill with connections")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(private_cluster(args.max_connections))
        from kccdesk.clientfile import load_clients
        from kccdesk.storage import open_store

        store = open_store(url)
        store.import_clients(load_clients([DEMO]))
        store.close()
        desk_url = url if args.url else desk_role(url)
        results = [run(url, desk_url, n, args.procs, args.writes, args.gap) for n in args.desks]
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"max_connections = {results[0]['max_connections']} (the server's setting)")
    print(f"{args.writes} writes, {args.gap} s apart; time from the start of a write to each desk")
    for r in results:
        print(
            f"  {r['desks']:>4} desks: feed connected {r['connected']:>4}  connections "
            f"{r['connections']:>4}/{r['max_connections']}  p50 {r['p50_ms']} ms  "
            f"p99 {r['p99_ms']} ms  missed {r['missed']}"
        )
        if r["first_error"]:
            print(f"        first refusal: {r['first_error'][:140]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
