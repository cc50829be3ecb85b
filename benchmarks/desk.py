"""Keystroke-to-painted-results latency of the real desk, and start-up time of `kccdesk demo`.

    python benchmarks/desk.py [--keys N] [--skip-100k]

Drives the real app with Pilot. Each keystroke is timed from the key event reaching the app
to the refresh that painted its results (CallScreen.ResultsShown carries that stamp), not the
wall time of pilot.press, which carries fixed waits of its own. Runs on the demo data and on a
synthetic database of 100,000 entries (50 clients × 2,000, cached in the temp dir).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_clients
from textual import events
from textual.app import App

from kccdesk.core.settings import Settings
from kccdesk.ui.app import KccDeskApp
from kccdesk.ui.factory import make_app
from kccdesk.ui.screens.call import CallScreen

QUERIES = ["burgerzakn", "wethoder", "paspoort verlopn", "frontofice", "glad", "strooi"]


class TimedDesk(KccDeskApp):
    """The real app, stamping every key as it arrives and every painted result list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_at: dict[str, float] = {}
        self.painted: dict[str, float] = {}

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.is_printable:
            self.pending_key = time.perf_counter()
        await super().on_event(event)

    def on_search_panel_results_shown(self, message: CallScreen.ResultsShown) -> None:
        self.painted.setdefault(message.query, message.painted_at)


async def keystrokes(url: str | None, client: str, queries: list[str], demo: bool) -> list[float]:
    app = make_app(
        url, demo=demo, client_id=client, settings=Settings(agent="Bench"), app_class=TimedDesk
    )
    return await timed_typing(app, queries)


async def timed_typing(app, queries: list[str]) -> list[float]:
    """Type each query key by key into the app's #search; per key, the ms from the key
    reaching the app (`pending_key`) to the paint of that exact query (`painted`)."""
    latencies: list[float] = []
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        for query in queries:
            app.screen.query_one("#search").value = ""
            await pilot.pause()
            typed = ""
            for ch in query:
                await pilot.press("space" if ch == " " else ch)
                typed += ch
                sent = app.pending_key
                for _ in range(200):  # wait for this exact query's paint, at most 2 s
                    if typed in app.painted:
                        break
                    await asyncio.sleep(0.01)
                if typed in app.painted:
                    latencies.append((app.painted.pop(typed) - sent) * 1000)
    return latencies


class BaselineDesk(App[None]):
    """The floor Textual itself sets, measured with the same harness in the same process: a
    field, ten highlighted result lines and a detail text redrawn at every keystroke, at the
    desk's size. The desk's figures are read against it (a busy machine slows both)."""

    CSS = "Input { height: 3; } OptionList { height: 1fr; } #detail { height: 8; }"

    def __init__(self) -> None:
        super().__init__()
        self.pending_key = 0.0
        self.painted: dict[str, float] = {}

    def compose(self):
        from textual.widgets import Input, OptionList, Static

        yield Input(id="search")
        yield OptionList(id="results")
        yield Static(id="detail")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.is_printable:
            self.pending_key = time.perf_counter()
        await super().on_event(event)

    def on_input_changed(self, event) -> None:
        from rich.text import Text
        from textual.widgets import OptionList, Static

        query = event.value
        lines = []
        for i in range(10):
            line = Text("● ", "bold green")
            line.append(f"{query} resultaat {i}", "bold")
            line.append("  persoon · Burgerzaken", "dim")
            lines.append(line)
        self.query_one(OptionList).set_options(lines)
        self.query_one("#detail", Static).update(Text(f"{query}\n" * 4))
        self.call_after_refresh(self._stamp, query)

    def _stamp(self, query: str) -> None:
        self.painted.setdefault(query, time.perf_counter())


async def baseline_keystrokes(queries: list[str]) -> list[float]:
    return await timed_typing(BaselineDesk(), queries)


def summary(label: str, samples: list[float], baseline: list[float] | None = None) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    line = (
        f"  {label:<34} n={len(samples):<4} median {statistics.median(samples):7.2f} ms"
        f"   p95 {p95:7.2f} ms   max {ordered[-1]:7.2f} ms"
    )
    if baseline:
        line += f"   (× {statistics.median(samples) / statistics.median(baseline):.2f} baseline)"
    print(line)


def synthetic_database(clients: int = 50, entries: int = 2000) -> str:
    """100,000 entries in `clients` clients (cached per schema revision and shape)."""
    from kccdesk.storage.schema import head_revision

    shape = "100k" if (clients, entries) == (50, 2000) else f"{clients}x{entries}"
    path = Path(tempfile.gettempdir()) / f"kccdesk-bench-{shape}-{head_revision()}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        from kccdesk.storage import open_store

        started = time.perf_counter()
        store = open_store(url)
        store.import_clients(make_clients(clients, entries))
        store.close()
        print(f"  built {path} in {time.perf_counter() - started:.1f} s")
    return url


