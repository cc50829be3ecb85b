"""The shift lead's board: every client's unfinished work, live (kccdesk.board; the service
builds it, this screen only shows and asks). Refreshed when another desk writes (notes,
rosters, reminders) and every few seconds for the desks' presence; Enter opens where an item
is fixed, Ctrl+X marks a reminder done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.board.items import LATE, SOON, BoardItem
from kccdesk.core.when import duration_text
from kccdesk.service.teamlead import SERVICE_ZONE
from kccdesk.ui.access import app_of, desk_of
from kccdesk.ui.plain import OptionList, Static
from kccdesk.ui.screens.typing_ahead import after_queued_keys
from kccdesk.ui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    from kccdesk.service.board import Board
    from kccdesk.service.desk import Desk

#: how often the board reads again when nothing woke it (the desks' presence, ages)
REFRESH_SECONDS = 5.0
STYLE = {LATE: "bold red", SOON: "bold yellow"}
MARK = {LATE: "●", SOON: "◐"}


def item_line(item: BoardItem, now: datetime, client_name: str) -> Text:
    """One row: state, kind, client, what, and how old (or how soon)."""
    state = item.state(now)
    line = Text()
    line.append(f"{MARK.get(state, '○')} ", STYLE.get(state, "dim"))
    line.append(f"{texts.BOARD_KINDS.get(item.kind, item.kind):<10}", "bold")
    line.append(f" {client_name}  ", "cyan")
    line.append(item.title)
    moment = item.due or item.since
    if moment > now:
        when = texts.BOARD_IN.format(age=duration_text(moment - now))
    else:
        when = texts.BOARD_AGE.format(age=duration_text(now - moment))
    line.append(f"  {when}", STYLE.get(state, "dim"))
    return line


class BoardScreen(Screen[tuple[str, ...] | None]):
    """Dismisses with the target of the item opened (kccdesk.board.items.BoardItem.target),
    or None (Esc)."""

    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("enter", "open", texts.KEY_OPEN, id="board-open", priority=True),
        Binding("ctrl+x", "finish", texts.KEY_REMINDER_DONE, id="board-finish"),
        Binding("escape", "leave", texts.KEY_TO_DESK, id="board-leave"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board: Board | None = None
        self._keep: str | None = None

    @property
    def desk(self) -> Desk:
        return desk_of(self)

    def compose(self) -> ComposeResult:
        yield Static(texts.BOARD_TITLE, id="board-title")
        yield OptionList(id="board-list")
        yield Static(id="board-desks")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#board-list").border_title = texts.BOARD_OPEN
        self.query_one("#board-desks").border_title = texts.BOARD_DESKS
        self.query_one("#board-list").focus()
        app = self.app
        for name in ("clients_changed", "notes_changed", "board_changed"):
            signal = getattr(app, name, None)
            if signal is not None:
                signal.subscribe(self, lambda _: self.load())
        self.set_interval(REFRESH_SECONDS, self.load)
        self.load()

    @dataclass
    class Loaded(Message):
        board: Board
        names: dict[str, str]

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def load(self) -> None:
        from kccdesk.core.errors import StorageError

        desk = self.desk
        try:
            board = desk.board()
            wanted = {i.client for i in board.items} | {d.client for d in board.desks}
            names = {cid: desk.client(cid).name for cid in wanted if desk.has_client(cid)}
        except StorageError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.post_message(self.Loaded(board, names))

    def _failed(self, reason: str) -> None:
        self.query_one("#board-title", Static).update(Text(reason, "bold red"))

    def on_board_screen_loaded(self, message: Loaded) -> None:
        board, names = message.board, message.names
        self.board = board
        now = board.at
        listing = self.query_one("#board-list", OptionList)
        highlighted = listing.highlighted_option
        keep = self._keep or (highlighted.id if highlighted is not None else None)
        was_at = listing.highlighted or 0
        self._keep = None
        listing.clear_options()
        if board.items:
            listing.add_options(
                Option(item_line(item, now, names.get(item.client, item.client)), id=item.key)
                for item in board.items
            )
            # The same item; when it is gone, the one that took its place (never the top:
            # the next Enter would open something else than the agent looked at).
            fallback = min(was_at, len(board.items) - 1)
            index = next((i for i, item in enumerate(board.items) if item.key == keep), fallback)
            listing.highlighted = index
        else:
            listing.add_option(Option(Text(texts.BOARD_NOTHING, "green"), disabled=True))
        late = sum(item.state(now) == LATE for item in board.items)
        local = now.astimezone(SERVICE_ZONE)
        title = Text(texts.BOARD_TITLE, "bold")
        title.append(f"  {len(board.items)} open", "bold")
        if late:
            title.append(f", {late} te laat", "bold red")
        title.append(f"  · {texts.BOARD_REFRESHED.format(time=f'{local:%H:%M:%S}')}", "dim")
        self.query_one("#board-title", Static).update(title)
        self.query_one("#board-desks", Static).update(self._desks(board, names))

    def _desks(self, board: Board, names: dict[str, str]) -> Text:
        if not board.desks:
            return Text(texts.BOARD_NO_DESKS, "dim")
        text = Text()
        for i, desk in enumerate(board.desks):
            if i:
                text.append("\n")
            duration = desk.call_duration(board.at)
            call = (
                texts.BOARD_IN_CALL.format(duration=duration_text(duration, seconds=True))
                if duration is not None
                else texts.BOARD_NO_CALL
            )
            text.append(f"● {desk.agent or desk.user}", "bold green")
            text.append(f"  {names.get(desk.client, desk.client) or '—'}", "cyan")
            text.append(f"  {call}", "yellow" if duration is not None else "dim")
        return text

    def _current(self) -> BoardItem | None:
        listing = self.query_one("#board-list", OptionList)
        option = listing.highlighted_option
        if option is None or self.board is None:
            return None
        return next((i for i in self.board.items if i.key == option.id), None)

    def action_open(self) -> None:
        """Enter (a priority key): on the row the keys typed before it chose (Up Up Enter in
        one burst), once the list has taken them."""
        after_queued_keys([self.query_one("#board-list")], self, self._open)

    def _open(self) -> None:
        item = self._current()
        if item is not None and item.target:
            self.dismiss(item.target)

    def action_finish(self) -> None:
        after_queued_keys([self.query_one("#board-list")], self, self._finish_current)

    def _finish_current(self) -> None:
        item = self._current()
        if item is None:
            return
        if item.kind != "reminder":
            self.notify(texts.BOARD_ONLY_REMINDERS, timeout=4)
            return
        self._finish(int(item.target[1]))

    @work(thread=True, exclusive=True, group="board-finish", exit_on_error=False)
    def _finish(self, reminder_id: int) -> None:
        from kccdesk.core.errors import StorageError

        try:
            done = self.desk.finish_reminder(reminder_id, app_of(self).settings.agent_name)
        except StorageError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
        else:
            self.app.call_from_thread(self.notify, texts.BOARD_DONE.format(text=done.text))
        self.app.call_from_thread(self.load)

    def action_leave(self) -> None:
        self.dismiss(None)
