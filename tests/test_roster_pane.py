"""The shift lead's roster pane, driven through the real app."""

from __future__ import annotations

import asyncio
import time as clock
from datetime import time

from desk_helpers import MONDAY_10, SIZE, settle, text_of
from kccdesk.clients.model import WeeklyShift
from kccdesk.core.settings import Settings
from kccdesk.storage import open_store
from kccdesk.ui.factory import make_app
from kccdesk.ui.screens.roster_forms import HistoryDialog, KindChooser, RosterEntryForm
from kccdesk.ui.widgets.roster_pane import RosterPane
from kccdesk.ui.workers import ENDLESS

PRACTICE = "huisartsen-de-linde"
LEAD = Settings(agent="Sanne", user="marieke", shift_leads=("marieke",))


def lead_app(url, settings=LEAD, client=PRACTICE):
    return make_app(url, clock=lambda: MONDAY_10, client_id=client, settings=settings)


async def open_pane(pilot):
    await pilot.press("f10")
    await settle(pilot)
    return pilot.app.screen.query_one(RosterPane)


async def fill_shift(pilot, person_key: str, days: str, start: str, end: str):
    """In the open form: choose a person by typing, then days, start and end."""
    form = pilot.app.screen
    form.query_one("#field-person").value = person_key
    await settle(pilot)
    for field, value in (("days", days), ("start", start), ("end", end)):
        form.query_one(f"#field-{field}").value = value
        await settle(pilot)
    return form


async def test_pane_shows_the_week_with_past_midnight_shifts_and_moves_weeks(demo_store):
    app = lead_app(demo_store.url, client="storingsdienst-warmtenet")
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        assert "week 48" in text_of(app, "#roster-title")
        table = pane.query_one("#roster-week")
        rik = [str(c) for c in table.get_row("rbos")]
        # Monday: Erik Mulder's evening, taken over while he is away (covers), and Rik's own
        # night, shown on the day it starts
        assert rik[1] == "17–22 ⇄, 22–7→"
        for _ in range(5):  # back to the week of the autumn DST night (25 October 2026)
            await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "week 43" in text_of(app, "#roster-title")
        sietske = [str(c) for c in pane.query_one("#roster-week").get_row("shoekstra")]
        assert "17–7→ (15u)" in sietske[6]


async def test_adding_a_shift_updates_the_duty_panel_at_once(demo_store):
    app = lead_app(demo_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        assert "Hatice Kaya" not in text_of(app, "#duty")  # she works wed-fri
        await pilot.press("insert")
        await settle(pilot)
        assert isinstance(app.screen, KindChooser)
        await pilot.press("enter")  # the first kind: a weekly shift
        await settle(pilot)
        assert isinstance(app.screen, RosterEntryForm)
        await fill_shift(pilot, "hkaya", "ma", "09:00", "13:00")
        assert "kan worden opgeslagen" in text_of(app, "#roster-check")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RosterEntryForm)
        assert "Hatice Kaya" in text_of(app, "#duty")
        assert (
            WeeklyShift("hkaya", ("mon",), time(9), time(13))
            in demo_store.load_client(PRACTICE).shifts
        )


async def test_impossible_shift_is_refused_as_you_type_and_nothing_is_saved(demo_store):
    app = lead_app(demo_store.url)
    before = demo_store.load_client(PRACTICE).shifts
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press("insert", "enter")
        await settle(pilot)
        await fill_shift(pilot, "hkaya", "ma", "09:00", "09:00")
        assert "begin en einde zijn gelijk" in text_of(app, "#roster-check")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterEntryForm)
        await fill_shift(pilot, "hkaya", "wo", "12:00", "18:00")
        assert "overlapt met dienst wo" in text_of(app, "#roster-check")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterEntryForm)
        app.screen.query_one("#field-days").value = "maandag-dinsdag"
        await settle(pilot)
        assert "onbekende dagen" in text_of(app, "#roster-check")
    assert demo_store.load_client(PRACTICE).shifts == before


