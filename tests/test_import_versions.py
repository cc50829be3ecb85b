"""An import never silently undoes a newer edit (issue 22): export writes each roster
entry's version, and re-importing an older export refuses an entry changed since, as the
pane refuses a stale save; a hand-written file without versions imports as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest

from kccdesk.clientfile import dump_client, parse_client
from kccdesk.core.errors import StorageError
from kccdesk.service.desk import Desk
from kccdesk.storage import open_store
from kccdesk.storage.roster import StaleEntry

TEXT = """\
[client]
id = "uden"
name = "Gemeente Uden"

[[people]]
id = "anna"
name = "Anna"

[[shifts]]
person = "anna"
days = ["mon"]
start = "08:00"
end = "18:00"
"""


@pytest.fixture
def lead_desk(database_url):
    from kccdesk.core.actor import Actor

    store = open_store(database_url)
    desk = Desk(store, actor=Actor(user="marieke", shift_lead=True))
    yield desk
    store.close()


def test_reimporting_an_older_export_refuses_the_entry_edited_since(lead_desk):
    desk = lead_desk
    desk.import_clients([parse_client(TEXT)])
    exported = dump_client(desk.client("uden"))
    assert "version = 1" in exported
    (entry,) = [e for e in desk.roster_entries("uden") if e.kind == "shift"]
    desk.save_roster_entry("uden", replace(entry.item, end=time(12)), entry)  # the pane
    with pytest.raises(StaleEntry) as refused:
        desk.import_clients([parse_client(exported)])
    assert "intussen gewijzigd (nu versie 2" in str(refused.value)
    assert desk.client("uden").shifts[0].end == time(12)  # the newer edit stands


def test_an_export_of_the_current_version_imports_and_a_file_without_versions_too(lead_desk):
    desk = lead_desk
    desk.import_clients([parse_client(TEXT)])
    current = parse_client(dump_client(desk.client("uden")).replace('"18:00"', '"17:00"'))
    desk.import_clients([current])
    assert desk.client("uden").shifts[0].end == time(17)
    desk.import_clients([parse_client(TEXT)])  # hand-written, no ids or versions
    assert desk.client("uden").shifts[0].end == time(18)


def test_a_version_without_an_id_is_refused_in_the_file():
    from kccdesk.clientfile import ImportErrors

    with pytest.raises(ImportErrors, match="'version' hoort bij een 'id'"):
        parse_client(TEXT.replace('end = "18:00"', 'end = "18:00"\nversion = 3'))


def test_an_older_export_does_not_remove_an_entry_added_after_it(lead_desk):
    from kccdesk.clients.model import WeeklyShift
    from kccdesk.core.errors import StorageError

    desk = lead_desk
    desk.import_clients([parse_client(TEXT)])
    exported = dump_client(desk.client("uden"))
    desk.save_roster_entry("uden", WeeklyShift("anna", ("tue",), time(8), time(12)))
    with pytest.raises(StorageError, match="na deze export toegevoegd"):
        desk.import_clients([parse_client(exported)])
    assert len(desk.client("uden").shifts) == 2
    # Removing an entry that was in the export, on purpose, still works.
    fresh = dump_client(desk.client("uden"))
    first = fresh.index("[[shifts]]")
    second = fresh.index("[[shifts]]", first + 1)
    desk.import_clients([parse_client(fresh[:first] + fresh[second:])])
    assert [s.days for s in desk.client("uden").shifts] == [("tue",)]


TWO_PEOPLE = TEXT.replace(
    'id = "anna"\nname = "Anna"\n',
    'id = "anna"\nname = "Anna"\n\n[[people]]\nid = "bert"\nname = "Bert"\n',
)


def test_an_id_is_never_given_out_twice_so_an_old_export_cannot_pass_for_current(lead_desk):
    """The hostile review's case: the highest shift is replaced by another (a file giving it
    to someone else); on SQLite without AUTOINCREMENT the new entry got the freed id and
    version 1 again, and an old export then silently put the first person back."""
    desk = lead_desk
    desk.import_clients([parse_client(TWO_PEOPLE)])
    old_export = dump_client(desk.client("uden"))
    (first,) = [e for e in desk.roster_entries("uden") if e.kind == "shift"]
    desk.import_clients([parse_client(TWO_PEOPLE.replace('person = "anna"', 'person = "bert"'))])
    (second,) = [e for e in desk.roster_entries("uden") if e.kind == "shift"]
    assert second.id != first.id
    with pytest.raises(StorageError, match="na deze export toegevoegd"):
        desk.import_clients([parse_client(old_export)])
    assert desk.client("uden").shifts[0].person == "bert"  # the newer change stands


#: a client and one shift as a kccdesk of revision 0013 stored them
OLD_ROWS = (
    "INSERT INTO client (id, name, kind, lines, greeting, instructions, opening_hours, "
    "country, timezone, fallback_email, opening, after_hours) VALUES "
    "('c', 'C', '', '[]', '', '', '', 'NL', 'Europe/Amsterdam', '', '[]', '')",
    'INSERT INTO shift (id, client_id, position, person, days, start, "end", version, '
    "on_closures) VALUES (3, 'c', 0, 'p', '[]', '08:00', '17:00', 1, 0)",
    "INSERT INTO roster_audit (client_id, kind, entry_id, action, user, source, at) "
    "VALUES ('c', 'shift', 9, 'removed', 'x', '', '2026-12-01 10:00:00')",
)


def test_a_migrated_sqlite_database_starts_its_ids_above_every_id_there_ever_was(tmp_path):
    """Migration 0014: ids deleted before it (the audit knows them) are not given out again."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from kccdesk.storage import schema

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with schema._locked(engine) as connection:
        command.upgrade(schema._config(connection), "0013")
    with engine.begin() as connection:
        for row in OLD_ROWS:
            connection.execute(text(row))
    with schema._locked(engine) as connection:
        command.upgrade(schema._config(connection), "head")
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO shift (client_id, position, person, days, start, "end", version, '
                "on_closures) VALUES ('c', 1, 'p', '[]', '18:00', '20:00', 1, 0)"
            )
        )
        ids = sorted(connection.execute(text("SELECT id FROM shift")).scalars())
        made = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'shift'")
        ).scalar()
    engine.dispose()
    assert ids == [3, 10] and "AUTOINCREMENT" in made


