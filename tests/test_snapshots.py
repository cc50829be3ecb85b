"""Pictures of the screens where the picture matters: call screen, note form, transfer dialog.

Deterministic: fixed clock (Monday 10:00), fixed terminal size, bundled demo data.
Update after an intended change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from desk_helpers import SIZE, build_app


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def test_call_screen(snap_compare, demo_store):
    app = build_app(demo_store.url, "huisartsen-de-linde")
    assert snap_compare(app, terminal_size=SIZE, press=[*keys("bakker"), "wait:300"])


def test_note_form(snap_compare, demo_store):
    app = build_app(demo_store.url, "huisartsen-de-linde")
    press = [
        *keys("sanne"),
        "wait:300",
        "f6",
        "wait:200",
        *keys("Els de Wit"),
        "tab",
        *keys("06 1234567"),
        "wait:200",
    ]
    assert snap_compare(app, terminal_size=SIZE, press=press)


def test_transfer_dialog(snap_compare, demo_store):
    app = build_app(demo_store.url, "gemeente-oosterwold")
    assert snap_compare(
        app, terminal_size=SIZE, press=[*keys("wouter mulder"), "wait:300", "f5", "wait:200"]
    )
