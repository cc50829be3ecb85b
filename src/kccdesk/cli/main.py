"""The command line of DESIGN.md: one module per command group (clients, lookup, notes,
calls, database, teamlead; feedback), assembled here. Every command that prints data takes
--json; errors are one Dutch line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from kccdesk.cli import (
    agenda,
    board,
    calls,
    clients,
    database,
    lookup,
    notes,
    serve,
    teamlead,
)
from kccdesk.cli.common import (
    _OPENED,
    _QUICK_EXIT,
    EXIT_ERROR,
    EXIT_PIPE,
    CliError,
    _Parser,
    printable,
    require_terminal,
)

#: the command groups, in the order --help lists them
GROUPS = (clients, lookup, notes, calls, database, teamlead, agenda, board, serve)


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
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


COMMANDS = {name: command for group in GROUPS for name, command in group.COMMANDS.items()}


def cmd_desk(args, demo: bool) -> int:
    from kccdesk.ui.factory import run_desk

    return run_desk(demo=demo)


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the flush at exit stays quiet."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _argument_trouble(argv: list[str]) -> str | None:
    """Why the arguments cannot be used as text: bytes that are not UTF-8 (a terminal in
    another encoding, a pasted binary) arrive as lone surrogates."""
    for arg in argv:
        if any("\ud800" <= ch <= "\udfff" for ch in arg):
            return f"argument {printable(arg)[:60]!r} is geen geldige UTF-8-tekst"
    return None


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
            require_terminal()
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
        print(f"kccdesk: {printable(str(exc))}", file=sys.stderr)
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
