"""The ASGI app of `kccdesk serve`: GET /a/<token> shows the note and never acknowledges it
(mail scanners such as Safe Links fetch every link in a mail); only the POST of the page's
own form does, with the form's key (an HMAC of the token: only the page has it) and, where
the browser says where the form came from, from this site. No cookie: two links opened
from a webmail each work. A visitor who presents bad links is refused per address after a
while; the token never reaches a log."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from kccdesk.ack.tokens import BadToken
from kccdesk.core.errors import DatabaseReplaced, StorageError
from kccdesk.service.desk import Desk
from kccdesk.web.page import HEADERS, note_page, refusal_page

log = logging.getLogger("kccdesk.serve")
#: a form post is a few dozen bytes
MAX_BODY = 4096
#: bad tokens or forms per address in FAILURE_WINDOW before it is refused for a while
MAX_FAILURES = 20
FAILURE_WINDOW = 600.0  # seconds
#: addresses remembered at most (the oldest are forgotten first)
MAX_ADDRESSES = 10_000


class FailureLimit:
    """Failed attempts per client address in a sliding window (this process's memory:
    behind one proxy the address is the proxy's X-Forwarded-For, see `kccdesk serve`)."""

    def __init__(self, most: int = MAX_FAILURES, window: float = FAILURE_WINDOW):
        self.most, self.window = most, window
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._seen.setdefault(address, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address, time.monotonic())) >= self.most

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address, time.monotonic()).append(time.monotonic())
            self._seen.move_to_end(address)
            while len(self._seen) > MAX_ADDRESSES:
                self._seen.popitem(last=False)


def create_app(
    desk: Desk, base_url: str, on_fatal: Callable[[str], None] | None = None
) -> Starlette:
    """The app on one desk (the service). `on_fatal`: called when the database file was
    replaced under the process (`serve` then stops, to be started again on it)."""
    limit = FailureLimit()
    own_origin = _origin(base_url)

    def guarded(action: Callable[[], Response], address: str) -> Response:
        """Run a page's action: a bad link is counted against its address, and refused
        outright once that address has tried too many — a good link still works from it
        (a shared office address must not lock out everyone behind it)."""
        blocked = limit.blocked(address)
        try:
            return action()
        except BadToken as exc:
            if blocked:
                return _html(refusal_page(429), 429, {"Retry-After": str(int(FAILURE_WINDOW))})
            limit.failed(address)
            log.info("slechte link van %s: %s", _shown(address), exc)  # never the token
            return _html(refusal_page(404), 404)
        except DatabaseReplaced as exc:
            log.error("database: %s", exc)
            if on_fatal is not None:
                on_fatal(str(exc))
            return _html(refusal_page(503), 503)
        except StorageError as exc:
            log.warning("database: %s", exc)
            return _html(refusal_page(503), 503)
        except Exception as exc:  # anything else: one line, never a traceback to the visitor
            log.error("fout bij een pagina: %s", type(exc).__name__)
            return _html(refusal_page(500), 500)

    def show(request: Request) -> Response:
        token = request.path_params["token"]
        address = request.client.host if request.client else "?"

        def action() -> Response:
            page = desk.ack_page(token)
            log.info("geopend: notitie %s (%s)", page.note.id, page.claim.person)
            return _html(note_page(page, desk.form_key(token)))

        return guarded(action, address)

    async def confirm(request: Request) -> Response:
        token = request.path_params["token"]
        address = request.client.host if request.client else "?"
        body = await _small_body(request)
        if body is None:
            return _html(refusal_page(413), 413)
        try:
            fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=5)
        except ValueError:  # more fields than a form of ours has
            fields = {}
        given = (fields.get("csrf") or [""])[0]
        # A browser says where a form came from; it must be this page's own site ("null"
        # and any other site are refused; a client that sends none is judged by the key).
        origin = request.headers.get("origin")
        if (origin is not None and origin != own_origin) or not desk.is_form_key(token, given):
            log.info("formulier geweigerd van %s", _shown(address))
            return _html(refusal_page(403), 403)

        def action() -> Response:
            page = desk.acknowledge_by_link(token)
            log.info("bevestigd: notitie %s door %s via link", page.note.id, page.claim.person)
            return _html(note_page(page, just_now=True))

        return await run_in_threadpool(guarded, action, address)

    def health(_: Request) -> Response:
        try:
            desk.check_database()
        except StorageError:
            return PlainTextResponse("database niet bereikbaar", 503, headers=HEADERS)
        return PlainTextResponse("ok", headers=HEADERS)

    def not_found(request: Request, exc: Exception) -> Response:
        return _html(refusal_page(404), 404)

    app = Starlette(
        routes=[
            Route("/a/{token}", show, methods=["GET"]),
            Route("/a/{token}", confirm, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ],
        exception_handlers={404: not_found, 405: not_found},
    )
    # No redirect at all: "/a/<token>/" is a bad link, not a Location built from Host.
    app.router.redirect_slashes = False
    return app


def _shown(address: str) -> str:
    """An address as the log shows it: printable, at most 60 characters."""
    return "".join(ch for ch in address if ch.isprintable())[:60]


async def _small_body(request: Request) -> bytes | None:
    """The request's body, or None when it is larger than MAX_BODY (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def _html(text: str, status: int = 200, extra: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(text, status, headers={**HEADERS, **(extra or {})})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _request_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"
