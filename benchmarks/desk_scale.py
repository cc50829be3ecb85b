"""The desk on a large service: 200 clients of 500 entries (100,000 entries).

    python benchmarks/desk_scale.py [--before SRC] [--clients N] [--entries N]

For a first start (no local snapshot yet) and a later start (snapshot written by the first):
time from process start to the painted call screen, CPU used in the 3 s after it (background
sync, purge, snapshot, change feed), resident memory then and its peak; after that F8 (the
all-clients index, built in a worker) with the time until it is ready and the memory after.
Targets (issue 14): first start ≤ 1 s, background ≤ 1 s CPU, ≤ 150 MB until F8.
`--before SRC` runs the same on another source tree (e.g. `git archive main src`) first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cli import CLIENT, database

CODE = """
import asyncio, json, resource, time
t0 = time.perf_counter()
from kccdesk.ui.factory import make_app
app = make_app(client_id=%r)
def rss():
    status = open('/proc/self/status').read()
    return int(status.split('VmRSS:')[1].split()[0]) / 1024
async def ready(pilot):
    await pilot.pause()
    result = {'paint_s': time.perf_counter() - t0}
    cpu = time.process_time()
    await asyncio.sleep(3)
    result['background_cpu_s'] = time.process_time() - cpu
    result['rss_mb'] = rss()
    result['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    panel = app.screen.search
    started = time.perf_counter()
    await pilot.press('f8')
    while None not in panel._ready and time.perf_counter() - started < 60:
        await asyncio.sleep(0.02)
    result['f8_ready_s'] = time.perf_counter() - started
    result['rss_after_f8_mb'] = rss()
    print(json.dumps(result))
    app.exit()
app.run(headless=True, size=(130, 40), auto_pilot=ready)
"""


def run(url: str, data_dir: str, src: str | None) -> dict:
    env = {
        **os.environ,
        **({"PYTHONPATH": src} if src else {}),
        "KCCDESK_DATABASE_URL": url,
        "KCCDESK_DATA_DIR": data_dir,
        "KCCDESK_NOW": "2026-03-04T10:00+01:00",
        "KCCDESK_AGENT": "Bench",  # else the first start asks the agent's name
        "KCCDESK_CONFIG": os.path.join(data_dir, "config.toml"),
    }
    result = subprocess.run(
        [sys.executable, "-c", CODE % CLIENT], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--before", metavar="SRC")
    args = parser.parse_args()
    url = database(args.clients, args.entries)
    print(f"desk on {args.clients} clients × {args.entries} entries, showing {CLIENT}")
    print(
        f"  {'':<7}{'start':<7}{'paint':>8} {'bg CPU':>8} {'RSS':>8} {'peak':>8}"
        f" {'F8 ready':>9} {'RSS F8':>8}"
    )
    for name, src in ([("before", args.before)] if args.before else []) + [("now", None)]:
        data_dir = tempfile.mkdtemp(prefix="kccdesk-scale-")
        for start in ("first", "later"):
            r = run(url, data_dir, src)
            print(
                f"  {name:<7}{start:<7}{r['paint_s']:7.2f}s {r['background_cpu_s']:7.2f}s"
                f" {r['rss_mb']:6.0f}MB {r['peak_mb']:6.0f}MB {r['f8_ready_s']:8.2f}s"
                f" {r['rss_after_f8_mb']:6.0f}MB"
            )


if __name__ == "__main__":
    main()
