"""The transfer guard: someone not on duty is not silently transferred to."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.model import Client
from kccdesk.roster import DutyStatus


def alternatives(client: Client, person_id: str, status: DutyStatus) -> list[str]:
    """Who to offer instead: the replacement first, then the same department, then others."""
    ordered: list[str] = []
    absence = status.absence_of(person_id)
    if absence and absence.replaced_by and status.is_on_duty(absence.replaced_by):
        ordered.append(absence.replaced_by)
    person = client.person(person_id)
    department = person.department if person else ""
    on_duty = [d.person for d in status.on_duty if d.person not in ordered]
    same = [p for p in on_duty if (client.person(p) or person).department == department]
    ordered.extend(same)
    ordered.extend(p for p in on_duty if p not in same)
    return ordered


class TransferDialog(ModalScreen[tuple[str, str] | None]):
    """Dismisses with ("alternative", id), ("override", id) or None."""

    BINDINGS = [
        Binding("escape", "back", texts.KEY_CLOSE),
        Binding("t", "anyway", texts.KEY_ANYWAY),
        Binding("j", "confirm", texts.KEY_YES, show=False),
        Binding("n", "back", texts.KEY_NO, show=False),
    ]

    def __init__(self, client: Client, person_id: str, status: DutyStatus):
        super().__init__()
        self.client = client
        self.person_id = person_id
        self.status = status
        self.options = alternatives(client, person_id, status)
        self.confirming = False

    def compose(self) -> ComposeResult:
        name = self.client.person_name(self.person_id)
        absence = self.status.absence_of(self.person_id)
        if absence:
            reason = f" ({absence.reason})" if absence.reason else ""
            problem = texts.TRANSFER_ABSENT.format(
                name=name, reason=reason, until=texts.short_date(absence.until)
            )
        else:
            problem = texts.TRANSFER_NOT_ON_DUTY.format(name=name)
        if self.status.closed:
            problem += "\n" + texts.TRANSFER_CLOSED.format(
                client=self.client.name, reason=self.status.closed
            )
        with Vertical(classes="dialog warning", id="transfer-dialog") as box:
            box.border_title = texts.TRANSFER_TITLE
            yield Static(Text(problem, style="bold"), id="transfer-problem")
            if self.options:
                yield Static(texts.TRANSFER_ALTERNATIVES)
                yield OptionList(
                    *(self._option(pid) for pid in self.options), id="transfer-options"
                )
            else:
                yield Static(texts.TRANSFER_NO_ALTERNATIVES, id="transfer-none")
            yield Static(texts.TRANSFER_HINT, classes="hint", id="transfer-hint")

    def _option(self, person_id: str) -> Option:
        person = self.client.person(person_id)
        duty = self.status.duty_of(person_id)
        line = Text("● ", "bold green")
        line.append(person.name if person else person_id, "bold")
        absence = self.status.absence_of(self.person_id)
        if absence and absence.replaced_by == person_id:
            line.append("  vervanger", "bold yellow")
        if person and person.department:
            line.append(f"  {person.department}", "dim")
        line.append(f"  tot {texts.until_text(duty.until, self.status.at)}", "dim")
        return Option(line, id=person_id)

    def on_mount(self) -> None:
        if self.options:
            options = self.query_one("#transfer-options", OptionList)
            options.styles.max_height = 10
            options.highlighted = 0
            options.focus()

    @on(OptionList.OptionSelected, "#transfer-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("alternative", event.option.id))

    def action_anyway(self) -> None:
        self.confirming = True
        name = self.client.person_name(self.person_id)
        self.query_one("#transfer-hint", Static).update(
            Text(
                texts.TRANSFER_CONFIRM.format(name=name) + "\n" + texts.TRANSFER_CONFIRM_HINT,
                style="bold yellow",
            )
        )

    def action_confirm(self) -> None:
        if self.confirming:
            self.dismiss(("override", self.person_id))

    def action_back(self) -> None:
        if self.confirming:
            self.confirming = False
            self.query_one("#transfer-hint", Static).update(texts.TRANSFER_HINT)
        else:
            self.dismiss(None)
