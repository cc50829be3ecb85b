"""Call types in the desk (issue 24): a search hit of a type opens the note with its
questions, typed ahead in one burst; required answers block Ctrl+S with the focus on the
first missing one; an answer's rule shows at once and makes the note urgent; the answers are
in the draft on disk and in the stored note; a type typed in the form shows its questions."""

from __future__ import annotations

from desk_helpers import SIZE, build_app, settle, text_of, type_text
from kccdesk.ui.screens.note_form import NoteForm
from test_call_flow import _burst

HEAT = "storingsdienst-warmtenet"
PRACTICE = "huisartsen-de-linde"
MUNI = "gemeente-oosterwold"


async def _settled(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await settle(pilot)


async def _until_saved(app, pilot) -> None:
    """Until the note form has closed (saved), or say why it did not."""
    for _ in range(60):
        await settle(pilot)
        if not isinstance(app.screen, NoteForm):
            return
    raise AssertionError(f"not saved: {text_of(app, '#form-error')}")


async def test_geen_warmte_finds_the_type_and_f6_asks_its_questions(demo_store):
    app = build_app(demo_store.url, HEAT)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "geen warmte")
        found = [(h.kind, h.entry.id) for h in app.screen.hits]
        assert ("call_type", "storing") in found[:3], found  # beside the control room
        await pilot.press(*["down"] * found.index(("call_type", "storing")))
        await settle(pilot)
        assert "Vraagt: Straat en huisnummer*, Postcode*" in text_of(app, "#detail")
        assert "Notitie nu naar: Meldkamer Warmtenet" in text_of(app, "#detail")
        # the whole note in one burst: each answer one Tab further, Ctrl+S at the end
        keys = ["f6", *"Anna de Wit", "tab", *"0612345678", "tab", *"Dorpsstraat 12", "tab"]
        keys += [*"9711lm", "tab", *"ja", "tab", "tab", *"Geen warmte sinds vanochtend"]
        _burst(app, [*keys, "ctrl+s"])
        await _until_saved(app, pilot)
    (note,) = [n for n in demo_store.notes() if n.caller_name == "Anna de Wit"]
    assert note.call_type == "storing" and note.call_type_title == "Storing melden"
    assert note.answers == (
        ("adres", "Straat en huisnummer", "Dorpsstraat 12"),
        ("postcode", "Postcode", "9711 LM"),
        ("gaslucht", "Ruikt u gas?", "ja"),
        ("warm_water", "Nog warm water?", ""),  # not asked: kept open, for the report
    )
    assert note.urgency == "dringend"  # gas smell
    assert note.recipient == "meldkamer"  # the type's route on a Monday at 10:00


async def test_a_missing_required_answer_blocks_the_save_and_takes_the_focus(demo_store):
    app = build_app(demo_store.url, HEAT)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "storing")
        await pilot.press("f6")
        await _settled(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        _burst(app, [*"Anna", "tab", *"0612345678", "tab", *"Dorpsstraat 1", "ctrl+s"])
        await _settled(pilot)
        assert isinstance(app.screen, NoteForm)
        error = text_of(app, "#form-error")
        assert "nog niet ingevuld: Postcode, Ruikt u gas?" in error
        assert app.focused is form.query_one("#answer-1")
        # the rule's text appears as soon as the answer is typed, and Dringend is ticked
        _burst(app, [*"9711LM", "tab", *"j"])
        await _settled(pilot)
        assert "⚠ Direct 112 bellen" in text_of(app, "#answer-check-2")  # beneath the answer
        assert form.query_one("#urgent").value is True
        assert "✔ 9711 LM" in text_of(app, "#answer-check-1")
        # what was typed is on disk, answers included (a crash loses nothing)
        (draft,) = [d for d in app.drafts.all() if d.caller_name == "Anna"]
        assert draft.call_type == "storing"
        assert draft.answers["adres"] == "Dorpsstraat 1" and draft.answers["gaslucht"] == "j"
    assert not [n for n in demo_store.notes() if n.caller_name == "Anna"]


async def test_a_wrong_answer_is_said_as_typed(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "herhaalrecept")
        await pilot.press("f6")
        await _settled(pilot)
        form = app.screen
        form.query_one("#answer-0").value = "31-02-1980"
        await _settled(pilot)
        assert "bestaat niet" in text_of(app, "#answer-check-0")
        form.query_one("#answer-0").value = "01-01-2099"
        await _settled(pilot)
        assert "ligt in de toekomst" in text_of(app, "#answer-check-0")
        assert form.query_one("#recipient").value == "assistentie"  # the type's route


async def test_a_type_typed_in_the_form_shows_its_questions(demo_store):
    app = build_app(demo_store.url, HEAT)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "rik bos")
        await pilot.press("f6")
        await _settled(pilot)
        form = app.screen
        assert not form.query("#answer-0")
        form.query_one("#call-type").focus()
        await type_text(pilot, "sto")
        assert "Storing melden" in text_of(app, "#call-type-check")  # what Tab will choose
        await pilot.press("tab")
        await _settled(pilot)
        assert form.query_one("#answer-0") is not None
        assert form.query_one("#call-type").value == "Storing melden"
        assert app.focused is form.query_one("#caller-name")
        assert form.query_one("#recipient").value == "rbos"  # the agent's choice stays
        form.query_one("#call-type").focus()
        await type_text(pilot, "xyz")
        assert "geen soort" in text_of(app, "#call-type-check")
        await pilot.press("tab")
        await _settled(pilot)
        assert form.query_one("#answer-0") is not None  # the questions stay until one fits


