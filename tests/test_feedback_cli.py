"""`kccdesk feedback` through main(argv): linking by number, refusals with exit codes, the
structural mark in the list, the reconstruction in `show`; raw argument bytes and closed
streams as real processes."""

from __future__ import annotations

import json

import pytest

from conftest import DEMO_DIR
from test_cli import cli_runner

HEAT = "storingsdienst-warmtenet"


@pytest.fixture
def lead(tmp_path):
    """The CLI as a team lead (config list), with the demo clients imported."""
    run = cli_runner(tmp_path, KCCDESK_USER="ilse", KCCDESK_TEAM_LEADS="ilse")
    assert run("import", str(DEMO_DIR)).returncode == 0
    return run


def note(run, to: str = "rbos", phone: str = "0612345678") -> int:
    result = run(
        "note", "add", "--client", HEAT, "--to", to, "--name", "Jan", "--phone", phone,
        "--message", "storing", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["id"]


def test_add_links_the_note_by_the_callers_number(lead):
    note_id = note(lead)
    note(lead, phone="0687654321")
    result = lead(
        "feedback", "add", "--client", HEAT, "--category", "fout-nummer",
        "--said", "nummer klopte niet", "--phone", "06 12 34 56 78", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)
    assert item["note"] == note_id and item["person"] == "rbos"
    assert item["happened_at"].startswith("2026-11-23T09:00")  # the note's moment (UTC)
    shown = lead("feedback", "show", str(item["id"]), "--json")
    data = json.loads(shown.stdout)
    assert data["note"]["id"] == note_id and data["shown"]["person"] == "rbos"
    text = lead("feedback", "show", str(item["id"])).stdout
    assert "De desk toonde Rik Bos" in text and "Oordeel:" in text


def test_two_notes_from_one_number_are_named_not_guessed(lead):
    first, second = note(lead), note(lead)
    result = lead(
        "feedback", "add", "--client", HEAT, "--category", "fout-nummer", "--said", "x",
        "--phone", "0612345678",
    )  # fmt: skip
    assert result.returncode == 2
    assert f"notitie #{first}" in result.stderr and f"notitie #{second}" in result.stderr
    assert "--note" in result.stderr
    assert json.loads(lead("feedback", "list", "--json").stdout)["items"] == []


def test_nothing_found_for_a_number_is_refused(lead):
    result = lead(
        "feedback", "add", "--client", HEAT, "--category", "fout-nummer", "--said", "x",
        "--phone", "0612345678",
    )  # fmt: skip
    assert result.returncode == 2 and "geen notitie of gesprek" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--category", "kapot", "--said", "x", "--at", "2026-11-23T09:00"],
            2,
            "onbekende categorie",
        ),
        (["--category", "anders", "--said", "", "--at", "2026-11-23T09:00"], 2, "leeg"),
        (["--category", "anders", "--said", "a\x07b", "--at", "2026-11-23T09:00"], 2, "stuurteken"),
        (["--category", "anders", "--said", "x", "--at", "morgen"], 2, "geen ISO-tijd"),
        (["--category", "anders", "--said", "x", "--at", "9999-12-31T23:00"], 2, "buiten"),
        (["--category", "anders", "--said", "x", "--note", "42"], 2, "onbekende notitie 42"),
    ],
)
def test_refusals_say_what_and_store_nothing(lead, args, code, message):
    """Every bad input exits 2, whether argparse, the clock or the feedback rules refuse it."""
    result = lead("feedback", "add", "--client", HEAT, *args)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert json.loads(lead("feedback", "list", "--json").stdout)["items"] == []


