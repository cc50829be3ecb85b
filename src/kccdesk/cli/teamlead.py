"""`kccdesk overrides`, `feedback`, `review`, `report`: the team lead's commands."""

from __future__ import annotations

import sys

from kccdesk.cli.common import (
    MAX_OVERRIDE_DAYS,
    CliError,
    bounded_number,
    day_name,
    instant,
    open_desk,
    print_json,
    require_terminal,
)


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "overrides", help="bewust genegeerde waarschuwingen en gestopte doorverbindingen"
    )
    p.add_argument("--client", metavar="ID")
    p.add_argument(
        "--days",
        type=bounded_number(1, MAX_OVERRIDE_DAYS),
        default=7,
        help="zoveel dagen terug (standaard 7)",
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

    from kccdesk.cli.feedback import add_parser as add_feedback_parser

    add_feedback_parser(sub)


def cmd_overrides(args) -> int:
    desk = open_desk(args)
    if args.client:
        desk.client(args.client)
    found = desk.overrides(args.client, args.days)
    if args.json:
        print_json([o.as_dict() for o in found])
        return 0
    if not found:
        print(f"geen genegeerde waarschuwingen in de laatste {args.days} dagen")
    for o in found:
        zone = desk.client(o.client).zone if desk.has_client(o.client) else None
        when = o.at.astimezone(zone)
        print(f"{day_name(when)} {when:%d-%m %H:%M}  {o.client}  {o.kind:<13} {o.agent}: {o.text}")
    return 0


def cmd_feedback(args) -> int:
    from kccdesk.cli.feedback import run

    return run(args, open_desk(args), instant, print_json)


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
    desk = open_desk(args)
    try:
        review = desk.review(day)  # refused here, before any screen, for a non-team-lead
    finally:
        desk.close()
    if args.json:
        print_json(review.as_dict())
        return 0
    require_terminal()
    from kccdesk.ui.factory import run_desk

    return run_desk(demo=args.demo, review=True, review_day=day)


def cmd_report(args) -> int:
    from kccdesk.teamlead import report
    from kccdesk.teamlead.indicators import parse_week

    week = parse_week(args.week, "--week") if args.week is not None else None
    made = open_desk(args).report(args.client, week)
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


COMMANDS = {
    "overrides": cmd_overrides,
    "feedback": cmd_feedback,
    "review": cmd_review,
    "report": cmd_report,
}
