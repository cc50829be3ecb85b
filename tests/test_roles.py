"""Who may do what is enforced where the data lives (PostgreSQL roles and triggers), not by a
desk's own config: an agent cannot change a roster or the audit, and the audit names the
login, whatever the desk claims."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import text

from conftest import PG_URL, drop_schema, postgres_schema_url
from kccdesk.errors import StorageError
from kccdesk.model import WeeklyShift
from kccdesk.notes import check_note
from kccdesk.storage import open_store

PRACTICE = "huisartsen-de-linde"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SHIFT = WeeklyShift("hkaya", ("sat",), time(9), time(12))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(sql)


@pytest.fixture
def team(demo_clients):
    """A schema with the demo data, roles with a unique prefix, and two logins."""
    schema, url = postgres_schema_url()
    prefix = f"k{uuid.uuid4().hex[:8]}"
    agent, lead = f"{prefix}_anna", f"{prefix}_marieke"
    owner = open_store(url)
    owner.import_clients(demo_clients.values())
    owner.create_roles(prefix)
    for login in (agent, lead):
        _admin(f"CREATE ROLE {login} LOGIN")
    owner.grant_role(agent, "agent", prefix)
    owner.grant_role(lead, "shift_lead", prefix)

    def as_login(login: str):
        return open_store(url.replace("//postgres@", f"//{login}@"))

    yield owner, as_login, agent, lead, url, prefix
    owner.close()
    drop_schema(schema)
    for name in (agent, lead, *(f"{prefix}_{r}" for r in ("shift_lead", "team_lead", "agent"))):
        _admin(f"DROP ROLE IF EXISTS {name}")


def test_agent_cannot_change_a_roster_but_takes_notes(team, demo_clients):
    _, as_login, agent, *_ = team
    desk = as_login(agent)
    with pytest.raises(StorageError) as refused:
        desk.save_roster_entry(PRACTICE, SHIFT, "marieke", now=NOW)
    assert str(refused.value) == (
        "geweigerd door de database: uw login mag niet het rooster wijzigen (rol shift_lead nodig)"
    )
    assert SHIFT not in desk.load_client(PRACTICE).shifts
    note = check_note(demo_clients[PRACTICE], "assistentie", "Piet", "0612345678", "x", at=NOW)
    assert desk.add_note(note, at=NOW).id > 0
    desk.close()


def test_audit_names_the_login_and_cannot_be_rewritten(team):
    owner, as_login, agent, lead, *_ = team
    shift_lead = as_login(lead)
    added = shift_lead.save_roster_entry(PRACTICE, SHIFT, "iemand-anders", now=NOW)
    (entry,) = shift_lead.roster_history(PRACTICE, "shift", added.id)
    assert entry.user == lead  # the login, not the name the desk passed
    for store in (as_login(agent), shift_lead, owner):  # not even the owner from a desk
        with pytest.raises(StorageError, match="roosterhistorie"):
            store._run(lambda s=store: _rewrite_audit(s))
    assert shift_lead.roster_history(PRACTICE, "shift", added.id) == [entry]
    shift_lead.close()


def _rewrite_audit(store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE roster_audit SET \"user\" = 'niemand'"))


def test_agent_cannot_delete_the_audit_either(team):
    _, as_login, agent, lead, *_ = team
    as_login(lead).save_roster_entry(PRACTICE, SHIFT, "x", now=NOW)
    desk = as_login(agent)

    def wipe() -> None:
        with desk.engine.begin() as conn:
            conn.execute(text("DELETE FROM roster_audit"))

    with pytest.raises(StorageError, match="roosterhistorie"):
        desk._run(wipe)
    desk.close()


def test_command_line_grants_roles_and_refuses_an_agents_roster_edit(team, tmp_path):
    _, _, agent, _, url, prefix = team
    env = {**os.environ, "KCCDESK_DATABASE_URL": url}

    def kcc(*args: str, login_url: str = url):
        return subprocess.run(
            [sys.executable, "-m", "kccdesk", *args],
            capture_output=True,
            text=True,
            env={**env, "KCCDESK_DATABASE_URL": login_url},
            timeout=60,
        )

    assert kcc("db", "roles", "--prefix", prefix).returncode == 0
    unknown = kcc("db", "grant", agent, "koning", "--prefix", prefix)
    assert unknown.returncode == 2 and "onbekende rol 'koning'" in unknown.stderr
    granted = kcc("db", "grant", agent, "team_lead", "--prefix", prefix, "--json")
    assert granted.returncode == 0, granted.stderr
    agent_url = url.replace("//postgres@", f"//{agent}@")
    export = tmp_path / "export"
    assert kcc("export", str(export), login_url=agent_url).returncode == 0  # reading is fine
    practice = export / f"{PRACTICE}.toml"
    practice.write_text(practice.read_text().replace("Huisartsen", "Huisartspraktijk", 1))
    refused = kcc("import", str(practice), login_url=agent_url)
    assert refused.returncode == 2  # client data is the owner's to import
    assert "uw login mag niet klantgegevens importeren" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_agent_desk_on_an_older_schema_leaves_the_upgrade_to_the_owner(team):
    _, _, agent, _, _, prefix = team
    schema, url = postgres_schema_url()  # empty: the owner has not upgraded it yet
    try:
        _admin(f"GRANT USAGE ON SCHEMA {schema} TO {prefix}_agent")
        with pytest.raises(StorageError) as refused:
            open_store(url.replace("//postgres@", f"//{agent}@"))
        assert str(refused.value).startswith("database wordt bijgewerkt door de beheerder")
    finally:
        drop_schema(schema)


def test_agent_desk_waits_while_the_owner_upgrades_then_opens(team, monkeypatch, capsys):
    import threading
    import time as time_module

    from kccdesk.ui import app as desk_app

    _, _, agent, _, _, prefix = team
    schema, url = postgres_schema_url()
    try:
        _admin(f"GRANT USAGE ON SCHEMA {schema} TO {prefix}_agent")
        monkeypatch.setenv("KCCDESK_DATABASE_URL", url.replace("//postgres@", f"//{agent}@"))
        monkeypatch.setattr(desk_app, "OWNER_UPGRADE_RETRY", 0.2)
        opened: list[object] = []
        waiting = threading.Thread(
            target=lambda: opened.append(desk_app._make_app_waiting_for_owner(False))
        )
        waiting.start()
        # Polled, not join(timeout): a timed join never returns under faketime (CI's +3y run).
        deadline = time_module.monotonic() + 1.0
        while time_module.monotonic() < deadline:
            time_module.sleep(0.05)
        assert waiting.is_alive() and opened == []  # waits, does not fail
        owner = open_store(url)  # the owner upgrades, and grants the roles on the new tables
        owner.create_roles(prefix)
        owner.close()
        waiting.join(20)
        assert len(opened) == 1
        assert "de desk wacht" in capsys.readouterr().out
    finally:
        drop_schema(schema)


async def test_desk_of_an_agent_login_shows_the_roster_read_only_whatever_the_config(team):
    import asyncio
    import time as time_module

    from desk_helpers import MONDAY_10, SIZE, settle, text_of
    from kccdesk.settings import Settings
    from kccdesk.ui.app import make_app
    from kccdesk.ui.screens.roster_forms import KindChooser

    _, _, agent, lead, url, _ = team
    claims_lead = Settings(agent="Anna", user="marieke", shift_leads=("marieke",))
    for login, editable in ((agent, False), (lead, True)):
        login_url = url.replace("//postgres@", f"//{login}@")
        app = make_app(login_url, clock=lambda: MONDAY_10, client_id=PRACTICE, settings=claims_lead)
        async with app.run_test(size=SIZE) as pilot:
            deadline = time_module.monotonic() + 5
            while not app.desk.actor.from_database and time_module.monotonic() < deadline:
                await asyncio.sleep(0.05)  # asked of the database right after start-up
            await settle(pilot)
            await pilot.press("f10")
            await settle(pilot)
            read_only = "heeft de rol shift_lead niet" in text_of(app, "#roster-title")
            await pilot.press("insert")
            await settle(pilot)
            assert (read_only, isinstance(app.screen, KindChooser)) == (not editable, editable)


def test_feedback_is_kept_by_leads_and_the_team_lead_role_is_read_from_the_database(team):
    from kccdesk.desk import Desk
    from kccdesk.feedback import FeedbackInput

    owner, as_login, agent, lead, _url, prefix = team
    team_lead = f"{prefix}_ilse"
    _admin(f"CREATE ROLE {team_lead} LOGIN")
    try:
        owner.grant_role(team_lead, "team_lead", prefix)
        item = FeedbackInput(PRACTICE, NOW, "anders", "x")
        with pytest.raises(StorageError, match="feedback vastleggen"):
            as_login(agent).add_feedback(item, user="anna", at=NOW)
        assert as_login(lead).add_feedback(item, user="x", at=NOW).id > 0
        desk = Desk(as_login(team_lead), clock=lambda: NOW)
        desk.adopt_database_identity()
        assert desk.actor.team_lead and not desk.actor.shift_lead
        assert desk.actor.user == team_lead
        assert desk.review().clients  # the lead's item, still open
        agent_desk = Desk(as_login(agent), clock=lambda: NOW)
        agent_desk.adopt_database_identity()
        assert not agent_desk.actor.team_lead
    finally:
        _admin(f"DROP OWNED BY {team_lead}")
        _admin(f"DROP ROLE IF EXISTS {team_lead}")
