"""The transfer guard's dialog: shows why a transfer is stopped and what to do instead.
The decision itself is kccdesk.calls.transfers.check_transfer; this screen only shows and asks."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.calls.transfers import TransferCheck
from kccdesk.clients.model import Client
from kccdesk.clients.phones import display as phone_display
from kccdesk.core.text_rule import MAX_NAME, blank, forbidden, too_long
from kccdesk.duty.roster import PersonState
from kccdesk.ui.plain import OptionList, Static
from kccdesk.ui.screens.typing_ahead import TypingAhead
from kccdesk.ui.widgets.fields import Field

#: the option id of the client's after-hours number in the alternatives
AFTER_HOURS_OPTION = "after-hours-route"


@dataclass(frozen=True)
class TransferChoice:
    """What the agent chose: "alternative" (put through to `person`), "override" (to the
    person asked for anyway, with `reason` when a client's rule was overridden), "number"
    (the client's after-hours line, `person` holding the number) or "note"."""

    how: str
    person: str
    reason: str = ""


class TransferDialog(TypingAhead, ModalScreen[TransferChoice | None]):
    """Dismisses with a TransferChoice, or None when the agent goes back. Keys typed ahead
    (F5, t and the reason in one burst) wait until the dialog is up, then act in order."""

    BINDINGS = [
        Binding("escape", "back", texts.KEY_CLOSE),
        Binding("f6,ctrl+n", "note", texts.KEY_NOTE),
        # A priority key, so that the reason typed right after it lands in the reason field;
        # while the field is open, t is a letter of the reason (check_action).
        Binding("t", "anyway", texts.KEY_ANYWAY, priority=True),
    ]

    def __init__(self, client: Client, check: TransferCheck):
        super().__init__()
        self.client = client
        self.check = check
        self.confirming = False

    def compose(self) -> ComposeResult:
        check = self.check
        target = check.target
        if check.rule:
            problem = f"{target.name} {check.rule}."
        elif target.absent:
            reason = f" ({target.absent_reason})" if target.absent_reason else ""
            problem = texts.TRANSFER_ABSENT.format(
                name=target.name, reason=reason, until=texts.absent_until(target.absence, check.at)
            )
        elif target.busy_until is not None:
            problem = texts.TRANSFER_BUSY.format(
                name=target.name, until=texts.busy_until(target.busy_until, check.at)
            )
        else:
            problem = texts.TRANSFER_NOT_ON_DUTY.format(name=target.name)
            if target.back_at is not None:
                problem += texts.TRANSFER_BACK_AT.format(
                    when=texts.back_text(target.back_at, check.at)
                )
                if target.busy_until is not None:
                    problem += texts.TRANSFER_BACK_BUSY.format(
                        until=texts.busy_until(target.busy_until, check.at)
                    )
        if check.after_hours or check.after_hours_number:
            # Closed: where urgent callers go is what the agent needs first.
            lines = []
            if check.after_hours:
                lines.append(texts.AFTER_HOURS.format(text=check.after_hours))
            if check.after_hours_number:
                number = phone_display(check.after_hours_number, self.client.country)
                lines.append(texts.AFTER_HOURS_ROUTE.format(route=number))
            problem = "\n".join(lines) + "\n" + problem
        if check.replacement is not None and not check.replacement.on_duty:
            problem += "\n" + _replacement_state(check.replacement, check)
        if check.closed:
            problem += "\n" + texts.TRANSFER_CLOSED.format(
                client=self.client.name, reason=check.closed
            )
        if check.gap:
            problem += "\n" + texts.TRANSFER_GAP.format(gap=check.gap)
        with Vertical(classes="dialog warning", id="transfer-dialog") as box:
            box.border_title = texts.TRANSFER_TITLE
            yield Static(Text(problem, style="bold"), id="transfer-problem")
            # Right under the problem, so it is in sight however full the dialog is.
            field = Field(placeholder=texts.TRANSFER_REASON_PLACEHOLDER, id="transfer-reason")
            field.display = False
            # Hidden, it must not take the focus (with no alternative it was the only focusable
            # widget: `t` and the reason went into it unseen, and Enter put the caller through)
            field.can_focus = False
            yield field
            if check.alternatives or check.after_hours_number:
                yield Static(texts.TRANSFER_ALTERNATIVES)
                options = [self._option(alt) for alt in check.alternatives]
                if check.after_hours_number:
                    # Closed: the client's line for urgent callers is offered first.
                    number = phone_display(check.after_hours_number, self.client.country)
                    line = Text("☎ ", "bold yellow")
                    line.append(texts.AFTER_HOURS_OPTION.format(number=number), "bold")
                    options.insert(0, Option(line, id=AFTER_HOURS_OPTION))
                yield OptionList(*options, id="transfer-options")
            else:
                # What the guard says must be true: after a client's rule only colleagues of
                # the same department are offered, others may well be on duty.
                none = texts.TRANSFER_NO_COLLEAGUE if check.rule else texts.TRANSFER_NO_ALTERNATIVES
                yield Static(none, id="transfer-none")
            if check.note_to:
                yield Static(
                    Text(
                        texts.TRANSFER_NOTE_OFFER.format(
                            name=self.client.person_name(check.note_to)
                        ),
                        style="bold",
                    ),
                    id="transfer-note",
                )
            yield Static(texts.TRANSFER_HINT, classes="hint", id="transfer-hint")

    def _option(self, alt: PersonState) -> Option:
        line = Text("● ", "bold green")
        line.append(alt.name, "bold")
        if alt.is_replacement:
            line.append("  vervanger", "bold yellow")
        if alt.department:
            line.append(f"  {alt.department}", "dim")
        if alt.on_duty_until is not None:
            line.append(f"  tot {texts.until_text(alt.on_duty_until, self.check.at)}", "dim")
        if alt.busy_until is not None:
            line.stylize("bold yellow", 0, 1)
            line.append(
                f"  {texts.BUSY} {texts.busy_until(alt.busy_until, self.check.at)}", "yellow"
            )
        person = self.client.person(alt.person)
        if person is not None and person.phone:  # to put the caller through by hand
            line.append(f"  {phone_display(person.phone, self.client.country)}", "bold")
        return Option(line, id=alt.person)

    def on_mount(self) -> None:
        super().on_mount()  # ready for keys typed ahead after this first refresh
        if self.check.alternatives or self.check.after_hours_number:
            options = self.query_one("#transfer-options", OptionList)
            options.styles.max_height = 10
            options.highlighted = 0
            options.focus()

    @on(OptionList.OptionSelected, "#transfer-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == AFTER_HOURS_OPTION:
            self.dismiss(TransferChoice("number", self.check.after_hours_number))
        elif event.option.id is not None:
            self.dismiss(TransferChoice("alternative", event.option.id))

    def action_note(self) -> None:
        if self.check.note_to:
            self.dismiss(TransferChoice("note", self.check.note_to))

    def action_anyway(self) -> None:
        """`t`: transfer anyway. One way for every override — a client's rule or a roster
        state: the reason is typed right under what stops the transfer, and Enter on an
        empty reason is refused (a letter typed there never answers a question)."""
        reason = self.query_one("#transfer-reason", Input)
        if self.confirming:  # the field is open: t is a letter of the reason
            reason.insert_text_at_cursor("t")
            return
        self.confirming = True
        reason.can_focus = True
        reason.display = True
        self.set_focus(reason)  # at once: the next key typed is the reason's
        self.call_after_refresh(reason.scroll_visible, animate=False)
        self._hint(texts.TRANSFER_CONFIRM.format(name=self.check.target.name))

    def _hint(self, first_line: str) -> None:
        self.query_one("#transfer-hint", Static).update(
            Text(first_line + "\n" + texts.TRANSFER_REASON_HINT, style="bold yellow")
        )

    @on(Input.Submitted, "#transfer-reason")
    def _reason_given(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason or blank(reason):
            self._hint(texts.TRANSFER_REASON_MISSING)
            return
        wrong = forbidden(reason)  # the one text rule: the reason goes into the call log
        problem = wrong.says(texts.TRANSFER_REASON_WHAT) if wrong else too_long(reason, MAX_NAME)
        if problem:
            self._hint(texts.TRANSFER_REASON_REFUSED.format(problem=problem))
            return
        self.dismiss(TransferChoice("override", self.check.target.person, reason))

    def action_back(self) -> None:
        if self.confirming:
            self.confirming = False
            reason = self.query_one("#transfer-reason", Input)
            reason.value = ""
            reason.display = False
            reason.can_focus = False
            if self.check.alternatives or self.check.after_hours_number:
                self.query_one("#transfer-options", OptionList).focus()
            else:
                self.set_focus(None)
            self.query_one("#transfer-hint", Static).update(texts.TRANSFER_HINT)
        else:
            self.dismiss(None)


def _replacement_state(replacement: PersonState, check: TransferCheck) -> str:
    """The replacement is always named, with why they cannot take the call either."""
    if replacement.absent:
        return texts.TRANSFER_REPLACEMENT_ABSENT.format(
            name=replacement.name, until=texts.absent_until(replacement.absence, check.at)
        )
    back = (
        f"; weer in dienst {texts.back_text(replacement.back_at, check.at)}"
        if replacement.back_at
        else ""
    )
    return texts.TRANSFER_REPLACEMENT_OFF.format(name=replacement.name, back=back)
