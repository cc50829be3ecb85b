"""Search speed and quality: the index against an exhaustive rapidfuzz WRatio scan.

    python benchmarks/search.py [--queries N]

Prints median and p99 per query, the speed ratio and hit@1 / hit@3 for one client of 2,000
entries and for all clients at 100,000 entries. Data and queries are deterministic.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_clients, make_queries

from kccdesk.search import Catalog, normalize


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(run, queries) -> tuple[list[float], float, float]:
    timings, hit1, hit3 = [], 0, 0
    for query, intended in queries:
        start = time.perf_counter()
        found = run(query)
        timings.append((time.perf_counter() - start) * 1000)
        keys = [(e.client, e.kind, e.id) for e in found[:3]]
        target = (intended.client, intended.kind, intended.id)
        hit1 += bool(keys) and keys[0] == target
        hit3 += target in keys
    return timings, hit1 / len(queries), hit3 / len(queries)


def report(label: str, index, queries) -> None:
    entries = index.entries
    choices = [normalize(f"{e.title} {e.detail} {' '.join(e.keywords)}") for e in entries]

    def indexed(query):
        return [h.entry for h in index.search(query, limit=3)]

    def exhaustive(query):
        found = process.extract(normalize(query), choices, scorer=fuzz.WRatio, limit=3)
        return [entries[i] for _, _, i in found]

    for query, _ in queries[:20]:  # warm caches
        indexed(query)
    fast, f1, f3 = measure(indexed, queries)
    slow, s1, s3 = measure(exhaustive, queries)
    print(f"\n{label}: {len(entries):,} entries, {len(queries)} queries")
    print(f"  {'':<12}{'median ms':>10}{'p99 ms':>10}{'hit@1':>8}{'hit@3':>8}")
    for name, t, h1, h3 in (("index", fast, f1, f3), ("WRatio scan", slow, s1, s3)):
        median, p99 = statistics.median(t), percentile(t, 0.99)
        print(f"  {name:<12}{median:>10.3f}{p99:>10.3f}{h1:>8.1%}{h3:>8.1%}")
    ratio = statistics.median(slow) / statistics.median(fast)
    print(f"  speed ratio (median): {ratio:,.0f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()

    started = time.perf_counter()
    clients = make_clients(args.clients, 2000)
    catalog = Catalog(clients)
    one = catalog.index(clients[0].id)
    everything = catalog.index(None)
    print(f"built {len(everything):,} entries in {time.perf_counter() - started:.1f} s")
    report("one client", one, make_queries(one.entries, args.queries))
    report("all clients", everything, make_queries(everything.entries, args.queries))


if __name__ == "__main__":
    main()
