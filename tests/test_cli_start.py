"""A one-client command starts with what it needs: the Core read path (storage/light.py), not
SQLModel, pydantic, the ORM or Alembic, and no interface; and the Core clauses stay in step
with the SQLModel tables that define the schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlmodel import SQLModel

from conftest import DEMO_DIR
from kccdesk.storage import light, tables
from kccdesk.storage.notes import NEW_NOTE
from test_cli import cli_runner

#: never loaded by a one-client command on a database already at the schema's head
HEAVY = ("sqlmodel", "pydantic", "alembic", "textual", "rich", "psycopg", "sqlalchemy.orm")

CLIENT = "fietsenmakerij-van-dijk"
COMMANDS = {
    "duty": ["duty", "--client", CLIENT],
    "search": ["search", "--client", CLIENT, "kees"],
    "note add": ["note", "add", "--client", CLIENT, "--to", "kees", "--name", "Jan",
                 "--phone", "0612345678", "--message", "terugbellen"],
    "note list": ["note", "list", "--client", CLIENT],
}  # fmt: skip

_PROBE = """
import contextlib, io, json, sys
from kccdesk.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _loaded(tmp_path, args: list[str]) -> tuple[int, set[str]]:
    """Run a command in a fresh interpreter and return its exit code and loaded modules."""
    env = {
        **os.environ,
        "KCCDESK_DATA_DIR": str(tmp_path / "data"),
        "KCCDESK_CONFIG": str(tmp_path / "config.toml"),
        "KCCDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    return found["code"], set(found["modules"])


@pytest.fixture
def imported(tmp_path):
    run = cli_runner(tmp_path)
    result = run("import", str(DEMO_DIR))
    assert result.returncode == 0, result.stderr
    return run


@pytest.mark.parametrize("command", COMMANDS)
def test_a_one_client_command_loads_no_orm_no_alembic_no_interface(imported, tmp_path, command):
    code, modules = _loaded(tmp_path, COMMANDS[command])
    assert code == 0
    heavy = sorted(m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY)
    assert heavy == [], f"{command} loaded {heavy}"
    assert "sqlalchemy" in modules  # the stack stays: Core is the read path


def test_duty_loads_neither_number_checks_nor_fuzzy_search(imported, tmp_path):
    _code, modules = _loaded(tmp_path, COMMANDS["duty"])
    assert "phonenumbers" not in modules and "rapidfuzz" not in modules
    # nor the team lead's rules, which only the feedback command needs
    assert (
        "kccdesk.teamlead.feedback" not in modules
        and "kccdesk.teamlead.reconstruction" not in modules
    )


def test_the_console_entry_prints_everything_before_its_quick_exit(imported):
    """`run` leaves with os._exit: what was printed must still all arrive, and the note be
    stored."""
    added = imported(*COMMANDS["note add"], "--json")
    assert added.returncode == 0, added.stderr
    note = json.loads(added.stdout)
    listed = imported("note", "list", "--client", CLIENT, "--json")
    assert [n["id"] for n in json.loads(listed.stdout)] == [note["id"]]
    assert note["status"] == "queued" and note["attempts"] == 0


def test_the_core_clauses_match_the_sqlmodel_tables():
    """Every column of each table, in order, with a type of the same kind: a column added to
    tables.py (a migration) without light.py fails here, not in a command."""
    for clause in light.ALL:
        real = SQLModel.metadata.tables[clause.name]
        assert [c.name for c in clause.c] == [c.name for c in real.c], clause.name
        for mine, theirs in zip(clause.c, real.c, strict=True):
            where = f"{clause.name}.{mine.name}"
            assert mine.type._type_affinity is theirs.type._type_affinity, where
            utc = isinstance(theirs.type, light.UTCDateTime)
            assert isinstance(mine.type, light.UTCDateTime) == utc, where
    assert set(light.ROSTER) == set(tables.ROSTER_TABLES)


def test_a_new_note_gets_the_defaults_of_the_sqlmodel_row():
    row = tables.NoteRow(
        uuid="u", client_id="c", recipient="r", caller_name="n", caller_phone="p", message="m",
        created_at=None,
    )  # fmt: skip
    assert {name: getattr(row, name) for name in NEW_NOTE} == NEW_NOTE
    given = {"uuid", "client_id", "recipient", "addressed_to", "caller_name", "caller_phone"}
    given |= {"message", "urgency", "agent", "created_at", "instructions_version", "override"}
    given |= {"call_uuid", "shown"}
    assert given | set(NEW_NOTE) | {"id"} == {c.name for c in light.callback_note.c}
