"""Esc followed at once by a key (typed fast, pasted, a text expander) is Esc and that key,
never Alt+key or a `^` in the field (kccdesk.ui.keyboard): Textual's parser, fed as the
terminal delivers bytes, in one chunk or split anywhere."""

from __future__ import annotations

import time

import pytest
from textual import events

from kccdesk.ui.keyboard import BurstParser, DeskDriver


def keys_of(messages) -> list[str]:
    """The key names among parsed messages."""
    return [m.key for m in messages if isinstance(m, events.Key)]


def _keys(*chunks: str) -> list[str]:
    parser = BurstParser()
    messages = []
    for chunk in chunks:
        messages += list(parser.feed(chunk))
    time.sleep(0.15)  # past Textual's 100 ms wait for a lone Esc
    messages += list(parser.tick())
    return keys_of(messages)


@pytest.mark.parametrize(
    ("chunks", "keys"),
    [
        # Esc to clear the search, then at once the next name
        (["\x1bkees"], ["escape", "k", "e", "e", "s"]),
        (["\x1b", "kees"], ["escape", "k", "e", "e", "s"]),
        # with another Esc later in the burst Textual typed '^' into the field
        (["abc\x1bkees\x1b"], ["a", "b", "c", "escape", "k", "e", "e", "s", "escape"]),
        (["\x1bk\x1b\x1bx"], ["escape", "k", "escape", "escape", "x"]),
        # Esc, then Enter or a digit
        (["\x1b\r"], ["escape", "enter"]),
        (["\x1b06"], ["escape", "0", "6"]),
        # a lone Esc is still Esc
        (["\x1b"], ["escape"]),
    ],
)
def test_esc_then_a_key_in_one_burst_is_esc_and_that_key(chunks, keys):
    assert _keys(*chunks) == keys


@pytest.mark.parametrize(
    ("chunks", "keys"),
    [
        (["\x1b[A"], ["up"]),
        (["\x1bOP"], ["f1"]),
        (["\x1b[15~ab"], ["f5", "a", "b"]),
        (["\x1b[1;5", "A"], ["ctrl+up"]),  # a sequence split between two reads
        (["\x1b[", "17~"], ["f6"]),
        (["x\x1b[19;5~"], ["x", "ctrl+f8"]),
    ],
)
def test_the_terminals_own_sequences_read_as_before(chunks, keys):
    assert _keys(*chunks) == keys


def test_a_paste_keeps_its_text_and_the_key_after_it_is_itself():
    parser = BurstParser()
    messages = list(parser.feed("\x1b[200~Kees van Dijk\x1b[201~\x1bx"))
    time.sleep(0.15)
    messages += list(parser.tick())
    pastes = [m.text for m in messages if type(m).__name__ == "Paste"]
    assert pastes == ["Kees van Dijk"]
    assert keys_of(messages) == ["escape", "x"]


def test_the_desk_reads_a_linux_terminal_with_this_parser(demo_store):
    from desk_helpers import build_app

    app = build_app(demo_store.url, "gemeente-oosterwold")
    assert app.driver_class is DeskDriver


def test_an_esc_the_pause_ended_already_is_not_ended_twice():
    """First tmux run: Esc alone, the 100 ms pause (tick), then a letter crashed the input
    thread (the parser was told of a pause it was no longer waiting for)."""
    parser = BurstParser()
    messages = list(parser.feed("kees\x1b"))
    time.sleep(0.15)
    messages += list(parser.tick())
    messages += list(parser.feed("jan"))
    messages += list(parser.feed("\x1b"))
    messages += list(parser.feed("x"))
    assert keys_of(messages) == ["k", "e", "e", "s", "escape", "j", "a", "n", "escape", "x"]


PIECES = ["\x1b", "a", "K", "0", "\r", "\t", "^", "\x1b[A", "\x1b[15~", "\x1bOP", "é", "\x13"]


def test_any_burst_split_anywhere_never_breaks_the_input_and_never_reads_alt():
    """Property: keys and sequences in any order, split into reads anywhere, with pauses
    between some keys (a terminal never pauses inside one sequence), never raise (an
    exception here stops the desk's input) and never produce Alt+key or a `^` nobody
    typed."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(PIECES), st.booleans(), st.booleans()),
            min_size=1,
            max_size=12,
        )
    )
    def check(typed):
        parser = BurstParser()
        messages = []
        for piece, split, pause_after in typed:
            reads = [piece[:1], piece[1:]] if split and len(piece) > 1 else [piece]
            for read in reads:
                messages += list(parser.feed(read))
            if pause_after:
                if parser._timeout_time is not None:
                    parser._timeout_time = 0.0  # the 100 ms have passed
                messages += list(parser.tick())
        if parser._timeout_time is not None:
            parser._timeout_time = 0.0
        messages += list(parser.tick())
        keys = keys_of(messages)
        pieces = [piece for piece, _, _ in typed]
        assert not [k for k in keys if k.startswith("alt+")], (pieces, keys)
        assert keys.count("circumflex_accent") == pieces.count("^"), (pieces, keys)
        assert keys.count("escape") == pieces.count("\x1b"), (pieces, keys)

    check()
