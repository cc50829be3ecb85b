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
from kccdesk.calltypes.answers import check_answer
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
            yield Label(texts.NOTE_PHONE)
            yield Field(self.draft.phone, id="phone", select_on_focus=False)
            yield Static(id="phone-check")
            with Vertical(id="type-box"):
                yield from self._type_widgets(self._type, self.draft.answers)
            yield Label(texts.NOTE_MESSAGE, id="message-label")
            yield TextField(self.draft.message, id="message", soft_wrap=True)
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
        return {
            field.id: self.query_one(f"#answer-{index}", Input).value
            for index, field in enumerate(self._type.fields)
        }

    def _check_answers(self) -> None:
        """Each answer checked as typed; what the answers set off shown at once (and an
        answer that makes the note urgent ticks Dringend: never the other way)."""
        call_type = self._type
        if call_type is None:
            return
        today = self.desk.today(self.client.id).date()
        typed = self._answers()
        for index, field in enumerate(call_type.fields):
            answer = check_answer(field, typed[field.id], self.client.country, today)
            line = self.query_one(f"#answer-check-{index}", Static)
            if fires(field, answer) and field.when is not None and field.when.say:
                # right beneath the answer that set it off: where the agent is looking
                line.update(Text(f"⚠ {field.when.say}", style="bold white on red"))
            elif answer.problem:
                line.update(Text(f"✖ {answer.problem}", style="bold red"))
            elif answer.value and answer.value != " ".join(typed[field.id].split()):
                line.update(Text(f"✔ {answer.value}", style="green"))
            else:
                line.update("")
        checked = check_answers(call_type, typed, self.client.country, today)
        urgent = self.query_one("#urgent", Checkbox)
        if checked.urgency == "dringend" and not urgent.value:
            urgent.value = True

    def _choose_type(self) -> None:
        """The type typed in the form: one that fits shows its questions (the recipient
        its route, when none was chosen); several or none say so."""
        typed = self.query_one("#call-type", Input).value
        line = self.query_one("#call-type-check", Static)
        found = find_call_type(self.client, typed)
        titles = ", ".join(t.title for t in self.client.call_types)
        if not typed.strip():
            chosen = None
            line.update("")
        elif len(found) == 1:
            chosen = found[0]
            line.update(Text(texts.NOTE_CALL_TYPE_CHOSEN.format(title=chosen.title), style="green"))
        else:
            if found:
                text = texts.NOTE_CALL_TYPE_SEVERAL.format(titles=", ".join(t.title for t in found))
            else:
                text = texts.NOTE_CALL_TYPE_UNKNOWN.format(typed=typed.strip(), titles=titles)
            line.update(Text(text, style="yellow"))
            return  # the questions shown stay until one type fits
        if chosen == self._type:
            return
        kept = self._answers()
        self._type = chosen
        box = self.query_one("#type-box", Vertical)
        box.remove_children()
        if chosen is not None:
            box.mount(*self._type_widgets(chosen, kept))
            if not self._recipient():
                routed = self.desk.call_type_recipient(self.client.id, chosen.id)
                if routed:
                    self.query_one("#recipient", Select).value = routed
            self.call_after_refresh(self._type_shown)

    def _type_shown(self) -> None:
        self.on_resize()
        self._check_answers()
        self._store_draft()

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
            line.update(
                via
                + Text(texts.NOTE_RECIPIENT_ON_DUTY.format(name=name, until=until), style="green")
            )
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

    def _store_draft(self) -> None:
        """Every change is on disk at once; a form nobody typed in (only what the desk
        filled in: recipient, the caller's number) leaves no draft behind."""
        if self._saving:
            return
        draft = self.current()
        untouched = (
            not (draft.caller_name.strip() or draft.message.strip())
            and draft.phone == self.draft.phone
        )
        if not untouched:
            app_of(self).drafts.save(draft)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        if isinstance(event, Input.Changed) and event.input.id == "phone":
            self._check_phone()
        if isinstance(event, Input.Changed) and event.input.id == "call-type":
            self._choose_type()
        if isinstance(event, Input.Changed) and (event.input.id or "").startswith("answer-"):
            self._check_answers()
        if isinstance(event, Select.Changed):
            self._show_recipient()
        if isinstance(event, Checkbox.Changed):
            event.checkbox.label = _urgency_label(event.value)
        if isinstance(event, TextArea.Changed | Input.Changed):
            self._show_lengths()
        if self.current().fields != self._error_for:  # a change since the refusal
            self.query_one("#form-error", Static).update("")
        self._store_draft()

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

    def _show_error(self, text: str) -> None:
        # what was refused: the Changed messages of a burst's last keys, arriving after the
        # save read the fields, must not wipe the refusal of those very values
        self._error_for = self.current().fields
        error = self.query_one("#form-error", Static)
        error.update(text)
        error.scroll_visible(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)  # the draft stays on disk: F6 in this call, or F12, brings it back

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
            self._show_error(texts.NOTE_FIX_PHONE)
            self.query_one("#phone").focus()
            return
        note = self.current()
        if self._type is not None:
            blocking = check_answers(
                self._type,
                note.answers,
                self.client.country,
                self.desk.today(self.client.id).date(),
            )
            field = blocking.blocking
            if field is not None:
                # Say which answer is missing or wrong, and go where it is typed.
                self._show_error(texts.NOTE_CANNOT_SAVE.format(reason=blocking.refusal()))
                index = self._type.fields.index(field)
                self.query_one(f"#answer-{index}").focus()
                return
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
            self._show_error(texts.NOTE_CANNOT_SAVE.format(reason=refusal))
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
