"""The client TOML format: errors name file, line and entry; export round-trips."""

from pathlib import Path

import pytest

from kccdesk.clientfile import ImportErrors, dump_client, load_clients, parse_client

GOOD = """\
[client]
id = "oss"
name = "Gemeente Oss"
lines = ["+31412000000"]

[[people]]
id = "anna"
name = "Anna de Vries"

[[shifts]]
person = "anna"
days = ["mon"]
start = "08:30"
end = "17:00"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(text: str) -> list[str]:
    with pytest.raises(ImportErrors) as caught:
        parse_client(text, "clients/oss.toml")
    return [str(e) for e in caught.value.errors]


def test_unknown_person_in_shift_names_file_line_and_entry():
    text = (
        GOOD + '\n[[shifts]]\nperson = "jdevries"\ndays = ["tue"]\nstart = "09:00"\nend = "12:00"\n'
    )
    (message,) = errors_of(text)
    assert message.startswith("clients/oss.toml:16: dienst 2: ")
    assert "'jdevries'" in message


def test_malformed_toml_names_the_line():
    (message,) = errors_of(GOOD + "\n[[people]]\nid = anna\n")
    assert message.startswith("clients/oss.toml:17:")
    assert "geen geldige TOML" in message


@pytest.mark.parametrize(
    ("addition", "fragment"),
    [
        (
            '\n[[shifts]]\nperson = "anna"\ndays = ["mon"]\nstart = "09:00"\nend = "09:00"\n',
            "gelijk",
        ),
        (
            '\n[[shifts]]\nperson = "anna"\ndays = ["maandag"]\nstart = "09:00"\nend = "10:00"\n',
            "onbekende dag",
        ),
        (
            '\n[[shifts]]\nperson = "anna"\ndays = ["mon"]\nstart = "25:00"\nend = "10:00"\n',
            "bestaat niet",
        ),
        (
            '\n[[absences]]\nperson = "anna"\nfrom = 2026-12-05\nuntil = 2026-12-01\n',
            "eindigt voor ze begint",
        ),
        (
            '\n[[absences]]\nperson = "anna"\nfrom = 2026-12-01\nuntil = 2026-12-05\n'
            'replaced_by = "nobody"\n',
            "vervanger 'nobody'",
        ),
        ('\n[[people]]\nid = "anna"\nname = "Tweede Anna"\n', "twee keer"),
        ('\n[[people]]\nid = "Bert Smit"\nname = "Bert"\n', "kleine letters"),
        ('\n[[people]]\nid = "bert"\n', "'name' ontbreekt"),
        ('\n[[people]]\nid = "bert"\nname = "Bert"\nfax = "x"\n', "onbekend veld 'fax'"),
        ('\n[[topics]]\nid = "t"\ntitle = "T"\nroute_to = "zed"\n', "route_to 'zed'"),
        (
            '\n[[extra_shifts]]\nperson = "anna"\ndate = "kerst"\nstart = "09:00"\nend = "10:00"\n',
            "datum",
        ),
        ('\n[[gasten]]\nid = "x"\n', "onbekende sectie 'gasten'"),
    ],
)
def test_each_bad_entry_is_refused_with_a_reason(addition, fragment):
    messages = errors_of(GOOD + addition)
    assert any(fragment in m for m in messages), messages
    assert all(m.startswith("clients/oss.toml") for m in messages)


def test_bad_client_header_fields():
    assert "tijdzone" in errors_of(GOOD.replace("lines =", 'timezone = "Mars/Base"\nlines ='))[0]
    assert "land 'DE'" in errors_of(GOOD.replace("lines =", 'country = "DE"\nlines ='))[0]
    assert "[client] ontbreekt" in errors_of("[[people]]\nid='a'\nname='A'\n")[0]


def test_load_is_all_or_nothing_and_reports_every_file(tmp_path):
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.toml", GOOD.replace('"oss"', '"b"').replace('= "anna"\ndays', '= "x"\ndays'))
    write(tmp_path, "c.toml", "[client\n")
    with pytest.raises(ImportErrors) as caught:
        load_clients([tmp_path])
    files = sorted({Path(e.path).name for e in caught.value.errors})
    assert files == ["b.toml", "c.toml"]


def test_same_client_in_two_files_is_refused(tmp_path):
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.toml", GOOD)
    with pytest.raises(ImportErrors, match="staat ook in"):
        load_clients([tmp_path])


def test_missing_path_is_named(tmp_path):
    with pytest.raises(ImportErrors, match="bestaat niet"):
        load_clients([tmp_path / "nope.toml"])


def test_every_demo_client_round_trips(demo_clients):
    assert len(demo_clients) >= 4
    for client in demo_clients.values():
        assert parse_client(dump_client(client)) == client


def test_dump_escapes_quotes_and_newlines():
    """Quotes anywhere; line breaks (also CR) only in the multi-line texts."""
    client = parse_client(
        GOOD.replace(
            'name = "Gemeente Oss"',
            'name = "Oss \\"Noord\\" 🚲 بلدية"\ninstructions = "regel 1\\r\\nregel 2\\n\\ttab"',
        )
    )
    assert client.instructions == "regel 1\r\nregel 2\n\ttab"
    assert parse_client(dump_client(client)) == client


def test_the_holiday_countries_are_those_the_holidays_package_supports():
    """The client file checks `public_holidays` against the registry's codes (cheap); they
    are the countries holidays.list_supported_countries() names (loads every country)."""
    import holidays

    from kccdesk.clientfile import _holiday_countries, holidays_problem

    assert _holiday_countries() == frozenset(holidays.list_supported_countries())
    assert holidays_problem("nl") is None and holidays_problem("BE") is None
    assert "geen bekend land" in (holidays_problem("XX") or "")


def test_what_is_no_plain_client_file_is_refused_and_never_waited_for(tmp_path):
    """Found by the hostile review: a FIFO in the folder made `import` wait forever; an
    empty folder imported "nothing" with exit 0."""
    import os

    from kccdesk.clientfile import load_clients

    folder = tmp_path / "clients"
    folder.mkdir()
    os.mkfifo(folder / "x.toml")
    with pytest.raises(ImportErrors, match="geen gewoon bestand"):
        load_clients([folder])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportErrors, match=r"map zonder \.toml-bestanden"):
        load_clients([empty])
    with pytest.raises(ImportErrors, match="geen gewoon bestand"):
        load_clients(["/dev/zero"])
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    with pytest.raises(ImportErrors, match="kan niet gelezen worden"):
        load_clients([loop])
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[client]\nid = "a"\nname = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ImportErrors, match="geen UTF-8-tekst"):
        load_clients([latin])


def test_a_keyword_is_as_long_as_a_name_at_most_and_times_are_ascii_digits():
    """Found by the hostile review: a 10,000-character keyword was imported, and
    start = "٠٨:٠٠" (Arabic-Indic digits) was read as 08:00."""
    text = (
        '[client]\nid = "a"\nname = "A"\n\n[[people]]\nid = "p"\nname = "P"\n'
        f'keywords = ["{"x" * 10_000}"]\n'
    )
    with pytest.raises(ImportErrors, match="te lang"):
        parse_client(text, "a.toml")
    shifted = (
        '[client]\nid = "a"\nname = "A"\n\n[[people]]\nid = "p"\nname = "P"\n\n'
        '[[shifts]]\nperson = "p"\ndays = ["mon"]\nstart = "\u0660\u0668:\u0660\u0660"\n'
        'end = "17:00"\n'
    )
    with pytest.raises(ImportErrors, match="niet in de vorm UU:MM"):
        parse_client(shifted, "a.toml")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[client]\nid = "a"\nname = "A"\nlines = ["+31412000000"\n', "lijst niet afgesloten"),
        ('[client]\nid = "a\nname = "A"\n', "ongeldig teken"),  # the line break in the text
        ("[client]\nid = a\n", "ongeldige waarde"),
        ('[client]\nid = "a"\nid = "b"\n', "dit veld staat er al"),
    ],
)
def test_a_broken_toml_file_is_said_in_dutch_with_its_line(text, said):
    with pytest.raises(ImportErrors) as refused:
        parse_client(text, "x.toml")
    message = str(refused.value)
    assert said in message and "x.toml:" in message
