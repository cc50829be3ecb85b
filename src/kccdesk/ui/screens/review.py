"""The team lead's daily review: yesterday's and still open feedback, the warnings agents
overrode and the notes that failed delivery, per client — and from there, with one key each,
what the desk showed at the time (the reconstruction), an improvement action, or closing the
item. The review itself is `Desk.review` (kccdesk.teamlead.review); this screen only shows and asks.
Every database call runs in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets.option_list import Option

from kccdesk import texts
from kccdesk.service.teamlead import SERVICE_ZONE
from kccdesk.ui.access import desk_of
from kccdesk.ui.plain import OptionList, Static
from kccdesk.ui.widgets.footer import FittingFooter
from kccdesk.ui.widgets.week_chart import WeekChart, WeekPoint, points_from

if TYPE_CHECKING:
    from kccdesk.records import FeedbackRecord
    from kccdesk.service.desk import Desk
    from kccdesk.teamlead.review import ClientReview, Review

#: below this width the list and the detail are stacked, not side by side
NARROW = 100
#: below this height the chart is hidden until asked for (Ctrl+G)
SHORT = 30
#: weeks in the chart
CHART_WEEKS = 8

STATUS_STYLE = {
    "nieuw": "bold yellow",
    "actie-uitgezet": "bold cyan",
    "afgerond": "green",
    "onterecht": "dim",
}
#: statuses of a handled item: no action is asked for any more
CLOSED = ("afgerond", "onterecht")
#: the keys that work on a feedback row, by their action
ITEM_KEYS = {"enter": "reconstruct", "ctrl+a": "set_action", "ctrl+x": "close_item"}


@dataclass(frozen=True)
class Row:
    """One line of the review list and what the detail panel says about it."""

    key: str  # the option id: c:<client>, p:<client>:<n>, f:<id>, o:<client>:<n>, n:<id>
    kind: str  # client | pattern | feedback | override | failed
    client: str
    prompt: Text
    detail: Text
    feedback: FeedbackRecord | None = None


@dataclass(frozen=True)
class ReviewView:
    review: Review
    rows: list[Row]
    names: dict[str, str] = field(default_factory=dict)


def _when(moment, zone) -> str:
    local = moment.astimezone(zone)
    return f"{texts.DAYS[local.weekday()]} {local:%d-%m %H:%M}"


def build_rows(desk: Desk, review: Review) -> list[Row]:
    """The review as list rows, grouped per client (runs in a worker: it may load clients)."""
    rows: list[Row] = []
    for entry in review.clients:
        if entry.empty:
            continue
        rows.extend(_client_rows(desk, entry))
    return rows


def _client_rows(desk: Desk, entry: ClientReview) -> list[Row]:
    client = desk.client(entry.client) if desk.has_client(entry.client) else None
    zone = client.zone if client else None

    def name(person: str) -> str:
        return client.person_name(person) if client and person else person

    counts = " · ".join(
        template.format(count=count)
        for template, count in (
            (texts.REVIEW_COUNT_FEEDBACK, len(entry.feedback)),
            (texts.REVIEW_COUNT_OVERRIDES, len(entry.ignored)),
            (texts.REVIEW_COUNT_STOPPED, len(entry.stopped)),
            (texts.REVIEW_COUNT_FAILED, len(entry.failed_notes)),
        )
        if count
    )
    header = Text(entry.name, "bold reverse")
    header.append(f"  {counts}", "bold")
    summary = Text(entry.name + "\n", "bold")
    summary.append(counts + "\n")
    for pattern in entry.patterns:
        summary.append(texts.REVIEW_PATTERN.format(text=pattern.text) + "\n", "bold magenta")
    rows = [Row(f"c:{entry.client}", "client", entry.client, header, summary)]
    for n, pattern in enumerate(entry.patterns):
        line = Text("  " + texts.REVIEW_PATTERN.format(text=pattern.text), "bold magenta")
        detail = Text(texts.REVIEW_PATTERN.format(text=pattern.text) + "\n", "bold magenta")
        detail.append("feedback " + ", ".join(f"#{i}" for i in pattern.items))
        rows.append(Row(f"p:{entry.client}:{n}", "pattern", entry.client, line, detail))
    patterns = {i: p for p in entry.patterns for i in p.items}
    for item in entry.feedback:
        # The structural mark leads, so a cut-off line (80 columns) still shows it.
        line = Text("  ⚑ " if item.id in entry.structural else "    ", "bold magenta")
        line.append(f"#{item.id} ", "bold")
        line.append(f"{item.status:<15}", STATUS_STYLE.get(item.status, ""))
        line.append(_when(item.happened_at, zone) + "  ", "dim")
        line.append(texts.FEEDBACK_CATEGORY_TEXT.get(item.category, item.category))
        if item.person:
            line.append(f" · {name(item.person)}")
        detail = _feedback_detail(item, zone, name)
        if item.id in patterns:
            detail.append(
                "\n" + texts.REVIEW_PATTERN.format(text=patterns[item.id].text), "bold magenta"
            )
        rows.append(Row(f"f:{item.id}", "feedback", entry.client, line, detail, item))
    for n, seen in enumerate(entry.overrides):
        kind = texts.REVIEW_OVERRIDE_KIND.get(seen.kind, seen.kind)
        line = Text("  ⚠ ", "bold yellow")
        line.append(_when(seen.at, zone) + "  ", "dim")
        line.append(f"{kind} · {seen.agent or '?'}: {seen.text}")
        detail = Text(f"⚠ {kind}\n", "bold yellow")
        detail.append(f"{_when(seen.at, zone)} · agent {seen.agent or '?'}\n")
        detail.append(seen.text)
        rows.append(Row(f"o:{entry.client}:{n}", "override", entry.client, line, detail))
    for note in entry.failed_notes:
        text = texts.REVIEW_FAILED.format(
            id=note.id, name=name(note.recipient), reason=note.last_error or "?"
        )
        line = Text("  " + text, "bold red")
        detail = Text(text + "\n", "bold red")
        detail.append(f"{_when(note.created_at, zone)} · {note.caller_name} {note.caller_phone}\n")
        detail.append(note.message)
        rows.append(Row(f"n:{note.id}", "failed", entry.client, line, detail))
    return rows


def _feedback_detail(item: FeedbackRecord, zone, name) -> Text:
    detail = Text(
        texts.REVIEW_DETAIL_FEEDBACK.format(
            id=item.id,
            when=_when(item.happened_at, zone),
            category=texts.FEEDBACK_CATEGORY_TEXT.get(item.category, item.category),
        ),
        "bold",
    )
    if item.person:
        detail.append(" · " + texts.REVIEW_DETAIL_ABOUT.format(person=name(item.person)))
    detail.append(f"\n“{item.said}”\n", "italic")
    detail.append(
        texts.REVIEW_DETAIL_STATUS.format(
            status=item.status, cause=texts.CAUSES.get(item.cause, item.cause)
        )
        + "\n",
        STATUS_STYLE.get(item.status, ""),
    )
    if item.action or item.owner:
        detail.append(
            texts.REVIEW_DETAIL_ACTION.format(action=item.action or "?", owner=item.owner or "?")
        )
    elif item.status in CLOSED:
        detail.append(texts.REVIEW_DETAIL_CLOSED_NO_ACTION, "dim")
    else:
        detail.append(texts.REVIEW_DETAIL_NO_ACTION, "dim")
    linked = [
        texts.REVIEW_DETAIL_LINKED_CALL.format(id=item.call_id) if item.call_id else "",
        texts.REVIEW_DETAIL_LINKED_NOTE.format(id=item.note_id) if item.note_id else "",
    ]
    if any(linked):
        detail.append("\n" + " · ".join(x for x in linked if x), "dim")
    detail.append("\n" + texts.REVIEW_DETAIL_HINT, "dim")
    return detail


class ReviewScreen(Screen):
    CSS_PATH = "review.tcss"
    COMMAND_CATEGORY = texts.CATEGORY_REVIEW
    BINDINGS = [
        Binding(
            "enter",
            "reconstruct",
            texts.KEY_RECONSTRUCT,
            id="review-reconstruct",
            tooltip=texts.TIP_RECONSTRUCT,
            priority=True,
        ),
        Binding(
            "ctrl+a",
            "set_action",
            texts.KEY_SET_ACTION,
            id="review-action",
            tooltip=texts.TIP_SET_ACTION,
        ),
        Binding(
            "ctrl+x",
            "close_item",
            texts.KEY_CLOSE_ITEM,
            id="review-close",
            tooltip=texts.TIP_CLOSE_ITEM,
        ),
        Binding("escape", "leave", texts.KEY_TO_DESK, id="review-leave", tooltip=texts.TIP_TO_DESK),
        Binding(
            "ctrl+g", "toggle_chart", texts.KEY_CHART, id="review-chart", tooltip=texts.TIP_CHART
        ),
        Binding("[", "day(-1)", texts.KEY_PREVIOUS_DAY, id="review-previous-day", key_display="["),
        Binding("]", "day(1)", texts.KEY_NEXT_DAY, id="review-next-day", key_display="]"),
    ]

    def __init__(self, day: date | None = None):
        super().__init__()
        #: the day reviewed; None: yesterday, as the service decides
        self.day = day
        self.view: ReviewView | None = None
        self.rows: dict[str, Row] = {}
        #: action forms closed with Esc keep what was typed, per feedback id
        self.action_drafts: dict[int, tuple[str, str, str]] = {}
        #: None: shown when the terminal is tall enough; else as the team lead toggled it
        self.chart_wanted: bool | None = None
        self._chart_client: str | None = None
        self._keep: str | None = None  # the row to highlight again after a reload

    @property
    def desk(self) -> Desk:
        return desk_of(self)

    def compose(self) -> ComposeResult:
        yield Static(texts.REVIEW_LOADING, id="review-title")
        with Horizontal(id="review-main"):
            yield OptionList(id="review-list")
            with VerticalScroll(id="review-detail-box"):
                yield Static(id="review-detail")
        yield WeekChart(id="review-chart")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#review-detail-box").border_title = texts.REVIEW_DETAIL_TITLE
        self.query_one("#review-list").focus()
        self._layout()
        self.load()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        short = self.size.height < SHORT
        self.set_class(short, "-short")
        shown = (not short) if self.chart_wanted is None else self.chart_wanted
        self.query_one(WeekChart).display = shown
        self.set_class(shown, "-chart")

    # --- loading ---------------------------------------------------------------------------

    @dataclass
    class Loaded(Message):
        view: ReviewView

    @dataclass
    class LoadFailed(Message):
        reason: str

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def load(self) -> None:
        from kccdesk.core.errors import StorageError

        desk = self.desk
        try:
            if not desk.actor.from_database:  # on PostgreSQL the login's role decides
                desk.adopt_database_identity()
            review = desk.review(self.day)
            rows = build_rows(desk, review)
            names = {r.client: desk.client(r.client).name for r in rows if r.kind == "client"}
        except StorageError as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(ReviewView(review, rows, names)))

    def on_review_screen_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#review-title", Static).update(
            Text(texts.REVIEW_NOT_ALLOWED.format(reason=message.reason), "bold red")
        )

    def on_review_screen_loaded(self, message: Loaded) -> None:
        view = message.view
        self.view = view
        self.day = view.review.day
        self.query_one("#review-title", Static).update(self._title(view.review))
        options = self.query_one("#review-list", OptionList)
        keep = self._keep or (options.highlighted_option.id if options.highlighted_option else None)
        self._keep = None
        self.rows = {row.key: row for row in view.rows}
        options.clear_options()
        options.add_options([Option(row.prompt, id=row.key) for row in view.rows])
        if not view.rows:
            day = texts.short_date(view.review.day)
            self.query_one("#review-detail", Static).update(texts.REVIEW_EMPTY.format(day=day))
            self.query_one(WeekChart).show_message("", texts.CHART_NONE)
            self.refresh_bindings()
            return
        keys = [row.key for row in view.rows]
        if keep in keys:
            index = keys.index(keep)
        else:
            first = next((i for i, r in enumerate(view.rows) if r.kind == "feedback"), 0)
            index = first
        options.highlighted = index
        self._show_row(view.rows[index])

    def _title(self, review: Review) -> Text:
        today = self.desk.clock().astimezone(SERVICE_ZONE).date()
        day = review.day
        label = f"{texts.DAYS[day.weekday()]} {texts.short_date(day)}"
        if day == today:
            label += texts.REVIEW_TODAY
        elif day == today - timedelta(days=1):
            label += texts.REVIEW_YESTERDAY
        return Text(texts.REVIEW_TITLE.format(day=label, open=review.open_items), "bold")

    # --- the highlighted row -----------------------------------------------------------------

    @property
    def current(self) -> Row | None:
        option = self.query_one("#review-list", OptionList).highlighted_option
        return self.rows.get(option.id) if option is not None and option.id else None

    @on(OptionList.OptionHighlighted, "#review-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        row = self.rows.get(event.option.id or "")
        if row is not None:
            self._show_row(row)

    def _show_row(self, row: Row) -> None:
        self.query_one("#review-detail", Static).update(row.detail)
        self.refresh_bindings()
        if row.client != self._chart_client:
            self._chart_client = row.client
            self.query_one(WeekChart).show_message("", texts.CHART_LOADING)
            self.load_chart(row.client)

    def on_key(self, event: events.Key) -> None:
        """A dimmed item key pressed on a row that is not feedback says where it works
        (Textual would let it pass silently)."""
        action = ITEM_KEYS.get(event.key)
        if action is None or self.view is None or not self.view.rows:
            return
        row = self.current
        if row is not None and row.feedback is None:
            event.stop()
            event.prevent_default()
            self.explain_unavailable(action)

    def explain_unavailable(self, action: str) -> None:
        """Why an item key does nothing here (also for the command palette)."""
        text = texts.REVIEW_ONLY_FEEDBACK.get(action)
        if text is not None:
            self.notify(text, timeout=4)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The item keys work on feedback; on other rows they are shown dimmed."""
        if action in ("reconstruct", "set_action", "close_item"):
            row = self.current
            return True if row is not None and row.feedback is not None else None
        return True

    # --- the chart ---------------------------------------------------------------------------

    @dataclass
    class ChartLoaded(Message):
        client: str
        name: str
        points: list[WeekPoint] | None

    @work(thread=True, exclusive=True, group="chart", exit_on_error=False)
    def load_chart(self, client_id: str) -> None:
        """The client's last weeks (Desk.weekly_series); None when the client is gone."""
        desk = self.desk
        if not desk.has_client(client_id):
            self.post_message(self.ChartLoaded(client_id, client_id, None))
            return
        points = points_from(desk.weekly_series(client_id, weeks=CHART_WEEKS))
        self.post_message(self.ChartLoaded(client_id, desk.client(client_id).name, points))

    def on_review_screen_chart_loaded(self, message: ChartLoaded) -> None:
        if message.client != self._chart_client:
            return  # the team lead has moved on to another client
        chart = self.query_one(WeekChart)
        if message.points is None:
            chart.show_message(texts.CHART_TITLE.format(name=message.name), texts.CHART_NONE)
        else:
            chart.show(message.name, message.points)

    def action_toggle_chart(self) -> None:
        self.chart_wanted = not self.query_one(WeekChart).display
        self._layout()

    # --- actions -----------------------------------------------------------------------------

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_day(self, step: int) -> None:
        if self.view is None:
            return
        today = self.desk.clock().astimezone(SERVICE_ZONE).date()
        day = self.view.review.day + timedelta(days=step)
        if day > today:
            return
        self.day = day
        self.query_one("#review-title", Static).update(texts.REVIEW_LOADING)
        self.load()

    def _feedback(self) -> FeedbackRecord | None:
        row = self.current
        if row is None or row.feedback is None:
            self.notify(texts.REVIEW_NOT_FEEDBACK, timeout=3)
            return None
        return row.feedback

    def action_reconstruct(self) -> None:
        from kccdesk.ui.screens.review_dialogs import ReconstructionDialog

        item = self._feedback()
        if item is None:
            return

        def closed(choice: str | None) -> None:
            if choice == "action":
                self.action_set_action()

        self.app.push_screen(ReconstructionDialog(item), closed)

    def action_set_action(self) -> None:
        from kccdesk.ui.screens.review_dialogs import ActionForm

        item = self._feedback()
        if item is None:
            return

        def closed(saved: FeedbackRecord | None) -> None:
            if saved is not None:
                self.reload(f"f:{saved.id}")

        self.app.push_screen(ActionForm(item, self.action_drafts), closed)

    def action_close_item(self) -> None:
        from kccdesk.ui.screens.review_dialogs import CloseDialog

        item = self._feedback()
        if item is None:
            return

        def chosen(status: str | None) -> None:
            if status:
                self.close_item(item.id, status)

        self.app.push_screen(CloseDialog(item), chosen)

    def reload(self, keep: str | None = None) -> None:
        self._keep = keep
        self.load()

    @dataclass
    class Closed(Message):
        feedback_id: int
        status: str

    @dataclass
    class CloseFailed(Message):
        reason: str

    @work(thread=True, group="feedback-update", exit_on_error=False)
    def close_item(self, feedback_id: int, status: str) -> None:
        from kccdesk.core.errors import InputError, StorageError
        from kccdesk.teamlead.feedback import FeedbackChange

        try:
            self.desk.update_feedback(feedback_id, FeedbackChange(status=status))
        except (InputError, StorageError) as exc:
            self.post_message(self.CloseFailed(str(exc)))
            return
        self.post_message(self.Closed(feedback_id, status))

    def on_review_screen_closed(self, message: Closed) -> None:
        self.notify(texts.CLOSED_AS.format(id=message.feedback_id, status=message.status))
        self.reload(f"f:{message.feedback_id}")

    def on_review_screen_close_failed(self, message: CloseFailed) -> None:
        self.notify(texts.ACTION_REFUSED.format(reason=message.reason), severity="error")
