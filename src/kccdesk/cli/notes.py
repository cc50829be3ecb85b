"""`kccdesk note add|list` and `send`: callback notes and their mail."""

from __future__ import annotations

import sys

from kccdesk.cli.common import (
    EXIT_REFUSED,
    MAX_LIMIT,
    CliError,
    bounded_number,
    open_desk,
    print_json,
    printable,
)


def add_parsers(sub) -> None:
    p = sub.add_parser("note", help="terugbelnotities")
    notes = p.add_subparsers(dest="note_command", metavar="add|list|show|ack", required=True)
    add = notes.add_parser("add", help="neem een terugbelnotitie op")
    add.add_argument("--client", required=True, metavar="ID")
    add.add_argument("--to", required=True, metavar="PERSOON")
    add.add_argument("--name", required=True, metavar="NAAM")
    add.add_argument("--phone", required=True, metavar="NUMMER")
    add.add_argument("--message", required=True, metavar="TEKST")
    add.add_argument("--urgency", default="normaal", choices=("normaal", "dringend"))
    add.add_argument("--agent", default=None)
    add.add_argument(
        "--type", default="", metavar="SOORT", help="gesprekssoort van de klant ([[call_types]])"
    )
    add.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="VELD=WAARDE",
        help="antwoord op een vraag van de gesprekssoort (herhaal per veld)",
    )
    add.add_argument(
        "--keep-absent-recipient",
        action="store_true",
        help="bewaar voor een afwezige ontvanger toch (wordt gelogd)",
    )
    add.add_argument("--json", action="store_true")
    lst = notes.add_parser("list", help="toon terugbelnotities, nieuwste eerst")
    lst.add_argument("--client", metavar="ID")
    lst.add_argument("--limit", type=bounded_number(1, MAX_LIMIT), default=50)
    lst.add_argument("--json", action="store_true")

    show = notes.add_parser("show", help="een notitie met haar verloop (verstuurd, bevestigd, …)")
    show.add_argument(
        "id", type=bounded_number(1, 2**62), metavar="ID", help="nummer van de notitie"
    )
    show.add_argument("--json", action="store_true")
    ack = notes.add_parser("ack", help="gebeld, bevestigd: de ontvanger heeft het gezien")
    ack.add_argument(
        "id", type=bounded_number(1, 2**62), metavar="ID", help="nummer van de notitie"
    )
    ack.add_argument("--agent", default=None, help="wie belde (standaard: uw naam)")

    p = sub.add_parser("send", help="verstuur de terugbelnotities die klaarstaan (één ronde)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser(
        "escalate", help="één escalatieronde: dringende notities die niemand bevestigde"
    )
    p.add_argument("--json", action="store_true")


def cmd_note(args) -> int:
    from kccdesk.clients.phones import display
    from kccdesk.core.settings import load_settings
    from kccdesk.notes.rules import NoteRefused

    desk = open_desk(args)
    if args.note_command == "show":
        return _show(desk, args)
    if args.note_command == "ack":
        agent = args.agent or load_settings().agent_name
        try:
            desk.note_trail(args.id)
        except Exception as exc:
            raise CliError(printable(str(exc))) from None
        if not desk.acknowledge_at_desk(args.id, agent):
            print(f"notitie #{args.id} was al bevestigd")
            return 0
        print(f"notitie #{args.id} bevestigd (gebeld) door {agent}")
        return 0
    if args.note_command == "list":
        if args.client:
            desk.client(args.client)  # an unknown client is an error, not an empty list
        notes = desk.notes(args.client, limit=args.limit)
        if args.json:
            print_json([n.as_dict() for n in notes])
        from kccdesk.texts import STATUS

        for n in [] if args.json else notes:
            # The client's own clock, as everywhere in the desk; statuses in Dutch.
            zone = desk.client(n.client).zone if desk.has_client(n.client) else None
            when = n.created_at.astimezone(zone).strftime("%d-%m %H:%M")
            via = f" (voor {n.addressed_to})" if n.addressed_to else ""
            kind = f" {n.call_type_title}:" if n.call_type_title else ""
            print(
                f"#{n.id} {when} {n.client} → {n.recipient}{via}:{kind} {n.caller_name} "
                f"{display(n.caller_phone)} — {n.message} [{STATUS.get(n.status, n.status)}]"
            )
            for _, label, value in n.answers:
                if value:
                    print(f"    {label}: {value}")
        return 0
    if desk.actor.claims_someone_else(args.agent or ""):
        raise CliError(
            f"--agent {args.agent!r}: op PostgreSQL is de agent uw login ({desk.actor.user}); "
            "een notitie kan niet namens een ander worden opgeslagen"
        )
    agent = args.agent or load_settings().agent_name
    named = desk.client(args.client).people_named(args.to)
    if len(named) > 1:  # bad input (exit 2), not a note the rules refused (exit 1)
        raise CliError(
            f"--to '{args.to}' noemt {len(named)} medewerkers ({', '.join(named)}): gebruik de id"
        )
    if not named:
        raise CliError(f"--to '{args.to}': geen medewerker met die id of naam bij {args.client}")
    recipient = named[0]
    answers = _answers(args.field)
    _known_type_and_fields(desk.client(args.client), args.type, answers)
    try:
        note = desk.add_note(
            args.client,
            recipient,
            args.name,
            args.phone,
            args.message,
            urgency=args.urgency,
            agent=agent,
            keep_absent_recipient=args.keep_absent_recipient,
            call_type=args.type,
            answers=answers,
        )
    except NoteRefused as exc:
        print(f"kccdesk: notitie niet opgeslagen: {printable(str(exc))[:500]}", file=sys.stderr)
        return EXIT_REFUSED
    _say_if_not_routed(desk, args.client, args.type, note)
    if args.json:
        print_json(note.as_dict())
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


