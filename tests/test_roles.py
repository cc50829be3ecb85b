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
from kccdesk.clients.model import WeeklyShift
from kccdesk.core.errors import StorageError
from kccdesk.notes.rules import check_note
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
    roles = ("shift_lead", "team_lead", "retention", "agent")
    for name in (agent, lead, *(f"{prefix}_{r}" for r in roles)):
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

    from kccdesk.ui import factory as desk_app

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
    from kccdesk.core.settings import Settings
    from kccdesk.ui.factory import make_app
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
    from kccdesk.service.desk import Desk
    from kccdesk.teamlead.feedback import FeedbackInput

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


# --- roles that hold: each refused action, run as the role it is refused to ----------------


def _sql(store, statement: str, **params):
    def run():
        with store.engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else []

    return store._run(run)


def _a_note(store, demo_clients, agent_name: str = "anna"):
    note = check_note(
        demo_clients[PRACTICE], "assistentie", "Piet", "0612345678", "bel terug", at=NOW
    )
    from dataclasses import replace

    return store.add_note(replace(note, agent=agent_name), at=NOW)


@pytest.fixture
def extra_login(team):
    """Another login of the team, made on demand and dropped after the test."""
    made: list[str] = []

    def make(role: str | None) -> str:
        _, _, _, _, _, prefix = team
        login = f"{prefix}_x{len(made)}"
        _admin(f"CREATE ROLE {login} LOGIN")
        made.append(login)
        if role:
            team[0].grant_role(login, role, prefix)
        return login

    yield make
    for login in made:
        _admin(f"DROP OWNED BY {login}")
        _admin(f"DROP ROLE IF EXISTS {login}")


def test_a_note_is_signed_by_the_login_whatever_the_desk_claims(team, demo_clients):
    from kccdesk.core.actor import Actor
    from kccdesk.service.desk import Desk

    _, as_login, agent, *_ = team
    store = as_login(agent)
    assert _a_note(store, demo_clients, agent_name="piet").agent == agent
    desk = Desk(store, clock=lambda: NOW)
    desk.adopt_database_identity()
    assert desk.actor == Actor(agent, False, from_database=True)
    taken = desk.add_note(PRACTICE, "assistentie", "Els", "0612345678", "x", agent="Sanne")
    assert taken.agent == agent
    store.close()


def test_command_line_refuses_an_agent_name_that_is_not_the_login(team, monkeypatch, capsys):
    from kccdesk.cli.main import main

    _, _, agent, _, url, _ = team
    monkeypatch.setenv("KCCDESK_DATABASE_URL", url.replace("//postgres@", f"//{agent}@"))
    args = ["note", "add", "--client", PRACTICE, "--to", "assistentie", "--name", "Piet"]
    args += ["--phone", "0612345678", "--message", "x"]
    assert main([*args, "--agent", "piet"]) == 2
    assert "op PostgreSQL is de agent uw login" in capsys.readouterr().err
    assert main([*args, "--agent", agent, "--json"]) == 0
    assert f'"agent": "{agent}"' in capsys.readouterr().out


def test_nobody_rewrites_what_a_note_recorded_and_agents_delete_nothing(team, demo_clients):
    owner, as_login, agent, lead, *_ = team
    note = _a_note(owner, demo_clients)
    for login in (agent, lead):
        store = as_login(login)
        for change in ("message = 'anders'", "shown = NULL", "override = ''", "agent = 'x'"):
            with pytest.raises(StorageError, match="geweigerd"):
                _sql(store, f"UPDATE callback_note SET {change} WHERE id = :id", id=note.id)
        with pytest.raises(StorageError, match="geweigerd"):
            _sql(store, "DELETE FROM callback_note WHERE id = :id", id=note.id)
        store.close()
    # Not even the owner changes the evidence; the outbox sender changes the delivery only.
    with pytest.raises(StorageError, match="alleen in haar bezorging"):
        _sql(owner, "UPDATE callback_note SET message = 'anders' WHERE id = :id", id=note.id)
    sender = as_login(agent)
    (claimed,) = sender.claim_due(NOW)
    sender.mark_sent(claimed.id, NOW)
    assert owner.note(note.id).status == "sent" and owner.note(note.id).message == "bel terug"
    sender.close()


def test_a_logged_call_and_its_overrides_are_insert_only(team, demo_clients):
    from kccdesk.calls.session import CallSession

    owner, as_login, agent, *_ = team
    store = as_login(agent)
    call = CallSession(PRACTICE, NOW, caller="+31612345678", explicit=True)
    call.transferred("hkaya", override="niet in dienst")
    call.log_into(store, NOW, "anna")
    (logged,) = owner.calls(PRACTICE)
    assert logged.agent == agent and logged.warnings_overridden
    for store_of in (store, owner):
        with pytest.raises(StorageError, match="geweigerd"):
            _sql(store_of, "UPDATE call_log SET warnings_overridden = ''")
    with pytest.raises(StorageError, match="geweigerd"):
        _sql(store, "DELETE FROM call_log")
    store.close()


