"""Building the desk as users run it (the command line and the tests share this), and
running it: waiting for the owner's upgrade, one line and a log for a crash."""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import replace
from datetime import date
from functools import partial

from kccdesk import texts
from kccdesk.clients.recent import LastClient
from kccdesk.core.clock import Clock, system_clock
from kccdesk.core.settings import Settings
from kccdesk.notes.drafts import DraftStore
from kccdesk.service.desk import Desk
from kccdesk.ui.app import KccDeskApp

#: the demo opens on the client that shows the most
DEMO_FIRST_CLIENT = "gemeente-oosterwold"


def make_app(
    database_url: str | None = None,
    *,
    demo: bool = False,
    clock: Clock = system_clock,
    client_id: str | None = None,
    settings: Settings | None = None,
    app_class: type[KccDeskApp] = KccDeskApp,
    review: bool = False,
    review_day: date | None = None,
    board: bool = False,
) -> KccDeskApp:
    """Build the desk exactly as users run it; tests pass a temporary database and a clock."""
    from kccdesk.clients.snapshot import ClientSnapshot
    from kccdesk.core import locations
    from kccdesk.core.settings import load_settings

    url = locations.demo_database_url() if demo else (database_url or locations.database_url())
    settings = settings or load_settings()
    local = locations.local_dir(url)
    snapshot = ClientSnapshot(local)
    kept = snapshot.read()
    opener = partial(_open_store, url, demo, clock)
    from_snapshot = bool(kept and (kept[0] or kept[1]))
    actor = settings.actor()
    if demo:  # the demo is a sandbox: its user may try the team lead's review
        actor = replace(actor, team_lead=True)
    if kept and from_snapshot:
        desk = Desk.from_snapshot(opener, kept[0], kept[1], clock=clock, actor=actor)
    else:
        # First start: the directory of every client now, whole clients as they are shown;
        # the snapshot is written once the first screen is up (housekeeping).
        desk = Desk(opener(), clock=clock, actor=actor)
        desk.directory  # noqa: B018 - read now, not on the first paint
    # What was loaded lives as long as the desk: keep it out of the collector's full passes,
    # which would otherwise land as pauses between an agent's keystrokes.
    gc.freeze()
    return app_class(
        desk,
        settings,
        DraftStore(local),
        client_id=client_id,
        last_client=LastClient(local),
        fallback_client=DEMO_FIRST_CLIENT if demo else None,
        snapshot=snapshot,
        synced=not from_snapshot,
        local_dir=local,
        demo=demo,
        review=review,
        review_day=review_day,
        board=board,
    )


def _open_store(url: str, demo: bool, clock: Clock):
    from kccdesk.service.desk import open_database

    # The demo's history is written by the housekeeping worker, after the first screen.
    return open_database(url, demo, clock, history=False)


#: seconds between tries while the owner upgrades the team database
OWNER_UPGRADE_RETRY = 10.0


def run_desk(
    demo: bool = False, review: bool = False, review_day: date | None = None, board: bool = False
) -> int:
    """The desk; with `review` it opens on the team lead's daily review, with `board` on the
    shift lead's board."""
    app = _make_app_waiting_for_owner(demo, review, review_day, board)
    if not app.desk.directory:
        print(texts.NO_CLIENTS_YET)
        return 2
    app.run()
    if app.return_code:
        return _report_crash(app)
    return 0


#: where the desk writes why it stopped, beside its database (owner-only)
CRASH_LOG = "crash.log"


def _report_crash(app: KccDeskApp) -> int:
    """A desk that stopped on an error exits non-zero with one line saying why and where the
    whole traceback is, never with a screen of it (nor with 0, as if all went well)."""
    import traceback

    from kccdesk.core import locations
    from kccdesk.core.files import write_private_atomic

    error = app._exception
    reason = f"{type(error).__name__}: {error}" if error else "onbekende fout"
    reason = " ".join(reason.split())[:300]
    path = locations.data_dir() / CRASH_LOG
    details = "".join(traceback.format_exception(error)) if error else reason
    try:
        write_private_atomic(path, f"{app.desk.clock().isoformat()}\n{details}".encode())
        where = texts.CRASH_DETAILS_IN.format(path=path)
    except OSError:
        where = ""
    print(texts.DESK_STOPPED.format(reason=reason, where=where), file=sys.stderr)
    return app.return_code or 1


def _make_app_waiting_for_owner(
    demo: bool, review: bool = False, review_day: date | None = None, board: bool = False
) -> KccDeskApp:
    """The desk; while the owner upgrades a team database the agent's login may not touch,
    it says so once and waits (Ctrl+C stops), instead of failing."""
    from kccdesk.core.errors import StorageError, awaiting_owner

    said = False
    while True:
        try:
            return make_app(demo=demo, review=review, review_day=review_day, board=board)
        except StorageError as exc:
            if not awaiting_owner(exc):
                raise
            if not said:
                print(texts.WAITING_FOR_OWNER.format(error=exc, seconds=OWNER_UPGRADE_RETRY))
                said = True
            time.sleep(OWNER_UPGRADE_RETRY)
