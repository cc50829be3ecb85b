"""The callback note form: right recipient, right number, nothing typed ever lost."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, TextArea

from kccdesk import texts
from kccdesk.calltypes.rules import check_answers, find_call_type, fires
from kccdesk.clients.model import CallType, Client
from kccdesk.clients.phones import check, display
from kccdesk.core.text_rule import MAX_MESSAGE, MAX_NAME
from kccdesk.duty.roster import person_state
from kccdesk.notes.drafts import NoteDraft, this_desk
from kccdesk.notes.rules import (
    NoteRefused,
    RecipientAbsent,
    addressed_text,
    check_note,
    redirected,
)
from kccdesk.ui.access import app_of, desk_of
from kccdesk.ui.plain import Label, Static, plain
from kccdesk.ui.screens.typing_ahead import FIELD_KEYS, TypingAhead
from kccdesk.ui.sizes import SHORT_TERMINAL
from kccdesk.ui.widgets.fields import Field, TextField
from kccdesk.ui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    from kccdesk.records import NoteRecord


#: seconds within which a second F8 throws the draft away
DISCARD_AGAIN_WITHIN = 3.0


class AbsentRecipientDialog(ModalScreen[str | None]):
    """Dismisses with "replacement", "keep" or None (back to the form)."""

    BINDINGS = [
        Binding("enter", "choose('replacement')", texts.KEY_REPLACEMENT),
        Binding("k", "choose('keep')", texts.KEY_KEEP),
        Binding("escape", "choose(None)", texts.KEY_CLOSE),
    ]

    def __init__(self, refusal: RecipientAbsent, name: str):
        super().__init__()
        self.refusal = refusal
        self.name_ = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog warning") as box:
            box.border_title = texts.NOTE_ABSENT_TITLE
            yield Static(Text(str(self.refusal), style="bold"), id="absent-text")
            hint = texts.NOTE_ABSENT_HINT.format(name=self.name_)
            if not self.refusal.replacement:
                hint = hint.split(" · ", 1)[1]
            yield Static(hint, classes="hint")

    def action_choose(self, result: str | None = None) -> None:
        if result == "replacement" and not self.refusal.replacement:
            return
        self.dismiss(result)


class NoteForm(TypingAhead, ModalScreen["NoteRecord | None"]):
    CSS_PATH = "note_form.tcss"
    COMMAND_CATEGORY = texts.CATEGORY_NOTE
    BINDINGS = [
        *FIELD_KEYS,
        Binding("ctrl+s", "save", texts.KEY_SAVE, id="save-note", priority=True),
        Binding(
            "ctrl+r", "use_replacement", texts.KEY_REPLACEMENT, id="use-replacement", priority=True
        ),
        Binding("escape", "close", texts.KEY_CLOSE, id="close-note"),
        Binding("f8", "discard", texts.KEY_DISCARD, id="discard-note"),
        Binding("ctrl+e", "hold", texts.KEY_HOLD_NOTE, id="hold-note", priority=True),
    ]

    def __init__(self, draft: NoteDraft, replaces: NoteRecord | None = None):
        """`replaces`: a failed note taken again (F9); saving this one settles it."""
        super().__init__()
        self.draft = draft
        self.replaces = replaces
        self.phone_ok = False
        self._saving = False
        #: when F8 was pressed once (monotonic): a second F8 soon after throws the draft away
        self._discard_asked = -DISCARD_AGAIN_WITHIN
        #: the fields' values a refusal on screen is about (None: no refusal shown)
        self._error_for: tuple[object, ...] | None = None
        #: the chosen recipient's absence now (kept, so key checks need no roster work)
        self._absence = None
        #: the call type the note is taken as (its questions are in #type-box)
        self._type: CallType | None = self.client.call_type(draft.call_type)
        #: every answer typed in this form by field id, of any type chosen on the way:
        #: changing the type and back gives them back
        self._kept: dict[str, str] = dict(draft.answers)
        #: the recipient the form chose by a type's route (the agent's own choice is kept)
        self._routed = draft.recipient if self._type is not None else ""
        #: Dringend was ticked by the type or an answer (not by the agent): undone with it
        self._auto_urgent = False
        self._setting_urgent = False
        #: the line beneath a field that shows a refusal (kept until the fields change)
        self._error_line: Static | None = None

    @property
    def desk(self):
        return desk_of(self)

    @property
    def client(self) -> Client:
        return self.desk.client(self.draft.client)

    def compose(self) -> ComposeResult:
        client = self.client
        people = [
            (
                Text(p.name + (f" — {p.role or p.department}" if p.role or p.department else "")),
                p.id,
            )
            for p in client.people
        ]
        recipient = self.draft.recipient if client.person(self.draft.recipient) else None
        with VerticalScroll(classes="dialog", id="note-box") as box:
            box.border_title = plain(
                (texts.NOTE_RESEND_TITLE if self.replaces else texts.NOTE_TITLE).format(
                    client=client.name
                )
            )
            if self.replaces:
                reason = texts.NOTE_RESEND_REASON.format(reason=self.replaces.last_error)
                yield Static(Text(reason, style="bold red"), id="resend-reason")
            yield Label(texts.NOTE_FOR)
            yield Select(
                people,
                value=recipient if recipient else Select.NULL,
                prompt=texts.NOTE_CHOOSE_RECIPIENT,
                id="recipient",
                type_to_search=True,
            )
            yield Static(id="recipient-status")
            if client.call_types:
                # Above the caller: a type chosen from a search hit costs no Tab in between.
                yield Label(texts.NOTE_CALL_TYPE)
                examples = ", ".join(t.title.lower() for t in client.call_types[:2])
                yield Field(
                    self._type.title if self._type else "",
                    id="call-type",
                    placeholder=texts.NOTE_CALL_TYPE_HINT.format(examples=examples),
                    select_on_focus=False,
                )
                yield Static(id="call-type-check")
            yield Label(texts.NOTE_CALLER, id="caller-label")
            # No select-all on focus: going back to a field continues it, never overwrites it.
            yield Field(self.draft.caller_name, id="caller-name", select_on_focus=False)
            yield Static(id="caller-name-check", classes="field-error")
            yield Label(texts.NOTE_PHONE)
            yield Field(self.draft.phone, id="phone", select_on_focus=False)
            yield Static(id="phone-check")
            with Vertical(id="type-box"):
                yield from self._type_widgets(self._type, self.draft.answers)
            yield Label(texts.NOTE_MESSAGE, id="message-label")
            yield TextField(self.draft.message, id="message", soft_wrap=True)
            yield Static(id="message-check", classes="field-error")
            urgent = self.draft.urgency == "dringend"
            yield Checkbox(_urgency_label(urgent), urgent, id="urgent")
            yield Static(id="form-error", classes="error-text")
        yield FittingFooter()

    def on_resize(self) -> None:
        """On a short terminal (80×24) the fields lose their borders and the blank lines
        between them, so the whole note — number, message, urgency — is in sight."""
        short = self.app.size.height < SHORT_TERMINAL
        self.set_class(short, "-short")
        for field in self.query("Input, Select"):
            field.compact = short  # type: ignore[attr-defined]

    def _type_widgets(self, call_type: CallType | None, answers: dict[str, str]):
        """The questions of a call type, in its order: label (* required), field, check."""
        if call_type is None:
            return
        if call_type.instructions:
            yield Static(Text(call_type.instructions, style="italic"), id="type-instructions")
        for index, field in enumerate(call_type.fields):
            label = Text(field.label)
            if field.required:
                label.append(texts.NOTE_ANSWER_REQUIRED, "bold red")
            yield Label(label, id=f"answer-label-{index}")
            yield Field(
                answers.get(field.id, ""),
                id=f"answer-{index}",
                placeholder=", ".join(field.choices) if field.choices else "",
                select_on_focus=False,
            )
            yield Static(id=f"answer-check-{index}", classes="answer-check")

    def _answers(self) -> dict[str, str]:
        """What is typed in the type's fields, by field id."""
        if self._type is None:
            return {}
        answers = {}
        for index, field in enumerate(self._type.fields):
            found = self.query(f"#answer-{index}")
            answers[field.id] = found.first(Input).value if found else self._kept.get(field.id, "")
        return answers

    def _check_answers(self) -> None:
        """Each answer checked as typed; what the answers set off shown at once, and
        Dringend ticked by them (and unticked with them, _set_urgency_by_rule)."""
        call_type = self._type
        if call_type is None:
            return
        today = self.desk.today(self.client.id).date()
        typed = self._answers()
        checked = check_answers(call_type, typed, self.client.country, today)
        for index, field in enumerate(call_type.fields):
            answer = checked.answers[field.id]
            line = self.query_one(f"#answer-check-{index}", Static)
            if line is self._error_line:
                continue  # the refusal of these very answers stays until they change
            if fires(field, answer) and field.when is not None and field.when.say:
                # right beneath the answer that set it off: where the agent is looking
                line.update(Text(f"⚠ {field.when.say}", style="bold white on red"))
            elif answer.problem:
                line.update(Text(f"✖ {answer.problem}", style="bold red"))
            elif answer.value and answer.value != " ".join(typed[field.id].split()):
                line.update(Text(f"✔ {answer.value}", style="green"))
            else:
                line.update("")
            if self.focused is self.query_one(f"#answer-{index}"):
                line.scroll_visible(animate=False)  # the check of the field typed in
        self._set_urgency_by_rule(checked.urgency == "dringend")

    def _set_urgency_by_rule(self, urgent_now: bool) -> None:
        """The type or an answer makes the note urgent: Dringend is ticked; when that answer
        or type changes again, the tick it set goes too (one the agent set stays)."""
        urgent = self.query_one("#urgent", Checkbox)
        if urgent_now and not urgent.value:
            self._auto_urgent = True
        elif not urgent_now and self._auto_urgent and urgent.value:
            self._auto_urgent = False
        else:
            return
        self._setting_urgent = True
        urgent.value = urgent_now

    def _typed_type(self) -> tuple[CallType | None, bool]:
        """The type the Soort field means, and whether it is a clear choice (empty: none;
        one type fits; several or none fit: not clear, the current type stays)."""
        typed = self.query_one("#call-type", Input).value
        if not typed.strip():
            return None, True
        found = find_call_type(self.client, typed)
        if len(found) == 1:
            return found[0], True
        return self._type, False

    def _preview_type(self) -> None:
        """As the type is typed: which one it will be, or why none (applied on leaving)."""
        typed = self.query_one("#call-type", Input).value
        line = self.query_one("#call-type-check", Static)
        chosen, clear = self._typed_type()
        if not typed.strip():
            line.update("")
        elif clear and chosen is not None:
            line.update(Text(texts.NOTE_CALL_TYPE_CHOSEN.format(title=chosen.title), style="green"))
        else:
            found = find_call_type(self.client, typed)
            titles = ", ".join(t.title for t in self.client.call_types)
            if found:
                text = texts.NOTE_CALL_TYPE_SEVERAL.format(titles=", ".join(t.title for t in found))
            else:
                text = texts.NOTE_CALL_TYPE_UNKNOWN.format(typed=typed.strip(), titles=titles)
            line.update(Text(text, style="yellow"))

    def _apply_type(self, then: int = 0) -> None:
        """Leaving the Soort field: the type it names shows its questions (answers typed
        for it earlier come back), routes the note when the agent chose no one, and sets
        Dringend by its rules; `then` moves the focus on (1) or back (-1) once the questions
        are there, the keys typed meanwhile held for them."""
        chosen, _clear = self._typed_type()
        if chosen == self._type:
            if then:
                self._step_focus(then)
            return
        self._kept.update({k: v for k, v in self._answers().items() if v})
        self._type = chosen
        self.typing_ready = False  # the app holds the keys typed on until the questions exist
        self.call_later(self._show_type, chosen, then)

    async def _show_type(self, chosen: CallType | None, then: int) -> None:
        box = self.query_one("#type-box", Vertical)
        await box.remove_children()
        if chosen is not None:
            await box.mount(*self._type_widgets(chosen, self._kept))
            self.query_one("#call-type", Input).value = chosen.title
        recipient = self._recipient()
        if chosen is not None and (
            not recipient or recipient in (self._routed, self.client.callback_default)
        ):
            routed = self.desk.call_type_recipient(self.client.id, chosen.id)
            if routed and routed != recipient:
                self._routed = routed
                self.query_one("#recipient", Select).value = routed
        self.on_resize()
        if chosen is None:
            self._set_urgency_by_rule(False)
        self._check_answers()
        self._store_draft()
        if then:
            self._step_focus(then)
        await self._ready_for_keys()  # the held keys now go where they were typed for

    def _step_focus(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def _left_type_field(self, step: int) -> bool:
        """Tab, Shift+Tab or Enter in the Soort field: the type is applied first (its
        questions shown, the keys typed on held for them), then the focus moves."""
        if getattr(self.focused, "id", None) != "call-type":
            return False
        field = self.query_one("#call-type")
        app_of(self).run_after_typed(field, lambda: self._apply_type(step))
        return True

    def action_next_field(self) -> None:
        if not self._left_type_field(1):
            super().action_next_field()

    def action_previous_field(self) -> None:
        if not self._left_type_field(-1):
            super().action_previous_field()

    def action_submit_field(self) -> None:
        if not self._left_type_field(1):
            super().action_submit_field()

    def on_mount(self) -> None:
        self.on_resize()
        self._show_lengths()
        self._check_phone()
        self._show_recipient()
        if self._type is not None:
            self.query_one("#call-type-check", Static).update(
                Text(texts.NOTE_CALL_TYPE_CHOSEN.format(title=self._type.title), style="green")
            )
            self._check_answers()
        first_empty = (
            "#caller-name"
            if not self.draft.caller_name
            else ("#phone" if not self.phone_ok else "#message")
        )
        self.query_one(first_empty).focus()

    # --- live checks -------------------------------------------------------------------

    def _check_phone(self) -> None:
        value = self.query_one("#phone", Input).value
        line = self.query_one("#phone-check", Static)
        if not value.strip():
            self.phone_ok = False
            line.update(Text(texts.NOTE_PHONE_EMPTY, style="dim"))
        else:
            result = check(value, self.client.country)
            self.phone_ok = result.valid
            if result.valid:
                message = Text(
                    texts.NOTE_PHONE_OK.format(
                        display=result.display, type=result.type, country=result.country
                    ),
                    style="bold green",
                )
                if result.warning:
                    message.append(f"\n⚠ {result.warning}", "bold yellow")
            else:
                message = Text(texts.NOTE_PHONE_BAD.format(error=result.error), style="bold red")
            line.update(message)
        if self.focused is self.query_one("#phone", Input):
            line.scroll_visible(animate=False)  # on a small terminal too: the check is read
        self.refresh_bindings()

    def _recipient(self) -> str:
        value = self.query_one("#recipient", Select).value
        return value if isinstance(value, str) else ""

    def _show_recipient(self) -> None:
        recipient = self._recipient()
        line = self.query_one("#recipient-status", Static)
        self._absence = None
        if not recipient:
            line.update("")
            self.refresh_bindings()
            return
        now = self.desk.clock()
        status = self.desk.duty(self.client.id, now)
        asked_for = recipient
        recipient = redirected(self.client, asked_for)  # the client's rule: notes go via…
        name = self.client.person_name(recipient)
        absence = self._absence = status.absence_of(recipient)
        state = person_state(self.client, status, recipient)
        via = Text()
        meant = self.draft.meant_for
        if meant and meant != asked_for and self.client.person(meant) is not None:
            via = Text(
                texts.NOTE_MEANT_FOR.format(
                    asked=_titled(self.client, meant), target=_titled(self.client, asked_for)
                )
                + "\n",
                style="bold magenta",
            )
        elif recipient != asked_for:
            via = Text(
                texts.NOTE_VIA.format(
                    asked=_titled(self.client, asked_for), target=_titled(self.client, recipient)
                )
                + "\n",
                style="bold magenta",
            )
        if absence:
            until = texts.absent_until(absence.absence, status.at)
            said = [absence.reason] if absence.reason else []
            if absence.absence is not None and absence.absence.source:
                said.append(texts.AGENDA_SOURCE_UNKNOWN)
            if said:
                until += f" ({', '.join(said)})"
            route = absence.route
            if route is not None and route.chained:
                text = texts.NOTE_RECIPIENT_CHAIN.format(
                    chain=texts.route_text(self.client, route, status.at)
                )
                if route.recipient:
                    text += texts.NOTE_CHAIN_KEY.format(
                        name=self.client.person_name(route.recipient)
                    )
            elif absence.replaced_by:
                text = texts.NOTE_RECIPIENT_ABSENT.format(
                    name=name, until=until, replacement=absence.replacement_name
                )
            else:
                text = texts.NOTE_RECIPIENT_ABSENT_NONE.format(name=name, until=until)
            line.update(via + Text(text, style="bold yellow"))
        elif duty := status.duty_of(recipient):
            until = texts.until_text(duty.until, status.at)
            if duty.busy_until is not None:
                busy = texts.busy_until(duty.busy_until, status.at)
                busy_line = texts.NOTE_RECIPIENT_BUSY.format(name=name, until=until, busy=busy)
                line.update(via + Text(busy_line, style="bold yellow"))
            else:
                on_duty = texts.NOTE_RECIPIENT_ON_DUTY.format(name=name, until=until)
                line.update(via + Text(on_duty, style="green"))
        elif state.back_at is not None:
            back = texts.back_text(state.back_at, status.at)
            line.update(
                via + Text(texts.NOTE_RECIPIENT_BACK.format(name=name, back=back), style="dim")
            )
        else:
            line.update(via + Text(texts.NOTE_RECIPIENT_OFF_DUTY.format(name=name), style="dim"))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return not self._saving
        if action == "use_replacement":
            return True if self._stand_in() else None
        return True

    def _stand_in(self) -> str | None:
        """Who a note for the absent recipient goes to instead: the end of the replacement
        chain (the replacement, or theirs while they are away too, or the default)."""
        absence = self._absence
        if absence is None:
            return None
        if absence.route is not None:
            return absence.route.recipient
        return absence.replaced_by

    # --- drafts ------------------------------------------------------------------------

    def current(self) -> NoteDraft:
        pid, started = this_desk()
        return NoteDraft(
            client=self.client.id,
            recipient=self._recipient(),
            caller_name=self.query_one("#caller-name", Input).value,
            phone=self.query_one("#phone", Input).value,
            message=self.query_one("#message", TextArea).text,
            urgency="dringend" if self.query_one("#urgent", Checkbox).value else "normaal",
            meant_for=self.draft.meant_for,
            id=self.draft.id,
            call=self.draft.call,
            desk=pid,
            desk_started=started,
            saved_at=self.desk.clock().isoformat(),
            call_type=self._type.id if self._type else "",
            answers=self._answers(),
        )

    def _store_draft(self, draft: NoteDraft | None = None) -> None:
        """Every change is on disk at once; a form nobody typed in (only what the desk
        filled in: recipient, type, the caller's number) leaves no draft behind."""
        if self._saving:
            return
        draft = draft or self.current()
        untouched = (
            not (draft.caller_name.strip() or draft.message.strip())
            and not any(answer.strip() for answer in draft.answers.values())
            and draft.phone == self.draft.phone
        )
        if not untouched:
            app_of(self).drafts.save(draft)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        draft = self.current()  # once per change: what is stored, and what a refusal was about
        if draft.fields != self._error_for:  # a change since the refusal
            self.query_one("#form-error", Static).update("")
            for line in self.query(".field-error").results(Static):
                line.update("")
            self._error_line = None  # an answer's line is written anew just below
        if isinstance(event, Input.Changed) and event.input.id == "phone":
            self._check_phone()
        if isinstance(event, Input.Changed) and event.input.id == "call-type":
            self._preview_type()
        if isinstance(event, Input.Changed) and (event.input.id or "").startswith("answer-"):
            self._check_answers()
        if isinstance(event, Select.Changed):
            self._show_recipient()
        if isinstance(event, Checkbox.Changed):
            event.checkbox.label = _urgency_label(event.value)
            if not self._setting_urgent:
                self._auto_urgent = False  # the agent's own choice: never undone by a rule
            self._setting_urgent = False
        if isinstance(event, TextArea.Changed | Input.Changed):
            self._show_lengths()
        self._store_draft(draft)  # a change the handlers above make comes as its own event

    def _show_lengths(self) -> None:
        """The message's counter always, the name's near its limit (kccdesk.core.text_rule)."""
        name = len(self.query_one("#caller-name", Input).value)
        message = len(self.query_one("#message", TextArea).text)
        for selector, label, count, limit, always in (
            ("#caller-label", texts.NOTE_CALLER, name, MAX_NAME, False),
            ("#message-label", texts.NOTE_MESSAGE, message, MAX_MESSAGE, True),
        ):
            widget = self.query_one(selector, Label)
            widget.update(texts.length_label(label, count, limit, always))
            widget.set_class(count > limit, "over-limit")

    # --- actions -----------------------------------------------------------------------

    def action_use_replacement(self) -> None:
        """Ctrl+R: the note goes to the absent recipient's stand-in — and keeps for whom it
        was meant (the form, the mail and the note list say "voor X, via Y")."""
        stand_in = self._stand_in()
        if stand_in:
            self._send_to_stand_in(stand_in)

    def _send_to_stand_in(self, stand_in: str) -> None:
        meant = self._recipient()
        if meant and meant != stand_in:
            self.draft = replace(self.draft, meant_for=self.draft.meant_for or meant)
        self.query_one("#recipient", Select).value = stand_in

    def _show_error(self, text: str, field: str = "") -> None:
        """Say why nothing was saved, beneath the field it is about when there is one, and
        put the cursor there in sight (at 80x24 the form is taller than the screen)."""
        # what was refused: the Changed messages of a burst's last keys, arriving after the
        # save read the fields, must not wipe the refusal of those very values
        self._error_for = self.current().fields
        self.query_one("#form-error", Static).update(text)
        widget, line = self._field_of(field)
        if widget is None:
            self.query_one("#form-error", Static).scroll_visible(animate=False)
            return
        if line is not None:
            line.update(Text(text, style="bold red"))
            self._error_line = line
        widget.focus()
        self.call_after_refresh(_in_sight, widget, line)

    def _field_of(self, field: str):
        """The widget a refusal is about, and the line beneath it for the reason."""
        simple = {
            "recipient": ("#recipient", "#recipient-status"),
            "caller_name": ("#caller-name", "#caller-name-check"),
            "phone": ("#phone", "#phone-check"),
            "message": ("#message", "#message-check"),
            "call_type": ("#call-type", "#call-type-check"),
        }
        if field in simple:
            widget, line = simple[field]
            found = self.query(widget)
            if not found:
                return None, None
            return found.first(), (self.query_one(line, Static) if field != "phone" else None)
        if self._type is not None:
            for index, typed in enumerate(self._type.fields):
                if typed.id == field:
                    return (
                        self.query_one(f"#answer-{index}"),
                        self.query_one(f"#answer-check-{index}", Static),
                    )
        return None, None

    def action_close(self) -> None:
        self.dismiss(None)  # the draft stays on disk: F6 in this call, or F12, brings it back

    def action_hold(self) -> None:
        """Ctrl+E: set this note aside until a time (it is not sent): the draft stays (F12)
        and a reminder comes back then, on this desk and the board, naming the note."""
        self.after_typed(self._hold)

    def _hold(self) -> None:
        from kccdesk.ui.screens.reminder import ReminderDialog

        note = self.current()
        app_of(self).drafts.save(note)  # what was typed is on disk before the dialog opens
        what = texts.HOLD_NOTE_TEXT.format(
            name=self.client.person_name(note.recipient) or "?",
            caller=" ".join(note.caller_name.split()) or "?",
            phone=" ".join(note.phone.split()) or "?",
        )

        def held(reminder) -> None:
            if reminder is None:
                return
            due = reminder.due_at.astimezone(self.client.zone)
            self.notify(texts.HOLD_NOTE_SET.format(when=f"{due:%d-%m %H:%M}"), timeout=5)
            self.dismiss(None)

        self.app.push_screen(ReminderDialog(self.client.id, what, note.id), held)

    def action_discard(self) -> None:
        """Throw this draft away on purpose, never by accident: F8 twice. (On the call
        screen F8 is "all clients": a slip of habit must not cost the note.)"""
        now = time.monotonic()
        if now - self._discard_asked > DISCARD_AGAIN_WITHIN:
            self._discard_asked = now
            self.notify(texts.DRAFT_DISCARD_AGAIN, severity="warning", timeout=3)
            return
        self._saving = True  # no more draft writes from the closing form
        app_of(self).drafts.remove(self.draft.id)
        self.notify(texts.DRAFT_DISCARDED, timeout=3)
        self.dismiss(None)

    def action_save(self, keep_absent: bool = False) -> None:
        # In a burst (a paste, a text expander, a slow link) Ctrl+S comes while the letters
        # typed before it still wait in the fields: save what was typed, all of it.
        self.after_typed(lambda: self._save_typed(keep_absent))

    def _save_typed(self, keep_absent: bool) -> None:
        if self._saving or not self.is_attached:
            return
        self._check_phone()  # from the field itself, not a Changed message still on its way
        if not self.phone_ok:
            # Say why nothing is saved, and go where it can be fixed.
            self._show_error(texts.NOTE_FIX_PHONE, "phone")
            return
        if self.query("#call-type") and self._typed_type()[0] != self._type:
            # a type typed and Ctrl+S at once: its questions first (they are not answered)
            self._apply_type()
            self._show_error(texts.NOTE_CALL_TYPE_ASK, "call_type")
            return
        note = self.current()
        try:
            check_note(
                self.client,
                note.recipient,
                note.caller_name,
                note.phone,
                note.message,
                urgency=note.urgency,
                at=self.desk.clock(),
                allow_absent=keep_absent,
                meant_for=note.meant_for,
                call_type=note.call_type,
                answers=note.answers,
            )
        except RecipientAbsent as refusal:
            self._ask_about_absence(refusal)
            return
        except NoteRefused as refusal:
            self._show_error(texts.NOTE_CANNOT_SAVE.format(reason=refusal), refusal.field)
            return
        self._saving = True
        self.refresh_bindings()
        self._save(note, keep_absent)

    def _ask_about_absence(self, refusal: RecipientAbsent) -> None:
        def decided(choice: str | None) -> None:
            if choice == "replacement" and refusal.replacement:
                # The agent chose where it goes: it goes there now, no second Ctrl+S.
                self._send_to_stand_in(refusal.replacement)
                self.call_after_refresh(self.action_save)
            elif choice == "keep":
                self.action_save(keep_absent=True)

        name = self.client.person_name(refusal.person)
        self.app.push_screen(AbsentRecipientDialog(refusal, name), decided)

    class Saved(Message):
        def __init__(self, record: NoteRecord) -> None:
            super().__init__()
            self.record = record

    class Failed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    @work(thread=True, exclusive=True, group="save-note", exit_on_error=False)
    def _save(self, note: NoteDraft, keep_absent: bool) -> None:
        try:
            record = self.desk.add_note(
                note.client,
                note.recipient,
                note.caller_name,
                note.phone,
                note.message,
                urgency=note.urgency,
                agent=app_of(self).settings.agent_name,
                keep_absent_recipient=keep_absent,
                replaces=self.replaces.id if self.replaces else None,
                call=note.call,
                meant_for=note.meant_for,
                call_type=note.call_type,
                answers=note.answers,
            )
        except Exception as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Saved(record))

    def on_note_form_failed(self, message: Failed) -> None:
        self._saving = False
        #: when F8 was pressed once (monotonic): a second F8 soon after throws the draft away
        self._discard_asked = -DISCARD_AGAIN_WITHIN
        self.refresh_bindings()
        self._show_error(texts.NOTE_CANNOT_SAVE.format(reason=message.reason))

    def on_note_form_saved(self, message: Saved) -> None:
        record = message.record
        app_of(self).drafts.remove(self.draft.id)
        self.app.notify(
            texts.NOTE_SAVED.format(
                name=addressed_text(self.client, record.recipient, record.addressed_to),
                number=display(record.caller_phone, self.client.country),
            )
        )
        self.dismiss(record)


def _in_sight(widget, line) -> None:
    """The field and the reason beneath it on screen, the field first."""
    if line is not None:
        line.scroll_visible(animate=False)
    widget.scroll_visible(animate=False)


def _titled(client: Client, person_id: str) -> str:
    """'wethouder Wouter Mulder': the role says who they are to a caller."""
    person = client.person(person_id)
    if person is None:
        return person_id
    return f"{person.role.lower()} {person.name}" if person.role else person.name


def _urgency_label(urgent: bool) -> Text:
    """The urgency as words, not only as the colour of the box: on and off read apart."""
    if urgent:
        return Text(texts.NOTE_URGENT_ON, style="bold red")
    return Text(texts.NOTE_URGENT_OFF)
