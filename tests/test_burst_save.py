"""The call under pressure (issue 23): a note typed in one burst, Ctrl+S included, is saved."""

from __future__ import annotations

from desk_helpers import build_app, settle, type_text
from kccdesk.ui.screens.note_form import NoteForm
from test_call_flow import PRACTICE, _burst


async def test_ctrl_s_at_the_end_of_a_burst_saves_the_note(demo_store):
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=(120, 35)) as pilot:
        await type_text(pilot, "hatice kaya")
        _burst(
            app,
            ["f6", *"Anna", "tab", *"0611223344", "tab", *"Graag terugbellen", "ctrl+s"],
        )
        for _ in range(50):
            await settle(pilot)
            if not isinstance(app.screen, NoteForm):
                break
        assert not isinstance(app.screen, NoteForm), "Ctrl+S in the burst was lost"
        saved = [n for n in demo_store.notes() if n.caller_name == "Anna"]
        assert [(n.caller_phone, n.message) for n in saved] == [
            ("+31611223344", "Graag terugbellen")
        ]


async def _burst_settled(app, pilot, keys: list[str]) -> None:
    _burst(app, keys)
    for _ in range(10):
        await settle(pilot)


async def test_editing_keys_in_a_burst_act_in_the_order_typed(demo_store):
    """Backspace, Delete, the arrows, Home and End are a field's bindings, which Textual runs
    after the key has bubbled to the app — behind the letters typed after it. A correction
    in a burst then made a wrong number that passes the check (0612923456)."""
    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = app.screen
        await _burst_settled(app, pilot, [*"mulx", "backspace", *"der"])
        assert screen.search.value == "mulder"
        screen.search.clear()
        await _burst_settled(app, pilot, [*"hendriks", *["left"] * 7, "x", "end", "s"])
        assert screen.search.value == "hxendrikss"
        screen.search.clear()
        await _burst_settled(app, pilot, [*"kaaya", "home", "delete", "k", "right", "delete"])
        assert screen.search.value == "kaya"
        await type_text(pilot, "")
        await pilot.press("f6")
        await settle(pilot)
        keys = ["tab", *"06129", "backspace", "backspace", *"2345678", "tab"]
        keys += [*"Graag bel", "backspace", "backspace", "backspace", *"terugbellen"]
        await _burst_settled(app, pilot, keys)
        draft = app.screen.current()
        assert (draft.phone, draft.message) == ("0612345678", "Graag terugbellen")


async def test_f6_and_f5_at_the_end_of_a_search_act_on_the_person_typed(demo_store):
    """Found by the second review: F5/F6 are priority keys and acted before the letters
    typed just before them reached the search — a note for, or a transfer to, the person
    highlighted before ("Notitie voor Lotte Mulder" while the screen showed Gijs Hoekstra)."""
    from kccdesk.ui.screens.transfer import TransferDialog

    app = build_app(demo_store.url, "gemeente-oosterwold")
    async with app.run_test(size=(120, 35)) as pilot:
        await type_text(pilot, "mulder")
        keys = [*["backspace"] * 6, *"gijs hoekstra", "f6", *"Pers NRC", "tab"]
        keys += [*"0201234567", "tab", *"vraag over persbericht", "ctrl+s"]
        _burst(app, [k if k != " " else "space" for k in keys])
        for _ in range(60):
            await settle(pilot)
            if not isinstance(app.screen, NoteForm) and demo_store.notes():
                break
        [note] = demo_store.notes()
        assert (note.recipient, note.caller_name) == ("ghoekstra", "Pers NRC")
        assert note.message == "vraag over persbericht"
        app.screen.search.clear()
        await settle(pilot)
        _burst(app, [*"wethoder", "f5", "t", *"spoed"])
        for _ in range(30):
            await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        assert app.screen.check.target.person in ("wmulder", "bbrouwer", "bdegroot")
        assert app.screen.query_one("#transfer-reason").value == "spoed"
