"""`kccdesk serve`: the acknowledgement pages (Starlette on uvicorn), the reply mailbox, the
escalation pass and the outbox, for a team, in one process. Several may run at once (a
spare, a second site): every step is claimed in the database, so each happens once."""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from kccdesk.cli.common import CliError, open_desk

log = logging.getLogger("kccdesk.serve")
#: how often the escalation pass and the outbox run
TICK = 5.0


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="bevestigingspagina's, antwoorden lezen, escalatie en de outbox voor een team",
    )
    p.add_argument(
        "--listen", default="127.0.0.1:8080", metavar="HOST:POORT", help="waar de pagina's komen"
    )
    p.add_argument("--no-mailbox", action="store_true", help="lees geen antwoorden (IMAP)")
    p.add_argument("--no-outbox", action="store_true", help="verstuur geen notities")
    p.add_argument(
        "--every",
        type=bounded_seconds,
        default=TICK,
        metavar="SECONDEN",
        help=f"hoe vaak escalatie en outbox lopen (standaard {TICK:g})",
    )


def bounded_seconds(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:30]}' is geen getal") from None
    if not 0.1 <= value <= 600:
        raise argparse.ArgumentTypeError(f"{text[:30]} ligt niet tussen 0.1 en 600")
    return value


def _listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CliError(f"--listen '{text[:60]}': schrijf HOST:POORT (bijv. 127.0.0.1:8080)")
    return host, int(port)


def cmd_serve(args) -> int:
    from kccdesk.core.secret import SecretProblem
    from kccdesk.core.settings import load_settings

    host, port = _listen(args.listen)
    settings = load_settings()
    ack = settings.ack
    if ack is None or not ack.base_url:
        raise CliError(
            "geen [ack] base_url in de instellingen: waar zijn de bevestigingspagina's te "
            "bereiken? (zie README: kccdesk serve)"
        )
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("aioimaplib").setLevel(logging.WARNING)  # it logs the protocol
    # One service per thread: a slow mail server never holds up a page.
    desks = [open_desk(args) for _ in range(3)]
    try:
        for desk in desks:
            desk.use_ack(ack, create_secret=True)
    except SecretProblem as exc:
        raise CliError(str(exc)) from None
    web, worker, mailbox = desks
    serving = _Serving()
    server = serving.server = _server(web, ack, host, port, serving.give_up)
    threads = [
        threading.Thread(
            target=_work, args=(worker, settings, not args.no_outbox, args.every, serving)
        )
    ]
    if ack.imap_host and not args.no_mailbox:
        threads.append(threading.Thread(target=_mailbox, args=(mailbox, ack, serving.stop)))
    for thread in threads:
        thread.daemon = True
        thread.start()
    try:
        log.info("pagina's op http://%s:%d (buiten: %s)", host, port, ack.base_url)
        server.run()
    finally:
        serving.stop.set()
        for thread in threads:
            thread.join(timeout=15)
    if serving.fatal:
        print(f"kccdesk serve: gestopt: {serving.fatal}", file=sys.stderr)
        return EXIT_RESTART
    return 0


#: the exit status after the database file was replaced: start again (systemd restarts it)
EXIT_RESTART = 3


class _Serving:
    """What the parts of one `serve` share: the stop, and why it had to stop."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.fatal = ""
        self.server: Any = None  # the uvicorn server, once made

    def give_up(self, why: str) -> None:
        """The database file was replaced: nothing more is written; the process stops with
        EXIT_RESTART, so whatever runs it starts it again on the file that is there now."""
        if not self.fatal:
            self.fatal = why
            log.error("gestopt: %s", why)
        self.stop.set()
        if self.server is not None:
            self.server.should_exit = True


def _server(desk, ack, host: str, port: int, on_fatal):
    import signal

    import uvicorn

    from kccdesk.web.app import create_app

    app = create_app(desk, ack.base_url, on_fatal)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,  # an access log would hold every token; the app logs without them
        log_level="info",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",  # the reverse proxy on this machine says who asked
        server_header=False,
        timeout_graceful_shutdown=5,
        # A page is one small request: idle or half-sent connections are not kept, and past
        # this many at once a visitor gets 503 instead of the process running out of files
        # (the reverse proxy in front shields the rest; see README).
        timeout_keep_alive=5,
        limit_concurrency=200,
    )
    # uvicorn stops on SIGTERM/SIGINT and then raises the signal again for the handler that
    # was there before: a quiet one lets `serve` finish its round and stop its threads.
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: None)
    return uvicorn.Server(config)


def _work(desk, settings, outbox: bool, every: float, serving: _Serving) -> None:
    """Escalate what is due, then send what is queued (escalated rounds too), `every` s."""
    from kccdesk.core.errors import DatabaseReplaced

    while not serving.stop.is_set():
        try:
            for done in desk.escalate_due():
                log.info(
                    "notitie %s: ronde %s → %s (%s)",
                    done.note,
                    done.round,
                    done.person or "alle desks",
                    done.why,
                )
            if outbox and settings.smtp is not None:
                for outcome in desk.deliver_due(settings.smtp):
                    log.info("notitie %s: %s %s", outcome.note, outcome.result, outcome.detail)
        except DatabaseReplaced as exc:
            serving.give_up(str(exc))
            return
        except Exception as exc:  # the database away a moment: the next tick tries again
            log.warning("escalatie/outbox: %s", str(exc).splitlines()[0] if str(exc) else exc)
        _poll(serving.stop, every)


def _mailbox(desk, ack, stop: threading.Event) -> None:
    import asyncio

    from kccdesk.ack.mailbox import read_replies

    def handle(raw: bytes) -> None:
        for note in desk.acknowledge_reply(raw):
            log.info("bevestigd: notitie %s via antwoord", note)

    asyncio.run(read_replies(ack, handle, stop.is_set))


def _poll(stop: threading.Event, seconds: float) -> None:
    """Polled, not Event.wait(timeout): under libfaketime (.ci/run) that deadline turns
    into years."""
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        time.sleep(0.2)


COMMANDS = {"serve": cmd_serve}
