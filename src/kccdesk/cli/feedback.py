"""`kccdesk feedback add|list|show|update`: the feedback log on the command line, with the
same rules as the review screen (kccdesk.teamlead.feedback via the service)."""

from __future__ import annotations

import sys
from datetime import date, datetime

from kccdesk.cli.common import EXIT_ERROR, MAX_DAYS, bounded_number
from kccdesk.core.errors import InputError

#: the categories for --help; the rule that checks them is kccdesk.teamlead.feedback.CATEGORIES (not
#: imported here: building the parser must stay cheap for every command)
CATEGORY_HELP = (
    "doorverbonden-zonder-dienst, verkeerde-ontvanger, fout-nummer, informatie-ontbrak, "
    "onvolledig, rooster-niet-actueel of anders"
)
#: the largest id a database row can have (SQLite and PostgreSQL bigint)
MAX_ID = 2**63 - 1
RECORD_ID = bounded_number(1, MAX_ID)


def add_parser(sub) -> None:
    p = sub.add_parser("feedback", help="feedback van klanten over fouten: vastleggen en opvolgen")
    fb = p.add_subparsers(dest="feedback_command", metavar="add|list|show|update", required=True)

    add = fb.add_parser("add", help="leg feedback van een klant vast")
    add.add_argument("--client", required=True, metavar="ID")
    add.add_argument("--category", required=True, metavar="CATEGORIE", help=CATEGORY_HELP)
    add.add_argument("--said", required=True, metavar="TEKST", help="wat de klant zei")
    add.add_argument(
        "--at", metavar="ISO-TIJD", help="wanneer het gebeurde (zonder offset: klok van de client)"
    )
    link = add.add_mutually_exclusive_group()
    link.add_argument("--note", type=RECORD_ID, metavar="N", help="de notitie waar het over gaat")
    link.add_argument("--call", type=RECORD_ID, metavar="N", help="het gesprek waar het over gaat")
    add.add_argument("--phone", metavar="NUMMER", help="zoek de notitie/het gesprek op nummer")
    add.add_argument("--to", metavar="PERSOON", help="zoek de notitie/het gesprek op ontvanger")
    add.add_argument("--person", default="", metavar="PERSOON", help="over wie het ging")
    add.add_argument("--cause", default="onbekend", help="ons, client of onbekend")
    add.add_argument("--json", action="store_true")

    lst = fb.add_parser("list", help="toon feedback, nieuwste eerst (structureel gemarkeerd)")
    lst.add_argument("--client", metavar="ID")
    lst.add_argument(
        "--days", type=bounded_number(1, MAX_DAYS), default=None, help="alleen de laatste N dagen"
    )
    lst.add_argument("--open", action="store_true", help="alleen nieuw en actie-uitgezet")
    lst.add_argument("--json", action="store_true")

    show = fb.add_parser("show", help="één item met wat de desk toen toonde en het rooster")
    show.add_argument("id", type=RECORD_ID, metavar="ID")
    show.add_argument("--json", action="store_true")

    upd = fb.add_parser("update", help="zet status, actie, eigenaar of oorzaak")
    upd.add_argument("id", type=RECORD_ID, metavar="ID")
    upd.add_argument("--status", help="nieuw, actie-uitgezet, afgerond of onterecht")
    upd.add_argument("--action", metavar="TEKST")
    upd.add_argument("--owner", metavar="WIE")
    upd.add_argument("--cause", help="ons, client of onbekend")
    upd.add_argument("--category", metavar="CATEGORIE", help=CATEGORY_HELP)
    upd.add_argument("--json", action="store_true")


def run(args, desk, instant, print_json) -> int:
    command = args.feedback_command
    if command == "add":
        return _add(args, desk, instant, print_json)
    if command == "list":
        return _list(args, desk, print_json)
    if command == "show":
        return _show(args, desk, print_json)
    return _update(args, desk, print_json)


def _add(args, desk, instant, print_json) -> int:
    from kccdesk.teamlead.feedback import FeedbackRefused

    client = desk.client(args.client)
    at = instant(args.at, client.zone)
    note_id, call_id = args.note, args.call
    if (note_id or call_id) and (args.phone or args.to):
        raise InputError("kies óf --note/--call óf --phone/--to om te koppelen, niet beide")
    if note_id is None and call_id is None and (args.phone or args.to):
        recipient = client.person_named(args.to) if args.to else ""
        if args.to and recipient is None:
            raise InputError(
                f"--to '{args.to}': geen medewerker met die id of naam bij {client.id}"
            )
        note_id, call_id = _pick(desk, client, at, args.phone or "", recipient)
    try:
        item = desk.add_feedback(
            client.id,
            args.category,
            args.said,
            at=at,
            note_id=note_id,
            call_id=call_id,
            person=args.person,
            cause=args.cause,
        )
    except FeedbackRefused as exc:
        print(f"kccdesk: feedback niet opgeslagen: {exc}", file=sys.stderr)
        return EXIT_ERROR  # bad input, as every other refusal of a feedback field
    if args.json:
        print_json(item.as_dict())
        return 0
    linked = (
        f", gekoppeld aan notitie #{item.note_id}"
        if item.note_id
        else f", gekoppeld aan gesprek #{item.call_id}"
        if item.call_id
        else ""
    )
    print(f"feedback #{item.id} vastgelegd voor {client.name}{linked}")
    return 0


