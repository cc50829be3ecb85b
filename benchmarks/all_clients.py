"""F8 on a large service: how long the all-clients index takes, and whether typing waits.

    python benchmarks/all_clients.py [--clients N] [--entries N] [--gap MS]

Drives the real desk (App.run_test + Pilot) on the 200-client database of benchmarks/cli.py.
After the call screen is up, F8 is pressed and queries are typed letter by letter while the
index is built in its worker, and again after. Each keystroke is timed from the key event
handed to the app's driver, as a terminal's input thread does, to the refresh that painted
the answer for exactly that text (CallScreen.ResultsShown): "zoekt…" while the index is being
built, the hits afterwards. Keys go to the driver directly: Pilot.press waits until the
process is idle, which it is not while the index is built. A key whose answer is not painted
within 2 s counts as waiting. Target (issue 14): keystroke p95 ≤ 33 ms while the index builds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cli import CLIENT, database
from textual import events

from kccdesk.core.settings import Settings
from kccdesk.ui.app import KccDeskApp
from kccdesk.ui.factory import make_app
from kccdesk.ui.screens.call import CallScreen

QUERIES = ["jeroen brink", "burgerzakn", "paspoort", "wethoder", "sneeuw melding", "hoogveld"]
#: a key whose answer is not painted in this time is counted as waiting, not timed
GIVE_UP = 2.0


class TimedDesk(KccDeskApp):
    """The real app, stamping every painted answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.painted: dict[str, float] = {}

    def on_search_panel_results_shown(self, message: CallScreen.ResultsShown) -> None:
        self.painted.setdefault(message.query, message.painted_at)

    def background_pause(self) -> None:
        if PAUSE == "typing":
            super().background_pause()
        elif PAUSE == "yield":
            time.sleep(0)


#: how the build steps aside: "typing" (the desk's), "yield" (time.sleep(0) only), "none"
PAUSE = "typing"


def send_key(app: KccDeskApp, key: str) -> float:
    """Hand one key to the driver, as its input thread does; returns when (perf_counter)."""
    event = events.Key(key, " " if key == "space" else (key if len(key) == 1 else None))
    event.set_sender(app)
    sent = time.perf_counter()
    app._driver.send_message(event)
    return sent


async def measure(url: str, gap: float) -> dict:
    app = make_app(url, client_id=CLIENT, settings=Settings(agent="Bench"), app_class=TimedDesk)
    during: list[float] = []
    after: list[float] = []
    waited = 0
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        await asyncio.sleep(1.0)  # start-up work (sync, snapshot) out of the way
        panel = app.screen.search
        search = app.screen.query_one("#search")
        started = send_key(app, "f8")
        built_at = None
        queries = iter(QUERIES * 20)
        while time.perf_counter() - started < 120:
            if built_at is not None and len(after) >= 40:
                break
            search.value = ""
            await asyncio.sleep(gap)
            typed = ""
            for ch in next(queries):
                building = None not in panel._ready
                app.painted.clear()
                sent = send_key(app, "space" if ch == " " else ch)
                typed += ch
                deadline = sent + GIVE_UP
                while typed not in app.painted and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                if typed in app.painted:
                    (during if building else after).append((app.painted[typed] - sent) * 1000)
                elif building:
                    waited += 1
                if built_at is None and None in panel._ready:
                    built_at = time.perf_counter() - started
                await asyncio.sleep(gap)  # an agent types about 5-8 letters a second
        app.exit()
    return {"build_s": built_at, "during": during, "after": after, "waited": waited}


def summary(label: str, samples: list[float]) -> str:
    if not samples:
        return f"  {label:<28} n=0"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"  {label:<28} n={len(samples):<4} median {statistics.median(samples):7.1f} ms"
        f"   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--gap", type=float, default=150, help="ms between keys (default 150)")
    parser.add_argument(
        "--pause",
        choices=("typing", "yield", "none"),
        default="typing",
        help="how the build steps aside: as the desk does (default), time.sleep(0), not at all",
    )
    args = parser.parse_args()
    global PAUSE
    PAUSE = args.pause
    os.environ["KCCDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="kccdesk-f8-")
    os.environ.setdefault("KCCDESK_NOW", "2026-03-04T10:00+01:00")
    url = database(args.clients, args.entries)
    result = asyncio.run(measure(url, args.gap / 1000))
    build = result["build_s"]
    print(
        f"F8 on {args.clients} clients × {args.entries} entries, showing {CLIENT}; "
        f"build pauses: {args.pause}"
    )
    print(f"  all-clients index ready {build:.2f} s after F8" if build else "  index not ready")
    print(summary("keystrokes while it builds", result["during"]))
    print(f"  {'':<28} {result['waited']} keys not answered within {GIVE_UP:.0f} s")
    print(summary("keystrokes after", result["after"]))


if __name__ == "__main__":
    main()
