"""Top of the call screen: client, greeting script with the agent's name, call timer."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive

from kccdesk import texts
from kccdesk.ui.plain import Static

#: below this many columns the header's words are short, so the state line fits
NARROW = 100


class CallHeader(Static):
    DEFAULT_CSS = """
    CallHeader {
        height: 3;
        padding: 0 1;
        background: $primary-background;
        color: $text;
    }
    """

    client_name: reactive[str] = reactive("")
    greeting: reactive[str] = reactive("")
    started: reactive[datetime | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)
    scope_all: reactive[bool] = reactive(False)
    #: one line while the desk cannot hear other desks (database gone), else empty
    connection: reactive[str] = reactive("")
    #: 'open tot 17:00', 'gesloten — open ma 08:30' or the free-text line
    opening_hours: reactive[str] = reactive("")
    #: outside opening hours (from the client's opening rows)
    after_hours: reactive[bool] = reactive(False)
    #: why the client is closed today (closure, public holiday), else empty
    closed: reactive[str] = reactive("")
    #: callback notes the mail server refused, until handled (F9)
    failed_notes: reactive[int] = reactive(0)
    #: escalated urgent notes nobody acknowledged (Ctrl+G lists them)
    unacked_notes: reactive[int] = reactive(0)
    #: notes queued again after an attempt that did not reach the mail server
    delayed_notes: reactive[int] = reactive(0)
    #: the softphone's state ("telefoon verbonden" / "telefoon niet bereikbaar"), empty
    #: when no softphone is configured
    phone: reactive[str] = reactive("")
    phone_ok: reactive[bool] = reactive(False)
    #: the call rings on the softphone (the timer starts when it is answered)
    ringing: reactive[bool] = reactive(False)
    #: the call was ended (Ctrl+L or the softphone): no timer until the next call
    ended: reactive[bool] = reactive(False)
    #: a second call waiting while this one is active, else empty
    waiting: reactive[str] = reactive("")
    #: the calls on hold (Ctrl+U takes one back), else empty
    held: reactive[str] = reactive("")

    def render(self) -> Text:
        """Line 1: the call's state, cut with "…" rather than wrapped, so it never pushes
        the greeting out of the header's three lines; lines 2–3: the greeting."""
        text = self._state_line()
        width = self.content_region.width
        if width > 0 and text.cell_len > width:
            text.truncate(width, overflow="ellipsis")
        text.append("\n")
        text.append(f"“{self.greeting}”", "italic")
        if self.waiting:
            text.append(f"   ☎ {self.waiting}", "bold yellow")
        if self.held:
            text.append(f"   ⏸ {self.held}", "bold cyan")
        if self.connection:
            text.append(f"\n⚠ {self.connection}", "bold yellow")
        return text

    def _state_line(self) -> Text:
        """Client, alarms, timer, phone, scope, open or closed — short words when narrow."""
        narrow = self.content_region.width < NARROW
        gap = "  " if narrow else "   "
        text = Text()
        text.append(self.client_name, "bold")
        if self.unacked_notes:  # the loudest alarm: someone may not know of an emergency
            unacked = texts.UNACKED_COUNT_SHORT if narrow else texts.UNACKED_COUNT
            text.append(" " if narrow else gap)
            text.append(unacked.format(count=self.unacked_notes), "bold white on dark_red")
        if self.failed_notes:  # an alarm: before anything that may be cut at 80 columns
            failed = texts.FAILED_COUNT_SHORT if narrow else texts.FAILED_COUNT
            text.append(" " if narrow else gap)
            text.append(failed.format(count=self.failed_notes), "bold white on red")
        if self.delayed_notes:
            delayed = texts.DELAYED_COUNT_SHORT if narrow else texts.DELAYED_COUNT
            text.append(" " if narrow else gap)
            text.append(delayed.format(count=self.delayed_notes), "bold black on yellow")
        if self.started and self.now:
            seconds = (self.now - self.started).total_seconds()
            label = texts.CALL_TIMER_SHORT if narrow else texts.CALL_TIMER
            text.append(f"{gap}{label} {texts.elapsed(seconds)}", "bold")
        elif self.ringing:
            text.append(f"{gap}☎ {texts.PHONE_RINGING}", "bold reverse")
        elif self.ended:
            text.append(f"{gap}{texts.CALL_ENDED}", "bold dim")
        if self.phone:
            text.append(f"{gap}☎ {self.phone}", "green" if self.phone_ok else "bold red")
        if self.scope_all:
            text.append(f"{gap}[{texts.KEY_ALL_CLIENTS}]", "bold reverse")
        if self.closed:
            text.append(f"{gap}{texts.CLOSED_TODAY.format(reason=self.closed)}", "bold red")
        elif self.opening_hours:
            style = "bold red" if self.after_hours else "dim"
            text.append(f"{gap}{self.opening_hours}", style)
        return text
