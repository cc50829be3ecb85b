"""`kccdesk feedback` as a real subprocess: linking by number, refusals with exit codes, the
structural mark in the list, the reconstruction in `show`."""

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
            1,
            "onbekende categorie",
        ),
        (["--category", "anders", "--said", "", "--at", "2026-11-23T09:00"], 1, "leeg"),
        (["--category", "anders", "--said", "a\x07b", "--at", "2026-11-23T09:00"], 1, "stuurteken"),
        (["--category", "anders", "--said", "x", "--at", "morgen"], 2, "geen ISO-tijd"),
        (["--category", "anders", "--said", "x", "--at", "9999-12-31T23:00"], 1, "buiten"),
        (["--category", "anders", "--said", "x", "--note", "42"], 2, "onbekende notitie 42"),
    ],
)
def test_refusals_say_what_and_store_nothing(lead, args, code, message):
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
    assert refused.returncode == 1 and "beschrijf de actie" in refused.stderr
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
    from kccdesk.cli_feedback import CATEGORY_HELP
    from kccdesk.feedback import CATEGORIES

    assert all(c in CATEGORY_HELP for c in CATEGORIES)
