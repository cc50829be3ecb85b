"""Client instructions the desk enforces (issue 17): people who are never put through, and
people whose callback notes go to someone else. Domain, command line and desk."""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest

from desk_helpers import MONDAY_10, SIZE, build_app, fill_note, settle, text_of, type_text
from kccdesk.calls.transfers import FOR_REVIEW, NEVER_TRANSFER, check_transfer
from kccdesk.clientfile import ImportErrors, parse_client
from kccdesk.duty.roster import duty_at
from kccdesk.notes.mail import compose
from kccdesk.notes.rules import check_note
from kccdesk.ui.screens.call import CallScreen
from kccdesk.ui.screens.note_form import NoteForm
from kccdesk.ui.screens.transfer import TransferDialog
from test_cli import imported, run  # noqa: F401  (fixtures)

MUNI = "gemeente-oosterwold"

HEAD = '[client]\nid = "oss"\nname = "Oss"\n\n'
PEOPLE = '[[people]]\nid = "sec"\nname = "Secretaresse"\n\n'


@pytest.mark.parametrize(
    ("person", "fragment"),
    [
        ('id = "w"\nname = "W"\nnotes_to = "nobody"', "notes_to 'nobody' bestaat niet bij oss"),
        ('id = "w"\nname = "W"\nnotes_to = "w"', "notes_to verwijst naar de persoon zelf"),
        ('id = "w"\nname = "W"\ntransfer = "nee"', "veld 'transfer' moet true of false zijn"),
    ],
)
def test_bad_redirects_are_refused_with_file_line_and_reason(person, fragment):
    with pytest.raises(ImportErrors) as caught:
        parse_client(HEAD + PEOPLE + "[[people]]\n" + person + "\n", "oss.toml")
    (error,) = caught.value.errors
    assert error.line == 9 and fragment in str(error), str(error)


def test_a_chain_of_redirects_is_refused():
    text = (
        HEAD
        + '[[people]]\nid = "a"\nname = "A"\nnotes_to = "b"\n\n'
        + '[[people]]\nid = "b"\nname = "B"\nnotes_to = "c"\n\n'
        + '[[people]]\nid = "c"\nname = "C"\n'
    )
    with pytest.raises(ImportErrors) as caught:
        parse_client(text, "oss.toml")
    (error,) = caught.value.errors
    assert "notes_to 'b' stuurt zelf door naar 'c'" in str(error) and error.line == 5


def test_guard_stops_a_never_transfer_person_even_on_duty(demo_clients):
    muni = demo_clients[MUNI]
    status = duty_at(muni, MONDAY_10)
    check = check_transfer(muni, "wmulder", status)
    assert (check.allowed, check.rule, check.note_to) == (False, NEVER_TRANSFER, "mprins")
    # The secretary first; never another alderman, never someone of another department.
    assert [a.person for a in check.alternatives] == ["mprins", "ibakker"]
    with pytest.raises(ValueError):
        check.override_warning("")
    assert check.override_warning("spoed").startswith(f"{FOR_REVIEW}: klantregel")


def test_note_for_a_redirected_person_goes_to_the_target_and_the_mail_names_both(demo_clients):
    muni = demo_clients[MUNI]
    note = check_note(muni, "wmulder", "Piet", "0612345678", "Over de rotonde", at=MONDAY_10)
    assert (note.recipient, note.addressed_to) == ("mprins", "wmulder")


def test_cli_note_add_stores_the_secretary_and_says_so(imported):  # noqa: F811
    added = imported(
        "note", "add", "--client", MUNI, "--to", "wmulder", "--name", "Piet",
        "--phone", "0612345678", "--message", "Over de rotonde",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "opgeslagen voor mprins (voor wmulder; volgens afspraak" in added.stdout
    (listed,) = json.loads(imported("note", "list", "--json").stdout)
    assert (listed["recipient"], listed["addressed_to"]) == ("mprins", "wmulder")


def test_mail_of_a_redirected_note_names_the_person_asked_for(demo_store, demo_clients):
    muni = demo_clients[MUNI]
    note = check_note(muni, "wmulder", "Piet", "0612345678", "Over de rotonde", at=MONDAY_10)
    record = demo_store.add_note(note, at=MONDAY_10)
    mail: EmailMessage = compose(record, muni, "kcc@example.nl")
    assert mail["To"] == "mprins@oosterwold.example.nl"
    assert "Bestemd voor Wouter Mulder" in mail.get_content()


async def test_desk_stops_the_transfer_offers_the_note_and_logs_the_attempt(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "wethoder mulder")
        assert "⛔ niet doorverbinden" in str(
            app.screen.query_one("#results").get_option_at_index(0).prompt
        )
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        assert "wordt nooit doorverbonden" in text_of(app, "#transfer-problem")
        assert "Mirjam Prins" in text_of(app, "#transfer-note")
        await pilot.press("f6")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        # Drafted for the alderman, going to the secretary: for whom it was meant is kept.
        assert form.current().recipient == "wmulder"
        assert "via" in text_of(app, "#recipient-status")
        await type_text(pilot, "Piet")
        await pilot.press("tab")
        await type_text(pilot, "0612345678")
        await pilot.press("tab")
        await type_text(pilot, "Over de rotonde")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (note,) = [n for n in demo_store.notes(MUNI) if n.caller_name == "Piet"]
        assert (note.recipient, note.addressed_to) == ("mprins", "wmulder")
        await pilot.press("f7")  # the call ends: the stopped attempt is in its log
        await settle(pilot)
    first_call = demo_store.calls(MUNI)[-1]  # the F7 call after it is logged at exit too
    assert first_call.stopped == "wmulder: " + NEVER_TRANSFER
    assert first_call.transferred_to is None


async def test_overriding_a_client_rule_needs_a_typed_reason(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "wouter mulder")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")  # no reason yet: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        await type_text(pilot, "burgemeester belt zelf")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
    calls = demo_store.calls(MUNI)
    assert [c.transferred_to for c in calls] == ["wmulder"]
    assert calls[0].warnings_overridden.startswith(FOR_REVIEW)
    assert "reden: burgemeester belt zelf" in calls[0].warnings_overridden


async def test_note_form_says_for_whom_and_via_whom(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "wouter mulder")
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, NoteForm)
        status = text_of(app, "#recipient-status")
        assert "Voor wethouder Wouter Mulder, via bestuurssecretaresse Mirjam Prins" in status
        await fill_note(pilot, "Piet", "0612345678", "Over de rotonde")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (note,) = demo_store.notes()
    assert (note.recipient, note.addressed_to) == ("mprins", "wmulder")


async def test_overrides_are_listed_for_the_shift_lead(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "wouter mulder")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "burgemeester belt zelf")
        await pilot.press("enter")
        await settle(pilot)
    found = app.desk.overrides(MUNI)
    assert [(o.kind, o.agent) for o in found] == [("doorverbonden", "Sanne"), ("gestopt", "Sanne")]
    assert "reden: burgemeester belt zelf" in found[0].text


async def test_the_reason_for_overriding_a_rule_is_typed_in_sight_at_80x24(demo_store):
    """F5 on a never-transfer person, then t: the reason field shows, with the focus, inside
    the dialog's visible area, at the smallest terminal (issue 23)."""
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "wouter mulder")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        reason = dialog.query_one("#transfer-reason")
        assert reason.display and dialog.focused is reason
        box = dialog.query_one("#transfer-dialog").region
        assert reason.region.height > 0 and box.contains_region(reason.region)
        await type_text(pilot, "burgemeester")
        assert reason.value == "burgemeester"