def _say_if_not_routed(desk, client_id: str, type_id: str, note) -> None:
    """A note of a call type sent elsewhere than the type's route: saved as asked (--to),
    and said, so a script that always passes the same --to learns where such notes go."""
    if not type_id:
        return
    routed = desk.call_type_recipient(client_id, type_id)
    if routed and routed not in (note.recipient, note.addressed_to):
        client = desk.client(client_id)
        print(
            f"kccdesk: let op: notities van {note.call_type_title} gaan nu naar "
            f"{client.person_name(routed)}; deze is opgeslagen voor "
            f"{client.person_name(note.recipient)} (--to)",
            file=sys.stderr,
        )


def _known_type_and_fields(client, type_id: str, answers: dict[str, str]) -> None:
    """An unknown --type or --field is bad usage (exit 2), as an unknown --to is; what the
    answers say is for the note's rules (exit 1 when they refuse)."""
    if answers and not type_id:
        raise CliError("--field zonder --type: kies eerst de gesprekssoort")
    if not type_id:
        return
    call_type = client.call_type(type_id)
    if call_type is None:
        known = ", ".join(t.id for t in client.call_types) or "geen"
        raise CliError(f"--type {type_id[:60]!r}: geen gesprekssoort van {client.id} ({known})")
    fields = [f.id for f in call_type.fields]
    for name in answers:
        if name not in fields:
            asked = ", ".join(fields)
            raise CliError(f"--field {name[:60]!r}: geen vraag van {call_type.id} ({asked})")


def _answers(given: list[str]) -> dict[str, str]:
    """`--field veld=waarde`, each field once (bad usage, exit 2, when not)."""
    answers: dict[str, str] = {}
    for item in given:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CliError(f"--field {item[:60]!r}: schrijf veld=waarde (bijv. postcode=9711LM)")
        if name in answers:
            raise CliError(f"--field {name}: twee keer opgegeven")
        answers[name] = value
    return answers


def _show(desk, args) -> int:
    """One note with its trail, in the client's clock."""
    from kccdesk.ack.trail import event_text
    from kccdesk.clients.phones import display
    from kccdesk.texts import STATUS

    try:
        note, events = desk.note_trail(args.id)
    except Exception as exc:
        raise CliError(printable(str(exc))) from None
    if args.json:
        print_json({**note.as_dict(), "events": [e.as_dict() for e in events]})
        return 0
    client = desk.client(note.client) if desk.has_client(note.client) else None
    zone = client.zone if client else None
    name_of = client.person_name if client else str
    when = note.created_at.astimezone(zone)
    recipient = name_of(note.recipient)
    print(f"#{note.id} {when:%d-%m-%Y %H:%M} {note.client} → {recipient}")
    print(f"  {note.caller_name} {display(note.caller_phone)} — {note.message}")
    print(f"  {note.urgency}, {STATUS.get(note.status, note.status)}")
    for event in events:
        print(f"  {event.at.astimezone(zone):%d-%m %H:%M}  {printable(event_text(event, name_of))}")
    if note.acked_at is None and note.escalate_at is not None:
        print(f"  volgende escalatie: {note.escalate_at.astimezone(zone):%d-%m %H:%M}")
    return 0


def cmd_escalate(args) -> int:
    desk = open_desk(args)
    done = desk.escalate_due()
    if args.json:
        print_json([e.__dict__ for e in done])
    else:
        for e in done:
            print(f"#{e.note}: ronde {e.round} → {e.person or 'alle desks'} ({e.why})")
        print(f"{len(done)} {'notitie' if len(done) == 1 else 'notities'} geëscaleerd")
    return 0


def cmd_send(args) -> int:
    from kccdesk.core.settings import load_settings

    settings = load_settings()
    if settings.smtp is None:
        raise CliError("geen [smtp] in de instellingen: notities worden niet gemaild")
    desk = open_desk(args)
    use_ack_if_set(desk, settings)
    outcomes = desk.deliver_due(settings.smtp)
    if args.json:
        print_json([o.__dict__ for o in outcomes])
    else:
        for o in outcomes:
            print(f"#{o.note}: {o.result}{' — ' + o.detail if o.detail else ''}")
        print(f"{len(outcomes)} {'notitie' if len(outcomes) == 1 else 'notities'} behandeld")
    return 0


def use_ack_if_set(desk, settings) -> None:
    """Links in the mails when [ack] says where; a secret not there yet is said, not fatal:
    the mails go without link (replies still count)."""
    from kccdesk.core.secret import SecretProblem

    try:
        desk.use_ack(settings.ack)
    except SecretProblem as exc:
        print(f"kccdesk: let op: {exc}; e-mails gaan zonder bevestigingslink", file=sys.stderr)


COMMANDS = {
    "note": cmd_note,
    "send": cmd_send,
    "escalate": cmd_escalate,
}
