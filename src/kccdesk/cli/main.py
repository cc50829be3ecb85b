"""The command line of DESIGN.md. Every command that prints data takes --json; errors are one
Dutch line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, NoReturn

EXIT_REFUSED = 1  # the input was checked and refused (invalid number, note not allowed)
EXIT_ERROR = 2  # bad usage, bad file, unknown id, database trouble
EXIT_PIPE = 128 + 13  # the reader went away (`| head`): silent, as a tool killed by SIGPIPE
#: a retention of a hundred years is already more than any answering service keeps
MAX_RETENTION_DAYS = 36500


class CliError(Exception):
    pass


#: desks this command opened; closed before a quick exit (their database connections)
_OPENED: list[Any] = []
#: the command that ran prints and ends (not the desk, whose interface tidies up at exit)
_QUICK_EXIT: list[bool] = []


#: argparse's own error phrases, in Dutch
ARGPARSE_DUTCH = (
    ("the following arguments are required", "deze argumenten ontbreken"),
    ("unrecognized arguments", "onbekende argumenten"),
    ("invalid choice", "ongeldige keuze"),
    ("choose from", "kies uit"),
    ("invalid int value", "geen geheel getal"),
    ("expected one argument", "verwacht één waarde"),
    ("not allowed with argument", "niet samen met"),
    ("one of the arguments", "een van de argumenten"),
    ("is required", "is verplicht"),
)


class _DutchHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its framing in Dutch: usage, headings, --help and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _DutchHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def error(self, message: str) -> NoReturn:
        for english, dutch in ARGPARSE_DUTCH:
            message = message.replace(english, dutch)
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: fout: {message}\n")


#: the most rows a list prints (a larger --limit is refused, not sent to the database)
MAX_LIMIT = 100_000
#: the most days a look back (--days) may span: a century of call logs
MAX_DAYS = 36_500


def whole_number(low: int, high: int):
    """An argparse type: a whole number in [low, high], refused with a Dutch line (a huge
    number would otherwise reach the database as an overflow)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:30]}' is geen geheel getal") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text[:30]} ligt niet tussen {low} en {high}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kccdesk",
        description="De desk van een klantcontactcentrum: zoeken, dienst, doorverbinden, "
        "terugbelnotities. Zonder opdracht opent de desk.",
    )
    parser.add_argument("--demo", action="store_true", help="werk op de meegeleverde demodatabase")
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT")

    sub.add_parser("demo", help="open de desk op de demodata, zonder installatie")
    sub.add_parser("desk", help="open de desk (hetzelfde als zonder opdracht)")

    p = sub.add_parser("import", help="importeer client-TOML (bestanden of mappen), alles of niets")
    p.add_argument("paths", nargs="+", metavar="PAD")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="schrijf alle clients als TOML naar een map")
    p.add_argument("directory", metavar="MAP")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="zoek personen, afdelingen en onderwerpen")
    p.add_argument("query", nargs="+", metavar="ZOEKTERM")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--client", metavar="ID")
    scope.add_argument("--all", action="store_true", help="zoek bij alle clients")
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=10)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("duty", help="wie heeft nu dienst, tot wanneer; wie is afwezig")
    p.add_argument("--client", required=True, metavar="ID")
    p.add_argument("--at", metavar="ISO-TIJD", help="tijdstip; zonder offset: klok van de client")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "gaps", help="dekkingsgaten: wanneer te weinig mensen dienst hebben (exit 1 bij een gat)"
    )
    p.add_argument("--client", metavar="ID", help="alleen deze client (standaard: alle)")
    p.add_argument(
        "--from",
        dest="start",
        metavar="WANNEER",
        help="ISO-datum of -tijd (standaard nu); zonder offset: klok van de client",
    )
    p.add_argument("--days", type=float, default=14, help="aantal dagen vooruit (standaard 14)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("check-phone", help="controleer een telefoonnummer (exit 1 bij ongeldig)")
    p.add_argument("number", metavar="NUMMER")
    p.add_argument("--country", default="NL", help="standaardland: NL of BE")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("db", help="databaseschema: bekijken of bijwerken")
    db = p.add_subparsers(dest="db_command", metavar="upgrade|current|roles|grant", required=True)
    up = db.add_parser("upgrade", help="werk het schema bij naar deze versie van kccdesk")
    up.add_argument("--json", action="store_true")
    cur = db.add_parser("current", help="toon de schemaversie van de database")
    cur.add_argument("--json", action="store_true")
    roles = db.add_parser(
        "roles", help="PostgreSQL: maak de rollen agent, shift_lead, team_lead, retention"
    )
    grant = db.add_parser("grant", help="PostgreSQL: geef een login een rol")
    grant.add_argument("login", metavar="LOGIN")
    grant.add_argument("role", metavar="ROL", help="agent, shift_lead, team_lead of retention")
    for q in (roles, grant):
        q.add_argument("--prefix", default="kccdesk", help="voorvoegsel van de rolnamen")
        q.add_argument("--json", action="store_true")

    p = sub.add_parser("purge", help="verwijder notities en gesprekken ouder dan de bewaartermijn")
    # A plain int: the service refuses a retention it cannot mean, in one line of its own.
    p.add_argument("--days", type=int, default=None, help="bewaartermijn (standaard: instelling)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "ring", help="softphone: laat de draaiende desk de klant van dit gesprek tonen"
    )
    p.add_argument("--line", required=True, metavar="GEKOZEN", help="het nummer dat de beller koos")
    p.add_argument("--caller", default="", metavar="BELLER", help="nummerweergave van de beller")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "overrides", help="bewust genegeerde waarschuwingen en gestopte doorverbindingen"
    )
    p.add_argument("--client", metavar="ID")
    p.add_argument(
        "--days", type=whole_number(1, MAX_DAYS), default=7, help="zoveel dagen terug (standaard 7)"
    )
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "review",
        help="dagoverzicht teamleider: feedback, genegeerde waarschuwingen, mislukte notities",
    )
    p.add_argument("--day", metavar="JJJJ-MM-DD", help="deze dag (standaard: gisteren)")
    p.add_argument("--json", action="store_true", help="druk het overzicht af, zonder desk")

    p = sub.add_parser(
        "report",
        help="rapportage per klant en week: kerncijfers, feedback, patronen, wat wij vragen",
    )
    p.add_argument("--client", required=True, metavar="ID")
    p.add_argument(
        "--week", metavar="JJJJ-Www", help="ISO-week, bijv. 2026-W48 (standaard: vorige week)"
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true")
    form.add_argument("--csv", action="store_true", help="één tabel: kerncijfers en feedback")
    form.add_argument("--md", action="store_true", help="Markdown, om te mailen of te printen")

    p = sub.add_parser("send", help="verstuur de terugbelnotities die klaarstaan (één ronde)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("note", help="terugbelnotities")
    notes = p.add_subparsers(dest="note_command", metavar="add|list", required=True)
    add = notes.add_parser("add", help="neem een terugbelnotitie op")
    add.add_argument("--client", required=True, metavar="ID")
    add.add_argument("--to", required=True, metavar="PERSOON")
    add.add_argument("--name", required=True, metavar="NAAM")
    add.add_argument("--phone", required=True, metavar="NUMMER")
    add.add_argument("--message", required=True, metavar="TEKST")
    add.add_argument("--urgency", default="normaal", choices=("normaal", "dringend"))
    add.add_argument("--agent", default=None)
    add.add_argument(
        "--keep-absent-recipient",
        action="store_true",
        help="bewaar voor een afwezige ontvanger toch (wordt gelogd)",
    )
    add.add_argument("--json", action="store_true")
    lst = notes.add_parser("list", help="toon terugbelnotities, nieuwste eerst")
    lst.add_argument("--client", metavar="ID")
    lst.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=50)
    lst.add_argument("--json", action="store_true")

    from kccdesk.cli.feedback import add_parser as add_feedback_parser

    add_feedback_parser(sub)
    return parser


def _day(moment: datetime) -> str:
    """'ma', 'di', …: Dutch day names whatever the machine's locale."""
    from kccdesk.clients.model import DUTCH_WEEKDAYS

    return DUTCH_WEEKDAYS[moment.weekday()]


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _store(args, clock):
    from kccdesk.core import locations
    from kccdesk.service.desk import open_demo_store
    from kccdesk.storage import open_store

    return open_demo_store(clock) if args.demo else open_store(locations.database_url())


def _desk(args):
    from dataclasses import replace

    from kccdesk.core.clock import clock_from_environment
    from kccdesk.core.settings import load_settings
    from kccdesk.service.desk import Desk

    try:
        clock = clock_from_environment()
    except ValueError as exc:
        raise CliError(str(exc)) from None
    settings = load_settings()
    actor = settings.actor()
    if args.demo:  # the demo is a sandbox: its user may try the team lead's review
        actor = replace(actor, team_lead=True)
    desk = Desk(_store(args, clock), clock=clock, actor=actor)
    _OPENED.append(desk)
    desk.adopt_database_identity()
    return desk


def cmd_import(args) -> int:
    from kccdesk.clientfile import Origins, load_clients

    origins: Origins = {}
    clients = load_clients(args.paths, origins)
    report = _desk(args).import_clients(clients, "import", origins)
    if args.json:
        _print_json(report.__dict__)
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
        for client in _desk(args).clients:
            path = target / f"{client.id}.toml"
            # Owner-only (0600) whatever the umask: the files name the clients' people.
            write_owner_only(path, dump_client(client).encode("utf-8"))
            written.append(str(path))
    except OSError as exc:
        raise CliError(f"kan niet schrijven in {target}: {exc.strerror or exc}") from None
    if args.json:
        _print_json({"written": written})
    else:
        print(f"{len(written)} clients geschreven naar {target}")
    return 0


def cmd_search(args) -> int:
    desk = _desk(args)
    hits = desk.search(" ".join(args.query), None if args.all else args.client, args.limit)
    if args.json:
        _print_json([h.as_dict(with_client=args.all) for h in hits])
        return 0
    if not hits:
        print("niets gevonden")
    for hit in hits:
        client = f"{hit.entry.client}  " if args.all else ""
        stale = "  (niet actueel)" if not hit.current else ""
        print(
            f"{hit.score:5.1f}  {client}{hit.kind:<10} {hit.entry.id:<24} {hit.entry.title}{stale}"
        )
    return 0


def _instant(text: str | None, zone) -> datetime | None:
    """--at as an aware instant (a time without offset is the client's wall clock); None:
    now, by the desk's clock."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--at '{text}' is geen ISO-tijd (bijv. 2026-12-24T22:30)") from None
    if value.tzinfo:
        return value
    from kccdesk.duty.roster import wall_time_exists

    if not wall_time_exists(value, zone):
        raise CliError(
            f"--at '{text}' bestaat niet in {zone}: de klok springt die nacht een uur vooruit "
            "(zomertijd); kies een tijd ervoor of erna"
        )
    return value.replace(tzinfo=zone)


def cmd_duty(args) -> int:
    from kccdesk import texts

    desk = _desk(args)
    client = desk.client(args.client)
    status = desk.duty(client.id, _instant(args.at, client.zone))
    if args.json:
        _print_json(
            {
                "client": client.id,
                "at": status.at.isoformat(),
                "closed": status.closed,
                "on_duty": [
                    {
                        "person": d.person,
                        "name": d.name,
                        "until": d.until.isoformat(),
                        "covering": d.covering,
                    }
                    for d in status.on_duty
                ],
                "absent": [
                    {
                        "person": a.person,
                        "name": a.name,
                        "until": a.until.isoformat() if a.until else None,
                        "reason": a.reason,
                        "replaced_by": a.replaced_by,
                        "replacement_absent": a.replacement_absent,
                        "ends": a.ends.isoformat() if a.ends else None,
                        "notes_to": a.route.recipient if a.route else a.replaced_by,
                        "chain": [step.person for step in a.route.skipped] if a.route else [],
                    }
                    for a in status.absent
                ],
                "next_change": status.next_change.isoformat() if status.next_change else None,
                "open": status.open,
                "opens_at": status.opens_at.isoformat() if status.opens_at else None,
            }
        )
        return 0
    print(f"{client.name} — {_day(status.at)} {status.at:%d-%m-%Y %H:%M %Z}")
    if status.shut:
        print(f"Gesloten: {status.shut}")
    elif status.closed:  # a 24/7 line on a holiday: open, on its holiday rota
        print(f"Feestdag of sluitingsdag: {status.closed}")
    opening = texts.opening_line(status, client.opening_hours)
    if opening:
        print(opening[0].upper() + opening[1:])
    if status.open is False and client.after_hours:
        print(texts.AFTER_HOURS.format(text=client.after_hours))
    print("Dienst:" if status.on_duty else "Niemand heeft dienst.")
    for d in status.on_duty:
        print(f"  {d.label} ({d.person}) tot {_day(d.until)} {d.until:%H:%M}")
    for a in status.absent:
        if a.route is not None and a.route.chained:
            print(f"Afwezig: {texts.route_text(client, a.route, status.at)}")
            continue
        repl = f", vervangen door {a.replacement_name}" if a.replaced_by else ", geen vervanger"
        reason = f" ({a.reason})" if a.reason else ""
        print(f"Afwezig: {a.name}{reason} {texts.absent_until(a.absence, status.at)}{repl}")
    if status.next_change:
        print(f"Volgende wissel: {_day(status.next_change)} {status.next_change:%d-%m %H:%M}")
    return 0


def _start(text: str | None):
    """--from as a day or a time (aware, or naive: the client's wall clock); None: now."""
    if not text:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"--from '{text}' is geen ISO-datum of -tijd (bijv. 2026-12-24 of 2026-12-24T22:30)"
        ) from None


def cmd_gaps(args) -> int:
    desk = _desk(args)
    found = desk.gaps(args.client, _start(args.start), args.days, replacements=True)
    if args.json:
        _print_json([gap.as_dict() for gap in found])
        return EXIT_REFUSED if found else 0
    if not found:
        print("Geen dekkingsgaten.")
        return 0
    from kccdesk.clients.model import DUTCH_WEEKDAYS

    def when(moment: datetime) -> str:
        return f"{DUTCH_WEEKDAYS[moment.weekday()]} {moment:%d-%m-%Y %H:%M}"

    for gap in found:
        client = desk.client(gap.client)
        if gap.kind == "replacement":
            print(
                f"{client.name} ({gap.client}): {when(gap.start)} – {when(gap.end)}  "
                f"vervangingsgat — {gap.reason}"
            )
            continue
        who = gap.department or "iemand"
        print(
            f"{client.name} ({gap.client}): {when(gap.start)} – {when(gap.end)}  "
            f"{who}: {gap.on_duty} van {gap.required} in dienst — {gap.reason}"
        )
    return EXIT_REFUSED


def cmd_check_phone(args) -> int:
    from kccdesk.clients.phones import SUPPORTED_COUNTRIES, check

    if args.country.upper() not in SUPPORTED_COUNTRIES:
        raise CliError(f"--country '{args.country}' wordt niet ondersteund (NL of BE)")
    result = check(args.number, args.country)
    if args.json:
        data = result.as_dict()
        _print_json(data)
    elif result.valid:
        warning = f"\n  let op: {result.warning}" if result.warning else ""
        print(
            f"geldig {result.type} nummer ({result.country}): {result.display}  [{result.e164}]"
            f"{warning}"
        )
    else:
        print(f"ongeldig: {result.error}")
    return 0 if result.valid else EXIT_REFUSED


def cmd_note(args) -> int:
    from kccdesk.clients.phones import display
    from kccdesk.core.settings import load_settings
    from kccdesk.notes.rules import NoteRefused

    desk = _desk(args)
    if args.note_command == "list":
        if args.client:
            desk.client(args.client)  # an unknown client is an error, not an empty list
        notes = desk.notes(args.client, limit=args.limit)
        if args.json:
            _print_json([n.as_dict() for n in notes])
        from kccdesk.texts import STATUS

        for n in [] if args.json else notes:
            # The client's own clock, as everywhere in the desk; statuses in Dutch.
            zone = desk.client(n.client).zone if desk.has_client(n.client) else None
            when = n.created_at.astimezone(zone).strftime("%d-%m %H:%M")
            via = f" (voor {n.addressed_to})" if n.addressed_to else ""
            print(
                f"#{n.id} {when} {n.client} → {n.recipient}{via}: {n.caller_name} "
                f"{display(n.caller_phone)} — {n.message} [{STATUS.get(n.status, n.status)}]"
            )
        return 0
    if desk.actor.claims_someone_else(args.agent or ""):
        raise CliError(
            f"--agent {args.agent!r}: op PostgreSQL is de agent uw login ({desk.actor.user}); "
            "een notitie kan niet namens een ander worden opgeslagen"
        )
    agent = args.agent or load_settings().agent_name
    try:
        note = desk.add_note(
            args.client,
            args.to,
            args.name,
            args.phone,
            args.message,
            urgency=args.urgency,
            agent=agent,
            keep_absent_recipient=args.keep_absent_recipient,
        )
    except NoteRefused as exc:
        print(f"kccdesk: notitie niet opgeslagen: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if args.json:
        _print_json(note.as_dict())
    else:
        via = (
            f" (voor {note.addressed_to}; volgens afspraak met de klant naar {note.recipient})"
            if note.addressed_to
            else ""
        )
        print(
            f"notitie #{note.id} opgeslagen voor {note.recipient}{via}: terugbellen op "
            f"{display(note.caller_phone)}"
        )
    return 0


def cmd_db(args) -> int:
    from kccdesk.core import locations
    from kccdesk.storage import Store
    from kccdesk.storage.schema import head_revision

    url = locations.demo_database_url() if args.demo else locations.database_url()
    store = Store(url)
    if args.db_command in ("roles", "grant"):
        return _db_roles(args, store)
    if args.db_command == "current":
        data = {"current": store.schema_revision(), "head": head_revision()}
    else:
        before, after = store.upgrade_schema()
        data = {"before": before, "after": after}
    if args.json:
        _print_json(data)
    elif args.db_command == "current":
        print(f"schema {data['current'] or '(leeg)'}; deze kccdesk: {data['head']}")
    else:
        print(f"schema {before or '(leeg)'} → {after}")
    return 0


def _db_roles(args, store) -> int:
    if args.db_command == "roles":
        store.upgrade_schema()  # the owner: the tables to grant on exist and are current
        data = {"roles": store.create_roles(args.prefix)}
        text = "rollen: " + ", ".join(data["roles"])
    else:
        role = store.grant_role(args.login, args.role, args.prefix)
        data = {"login": args.login, "role": role}
        text = f"{args.login} heeft nu de rol {role}"
    if args.json:
        _print_json(data)
    else:
        print(text)
    return 0


def cmd_purge(args) -> int:
    from kccdesk.core.settings import load_settings

    days = args.days if args.days is not None else load_settings().retention_days
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise CliError(f"--days moet tussen 1 en {MAX_RETENTION_DAYS} liggen")
    removed = _desk(args).purge_expired(days)
    if args.json:
        _print_json({"days": days, **removed})
    else:
        print(
            f"{removed['notes']} notities en {removed['calls']} gesprekken ouder dan "
            f"{days} dagen verwijderd"
        )
    return 0


def _url(args) -> str:
    from kccdesk.core import locations

    return locations.demo_database_url() if args.demo else locations.database_url()


def cmd_ring(args) -> int:
    from kccdesk.calls import ringing
    from kccdesk.core import locations

    # The desk of this user's database; without --demo also the demo desk, so the README's
    # softphone line works while someone tries `kccdesk demo`.
    urls = [_url(args)] if args.demo else [_url(args), locations.demo_database_url()]
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
        _print_json(reply)
    elif reply.get("ok"):
        print(f"desk toont {reply['client']}")
    else:
        print(f"kccdesk: {reply.get('error', 'onbekende fout')}", file=sys.stderr)
    return 0 if reply.get("ok") else EXIT_REFUSED


def cmd_overrides(args) -> int:
    if not 1 <= args.days <= 3650:
        raise CliError("--days moet tussen 1 en 3650 liggen")
    desk = _desk(args)
    if args.client:
        desk.client(args.client)
    found = desk.overrides(args.client, args.days)
    if args.json:
        _print_json([o.as_dict() for o in found])
        return 0
    if not found:
        print(f"geen genegeerde waarschuwingen in de laatste {args.days} dagen")
    for o in found:
        zone = desk.client(o.client).zone if desk.has_client(o.client) else None
        when = o.at.astimezone(zone)
        print(f"{_day(when)} {when:%d-%m %H:%M}  {o.client}  {o.kind:<13} {o.agent}: {o.text}")
    return 0


def cmd_feedback(args) -> int:
    from kccdesk.cli.feedback import run

    return run(args, _desk(args), _instant, _print_json)


def cmd_send(args) -> int:
    from kccdesk.core.settings import load_settings

    settings = load_settings()
    if settings.smtp is None:
        raise CliError("geen [smtp] in de instellingen: notities worden niet gemaild")
    desk = _desk(args)
    outcomes = desk.deliver_due(settings.smtp)
    if args.json:
        _print_json([o.__dict__ for o in outcomes])
    else:
        for o in outcomes:
            print(f"#{o.note}: {o.result}{' — ' + o.detail if o.detail else ''}")
        print(f"{len(outcomes)} notities behandeld")
    return 0


def cmd_review(args) -> int:
    """The team lead's daily review: printed with --json, else the desk opens on it."""
    from datetime import date

    day = None
    if args.day:
        from kccdesk.duty.rules import FIRST_DAY, LAST_DAY

        try:
            day = date.fromisoformat(args.day)
        except ValueError:
            raise CliError(f"--day '{args.day}' is geen datum (JJJJ-MM-DD)") from None
        if not FIRST_DAY <= day <= LAST_DAY:
            raise CliError(f"--day {day.isoformat()} ligt buiten {FIRST_DAY.year}–{LAST_DAY.year}")
    desk = _desk(args)
    try:
        review = desk.review(day)  # refused here, before any screen, for a non-team-lead
    finally:
        desk.close()
    if args.json:
        _print_json(review.as_dict())
        return 0
    _require_terminal()
    from kccdesk.ui.factory import run_desk

    return run_desk(demo=args.demo, review=True, review_day=day)


def cmd_report(args) -> int:
    from kccdesk.teamlead import report
    from kccdesk.teamlead.indicators import parse_week

    week = parse_week(args.week, "--week") if args.week is not None else None
    made = _desk(args).report(args.client, week)
    if args.json:
        text = report.to_json(made) + "\n"
    elif args.csv:
        text = report.to_csv(made)
    elif args.md:
        text = report.to_markdown(made)
    else:
        text = report.to_text(made)
    sys.stdout.write(text)
    return 0


def cmd_desk(args, demo: bool) -> int:
    from kccdesk.ui.factory import run_desk

    return run_desk(demo=demo)


COMMANDS = {
    "import": cmd_import,
    "export": cmd_export,
    "search": cmd_search,
    "duty": cmd_duty,
    "gaps": cmd_gaps,
    "check-phone": cmd_check_phone,
    "note": cmd_note,
    "db": cmd_db,
    "ring": cmd_ring,
    "send": cmd_send,
    "overrides": cmd_overrides,
    "feedback": cmd_feedback,
    "purge": cmd_purge,
    "review": cmd_review,
    "report": cmd_report,
}


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the flush at exit stays quiet."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _printable(text: str) -> str:
    """A message as it is safe to show on a terminal: escape sequences, other control
    characters and bidi overrides someone typed into an argument are shown, not obeyed."""
    import unicodedata

    return "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch) in ("Cc", "Cs") else
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) == "Cf" and ch not in "\u200d" else ch
        for ch in text
    )  # fmt: skip


