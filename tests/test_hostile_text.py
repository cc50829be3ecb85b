"""Text from outside is shown, never obeyed (issue 28): markup in a client file, a caller id,
a dialed line, a stored note or a roster reason shows literally and crashes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desk_helpers import MONDAY_10, SIZE, settle, type_text
from kccdesk.calls.softphone import CallEvent
from kccdesk.clientfile import parse_client
from kccdesk.storage import open_store
from kccdesk.ui.plain import OptionList, Static

#: markup Textual would obey: a closing tag with nothing open crashes, the others vanish
HOSTILE = "[/] [b]vet[/b] [@click=app.quit]klik[/] [teamleider KCC]"

RULE = "Klachten: notitie naar [teamleider KCC]; nooit doorverbinden naar [burgemeester]."

CLIENT = f"""\
[client]
id = "hostiel"
name = "Gemeente [/]Hostiel"
lines = ["+31412999000"]
greeting = "Goedemorgen [b]gemeente[/b], u spreekt met {{agent}} [/]"
instructions = "{RULE} {HOSTILE}"
opening_hours = "ma–vr [/]"
after_hours = "Spoed: [/] bel [112]"
callback_default = "jan"

[[people]]
id = "jan"
name = "Jan [/] de Vries"
role = "[b]teamleider[/b]"
department = "[KCC]"
phone = "+31612345678"
email = "jan@example.nl"

[[people]]
id = "piet"
name = "Piet [@click=app.quit]Klik[/]"
department = "[KCC]"
email = "piet@example.nl"

[[topics]]
id = "sneeuw"
title = "Sneeuw [/] [red]rood[/red]"
body = "Strooien: [/] zie [website]"

[[shifts]]
person = "jan"
days = ["mon", "tue", "wed", "thu", "fri"]
start = "08:00"
end = "17:00"

[[absences]]
person = "piet"
from = 2026-11-20
until = 2026-11-30
reason = "[/]ziek"
replaced_by = "jan"

[[closures]]
from = 2026-12-31
until = 2026-12-31
reason = "[/]oud"

[[opening]]
days = ["mon", "tue", "wed", "thu", "fri"]
start = "08:00"
end = "17:00"
"""


@pytest.fixture
def hostile_store(sqlite_url):
    store = open_store(sqlite_url)
    store.import_clients([parse_client(CLIENT)])
    yield store
    store.close()


def screen_text(app) -> str:
    """Everything the screen's static texts and option lists show, as plain text."""
    parts = []
    for widget in app.screen.query(Static):
        rendered = widget.render()
        parts.append(str(getattr(rendered, "plain", rendered)))
    for options in app.screen.query(OptionList):
        for index in range(options.option_count):
            prompt = options.get_option_at_index(index).prompt
            parts.append(str(getattr(prompt, "plain", prompt)))
    for toast in app._notifications:
        parts.append(toast.message)
    return "\n".join(parts)


def desk_app(url: str, client_id: str = "hostiel"):
    from kccdesk.core.settings import Settings
    from kccdesk.ui.factory import make_app

    settings = Settings(agent="Sanne [/]", shift_leads=("sanne",), user="sanne")
    return make_app(url, clock=lambda: MONDAY_10, client_id=client_id, settings=settings)


