"""The domain and storage never load Textual: the interface stays a layer on top."""

import subprocess
import sys

DOMAIN = [
    "kccdesk.model",
    "kccdesk.roster",
    "kccdesk.phones",
    "kccdesk.search",
    "kccdesk.notes",
    "kccdesk.clientfile",
    "kccdesk.desk",
    "kccdesk.storage",
    "kccdesk.cli",
]


def test_domain_and_storage_do_not_import_textual():
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in DOMAIN)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


#: modules that must work without the database layer loaded (the mail sender, plain records)
NO_SQL = ["kccdesk.records", "kccdesk.mail", "kccdesk.delivery", "kccdesk.snapshot"]


def test_mail_and_records_do_not_load_sqlalchemy():
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in NO_SQL)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
