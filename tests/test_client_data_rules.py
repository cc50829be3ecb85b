"""One set of rules for client data (issue 10): each bad file is refused by `kccdesk import`
with one Dutch line naming file, line and entry, and the database stays as it was."""

from __future__ import annotations

import pytest

from conftest import DEMO_DIR
from kccdesk.cli.main import main
from kccdesk.clientfile import ImportErrors, load_clients, parse_client
from kccdesk.storage import open_store

BASE = """\
[client]
id = "uden"
name = "Gemeente Uden"
lines = ["+31413000000"]
greeting = "Goedemorgen,\\tgemeente Uden."
public_holidays = "NL"
fallback_email = "info@uden.example.nl"

[[people]]
id = "anna"
name = "Anna de Vries"
phone = "+31612345678"
email = "anna@uden.example.nl"

[[people]]
id = "bert"
name = "Bert Smit"
phone = "0413 123 456"

[[topics]]
id = "sneeuw"
title = "Gladheid"
body = \"\"\"Strooiroutes:
\tzie de website.\"\"\"
valid_from = 2026-12-01

[[shifts]]
person = "anna"
days = ["mon", "tue"]
start = "08:00"
end = "17:00"

[[absences]]
person = "anna"
from = 2026-12-01
until = 2026-12-05
replaced_by = "bert"
"""

