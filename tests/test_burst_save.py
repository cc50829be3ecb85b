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


async def test_t_in_a_guard_without_alternatives_opens_the_reason_and_is_no_reason(demo_store):
    """Edge review: after 17:00 at Oosterwold nobody can be offered; `t` then Enter put the
    caller through with the reason "t", the field never in sight."""
    from datetime import timedelta

    from desk_helpers import MONDAY_10
    from kccdesk.ui.screens.transfer import TransferDialog

    app = build_app(demo_store.url, "gemeente-oosterwold", now=MONDAY_10 + timedelta(hours=9))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "wethoder")
        await pilot.press("f5")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TransferDialog) and not dialog.check.alternatives
        await pilot.press("t")
        await settle(pilot)
        field = dialog.query_one("#transfer-reason")
        assert field.display and dialog.focused is field and field.value == ""
        await pilot.press("enter")  # no reason: refused, still the dialog
        await settle(pilot)
        assert app.screen is dialog and demo_store.calls("gemeente-oosterwold") == []
        await type_text(pilot, "spoed")  # its t is a letter of the reason now
        await pilot.press("enter")
        await settle(pilot)
        [call] = demo_store.calls("gemeente-oosterwold")
        assert "reden: spoed" in call.warnings_overridden


async def test_a_transfer_reason_keeps_the_one_text_rule(demo_store):
    """Edge review: a pasted reason with U+202E and BEL went into the call log and printed
    raw on `kccdesk overrides`."""
    from textual import events

    from kccdesk.ui.screens.transfer import TransferDialog

    app = build_app(demo_store.url, "gemeente-oosterwold")
    async with app.run_test(size=(120, 35)) as pilot:
        await type_text(pilot, "wethoder")
        await pilot.press("f5", "t")
        await settle(pilot)
        app.post_message(events.Paste("spoed\u202e nu\x07"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        assert "niet aangenomen" in str(app.screen.query_one("#transfer-hint").render())
        assert demo_store.calls("gemeente-oosterwold") == []


async def test_a_refusal_at_the_end_of_a_burst_stays_in_sight(demo_store):
    """Edge review: F6, a 300-character name, Tab, number, Tab, message and Ctrl+S in one go
    saved nothing and said nothing: the burst's late Changed events wiped the refusal."""
    from desk_helpers import text_of

    app = build_app(demo_store.url, PRACTICE)
    async with app.run_test(size=(120, 35)) as pilot:
        await type_text(pilot, "hatice kaya")
        _burst(app, ["f6", *("a" * 300), "tab", *"0612345678", "tab", *"lang", "ctrl+s"])
        for _ in range(40):
            await settle(pilot)
        assert isinstance(app.screen, NoteForm) and demo_store.notes() == []
        assert "te lang" in text_of(app, "#form-error")
