"""Storage on both engines: import is idempotent, data round-trips, notes are kept."""

from datetime import UTC, datetime, timedelta

import pytest

from kccdesk.clientfile import dump_client, load_clients
from kccdesk.notes.rules import check_note
from kccdesk.storage import StorageError


def test_import_then_load_gives_back_the_same_clients(store, demo_clients):
    report = store.import_clients(demo_clients.values())
    assert sorted(report.added) == sorted(demo_clients)
    loaded = {c.id: c for c in store.load_clients()}
    assert loaded == demo_clients


def test_importing_the_same_data_twice_changes_nothing(store, demo_clients):
    store.import_clients(demo_clients.values())
    report = store.import_clients(demo_clients.values())
    assert report.added == [] and report.updated == []
    assert sorted(report.unchanged) == sorted(demo_clients)


def test_export_import_round_trip_through_files(store, demo_clients, tmp_path):
    store.import_clients(demo_clients.values())
    for client in store.load_clients():
        (tmp_path / f"{client.id}.toml").write_text(dump_client(client), encoding="utf-8")
    assert {c.id: c for c in load_clients([tmp_path])} == demo_clients


def test_changed_client_is_updated_not_doubled(store, demo_clients):
    store.import_clients(demo_clients.values())
    from dataclasses import replace

    practice = demo_clients["huisartsen-de-linde"]
    smaller = replace(practice, people=practice.people, shifts=practice.shifts[:1])
    report = store.import_clients([smaller])
    assert report.updated == ["huisartsen-de-linde"]
    assert store.load_client("huisartsen-de-linde").shifts == practice.shifts[:1]


def test_notes_are_stored_in_e164_with_utc_times(store, demo_clients):
    store.import_clients(demo_clients.values())
    client = demo_clients["fietsenmakerij-van-dijk"]
    created = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
    note = check_note(
        client, "lisa", "Piet", "06-12345678", "Offerte bakfiets", agent="Test", at=created
    )
    saved = store.add_note(note, at=created)
    (listed,) = store.notes("fietsenmakerij-van-dijk")
    assert listed == saved
    assert listed.caller_phone == "+31612345678"
    assert listed.created_at == created and listed.created_at.tzinfo is not None
    assert store.notes(since=created + timedelta(seconds=1)) == []
    assert store.notes(caller_phone="+31612345678")[0].id == saved.id


def test_unknown_client_is_a_clear_error(store):
    with pytest.raises(StorageError, match="onbekende klant 'nope'"):
        store.load_client("nope")


def test_unreachable_database_is_a_clear_error(tmp_path):
    from kccdesk.storage import open_store

    with pytest.raises(StorageError, match="niet bereikbaar"):
        open_store(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
