"""The client report for every client of a large service, against a naive baseline.

    python benchmarks/report.py [--clients 200] [--calls 150] [--sample 10] [--runs 2]

The synthetic clients (benchmarks/synthetic.py) get three weeks of traffic around 2026-W48:
`--calls` calls a week each (a few missed, some without a caller number, transfers, stopped
transfers, overridden warnings; the same numbers call back now and then), a callback note in
one call of five (taken in the call), about four feedback items a fortnight (linked to a note
or a call or to nothing; every fourth client has the same mistake three times: a pattern), and
for every third client an absence entered 40 minutes after the call it was about (the client's
late change). The database is built once and cached in the temp dir.

Measured in this process on the same data: `Desk.report` plus its Markdown for each client —
the first run also reads all clients from the database (once, as a job making every report
would); later runs find them loaded — with the median and p99 of one client's report and the
total, wall and CPU time (goal: 2 s for all). The baseline asks the database per call (the
same number's next call, the call's notes, its feedback) and reconstructs each feedback item
and the patterns through the service, on `--sample` clients scaled to all; its
first-time-right must equal the report's. Last, the wall time of `kccdesk report` for one
client in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_clients

from kccdesk.teamlead.feedback import CATEGORIES

WEEK = "2026-W48"
AMS = ZoneInfo("Europe/Amsterdam")
FIRST_DAY = datetime(2026, 11, 16, tzinfo=AMS)  # Monday of W47
DAYS = 21  # W47, W48 and W49: the pattern window before and the repeat window after
NOW = datetime(2026, 12, 10, 9, tzinfo=UTC)
IMPORTED = datetime(2026, 1, 5, 9, tzinfo=UTC)
SHOWN = {
    "at": "2026-11-23T09:00:00+00:00",
    "on_duty": ["p0", "p7", "p14"],
    "absent": {"p21": "p28"},
    "topics": ["t1", "t2"],
    "instructions": "3f2a9c",
}


def _moment(rng: random.Random) -> datetime:
    """A moment in the three weeks, mostly in office hours on the client's clock."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    hour = rng.choice((8, 9, 9, 10, 10, 11, 11, 13, 14, 14, 15, 16, 17, 20, 23))
    return day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def _traffic(client_id: str, n: int, rng: random.Random, calls_per_week: int, ids: dict) -> dict:
    """Rows of calls, notes and feedback for one client (ids continue across clients)."""
    from kccdesk.teamlead.feedback import CAUSES

    calls, notes, feedback = [], [], []
    pool = [f"+3161{n:03d}{k:04d}" for k in range(calls_per_week * 3)]
    for _ in range(calls_per_week * DAYS // 7):
        ids["call"] += 1
        start = _moment(rng)
        outcome = rng.choices(("answered", "transferred", "note", "missed"), (45, 30, 20, 5))[0]
        caller = "" if rng.random() < 0.05 else rng.choice(pool)
        row = {
            "id": ids["call"],
            "client_id": client_id,
            "caller": caller,
            "started_at": start,
            "ended_at": start + timedelta(seconds=rng.randrange(40, 600)),
            "outcome": outcome,
            "transferred_to": "p0" if outcome == "transferred" else None,
            "warnings_overridden": "p0 heeft geen dienst" if rng.random() < 0.03 else "",
            "stopped": "p7: geen dienst" if rng.random() < 0.08 else "",
            "agent": "Bench",
            "uuid": f"{client_id}-c{ids['call']}",
            "timing": "softphone" if rng.random() < 0.7 else "desk",
            "shown": SHOWN,
        }
        calls.append(row)
        if outcome == "note":
            ids["note"] += 1
            notes.append(
                {
                    "id": ids["note"],
                    "uuid": f"{client_id}-n{ids['note']:08d}-0000-0000-000000000000"[:36],
                    "client_id": client_id,
                    "recipient": "p1",
                    "caller_name": "Beller",
                    "caller_phone": caller or "+31612345678",
                    "message": "Graag terugbellen over de factuur.",
                    "agent": "Bench",
                    "created_at": start + timedelta(seconds=30),
                    "status": "sent",
                    "call_uuid": row["uuid"],
                    "shown": SHOWN,
                }
            )
    answered = [c for c in calls if c["outcome"] != "missed"]
    picks = rng.sample(answered, 4)
    if n % 4 == 0:  # the same mistake about the same person three times: a pattern
        transfers = [c for c in answered if c["outcome"] == "transferred"]
        picks += rng.sample(transfers, 3)
    by_call = {nt["call_uuid"]: nt for nt in notes}
    for k, call in enumerate(picks):
        ids["feedback"] += 1
        note = by_call.get(call["uuid"])
        link = rng.random()
        pattern = k >= 4
        feedback.append(
            {
                "id": ids["feedback"],
                "client_id": client_id,
                "happened_at": call["started_at"],
                "category": "doorverbonden-zonder-dienst" if pattern else rng.choice(CATEGORIES),
                "said": 'De klant zei: "niet goed gegaan" 🙁\nGraag actie.',
                "status": rng.choice(("nieuw", "actie-uitgezet", "afgerond", "onterecht")),
                "cause": rng.choice(CAUSES),
                "action": "bespreken in teamoverleg",
                "owner": "Ilse",
                "person": "p0" if pattern else "",
                "note_id": note["id"] if note and link < 0.5 else None,
                "call_id": call["id"] if pattern or (link >= 0.5 and link < 0.8) else None,
                "created_at": NOW,
                "created_by": "bench",
                "updated_at": NOW,
                "updated_by": "bench",
            }
        )
    return {"calls": calls, "notes": notes, "feedback": feedback}


def database(clients: int, calls_per_week: int) -> str:
    """The cached SQLite database: the clients and their three weeks of traffic."""
    from sqlalchemy import insert

    from kccdesk.clients.model import Absence
    from kccdesk.storage import open_store
    from kccdesk.storage.rows import CallRow, FeedbackRow, NoteRow
    from kccdesk.storage.schema import head_revision

    name = f"kccdesk-report-{clients}x{calls_per_week}-{head_revision()}.db"
    path = Path(tempfile.gettempdir()) / name
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    started = time.perf_counter()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    store = open_store(f"sqlite:///{building}")
    chosen = make_clients(clients, 60)
    store.import_clients(chosen, now=IMPORTED)
    rng = random.Random(48)
    ids = {"call": 0, "note": 0, "feedback": 0}
    late = []
    with store.engine.begin() as conn:
        for n, client in enumerate(chosen):
            rows = _traffic(client.id, n, rng, calls_per_week, ids)
            conn.execute(insert(CallRow.__table__), rows["calls"])
            conn.execute(insert(NoteRow.__table__), rows["notes"])
            conn.execute(insert(FeedbackRow.__table__), rows["feedback"])
            if n % 3 == 0:  # the client's late change about a transfer they complained of
                linked = {f["call_id"] for f in rows["feedback"] if f["call_id"]}
                about = [c for c in rows["calls"] if c["id"] in linked and c["transferred_to"]]
                if about:
                    late.append((client.id, about[0]["started_at"]))
    for client_id, at in late:
        day = at.astimezone(AMS).date()
        absence = Absence("p0", day, day, "ziek")
        store.save_roster_entry(client_id, absence, "bench", now=at + timedelta(minutes=40))
    store.close()
    building.rename(path)
    print(f"  built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def naive_report(store, desk, client_id: str) -> int:
    """The report as a script without the per-week reads would make it: queries per call and
    per feedback item. Returns its first-time-right count."""
    from kccdesk.teamlead.indicators import REPEAT_WINDOW, parse_week

    client = desk.client(client_id)
    start, end = parse_week(WEEK).bounds(client.zone)
    right = 0
    for call in store.calls(client_id, since=start, until=end):
        if call.outcome == "missed" or not any(ch.isdigit() for ch in call.caller):
            continue
        later = store.calls(
            client_id, since=call.started_at, until=call.started_at + REPEAT_WINDOW,
            caller=call.caller,
        )  # fmt: skip
        repeated = any((c.started_at, c.id) > (call.started_at, call.id) for c in later)
        notes = store.notes(
            client_id, caller_phone=call.caller, since=call.started_at,
            until=call.started_at + timedelta(days=1),
        )  # fmt: skip
        mine = {n.id for n in notes if n.call_uuid == call.uuid}
        items = store.feedback(client_id, since=start - timedelta(days=7))
        linked = [
            i
            for i in items
            if i.status != "onterecht" and (i.call_id == call.id or i.note_id in mine)
        ]
        right += not repeated and not linked
    for item in store.feedback(client_id, since=start, until=end):
        desk.reconstruct(item.id)
    desk.patterns(client_id, until=end)
    return right


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--calls", type=int, default=150, help="calls per client per week")
    parser.add_argument("--sample", type=int, default=10, help="clients for the baseline")
    parser.add_argument("--runs", type=int, default=3, help="runs over all clients")
    args = parser.parse_args()

    from kccdesk.core.actor import Actor
    from kccdesk.core.clock import fixed_clock
    from kccdesk.service.desk import Desk
    from kccdesk.storage import open_store
    from kccdesk.teamlead import report

    url = database(args.clients, args.calls)
    store = open_store(url)
    lead = Actor("ilse", team_lead=True)
    desk = Desk(store, clock=fixed_clock(NOW), actor=lead)
    ids = [h.id for h in desk.directory]
    calls = len(store.calls())
    print(
        f"client report {WEEK} for {len(ids)} clients ({calls} calls in three weeks, "
        f"{len(store.notes())} notes, {len(store.feedback())} feedback items)"
    )
    results, totals = {}, []
    for run in range(args.runs):
        each = []
        total_started, cpu_started = time.perf_counter(), time.process_time()
        if run == 0:
            desk.load_all()  # the clients once (as a job making every report would)
        for client_id in ids:
            seconds, made = timed(lambda c=client_id: desk.report(c, WEEK))
            seconds += timed(lambda m=made: report.to_markdown(m))[0]
            each.append(seconds)
            results[client_id] = made
        total = time.perf_counter() - total_started
        cpu = time.process_time() - cpu_started
        if run:
            totals.append(total)
        label = "first run (reading the clients too)" if run == 0 else f"run {run + 1}"
        print(
            f"  {label:<38} total {total:5.2f} s (cpu {cpu:4.2f} s)   one client: median "
            f"{statistics.median(each) * 1000:5.1f} ms, p99 {p99(each) * 1000:5.1f} ms"
        )
    if totals:
        print(f"  best run with the clients loaded: {min(totals):.2f} s for {len(ids)} clients")
    patterns = sum(len(r.patterns) for r in results.values())
    asks = sum(len(r.asks) for r in results.values())
    print(f"  ({patterns} patterns and {asks} requests to clients in the reports)")

    sample = ids[: args.sample]
    naive_desk = Desk(store, clock=fixed_clock(NOW), actor=lead)
    each, same = [], True
    for client_id in sample:
        seconds, right = timed(lambda c=client_id: naive_report(store, naive_desk, c))
        each.append(seconds)
        same = same and right == results[client_id].indicators.first_time_right
    scaled = sum(each) / len(each) * len(ids)
    print(
        f"  baseline, queries per call ({len(sample)} clients scaled to {len(ids)}): total "
        f"{scaled:5.1f} s   one client: median {statistics.median(each) * 1000:5.0f} ms   "
        f"first-time-right the same: {'yes' if same else 'NO'}"
    )

    env = {
        **os.environ,
        "KCCDESK_DATABASE_URL": url,
        "KCCDESK_NOW": NOW.isoformat(),
        "KCCDESK_USER": "ilse",
        "KCCDESK_TEAM_LEADS": "ilse",
        "KCCDESK_DATA_DIR": tempfile.mkdtemp(prefix="kccdesk-bench-"),
    }
    walls = []
    for _ in range(4):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kccdesk", "report", "--client", ids[7], "--week", WEEK],
            env=env, capture_output=True, check=True,
        )  # fmt: skip
        walls.append(time.perf_counter() - started)
    print(f"  kccdesk report, one client, fresh interpreter: {statistics.median(walls[1:]):.2f} s")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