THREE_SHIFTS = TEXT + "".join(
    f'\n[[shifts]]\nperson = "anna"\ndays = ["{day}"]\nstart = "08:00"\nend = "18:00"\n'
    for day in ("tue", "wed")
)


def _exported(desk, client_id: str) -> tuple[str, dict]:
    """The client as `kccdesk export` writes it, and what `import` reads of its time."""
    import tempfile
    from pathlib import Path

    from kccdesk.clientfile import load_clients

    text = dump_client(desk.client(client_id), desk.clock())
    folder = Path(tempfile.mkdtemp())
    (folder / "c.toml").write_text(text, encoding="utf-8")
    exported: dict = {}
    load_clients([folder], {}, exported)
    return text, exported


def test_removing_the_newest_entry_from_an_export_removes_it(lead_desk):
    """Found by the hostile review: the entry with the highest id could not be removed by
    editing an export ("na deze export toegevoegd", which it was not)."""
    desk = lead_desk
    desk.import_clients([parse_client(THREE_SHIFTS)])
    text, exported = _exported(desk, "uden")
    assert exported["uden"] is not None and "exported = " in text
    newest = max(e.id for e in desk.roster_entries("uden") if e.kind == "shift")
    client = parse_client(text)
    kept = replace(client, shifts=tuple(s for s in client.shifts if s.id != newest))
    desk.import_clients([kept], "import", None, exported)
    assert [s.days for s in desk.client("uden").shifts] == [("mon",), ("tue",)]


def test_an_entry_added_after_the_export_is_not_removed_by_it(lead_desk):
    from datetime import timedelta

    desk = lead_desk
    desk.import_clients([parse_client(THREE_SHIFTS)])
    text, exported = _exported(desk, "uden")
    later = desk.clock() + timedelta(minutes=5)
    desk.clock = lambda: later  # the pane, five minutes after the export
    (monday,) = [e for e in desk.roster_entries("uden") if e.item.days == ("mon",)]
    desk.save_roster_entry("uden", replace(monday.item, days=("thu",)), None)  # a new one
    with pytest.raises(StorageError, match="na deze export toegevoegd of gewijzigd"):
        desk.import_clients([parse_client(text)], "import", None, exported)
    assert len(desk.client("uden").shifts) == 4


def test_an_old_export_does_not_bring_back_an_entry_deleted_since(lead_desk):
    """Second hostile review: the file names the entry by id and version; the database no
    longer has it (removed after the export): refused, not put back as new."""
    desk = lead_desk
    desk.import_clients([parse_client(THREE_SHIFTS)])
    text, exported = _exported(desk, "uden")
    (tuesday,) = [e for e in desk.roster_entries("uden") if e.item.days == ("tue",)]
    desk.remove_roster_entry("uden", tuesday)
    with pytest.raises(StorageError, match="na deze export verwijderd"):
        desk.import_clients([parse_client(text)], "import", None, exported)
    with pytest.raises(StorageError, match="na deze export verwijderd"):
        desk.import_clients([parse_client(text)])  # without the export's time: ids tell
    assert len(desk.client("uden").shifts) == 2


def test_a_change_a_moment_after_the_export_is_not_removed_by_it(lead_desk):
    """Second hostile review: the export's time was rounded up to the next second, so an
    entry added in the rest of that second counted as known to the export and was removed."""
    from datetime import timedelta

    desk = lead_desk
    desk.import_clients([parse_client(THREE_SHIFTS)])
    text, exported = _exported(desk, "uden")
    moment = exported["uden"] + timedelta(milliseconds=5)
    desk.clock = lambda: moment
    (monday,) = [e for e in desk.roster_entries("uden") if e.item.days == ("mon",)]
    desk.save_roster_entry("uden", replace(monday.item, days=("sat",)), None)
    with pytest.raises(StorageError, match="na deze export toegevoegd of gewijzigd"):
        desk.import_clients([parse_client(text)], "import", None, exported)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2100-01-01T00:00:00Z", "ligt in de toekomst"),
        ('"gisteren"', "moet een datum met tijd zijn"),
        ("2026-12-02", "moet een datum met tijd zijn"),
    ],
)
def test_an_exported_time_that_cannot_be_true_is_refused(tmp_path, value, said):
    from datetime import UTC, datetime

    from kccdesk.clientfile import ImportErrors, load_clients

    (tmp_path / "c.toml").write_text(
        TEXT.replace('name = "Gemeente Uden"', f'name = "Gemeente Uden"\nexported = {value}'),
        encoding="utf-8",
    )
    with pytest.raises(ImportErrors, match=said):
        load_clients([tmp_path], {}, {}, datetime(2026, 12, 2, 12, tzinfo=UTC))
