"""The command line through a real subprocess, as users and scripts call it."""

import json
import os
import subprocess
import sys

import pytest

from conftest import DEMO_DIR


def cli_runner(tmp_path, *, process: bool = False, **extra_env: str):
    """`kccdesk ...` on a database and data dir of its own: in this process through
    `main(argv)` (as the console entry calls it, with its environment, output and exit
    code), or with `process=True` as a real subprocess where the process itself is tested."""
    env = {
        "KCCDESK_DATA_DIR": str(tmp_path / "data"),
        "KCCDESK_CONFIG": str(tmp_path / "config.toml"),
        "KCCDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "KCCDESK_AGENT": "Test",
        **extra_env,
    }

    def in_a_process(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kccdesk", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=60,
        )

    def in_this_process(*args: str) -> subprocess.CompletedProcess:
        return run_main(list(args), env)

    return in_a_process if process else in_this_process


def run_main(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """main(args) with `env` set, its output captured and the stores it opened closed, as
    the console entry does before it exits."""
    import contextlib
    import io

    from kccdesk.cli import main as cli

    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(args)
            except SystemExit as exit:  # argparse: --help, a usage error
                code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    finally:
        for desk in cli._OPENED:
            desk.close()
        cli._OPENED.clear()
        cli._QUICK_EXIT.clear()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.fixture
def run(tmp_path):
    return cli_runner(tmp_path)


@pytest.fixture
def imported(run):
    result = run("import", str(DEMO_DIR), "--json")
    assert result.returncode == 0, result.stderr
    return run


def test_the_console_entry_as_a_real_process(tmp_path):
    """The few things only a process shows: `python -m kccdesk` runs main, prints, exits
    with its code (and quickly, after closing the database)."""
    run = cli_runner(tmp_path, process=True)
    imported = run("import", str(DEMO_DIR), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["added"]
    duty = run("duty", "--client", "fietsenmakerij-van-dijk", "--json")
    assert duty.returncode == 0 and json.loads(duty.stdout)
    unknown = run("duty", "--client", "bestaat-niet")
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1


def test_import_is_idempotent(imported):
    again = imported("import", str(DEMO_DIR), "--json")
    report = json.loads(again.stdout)
    assert report["added"] == [] and report["updated"] == []
    assert len(report["unchanged"]) >= 4


def test_bad_file_changes_nothing_and_names_file_and_entry(run, tmp_path):
    bad = tmp_path / "oss.toml"
    bad.write_text(
        '[client]\nid = "oss"\nname = "Oss"\n\n[[people]]\nid = "a"\nname = "A"\n\n'
        '[[shifts]]\nperson = "jdevries"\ndays = ["mon"]\nstart = "08:00"\nend = "09:00"\n'
    )
    result = run("import", str(DEMO_DIR), str(bad))
    assert result.returncode == 2
    assert "oss.toml:9: dienst 1: persoon 'jdevries'" in result.stderr
    assert "Traceback" not in result.stderr
    listed = run("search", "--all", "paspoort", "--json")
    assert json.loads(listed.stdout) == []  # nothing from the good files was imported either


def test_export_round_trips(imported, tmp_path):
    out = tmp_path / "export"
    assert imported("export", str(out)).returncode == 0
    again = imported("import", str(out), "--json")
    assert json.loads(again.stdout)["updated"] == []


def test_search_json(imported):
    hits = json.loads(
        imported("search", "--client", "gemeente-oosterwold", "burgerzakn", "--json").stdout
    )
    assert hits[0] == {**hits[0], "kind": "department", "id": "burgerzaken"}
    assert set(hits[0]) >= {"kind", "id", "title", "score"}
    everywhere = json.loads(imported("search", "--all", "paspoort", "--json").stdout)
    assert all("client" in h for h in everywhere)


def test_duty_json_with_wall_clock_time(imported):
    result = imported(
        "duty", "--client", "storingsdienst-warmtenet", "--at", "2026-12-25T23:30", "--json"
    )
    data = json.loads(result.stdout)
    assert data["at"] == "2026-12-25T23:30:00+01:00"
    assert data["closed"] == "Eerste kerstdag"
    # Christmas extra shift, and the Friday night on-call shift that runs through holidays
    assert [d["person"] for d in data["on_duty"]] == ["emulder", "rbos"]
    assert [d["until"] for d in data["on_duty"]] == ["2026-12-26T07:00:00+01:00"] * 2
    assert data["absent"] == []


def test_duty_reports_absence_and_replacement(imported):
    data = json.loads(
        imported(
            "duty", "--client", "huisartsen-de-linde", "--at", "2026-11-24T10:00", "--json"
        ).stdout
    )
    (absent,) = data["absent"]
    assert absent["person"] == "sbakker" and absent["replaced_by"] == "mjansen"
    assert absent["until"] == "2027-01-31"


def test_check_phone(run):
    ok = run("check-phone", "06-12345678", "--json")
    assert ok.returncode == 0
    data = json.loads(ok.stdout)
    assert set(data) >= {"input", "valid", "e164", "type", "display", "error"}
    assert data["e164"] == "+31612345678"
    bad = run("check-phone", "0612345", "--json")
    assert bad.returncode == 1 and json.loads(bad.stdout)["valid"] is False
    be = run("check-phone", "0475 12 34 56", "--country", "BE")
    assert be.returncode == 0 and "BE" in be.stdout


def test_note_add_and_refusals(imported):
    ok = imported(
        "note",
        "add",
        "--client",
        "fietsenmakerij-van-dijk",
        "--to",
        "lisa",
        "--name",
        "Piet",
        "--phone",
        "06 1234 5678",
        "--message",
        "offerte",
        "--json",
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["e164"] == "+31612345678"
    bad = imported(
        "note",
        "add",
        "--client",
        "fietsenmakerij-van-dijk",
        "--to",
        "lisa",
        "--name",
        "Piet",
        "--phone",
        "06 1234",
        "--message",
        "offerte",
    )
    assert bad.returncode == 1 and "te weinig cijfers" in bad.stderr
    other = imported(
        "note",
        "add",
        "--client",
        "fietsenmakerij-van-dijk",
        "--to",
        "lmaes",
        "--name",
        "Piet",
        "--phone",
        "0612345678",
        "--message",
        "x",
    )
    # a person of another client is no person of this one: bad input (exit 2)
    assert other.returncode == 2 and "geen medewerker" in other.stderr
    absent = imported(
        "note",
        "add",
        "--client",
        "huisartsen-de-linde",
        "--to",
        "sbakker",
        "--name",
        "Piet",
        "--phone",
        "0612345678",
        "--message",
        "x",
    )
    assert absent.returncode == 1 and "dr. Mark Jansen" in absent.stderr
    listed = json.loads(imported("note", "list", "--json").stdout)
    assert len(listed) == 1


def test_unknown_client_is_one_line_without_traceback(imported):
    result = imported("duty", "--client", "nope")
    assert result.returncode == 2
    assert result.stderr.startswith("kccdesk: onbekende klant 'nope'")
    assert "Traceback" not in result.stderr


def test_bad_time_is_refused(imported):
    result = imported("duty", "--client", "huisartsen-de-linde", "--at", "gisteren")
    assert result.returncode == 2 and "ISO" in result.stderr


def test_duty_and_note_list_speak_dutch_on_the_clients_clock(imported):
    duty = imported("duty", "--client", "storingsdienst-warmtenet", "--at", "2026-12-25T23:30")
    assert "Storingsdienst Warmtenet Noord — vr 25-12-2026 23:30" in duty.stdout
    assert "tot za 07:00" in duty.stdout
    added = imported(
        "note", "add", "--client", "fietsenmakerij-van-dijk", "--to", "lisa", "--name", "Piet",
        "--phone", "0612345678", "--message", "Offerte",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = imported("note", "list").stdout
    # KCCDESK_NOW is 10:00 in Amsterdam (09:00 UTC): shown on the client's clock, in Dutch.
    assert "23-11 10:00" in listed and "[in wachtrij]" in listed


def test_argparse_speaks_dutch(run):
    missing = run("duty")
    assert missing.returncode == 2
    assert "gebruik: kccdesk duty" in missing.stderr
    assert "fout: deze argumenten ontbreken: --client" in missing.stderr
    assert "toon deze hulp" in run("--help").stdout


def test_ring_without_a_desk_says_so(run):
    result = run("ring", "--line", "+31412000000", "--caller", "0612345678")
    assert result.returncode == 2
    assert "er draait geen desk voor deze gebruiker (ook geen demo-desk)" in result.stderr


def test_note_add_takes_a_name_where_it_takes_an_id_and_an_unknown_one_is_bad_input(imported):
    """Issue 23 and the hostile review: `--to "Lien Maes"` works as `--to lmaes`; a name or
    id of nobody is bad input (exit 2), not a note the rules refused (exit 1)."""
    added = imported(
        "note", "add", "--client", "gemeente-kempenhout", "--to", "lien  maes",
        "--name", "Jan", "--phone", "0470123456", "--message", "Terugbellen", "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["recipient"] == "lmaes"
    unknown = imported(
        "note", "add", "--client", "gemeente-kempenhout", "--to", "bestaatniet",
        "--name", "Jan", "--phone", "0470123456", "--message", "Terugbellen",
    )  # fmt: skip
    assert unknown.returncode == 2 and "geen medewerker met die id of naam" in unknown.stderr


def test_a_name_two_people_share_is_said_to_be_ambiguous(imported, tmp_path):
    text = (DEMO_DIR / "gemeente-kempenhout.toml").read_text(encoding="utf-8")
    text = text.replace('name = "Wim Janssens"', 'name = "Lien Maes"', 1)
    assert 'name = "Lien Maes"' in text
    (tmp_path / "k.toml").write_text(text, encoding="utf-8")
    assert imported("import", str(tmp_path / "k.toml")).returncode == 0
    result = imported(
        "note", "add", "--client", "gemeente-kempenhout", "--to", "Lien Maes",
        "--name", "Jan", "--phone", "0470123456", "--message", "Terugbellen",
    )  # fmt: skip
    assert result.returncode == 2 and "noemt 2 medewerkers" in result.stderr