#: a fresh interpreter starting the desk: prints when the call screen was first painted
#: (its first compositor refresh) and when the desk had settled (idle: the background read
#: of the database done), both in ms since the interpreter started
DESK_START = (
    "import time; t0 = time.perf_counter()\n"
    "from textual.screen import Screen\n"
    "painted = []\n"
    "_refresh = Screen._compositor_refresh\n"
    "def _stamp(self):\n"
    "    if type(self).__name__ == 'CallScreen' and not painted:\n"
    "        painted.append(time.perf_counter())\n"
    "    return _refresh(self)\n"
    "Screen._compositor_refresh = _stamp\n"
    "from kccdesk.ui.factory import make_app\n"
    "app = make_app(demo=True)\n"
    "async def ready(pilot):\n"
    "    await pilot.pause()\n"
    "    print((painted[0] - t0) * 1000, (time.perf_counter() - t0) * 1000)\n"
    "    app.exit()\n"
    "app.run(headless=True, size=(130, 40), auto_pilot=ready)\n"
)
#: the same for a bare Textual app of one screen: the floor of any Textual start here
BARE_START = (
    "import time; t0 = time.perf_counter()\n"
    "from textual.app import App\n"
    "from textual.widgets import Footer, Input, OptionList, Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('kop'); yield Input(); yield OptionList(); yield Footer()\n"
    "app = Bare()\n"
    "async def ready(pilot):\n"
    "    await pilot.pause()\n"
    "    t = (time.perf_counter() - t0) * 1000\n"
    "    print(t, t)\n"
    "    app.exit()\n"
    "app.run(headless=True, size=(130, 40), auto_pilot=ready)\n"
)


def startup(
    runs: int, code: str = DESK_START, fresh: bool = False
) -> list[tuple[float, float, float]]:
    """A fresh interpreter per run: (first paint, settled, whole process) in ms; `fresh`:
    each run on a new home (the demo database created and filled), else on one home."""
    env = {**os.environ, "KCCDESK_DATA_DIR": tempfile.mkdtemp(prefix="kccdesk-bench-")}
    timings = []
    for _ in range(runs + 1):
        if fresh:
            env["KCCDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="kccdesk-bench-")
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        wall = (time.perf_counter() - started) * 1000
        painted, settled = map(float, result.stdout.strip().splitlines()[-1].split())
        timings.append((painted, settled, wall))
    return timings[1:]  # the first run creates and fills the demo database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument("--startup-runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("KCCDESK_DATA_DIR", tempfile.mkdtemp(prefix="kccdesk-bench-"))

    print("keystroke → painted results (target p95 ≤ 7 ms)")
    floor = asyncio.run(baseline_keystrokes(QUERIES))
    summary("baseline: bare Textual, same work", floor)
    demo = asyncio.run(keystrokes(None, "gemeente-oosterwold", QUERIES * 2, demo=True))
    summary("demo data, one client", demo, floor)
    if not args.skip_100k:
        url = synthetic_database()
        synthetic_queries = [
            "jeroen brink",
            "burgerzakn",
            "paspoort aanvrgen",
            "wethoder",
            "sneeuw melding",
            "hoogveld",
        ]
        big = asyncio.run(keystrokes(url, "client-007", synthetic_queries, demo=False))
        summary("100k entries, one client of 2,000", big)
        print("  (issue 23: p95 ≤ 33 ms on the demo and on 200 clients)")
        url = synthetic_database(200, 500)
        many = asyncio.run(keystrokes(url, "client-007", synthetic_queries, demo=False))
        summary("200 clients of 500, one client", many)

    print("\nstart of `kccdesk demo` to a painted call screen (target ≤ 400 ms)")
    bare = startup(args.startup_runs, BARE_START)
    summary("baseline: bare Textual app", [r[0] for r in bare])
    runs = startup(args.startup_runs)
    summary("kccdesk demo, first paint", [r[0] for r in runs], [r[0] for r in bare])
    summary("kccdesk demo, settled (db read)", [r[1] for r in runs], [r[0] for r in bare])
    summary("whole process incl. exit", [r[2] for r in runs])
    print("\nfirst `kccdesk demo` on a fresh home to a painted call screen (target ≤ 1 s)")
    first = startup(max(2, args.startup_runs // 2), fresh=True)
    summary("fresh home, first paint", [r[0] for r in first], [r[0] for r in bare])
    summary("fresh home, settled (demo history written)", [r[1] for r in first])


if __name__ == "__main__":
    main()
