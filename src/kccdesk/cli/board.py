"""`kccdesk board`: the shift lead's board on its own terminal (a wall screen), or printed;
`kccdesk remind`: set a reminder (hold until) and list them."""

from __future__ import annotations

from kccdesk.cli.common import CliError, open_desk, print_json


def add_parsers(sub) -> None:
    p = sub.add_parser("board", help="het bord van de roosteraar: openstaand werk van alle clients")
    p.add_argument(
        "--json", action="store_true", help="druk het bord af in plaats van het te tonen"
    )

    p = sub.add_parser("remind", help="leg een taak weg tot een tijd; ze komt dan terug")
    p.add_argument("--client", required=True, metavar="ID")
    p.add_argument("--at", required=True, metavar="WANNEER", help="14:00, morgen 9:30, over 20 min")
    p.add_argument("text", nargs="+", metavar="TEKST")
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

    desk = open_desk(args)
    client = desk.client(args.client)
    try:
        reminder = desk.set_reminder(client.id, " ".join(args.text), args.at)
    except InputError as exc:
        raise CliError(str(exc)) from None
    due = reminder.due_at.astimezone(client.zone)
    if args.json:
        print_json({"id": reminder.id, "client": client.id, "due": due.isoformat()})
    else:
        print(f"Teruggelegd tot {due:%d-%m-%Y %H:%M}: {reminder.text}")
    return 0


COMMANDS = {"board": cmd_board, "remind": cmd_remind}
