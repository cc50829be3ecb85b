"""Search speed and quality: the index against an exhaustive rapidfuzz WRatio scan.

    python benchmarks/search.py [--queries N]

Prints the time to build the indexes, then median and p99 per query, the speed ratio and
hit@1 / hit@3 for one client of 2,000 entries and for all clients at 100,000 entries: on the
typo set (a written name with a slip) and on the "heard" set (a name as heard on the phone,
per kind: sound-alike spelling, particles glued on, particles dropped). Data and queries are
deterministic.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_clients, make_heard_queries, make_queries

from kccdesk.knowledge.search import Catalog, normalize


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


def searchers(index):
    """The index and the exhaustive WRatio scan over the same entries, three hits each."""
    entries = index.entries
    choices = [normalize(f"{e.title} {e.detail} {' '.join(e.keywords)}") for e in entries]

    def indexed(query):
        return [h.entry for h in index.search(query, limit=3)]

    def exhaustive(query):
        found = process.extract(normalize(query), choices, scorer=fuzz.WRatio, limit=3)
        return [entries[i] for _, _, i in found]

    return indexed, exhaustive


def report(label: str, index, queries) -> None:
    indexed, exhaustive = searchers(index)
    for query, _ in queries[:20]:  # warm caches
        indexed(query)
    fast, f1, f3 = measure(indexed, queries)
    slow, s1, s3 = measure(exhaustive, queries)
    print(f"\n{label}: {len(index):,} entries, {len(queries)} typo queries")
    print(f"  {'':<12}{'median ms':>10}{'p99 ms':>10}{'hit@1':>8}{'hit@3':>8}")
    for name, t, h1, h3 in (("index", fast, f1, f3), ("WRatio scan", slow, s1, s3)):
        median, p99 = statistics.median(t), percentile(t, 0.99)
        print(f"  {name:<12}{median:>10.3f}{p99:>10.3f}{h1:>8.1%}{h3:>8.1%}")
    ratio = statistics.median(slow) / statistics.median(fast)
    print(f"  speed ratio (median): {ratio:,.0f}x faster")


def report_heard(label: str, index, heard) -> None:
    indexed, exhaustive = searchers(index)
    kinds = list(dict.fromkeys(kind for _, _, kind in heard))
    print(f"\n{label}: {len(index):,} entries, {len(heard)} heard queries")
    header = f"{'kind':<9}{'queries':>8}{'median ms':>10}{'p99 ms':>10}{'hit@1':>8}{'hit@3':>8}"
    print(f"  {'':<12}{header}")
    for name, run in (("index", indexed), ("WRatio scan", exhaustive)):
        for kind in [*kinds, "all"]:
            queries = [(q, e) for q, e, k in heard if kind in (k, "all")]
            t, h1, h3 = measure(run, queries)
            median, p99 = statistics.median(t), percentile(t, 0.99)
            print(
                f"  {name:<12}{kind:<9}{len(queries):>8}{median:>10.3f}{p99:>10.3f}"
                f"{h1:>8.1%}{h3:>8.1%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()

    clients = make_clients(args.clients, 2000)
    started = time.perf_counter()
    catalog = Catalog(clients)
    one = catalog.index(clients[0].id)
    built_one = time.perf_counter() - started
    everything = Catalog(clients).index(None)  # the per-client indexes first, then all
    built = time.perf_counter() - started - built_one
    print(f"built one client ({len(one):,} entries) in {built_one * 1000:.0f} ms")
    print(f"built all clients ({len(everything):,} entries) in {built:.1f} s")
    report("one client", one, make_queries(one.entries, args.queries))
    report_heard("one client", one, make_heard_queries(one.entries, args.queries))
    report("all clients", everything, make_queries(everything.entries, args.queries))
    report_heard("all clients", everything, make_heard_queries(everything.entries, args.queries))


if __name__ == "__main__":
    main()