# (what to replace in BASE, by what, line of the message, entry, fragment of the reason)
CASES = [
    (
        'phone = "+31612345678"',
        'phone = "+3 abc1612345001"',
        9,
        "persoon 1",
        "telefoonnummer '+3 abc1612345001' is ongeldig: ongeldig teken 'a'",
    ),
    ('phone = "0413 123 456"', 'phone = "06 1234"', 15, "persoon 2", "'06 1234' is ongeldig"),
    ('lines = ["+31413000000"]', 'lines = ["not a number"]', 1, "client", "lijn 'not a number'"),
    ('lines = ["+31413000000"]', 'lines = [""]', 1, "client", "lijn '' is ongeldig"),
    (
        'lines = ["+31413000000"]',
        'lines = ["+31413000000", "0413 00 00 00"]',
        1,
        "client",
        "lijn '0413 00 00 00' staat twee keer in lines",
    ),
    (
        'email = "anna@uden.example.nl"',
        'email = "not an address"',
        9,
        "persoon 1",
        "e-mailadres 'not an address' is geen geldig e-mailadres",
    ),
    (
        'email = "anna@uden.example.nl"',
        'email = "anna@uden.example.nl\\r\\nBcc: x@evil.example"',
        9,
        "persoon 1",
        "veld 'email' mag geen regeleinde of tab bevatten",
    ),
    (
        'fallback_email = "info@uden.example.nl"',
        'fallback_email = "info"',
        1,
        "client",
        "fallback_email 'info' is geen geldig e-mailadres",
    ),
    (
        'name = "Anna de Vries"',
        'name = "Anna\\nde Vries"',
        9,
        "persoon 1",
        "veld 'name' mag geen regeleinde of tab bevatten",
    ),
    (
        'name = "Bert Smit"',
        'name = "Bert \\u0007Smit"',
        15,
        "persoon 2",
        "veld 'name' bevat een stuurteken (U+0007)",
    ),
    (
        'title = "Gladheid"',
        'title = "Glad\\u0085heid"',
        20,
        "onderwerp 1",
        "veld 'title' bevat een stuurteken (U+0085)",
    ),
    (
        'days = ["mon", "tue"]',
        'days = ["mon", "tue"]\nreason = "x"',
        27,
        "dienst 1",
        "onbekend veld 'reason'",
    ),
    (
        'replaced_by = "bert"',
        'replaced_by = "bert"\nreason = "ziek\\u001b[31m"',
        33,
        "afwezigheid 1",
        "veld 'reason' bevat een stuurteken (U+001B)",
    ),
    (
        'public_holidays = "NL"',
        'public_holidays = "XX"',
        1,
        "client",
        "public_holidays 'XX' is geen bekend land",
    ),
    (
        'public_holidays = "NL"',
        'public_holidays = "Nederland"',
        1,
        "client",
        "public_holidays 'Nederland' is geen bekend land",
    ),
    ("greeting =", 'timezone = "localtime"\ngreeting =', 1, "client", "tijdzone 'localtime'"),
    ("greeting =", 'timezone = "Factory"\ngreeting =', 1, "client", "tijdzone 'Factory'"),
    ("greeting =", 'timezone = "right/UTC"\ngreeting =', 1, "client", "tijdzone 'right/UTC'"),
    (
        "greeting =",
        'timezone = "posix/Europe/Amsterdam"\ngreeting =',
        1,
        "client",
        "tijdzone 'posix/Europe/Amsterdam'",
    ),
    (
        'start = "08:00"',
        "start = 08:00:15",
        27,
        "dienst 1",
        'tijd start = 08:00:15 heeft seconden; schrijf "UU:MM"',
    ),
    (
        "until = 2026-12-05",
        "until = 9999-12-31",
        33,
        "afwezigheid 1",
        "until 9999-12-31 ligt buiten",
    ),
    (
        "from = 2026-12-01\nuntil",
        "from = 1999-12-31\nuntil",
        33,
        "afwezigheid 1",
        "from 1999-12-31 ligt buiten",
    ),
    (
        "valid_from = 2026-12-01",
        "valid_from = 2101-01-01",
        20,
        "onderwerp 1",
        "valid_from 2101-01-01 ligt buiten 2000–2100",
    ),
    (
        'replaced_by = "bert"',
        'replaced_by = "bert"\n\n[[extra_shifts]]\nperson = "bert"\ndate = 0001-01-01\n'
        'start = "08:00"\nend = "09:00"',
        39,
        "extra dienst 1",
        "date 0001-01-01 ligt buiten 2000–2100",
    ),
    (
        'replaced_by = "bert"',
        'replaced_by = "bert"\n\n[[shifts]]\nperson = "anna"\ndays = ["tue"]\n'
        'start = "16:00"\nend = "18:00"',
        27,
        "dienst 1",
        "overlapt met dienst di 16:00–18:00",
    ),
    (
        'replaced_by = "bert"',
        'replaced_by = "bert"\n\n[[absences]]\nperson = "bert"\nfrom = 2026-12-04\n'
        'until = 2026-12-10\nreplaced_by = "anna"',
        33,
        "afwezigheid 1",
        "vervangers vormen een kring: anna → bert → anna (vanaf 04-12-2026)",
    ),
]


@pytest.fixture
def stored(tmp_path, monkeypatch):
    """The demo clients in a database the command line uses; yields a snapshot reader."""
    url = f"sqlite:///{tmp_path / 'rules.db'}"
    monkeypatch.setenv("KCCDESK_DATABASE_URL", url)
    store = open_store(url)
    store.import_clients(load_clients([DEMO_DIR]))
    yield store
    store.close()


def test_the_base_file_is_accepted(tmp_path, stored, capsys):
    path = tmp_path / "uden.toml"
    path.write_text(BASE, encoding="utf-8")
    assert main(["import", str(path)]) == 0, capsys.readouterr().err
    client = stored.load_client("uden")
    assert client.topics[0].body == "Strooiroutes:\n\tzie de website."
    assert client.greeting == "Goedemorgen,\tgemeente Uden."


@pytest.mark.parametrize(("old", "new", "line", "entry", "fragment"), CASES)
def test_each_rule_refuses_the_file_names_it_and_changes_nothing(
    tmp_path, stored, capsys, old, new, line, entry, fragment
):
    assert BASE.count(old) == 1
    path = tmp_path / "uden.toml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    before = stored.load_clients()
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "kccdesk: niets geïmporteerd:"
    messages = [m.strip() for m in err[1:]]
    expected = f"{path}:{line}: {entry}"
    assert any(m.startswith(expected) and fragment in m for m in messages), messages
    assert stored.load_clients() == before
    assert "uden" not in stored.client_ids()


