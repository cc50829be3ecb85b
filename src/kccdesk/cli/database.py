"""`kccdesk db upgrade|current|roles|grant` and `purge`: the schema, the team roles, retention."""

from __future__ import annotations

from kccdesk.cli.common import (
    MAX_RETENTION_DAYS,
    CliError,
    bounded_number,
    open_desk,
    print_json,
)


def add_parsers(sub) -> None:
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
    p.add_argument(
        "--days",
        type=bounded_number(1, MAX_RETENTION_DAYS),
        default=None,
        help="bewaartermijn (standaard: instelling)",
    )
    p.add_argument("--json", action="store_true")


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
        print_json(data)
    else:
        print(text)
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
        print_json(data)
    elif args.db_command == "current":
        print(f"schema {data['current'] or '(leeg)'}; deze kccdesk: {data['head']}")
    else:
        print(f"schema {before or '(leeg)'} → {after}")
    return 0


def cmd_purge(args) -> int:
    from kccdesk.core.settings import load_settings

    days = args.days if args.days is not None else load_settings().retention_days
    if not 1 <= days <= MAX_RETENTION_DAYS:  # the setting's own value (settings check it too)
        raise CliError(f"--days moet tussen 1 en {MAX_RETENTION_DAYS} liggen")
    removed = open_desk(args).purge_expired(days)
    if args.json:
        print_json({"days": days, **removed})
    else:
        print(
            f"{removed['notes']} notities en {removed['calls']} gesprekken ouder dan "
            f"{days} dagen verwijderd"
        )
    return 0


COMMANDS = {
    "db": cmd_db,
    "purge": cmd_purge,
}