def test_list_marks_structural_items_and_update_sets_the_action(lead):
    ids = []
    for hour in (8, 9, 10):
        result = lead(
            "feedback", "add", "--client", HEAT, "--category", "doorverbonden-zonder-dienst",
            "--said", "weer Erik", "--at", f"2026-11-2{hour - 7}T{hour:02d}:00", "--person",
            "emulder", "--json",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        ids.append(json.loads(result.stdout)["id"])
    listed = json.loads(lead("feedback", "list", "--json").stdout)
    assert all(i["structural"] for i in listed["items"])
    assert listed["patterns"][0]["text"].startswith("3× doorverbonden zonder dienst")
    assert "steeds E. Mulder" in lead("feedback", "list").stdout
    refused = lead("feedback", "update", str(ids[0]), "--status", "actie-uitgezet")
    assert refused.returncode == 2 and "beschrijf de actie" in refused.stderr
    done = lead(
        "feedback", "update", str(ids[0]), "--status", "actie-uitgezet", "--action",
        "klant vragen afwezigheid vooraf door te geven", "--owner", "ilse", "--json",
    )  # fmt: skip
    assert json.loads(done.stdout)["status"] == "actie-uitgezet"
    open_items = json.loads(lead("feedback", "list", "--open", "--json").stdout)["items"]
    assert len(open_items) == 3
    missing = lead("feedback", "update", "999", "--status", "afgerond")
    assert missing.returncode == 2 and "onbekend feedbackitem 999" in missing.stderr


def test_an_agent_may_not_keep_the_log(tmp_path):
    run = cli_runner(tmp_path, KCCDESK_USER="anna")
    run("import", str(DEMO_DIR))
    result = run(
        "feedback", "add", "--client", HEAT, "--category", "anders", "--said", "x", "--at",
        "2026-11-23T09:00",
    )  # fmt: skip
    assert result.returncode == 2 and "feedbacklog" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        [
            "add",
            "--client",
            HEAT,
            "--category",
            "anders",
            "--said",
            "x",
            "--at",
            "9999-12-31T23:59:59-23:59",
        ],
        [
            "add",
            "--client",
            HEAT,
            "--category",
            "anders",
            "--said",
            "x",
            "--at",
            "0001-01-01T00:00",
        ],
        [
            "add",
            "--client",
            HEAT,
            "--category",
            "anders",
            "--said",
            "x",
            "--at",
            "2026-03-29T02:30",
        ],
        ["add", "--client", HEAT, "--category", "anders", "--said", "x", "--phone", "0" * 5000],
        ["add", "--client", HEAT, "--category", "anders", "--said", "x", "--to", "../../etc"],
        [
            "add",
            "--client",
            HEAT,
            "--category",
            "anders",
            "--said",
            "x",
            "--note",
            "99999999999999999999",
        ],
        ["show", "99999999999999999999"],
        ["show", "-1"],
        ["show", "abc"],
        ["update", "1", "--owner", "\x07"],
        ["list", "--days", "99999999999"],
        ["list", "--client", "../../etc"],
    ],
)
def test_odd_input_is_one_line_never_a_traceback(lead, args):
    result = lead("feedback", *args)
    assert result.returncode in (0, 1, 2)
    assert "Traceback" not in result.stderr and len(result.stderr) < 1000


@pytest.mark.parametrize("limit", ["99999999999999999999", "0", "-5", "abc"])
def test_note_list_limit_out_of_range_is_refused(lead, limit):
    result = lead("note", "list", "--limit", limit)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_the_help_names_every_category():
    """The parser lists the categories without importing the rules; they must agree."""
    from kccdesk.cli.feedback import CATEGORY_HELP
    from kccdesk.teamlead.feedback import CATEGORIES

    assert all(c in CATEGORY_HELP for c in CATEGORIES)


