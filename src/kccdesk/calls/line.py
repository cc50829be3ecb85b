"""The agent's line: the desk's call and what the softphone says about every call on it.

One plain state machine, so the rules of a call under pressure are in one place and tested
without an interface: which call is the desk's call, which ones ring meanwhile (the "second
call"), which transfer and which commands are on their way to the phone, and which call the
end-call key hung up. The screen feeds it the agent's keys and the phone's messages and does
what each step says (show a notice, send a command, log a call, show a ringing call).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from kccdesk import texts
from kccdesk.calls.session import CallSession
from kccdesk.calls.softphone import ACCEPT, HANGUP, CallEvent, Command, Response

#: how many waiting calls the header names (the rest are counted)
WAITING_SHOWN = 2


@dataclass(frozen=True)
class PendingTransfer:
    """A transfer sent to the softphone: done when the call closes, failed when it says so."""

    token: str
    person: str
    warning: str  # the override recorded when it goes through, else empty
    name: str


Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Notice:
    """Something to tell the agent (a toast)."""

    text: str
    severity: Severity = "information"
    timeout: float | None = None


@dataclass
class Step:
    """What the desk does after one event: each part is done in this order."""

    notices: list[Notice] = field(default_factory=list)
    #: commands for the softphone with what each is, for its answer (see CallLine.sent)
    commands: list[tuple[Command, str]] = field(default_factory=list)
    #: the desk's call ended at this moment: log it and stop the timer
    ended: datetime | None = None
    #: the call that ended (to log)
    finished: CallSession | None = None
    #: the desk's call was answered at this moment: the timer starts
    answered: datetime | None = None
    #: a call that rings and becomes the desk's call: show its client
    ring: CallEvent | None = None
    #: the list of waiting calls changed: the header shows it anew
    waiting_changed: bool = False
    #: a second call rang and is one of the first WAITING_SHOWN: tell the agent at once
    second_call: CallEvent | None = None

    def say(
        self, text: str, severity: Severity = "information", timeout: float | None = None
    ) -> None:
        self.notices.append(Notice(text, severity, timeout))


class CallLine:
    """The desk's call and the softphone's calls around it."""

    def __init__(self) -> None:
        #: the call the desk shows and times (None after the end-call key until the next)
        self.call: CallSession | None = None
        #: softphone calls that rang while another phone call was the desk's, by call id
        self.waiting: dict[str, CallEvent] = {}
        #: the account (the dialed line's AOR) each softphone call came in on
        self.accounts: dict[str, str] = {}
        #: the transfer sent to the softphone and not yet done or failed
        self.pending_transfer: PendingTransfer | None = None
        #: tokens of other commands sent to the softphone (accept, hangup) → what they were
        self.commands: dict[str, str] = {}
        #: the softphone call the end-call key hung up (its answer ends that one, no other)
        self.hanging_up = ""

    # --- the desk's call --------------------------------------------------------------

    def begin(
        self,
        client: str,
        now: datetime,
        *,
        caller: str = "",
        explicit: bool = True,
        phone_id: str = "",
    ) -> CallSession | None:
        """A new call becomes the desk's call; the one it replaces (to log) is returned.
        A softphone call starts ringing: its timer starts when it is answered."""
        previous = self.end()
        self.call = CallSession(client, now, caller=caller, explicit=explicit)
        if phone_id:
            self.call.phone_id = phone_id
            self.call.answered = False
        return previous

    def end(self) -> CallSession | None:
        """The desk's call is over (returned, to log); nothing is in flight for it any more."""
        call, self.call = self.call, None
        self.pending_transfer = None
        return call

    @property
    def on_phone(self) -> bool:
        """The desk's call is one the softphone drives."""
        return self.call is not None and bool(self.call.phone_id)

    # --- what the phone says ----------------------------------------------------------

    def said(self, event: CallEvent, now: datetime) -> Step:
        """A call event from the softphone."""
        step = Step()
        if event.type == "CALL_INCOMING":
            self.accounts[event.call_id] = event.account
            if self.on_phone:
                self.waiting[event.call_id] = event
                step.waiting_changed = True
                if len(self.waiting) <= WAITING_SHOWN:  # more are counted in the header
                    step.second_call = event
            else:
                step.ring = event
            return step
        if event.type == "CALL_CLOSED":
            self.accounts.pop(event.call_id, None)
            if self.waiting.pop(event.call_id, None) is not None:
                step.waiting_changed = True
                return step
        call = self.call
        if call is None or event.call_id != call.phone_id:
            return step
        if event.type == "CALL_ESTABLISHED" and not call.answered:
            call.answered_at(now)
            step.answered = now
        elif event.type in ("CALL_TRANSFER_FAILED", "TRANSFER_FAILED"):
            self._transfer_failed(step, event.param or "mislukt")
        elif event.type == "CALL_CLOSED":
            self._closed(step, now)
        return step

    def answered(self, response: Response, now: datetime) -> Step:
        """The softphone's answer to a command the desk sent."""
        step = Step()
        pending = self.pending_transfer
        if pending is not None and response.token == pending.token:
            if not response.ok:
                self._transfer_failed(step, response.data.strip() or "geweigerd door de telefoon")
            return step
        what = self.commands.pop(response.token, None)
        if what is not None and not response.ok:
            step.say(texts.PHONE_FAILED.format(error=response.data.strip() or what), "error")
        elif what == "neerleggen" and self._hung_up_call_is_shown():
            # baresip announces CALL_CLOSED before this answer; after a failed transfer it ends
            # the call without one: the agent hung up, so the call is over now — that call,
            # not a waiting one that has been shown since (and not put through).
            self.pending_transfer = None
            self._closed(step, now)
        return step

    def lost(self, now: datetime) -> Step:
        """The softphone went away: a call it drove is over (logged as far as it went)."""
        step = Step()
        if self.waiting:
            self.waiting.clear()
            step.waiting_changed = True
        if self.pending_transfer is not None:
            self._transfer_failed(step, texts.PHONE_UNREACHABLE)
        if self.on_phone:
            step.say(texts.PHONE_LOST_CALL, "error", 8)
            step.ended, step.finished = now, self.end()
        return step

    # --- what the agent asks ------------------------------------------------------------

    def answer(self) -> Step:
        """Ctrl+O: answer the desk's ringing call."""
        step = Step()
        if self.call is None or not self.call.phone_id or self.call.answered:
            step.say(texts.PHONE_NO_CALL, timeout=3)
        else:
            step.commands.append((ACCEPT, "opnemen"))
        return step

    def hang_up(self) -> Step:
        """Ctrl+L on a softphone call: hang up *this* call; it ends when the phone says so."""
        step = Step()
        assert self.call is not None and self.call.phone_id
        account = self.accounts.get(self.call.phone_id)
        if self.waiting and account:
            # baresip hangs up the call of its current line, which a second call ringing on
            # another line has become: choose this call's line first.
            step.commands.append((Command("uafind", account), "lijn kiezen"))
        self.hanging_up = self.call.phone_id
        step.commands.append((HANGUP, "neerleggen"))
        return step

    def sent(self, token: str, what: str) -> None:
        """A command left for the softphone: its answer is matched by this token."""
        self.commands[token] = what

    def transferring(self, token: str, person: str, warning: str, name: str) -> None:
        """A transfer left for the softphone: the call stays the desk's until it is done."""
        self.pending_transfer = PendingTransfer(token, person, warning, name)

    # --- the steps inside ---------------------------------------------------------------

    def _hung_up_call_is_shown(self) -> bool:
        return (
            self.call is not None
            and bool(self.hanging_up)
            and (self.call.phone_id == self.hanging_up)
        )

    def _closed(self, step: Step, now: datetime) -> None:
        """The desk's phone call closed: put through if a transfer was on its way; the next
        waiting caller then becomes the desk's call, ringing."""
        call = self.call
        assert call is not None
        pending = self.pending_transfer
        if pending is not None:
            call.transferred(pending.person, pending.warning)
            step.say(
                (texts.TRANSFERRED_OVERRIDE if pending.warning else texts.TRANSFERRED).format(
                    name=pending.name
                ),
                "warning" if pending.warning else "information",
            )
        step.ended, step.finished = now, self.end()
        if self.waiting:  # the next caller is still ringing: show them now
            _, step.ring = self.waiting.popitem()
            step.waiting_changed = True

    def _transfer_failed(self, step: Step, reason: str) -> None:
        pending, self.pending_transfer = self.pending_transfer, None
        if pending is None or self.call is None:
            return
        self.call.transfer_failed(pending.person, reason)
        step.say(texts.TRANSFER_FAILED.format(name=pending.name, reason=reason), "error", 10)