def _pick(desk, client, at: datetime | None, phone: str, recipient: str):
    """The one note (with its call) or call of that day that fits; refused when none or
    several fit, naming them so the team lead can choose with --note/--call."""
    day: date = (at or desk.clock()).astimezone(client.zone).date()
    notes, calls = desk.feedback_candidates(client.id, day, phone, recipient)
    what = " en ".join(x for x in (phone and f"nummer {phone}", recipient and recipient) if x)
    if len(notes) == 1:
        note = notes[0]
        call = next((c for c in calls if note.call_uuid and c.uuid == note.call_uuid), None)
        if all(c is call for c in calls):  # no other call fits: the note and its call
            return note.id, call.id if call else None
    if not notes and len(calls) == 1:
        return None, calls[0].id
    if not notes and not calls:
        raise InputError(
            f"geen notitie of gesprek met {what} op {day:%d-%m-%Y}; kies met --note/--call of "
            "laat --phone/--to weg"
        )
    zone = client.zone
    options = [f"notitie #{n.id} {n.created_at.astimezone(zone):%H:%M}" for n in notes]
    options += [f"gesprek #{c.id} {c.started_at.astimezone(zone):%H:%M}" for c in calls]
    raise InputError(
        f"meerdere passen bij {what} op {day:%d-%m-%Y}: {', '.join(options)}; kies met "
        "--note of --call"
    )


def _list(args, desk, print_json) -> int:
    if args.days is not None and not 1 <= args.days <= 3650:
        raise InputError("--days moet tussen 1 en 3650 liggen")
    items = desk.feedback(args.client, days=args.days, open_only=args.open)
    patterns = desk.patterns(args.client)
    structural = {i for p in patterns for i in p.items}
    if args.json:
        print_json(
            {
                "items": [{**i.as_dict(), "structural": i.id in structural} for i in items],
                "patterns": [p.as_dict() for p in patterns],
            }
        )
        return 0
    for p in patterns:
        print(f"STRUCTUREEL: {p.text} (items {', '.join(f'#{i}' for i in p.items)})")
    if not items:
        print("geen feedback")
    for i in items:
        zone = desk.client(i.client).zone if desk.has_client(i.client) else None
        mark = "  ⚑ structureel" if i.id in structural else ""
        owner = f" → {i.owner or '?'}: {_one_line(i.action, 40)}" if i.action else ""
        print(
            f"#{i.id} {i.happened_at.astimezone(zone):%d-%m %H:%M} {i.client} {i.category} "
            f"[{i.status}] {_one_line(i.said)}{owner}{mark}"
        )
    return 0


def _one_line(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _show(args, desk, print_json) -> int:
    from kccdesk.teamlead.reconstruction import lines

    r = desk.reconstruct(args.id)
    if args.json:
        print_json(r.as_dict())
        return 0
    i = r.feedback
    client = desk.client(i.client)
    print(f"Feedback #{i.id} — {client.name}, {i.category} [{i.status}], oorzaak {i.cause}")
    print(f"  gebeurd {i.happened_at.astimezone(client.zone):%d-%m-%Y %H:%M}; door {i.created_by}")
    print("  de klant: " + i.said.replace("\n", "\n            "))  # under its own label
    if i.action:
        print(f"  actie ({i.owner}): " + i.action.replace("\n", "\n    "))
    for line in lines(client, r):
        print(line)
    return 0


def _update(args, desk, print_json) -> int:
    from kccdesk.teamlead.feedback import FeedbackChange, FeedbackRefused

    change = FeedbackChange(
        status=args.status,
        cause=args.cause,
        action=args.action,
        owner=args.owner,
        category=args.category,
    )
    try:
        item = desk.update_feedback(args.id, change)
    except FeedbackRefused as exc:
        print(f"kccdesk: niets gewijzigd: {exc}", file=sys.stderr)
        return EXIT_ERROR  # bad input, as every other refusal of a feedback field
    if args.json:
        print_json(item.as_dict())
    else:
        owner = f", actie bij {item.owner}" if item.owner else ""
        print(f"feedback #{item.id}: {item.status}{owner}")
    return 0
