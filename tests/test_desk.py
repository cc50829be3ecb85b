"""The live-call desk, driven through the real app with Pilot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desk_helpers import MONDAY_10, SIZE, build_app, fill_note, settle, text_of, type_text
from kccdesk.ui.screens.call import CallScreen
from kccdesk.ui.screens.client_switcher import ClientSwitcher
from kccdesk.ui.screens.draft_list import DraftList
from kccdesk.ui.screens.help import HelpScreen
from kccdesk.ui.screens.note_form import NoteForm
from kccdesk.ui.screens.transfer import TransferDialog

MUNI = "gemeente-oosterwold"
MONDAY_16_55 = MONDAY_10.replace(hour=16, minute=55)
PRACTICE = "huisartsen-de-linde"


async def test_call_screen_shows_client_greeting_instructions_and_focuses_search(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert app.focused.id == "search"
        header = text_of(app, "#call-header")
        assert "Gemeente Oosterwold" in header and "u spreekt met Sanne" in header
        assert "Nooit doorverbinden naar de burgemeester" in text_of(app, "#instructions-text")
        topics = text_of(app, "#topics")
        assert "Gladheidsbestrijding" in topics and "verkiezingen" not in topics.lower()
        assert "Nu in dienst (ma 10:00)" in text_of(app, "#duty")


async def test_misspelt_search_finds_the_person_and_shows_details(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "frontofice burgerzkn")
        screen = app.screen
        assert screen.hits[0].entry.id == "frontoffice"
        detail = text_of(app, "#detail")
        assert "Frontoffice Burgerzaken" in detail
        assert "dienst tot 12:30" in detail  # Monday 10:00: until the lunch break
        assert "0412 40 00 00" in detail
        await pilot.press("down")
        await settle(pilot)
        assert screen.selected is screen.hits[1]


async def test_transfer_to_on_duty_person_is_logged(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "frontoffice")
        await pilot.press("f5")
        await settle(pilot)
        assert not isinstance(app.screen, TransferDialog)
        (call,) = demo_store.calls(MUNI)
        assert (call.outcome, call.transferred_to, call.warnings_overridden) == (
            "transferred",
            "frontoffice",
            "",
        )


async def test_transfer_to_off_duty_person_offers_alternative_and_logs_override_after_confirm(
    demo_store,
):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "mohamed van beek")
        assert app.screen.selected.entry.id == "mvanbeek"
        await pilot.press("f5")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TransferDialog)
        assert "Mohamed van Beek is afwezig (vakantie)" in text_of(app, "#transfer-problem")
        assert dialog.check.alternatives, "someone of Bestuur is on duty"
        first = app.desk.client(MUNI).person(dialog.check.alternatives[0].person)
        assert first.department == "Bestuur"
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        assert "Toch doorverbinden met Mohamed van Beek" in text_of(app, "#transfer-hint")
        assert demo_store.calls(MUNI) == []  # nothing logged before the confirmation
        await pilot.press("enter")  # no reason yet: refused, and said
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        assert "Eerst een reden" in text_of(app, "#transfer-hint")
        await type_text(pilot, "beller zegt spoed, geen ander nummer")  # "n" answers nothing
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        (call,) = demo_store.calls(MUNI)
        assert call.transferred_to == "mvanbeek"
        assert "afwezig t/m 27-11-2026" in call.warnings_overridden
        assert "reden: beller zegt spoed, geen ander nummer" in call.warnings_overridden


async def test_transfer_dialog_picks_the_alternative_with_enter(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "sanne bakker")
        await pilot.press("f5")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TransferDialog)
        assert "afwezig (zwangerschapsverlof)" in text_of(app, "#transfer-problem")
        assert dialog.check.alternatives[0].person == "mjansen"  # the replacement comes first
        first = str(dialog.query_one("#transfer-options").get_option_at_index(0).prompt)
        number = dialog.client.person("mjansen").phone
        from kccdesk.clients.phones import display

        assert display(number, "NL") in first  # to put through by hand (issue 23)
        await pilot.press("enter")
        await settle(pilot)
        (call,) = demo_store.calls(PRACTICE)
        assert (call.transferred_to, call.warnings_overridden) == ("mjansen", "")


async def test_note_with_invalid_number_cannot_be_saved(demo_store):
    app = build_app(demo_store.url, "fietsenmakerij-van-dijk")
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "lisa")
        await pilot.press("f6")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        assert form.current().recipient == "lisa"
        await type_text(pilot, "Piet Jansen")
        await pilot.press("tab")
        await type_text(pilot, "06 1234")
        assert "te weinig cijfers voor een mobiel nummer" in text_of(app, "#phone-check")
        await pilot.press("tab")
        await type_text(pilot, "Wil offerte bakfiets")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteForm)
        assert demo_store.notes() == []
        assert "terugbelnummer is nog niet geldig" in text_of(app, "#form-error")
        assert app.focused is form.query_one("#phone")
        # Correct the number: now it saves, in E.164, and shows in today's list.
        phone = form.query_one("#phone")
        phone.value = "06 1234 5678"
        await settle(pilot)
        assert "06 12 34 56 78" in text_of(app, "#phone-check")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        (note,) = demo_store.notes()
        assert (note.recipient, note.caller_phone, note.agent) == ("lisa", "+31612345678", "Sanne")
        assert "Piet Jansen" in text_of(app, "#notes")
        assert app.drafts.all() == []


async def test_absent_recipient_is_replaced_with_one_key(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "sanne bakker")
        await pilot.press("f6")
        await settle(pilot)
        form = app.screen
        assert "dr. Sanne Bakker is afwezig" in text_of(app, "#recipient-status")
        assert "dr. Mark Jansen" in text_of(app, "#recipient-status")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert form.current().recipient == "mjansen"
        # Issue 23: the note keeps for whom it was meant, and the form says so.
        status = text_of(app, "#recipient-status")
        assert "Voor huisarts dr. Sanne Bakker, via waarnemend huisarts dr. Mark Jansen" in status
        await fill_note(pilot, "Els", "020 123 4567", "Uitslag bloedonderzoek")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (note,) = demo_store.notes()
        assert note.recipient == "mjansen" and note.override == ""
        assert note.addressed_to == "sbakker"


async def test_saving_for_absent_recipient_asks_and_keep_is_logged(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "sanne bakker")
        await pilot.press("f6")
        await settle(pilot)
        await fill_note(pilot, "Els", "0201234567", "Persoonlijk")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "vervanger: dr. Mark Jansen" in text_of(app, "#absent-text")
        assert demo_store.notes() == []
        await pilot.press("k")
        await settle(pilot)
        (note,) = demo_store.notes()
        assert note.recipient == "sbakker" and "afwezig" in note.override


async def test_draft_survives_stopping_the_app_and_comes_back(demo_store):
    app = build_app(demo_store.url, "fietsenmakerij-van-dijk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await fill_note(pilot, "Karel", "06 98765432", "Ketting loopt eraf")
    # The app is gone without saving; a new desk on the same database offers the draft.
    again = build_app(demo_store.url, "gemeente-oosterwold")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, DraftList)
        assert "Ketting loopt eraf" in str(
            again.screen.query_one("#draft-options").get_option_at_index(0).prompt
        )
        await pilot.press("enter")
        await settle(pilot)
        form = again.screen
        assert isinstance(form, NoteForm)
        draft = form.current()
        assert (draft.client, draft.recipient, draft.caller_name, draft.phone, draft.message) == (
            "fietsenmakerij-van-dijk",
            "kees",
            "Karel",
            "06 98765432",
            "Ketting loopt eraf",
        )
        assert again.screen_stack[-2].client_id == "fietsenmakerij-van-dijk"


async def test_client_switcher_finds_client_by_digits_of_its_line(demo_store):
    app = build_app(demo_store.url, "fietsenmakerij-van-dijk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ClientSwitcher)
        await type_text(pilot, "0503001")
        assert [c.id for c in app.screen.found] == ["storingsdienst-warmtenet"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.client_id == "storingsdienst-warmtenet"
        assert "Storingsdienst Warmtenet Noord" in text_of(app, "#call-header")
        await pilot.press("ctrl+k")
        await type_text(pilot, "kempnhout")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.client_id == "gemeente-kempenhout"


async def test_every_action_is_in_the_palette_and_help(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in ("Zoeken", "Klant", "Dienst", "Doorverbinden", "Notitie"):
            assert f"Gesprek: {action}" in titles
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)


async def test_the_palette_its_footer_key_and_its_messages_are_dutch(demo_store):
    from textual.command import CommandInput, CommandList
    from textual.widgets._footer import FooterKey

    from kccdesk import texts
    from kccdesk.ui.palette import DeskPalette

    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        palette_key = [k for k in app.screen.query(FooterKey) if k.action == "command_palette"]
        assert [k.description for k in palette_key] == [texts.KEY_PALETTE]
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Desk: toetsenhulp" not in titles and "Keys" not in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, DeskPalette)
        assert app.screen.query_one(CommandInput).placeholder == texts.PALETTE_PLACEHOLDER
        await type_text(pilot, "qqqzzz")
        await pilot.pause(DeskPalette._NO_MATCHES_COUNTDOWN + 0.2)
        await settle(pilot)
        options = app.screen.query_one(CommandList)
        shown = str(options.get_option_at_index(0).prompt.renderable)
        assert texts.PALETTE_NO_MATCHES in shown and "No matches" not in shown


async def test_search_all_clients_toggle(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await type_text(pilot, "paspoort")
        clients = {h.entry.client for h in app.screen.hits}
        assert {"gemeente-kempenhout", MUNI} <= clients


async def test_ring_from_the_softphone_switches_client_and_shows_earlier_notes(
    demo_store, demo_clients
):
    import asyncio
    import os
    import subprocess
    import sys
    import time

    from kccdesk.notes.rules import check_note

    earlier = check_note(
        demo_clients[PRACTICE],
        "assistentie",
        "Els de Wit",
        "06 1111 2222",
        "herhaalrecept",
        at=MONDAY_10 - timedelta(days=3),
    )
    demo_store.add_note(earlier, at=MONDAY_10 - timedelta(days=3))
    app = build_app(demo_store.url, "fietsenmakerij-van-dijk", now=MONDAY_10)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        deadline = time.monotonic() + 5
        while app.ring_server is None and time.monotonic() < deadline:  # listens after paint
            await asyncio.sleep(0.05)
        env = {**os.environ, "KCCDESK_DATABASE_URL": demo_store.url}
        started = time.monotonic()
        result = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "kccdesk",
                "ring",
                "--line",
                "020-5551234",
                "--caller",
                "0611112222",
                "--json",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        await settle(pilot)
        assert app.screen.client_id == PRACTICE
        assert app.focused.id == "search"
        assert "Els de Wit" in text_of(app, "#detail") and "herhaalrecept" in text_of(
            app, "#detail"
        )
        assert time.monotonic() - started < 5  # includes starting a Python process
        unknown = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "kccdesk", "ring", "--line", "+31 99 999 9999"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        assert unknown.returncode == 1 and "onbekend nummer" in unknown.stderr
        await settle(pilot)
        assert app.screen.client_id == PRACTICE
    calls = demo_store.calls(PRACTICE)
    assert calls and calls[0].caller == "+31611112222"


async def test_duty_panel_refreshes_by_itself_as_time_passes(demo_store, monkeypatch):
    import asyncio
    from datetime import timedelta

    from kccdesk.ui.screens import call

    monkeypatch.setattr(call, "DUTY_REFRESH", 0.2)
    now = [MONDAY_16_55]
    app = build_app(demo_store.url, PRACTICE)
    app.clock = lambda: now[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "dr. Mark Jansen" in text_of(app, "#duty")
        now[0] += timedelta(minutes=10)  # past 17:00: the practice's shifts have ended
        for _ in range(100):  # the panel's own timer (0.2 s here) repaints it; nothing else
            await asyncio.sleep(0.05)
            if "Niemand heeft nu dienst" in text_of(app, "#duty"):
                break
        duty = text_of(app, "#duty")
        assert "Niemand heeft nu dienst" in duty and "(ma 17:05)" in duty


async def test_enter_in_the_absent_recipient_dialog_saves_for_the_replacement(demo_store):
    """Ctrl+S for someone absent asks; Enter sends it to the replacement and saves — no
    second Ctrl+S (issue 23's review)."""
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "sanne bakker")
        await pilot.press("f6")
        await settle(pilot)
        await fill_note(pilot, "Els", "0201234567", "Uitslag")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "naar vervanger en opslaan" in app.screen.query_one(".hint").render().plain
        await pilot.press("enter")
        for _ in range(5):
            await settle(pilot)
        (note,) = demo_store.notes()
        assert (note.recipient, note.caller_name) == ("mjansen", "Els")
        assert not isinstance(app.screen, NoteForm)


