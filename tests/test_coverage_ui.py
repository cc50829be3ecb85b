"""Coverage where people look, through the real app: the duty panel's warning, the transfer
guard's note offer on a gap, the roster pane's gap days and its coverage form."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from desk_helpers import SIZE, build_app, settle, text_of
from kccdesk.clients.model import Coverage
from kccdesk.core.settings import Settings
from kccdesk.duty.roster import duty_at
from kccdesk.ui.factory import make_app
from kccdesk.ui.screens.roster_forms import RosterEntryForm
from kccdesk.ui.screens.transfer import TransferDialog
from kccdesk.ui.widgets.roster_pane import RosterPane

AMS = ZoneInfo("Europe/Amsterdam")
EMERGENCY = "storingsdienst-warmtenet"
#: Good Friday 2027, early: the weekday on-call night is over at 07:00, the control room is
#: closed for the holiday, and nobody is on call in the day — the demo's deliberate gap
GOOD_FRIDAY_6 = datetime(2027, 3, 26, 6, 0, tzinfo=AMS)
LEAD = Settings(agent="Sanne", user="marieke", shift_leads=("marieke",))


async def test_duty_panel_warns_of_a_gap_within_12_hours(demo_store):
    app = build_app(demo_store.url, EMERGENCY, now=GOOD_FRIDAY_6)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = text_of(app, "#duty").splitlines()[0]
        assert first == (
            "⚠ Dekkingsgat vanaf 07:00: iemand: 0 van 1 in dienst (feestdag (Goede vrijdag))"
        )


async def test_duty_panel_says_gap_now_and_nothing_when_covered(demo_store):
    app = build_app(demo_store.url, EMERGENCY, now=GOOD_FRIDAY_6.replace(hour=12))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text_of(app, "#duty").startswith("⚠ Dekkingsgat nu, tot 17:00: iemand: 0 van 1")
    quiet = build_app(demo_store.url, EMERGENCY, now=datetime(2026, 11, 25, 19, 0, tzinfo=AMS))
    async with quiet.run_test(size=SIZE) as pilot:
        await settle(pilot)
        duty = text_of(quiet, "#duty")
        assert "Dekkingsgat" not in duty
        assert "Rik Bos (neemt dienst over van Erik Mulder)" in duty


async def test_transfer_on_a_gap_offers_the_note_to_the_default_recipient(demo_store):
    app = build_app(demo_store.url, EMERGENCY, now=GOOD_FRIDAY_6.replace(hour=12))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"rik bos")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        assert app.screen.check.note_to == "meldkamer"
        assert "Dekkingsgat nu" in text_of(app, "#transfer-problem")
        assert "Meldkamer Warmtenet" in text_of(app, "#transfer-note")


async def test_roster_pane_marks_gap_days_and_lists_the_gaps(demo_store):
    app = make_app(demo_store.url, clock=lambda: GOOD_FRIDAY_6, client_id=EMERGENCY, settings=LEAD)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        pane = app.screen.query_one(RosterPane)
        title = text_of(app, "#roster-title")
        assert "⚠ Dekkingsgaten deze week: vr 07:00–17:00 (feestdag (Goede vrijdag))" in title
        headers = [str(c.label) for c in pane.query_one("#roster-week").columns.values()]
        assert headers[5] == "vr 26 ✖ ⚠"
        assert [h for h in headers if "⚠" in h] == ["vr 26 ✖ ⚠"]


async def test_roster_pane_adds_a_coverage_row(demo_store):
    app = make_app(
        demo_store.url, clock=lambda: GOOD_FRIDAY_6, client_id="huisartsen-de-linde", settings=LEAD
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("insert", *(["down"] * 4), "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RosterEntryForm) and form.kind == "coverage"
        for field, value in (("days", "za"), ("start", "08:00"), ("end", "24:00")):
            form.query_one(f"#field-{field}").value = value
        form.query_one("#field-department").value = "Balie"
        await settle(pilot)
        assert "afdeling 'Balie' bestaat niet" in text_of(app, "#roster-check")
        form.query_one("#field-department").value = "Praktijk"
        form.query_one("#field-on_closures").value = "j"
        await settle(pilot)
        assert "kan worden opgeslagen" in text_of(app, "#roster-check")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RosterEntryForm)
    saved = demo_store.load_client("huisartsen-de-linde").coverage
    assert Coverage(("sat",), time(8), None, "Praktijk", 1, on_closures=True) in saved


async def test_swapping_a_shift_takes_one_key_and_a_name(demo_store):
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=AMS)
    app = make_app(demo_store.url, clock=lambda: monday, client_id=EMERGENCY, settings=LEAD)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        pane = app.screen.query_one(RosterPane)
        index = next(
            i
            for i, e in enumerate(pane.entries)
            if e.kind == "shift"
            and e.item.person == "rbos"
            and e.item.days == ("mon", "wed", "fri")
        )
        pane.query_one("#roster-entries").highlighted = index
        pane.query_one("#roster-entries").focus()
        await pilot.press("ctrl+w")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RosterEntryForm) and form.kind == "absence"
        assert form.query_one("#field-from").value == "30-11-2026 22:00"
        assert form.query_one("#field-until").value == "01-12-2026 07:00"
        assert form.query_one("#field-covers").value == "j"
        form.query_one("#field-replaced_by").value = "shoekstra"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RosterEntryForm)
    client = demo_store.load_client(EMERGENCY)
    (swapped,) = [a for a in client.absences if a.reason == "ruil"]
    assert (swapped.person, swapped.replaced_by, swapped.covers) == ("rbos", "shoekstra", True)
    night = duty_at(client, datetime(2026, 11, 30, 23, 0, tzinfo=AMS))
    assert [d.label for d in night.on_duty] == ["Sietske Hoekstra (neemt dienst over van Rik Bos)"]


async def test_roster_pane_jumps_to_the_week_of_the_next_gap(demo_store):
    app = make_app(
        demo_store.url,
        clock=lambda: datetime(2026, 11, 23, 10, 0, tzinfo=AMS),
        client_id=EMERGENCY,
        settings=LEAD,
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        assert "Geen dekkingsgaten deze week" in text_of(app, "#roster-title")
        await pilot.press("ctrl+b")
        await settle(pilot)
        title = text_of(app, "#roster-title")
        assert "week 12 (22-03 – 28-03-2027)" in title
        assert "vr 07:00–17:00 (feestdag (Goede vrijdag))" in title
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert "week 13 (29-03 – 04-04-2027)" in text_of(app, "#roster-title")


async def test_f1_lists_the_roster_pane_keys_while_it_is_open(demo_store):
    app = make_app(demo_store.url, clock=lambda: GOOD_FRIDAY_6, client_id=EMERGENCY, settings=LEAD)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        assert ("Ctrl+W", "Dienst ruilen") not in app.screen.rows
        assert app.screen.rows[0][0] == "F2 / Ctrl+F"
        await pilot.press("escape", "f10")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert ("Ctrl+W", "Dienst ruilen") in app.screen.rows
        assert ("Ctrl+B", "Volgend gat") in app.screen.rows