async def test_absence_with_absent_replacement_is_accepted_with_a_warning(demo_store):
    app = lead_app(demo_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press("insert", "down", "down", "enter")
        await settle(pilot)
        form = app.screen
        assert form.kind == "absence"
        form.query_one("#field-person").value = "hkaya"
        for field, value in (("from", "01-12-2026"), ("until", "05-12-2026"), ("reason", "vrij")):
            form.query_one(f"#field-{field}").value = value
        form.query_one("#field-replaced_by").value = "sbakker"
        await settle(pilot)
        check = text_of(app, "#roster-check")
        assert "kan worden opgeslagen" in check
        assert (
            "⚠ dr. Hatice Kaya afwezig en vervanger dr. Sanne Bakker ook afwezig van 01-12-2026 "
            "t/m 05-12-2026: notities gaan dan naar dr. Mark Jansen"
        ) in check
        form.query_one("#field-until").value = "30-11-2026"
        form.query_one("#field-from").value = "05-12-2026"
        await settle(pilot)
        assert "eindigt voor ze begint" in text_of(app, "#roster-check")
        # a pasted direction override: refused in the form's own word for the field
        form.query_one("#field-from").value = "01-12-2026"
        form.query_one("#field-until").value = "05-12-2026"
        form.query_one("#field-reason").value = "vrij\u202e"
        await settle(pilot)
        check = text_of(app, "#roster-check")
        assert "Reden" in check and "veld 'reason'" not in check


async def test_read_only_for_users_who_are_not_shift_leads(demo_store):
    reader = Settings(agent="Sanne", user="joost", shift_leads=("marieke",))
    app = lead_app(demo_store.url, settings=reader)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        assert "Alleen lezen: 'joost'" in text_of(app, "#roster-title")
        await pilot.press("insert")
        await settle(pilot)
        assert not isinstance(app.screen, KindChooser | RosterEntryForm)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, RosterEntryForm)


async def test_edit_is_audited_and_history_shows_it(demo_store):
    app = lead_app(demo_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press("enter")  # the first entry: dr. Bakker's weekly shift
        await settle(pilot)
        form = app.screen
        form.query_one("#field-end").value = "16:00"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, HistoryDialog)
        history = text_of(app, "#history-text")
        assert "marieke gewijzigd" in history
        # The entry as the pane lists it, in words (not "end=17:00, person=sbakker")
        assert "voor: dr. Sanne Bakker" in history and "–17:00" in history
        assert "na: dr. Sanne Bakker" in history and "–16:00" in history
        assert "person=" not in history


async def test_other_desk_sees_change_in_two_seconds_and_stale_save_is_refused(demo_store):
    app = lead_app(demo_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        deadline = clock.monotonic() + 5
        while not any(w.group == ENDLESS for w in app.workers) and clock.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await pilot.press("enter")  # open dr. Bakker's shift (version 1) for editing
        await settle(pilot)
        form = app.screen
        entry = form.entry

        def other_shift_lead() -> None:  # another desk, its own connection
            other = open_store(demo_store.url)
            item = WeeklyShift(entry.item.person, entry.item.days, entry.item.start, time(15))
            other.save_roster_entry(PRACTICE, item, "joost", entry.id, entry.version, now=MONDAY_10)
            other.close()

        await asyncio.to_thread(other_shift_lead)
        form.query_one("#field-end").value = "16:00"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterEntryForm)
        stale = "intussen gewijzigd (nu versie 2, door joost via rooster)"
        assert stale in text_of(app, "#roster-check")
        assert "15:00" in text_of(app, "#roster-check")
        # the person by name, as everywhere in the pane (edge review: "sbakker ma…")
        assert "dr. Sanne Bakker" in text_of(app, "#roster-check")
        assert "sbakker" not in text_of(app, "#roster-check")
        await pilot.press("escape")
        started = clock.monotonic()
        while clock.monotonic() - started < 2.0:
            entries = app.screen.query_one(RosterPane).entries
            if entries and entries[0].version == 2:
                break
            await asyncio.sleep(0.05)
        assert app.screen.query_one(RosterPane).entries[0].version == 2
    shifts = demo_store.load_client(PRACTICE).shifts
    assert shifts[0].end == time(15)


async def test_a_name_typed_while_the_pane_has_focus_goes_to_the_search(demo_store):
    app = lead_app(demo_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        await pilot.press(*"tandarts")
        await settle(pilot)
        assert app.screen is app.screen_stack[-1] and len(app.screen_stack) == 2
        assert app.screen.query_one("#search").value == "tandarts"


async def test_the_footer_shows_the_panes_keys_while_it_has_the_focus(demo_store):
    """The user pass at 80×24: with the roster pane open the footer still showed the call's
    keys only; the pane's own (add, remove, history) come first while it has the focus."""
    from textual.widgets._footer import FooterKey

    app = lead_app(demo_store.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        actions = [k.action for k in app.screen.query(FooterKey)]
        assert "add" in actions and "help" in actions
        assert sum(k.outer_size.width for k in app.screen.query(FooterKey)) <= 80
