"""The agent's line: the desk's call and what the softphone says about every call on it.

One plain state machine, so the rules of a call under pressure are in one place and tested
without an interface: which call is the desk's call, which ones ring meanwhile (the "second
call"), which ones the agent put on hold, which transfer and which commands are on their way to
the phone, and which call the end-call key hung up. The screen feeds it the agent's keys and
the phone's messages and does what each step says (show a notice, send a command, log a call,
show a ringing or a resumed call).

baresip acts on its *current* call, which a second call ringing on another line may have
become. So every command about a call first makes that call current (`uafind` its line,
`callfind` its id), and the commands go one at a time: the next only after the phone said the
last one worked — a call not found stops the rest, so a hang-up never reaches another caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from kccdesk import texts
from kccdesk.calls.session import CallSession
from kccdesk.calls.softphone import ACCEPT, HANGUP, HOLD, RESUME, CallEvent, Command, Response

#: how many waiting calls the header names (the rest are counted)
WAITING_SHOWN = 2
#: what the transfer command is, among the commands in flight
TRANSFER = "doorverbinden"
#: baresip's answer to `callfind` for a call it does not have (the answer itself is "ok")
CALL_NOT_FOUND = "call not found"
#: what the command that makes a call baresip's current one is
CHOOSE_CALL = "gesprek kiezen"


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
    #: a held call became the desk's call again: show it (its client, its timer)
    resumed: CallSession | None = None
    #: calls that ended while not the desk's call (a held caller hung up), with their end
    logged: list[tuple[CallSession, datetime]] = field(default_factory=list)

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
        #: answered softphone calls the agent put on hold, by call id (oldest first)
        self.held: dict[str, CallSession] = {}
        #: the account (the dialed line's AOR) each softphone call came in on
        self.accounts: dict[str, str] = {}
        #: the transfer sent to the softphone and not yet done or failed
        self.pending_transfer: PendingTransfer | None = None
        #: tokens of other commands sent to the softphone (accept, hangup) → what they were
        self.commands: dict[str, str] = {}
        #: the softphone call the end-call key hung up (its answer ends that one, no other)
        self.hanging_up = ""
        #: commands waiting for the one in flight to be answered, and that one's token
        self._queue: list[tuple[Command, str]] = []
        self._in_flight = ""
        #: the transfer queued behind the commands that choose its call: (person, warning,
        #: name), until its command is sent
        self._transfer: tuple[str, str, str] | None = None
        #: the call each `callfind` in flight is about, by token
        self._finding: dict[str, str] = {}

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
            held = self.held.pop(event.call_id, None)
            if held is not None:  # the caller on hold hung up
                step.logged.append((held, now))
                step.waiting_changed = True
                step.say(texts.PHONE_HELD_CALLER_LEFT, "warning", 6)
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
        """The softphone's answer to a command the desk sent; the next queued command goes
        only when this one worked."""
        step = Step()
        data = response.data.strip()
        what = self.commands.pop(response.token, None)
        chosen = self._finding.pop(response.token, None)
        # `callfind` answers "ok" for a call it does not have: that call is gone
        gone = chosen if chosen is not None and data.startswith(CALL_NOT_FOUND) else None
        if response.token == self._in_flight:
            self._in_flight = ""
            if gone is not None or not response.ok:
                self._queue.clear()
                self._queued_transfer_failed(step, data or "geweigerd")
            elif self._queue:
                step.commands.append(self._queue.pop(0))
        pending = self.pending_transfer
        if gone is not None:
            # the desk's idea of the call follows the phone's (a caller's phone drops the
            # call on a refused blind transfer, without a word)
            self._call_gone(step, gone, now)
        elif pending is not None and response.token == pending.token:
            if not response.ok:
                self._transfer_failed(step, data or "geweigerd door de telefoon")
        elif what is not None and not response.ok:
            step.say(texts.PHONE_FAILED.format(error=data or what), "error")
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
        self._queue.clear()
        self._in_flight = ""
        if self.waiting or self.held:
            step.logged.extend((held, now) for held in self.held.values())
            self.waiting.clear()
            self.held.clear()
            step.waiting_changed = True
        if self.pending_transfer is not None:
            self._transfer_failed(step, texts.PHONE_UNREACHABLE)
        if self.on_phone:
            step.say(texts.PHONE_LOST_CALL, "error", 8)
            step.ended, step.finished = now, self.end()
        return step

    # --- what the agent asks ------------------------------------------------------------

    def answer(self) -> Step:
        """Ctrl+O: answer the desk's ringing call; during a call, answer the (first) waiting
        call, the call in progress going on hold."""
        step = Step()
        call = self.call
        if call is not None and call.phone_id and not call.answered:
            self._send(step, [*self._choose(call.phone_id), (ACCEPT, "opnemen")])
            return step
        if not self.waiting:
            step.say(texts.PHONE_NO_CALL, timeout=3)
            return step
        waiting_id = next(iter(self.waiting))
        event = self.waiting.pop(waiting_id)
        commands = []
        if call is not None and call.phone_id:
            commands = self._hold(call)
            self.call = None  # not ended: on hold, the desk shows the new caller
        commands += [*self._choose(waiting_id), (ACCEPT, "opnemen")]
        self._send(step, commands)
        step.ring = event  # the desk shows the waiting caller, ringing until established
        step.waiting_changed = True
        return step

    def switch(self, now: datetime) -> Step:
        """Ctrl+U: back to the call on hold; the call in progress goes on hold in its place."""
        step = Step()
        if not self.held:
            step.say(texts.PHONE_NOTHING_HELD, timeout=3)
            return step
        held_id = next(iter(self.held))
        held = self.held.pop(held_id)
        commands = []
        call = self.call
        if call is not None and call.phone_id and call.answered:
            commands = self._hold(call)
        elif call is not None and call.phone_id:  # still ringing: it waits again
            self.waiting[call.phone_id] = CallEvent(
                "CALL_INCOMING", call.phone_id, self.accounts.get(call.phone_id, ""), ""
            )
        elif call is not None:  # a call of the desk alone (F7): over now
            step.ended, step.finished = now, call
        self.pending_transfer = None
        self.call = held
        commands += [*self._choose(held_id), (RESUME, "terugnemen")]
        self._send(step, commands)
        step.resumed = held
        step.waiting_changed = True
        return step

    def hang_up(self) -> Step:
        """Ctrl+L on a softphone call: hang up *this* call; it ends when the phone says so."""
        step = Step()
        assert self.call is not None and self.call.phone_id
        self.hanging_up = self.call.phone_id
        self._send(step, [*self._choose(self.call.phone_id), (HANGUP, "neerleggen")])
        return step

    def transfer(self, command: Command, person: str, warning: str, name: str) -> Step:
        """Put the desk's caller through: the call stays the desk's until the phone says the
        transfer is done (the call closes) or failed."""
        step = Step()
        assert self.call is not None and self.call.phone_id
        self._transfer = (person, warning, name)
        self._send(step, [*self._choose(self.call.phone_id), (command, TRANSFER)])
        return step

    def sent(self, token: str, command: Command, what: str) -> None:
        """A command left for the softphone: its answer is matched by this token."""
        self.commands[token] = what
        self._in_flight = token
        if what == CHOOSE_CALL:
            self._finding[token] = command.params
        if what == TRANSFER and self._transfer is not None:
            person, warning, name = self._transfer
            self._transfer = None
            self.pending_transfer = PendingTransfer(token, person, warning, name)

    def unsent(self, error: str) -> Step:
        """A command could not leave (the phone unreachable): the rest is dropped; a
        transfer that had not left failed."""
        step = Step()
        self._queue.clear()
        self._in_flight = ""
        self._queued_transfer_failed(step, error)
        return step

    # --- the steps inside ---------------------------------------------------------------

    def _hold(self, call: CallSession) -> list[tuple[Command, str]]:
        """The commands that put this phone call on hold; it is kept among the held."""
        self.held[call.phone_id] = call
        return [*self._choose(call.phone_id), (HOLD, "in de wacht zetten")]

    def _choose(self, phone_id: str) -> list[tuple[Command, str]]:
        """Make this call baresip's current one: its line, then the call itself."""
        account = self.accounts.get(phone_id)
        chosen = [(Command("uafind", account), "lijn kiezen")] if account else []
        return [*chosen, (Command("callfind", phone_id), CHOOSE_CALL)]

    def _send(self, step: Step, commands: list[tuple[Command, str]]) -> None:
        """Commands one at a time: the first now (unless one is in flight), the rest as each
        answer comes."""
        self._queue.extend(commands)
        if not self._in_flight and self._queue:
            step.commands.append(self._queue.pop(0))

    def _queued_transfer_failed(self, step: Step, reason: str) -> None:
        """The commands before a transfer failed, so it never left: recorded and said."""
        if self._transfer is None:
            return
        person, _warning, name = self._transfer
        self._transfer = None
        if self.call is not None:
            self.call.transfer_failed(person, reason)
        step.say(texts.TRANSFER_FAILED.format(name=name, reason=reason), "error", 10)

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
        """Recorded and said; then the desk asks the phone whether the caller is still
        there (a refused blind transfer may have cost the call)."""
        pending, self.pending_transfer = self.pending_transfer, None
        if pending is None or self.call is None:
            return
        self.call.transfer_failed(pending.person, reason)
        step.say(texts.TRANSFER_FAILED.format(name=pending.name, reason=reason), "error", 10)
        if self.call.phone_id:
            self._send(step, self._choose(self.call.phone_id))

    def _call_gone(self, step: Step, phone_id: str, now: datetime) -> None:
        """The phone no longer has this call: over, logged as far as it went."""
        self.accounts.pop(phone_id, None)
        held = self.held.pop(phone_id, None)
        if held is not None:
            step.logged.append((held, now))
            step.waiting_changed = True
            return
        call = self.call
        if call is None or call.phone_id != phone_id:
            return
        hung_up = self.hanging_up == phone_id
        self.pending_transfer = None
        if not hung_up:
            number = call.caller or ""
            step.say(texts.PHONE_CALLER_GONE.format(caller=number), "error", 10)
        self._closed(step, now)