async def test_every_displayed_field_shows_markup_literally(hostile_store):
    app = desk_app(hostile_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "notitie naar [teamleider KCC]; nooit doorverbinden naar [burgemeester]" in shown
        assert HOSTILE in shown
        assert "Gemeente [/]Hostiel" in shown
        assert "Goedemorgen [b]gemeente[/b], u spreekt met Sanne [/] [/]" in shown
        assert "Sneeuw [/] [red]rood[/red]" in shown  # current topics

        await type_text(pilot, "jan")
        shown = screen_text(app)
        assert "Jan [/] de Vries" in shown
        assert "[b]teamleider[/b]" in shown

        await pilot.press("f4")  # the duty panel names the absent and her reason
        await settle(pilot)
        assert "Piet [@click=app.quit]Klik[/]" in screen_text(app)
        assert app.is_running

        await pilot.press("f2")
        await type_text(pilot, "piet")
        await pilot.press("f5")  # the guard: absent, with the reason and replacement
        await settle(pilot)
        shown = screen_text(app)
        assert "[/]ziek" in shown
        assert "Piet [@click=app.quit]Klik[/] is afwezig" in shown
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("f6")  # the note form's title and recipient list
        await settle(pilot)
        shown = screen_text(app)
        assert "Jan [/] de Vries" in shown or "Piet [@click=app.quit]Klik[/]" in shown
        await type_text(pilot, "Beller [/] [b]x")
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("f10")  # the roster pane: names in cells, reasons in entries
        await settle(pilot)
        shown = screen_text(app)
        assert "[/]oud" in shown or "[/]ziek" in shown
        assert app.is_running


async def test_caller_ids_and_dialed_lines_from_the_phone_are_literal(hostile_store):
    app = desk_app(hostile_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        answer = app.incoming_call("[/x]", "[/]")  # an unknown dialed line
        await settle(pilot)
        assert answer["ok"] is False
        assert any("[/x]" in toast.message for toast in app._notifications)
        # A second caller while a call is active: the header and a toast name them.
        second = CallEvent(
            "CALL_INCOMING", "c2", "sip:[/]@desk", "sip:[b]x[/b]@[/]", direction="incoming"
        )
        app.waiting_calls[second.call_id] = second
        app.show_waiting()
        app.notify(app._waiting_text(second))
        await settle(pilot)
        assert "[b]x[/b]" in screen_text(app)
        assert app.is_running


async def test_a_refused_note_with_markup_in_its_name_does_not_stop_the_desk(hostile_store):
    from kccdesk.service.desk import Desk

    desk = Desk(hostile_store, clock=lambda: MONDAY_10)
    note = desk.add_note("hostiel", "jan", "Jan [/]", "0612345678", "Bericht [/] [b]vet")
    claimed = hostile_store.claim_due(MONDAY_10 + __import__("datetime").timedelta(minutes=5))
    assert [n.id for n in claimed] == [note.id]
    hostile_store.mark_failed(note.id, "550 [/] geweigerd", MONDAY_10)
    app = desk_app(hostile_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert "550 [/] geweigerd" in screen_text(app)
        assert app.is_running


def test_a_crash_exits_non_zero_with_one_line_and_a_log(tmp_path):
    """The desk process itself, on a terminal (a pty by `script`): an unhandled error exits
    non-zero with one line naming it and a log, not a screen of traceback and not 0."""
    boom = tmp_path / "boom.py"
    boom.write_text(
        "import functools, sys\n"
        "from kccdesk.ui import app, factory\n"
        "class Boom(app.KccDeskApp):\n"
        "    def on_mount(self):\n"
        "        raise RuntimeError('kapot [/] stuk')\n"
        "factory.make_app = functools.partial(factory.make_app, app_class=Boom)\n"
        "sys.exit(factory.run_desk(demo=True))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "KCCDESK_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm"}
    env.pop("KCCDESK_DATABASE_URL", None)
    done = subprocess.run(
        ["script", "-qec", f"{sys.executable} {boom}", "/dev/null"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0, done.stdout
    lines = [line for line in done.stdout.splitlines() if "kccdesk: de desk is gestopt" in line]
    assert len(lines) == 1, done.stdout[-2000:]
    assert "RuntimeError: kapot [/] stuk" in lines[0] and "crash.log" in lines[0]
    assert "Traceback" not in done.stdout
    log = tmp_path / "data" / "crash.log"
    assert "RuntimeError: kapot [/] stuk" in log.read_text(encoding="utf-8")
    assert (log.stat().st_mode & 0o077) == 0
