"""`kccdesk search`, `duty`, `gaps`, `check-phone`: what an agent looks up, without the desk."""

from __future__ import annotations

from datetime import datetime

from kccdesk.cli.common import (
    EXIT_REFUSED,
    MAX_DAYS,
    MAX_LIMIT,
    CliError,
    bounded_number,
    day_name,
    instant,
    open_desk,
    print_json,
)


def add_parsers(sub) -> None:
    p = sub.add_parser("search", help="zoek personen, afdelingen en onderwerpen")
    p.add_argument("query", nargs="+", metavar="ZOEKTERM")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--client", metavar="ID")
    scope.add_argument("--all", action="store_true", help="zoek bij alle clients")
    p.add_argument("--limit", type=bounded_number(1, MAX_LIMIT), default=10)
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
    p.add_argument(
        "--days",
        # a number, not nan or a negative one; the service refuses a span it will not scan
        type=bounded_number(0.01, MAX_DAYS, whole=False),
        default=14,
        help="aantal dagen vooruit, ook een deel (standaard 14)",
    )
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("check-phone", help="controleer een telefoonnummer (exit 1 bij ongeldig)")
    p.add_argument("number", metavar="NUMMER")
    p.add_argument("--country", default="NL", help="standaardland: NL of BE")
    p.add_argument("--json", action="store_true")


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


def cmd_search(args) -> int:
    from kccdesk import texts

    desk = open_desk(args)
    hits = desk.search(" ".join(args.query), None if args.all else args.client, args.limit)
    if args.json:
        print_json([h.as_dict(with_client=args.all) for h in hits])
        return 0
    if not hits:
        print("niets gevonden")
    width = max(len(k) for k in texts.KIND.values())
    for hit in hits:
        client = f"{hit.entry.client}  " if args.all else ""
        stale = "  (niet actueel)" if not hit.current else ""
        kind = texts.KIND.get(hit.kind, hit.kind)
        line = f"{hit.score:5.1f}  {client}{kind:<{width}} {hit.entry.id:<24} {hit.entry.title}"
        print(line + stale)
    return 0


def cmd_duty(args) -> int:
    from kccdesk import texts

    desk = open_desk(args)
    client = desk.client(args.client)
    status = desk.duty(client.id, instant(args.at, client.zone))
    if args.json:
        print_json(
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
                        "busy_until": d.busy_until.isoformat() if d.busy_until else None,
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
                        "source": a.absence.source if a.absence else "",
                    }
                    for a in status.absent
                ],
                "next_change": status.next_change.isoformat() if status.next_change else None,
                "open": status.open,
                "opens_at": status.opens_at.isoformat() if status.opens_at else None,
            }
        )
        return 0
    # a feed's freshness is of this moment, whatever moment the roster is asked about
    now = desk.clock().astimezone(client.zone)
    print(f"{client.name} — {day_name(status.at)} {status.at:%d-%m-%Y %H:%M %Z}")
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
        busy = ""
        if d.busy_until is not None:
            until = texts.busy_until(d.busy_until, status.at)
            busy = f" — {texts.BUSY}: {texts.BUSY_UNTIL.format(until=until)}"
        print(f"  {d.label} ({d.person}) tot {day_name(d.until)} {d.until:%H:%M}{busy}")
    for a in status.absent:
        if a.route is not None and a.route.chained:
            print(f"Afwezig: {texts.route_text(client, a.route, status.at)}")
            continue
        repl = f", vervangen door {a.replacement_name}" if a.replaced_by else ", geen vervanger"
        reason = f" ({a.reason})" if a.reason else ""
        source = texts.agenda_source(client, a.absence, now)
        source = f" — {source}" if source else ""
        until = texts.absent_until(a.absence, status.at)
        print(f"Afwezig: {a.name}{reason} {until}{repl}{source}")
    if status.next_change:
        print(f"Volgende wissel: {day_name(status.next_change)} {status.next_change:%d-%m %H:%M}")
    for line in texts.agenda_stale(client, now, detail=True):
        print(line)
    return 0


def cmd_gaps(args) -> int:
    desk = open_desk(args)
    found = desk.gaps(args.client, _start(args.start), args.days, replacements=True)
    if args.json:
        print_json([gap.as_dict() for gap in found])
        return EXIT_REFUSED if found else 0
    if not found:
        print("Geen dekkingsgaten.")
        return 0
    from kccdesk.core.when import day_date_time

    for gap in found:
        client = desk.client(gap.client)
        print(
            f"{client.name} ({gap.client}): {day_date_time(gap.start)} – "
            f"{day_date_time(gap.end)}  {gap.shortfall} — {gap.reason}"
        )
    return EXIT_REFUSED


def cmd_check_phone(args) -> int:
    from kccdesk.clients.phones import SUPPORTED_COUNTRIES, check

    if args.country.upper() not in SUPPORTED_COUNTRIES:
        raise CliError(f"--country '{args.country}' wordt niet ondersteund (NL of BE)")
    result = check(args.number, args.country)
    if args.json:
        data = result.as_dict()
        print_json(data)
    elif result.valid:
        warning = f"\n  let op: {result.warning}" if result.warning else ""
        print(
            f"geldig nummer ({result.type}, {result.country}): {result.display}  [{result.e164}]"
            f"{warning}"
        )
    else:
        print(f"ongeldig: {result.error}")
    return 0 if result.valid else EXIT_REFUSED


COMMANDS = {
    "search": cmd_search,
    "duty": cmd_duty,
    "gaps": cmd_gaps,
    "check-phone": cmd_check_phone,
}