def test_a_replacement_cycle_is_refused(tmp_path, stored, capsys):
    """A replaced by B while B is replaced by A in an overlapping period."""
    path = tmp_path / "uden.toml"
    cycle = (
        '\n[[absences]]\nperson = "bert"\nfrom = 2026-12-03\nuntil = 2026-12-08\n'
        'replaced_by = "anna"\n'
    )
    path.write_text(BASE + cycle, encoding="utf-8")
    before = stored.load_clients()
    assert main(["import", str(path)]) == 2
    messages = [m.strip() for m in capsys.readouterr().err.splitlines()[1:]]
    assert (
        f"{path}:33: afwezigheid 1: vervangers vormen een kring: anna → bert → anna "
        "(vanaf 03-12-2026)" in messages
    )
    assert (
        f"{path}:39: afwezigheid 2: vervangers vormen een kring: bert → anna → bert "
        "(vanaf 03-12-2026)" in messages
    )
    assert stored.load_clients() == before


def test_a_replacement_away_too_is_imported_with_a_warning(tmp_path, stored, capsys):
    """Anna is replaced by Bert, who has a course that week: an ordinary week, imported; the
    shift lead is told the day and where notes go then (no default recipient: nobody)."""
    path = tmp_path / "uden.toml"
    away = (
        '\n[[absences]]\nperson = "bert"\nfrom = 2026-12-03\nuntil = 2026-12-03\n'
        'reason = "cursus"\n'
    )
    path.write_text(BASE + away, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        "Let op: uden: Anna de Vries afwezig en vervanger Bert Smit ook afwezig van 03-12-2026 "
        "t/m 03-12-2026: er is dan niemand voor notities (geen standaardontvanger)"
    ) in out
    assert "uden" in stored.client_ids()


def test_a_line_of_a_client_in_the_database_is_refused(tmp_path, stored, capsys):
    """The screen pop on +31412000000 must keep opening Gemeente Oosterwold."""
    path = tmp_path / "uden.toml"
    path.write_text(BASE.replace("+31413000000", "0412 00 00 00"), encoding="utf-8")
    before = stored.load_clients()
    assert main(["import", str(path)]) == 2
    (message,) = [m.strip() for m in capsys.readouterr().err.splitlines()[1:]]
    assert message == (
        f"{path}:4: client: lijn '0412 00 00 00' hoort al bij client 'gemeente-oosterwold'; "
        "een gekozen nummer hoort bij één client"
    )
    assert stored.load_clients() == before


def test_a_line_twice_in_one_batch_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text(BASE, encoding="utf-8")
    (tmp_path / "b.toml").write_text(BASE.replace('id = "uden"', 'id = "veghel"'), "utf-8")
    with pytest.raises(ImportErrors) as caught:
        load_clients([tmp_path])
    (error,) = caught.value.errors
    assert str(error) == (
        f"{tmp_path / 'b.toml'}:4: client: lijn '+31413000000' hoort al bij client 'uden' "
        f"(in {tmp_path / 'a.toml'}); een gekozen nummer hoort bij één client"
    )


def test_reimporting_the_same_client_keeps_its_own_lines(tmp_path, stored, capsys):
    assert main(["import", str(DEMO_DIR)]) == 0
    assert capsys.readouterr().out.strip() == "0 nieuw, 0 bijgewerkt, 5 ongewijzigd"


def test_multiline_fields_take_line_breaks_other_fields_do_not():
    text = BASE.replace('title = "Gladheid"', 'title = "Glad\\theid"')
    with pytest.raises(ImportErrors, match="veld 'title' mag geen regeleinde of tab bevatten"):
        parse_client(text, "uden.toml")
