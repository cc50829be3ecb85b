"""One text rule for everything a person types or a file carries (issue 22/28): the same
verdict for a caller's name, feedback, a client file, a roster reason and a ring."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kccdesk.clientfile import ImportErrors, parse_client
from kccdesk.feedback import FeedbackRefused, _text
from kccdesk.model import Client, Person
from kccdesk.notes import NoteRefused, check_note
from kccdesk.ringing import RingRefused, parse_request
from kccdesk.roster_rules import text_problem
from kccdesk.text_rule import blank, forbidden

AT = datetime(2026, 12, 2, 10, tzinfo=UTC)
CLIENT = Client(id="c", name="C", people=(Person("jan", "Jan"),))

#: each refused in every single-line text, whatever its source
REFUSED = ["Jan\u202eevil", "Jan\u2028Piet", "Jan\u2029", "Jan\x85", "Jan\x07", "Jan\u2066x"]
#: texts that say nothing: only invisible characters
BLANK = ["\u200b\u200b", "\u200d", "\u00ad \u200b", "   "]


@pytest.mark.parametrize("name", REFUSED)
def test_a_callers_name_is_refused_as_everywhere_else(name):
    with pytest.raises(NoteRefused):
        check_note(CLIENT, "jan", name, "0612345678", "bericht", at=AT)
    with pytest.raises(FeedbackRefused):
        _text(name, "wat de klant zei", 100)
    assert text_problem("name", name) is not None
    with pytest.raises(RingRefused):
        parse_request(f'{{"line": "+31412000000", "caller": "{name}"}}'.encode("unicode_escape"))


@pytest.mark.parametrize("name", REFUSED)
def test_a_client_file_refuses_the_same_names(name):
    quoted = json.dumps(name)  # \uXXXX escapes: TOML reads them as the characters
    text = f'[client]\nid = "c"\nname = "C"\n\n[[people]]\nid = "jan"\nname = {quoted}\n'
    with pytest.raises(ImportErrors) as refused:
        parse_client(text, "c.toml")
    assert "c.toml:5: person 1 ('jan')" in str(refused.value)
    assert "veld 'name' bevat" in str(refused.value)


@pytest.mark.parametrize("name", BLANK)
def test_a_name_of_only_invisible_characters_is_missing(name):
    assert blank(name)
    with pytest.raises(NoteRefused, match="naam van de beller ontbreekt"):
        check_note(CLIENT, "jan", name, "0612345678", "bericht", at=AT)
    with pytest.raises(NoteRefused, match="bericht ontbreekt"):
        check_note(CLIENT, "jan", "Jan", "0612345678", name, at=AT)


def test_right_to_left_text_and_line_breaks_where_a_text_has_lines_are_fine():
    assert forbidden("محمد العلي") is None  # Arabic, written right to left: a name
    assert forbidden("שלום") is None
    assert forbidden("Jan 👋🏽 de Vries") is None
    assert forbidden("regel 1\nregel 2\tmet tab", lines=True) is None
    assert forbidden("regel\n", lines=False).kind == "break"
    assert forbidden("a\u202eb", lines=True).kind == "direction"
    note = check_note(CLIENT, "jan", "محمد", "0612345678", "regel 1\nregel 2", at=AT)
    assert note.caller_name == "محمد"


def test_the_direction_override_message_says_what_it_does():
    with pytest.raises(NoteRefused, match="richtingsteken \\(U\\+202E\\)"):
        check_note(CLIENT, "jan", "Jan\u202e", "0612345678", "x", at=AT)
    assert "richtingsteken (U+202E)" in text_problem("reason", "ziek\u202e")
