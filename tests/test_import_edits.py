"""An import is a set of audited roster edits (issue 10), on SQLite and PostgreSQL: entries
matched by id or natural key keep their id and version when unchanged, changed ones get the
next version, missing ones are removed, every change has an audit row naming the file; a
shift lead's stale save after an import is refused and names what changed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import DEMO_DIR
from kccdesk.clientfile import Origins, dump_client, load_clients
from kccdesk.service.desk import Actor, Desk, NotAllowed
from kccdesk.storage import StaleEntry

PRACTICE = "huisartsen-de-linde"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
LEAVE_UNTIL = 'until = 2027-01-31\nreason = "zwangerschapsverlof"'
LEAD = Actor("marieke", shift_lead=True)


def who(store, claimed: str) -> str:
    """On PostgreSQL the database names the login in the audit (tests/test_roles.py), not
    the user the desk claims to be."""
    return "postgres" if store.engine.dialect.name == "postgresql" else claimed


AGENT = Actor("piet", shift_lead=False)


def import_files(desk: Desk, *paths: Path) -> object:
    origins: Origins = {}
    clients = load_clients(paths, origins)
    return desk.import_clients(clients, origins=origins)


def edited_practice(tmp_path: Path, old: str, new: str) -> Path:
    text = (DEMO_DIR / f"{PRACTICE}.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / f"{PRACTICE}.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.fixture
def lead(store) -> Desk:
    desk = Desk(store, clock=lambda: NOW, actor=LEAD)
    import_files(desk, DEMO_DIR)
    return desk


def absence_entry(desk: Desk):
    return next(e for e in desk.roster_entries(PRACTICE) if e.kind == "absence")


def test_lost_update_the_stale_save_after_an_import_is_refused(lead, store, tmp_path):
    held = absence_entry(lead)  # the shift lead opens the maternity leave: version 1
    assert (held.version, held.item.until.isoformat()) == (1, "2027-01-31")
    others = {(e.kind, e.id): e.version for e in lead.roster_entries(PRACTICE) if e != held}

    path = edited_practice(tmp_path, LEAVE_UNTIL, LEAVE_UNTIL.replace("01-31", "02-28"))
    report = import_files(lead, path)
    assert report.updated == [PRACTICE]

    after = {(e.kind, e.id): e for e in lead.roster_entries(PRACTICE)}
    assert after[("absence", held.id)].version == 2  # same entry, next version
    assert {k: e.version for k, e in after.items() if k != ("absence", held.id)} == others
    (change, added) = lead.roster_history(PRACTICE, "absence", held.id)
    assert (change.action, change.user, change.source) == (
        "changed",
        who(store, "marieke"),
        f"import {PRACTICE}.toml",
    )
    assert (change.before["until"], change.after["until"]) == ("2027-01-31", "2027-02-28")
    assert (added.action, added.source) == ("added", f"import {PRACTICE}.toml")

    stale = dataclasses.replace(held.item, reason="verlof")
    with pytest.raises(StaleEntry) as refused:
        lead.save_roster_entry(PRACTICE, stale, held)
    assert str(refused.value) == (
        f"dit item is intussen gewijzigd (nu versie 2, door {who(store, 'marieke')} via import "
        f"{PRACTICE}.toml): "
        "dr. Sanne Bakker afwezig 01-10–28-02-2027 zwangerschapsverlof → dr. Mark Jansen; "
        "niets opgeslagen"
    )
    assert store.load_client(PRACTICE).absences[0].until.isoformat() == "2027-02-28"
    assert store.load_client(PRACTICE).absences[0].reason == "zwangerschapsverlof"


def test_reimporting_an_export_keeps_every_id_and_version(lead, store, tmp_path):
    before = {(e.kind, e.id): e.version for e in lead.roster_entries(PRACTICE)}
    path = tmp_path / f"{PRACTICE}.toml"
    path.write_text(dump_client(store.load_client(PRACTICE)), encoding="utf-8")
    assert "\nid = " in path.read_text(encoding="utf-8")  # export writes the entry ids
    report = import_files(lead, path)
    assert (report.updated, report.unchanged) == ([], [PRACTICE])
    assert {(e.kind, e.id): e.version for e in lead.roster_entries(PRACTICE)} == before


def test_an_entry_matched_by_id_may_change_its_natural_key(lead, store, tmp_path):
    held = absence_entry(lead)
    exported = dump_client(store.load_client(PRACTICE))
    leave = "from = 2026-10-01\n" + LEAVE_UNTIL
    assert exported.count(leave) == 1
    path = tmp_path / f"{PRACTICE}.toml"
    path.write_text(exported.replace(leave, leave.replace("10-01", "10-15")), "utf-8")
    import_files(lead, path)
    entry = absence_entry(lead)
    assert (entry.id, entry.version, entry.item.start.isoformat()) == (held.id, 2, "2026-10-15")


def test_a_missing_entry_is_removed_as_an_audited_edit(lead, store, tmp_path):
    held = absence_entry(lead)
    text = (DEMO_DIR / f"{PRACTICE}.toml").read_text(encoding="utf-8")
    start = text.index("[[absences]]")
    end = text.index('replaced_by = "mjansen"', start) + len('replaced_by = "mjansen"')
    path = tmp_path / f"{PRACTICE}.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    import_files(lead, path)
    assert [e for e in lead.roster_entries(PRACTICE) if e.kind == "absence"] == []
    removed = lead.roster_history(PRACTICE, "absence", held.id)[0]
    assert (removed.action, removed.after, removed.source) == (
        "removed",
        None,
        f"import {PRACTICE}.toml",
    )
    by = who(store, "marieke")
    with pytest.raises(StaleEntry, match=rf"intussen door {by} via import .* verwijderd"):
        lead.save_roster_entry(PRACTICE, held.item, held)


def test_changing_an_existing_roster_needs_a_shift_lead(lead, store, tmp_path):
    agent = Desk(store, clock=lambda: NOW, actor=AGENT)
    before = store.load_clients()
    entries = lead.roster_entries(PRACTICE)
    path = edited_practice(tmp_path, LEAVE_UNTIL, LEAVE_UNTIL.replace("01-31", "02-28"))
    with pytest.raises(NotAllowed) as refused:
        import_files(agent, path)
    assert str(refused.value) == (
        "alleen roosterbeheerders mogen het rooster van een bestaande client wijzigen "
        f"('piet' is dat niet); niets geïmporteerd: {PRACTICE}"
    )
    assert (store.load_clients(), lead.roster_entries(PRACTICE)) == (before, entries)
    # The same files again change nothing, so anyone may import them.
    assert import_files(agent, DEMO_DIR).updated == []


def test_anyone_may_import_into_an_empty_database_with_audit_rows(store):
    agent = Desk(store, clock=lambda: NOW, actor=AGENT)
    report = import_files(agent, DEMO_DIR)
    assert PRACTICE in report.added
    entry = absence_entry(agent)
    (added,) = agent.roster_history(PRACTICE, "absence", entry.id)
    assert (added.action, added.user, added.source) == (
        "added",
        who(store, "piet"),
        f"import {PRACTICE}.toml",
    )


def test_pane_edits_are_audited_as_rooster(lead):
    held = absence_entry(lead)
    lead.save_roster_entry(PRACTICE, dataclasses.replace(held.item, reason="verlof"), held)
    latest = lead.roster_history(PRACTICE, "absence", held.id)[0]
    assert (latest.action, latest.source) == ("changed", "rooster")
