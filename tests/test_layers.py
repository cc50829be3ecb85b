"""The layers stay apart: nothing outside the interface loads Textual or Rich, the domain
loads no database layer, and the mail sender works without SQLAlchemy. Every module is
checked, found by walking the package, so a new module cannot slip past."""

import pkgutil
import subprocess
import sys

import kccdesk

#: the service, command line and storage may use the database layer; nothing else may
MAY_USE_DATABASE = (
    "kccdesk.service.desk",
    "kccdesk.cli.main",
    "kccdesk.storage",
    "kccdesk.__main__",
)


def _modules() -> list[str]:
    found = []
    for info in pkgutil.walk_packages(kccdesk.__path__, "kccdesk."):
        name = info.name
        if name == "kccdesk.__main__" or name.startswith(
            ("kccdesk.ui", "kccdesk.storage.migrations")
        ):
            continue
        found.append(name)
    return sorted(found)


def _loaded_after_import(modules: list[str], packages: tuple[str, ...]) -> str:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {packages!r})\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_walk_finds_the_modules_that_matter():
    names = _modules()
    for expected in ("kccdesk.duty.rules", "kccdesk.calls.transfers", "kccdesk.storage.notes"):
        assert expected in names


def test_nothing_outside_the_interface_imports_textual_or_rich():
    assert _loaded_after_import(_modules(), ("textual", "rich")) == ""


def test_the_domain_does_not_load_the_database_layer():
    domain = [m for m in _modules() if not m.startswith(MAY_USE_DATABASE)]
    assert "kccdesk.notes.delivery" in domain and "kccdesk.records" in domain
    assert _loaded_after_import(domain, ("sqlalchemy", "sqlmodel", "alembic", "psycopg")) == ""
