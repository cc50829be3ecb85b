"""Shared fixtures: every test runs with its own data dir, config and database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import textual._wait

from kccdesk.clientfile import load_clients
from kccdesk.service.desk import Desk
from kccdesk.storage import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "clients"
#: when the demo clients are imported in tests (before every clock the tests use)
IMPORTED_AT = datetime(2026, 1, 1, tzinfo=UTC)
#: Pilot waits after every key until the process is idle, looking every 20 ms (Textual's
#: default): most of a typed test is those looks. Every 5 ms, with the same idle criterion
#: (a twentieth of a look's time spent on the processor), the desk is driven the same way.
FAST_IDLE_LOOK = 1 / 200


@pytest.fixture(autouse=True)
def quick_idle_looks(request, monkeypatch):
    """Faster idle looks — except with real softphones, whose SIP exchanges take the time a
    person's keys take (Ctrl+U and Ctrl+L 5 ms apart would race baresip's re-INVITE)."""
    if "softphone" in request.node.module.__name__:
        yield
        return
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", FAST_IDLE_LOOK)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", FAST_IDLE_LOOK / 20)
    yield


PG_URL = os.environ.get("KCCDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Keep a developer's real config, data and database out of every test."""
    monkeypatch.setenv("KCCDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KCCDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("KCCDESK_AGENT", "Test")
    # The command line acts at a fixed moment too (Monday 23 November 2026, 10:00 in
    # Amsterdam), so no test depends on the date it runs on.
    monkeypatch.setenv("KCCDESK_NOW", "2026-11-23T10:00:00+01:00")
    monkeypatch.delenv("KCCDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("KCCDESK_USER", raising=False)
    monkeypatch.delenv("KCCDESK_SHIFT_LEADS", raising=False)
    monkeypatch.delenv("KCCDESK_TEAM_LEADS", raising=False)
    yield


def _postgres_reachable() -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("select 1")
        return None
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} not reachable: {exc}"


_PG_PROBLEM: list[str | None] = []


def postgres_problem() -> str | None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_postgres_reachable())
    return _PG_PROBLEM[0]


def postgres_schema_url() -> tuple[str, str]:
    """A fresh schema on the test server, and a URL whose connections use only that schema."""
    import psycopg

    problem = postgres_problem()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {problem}")
        pytest.skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(f"create schema {schema}")
    return schema, f"{PG_URL}?options=-csearch_path%3D{schema}"


def drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(f"drop schema if exists {schema} cascade")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kccdesk.db'}"
        return
    schema, url = postgres_schema_url()
    yield url
    drop_schema(schema)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[str, Path]:
    """SQLite databases built once per test run and copied for each test: one at the schema's
    head, one with the demo clients imported (at IMPORTED_AT) — migrating and importing per
    test cost a third of a second each time."""
    base = tmp_path_factory.mktemp("templates")
    made = {"empty": base / "empty.db", "demo": base / "demo.db"}
    for name, path in made.items():
        template = open_store(f"sqlite:///{path}")
        if name == "demo":
            template.import_clients(load_clients([DEMO_DIR]), now=IMPORTED_AT)
        template.close()  # the last connection: SQLite folds the WAL into the file
    return made


def copy_template(template: Path, url: str) -> None:
    """The template's file as the database of `url` (a SQLite URL), owner-only as ever."""
    import shutil

    from sqlalchemy.engine import make_url

    target = make_url(url).database
    assert target
    shutil.copyfile(template, target)
    os.chmod(target, 0o600)


@pytest.fixture
def store(database_url, sqlite_templates) -> Store:
    if database_url.startswith("sqlite"):
        copy_template(sqlite_templates["empty"], database_url)
    store = open_store(database_url)
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_clients():
    return {c.id: c for c in load_clients([DEMO_DIR])}


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture
def demo_store(sqlite_url, sqlite_templates) -> Store:
    # The demo clients, imported at a fixed moment long before the tests' clocks: the roster
    # audit then never shows the import as a change made after a test's call.
    copy_template(sqlite_templates["demo"], sqlite_url)
    store = open_store(sqlite_url)
    yield store
    store.close()


@pytest.fixture
def demo_desk(demo_store) -> Desk:
    return Desk(demo_store)


# --- a private PostgreSQL cluster that a test may restart (server faults) ----------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cluster_version() -> str | None:
    root = Path("/etc/postgresql")
    versions = sorted(p.name for p in root.iterdir()) if root.is_dir() else []
    return versions[-1] if versions else None


@pytest.fixture
def private_cluster(request):
    """(url, restart) of a throw-away PostgreSQL cluster on its own port; server settings
    from the test's `pg_options` mark."""
    mark = request.node.get_closest_marker("pg_options")
    options = [f"--pgoption={o}" for o in (mark.args if mark else ())]
    version = _cluster_version()
    if shutil.which("pg_createcluster") is None or version is None:
        reason = "pg_createcluster (postgresql-common) not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    name, port = f"kcct{uuid.uuid4().hex[:8]}", _free_port()

    def ctl(action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action],
            check=True,
            capture_output=True,
            timeout=60,
        )

    subprocess.run(
        ["pg_createcluster", version, name, "-p", str(port), *options, "--", "--auth=trust"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        ctl("start")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", lambda: ctl("restart")
    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, name], capture_output=True, timeout=60)
