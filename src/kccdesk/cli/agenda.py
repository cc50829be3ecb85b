"""`kccdesk agenda sync`: read the people's calendar feeds into the roster now."""

from __future__ import annotations

from kccdesk.cli.common import EXIT_REFUSED, open_desk, print_json


def add_parsers(sub) -> None:
    p = sub.add_parser("agenda", help="agenda's (ICS) van medewerkers inlezen in het rooster")
    actions = p.add_subparsers(dest="agenda_action", metavar="ACTIE", required=True)
    sync = actions.add_parser(
        "sync", help="lees de agenda's nu (exit 1 als een agenda niet te lezen was)"
    )
    sync.add_argument("--client", metavar="ID", help="alleen deze client (standaard: alle)")
    sync.add_argument("--json", action="store_true")


def cmd_agenda(args) -> int:
    desk = open_desk(args)
    if args.client is not None:
        desk.client(args.client)  # an unknown id: one line naming the known ones
    outcomes = desk.sync_agendas(args.client)
    if args.json:
        print_json(
            [
                {
                    "client": o.client,
                    "person": o.person,
                    "status": o.status,
                    "message": o.message,
                    "added": o.added,
                    "removed": o.removed,
                    "busy": o.busy,
                    "overruled": o.overruled,
                    "skipped": list(o.skipped),
                }
                for o in outcomes
            ]
        )
        return EXIT_REFUSED if any(o.failed for o in outcomes) else 0
    if not outcomes:
        print('Geen agenda\'s ingesteld (agenda = "https://…ics" bij een persoon).')
        return 0
    for o in outcomes:
        line = f"{o.client} · {o.name}: {o.status}"
        if o.failed:
            line += f" — {o.message}; wat de agenda eerder gaf blijft staan"
        elif o.status == "bijgewerkt":
            line += (
                f" ({_count(o.added, 'afwezigheid', 'afwezigheden')} erbij, {o.removed} eraf, "
                f"{_count(o.busy, 'afspraak', 'afspraken')})"
            )
            if o.overruled:
                line += f"; {o.overruled} wijkt voor een eigen invoer van de roosteraar"
        if o.skipped:
            line += "; " + "; ".join(o.skipped)
        print(line)
    return EXIT_REFUSED if any(o.failed for o in outcomes) else 0


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


COMMANDS = {"agenda": cmd_agenda}