def _argument_trouble(argv: list[str]) -> str | None:
    """Why the arguments cannot be used as text: bytes that are not UTF-8 (a terminal in
    another encoding, a pasted binary) arrive as lone surrogates."""
    for arg in argv:
        if any("\ud800" <= ch <= "\udfff" for ch in arg):
            return f"argument {_printable(arg)[:60]!r} is geen geldige UTF-8-tekst"
    return None


def _require_terminal() -> None:
    """The desk (and the review without --json) is a full-screen program: without a terminal
    it would wait for keys that never come."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError(
            "dit is een schermprogramma en heeft een terminal nodig (voor een overzicht zonder "
            "scherm: --json)"
        )


def main(argv: list[str] | None = None) -> int:
    raw = sys.argv[1:] if argv is None else argv
    trouble = _argument_trouble(raw)
    if trouble:
        print(f"kccdesk: {trouble}", file=sys.stderr)
        return EXIT_ERROR
    args = _parser().parse_args(argv)
    if sys.stdout is None:  # started with standard output closed (>&-)
        print("kccdesk: geen standaarduitvoer om naar te schrijven", file=sys.stderr)
        return EXIT_ERROR
    # light: neither the database layer (for `ring`) nor the client-file reader
    from kccdesk.core.errors import ImportErrors, InputError, StorageError
    from kccdesk.core.settings import SettingsError

    try:
        if args.command in (None, "desk", "demo"):
            _require_terminal()
            return cmd_desk(args, demo=args.demo or args.command == "demo")
        _QUICK_EXIT.append(True)
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a reader that went away shows here, where it is handled
        return code
    except ImportErrors as exc:
        print("kccdesk: niets geïmporteerd:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except (CliError, StorageError, SettingsError, InputError) as exc:
        print(f"kccdesk: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # standard output full or gone (>/dev/full)
        _silence_stdout()
        print(
            f"kccdesk: uitvoer niet te schrijven (schijf vol of gesloten; fout {exc.errno})",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def run() -> NoReturn:
    """The console entry (`kccdesk`, `python -m kccdesk`): main, then a quick exit.

    Tearing down the interpreter (some 350 modules, most of them SQLAlchemy's) costs a
    one-client command 40-60 ms, a seventh of its time, for nothing: the output is flushed
    and the database connections are closed here first. The desk, or anything that left a thread
    running, gets the normal exit."""
    import os
    import threading

    code = main()
    if not _QUICK_EXIT:
        raise SystemExit(code)
    try:
        for desk in _OPENED:
            desk.close()
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    if threading.active_count() > 1:
        raise SystemExit(code)
    os._exit(code)
