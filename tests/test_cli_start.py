"""A one-client command starts with what it needs: the Core read path (storage/tables.py), not
SQLModel, pydantic, the ORM or Alembic, and no interface; and the SQLModel rows stay mapped onto
the tables that define the schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlmodel import SQLModel

from conftest import DEMO_DIR
from kccdesk.storage import rows, tables
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


def test_the_sqlmodel_rows_are_mapped_onto_the_tables_and_define_no_column():
    """tables.py is the one definition: each SQLModel class maps its table (the same
    object), with one field per column, of the column's Python type."""
    import typing

    classes = [c for c in SQLModel.__subclasses__() if getattr(c, "__table__", None) is not None]
    assert {c.__table__.name for c in classes} == set(tables.metadata.tables)
    for row in classes:
        table = row.__table__
        assert table is tables.metadata.tables[table.name]
        assert list(row.model_fields) == [c.name for c in table.c], table.name
        for column in table.c:
            where = f"{table.name}.{column.name}"
            annotation = row.model_fields[column.name].annotation
            kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = type(None) in typing.get_args(annotation)
            if optional:  # None only where the table allows it (or the database numbers it)
                assert column.nullable or column.name == "id", where
            kind = kinds[0] if optional else annotation
            kind = typing.get_origin(kind) or kind
            assert issubclass(kind, column.type.python_type) or kind in (dict, list), where
    assert set(tables.ROSTER) == set(rows.ROSTER_TABLES)


def test_a_new_note_gets_the_same_defaults_by_core_and_by_the_orm(store):
    """A note stored by the command line's Core insert and one built as an ORM row start
    with the same delivery state: both take it from the table."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    row = rows.NoteRow(
        uuid="u", client_id="c", recipient="r", caller_name="n", caller_phone="p", message="m",
        created_at=None,
    )  # fmt: skip
    delivery = ("status", "attempts", "unsure_attempts", "last_error", "next_attempt_at")
    expected = {
        "status": "queued", "attempts": 0, "unsure_attempts": 0, "last_error": "",
        "next_attempt_at": None,
    }  # fmt: skip
    assert {name: getattr(row, name) for name in delivery} == expected
    values = {name: getattr(row, name) for name in ("uuid", "client_id", "recipient")}
    values |= {"caller_name": "n", "caller_phone": "p", "message": "m"}
    values["created_at"] = datetime(2026, 12, 1, tzinfo=UTC)
    with store.engine.begin() as connection:
        stored = connection.execute(
            insert(tables.callback_note).values(values).returning(tables.callback_note)
        ).one()
    assert {name: getattr(stored, name) for name in delivery} == expected