def test_agents_do_not_read_the_feedback_log(team):
    _, as_login, agent, lead, *_ = team
    store = as_login(agent)
    with pytest.raises(StorageError, match="geweigerd"):
        store.feedback()
    assert as_login(lead).feedback() == []
    store.close()


def test_purging_is_the_retention_roles_job_never_a_desk_start(team, demo_clients, extra_login):
    from datetime import timedelta

    from kccdesk.service.desk import Desk, NotAllowed

    owner, as_login, agent, lead, *_ = team
    _a_note(owner, demo_clients)
    later = NOW + timedelta(days=30)
    for login in (agent, lead):
        desk = Desk(as_login(login), clock=lambda: later)
        desk.adopt_database_identity()
        desk.purge_at_start(1)  # retention_days = 1 in their own config: nothing happens
        with pytest.raises(NotAllowed, match="rol retention"):
            desk.purge_expired(1)
    assert len(owner.notes()) == 1
    keeper = Desk(as_login(extra_login("retention")), clock=lambda: later)
    keeper.adopt_database_identity()
    assert keeper.purge_expired(7) == {"notes": 1, "calls": 0}


def test_a_roster_change_without_its_audit_row_is_refused(team):
    _, as_login, _, lead, *_ = team
    store = as_login(lead)
    with pytest.raises(StorageError, match="zonder regel in de roosterhistorie"):
        _sql(
            store,
            'INSERT INTO shift (client_id, position, person, days, start, "end", version) '
            "VALUES (:c, 99, 'hkaya', '[\"sat\"]', '09:00', '12:00', 1)",
            c=PRACTICE,
        )
    assert SHIFT not in store.load_client(PRACTICE).shifts
    store.close()


def test_the_audit_takes_the_servers_clock_and_the_login_behind_a_group_role(team):
    _, as_login, _, lead, url, prefix = team
    store = as_login(lead)
    backdated = datetime(2020, 1, 1, tzinfo=UTC)
    added = store.save_roster_entry(PRACTICE, SHIFT, "x", now=backdated)
    (entry,) = store.roster_history(PRACTICE, "shift", added.id)
    assert entry.at.year >= 2026 and entry.user == lead
    # SET ROLE to the group role (here in the URL) does not hide the login either.
    login_url = url.replace("//postgres@", f"//{lead}@")
    assert "options=" in login_url  # the test schema's search_path: one more option beside it
    hidden = open_store(login_url.replace("options=", f"options=-crole%3D{prefix}_shift_lead%20"))
    assert _sql(hidden, "SELECT current_user")[0][0] == f"{prefix}_shift_lead"
    other = WeeklyShift("hkaya", ("sun",), time(9), time(12))
    added = hidden.save_roster_entry(PRACTICE, other, "x", now=NOW)
    (entry,) = hidden.roster_history(PRACTICE, "shift", added.id)
    assert entry.user == lead
    hidden.close()
    store.close()


def test_only_the_team_lead_role_db_roles_made_is_a_team_lead(team, extra_login):
    from kccdesk.service.desk import Desk

    _, as_login, *_ = team
    impostor = extra_login("agent")  # an agent who made a role of the right name
    _admin(f"CREATE ROLE {impostor}_team_lead NOLOGIN")
    try:
        _admin(f"GRANT {impostor}_team_lead TO {impostor}")
        desk = Desk(as_login(impostor), clock=lambda: NOW)
        desk.adopt_database_identity()
        assert not desk.actor.team_lead
        real = Desk(as_login(extra_login("team_lead")), clock=lambda: NOW)
        real.adopt_database_identity()
        assert real.actor.team_lead
    finally:
        _admin(f"DROP ROLE IF EXISTS {impostor}_team_lead")


def test_an_agent_login_acknowledges_and_escalates_with_its_trail_and_nothing_else(
    team, demo_clients
):
    """`kccdesk serve` and the desks run as agents: they may move a note's acknowledgement
    and escalation on and write its trail — what the agent noted stays as it was."""
    from datetime import timedelta

    owner, as_login, agent, *_ = team
    note = _a_note(owner, demo_clients)
    store = as_login(agent)
    assert store.escalate(note, NOW, person="hkaya", next_at=NOW + timedelta(minutes=10))
    assert store.acknowledge(note.id, NOW, "hkaya", "link")
    assert store.record_opened(note.id, NOW, "hkaya")
    kinds = [e.kind for e in store.note_events([note.id])[note.id]]
    assert kinds == ["saved", "escalated", "acked", "opened"]
    with pytest.raises(StorageError, match="geweigerd"):
        _sql(store, "UPDATE callback_note SET recipient = 'x' WHERE id = :id", id=note.id)
    with pytest.raises(StorageError, match="geweigerd"):
        _sql(store, "DELETE FROM note_event WHERE note_id = :id", id=note.id)
    store.close()
    stored = owner.note(note.id)
    assert (stored.round, stored.send_to, stored.acked_by) == (1, "hkaya", "hkaya")
    assert stored.recipient == "assistentie" and stored.message == "bel terug"