async def test_the_direct_number_is_on_the_detail_panels_first_line_at_80x24(demo_store):
    """The number a transfer by hand needs must not sink below the fold (issue 23)."""
    from kccdesk.clients.phones import display

    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "bas bakker")
        first = text_of(app, "#detail").splitlines()[0]
        number = app.desk.client(MUNI).person("bbakker").phone
        assert "Bas Bakker" in first and display(number, "NL") in first


@pytest.mark.parametrize("width", [80, 120, 200])
async def test_the_footer_shows_whole_keys_that_fit_the_most_needed_first(demo_store, width):
    """Issue 23: at 120 columns F9 lost its label and F10, F12 fell off; now the footer
    holds whole keys only, the call's own first, and F1 (which lists the rest) always."""
    from textual.widgets._footer import FooterKey

    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        actions = [k.action for k in keys]
        assert {"transfer", "note", "finish_call", "help"} <= set(actions)
        assert sum(k.outer_size.width for k in keys) <= width
        for key in keys:  # every label whole: its region inside the screen
            assert key.region.right <= width, key.action
        if width >= 200:
            assert {"resend", "toggle_roster", "drafts"} <= set(actions)


async def test_long_instructions_say_there_is_more_and_scroll_with_a_key(demo_store):
    """Issue 23: at 80×24 the instructions box showed two lines and stopped mid-rule; now
    its bottom line says there is more and Ctrl+↓ reads on, the search keeping the focus."""
    from kccdesk.clientfile import parse_client
    from kccdesk.service.desk import Desk

    rules = " ".join(f"Regel {n}: notities over onderwerp {n} naar de balie." for n in range(1, 9))
    text = f'[client]\nid = "lang"\nname = "Lang"\ninstructions = "{rules}"\n'
    text += '\n[[people]]\nid = "balie"\nname = "Balie"\n'
    Desk(demo_store).import_clients([parse_client(text)])
    app = build_app(demo_store.url, "lang")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#instructions")
        assert box.max_scroll_y > 0 and "meer" in str(box.border_subtitle)
        await pilot.press("ctrl+down", "ctrl+down")
        await settle(pilot)
        assert box.scroll_y == 2
        assert app.screen.focused is app.screen.search.field  # typing goes on
        for _ in range(box.max_scroll_y):
            await pilot.press("ctrl+down")
        await settle(pilot)
        assert "meer" not in str(box.border_subtitle)


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_a_toast_never_covers_the_detail_panel(demo_store, size):
    from textual.widgets._toast import Toast

    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=size) as pilot:
        await type_text(pilot, "mulder")
        app.notify("Notitie voor Lotte Mulder opgeslagen: terugbellen op 06 12 34 56 78.")
        await settle(pilot)
        detail = app.screen.query_one("#detail-box").region
        for toast in app.query(Toast):
            assert not toast.region.overlaps(detail), (toast.region, detail)


async def test_f1_works_in_the_note_form_and_lists_its_keys(demo_store):
    from kccdesk.ui.screens.help import HelpScreen

    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hatice kaya")
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
