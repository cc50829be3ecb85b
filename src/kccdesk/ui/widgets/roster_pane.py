"""The shift lead's side pane: the week at a glance, and every roster entry to edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.duty.edits import describe
from kccdesk.duty.roster import week_grid
from kccdesk.ui.access import desk_of
from kccdesk.ui.plain import OptionList, Static

if TYPE_CHECKING:
    from kccdesk.duty.coverage import Gap
    from kccdesk.records import RosterEntry


#: the name column of the week grid: the rest of the pane is for seven days
NAME_WIDTH = 16


def _short_name(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"


#: how far ahead the next gap is looked for (Ctrl+B)
NEXT_GAP_DAYS = 366


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def gap_days_of(gaps: list[Gap], monday: date) -> set[date]:
    """The days of the week (client's clock) that a gap touches."""
    days: set[date] = set()
    for gap in gaps:
        day = gap.start.date()
        last = (gap.end - timedelta(microseconds=1)).date()
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return {d for d in days if monday <= d < monday + timedelta(days=7)}


def gap_text(gap: Gap) -> str:
    """'wo 22:00–07:00 Techniek (geen dienst ingeroosterd)'."""
    who = f" {gap.department}" if gap.department else ""
    return (
        f"{texts.DAYS[gap.start.weekday()]} {gap.start:%H:%M}–{gap.end:%H:%M}{who} ({gap.reason})"
    )


class RosterPane(Vertical):
    """Shown beside the call screen (F10). Edits go through dialogs; the pane only shows."""

    COMMAND_CATEGORY = texts.KEY_ROSTER
    BINDINGS = [
        Binding("left_square_bracket,pageup", "week(-1)", texts.KEY_PREVIOUS_WEEK, show=False),
        Binding("right_square_bracket,pagedown", "week(1)", texts.KEY_NEXT_WEEK, show=False),
        # No letters: a name typed while the pane has focus goes to the search field.
        Binding("insert,ctrl+e", "add", texts.KEY_ADD, id="roster-add"),
        Binding("delete", "remove", texts.KEY_REMOVE, id="roster-remove"),
        Binding("ctrl+g", "history", texts.KEY_HISTORY, id="roster-history"),
        Binding("ctrl+w", "swap", texts.KEY_SWAP, id="roster-swap"),
        # not Ctrl+O: that answers the softphone
        Binding("ctrl+b", "next_gap", texts.KEY_NEXT_GAP, id="roster-next-gap"),
    ]

    @dataclass
    class Changed(Message):
        """The roster of a client was saved from this desk: everything shows it at once."""

        client_id: str

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_id = ""  # set by show() before the pane is first displayed
        self.monday: date | None = None
        self.entries: list = []

    def compose(self) -> ComposeResult:
        yield Static(id="roster-title")
        yield DataTable(id="roster-week", cursor_type="row", zebra_stripes=True, fixed_columns=1)
        yield OptionList(id="roster-entries")
        yield Static(texts.ROSTER_HINT, id="roster-hint", classes="hint")

    @property
    def desk(self):
        return desk_of(self)

    @property
    def can_edit(self) -> bool:
        """Shown here so a reader knows before trying; the service enforces it on save."""
        return self.desk.actor.shift_lead

    def read_only_reason(self) -> str:
        from kccdesk.core import locations

        if self.desk.actor.from_database:
            return texts.ROSTER_READ_ONLY_ROLE
        return texts.ROSTER_READ_ONLY.format(
            user=self.desk.actor.user, config=locations.config_file()
        )

    def show(self, client_id: str, today: date) -> None:
        if client_id != self.client_id or self.monday is None:
            self.monday = monday_of(today)
        self.client_id = client_id
        self.refresh_view()

    def refresh_view(self) -> None:
        if not self.client_id or self.monday is None:
            return
        client = self.desk.client(self.client_id)
        last = self.monday + timedelta(days=6)
        title = Text(
            texts.ROSTER_TITLE.format(
                client=client.name,
                week=self.monday.isocalendar().week,
                first=f"{self.monday:%d-%m}",
                last=f"{last:%d-%m-%Y}",
            ),
            style="bold",
        )
        gaps = self.desk.gaps(self.client_id, self.monday, days=7) if client.coverage else []
        gap_days = gap_days_of(gaps, self.monday)
        if client.coverage:
            title.append("\n")
            if gaps:
                shown = "; ".join(gap_text(gap) for gap in gaps[:3])
                more = f" (+{len(gaps) - 3})" if len(gaps) > 3 else ""
                title.append(texts.ROSTER_GAPS.format(gaps=shown + more), style="bold yellow")
            else:
                title.append(texts.ROSTER_NO_GAPS, style="green")
        stale = texts.agenda_stale(client, self.desk.clock().astimezone(client.zone), True)
        if stale:  # one line, whatever the number of feeds: the week and entries keep room
            more = f" (+{len(stale) - 1})" if len(stale) > 1 else ""
            title.append("\n" + stale[0] + more, style="bold yellow")
        if not self.can_edit:
            title.append("\n" + self.read_only_reason(), style="yellow")
        self.query_one("#roster-title", Static).update(title)
        closed, grid = week_grid(client, self.monday)
        table = self.query_one("#roster-week", DataTable)
        table.clear(columns=True)
        headers = [texts.ROSTER_PERSON]
        for i in range(7):
            day = self.monday + timedelta(days=i)
            header = f"{texts.DAYS[i]} {day:%d}"
            header = f"{header} ✖" if closed[i] else header
            headers.append(f"{header} ⚠" if day in gap_days else header)
        table.add_columns(*headers)
        for person, cells in grid.items():
            row: list[str | Text] = [Text(_short_name(client.person_name(person)))]
            for cell in cells:
                row.append(Text(cell.text, style="red" if cell.absent else ""))
            table.add_row(*row, key=person)
        self.load_entries()

    class EntriesLoaded(Message):
        def __init__(self, client_id: str, entries: list[RosterEntry]) -> None:
            super().__init__()
            self.client_id = client_id
            self.entries = entries

    @work(thread=True, exclusive=True, group="roster", exit_on_error=False)
    def load_entries(self) -> None:
        client_id = self.client_id
        if client_id:
            self.post_message(self.EntriesLoaded(client_id, self.desk.roster_entries(client_id)))

    def on_roster_pane_entries_loaded(self, message: EntriesLoaded) -> None:
        client_id, entries = message.client_id, message.entries
        if client_id != self.client_id:
            return
        self.entries = entries
        client = self.desk.client(client_id)
        options = self.query_one("#roster-entries", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for entry in entries:
            line = Text(f"{texts.ROSTER_FORM_TITLE[entry.kind]:<12} ", style="dim")
            line.append(describe(entry.item, client.person_name))
            line.append(f"  v{entry.version}", style="dim")
            options.add_option(Option(line, id=f"{entry.kind}-{entry.id}"))
        if entries:
            options.highlighted = min(highlighted or 0, len(entries) - 1)

    @property
    def selected(self):
        index = self.query_one("#roster-entries", OptionList).highlighted
        return self.entries[index] if index is not None and index < len(self.entries) else None

    def on_key(self, event: events.Key) -> None:
        """Letters typed here are the next caller's name: they go to the search field."""
        if event.is_printable and event.character and event.character not in "[]":
            event.stop()
            event.prevent_default()
            search = self.screen.query_one("#search", Input)
            search.focus()
            search.insert_text_at_cursor(event.character)

    def action_next_gap(self) -> None:
        """To the week of the next coverage gap after this week (within the look-ahead)."""
        if self.monday is None:
            return
        after = max(self.monday + timedelta(days=7), self.desk.today(self.client_id).date())
        found = self.desk.gaps(self.client_id, after, days=NEXT_GAP_DAYS)
        if not found:
            self.notify(texts.ROSTER_NO_NEXT_GAP.format(days=NEXT_GAP_DAYS))
            return
        self.monday = monday_of(found[0].start.date())
        self.refresh_view()

    def action_week(self, step: int) -> None:
        if self.monday is not None:
            self.monday += timedelta(weeks=step)
            self.refresh_view()

    def _editable(self) -> bool:
        if not self.can_edit:
            self.notify(self.read_only_reason(), severity="warning")
        return self.can_edit

    def action_add(self) -> None:
        from kccdesk.ui.screens.roster_forms import KindChooser, RosterEntryForm

        if not self._editable():
            return

        def chosen(kind: str | None) -> None:
            if kind:
                form = RosterEntryForm(self.client_id, kind, entries=lambda: self.entries)
                self.app.push_screen(form, self._after_edit)

        self.app.push_screen(KindChooser(), chosen)

    @on(OptionList.OptionSelected, "#roster-entries")
    def _edit(self) -> None:
        from kccdesk.ui.screens.roster_forms import RosterEntryForm

        entry = self.selected
        if entry is None or not self._editable():
            return
        form = RosterEntryForm(self.client_id, entry.kind, entry, lambda: self.entries)
        self.app.push_screen(form, self._after_edit)

    def action_swap(self) -> None:
        """Swap the chosen shift's next occurrence: an absence from its start to its end that
        the chosen replacement takes over (covers); the form asks only for the name."""
        from kccdesk.duty.edits import next_day_of, swap
        from kccdesk.ui.screens.roster_forms import RosterEntryForm

        entry = self.selected
        if entry is None or entry.kind not in ("shift", "extra_shift") or not self._editable():
            if entry is not None and entry.kind not in ("shift", "extra_shift"):
                self.notify(texts.ROSTER_SWAP_ONLY_SHIFTS, severity="warning")
            return
        today = self.desk.today(self.client_id).date()
        start = max(today, self.monday) if self.monday else today
        preset = swap(entry.item, next_day_of(entry.item, start))
        form = RosterEntryForm(
            self.client_id, "absence", entries=lambda: self.entries, preset=preset
        )
        self.app.push_screen(form, self._after_edit)

    def action_remove(self) -> None:
        from kccdesk.ui.screens.roster_forms import ConfirmRemove

        entry = self.selected
        if entry is None or not self._editable():
            return
        self.app.push_screen(ConfirmRemove(self.client_id, entry), self._after_edit)

    def action_history(self) -> None:
        from kccdesk.ui.screens.roster_forms import HistoryDialog

        entry = self.selected
        if entry is not None:
            self.app.push_screen(HistoryDialog(self.client_id, entry))

    def _after_edit(self, saved: str | None) -> None:
        if saved:
            self.post_message(self.Changed(self.client_id))
        self.query_one("#roster-entries", OptionList).focus()
