"""Reading the terminal's keys as an agent means them when they come in one burst.

A terminal sends Esc as the byte ESC, and Alt+K as ESC followed by `k`. Textual tells the
two apart by time: ESC with nothing behind it for 100 ms is Esc. Typed fast (Esc to clear the
search, then at once the next name), pasted or sent by a text expander, Esc and the next
letter arrive together: Textual then reads Alt+K (the Esc is lost, the old query stays), and
with another Esc later in the same burst even a `^` typed into the field. The desk binds no
Alt keys, so ESC followed by anything that cannot begin a terminal's escape sequence is Esc,
followed by that key, however fast they came.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable

from textual._parser import ParseError, ParseTimeout
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

ESC = "\x1b"
#: what follows ESC in a sequence a terminal sends (CSI `[`, SS3 `O`) or another ESC
SEQUENCE_STARTS = frozenset("[O" + ESC)
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class BurstParser(XTermParser):
    """Textual's parser, with a lone Esc ended by the next key instead of by a pause."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        #: inside a bracketed paste (ESC there belongs to the paste's end marker)
        self._pasting = False
        #: the last chunk ended in an ESC that began no sequence yet
        self._escape_open = False

    def feed(self, data: str) -> Iterable[Message]:
        if not data:
            yield from super().feed(data)
            return
        start = 0
        if self._escape_open and data[0] not in SEQUENCE_STARTS:
            yield from self._end_escape()
        self._escape_open = False
        for index, character in enumerate(data):
            if character != ESC or self._pasting_at(data, index):
                continue
            following = data[index + 1 : index + 2]
            if following and following in SEQUENCE_STARTS:
                continue
            # Outside a paste, Textual starts reading a new sequence at every ESC (whatever
            # it was reading before is given up): now it holds this ESC alone.
            yield from super().feed(data[start : index + 1])
            start = index + 1
            if following:
                yield from self._end_escape()
            else:
                self._escape_open = True  # the next chunk says what it was
        if start < len(data):
            yield from super().feed(data[start:])

    def _pasting_at(self, data: str, index: int) -> bool:
        """Whether the ESC at `index` is inside a paste (its markers switch the state)."""
        if data.startswith(PASTE_START, index):
            self._pasting = True
        elif data.startswith(PASTE_END, index):
            self._pasting = False
            return True
        return self._pasting

    def _end_escape(self) -> Iterable[Message]:
        """What the 100 ms pause would have done: the ESC waiting alone is the Esc key.
        Nothing when the pause came first (`tick` ended the Esc already)."""
        if self._timeout_time is None:
            return
        self._timeout_time = None
        self._awaiting = self._gen.throw(ParseTimeout())
        while self._tokens:
            yield self._tokens.popleft()


class DeskDriver(LinuxDriver):
    """Textual's Linux driver reading the keys with BurstParser (its input loop, as in
    Textual 8, with the parser swapped)."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = BurstParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(selector_events, final: bool = False) -> None:
            for number, (_key, mask) in enumerate(selector_events):
                if mask & selectors.EVENT_READ:
                    last = number == len(selector_events) - 1
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:
                        break
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
