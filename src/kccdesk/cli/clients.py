"""`kccdesk import` and `export`: the client files in and out."""

from __future__ import annotations

from kccdesk.cli.common import CliError, open_desk, print_json


def add_parsers(sub) -> None:
    p = sub.add_parser("import", help="importeer client-TOML (bestanden of mappen), alles of niets")
    p.add_argument("paths", nargs="+", metavar="PAD")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="schrijf alle clients als TOML naar een map")
    p.add_argument("directory", metavar="MAP")
    p.add_argument("--json", action="store_true")


def cmd_import(args) -> int:
    from kccdesk.clientfile import Origins, load_clients

    origins: Origins = {}
    exported: dict = {}
    desk = open_desk(args)
    clients = load_clients(args.paths, origins, exported, desk.clock())
    report = desk.import_clients(clients, "import", origins, exported)
    if args.json:
        print_json(report.__dict__)
    else:
        print(
            f"{len(report.added)} nieuw, {len(report.updated)} bijgewerkt, "
            f"{len(report.unchanged)} ongewijzigd"
        )
        for warning in report.warnings:
            print(f"Let op: {warning}")
    return 0


def cmd_export(args) -> int:
    from pathlib import Path

    from kccdesk.clientfile import dump_client
    from kccdesk.core.files import write_owner_only

    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        raise CliError(f"{target} is een bestand, geen map; kies een (nieuwe) map")
    written = []
    try:  # a folder that cannot be made or written to (e.g. under /proc) is one line
        target.mkdir(parents=True, exist_ok=True)
        desk = open_desk(args)
        for client in desk.clients:
            path = target / f"{client.id}.toml"
            # Owner-only (0600) whatever the umask: the files name the clients' people.
            write_owner_only(path, dump_client(client, desk.clock()).encode("utf-8"))
            written.append(str(path))
    except OSError as exc:
        raise CliError(f"kan niet schrijven in {target}: {exc.strerror or exc}") from None
    if args.json:
        print_json({"written": written})
    else:
        print(f"{len(written)} clients geschreven naar {target}")
    return 0


COMMANDS = {
    "import": cmd_import,
    "export": cmd_export,
}
