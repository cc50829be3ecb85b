"""Helpers for driving the real desk with Pilot."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from textual.worker import WorkerCancelled

from kccdesk.core.settings import Settings
from kccdesk.ui.factory import make_app
from kccdesk.ui.workers import ENDLESS

#: Monday 23 November 2026, 10:00 in Amsterdam: offices open, Dr. Bakker on leave
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
SIZE = (130, 40)


def build_app(url: str, client_id: str | None = None, now: datetime = MONDAY_10):
    return make_app(url, clock=lambda: now, client_id=client_id, settings=Settings(agent="Sanne"))


async def settle(pilot) -> None:
    """Let workers finish and the screen catch up (the endless loops excepted)."""
    await pilot.pause()
    app = pilot.app
    for _ in range(20):  # a worker replaced by a newer one (exclusive) is cancelled: wait again
        finite = [w for w in app.workers if w.group != ENDLESS]
        if not finite:  # an empty list would mean "all workers", the endless watcher included
            break
        try:
            await app.workers.wait_for_complete(finite)
            break
        except WorkerCancelled:
            await pilot.pause()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])
    await settle(pilot)


def text_of(app, selector: str) -> str:
    widget = app.screen.query_one(selector)
    rendered = widget.render()
    return str(getattr(rendered, "plain", rendered))


async def fill_note(pilot, caller: str, phone: str, message: str) -> None:
    """Type into the open note form the way an agent does: name, Tab, number, Tab, message."""
    await type_text(pilot, caller)
    await pilot.press("tab")
    await type_text(pilot, phone)
    await pilot.press("tab")
    await type_text(pilot, message)