def _raw(tmp_path, *args: str, stdin=None, stdout=None):
    """`kccdesk` with raw argument bytes and chosen standard streams."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "KCCDESK_DATA_DIR": str(tmp_path / "data"),
        "KCCDESK_CONFIG": str(tmp_path / "config.toml"),
        "KCCDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "KCCDESK_USER": "ilse",
        "KCCDESK_TEAM_LEADS": "ilse",
    }
    return subprocess.run(
        [sys.executable, "-m", "kccdesk", *args],
        env=env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=60,
    )  # fmt: skip


def test_bytes_that_are_not_utf8_are_one_line(lead, tmp_path):
    import os

    said = os.fsdecode(b"bad\xffbyte")
    result = _raw(tmp_path, "feedback", "add", "--client", HEAT, "--category", "anders",
                  "--said", said, "--at", "2026-11-23T09:00")  # fmt: skip
    assert result.returncode == 2 and b"geen geldige UTF-8" in result.stderr
    assert b"Traceback" not in result.stderr


def test_output_that_cannot_be_written_is_one_line(lead, tmp_path):
    with open("/dev/full", "wb") as full:
        result = _raw(tmp_path, "feedback", "list", stdout=full)
    assert result.returncode == 2 and b"uitvoer niet te schrijven" in result.stderr
    assert b"Traceback" not in result.stderr


def test_the_review_screen_without_a_terminal_says_so_and_ends(lead, tmp_path):
    import subprocess

    result = _raw(tmp_path, "review", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    assert result.returncode == 2 and b"terminal" in result.stderr


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2101-01-01"])
def test_review_days_outside_the_years_are_refused(lead, day):
    result = lead("review", "--json", "--day", day)
    assert result.returncode == 2 and "ligt buiten" in result.stderr


def test_escape_sequences_in_arguments_are_shown_not_obeyed(lead):
    result = lead("feedback", "list", "--client", "\x1b]0;pwned\x07")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\\x1b" in result.stderr


def test_feedback_text_rules_at_the_edges(lead):
    base = ["feedback", "add", "--client", HEAT, "--category", "anders", "--at", "2026-11-23T09:00"]
    bidi = lead(*base, "--said", "prima \u202eredro")
    assert bidi.returncode == 2 and "richtingsteken" in bidi.stderr
    invisible = lead(*base, "--said", "\u200b")
    assert invisible.returncode == 2 and "leeg" in invisible.stderr
    windows = lead(*base, "--said", "regel een\r\nregel twee", "--cause", "klant", "--json")
    assert windows.returncode == 0, windows.stderr
    item = json.loads(windows.stdout)
    assert item["said"] == "regel een\nregel twee" and item["cause"] == "client"
    shown = lead("feedback", "show", str(item["id"])).stdout
    assert "\nregel twee" not in shown  # a second line stays under its label


def test_links_that_contradict_each_other_are_refused(lead):
    note_id = note(lead)
    both = lead("feedback", "add", "--client", HEAT, "--category", "fout-nummer", "--said", "x",
                "--note", str(note_id), "--phone", "0612345678")  # fmt: skip
    assert both.returncode == 2 and "niet beide" in both.stderr
    far = lead("feedback", "add", "--client", HEAT, "--category", "fout-nummer", "--said", "x",
               "--note", str(note_id), "--at", "2026-11-01T09:00")  # fmt: skip
    assert far.returncode == 2 and "past niet bij notitie" in far.stderr
    by_name = lead("feedback", "add", "--client", HEAT, "--category", "fout-nummer",
                   "--said", "x", "--to", "Rik Bos", "--json")  # fmt: skip
    assert by_name.returncode == 0 and json.loads(by_name.stdout)["note"] == note_id


def test_an_action_set_out_keeps_its_action_and_owner(lead):
    added = lead("feedback", "add", "--client", HEAT, "--category", "anders", "--said", "x",
                 "--at", "2026-11-23T09:00", "--json")  # fmt: skip
    item = str(json.loads(added.stdout)["id"])
    ok = lead("feedback", "update", item, "--status", "actie-uitgezet", "--action", "oefenen",
              "--owner", "ilse")  # fmt: skip
    assert ok.returncode == 0 and "actie bij ilse" in ok.stdout
    for field in ("--action", "--owner"):
        emptied = lead("feedback", "update", item, field, "")
        assert emptied.returncode == 2, field
