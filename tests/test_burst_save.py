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