async def test_a_type_typed_in_the_form_in_one_burst_gets_every_key_in_its_field(demo_store):
    """Review of issue 24: the keys after the type's name ran ahead of its questions, which
    only appeared later: a note without type, the address in the message."""
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = ["f6", "shift+tab", *"bez", "tab", *"Els", "tab", *"0612345673", "tab"]
        keys += [*"Z-2026-1", "tab", "tab", *"Bezwaar tegen de aanslag", "ctrl+s"]
        _burst(app, keys)
        await _until_saved(app, pilot)
    (note,) = [n for n in demo_store.notes() if n.caller_name == "Els"]
    assert (note.call_type, note.message) == ("bezwaar", "Bezwaar tegen de aanslag")
    assert note.answers[0] == ("zaaknummer", "Zaak- of aanslagnummer", "Z-2026-1")
    belastingen = {
        p.id for p in demo_store.load_client(MUNI).people if p.department == "Belastingen"
    }
    assert note.recipient in belastingen  # routed: the form's default was nobody's choice


async def test_changing_the_type_reroutes_and_undoes_the_urgency_its_answer_set(demo_store):
    app = build_app(demo_store.url, MUNI)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "lantaarnpaal")
        await pilot.press("f6")
        await _settled(pilot)
        form = app.screen
        routed = form.query_one("#recipient").value
        form.query_one("#answer-2").value = "ja"  # Gevaarlijk? ja
        await _settled(pilot)
        assert form.query_one("#urgent").value is True
        form.query_one("#answer-2").value = "nee"  # a slip corrected
        await _settled(pilot)
        assert form.query_one("#urgent").value is False
        form.query_one("#answer-2").value = "ja"
        await _settled(pilot)
        form.query_one("#call-type").focus()
        form.query_one("#call-type").value = "bezwaar"
        await pilot.press("tab")
        await _settled(pilot)
        assert form.query_one("#urgent").value is False  # the old type's rule is gone
        assert form.query_one("#recipient").value != routed  # Belastingen, not Openbare Ruimte
        # and back: the answers typed for the first type come back
        form.query_one("#call-type").focus()
        form.query_one("#call-type").value = "melding openbare ruimte"
        await pilot.press("tab")
        await _settled(pilot)
        assert form.query_one("#answer-2").value == "ja"
        assert form.query_one("#urgent").value is True


KILLED_MID_NOTE = """
import os, signal, sys
from datetime import datetime
from zoneinfo import ZoneInfo
from kccdesk.core.settings import Settings
from kccdesk.ui.factory import make_app

now = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
app = make_app(sys.argv[1], clock=lambda: now, client_id="storingsdienst-warmtenet",
               settings=Settings(agent="Sanne"))

async def typing(pilot):
    for key in [*"storing", "f6", *"Anna", "tab", *"0612345678", "tab", *"Dorpsstraat 1",
                "tab", *"9711"]:
        await pilot.press(key)
    for _ in range(20):
        await pilot.pause(0.05)
    os.kill(os.getpid(), signal.SIGKILL)  # the terminal closed, the machine froze

app.run(headless=True, size=(120, 35), auto_pilot=typing)
"""


async def test_the_answers_typed_survive_a_killed_desk_and_come_back(demo_store):
    """Nothing typed is lost: a desk killed in the middle of a call type's questions leaves
    its draft, answers included, and the next desk offers it with the answers filled in."""
    import os
    import subprocess
    import sys

    from kccdesk.ui.screens.draft_list import DraftList

    # the data directory is the test's own (conftest): the killed desk and the next share it
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_NOTE, demo_store.url], env=dict(os.environ), timeout=120
    )
    assert killed.returncode == -9
    again = build_app(demo_store.url, HEAT)
    async with again.run_test(size=SIZE) as pilot:
        await _settled(pilot)
        assert isinstance(again.screen, DraftList)
        await pilot.press("enter")
        await _settled(pilot)
        form = again.screen
        assert isinstance(form, NoteForm)
        draft = form.current()
        assert (draft.caller_name, draft.call_type) == ("Anna", "storing")
        assert draft.answers["adres"] == "Dorpsstraat 1" and draft.answers["postcode"] == "9711"
        assert form.query_one("#answer-1").value == "9711"
        assert "een Nederlandse postcode" in text_of(again, "#answer-check-1")


async def test_the_refusal_of_a_burst_shows_beneath_the_missing_answer(demo_store):
    """tmux review: after Ctrl+S at the end of a burst the reason was written beneath the
    first missing answer and wiped at once by the burst's last Changed messages."""
    app = build_app(demo_store.url, HEAT)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "storing melden")
        _burst(app, ["f6", *"Anna", "tab", *"0612345678", "tab", *"Dorpsstraat 1", "ctrl+s"])
        await _settled(pilot, 10)
        form = app.screen
        assert isinstance(form, NoteForm)
        assert app.focused is form.query_one("#answer-1")
        assert "nog niet ingevuld: Postcode" in text_of(app, "#answer-check-1")
        assert form.query_one("#answer-1").region.height  # in sight at 80x24
        await type_text(pilot, "9")
        assert "4 cijfers en 2 letters" in text_of(app, "#answer-check-1")


async def test_answers_typed_first_are_a_draft_too(demo_store):
    """Review: a form with only answers typed (the address before the name) left no draft,
    so a crash lost them."""
    app = build_app(demo_store.url, HEAT)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "storing melden")
        await pilot.press("f6")
        await _settled(pilot)
        app.screen.query_one("#answer-0").value = "Dorpsstraat 1"
        await _settled(pilot)
        (draft,) = app.drafts.all()
        assert draft.answers["adres"] == "Dorpsstraat 1"
