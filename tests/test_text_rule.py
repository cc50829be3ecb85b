"""One text rule for everything a person types or a file carries (issue 22/28): the same
verdict for a caller's name, feedback, a client file, a roster reason and a ring."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from kccdesk.calls.ringing import RingRefused, parse_request
from kccdesk.clientfile import ImportErrors, parse_client
from kccdesk.clients.model import Client, Person
from kccdesk.core.text_rule import blank, forbidden
from kccdesk.duty.rules import text_problem
from kccdesk.notes.rules import NoteRefused, check_note
from kccdesk.teamlead.feedback import FeedbackRefused, _text

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
    assert "c.toml:5: persoon 1 ('jan')" in str(refused.value)
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


# --- data that cannot be true, and text too long (issue 28) ----------------------------------


def test_a_bom_at_the_start_of_a_client_file_is_no_text(tmp_path):
    from kccdesk.clientfile import load_clients

    path = tmp_path / "c.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[client]\nid = "c"\nname = "C"\n')
    (client,) = load_clients([path])
    assert client.id == "c"
    assert parse_client('\ufeff[client]\nid = "c"\nname = "C"\n').name == "C"


def test_texts_longer_than_their_limit_are_refused_with_the_numbers():
    with pytest.raises(NoteRefused, match="te lang \\(201 tekens; hooguit 200\\)"):
        check_note(CLIENT, "jan", "J" * 201, "0612345678", "x", at=AT)
    with pytest.raises(NoteRefused, match="hooguit 4000"):
        check_note(CLIENT, "jan", "Jan", "0612345678", "x" * 100_000, at=AT)
    head = '[client]\nid = "c"\nname = "C"\ninstructions = "' + "i" * 10_001 + '"\n'
    with pytest.raises(ImportErrors, match="veld 'instructions' is te lang"):
        parse_client(head)
    assert parse_client(head.replace("i" * 10_001, "i" * 10_000)).instructions


def test_a_coverage_minimum_beyond_any_roster_is_refused():
    text = (
        '[client]\nid = "c"\nname = "C"\n\n[[coverage]]\ndays = ["mon"]\n'
        'start = "08:00"\nend = "17:00"\nmin = 1000000000000000000\n'
    )
    with pytest.raises(ImportErrors, match="hooguit 1000"):
        parse_client(text, "c.toml")


@pytest.mark.parametrize(
    ("field", "value"), [("from", "2027-03-28T02:30"), ("until", "2027-03-28T02:00")]
)
def test_an_absence_at_a_time_the_clock_skips_is_refused_with_the_dst_hint(field, value):
    other = "2027-03-27" if field == "until" else "2027-03-29"
    bounds = {field: value, ("until" if field == "from" else "from"): other}
    text = (
        '[client]\nid = "c"\nname = "C"\n\n[[people]]\nid = "jan"\nname = "Jan"\n\n'
        f'[[absences]]\nperson = "jan"\nfrom = {bounds["from"]}\nuntil = {bounds["until"]}\n'
    )
    with pytest.raises(ImportErrors) as refused:
        parse_client(text, "c.toml")
    assert "bestaat niet in Europe/Amsterdam" in str(refused.value)
    assert "zomertijd" in str(refused.value)


def test_a_locked_database_is_said_in_one_line_after_bounded_tries(tmp_path, monkeypatch):
    """Another process holds the SQLite write lock: `note add` says so in one line, after
    tries bounded by LOCK_WAIT_AT_MOST (counted on a fake clock, not on the wall)."""
    import sqlite3

    from kccdesk.core.errors import StorageError
    from kccdesk.service.desk import Desk
    from kccdesk.storage import base, open_store

    url = f"sqlite:///{tmp_path / 'l.db'}"
    store = open_store(url)
    store.import_clients(
        [parse_client('[client]\nid = "c"\nname = "C"\n\n[[people]]\nid = "jan"\nname = "Jan"\n')]
    )
    holder = sqlite3.connect(tmp_path / "l.db")
    holder.execute("BEGIN IMMEDIATE")
    now = [0.0]
    slept: list[float] = []
    monkeypatch.setattr(base.systime, "monotonic", lambda: now[0])

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds + 1.5  # each try also waits out the busy timeout

    monkeypatch.setattr(base.systime, "sleep", sleep)
    try:
        with pytest.raises(StorageError, match="is bezet door een ander proces"):
            Desk(store, clock=lambda: AT).add_note("c", "jan", "Piet", "0612345678", "hallo")
    finally:
        holder.rollback()
        holder.close()
        store.close()
    assert now[0] <= base.LOCK_WAIT_AT_MOST + 1.5
    assert len(slept) < base.WRITE_ATTEMPTS - 1


@pytest.mark.parametrize("agent", ["\u202eXIRTAM", "a\nb", "x" * 201, "\u200b\u200b", "a\x1b[31m"])
def test_the_agent_signing_a_note_passes_the_same_rule(agent):
    with pytest.raises(NoteRefused, match="naam van de medewerker"):
        check_note(CLIENT, "jan", "Piet", "0612345678", "x", at=AT, agent=agent)


@pytest.mark.parametrize("name", ["\u200b\u200b", "\ufeff", "\u00ad", "\u034f"])
def test_a_person_named_only_in_invisible_characters_is_refused(name):
    text = f'[client]\nid = "c"\nname = "C"\n\n[[people]]\nid = "jan"\nname = {json.dumps(name)}\n'
    with pytest.raises(ImportErrors, match="veld 'name' is leeg"):
        parse_client(text, "c.toml")


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "--client", "c", "--limit", "-1", "x"],
        ["search", "--client", "c", "--limit", "0", "x"],
        ["overrides", "--days", "99999999999999999999"],
        ["feedback", "list", "--days", "0"],
        ["purge", "--days", "-3"],
        ["gaps", "--days", "-1"],
        ["gaps", "--days", "nan"],
        ["gaps", "--days", "1e400"],
        ["overrides", "--days", "3651"],
    ],
)
def test_counts_on_the_command_line_are_bounded(argv, capsys):
    from kccdesk.cli.main import main

    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "ligt niet tussen" in capsys.readouterr().err


def test_the_holiday_cache_is_renewed_when_the_package_changes(tmp_path, monkeypatch):
    import json as json_module

    from kccdesk.duty import holidays as publicholidays

    publicholidays.holidays_for.cache_clear()
    monkeypatch.setattr(publicholidays, "_source_version", lambda: "1.0")
    first = publicholidays.holidays_for("NL", 2027)
    path = publicholidays._cache_file()
    data = json_module.loads(path.read_text(encoding="utf-8"))
    assert data["holidays"] == "1.0"
    data["years"]["NL-2027"] = {"2027-01-01": "verkeerd"}  # what an old release said
    path.write_text(json_module.dumps(data), encoding="utf-8")
    publicholidays.holidays_for.cache_clear()
    monkeypatch.setattr(publicholidays, "_source_version", lambda: "2.0")
    again = publicholidays.holidays_for("NL", 2027)
    assert again == first and again[date(2027, 1, 1)] != "verkeerd"
    publicholidays.holidays_for.cache_clear()


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c", "\ufff9"])
def test_marks_that_reorder_or_hide_text_are_refused_too(mark):
    """Found by the hostile review: LRM, RLM and ALM reorder the digits beside them (a
    callback number read back in another order); annotation marks hide text."""
    from kccdesk.core.text_rule import forbidden

    found = forbidden(f"bel terug op{mark} 06 12 34 56 78")
    assert found is not None and found.position == 13


def test_emoji_sequences_with_joiners_and_tags_are_text():
    from kccdesk.core.text_rule import forbidden

    for text in ("👩‍⚕️ dr. Kaya", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 Schotse beller", "Anne-Marie\u00adde Vries"):
        assert forbidden(text) is None, text
