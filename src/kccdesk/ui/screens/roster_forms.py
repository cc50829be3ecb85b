"""Dialogs of the roster pane: choose what to add, edit an entry with checks as you type,
confirm a removal, read an entry's history."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Select
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.clients.model import Absence, Closure, Coverage, ExtraShift, WeeklyShift
from kccdesk.core.errors import StorageError
from kccdesk.core.when import clock_text, parse_clock, parse_end_clock
from kccdesk.duty.edits import (
    DUTCH_DAY_NAMES,
    describe,
    parse_day,
    parse_days,
    parse_flag,
    parse_moment,
)
from kccdesk.duty.rules import entry_problems, replacement_warnings
from kccdesk.ui.access import desk_of
from kccdesk.ui.plain import Label, OptionList, Static, plain
from kccdesk.ui.screens.typing_ahead import FIELD_KEYS, TypingAhead
from kccdesk.ui.widgets.fields import Field
from kccdesk.ui.widgets.footer import FittingFooter


class Refused(Message):
    """The service refused a roster change; `reason` says why, in Dutch."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class Done(Message):
    """The roster change is stored; `what` describes it."""

    def __init__(self, what: str, warnings: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.what = what
        self.warnings = warnings


FIELDS = {
    "shift": ("person", "days", "start", "end", "on_closures"),
    "extra_shift": ("person", "date", "start", "end"),
    "absence": ("person", "from", "until", "reason", "replaced_by", "covers"),
    "closure": ("from", "until", "reason"),
    "coverage": ("days", "start", "end", "department", "min", "on_closures"),
}


def _flag(value: bool) -> str:
    return "j" if value else "n"


def _moment(day, at) -> str:
    if day is None:
        return ""
    return f"{day:%d-%m-%Y}" + (f" {at:%H:%M}" if at is not None else "")


class KindChooser(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", texts.KEY_CLOSE)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = texts.ROSTER_NEW_TITLE
            yield OptionList(
                *(Option(label, id=kind) for kind, label in texts.ROSTER_KINDS.items()),
                id="roster-kinds",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def _form_values(kind: str, item) -> dict[str, str]:
    if item is None:
        return {}
    if kind == "shift":
        days = ",".join(DUTCH_DAY_NAMES[d] for d in item.days)
        return {
            "person": item.person,
            "days": days,
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}",
            "on_closures": _flag(item.on_closures),
        }
    if kind == "coverage":
        return {
            "days": ",".join(DUTCH_DAY_NAMES[d] for d in item.days),
            "start": f"{item.start:%H:%M}",
            "end": clock_text(item.end),
            "department": item.department or "",
            "min": str(item.min),
            "on_closures": _flag(item.on_closures),
        }
    if kind == "absence":
        return {
            "person": item.person,
            "from": _moment(item.start, item.start_time),
            "until": _moment(item.until, item.until_time),
            "reason": item.reason,
            "replaced_by": item.replaced_by or "",
            "covers": _flag(item.covers),
        }
    if kind == "extra_shift":
        return {
            "person": item.person,
            "date": f"{item.date:%d-%m-%Y}",
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}",
        }
    return {
        "from": f"{item.start:%d-%m-%Y}",
        "until": f"{item.until:%d-%m-%Y}",
        "reason": item.reason,
    }


class RosterEntryForm(TypingAhead, ModalScreen[str | None]):
    """Add or change one entry; dismisses with a description of what was saved."""

    CSS_PATH = "roster_forms.tcss"
    BINDINGS = [
        *FIELD_KEYS,
        Binding("ctrl+s", "save", texts.KEY_SAVE, id="roster-save", priority=True),
        Binding("escape", "dismiss(None)", texts.KEY_CLOSE),
    ]

    def __init__(self, client_id: str, kind: str, entry=None, entries=lambda: [], preset=None):
        """`entries` gives the roster entries as last read (with ids), to check against;
        `preset` fills a new entry's form (a swap: the absence for one shift)."""
        super().__init__()
        self.client_id = client_id
        self.kind = kind
        self.entry = entry
        self.preset = preset
        self.entries = entries
        self.item = None
        self._saving = False

    @property
    def client(self):
        return desk_of(self).client(self.client_id)

    def today(self):
        return desk_of(self).today(self.client_id).date()

    def compose(self) -> ComposeResult:
        values = _form_values(self.kind, self.entry.item if self.entry else self.preset)
        people: list[tuple[Text, str]] = [(Text(p.name), p.id) for p in self.client.people]
        # The fields scroll; the verdict stays below them in sight, so a short terminal
        # shows why an entry cannot be saved without scrolling away from the field typed in.
        with Vertical(classes="dialog", id="roster-form") as box:
            box.border_title = texts.ROSTER_FORM_TITLE[self.kind] + (
                f" (v{self.entry.version})" if self.entry else ""
            )
            with VerticalScroll(id="roster-fields"):
                for name in FIELDS[self.kind]:
                    yield Label(texts.ROSTER_FIELD[name])
                    if name in ("person", "replaced_by"):
                        options = (
                            people
                            if name == "person"
                            else [(Text(texts.ROSTER_NO_ONE), ""), *people]
                        )
                        current = values.get(name)
                        yield Select(
                            options,
                            value=current if current is not None else Select.NULL,
                            id=f"field-{name}",
                            type_to_search=True,
                            allow_blank=name == "person",
                            prompt=texts.ROSTER_CHOOSE,
                        )
                    else:
                        yield Field(values.get(name, ""), id=f"field-{name}")
            yield Static(id="roster-check")
        yield FittingFooter()

    def on_mount(self) -> None:
        first = "replaced_by" if self.preset is not None else FIELDS[self.kind][0]
        self.query_one(f"#field-{first}").focus()
        self._check()

    def _value(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}")
        value = widget.value if isinstance(widget, Input | Select) else None
        return value if isinstance(value, str) else ""

    def _build(self):
        v = self._value
        if self.kind == "shift":
            return WeeklyShift(
                v("person"),
                parse_days(v("days")),
                parse_clock(v("start")),
                parse_clock(v("end")),
                on_closures=parse_flag(v("on_closures")),
            )
        if self.kind == "coverage":
            minimum = v("min").strip() or "1"
            if not minimum.isdigit():
                raise ValueError(texts.ROSTER_MIN_NOT_A_NUMBER.format(value=minimum))
            return Coverage(
                parse_days(v("days")),
                parse_clock(v("start")),
                parse_end_clock(v("end")),
                v("department").strip() or None,
                int(minimum),
                on_closures=parse_flag(v("on_closures")),
            )
        if self.kind == "extra_shift":
            return ExtraShift(
                v("person"),
                parse_day(v("date"), self.today()),
                parse_clock(v("start")),
                parse_clock(v("end")),
            )
        if self.kind == "absence":
            start, start_time = parse_moment(v("from"), self.today())
            until, until_time = (
                parse_moment(v("until"), self.today()) if v("until").strip() else (None, None)
            )
            return Absence(
                v("person"),
                start,
                until,
                v("reason").strip(),
                v("replaced_by") or None,
                covers=parse_flag(v("covers")),
                start_time=start_time,
                until_time=until_time,
            )
        return Closure(
            parse_day(v("from"), self.today()),
            parse_day(v("until"), self.today()),
            v("reason").strip(),
        )

    def _check(self) -> list[str]:
        """Validate as the shift lead types: the reason, or that it can be saved."""
        line = self.query_one("#roster-check", Static)
        try:
            if "person" in FIELDS[self.kind] and not self._value("person"):
                raise ValueError(texts.ROSTER_CHOOSE_PERSON)
            item = self._build()
        except ValueError as exc:
            self.item, problems = None, [str(exc)]
        else:
            self.item = item
            own = self.entry.id if self.entry else None
            others = [e.item for e in self.entries() if e.kind == self.kind and e.id != own]
            problems = [texts.in_form_words(p) for p in entry_problems(self.client, item, others)]
        if problems:
            line.update(Text("✖ " + "\n✖ ".join(problems), style="bold red"))
        else:
            verdict = Text(texts.ROSTER_OK, style="bold green")
            if isinstance(self.item, Absence):
                # Accepted, but unusual: say now where notes go while the replacement is away.
                with_item = replace(self.client, absences=(*others, self.item))
                for warning in replacement_warnings(with_item, about=self.item):
                    verdict.append(f"\n⚠ {warning}", style="bold yellow")
            line.update(verdict)
        self.refresh_bindings()
        return problems

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._check()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "save":
            return True if self.item is not None and not self._saving else None
        return True

    def action_save(self) -> None:
        self.after_typed(self._save_typed)  # what was typed before Ctrl+S, all of it

    def _save_typed(self) -> None:
        if self._saving or not self.is_attached or self._check() or self.item is None:
            return
        self._saving = True
        self.refresh_bindings()
        self._save(self.item)

    @work(thread=True, exclusive=True, group="roster-save", exit_on_error=False)
    def _save(self, item) -> None:
        try:
            saved = desk_of(self).save_roster_entry(self.client_id, item, self.entry)
        except StorageError as exc:
            self.post_message(Refused(str(exc)))
            return
        self.post_message(Done(describe(item, self.client.person_name), saved.warnings))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._saving = False
        self.refresh_bindings()
        check = self.query_one("#roster-check", Static)
        check.update(Text(f"✖ {message.reason}", style="bold red"))

    @on(Done)
    def _saved(self, message: Done) -> None:
        self.notify(texts.ROSTER_SAVED.format(what=message.what))
        for warning in message.warnings:
            # Accepted, but the shift lead must know where notes go meanwhile.
            self.notify(
                warning, title=texts.ROSTER_WARNING, severity="warning", timeout=15, markup=False
            )
        self.dismiss(message.what)


class ConfirmRemove(ModalScreen[str | None]):
    BINDINGS = [
        Binding("j", "remove", texts.KEY_YES),
        Binding("n,escape", "dismiss(None)", texts.KEY_NO),
    ]

    def __init__(self, client_id: str, entry):
        super().__init__()
        self.client_id = client_id
        self.entry = entry

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog warning") as box:
            box.border_title = texts.ROSTER_FORM_TITLE[self.entry.kind]
            yield Static(
                texts.ROSTER_CONFIRM_REMOVE.format(what=describe(self.entry.item)), id="remove-text"
            )

    def action_remove(self) -> None:
        self._remove()

    @work(thread=True, exclusive=True, group="roster-save", exit_on_error=False)
    def _remove(self) -> None:
        desk = desk_of(self)
        try:
            desk.remove_roster_entry(self.client_id, self.entry)
        except StorageError as exc:
            self.post_message(Refused(str(exc)))
            return
        self.post_message(Done(describe(self.entry.item, desk.client(self.client_id).person_name)))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.query_one("#remove-text", Static).update(Text(f"✖ {message.reason}", style="bold red"))

    @on(Done)
    def _removed(self, message: Done) -> None:
        self.notify(texts.ROSTER_REMOVED.format(what=message.what))
        self.dismiss(message.what)


class HistoryDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,h", "dismiss(None)", texts.KEY_CLOSE)]

    def __init__(self, client_id: str, entry):
        super().__init__()
        self.client_id = client_id
        self.entry = entry

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as box:
            box.border_title = plain(f"{texts.ROSTER_HISTORY_TITLE}: {describe(self.entry.item)}")
            yield Static(id="history-text")

    def on_mount(self) -> None:
        self._load()

    class Loaded(Message):
        def __init__(self, records: list) -> None:
            super().__init__()
            self.records = records

    @work(thread=True, exclusive=True, group="roster-history", exit_on_error=False)
    def _load(self) -> None:
        desk = desk_of(self)
        self.post_message(
            self.Loaded(desk.roster_history(self.client_id, self.entry.kind, self.entry.id))
        )

    def on_history_dialog_loaded(self, message: Loaded) -> None:
        from kccdesk.duty.edits import describe
        from kccdesk.teamlead.reconstruction import item_from_audit

        records = message.records
        client = desk_of(self).client(self.client_id)
        zone = client.zone
        if not records:
            self.query_one("#history-text", Static).update(texts.ROSTER_NO_HISTORY)
            return
        text = Text()
        for record in records:
            text.append(f"{record.at.astimezone(zone):%d-%m-%Y %H:%M} ", "dim")
            text.append(f"{record.user} ", "bold")
            text.append(texts.ROSTER_ACTIONS.get(record.action, record.action))
            for label, values in (
                (texts.HISTORY_BEFORE, record.before),
                (texts.HISTORY_AFTER, record.after),
            ):
                if values:
                    # As the pane lists it ("Rik Bos ma,wo 22:00–07:00"), not as stored
                    item = item_from_audit(record.kind, values)
                    shown = (
                        describe(item, client.person_name)  # type: ignore[arg-type]
                        if item is not None
                        else ", ".join(f"{k}={v}" for k, v in values.items() if v not in (None, ""))
                    )
                    text.append(f"\n   {label}: {shown}", "dim")
            text.append("\n")
        self.query_one("#history-text", Static).update(text)
