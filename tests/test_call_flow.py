"""The desk during a real call (issue 12): the right draft on the right call, the number of
the person actually put through, and "back at" instead of a bare "off duty"."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from desk_helpers import MONDAY_10, SIZE, build_app, settle, text_of, type_text
from kccdesk.notes.drafts import DraftStore, NoteDraft
from kccdesk.ui.screens.call import CallScreen
from kccdesk.ui.screens.draft_list import DraftList
from kccdesk.ui.screens.note_form import NoteForm
from kccdesk.ui.screens.transfer import TransferDialog

PRACTICE = "huisartsen-de-linde"
MUNI = "gemeente-oosterwold"
BIKES = "fietsenmakerij-van-dijk"


async def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return condition()


async def _open_note_for(pilot, name: str) -> NoteForm:
    await pilot.press("f7")
    await settle(pilot)
    await type_text(pilot, name)
    await pilot.press("f6")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, NoteForm)
    return form


async def test_a_new_call_never_gets_the_previous_callers_note(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_note_for(pilot, "hatice kaya")
        await type_text(pilot, "Piet Pieters")
        await pilot.press("escape")
        await settle(pilot)
        # The same call: F6 carries on with what was typed.
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.current().caller_name == "Piet Pieters"
        await pilot.press("escape")
        await settle(pilot)
        # A new call, another person: an empty form for that person.
        form = await _open_note_for(pilot, "mark jansen")
        draft = form.current()
        assert (draft.recipient, draft.caller_name) == ("mjansen", "")
        await type_text(pilot, "Anna de Vries")
        await pilot.press("escape")
        await settle(pilot)
        # Both unfinished notes are kept and listed (F12), newest first.
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, DraftList)
        assert [(d.recipient, d.caller_name) for d in listing.drafts] == [
            ("mjansen", "Anna de Vries"),
            ("hkaya", "Piet Pieters"),
        ]
        await pilot.press("down", "enter")
        await settle(pilot)
        resumed = app.screen
        assert isinstance(resumed, NoteForm)
        assert (resumed.current().recipient, resumed.current().caller_name) == (
            "hkaya",
            "Piet Pieters",
        )
        await pilot.press("f8")  # once: only asks (on the call screen F8 is all clients)
        await settle(pilot)
        assert isinstance(app.screen, NoteForm)
        assert any("Nog eens F8" in n.message for n in app._notifications)
        await pilot.press("f8")  # twice: discarded on purpose
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert [d.caller_name for d in app.drafts.all()] == ["Anna de Vries"]


async def test_a_screen_pop_starts_an_empty_note_with_the_callers_number(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await _open_note_for(pilot, "hatice kaya")
        await type_text(pilot, "Piet Pieters")
        # The phone rings while the form is open: it is kept as a draft, and said so.
        reply = app.incoming_call("+31205551234", "0612345678")
        await settle(pilot)
        assert reply["ok"] and isinstance(app.screen, CallScreen)
        assert any("bewaard als concept" in n.message for n in app._notifications)
        await type_text(pilot, "hatice kaya")
        await pilot.press("f6")
        await settle(pilot)
        draft = app.screen.current()
        assert (draft.caller_name, draft.phone) == ("", "06 12 34 56 78")


@pytest.mark.parametrize("caller_id", ["anonymous", "12", "+", "0031", "0612"])
async def test_a_caller_id_that_is_no_number_is_not_kept_as_one(demo_store, caller_id):
    """The phone's caller id goes into the call log and the note form only as a valid
    number; "anonymous", an extension or garbage is no number to call back."""
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        reply = app.incoming_call("+31205551234", caller_id)
        await settle(pilot)
        assert reply == {"ok": True, "client": PRACTICE, "caller": ""}
        assert app.screen.call.caller == ""
        await type_text(pilot, "hatice kaya")
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.current().phone == ""


def test_drafts_of_a_running_desk_are_not_offered_to_another(tmp_path):
    store = DraftStore(tmp_path)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout  # fmt: skip
        live = NoteDraft("c", caller_name="van de andere desk", desk=other.pid)
        crashed = NoteDraft("c", caller_name="van een gecrashte desk", desk=int(dead))
        store.save(live)
        store.save(crashed)
        assert [d.caller_name for d in store.left_behind()] == ["van een gecrashte desk"]
        assert {d.caller_name for d in store.all()} == {
            "van de andere desk",
            "van een gecrashte desk",
        }
    finally:
        other.kill()
        other.wait()


def test_a_crashed_desks_drafts_are_offered_when_its_pid_now_belongs_to_another_process(
    tmp_path,
):
    """The desk that wrote the draft died and its pid was given to a new process (here: a
    live process under the same pid, with another start time): the draft is offered."""
    from kccdesk.notes.drafts import process_started

    store = DraftStore(tmp_path)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        started = process_started(other.pid)
        assert started  # Linux says when a process started
        running = NoteDraft("c", caller_name="loopt nog", desk=other.pid, desk_started=started)
        reused = NoteDraft(
            "c", caller_name="van de gecrashte", desk=other.pid, desk_started=str(int(started) - 1)
        )
        store.save(running)
        store.save(reused)
        assert [d.caller_name for d in store.left_behind()] == ["van de gecrashte"]
    finally:
        other.kill()
        other.wait()


def test_drafts_of_an_earlier_process_under_this_pid_are_offered(tmp_path):
    """A crashed desk's pid reused by this very desk: not mistaken for this desk's own."""
    from kccdesk.notes.drafts import this_desk

    store = DraftStore(tmp_path)
    pid, started = this_desk()
    store.save(NoteDraft("c", caller_name="eerder", desk=pid, desk_started=str(int(started) - 5)))
    store.save(NoteDraft("c", caller_name="van nu", desk=pid, desk_started=started))
    assert {d.caller_name for d in store.left_behind()} == {"eerder", "van nu"}


def test_drafts_are_private_and_purged_with_retention(tmp_path):
    old_umask = os.umask(0)
    try:
        store = DraftStore(tmp_path)
        old = NoteDraft(
            "c", caller_name="oud", saved_at=(MONDAY_10 - timedelta(days=91)).isoformat()
        )
        new = replace(old, id="n" * 32, caller_name="nieuw", saved_at=MONDAY_10.isoformat())
        store.save(old)
        store.save(new)
        assert oct(os.stat(store.directory / f"{old.id}.json").st_mode & 0o777) == "0o600"
        assert store.purge(MONDAY_10 - timedelta(days=90)) == 1
        assert [d.caller_name for d in store.all()] == ["nieuw"]
    finally:
        os.umask(old_umask)


async def test_the_alternative_put_through_is_what_the_detail_pane_shows(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "sanne bakker")
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        await pilot.press("enter")  # the replacement, dr. Mark Jansen
        await settle(pilot)
        detail = text_of(app, "#detail")
        assert "dr. Mark Jansen" in detail and "020 555 12 41" in detail
        assert "Sanne Bakker" not in detail
        await pilot.press("f6")  # a note now is for the person put through, as shown
        await settle(pilot)
        assert app.screen.current().recipient == "mjansen"


async def test_off_duty_says_when_they_are_back(demo_store):
    lunch = MONDAY_10.replace(hour=12, minute=46)
    app = build_app(demo_store.url, MUNI, now=lunch)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "ilse bakker")
        assert "geen dienst — weer in dienst om 13:00" in text_of(app, "#detail")
        await pilot.press("f5")
        await settle(pilot)
        assert "Weer in dienst om 13:00." in text_of(app, "#transfer-problem")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert "weer in dienst om 13:00 en ziet de notitie dan" in text_of(app, "#recipient-status")


def _burst(app, keys: str | list[str]) -> None:
    """Post key events at once, as a terminal delivers a paste, a text expander or a slow
    SSH/WSL link: no waiting in between (Pilot.press waits for idle after every key)."""
    from textual import events

    for key in keys:
        char = key if len(key) == 1 else {"tab": "\t", "space": " "}.get(key)
        app.post_message(events.Key(key, char))


async def test_keys_typed_ahead_land_in_the_field_they_were_typed_for(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hatice kaya")
        await pilot.press("f6")
        await settle(pilot)
        _burst(app, [*"Anna", "tab", *"0611223344", "tab", *"Graag terugbellen"])
        await settle(pilot)
        draft = app.screen.current()
        assert (draft.caller_name, draft.phone, draft.message) == (
            "Anna",
            "0611223344",
            "Graag terugbellen",
        )


async def test_a_refused_note_alerts_counts_and_can_go_to_someone_else(demo_store):
    from kccdesk.core.settings import Settings, SmtpSettings
    from kccdesk.ui.factory import make_app
    from test_delivery import Inbox, Server

    inbox = Inbox()
    inbox.refuse.add("lisa@fietsenvandijk.example.nl")
    server = Server(inbox)
    server.start()
    try:
        mail = SmtpSettings("127.0.0.1", server.port, "none", sender="kcc@example.nl", timeout=5)
        settings = Settings(agent="Sanne", smtp=mail)
        app = make_app(
            demo_store.url, clock=lambda: MONDAY_10, client_id=PRACTICE, settings=settings
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.desk.add_note(BIKES, "lisa", "Piet", "0612345678", "Offerte bakfiets")
            app.wake_sender()
            assert await _wait_for(lambda: len(app.failed) == 1)
            await settle(pilot)
            assert "1 notitie(s) niet verstuurd" in text_of(app, "#call-header")
            alerts = [n.message for n in app._notifications if "NIET verstuurd" in n.message]
            assert len(alerts) == 1 and "550" in alerts[0]
            # F9 during a call of another client: the form, and Esc back to that call's client
            await pilot.press("f9")
            await settle(pilot)
            assert isinstance(app.screen, NoteForm)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen.client_id == PRACTICE
            assert "Huisartsen" in text_of(app, "#call-header")
            await pilot.press("f9")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, NoteForm)
            assert "Vorige poging mislukt" in text_of(app, "#resend-reason")
            form.query_one("#recipient").value = "kees"
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert await _wait_for(lambda: len(inbox.messages) == 1)
            assert await _wait_for(lambda: not app.failed)
            # the server has the mail before the sender has written down that it was sent
            assert await _wait_for(
                lambda: {n.status for n in demo_store.notes() if n.recipient == "kees"} == {"sent"}
            )
            await settle(pilot)
            assert "niet verstuurd" not in text_of(app, "#call-header")
        statuses = sorted((n.recipient, n.status) for n in demo_store.notes())
        assert statuses == [("kees", "sent"), ("lisa", "replaced")]
        assert inbox.messages[0]["To"] == "kees@fietsenvandijk.example.nl"
    finally:
        server.stop()


async def test_without_mail_set_up_the_notes_say_so(demo_store):
    app = build_app(demo_store.url, BIKES)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.desk.add_note(BIKES, "lisa", "Piet", "0612345678", "Offerte bakfiets")
        app.notes_changed.publish(None)
        await settle(pilot)
        notes = text_of(app, "#notes")
        assert "Mail is niet ingesteld" in notes and "bewaard, niet gemaild" in notes


async def test_greeting_follows_the_part_of_the_day_and_the_header_says_closed(demo_store):
    afternoon = MONDAY_10.replace(hour=12, minute=40)
    app = build_app(demo_store.url, MUNI, now=afternoon)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Goedemiddag, gemeente Oosterwold" in text_of(app, "#call-header")
    christmas = MONDAY_10.replace(month=12, day=25)
    app = build_app(demo_store.url, MUNI, now=christmas)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "VANDAAG GESLOTEN" in text_of(app, "#call-header")


async def test_first_start_without_a_name_asks_once_and_saves_it(demo_store, tmp_path):
    import tomllib

    from kccdesk.core import locations
    from kccdesk.core.settings import Settings
    from kccdesk.ui.factory import make_app
    from kccdesk.ui.screens.agent_name import AgentNameDialog

    locations.config_file().write_text('retention_days = 30\n\n[smtp]\nhost = "x"\n')
    app = make_app(demo_store.url, clock=lambda: MONDAY_10, client_id=BIKES, settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentNameDialog)
        field = app.screen.query_one("#agent-name")
        field.value = ""
        await type_text(pilot, "Marieke")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert "u spreekt met Marieke" in text_of(app, "#call-header")
    saved = tomllib.loads(locations.config_file().read_text())
    assert saved == {"agent": "Marieke", "retention_days": 30, "smtp": {"host": "x"}}
    assert oct(os.stat(locations.config_file()).st_mode & 0o777) == "0o600"


async def test_the_command_palette_speaks_dutch(demo_store):
    app = build_app(demo_store.url, BIKES)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Desk: afsluiten" in titles and "Gesprek: Doorverbinden" in titles
        assert not [t for t in titles if t in ("Quit", "Theme", "Keys", "Screenshot")]


async def test_a_burst_that_starts_with_f6_or_f7_lands_where_it_was_meant(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hatice kaya")
        _burst(app, ["f6", *"Anna"])  # the letters right behind F6 are the caller's name
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        draft = form.current()
        assert (draft.recipient, draft.caller_name) == ("hkaya", "Anna")
        assert app.screen_stack[-2].query_one("#search").value == "hatice kaya"
        await pilot.press("escape")
        await settle(pilot)
        _burst(app, ["f7", *"karin"])
        await settle(pilot)
        assert app.screen.query_one("#search").value == "karin"


async def test_the_form_counts_the_message_and_says_how_much_is_too_much(demo_store):
    """A pasted message beyond 4,000 characters: the label counts it in red while typing,
    Ctrl+S refuses it with the reason, and what was typed stays (the draft too)."""
    from textual.widgets import Input, TextArea

    from kccdesk.ui.plain import Label

    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_note_for(pilot, "hatice kaya")
        label = form.query_one("#message-label", Label)
        assert str(label.render()) == "Bericht  0/4000"
        form.query_one("#caller-name", Input).value = "Piet Pieters"
        form.query_one("#phone", Input).value = "0612345678"
        form.query_one("#message", TextArea).text = "x" * 4010
        await settle(pilot)
        assert str(label.render()) == "Bericht  4010/4000 — 10 tekens te veel"
        assert label.has_class("over-limit")
        assert str(form.query_one("#caller-label", Label).render()) == "Naam beller"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "te lang" in text_of(app, "#form-error")
        assert len(app.drafts.all()[0].message) == 4010
        form.query_one("#message", TextArea).text = "x" * 4000
        await settle(pilot)
        assert not label.has_class("over-limit")


async def test_the_urgent_box_says_yes_or_no_in_words(demo_store):
    """Issue 23: the "Dringend" box looked the same on and off; now its words differ."""
    from textual.widgets import Checkbox

    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hatice kaya")
        await pilot.press("f6")
        await settle(pilot)
        box = app.screen.query_one("#urgent", Checkbox)
        assert "nee" in str(box.label)
        box.focus()
        await pilot.press("space")
        await settle(pilot)
        assert "DRINGEND — ja" in str(box.label)
        assert app.screen.current().urgency == "dringend"


async def test_a_failed_note_of_before_the_start_is_counted_not_alerted(demo_store):
    """The alert of a refused note covered the detail panel at every start; a note refused
    before the desk started is counted in the header (F9), not alerted again."""
    from kccdesk.service.desk import Desk

    note = Desk(demo_store, clock=lambda: MONDAY_10).add_note(
        PRACTICE, "hkaya", "Piet", "0612345678", "Bel terug"
    )
    from sqlalchemy import update

    from kccdesk.storage.tables import callback_note

    with demo_store.engine.begin() as connection:  # as a sender of an earlier day left it
        connection.execute(
            update(callback_note)
            .where(callback_note.c.id == note.id)
            .values(status="failed", last_error="550 mailbox onbekend")
        )
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        assert await _wait_for(lambda: len(app.failed) == 1)
        await settle(pilot)
        assert [n.id for n in app.failed] == [note.id]
        assert "1 notitie(s) niet verstuurd" in text_of(app, "#call-header")
        assert not any("NIET verstuurd" in n.message for n in app._notifications)


async def test_esc_and_the_next_name_in_one_burst_search_for_that_name(demo_store):
    """tmux review of issue 23: Esc then at once "piet" left the search empty: Esc was a
    binding of the panel, run after the letters behind it were already in the field."""
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "kees")
        _burst(app, ["escape", *"kaya"])
        await settle(pilot)
        assert app.screen.search.value == "kaya"
        assert "Kaya" in app.screen.hits[0].entry.title
        _burst(app, [*"x", "escape", "escape", *"ka"])
        await settle(pilot)
        assert app.screen.search.value == "ka"


async def test_notes_waiting_on_an_unreachable_mail_server_are_counted_in_the_header(demo_store):
    """Edge review of issue 23: with the mail server down every note sat queued and the
    header said nothing until, tries later, one failed. A note queued again after an
    attempt that did not get through is counted at once, and the count goes when it is
    sent."""
    from datetime import timedelta

    from kccdesk.core.settings import Settings, SmtpSettings
    from kccdesk.ui.factory import make_app
    from test_delivery import Inbox, Server

    inbox = Inbox()
    server = Server(inbox)  # its port, with nothing listening yet
    now = [MONDAY_10]
    mail = SmtpSettings("127.0.0.1", server.port, "none", sender="kcc@example.nl", timeout=2)
    app = make_app(
        demo_store.url,
        clock=lambda: now[0],
        client_id=PRACTICE,
        settings=Settings(agent="Sanne", smtp=mail),
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.desk.add_note(BIKES, "lisa", "Piet", "0612345678", "Offerte bakfiets")
            app.wake_sender()
            header = app.screen.query_one("#call-header")
            assert await _wait_for(lambda: header.delayed_notes == 1)
            await settle(pilot)
            assert "1 notitie(s) wachten op de mailserver" in text_of(app, "#call-header")
            server.start()
            now[0] = MONDAY_10 + timedelta(minutes=1)  # past the first retry's wait
            app.wake_sender()
            assert await _wait_for(lambda: len(inbox.messages) == 1)
            assert await _wait_for(lambda: header.delayed_notes == 0)
            await settle(pilot)
            assert "wachten op de mailserver" not in text_of(app, "#call-header")
    finally:
        server.stop()
