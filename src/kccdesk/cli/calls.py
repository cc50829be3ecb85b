"""`kccdesk ring`: the softphone tells the running desk which line rings."""

from __future__ import annotations

import sys

from kccdesk.cli.common import EXIT_REFUSED, CliError, database_url, print_json


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "ring", help="softphone: laat de draaiende desk de klant van dit gesprek tonen"
    )
    p.add_argument("--line", required=True, metavar="GEKOZEN", help="het nummer dat de beller koos")
    p.add_argument("--caller", default="", metavar="BELLER", help="nummerweergave van de beller")
    p.add_argument("--json", action="store_true")


def cmd_ring(args) -> int:
    from kccdesk.calls import ringing
    from kccdesk.core import locations

    # The desk of this user's database; without --demo also the demo desk, so the README's
    # softphone line works while someone tries `kccdesk demo`.
    own = database_url(args)
    urls = [own] if args.demo else [own, locations.demo_database_url()]
    reply = None
    for url in urls:
        try:
            reply = ringing.ring(
                ringing.socket_path(locations.local_dir(url)), args.line, args.caller
            )
            break
        except OSError:
            continue
    if reply is None:
        raise CliError("er draait geen desk voor deze gebruiker (ook geen demo-desk)")
    if args.json:
        print_json(reply)
    elif reply.get("ok"):
        print(f"desk toont {reply['client']}")
    else:
        print(f"kccdesk: {reply.get('error', 'onbekende fout')}", file=sys.stderr)
    return 0 if reply.get("ok") else EXIT_REFUSED


COMMANDS = {
    "ring": cmd_ring,
}
