"""Many agents saving callback notes at once, on SQLite and on PostgreSQL.

    python benchmarks/concurrency.py [--procs 20] [--notes 200] [--engine sqlite|postgresql|both]

Starts N processes that each save M notes to one database, then checks that exactly N × M
notes exist, each exactly once, and that no error reached a user (a locked database is
retried with a bounded backoff inside the store). Prints notes/s and p50/p99 save latency
per engine. Exit status 1 when the check fails. The test suite runs a small version.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLIENT = "fietsenmakerij-van-dijk"
DEMO = Path(__file__).resolve().parents[1] / "data" / "clients"


def writer(url: str, proc: int, notes: int) -> None:
    """One agent: save `notes` notes as fast as it can, report latencies and errors."""
    from kccdesk.clientfile import load_clients
    from kccdesk.core.clock import system_clock
    from kccdesk.notes.rules import check_note
    from kccdesk.storage import Store

    client = next(c for c in load_clients([DEMO]) if c.id == CLIENT)
    store = Store(url)  # the parent prepared the schema
    latencies, errors = [], []
    for n in range(notes):
        at = system_clock()
        note = check_note(
            client,
            "lisa",
            f"Beller {proc}",
            "0612345678",
            f"p{proc}-n{n}",
            agent=f"agent{proc}",
            at=at,
        )
        started = time.perf_counter()
        try:
            store.add_note(note, at=at)
        except Exception as exc:  # counted: an error that would have reached a user
            errors.append(str(exc))
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"latencies": latencies, "errors": errors}))


def prepare(url: str) -> None:
    from kccdesk.clientfile import load_clients
    from kccdesk.storage import open_store

    store = open_store(url)
    store.import_clients(load_clients([DEMO]))
    store.close()


def run(url: str, procs: int, notes: int) -> dict:
    prepare(url)
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", url, str(p), str(notes)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for p in range(procs)
    ]
    reports = [json.loads(child.communicate()[0]) for child in children]
    elapsed = time.perf_counter() - started

    from kccdesk.storage import open_store

    saved = open_store(url).notes()
    counts = Counter(n.message for n in saved)
    expected = {f"p{p}-n{n}" for p in range(procs) for n in range(notes)}
    latencies = [x for r in reports for x in r["latencies"]]
    errors = [e for r in reports for e in r["errors"]]
    ordered = sorted(latencies) or [0.0]
    return {
        "expected": procs * notes,
        "saved": len(saved),
        "missing": len(expected - set(counts)),
        "doubled": sum(1 for c in counts.values() if c > 1),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "notes_per_s": round(len(saved) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))], 2),
        "ok": len(saved) == procs * notes
        and not errors
        and set(counts) == expected
        and all(c == 1 for c in counts.values()),
    }


def database(engine: str) -> tuple[str, callable]:
    """A fresh database for one run, and how to remove it."""
    if engine == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="kccdesk-conc-")) / "notes.db"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    base = os.environ.get("KCCDESK_TEST_PG_URL", DEFAULT_PG)
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    schema = f"conc_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"create schema {schema}")

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"drop schema {schema} cascade")

    return f"{base}?options=-csearch_path%3D{schema}", drop


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        writer(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--procs", type=int, default=20)
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    results = {}
    for engine in engines:
        url, cleanup = database(engine)
        try:
            results[engine] = run(url, args.procs, args.notes)
        finally:
            cleanup()
    if args.json:
        print(json.dumps(results))
    else:
        print(f"{args.procs} processes × {args.notes} notes")
        for engine, r in results.items():
            print(
                f"  {engine:<11} saved {r['saved']}/{r['expected']}  missing {r['missing']}  "
                f"doubled {r['doubled']}  errors {r['errors']}  {r['notes_per_s']} notes/s  "
                f"p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  {'OK' if r['ok'] else 'FAILED'}"
            )
            if r["first_error"]:
                print(f"    first error: {r['first_error']}")
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
