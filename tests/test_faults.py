"""Hostile or odd input on the command line: one Dutch line and exit code 2 (1 for a refused
note), never a traceback; a reader that goes away is not an error worth a word."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import DEMO_DIR
from test_cli import run_main

EMERGENCY = "storingsdienst-warmtenet"


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """`kccdesk ARGS...` on one imported database for the whole module (import is slow)."""
    home = tmp_path_factory.mktemp("faults")
    env = {
        **os.environ,
        "KCCDESK_DATA_DIR": str(home / "data"),
        "KCCDESK_CONFIG": str(home / "config.toml"),
        "KCCDESK_DATABASE_URL": f"sqlite:///{home / 'cli.db'}",
        "KCCDESK_AGENT": "Test",
    }

    def call(*args: str) -> subprocess.CompletedProcess:
        return run_main(list(args), mine)  # in this process, as the console entry runs it

    mine = {k: v for k, v in env.items() if k.startswith("KCCDESK_")}

    call.env = env
    assert call("import", str(DEMO_DIR)).returncode == 0
    note = ("--client", "fietsenmakerij-van-dijk", "--to", "lisa", "--name", "Piet")
    assert call("note", "add", *note, "--phone", "0612345678", "--message", "x").returncode == 0
    return call


def one_line(result: subprocess.CompletedProcess, code: int, fragment: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert fragment in result.stderr


@pytest.mark.parametrize("moment", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_duty_at_the_ends_of_time_is_refused(cli, moment):
    one_line(cli("duty", "--client", EMERGENCY, "--at", moment), 2, "buiten het bereik")


def test_duty_just_inside_the_range_still_answers(cli):
    result = cli("duty", "--client", EMERGENCY, "--at", "9998-12-31T23:59", "--json")
    assert result.returncode == 0, result.stderr


def test_purge_with_absurd_retention_is_refused(cli):
    result = cli("purge", "--days", "99999999999")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--days: 99999999999 ligt niet tussen 1 en 36500" in result.stderr


def test_export_onto_a_file_is_refused(cli, tmp_path):
    target = tmp_path / "passwd"
    target.write_text("root:x:0:0\n")
    one_line(cli("export", str(target)), 2, "is een bestand, geen map")
    assert target.read_text() == "root:x:0:0\n"


def test_export_where_no_folder_can_be_made(cli):
    one_line(cli("export", "/proc/kccdesk-export"), 2, "kan niet schrijven in /proc/kccdesk-export")


def test_toml_nested_too_deep_is_a_file_error(cli, tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    result = cli("import", str(deep))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{deep}: geen geldige TOML: lijsten of tabellen te diep genest" in result.stderr


def test_caller_name_with_a_line_break_is_refused_on_the_command_line(cli):
    result = cli(
        "note", "add", "--client", "fietsenmakerij-van-dijk", "--to", "lisa",
        "--name", "Piet\r\nBcc: x@example.org", "--phone", "0612345678", "--message", "x",
    )  # fmt: skip
    one_line(result, 1, "stuurteken")


@pytest.mark.parametrize("args", [("note", "list"), ("check-phone", "0612345678")])
def test_reader_that_goes_away_is_silent(cli, args):
    """`kccdesk note list | head -1`: the pipe is closed before kccdesk writes."""
    child = subprocess.Popen(
        [sys.executable, "-m", "kccdesk", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli.env,
    )
    child.stdout.close()
    errors = child.stderr.read()
    child.wait(timeout=60)
    assert errors == b""
    assert child.returncode == 141


CALL_TYPE_NOTE = (
    "note", "add", "--client", EMERGENCY, "--to", "rbos", "--name", "Anna",
    "--phone", "0612345678", "--message", "Geen warmte", "--type", "storing",
)  # fmt: skip


def test_a_note_of_a_call_type_on_the_command_line(cli):
    """Issue 24: `note add --type ID --field name=value`, the desk's rules; `note list` and
    its JSON carry the type and the answers."""
    import json

    fields = ["--field", "adres=Dorpsstraat 1", "--field", "postcode=9711lm"]
    saved = cli(*CALL_TYPE_NOTE, *fields, "--field", "gaslucht=ja", "--json")
    assert saved.returncode == 0, saved.stderr
    note = json.loads(saved.stdout)
    assert note["call_type"] == "storing" and note["urgency"] == "dringend"
    assert note["answers"][1] == {"id": "postcode", "label": "Postcode", "value": "9711 LM"}
    listed = cli("note", "list", "--client", EMERGENCY)
    assert "Storing melden: Anna" in listed.stdout and "    Postcode: 9711 LM" in listed.stdout
    as_json = json.loads(cli("note", "list", "--client", EMERGENCY, "--json").stdout)
    assert as_json[0]["call_type_title"] == "Storing melden"


@pytest.mark.parametrize(
    ("fields", "code", "fragment"),
    [
        (["--field", "adres=Dorpsstraat 1"], 1, "nog niet ingevuld: Postcode, Ruikt u gas?"),
        (["--field", "postcode=1234"], 1, "Postcode: een Nederlandse postcode"),
        (["--field", "kleur=rood"], 2, "--field 'kleur': geen vraag van storing"),
        (["--field", "\x1b[31madres=a"], 2, "\\x1b[31madres"),
        (["--field", "adres"], 2, "schrijf veld=waarde"),
        (["--field", "adres=a", "--field", "adres=b"], 2, "twee keer opgegeven"),
        (["--field", "adres=a\x1b[2Jb"], 1, "stuurteken"),
        (["--field", "adres=" + "x" * 10_000], 1, "te lang (10000 tekens"),
    ],
)
def test_a_call_type_note_refused_on_the_command_line_says_why(cli, fields, code, fragment):
    before = cli("note", "list", "--json").stdout
    result = cli(*CALL_TYPE_NOTE, *fields)
    one_line(result, code, fragment)
    assert "\x1b" not in result.stderr and len(result.stderr) < 700
    assert cli("note", "list", "--json").stdout == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--type", "bestaatniet"], "geen gesprekssoort van storingsdienst-warmtenet"),
        (["--type", "x\nFAKE: notitie #999 opgeslagen"], "\\n"),
        (["--type", "s" * 10_000], "geen gesprekssoort"),
        (["--field", "adres=a"], "--field zonder --type"),
    ],
)
def test_an_unknown_type_or_field_is_bad_usage(cli, args, fragment):
    base = [a for a in CALL_TYPE_NOTE if a not in ("--type", "storing")]
    result = cli(*base, *args)
    one_line(result, 2, fragment)
    assert len(result.stderr) < 700


def test_a_call_type_note_sent_elsewhere_than_its_route_is_saved_and_said(cli):
    """--to wins (the caller asked for that person), and the command says where such notes
    go now, so a script that always passes one --to learns it."""
    fields = ["--field", "adres=Dorpsstraat 1", "--field", "postcode=9711lm"]
    saved = cli(*CALL_TYPE_NOTE, *fields, "--field", "gaslucht=nee")
    assert saved.returncode == 0, saved.stderr
    assert "let op: notities van Storing melden gaan nu naar Meldkamer Warmtenet" in saved.stderr
