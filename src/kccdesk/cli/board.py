"""`kccdesk board`: the shift lead's board on its own terminal (a wall screen), or printed;
`kccdesk remind`: set a reminder (hold until) and list them."""

from __future__ import annotations

from kccdesk.cli.common import CliError, bounded_number, open_desk, print_json


def add_parsers(sub) -> None:
    p = sub.add_parser("board", help="het bord van de roosteraar: openstaand werk van alle clients")
    p.add_argument(
        "--json", action="store_true", help="druk het bord af in plaats van het te tonen"
    )

    p = sub.add_parser(
        "remind", help="leg een taak weg tot een tijd (ze komt dan terug), of meld er een af"
    )
    p.add_argument("--client", metavar="ID")
    p.add_argument("--at", metavar="WANNEER", help="14:00, morgen 9:30, over 20 min")
    p.add_argument(
        "--done",
        type=bounded_number(1, 2**31 - 1),
        metavar="NR",
        help="deze herinnering is afgehandeld",
    )
    p.add_argument("--list", action="store_true", help="de open herinneringen")
    p.add_argument("text", nargs="*", metavar="TEKST")
    p.add_argument("--json", action="store_true")


def cmd_board(args) -> int:
    if not args.json:
        from kccdesk.ui.factory import run_desk

        return run_desk(demo=args.demo, board=True)
    desk = open_desk(args)
    board = desk.board()
    print_json(
        {
            "at": board.at.isoformat(),
            "items": [
                {
                    "kind": item.kind,
                    "key": item.key,
                    "target": list(item.target),
                    "client": item.client,
                    "title": item.title,
                    "since": item.since.isoformat(),
                    "due": item.due.isoformat() if item.due else None,
                    "state": item.state(board.at),
                }
                for item in board.items
            ],
            "desks": [
                {
                    "agent": d.agent,
                    "user": d.user,
                    "client": d.client,
                    "call_started": d.call_started.isoformat() if d.call_started else None,
                    "seen_at": d.seen_at.isoformat(),
                }
                for d in board.desks
            ],
        }
    )
    return 0


def cmd_remind(args) -> int:
    from kccdesk.core.errors import InputError
    from kccdesk.core.settings import load_settings

    desk = open_desk(args)
    agent = load_settings().agent_name  # the name the reminder comes back to
    if args.done is not None:
        done = desk.finish_reminder(args.done, agent)
        if args.json:
            print_json({"id": done.id, "done": True})
        else:
            print(f"Afgehandeld: {done.text}")
        return 0
    if args.list:
        open_ones = desk.reminders()
        if args.json:
            print_json(
                [
                    {"id": r.id, "client": r.client, "agent": r.agent, "text": r.text,
                     "due": r.due_at.isoformat()}
                    for r in open_ones
                ]
            )  # fmt: skip
        for r in [] if args.json else open_ones:
            print(f"{r.id}  {r.due_at.astimezone(desk.client(r.client).zone):%d-%m %H:%M}  "
                  f"{r.client}  {r.agent}: {r.text}")  # fmt: skip
        return 0
    if not args.client or not args.at or not args.text:
        raise CliError("geef --client, --at en de tekst (of --done NR, of --list)")
    client = desk.client(args.client)
    try:
        reminder = desk.set_reminder(client.id, " ".join(args.text), args.at, agent=agent)
    except InputError as exc:
        raise CliError(str(exc)) from None
    due = reminder.due_at.astimezone(client.zone)
    if args.json:
        print_json({"id": reminder.id, "client": client.id, "due": due.isoformat()})
    else:
        print(f"Teruggelegd tot {due:%d-%m-%Y %H:%M}: {reminder.text}")
    return 0


COMMANDS = {"board": cmd_board, "remind": cmd_remind}
