"""Calendar feeds for the tests, written with icalendar in the shapes Outlook and Google
publish, and a real HTTP server on loopback that serves them (ETag, 304, redirects)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import icalendar

WINDOWS_ZONE = "W. Europe Standard Time"


def outlook_calendar() -> icalendar.Calendar:
    """An Outlook "publish calendar" feed: a Windows zone name with its VTIMEZONE."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    cal.add("version", "2.0")
    zone = icalendar.Timezone()
    zone.add("tzid", WINDOWS_ZONE)
    for kind, start, offset_from, offset_to, month in (
        (icalendar.TimezoneStandard, datetime(1601, 1, 1, 3), 2, 1, 10),
        (icalendar.TimezoneDaylight, datetime(1601, 1, 1, 2), 1, 2, 3),
    ):
        part = kind()
        part.add("dtstart", start)
        part.add("tzoffsetfrom", timedelta(hours=offset_from))
        part.add("tzoffsetto", timedelta(hours=offset_to))
        part.add("rrule", {"freq": "yearly", "byday": "-1su", "bymonth": month})
        zone.add_component(part)
    cal.add_component(zone)
    return cal


def google_calendar(zone: str = "Europe/Amsterdam") -> icalendar.Calendar:
    """A Google "secret address" feed: times in UTC, the zone only as X-WR-TIMEZONE."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Google Inc//Google Calendar 70.9054//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", zone)
    return cal


def event(
    uid: str,
    title: str,
    start: datetime | date,
    end: datetime | date,
    *,
    status: str | None = None,
    windows: bool = False,
    **extra,
) -> icalendar.Event:
    """One VEVENT; `windows`: naive start/end written with Outlook's TZID."""
    item = icalendar.Event()
    item.add("uid", uid)
    item.add("summary", title)
    item.add("dtstamp", datetime(2026, 11, 1, tzinfo=ZoneInfo("UTC")))
    for key, value in (("dtstart", start), ("dtend", end)):
        if windows and isinstance(value, datetime):
            item.add(key, value, parameters={"TZID": WINDOWS_ZONE})
        else:
            item.add(key, value)
    if status:
        item.add("X-MICROSOFT-CDO-BUSYSTATUS", status)
    for key, value in extra.items():
        if key == "exdate" and windows:
            item.add("exdate", value, parameters={"TZID": WINDOWS_ZONE})
        elif key == "recurrence_id" and windows:
            item.add("recurrence-id", value, parameters={"TZID": WINDOWS_ZONE})
        else:
            item.add(key.replace("_", "-"), value)
    return item


def ics(cal: icalendar.Calendar, *events: icalendar.Event) -> bytes:
    for item in events:
        cal.add_component(item)
    return cal.to_ical()


class FeedServer:
    """Feeds by path; ETags from the content, so an unchanged feed answers 304."""

    def __init__(self) -> None:
        self.feeds: dict[str, bytes] = {}
        self.requests: list[tuple[str, int]] = []
        self.headers: dict[str, dict[str, str]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                if path.startswith("/loop"):
                    self._answer(302, b"", {"Location": "/loop"})
                    return
                if path == "/trickle":
                    # No length, then a byte at a time: a download that never ends.
                    self.send_response(200)
                    self.end_headers()
                    for _ in range(100):
                        try:
                            self.wfile.write(b"B")
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.2)
                    return
                if path == "/huge":
                    # Says 50 MB up front: refused before a byte of the body is read.
                    self.send_response(200)
                    self.send_header("Content-Length", str(50 * 1024 * 1024))
                    self.end_headers()
                    self.wfile.write(b"BEGIN:VCALENDAR\r\n")
                    return
                body = server.feeds.get(path)
                if body is None:
                    self._answer(404, b"niet gevonden")
                    return
                tag = '"' + hashlib.sha1(body).hexdigest() + '"'
                server.headers[path] = dict(self.headers)
                if self.headers.get("If-None-Match") == tag:
                    self._answer(304, b"", {"ETag": tag})
                    return
                self._answer(200, body, {"ETag": tag, "Content-Type": "text/calendar"})

            def _answer(self, code: int, body: bytes, headers: dict | None = None) -> None:
                server.requests.append((self.path, code))
                self.send_response(code)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def codes(self, path: str) -> list[int]:
        return [code for p, code in self.requests if p == path]


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
