"""The reply mailbox over IMAP (aioimaplib): unread mails are handed over one by one and
marked read once handled; then the reader waits with IMAP IDLE where the server has it, or
polls. A mail larger than the limit is marked read unread (never downloaded). A dropped
connection is tried again with growing pauses; nothing here ever ends `kccdesk serve`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import ssl
from collections.abc import Callable
from typing import Any

from kccdesk.ack.replies import MAX_MAIL_BYTES
from kccdesk.core.settings import AckSettings

log = logging.getLogger("kccdesk.serve")
#: IDLE is renewed before servers drop it (RFC 2177: at most 29 minutes)
IDLE_RENEW = 25 * 60.0
#: seconds one reply may take to be read and recorded
HANDLE_AT_MOST = 30.0
#: pauses after a failed connection, then the last one again
RECONNECT = (1.0, 5.0, 15.0, 60.0)
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    pass


async def read_replies(
    settings: AckSettings, handle: Callable[[bytes], object], stopped: Callable[[], bool]
) -> None:
    """Read the mailbox until `stopped()`: every unread mail goes to `handle` (a failure
    there leaves the mail unread, to be tried again), then wait for new mail."""
    failures = 0
    while not stopped():
        try:
            await _session(settings, handle, stopped)
            failures = 0
        except Exception as exc:  # the server away, a login refused, a dropped line
            pause = RECONNECT[min(failures, len(RECONNECT) - 1)]
            failures += 1
            log.warning("postvak %s: %s; opnieuw over %.0f s", settings.imap_host, exc, pause)
            await _sleep(pause, stopped)


async def _session(
    settings: AckSettings, handle: Callable[[bytes], object], stopped: Callable[[], bool]
) -> None:
    import aioimaplib

    if settings.imap_security == "ssl":
        imap = aioimaplib.IMAP4_SSL(
            settings.imap_host,
            settings.imap_port,
            timeout=30,
            ssl_context=ssl.create_default_context(),
        )
    else:
        imap = aioimaplib.IMAP4(settings.imap_host, settings.imap_port, timeout=30)
    await imap.wait_hello_from_server()
    try:
        answer = await imap.login(settings.imap_user, settings.imap_password)
        if answer.result != "OK":
            raise MailboxError(f"aanmelden geweigerd voor {settings.imap_user}")
        answer = await imap.select(settings.imap_folder)
        if answer.result != "OK":
            raise MailboxError(f"map {settings.imap_folder} niet te openen")
        idle = imap.has_capability("IDLE")
        log.info("postvak %s geopend (%s)", settings.imap_host, "IDLE" if idle else "pollen")
        while not stopped():
            await _read_unread(imap, handle)
            if idle:
                await _idle(imap, stopped, settings.poll_seconds)
            else:
                await _sleep(settings.poll_seconds, stopped)
    finally:
        with contextlib.suppress(Exception):
            if imap.get_state() in ("AUTH", "SELECTED"):
                await asyncio.wait_for(imap.logout(), 5)
            else:  # not logged in: nothing to say goodbye to
                imap.protocol.transport.close()


async def _read_unread(imap: Any, handle: Callable[[bytes], object]) -> None:
    answer = await imap.uid_search("UNSEEN", charset=None)
    if answer.result != "OK":
        raise MailboxError("zoeken in het postvak mislukt")
    first = _bytes(answer.lines[0]) if answer.lines else b""
    uids = [u.decode() for u in first.split() if u.isdigit()]
    for uid in uids[:200]:
        size = await imap.uid("fetch", uid, "(RFC822.SIZE)")
        if size.result != "OK":
            raise MailboxError(f"antwoord {uid} niet te lezen")
        found = _SIZE.search(b" ".join(_bytes(x) for x in size.lines))
        if found is None:
            continue  # gone meanwhile (another reader moved it)
        if int(found.group(1)) > MAX_MAIL_BYTES:
            log.info("antwoord %s overgeslagen (groter dan %d bytes)", uid, MAX_MAIL_BYTES)
            await imap.uid("store", uid, "+FLAGS", r"(\Seen)")
            continue
        fetched = await imap.uid("fetch", uid, "(BODY.PEEK[])")
        if fetched.result != "OK":
            raise MailboxError(f"antwoord {uid} niet te lezen")
        # the mail is the one literal of the answer (aioimaplib gives it as a bytearray)
        raw = next((x for x in fetched.lines if isinstance(x, bytearray)), b"")
        # In a thread, bounded: the connection keeps its IDLE and its answers meanwhile. A
        # failure or a handling that takes too long leaves the mail unread, for next time.
        try:
            await asyncio.wait_for(asyncio.to_thread(handle, bytes(raw)), HANDLE_AT_MOST)
        except TimeoutError:
            log.warning("antwoord %s: verwerken duurde te lang; volgende keer opnieuw", uid)
            continue
        await imap.uid("store", uid, "+FLAGS", r"(\Seen)")


def _bytes(value: object) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray) else str(value).encode()


async def _idle(imap: Any, stopped: Callable[[], bool], check_every: float) -> None:
    """Wait for the server to say something changed, the stop, or IDLE_RENEW."""
    import aioimaplib

    waiting = await imap.idle_start(timeout=IDLE_RENEW)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + IDLE_RENEW
        while not stopped() and loop.time() < deadline:
            try:
                pushed = await imap.wait_server_push(timeout=1.0)
            except TimeoutError:
                continue
            if pushed == aioimaplib.STOP_WAIT_SERVER_PUSH or any(
                b"EXISTS" in _bytes(x) or b"RECENT" in _bytes(x) for x in pushed
            ):
                break
    finally:
        imap.idle_done()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(waiting, 10)


async def _sleep(seconds: float, stopped: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not stopped() and loop.time() < deadline:
        await asyncio.sleep(min(0.5, max(0.0, deadline - loop.time())))
