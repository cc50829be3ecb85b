"""Pictures of the screens where the picture matters: call screen, note form, transfer dialog.

Deterministic: fixed clock (Monday 10:00), fixed terminal size, bundled demo data.
Update after an intended change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from desk_helpers import SIZE, build_app, settle, type_text


def typing(*steps: str):
    """A run_before for snap_compare: type text or press keys ('<f5>'), letting the desk
    settle after each step (workers done, screen refreshed) instead of sleeping."""

    async def run(pilot) -> None:
        await settle(pilot)
        for step in steps:
            if step.startswith("<") and step.endswith(">"):
                await pilot.press(step[1:-1])
                await settle(pilot)
            else:
                await type_text(pilot, step)

    return run


def test_call_screen(snap_compare, demo_store):
    app = build_app(demo_store.url, "huisartsen-de-linde")
    assert snap_compare(app, terminal_size=SIZE, run_before=typing("bakker"))


def test_note_form(snap_compare, demo_store):
    app = build_app(demo_store.url, "huisartsen-de-linde")
    steps = typing("sanne", "<f6>", "Els de Wit", "<tab>", "06 1234567")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


def test_transfer_dialog(snap_compare, demo_store):
    app = build_app(demo_store.url, "gemeente-oosterwold")
    assert snap_compare(app, terminal_size=SIZE, run_before=typing("wouter mulder", "<f5>"))
