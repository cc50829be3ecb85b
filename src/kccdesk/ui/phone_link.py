"""The desk's side of the phone: `kccdesk ring` on a local socket and the softphone's control
link. What the phone says goes to the call line (kccdesk.calls.line), which decides; this part
of the app only carries messages between the link, the line and the screens."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from kccdesk import texts
from kccdesk.calls.line import WAITING_SHOWN
from kccdesk.calls.softphone import CallEvent, Command, PhoneLink, PhoneMessage, Response
from kccdesk.clients.phones import display as phone_display
from kccdesk.ui.workers import ENDLESS

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from textual.app import App

    from kccdesk.core.settings import Settings
    from kccdesk.service.desk import Desk

    _AppBase = App[None]
else:
    _AppBase = object


class DeskPhone(_AppBase):
    """Mixed into the app (kccdesk.ui.app.KccDeskApp): the ring socket and the softphone."""

    desk: Desk
    settings: Settings
    phone: PhoneLink | None
    phone_connected: bool
    phone_sent_at: float
    phone_rang_at: float
    ring_server: asyncio.AbstractServer | None
    local_dir: Path | None
    _stopping: threading.Event

    if TYPE_CHECKING:

        def now(self) -> datetime: ...

    async def listen_for_rings(self) -> None:
        """Answer `kccdesk ring` on a local socket (one desk per user and database)."""
        from kccdesk.calls import ringing

        if self.local_dir is None:
            return
        path = ringing.socket_path(self.local_dir)
        if await asyncio.to_thread(ringing.someone_listens, path):
            self.notify(texts.RING_OTHER_DESK, severity="warning", timeout=6)
            return
        path.unlink(missing_ok=True)
        try:
            self.ring_server = await asyncio.start_unix_server(
                self._on_ring, path=str(path), limit=ringing.MAX_REQUEST
            )
            ringing.secure(path)
        except OSError as exc:
            self.notify(texts.RING_UNAVAILABLE.format(error=exc), severity="warning")

    async def _on_ring(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        from kccdesk.calls import ringing

        if not ringing.same_user(writer.get_extra_info("socket")):
            reply = {"ok": False, "error": texts.RING_OTHER_USER}
        else:
            try:
                raw = await asyncio.wait_for(reader.readuntil(b"\n"), 2.0)
            except asyncio.IncompleteReadError as exc:  # no newline: what came is the request
                raw = exc.partial
            except asyncio.LimitOverrunError:
                raw = None  # larger than ringing.MAX_REQUEST
            except TimeoutError:
                raw = b""
            reply = ringing.answer(raw, self.incoming_call)
        writer.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")
        with contextlib.suppress(OSError):
            await writer.drain()
            writer.close()

    # --- the softphone -----------------------------------------------------------------------

    @dataclass
    class PhoneState(Message):
        """The softphone's control link came up or went away."""

        connected: bool
        error: str

    @dataclass
    class PhoneSaid(Message):
        """A call event or a command's answer from the softphone."""

        message: PhoneMessage
        read_at: float  # perf_counter() when it was read from the link

    @work(thread=True, group=ENDLESS, exit_on_error=False)
    def run_phone(self) -> None:
        """Keep the link to the softphone up (reconnecting with growing pauses) and pass on
        what it says; never touches the interface itself."""
        from kccdesk.calls.softphone import OtherEvent, run_link

        worker = get_current_worker()
        link = self.phone
        assert link is not None

        def said(message: PhoneMessage) -> None:
            if not isinstance(message, OtherEvent):
                self.post_message(self.PhoneSaid(message, time.perf_counter()))

        run_link(
            link,
            lambda: worker.is_cancelled or self._stopping.is_set(),
            lambda ok, error: self.post_message(self.PhoneState(ok, error)),
            said,
        )

    def phone_send(self, command: Command) -> str:
        """Send a command to the softphone; its token (PhoneError when unreachable)."""
        from kccdesk.calls.softphone import PhoneError

        if self.phone is None:
            raise PhoneError(texts.PHONE_NOT_SET_UP)
        token = self.phone.send(command)
        self.phone_sent_at = time.perf_counter()
        return token

    def _call_screen(self):
        from kccdesk.ui.screens.call import CallScreen

        return next((s for s in self.screen_stack if isinstance(s, CallScreen)), None)

    @property
    def waiting_calls(self) -> dict[str, CallEvent]:
        """Softphone calls ringing while another phone call is the desk's, by call id."""
        screen = self._call_screen()
        return screen.line.waiting if screen is not None else {}

    def on_desk_phone_phone_state(self, message: PhoneState) -> None:
        from kccdesk.ui.widgets.call_header import CallHeader

        self.phone_connected = message.connected
        for screen in self.screen_stack:
            for header in screen.query(CallHeader):
                header.phone = (
                    texts.PHONE_CONNECTED if message.connected else texts.PHONE_UNREACHABLE
                )
                header.phone_ok = message.connected
        call_screen = self._call_screen()
        if not message.connected and call_screen is not None:
            call_screen.take_step(call_screen.line.lost(self.now()))

    def on_desk_phone_phone_said(self, message: PhoneSaid) -> None:
        """What the phone says goes to the call line (kccdesk.calls.line), which decides."""
        said = message.message
        screen = self._call_screen()
        if screen is None:
            return
        if isinstance(said, Response):
            screen.take_step(screen.line.answered(said, self.now()))
            return
        assert isinstance(said, CallEvent)
        if said.type == "CALL_INCOMING":
            self.phone_rang_at = message.read_at
        screen.take_step(screen.line.said(said, self.now()))

    def second_call_rang(self, event: CallEvent) -> None:
        self.notify(self._waiting_text(event), severity="warning", timeout=8)

    def _waiting_text(self, event: CallEvent) -> str:
        # The light directory (a dict lookup), never every client loaded on this thread.
        client = self.desk.client_for_line(event.line)
        if client is None:
            return texts.PHONE_SECOND_UNKNOWN.format(line=event.line, caller=event.caller)
        return texts.PHONE_SECOND_CALL.format(client=client.name, caller=event.caller)

    def show_waiting(self) -> None:
        """The header names the first waiting calls (the rest counted) and the calls on
        hold."""
        from kccdesk.ui.widgets.call_header import CallHeader

        # The first few by name, the rest counted: a burst of rings costs the same per ring.
        waiting_calls = self.waiting_calls
        waiting = list(itertools.islice(waiting_calls.values(), WAITING_SHOWN))
        text = "; ".join(self._waiting_text(e) for e in waiting)
        if len(waiting_calls) > WAITING_SHOWN:
            text += f" (+{len(waiting_calls) - WAITING_SHOWN})"
        screen = self._call_screen()
        held = "; ".join(
            texts.PHONE_HELD.format(
                client=self._client_name(call.client),
                caller=phone_display(call.caller) if call.caller else texts.CALLER_NONE,
            )
            for call in (screen.line.held.values() if screen is not None else ())
        )
        for shown in self.screen_stack:
            for header in shown.query(CallHeader):
                header.waiting = text
                header.held = held

    def _client_name(self, client_id: str) -> str:
        head = self.desk.head_of(client_id)
        return head.name if head is not None else client_id

    def incoming_call(self, line: str, caller: str, phone_call: str = "") -> dict:
        """A call comes in on a dialed line: switch to its client, or say the line is unknown."""
        from kccdesk.clients import dialing
        from kccdesk.ui.screens.call import CallScreen

        client = self.desk.client_for_line(line)
        if client is None:
            self.notify(texts.RING_UNKNOWN_LINE.format(line=line), severity="warning", timeout=8)
            return {"ok": False, "error": texts.RING_NO_CLIENT.format(line=line)}
        from kccdesk.ui.screens.note_form import NoteForm

        if any(isinstance(s, NoteForm) for s in self.screen_stack):
            self.notify(texts.NOTE_KEPT_FOR_LATER, timeout=6)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, CallScreen):
            self.pop_screen()
        screen = self.screen
        if not isinstance(screen, CallScreen):
            return {"ok": False, "error": texts.RING_NOT_READY}
        caller_e164 = dialing.caller_number(caller, client.country)
        screen.incoming_call(client.id, caller_e164, phone_call=phone_call)
        return {"ok": True, "client": client.id, "caller": caller_e164}
