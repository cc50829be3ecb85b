"""Coverage gaps for every client over 14 days, against a naive baseline.

    python benchmarks/gaps.py [--clients 200] [--days 14] [--sample 10]

The synthetic clients (benchmarks/synthetic.py) get a realistic roster on top of their office
shifts: an on-call department with day and night shifts that run through public holidays
(`on_closures`), some of them absent (with or without `covers`), a closure day, public holidays,
and coverage rows (office hours on weekdays for two departments, 24/7 through holidays for the
on-call one).
`kccdesk.duty.coverage.gaps` runs over all clients; the baseline asks `duty_at` once per
client-hour (as a script without the sweep would) on a sample of clients and is scaled to all.
Both run in this process on the same data; the window starts on 2026-12-20 so Christmas is in.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_clients

from kccdesk.clients.model import WEEKDAYS, Absence, Client, Closure, Coverage, WeeklyShift
from kccdesk.duty.coverage import gaps
from kccdesk.duty.roster import closure_reason, duty_at

START = datetime(2026, 12, 20, tzinfo=ZoneInfo("Europe/Amsterdam"))
OFFICE = ("mon", "tue", "wed", "thu", "fri")


def with_coverage(client: Client, rng: random.Random) -> Client:
    departments = sorted({p.department for p in client.people})
    on_call, office_a, office_b = departments[:3]
    crew = [p.id for p in client.people if p.department == on_call]
    shifts = list(client.shifts)
    # Day and night on call, the crew taking turns per weekday; every fifth client forgets one.
    for i, day in enumerate(WEEKDAYS):
        if client.id.endswith("5") and day == "sun":
            continue
        first, second = crew[i % len(crew)], crew[(i + 1) % len(crew)]
        shifts.append(WeeklyShift(first, (day,), clock(7), clock(19), on_closures=True))
        shifts.append(WeeklyShift(second, (day,), clock(19), clock(7), on_closures=True))
    for dept in (office_a, office_b):
        member = next(p.id for p in client.people if p.department == dept)
        if not any(s.person == member for s in shifts):
            shifts.append(WeeklyShift(member, OFFICE, clock(8, 30), clock(17)))
    absences = []
    if rng.random() < 0.5:
        absences.append(
            Absence(
                crew[0],
                date(2026, 12, 22) + timedelta(days=rng.randrange(5)),
                None if rng.random() < 0.3 else date(2027, 1, 3),
                reason="ziek",
                replaced_by=crew[1] if len(crew) > 1 else None,
                covers=len(crew) > 1 and rng.random() < 0.6,
            )
        )
    return replace(
        client,
        public_holidays="NL",
        shifts=tuple(shifts),
        absences=tuple(absences),
        closures=(Closure(date(2026, 12, 31), date(2026, 12, 31), "oudejaarsdag"),),
        coverage=(
            Coverage(WEEKDAYS, clock(0), None, department=on_call, on_closures=True),
            Coverage(OFFICE, clock(8, 30), clock(17), department=office_a),
            Coverage(OFFICE, clock(9), clock(16), department=office_b),
        ),
    )


def naive_short_hours(client: Client, days: int) -> int:
    """One duty computation per client-hour: hours in which a coverage row is short."""
    short = 0
    people = {p.id: p.department for p in client.people}
    for hour in range(days * 24):
        moment = START + timedelta(hours=hour)
        local = moment.astimezone(client.zone)
        status = duty_at(client, moment)
        closed = closure_reason(client, local.date()) is not None
        for row in client.coverage:
            if WEEKDAYS[local.weekday()] not in row.days or (closed and not row.on_closures):
                continue
            start = row.start.hour * 60 + row.start.minute
            end = 1440 if row.end is None else row.end.hour * 60 + row.end.minute
            now = local.hour * 60 + local.minute
            if not start <= now < end:
                continue
            count = sum(1 for d in status.on_duty if people[d.person] == row.department)
            short += count < row.min
    return short


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--sample", type=int, default=10)
    args = parser.parse_args()

    rng = random.Random(13)
    clients = [with_coverage(c, rng) for c in make_clients(args.clients, 60)]
    end = START + timedelta(days=args.days)

    began = time.perf_counter()
    found = [g for c in clients for g in gaps(c, START, end)]
    swept = time.perf_counter() - began

    sample = clients[: args.sample]
    began = time.perf_counter()
    naive = sum(naive_short_hours(c, args.days) for c in sample)
    per_client = (time.perf_counter() - began) / len(sample)

    swept_short = sum(
        1
        for c in sample
        for hour in range(args.days * 24)
        for g in found
        if g.client == c.id and g.start <= START + timedelta(hours=hour) < g.end
    )
    gap_clients = len({g.client for g in found})
    print(f"{len(clients)} clients × {args.days} days, coverage rows: 3 per client")
    print(
        f"gaps (sweep):      {swept:7.3f} s for all clients  "
        f"({len(found)} gaps at {gap_clients} clients)  goal ≤ 1 s"
    )
    print(
        f"naive (duty/hour): {per_client * len(clients):7.3f} s scaled from {len(sample)} "
        f"clients ({per_client * 1000:.0f} ms each; {naive} short client-hours in the sample, "
        f"{swept_short} by the sweep)"
    )
    print(f"speed-up:          {per_client * len(clients) / swept:7.1f}×")


if __name__ == "__main__":
    main()
