"""What every command group of the command line shares: exit codes, the Dutch argument
parser, bounded numbers, JSON output, opening the desk (the service), reading a moment."""

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
#: the most days one look at overrides may span (ten years: the call log's retention at most)
MAX_OVERRIDE_DAYS = 3650


def bounded_number(low: float, high: float, *, whole: bool = True):
    """The one argparse type for a number: in [low, high] (whole unless `whole=False`),
    refused with a Dutch line naming the bounds — a huge number would otherwise reach the
    database as an overflow, a negative one would mean nothing."""

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            kind = "geen geheel getal" if whole else "geen getal"
            raise argparse.ArgumentTypeError(f"'{text[:30]}' is {kind}") from None
        if not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{text[:30]} ligt niet tussen {low} en {high}")
        return value

    return parse


def day_name(moment: datetime) -> str:
    """'ma', 'di', …: Dutch day names whatever the machine's locale."""
    from kccdesk.clients.model import DUTCH_WEEKDAYS

    return DUTCH_WEEKDAYS[moment.weekday()]


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _store(args, clock):
    from kccdesk.core import locations
    from kccdesk.service.desk import open_demo_store
    from kccdesk.storage import open_store

    return open_demo_store(clock) if args.demo else open_store(locations.database_url())


def open_desk(args):
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


def instant(text: str | None, zone) -> datetime | None:
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


def database_url(args) -> str:
    from kccdesk.core import locations

    return locations.demo_database_url() if args.demo else locations.database_url()


def printable(text: str) -> str:
    """A message as it is safe to show on a terminal: escape sequences, other control
    characters and bidi overrides someone typed into an argument are shown, not obeyed."""
    import unicodedata

    return "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch) in ("Cc", "Cs") else
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) == "Cf" and ch not in "\u200d" else ch
        for ch in text
    )  # fmt: skip


def require_terminal() -> None:
    """The desk (and the review without --json) is a full-screen program: without a terminal
    it would wait for keys that never come."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError(
            "dit is een schermprogramma en heeft een terminal nodig (voor een overzicht zonder "
            "scherm: --json)"
        )
