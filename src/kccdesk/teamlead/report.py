"""The client report for one week, for the monthly talk with the client: the indicators, the
week's feedback with action, owner and status, the recurring patterns, and what we ask of the
client — derived from items whose cause lies with them or whose reconstruction shows that their
roster change reached us after the call.

Rendered as plain text (the command line's default), JSON, CSV and Markdown (to mail or print).
The CSV is one table with one header, so the reports of many clients can be concatenated:
`client, week, soort` say what a row is — `kerncijfer` (one indicator per row: `sleutel` is the
JSON key, `waarde` a bare number with a decimal point, `toelichting` its definition),
`feedback` (one item per row in the feedback columns), `patroon` and `vraag` (`waarde` the count,
`feedback` the item ids). Text typed by people (what the client said, action, owner) that
begins with = + - or @ gets a leading apostrophe, so a spreadsheet never runs it as a formula.
No caller numbers are in any format: the report goes to the client.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kccdesk.ack.trail import AckFigures
from kccdesk.clients.model import DUTCH_WEEKDAYS, Client
from kccdesk.core.when import date_text, duration_text, weekday
from kccdesk.records import FeedbackRecord
from kccdesk.teamlead.indicators import DEFINITIONS, REPEAT_WINDOW, Indicators, average_text
from kccdesk.teamlead.patterns import Pattern
from kccdesk.teamlead.reconstruction import Reconstruction, relative
from kccdesk.texts import (
    ASK_BY_CATEGORY,
    ASK_BY_KIND,
    ASK_OTHER,
    ASK_ROSTER,
)
from kccdesk.texts import (
    FEEDBACK_CATEGORY_TEXT as CATEGORY_TEXT,
)
from kccdesk.texts import (
    FEEDBACK_CAUSE_TEXT as CAUSE_TEXT,
)
from kccdesk.texts import (
    FEEDBACK_STATUS_TEXT as STATUS_TEXT,
)
from kccdesk.texts import REPORT_ACK as ACK_LABELS
from kccdesk.texts import (
    REPORT_CALL_TYPE_COMPLETE as CALL_TYPE_COMPLETE,
)
from kccdesk.texts import (
    REPORT_CALL_TYPE_LABEL as CALL_TYPE_LABEL,
)
from kccdesk.texts import (
    REPORT_INDICATORS as INDICATOR_LABELS,
)
from kccdesk.texts import (
    REPORT_LABELS as LABELS,
)
from kccdesk.texts import (
    ROSTER_CHANGE_ACTION as ACTION_TEXT,
)
from kccdesk.texts import (
    ROSTER_CHANGE_KIND as KIND_TEXT,
)

CSV_COLUMNS = (
    "client",
    "week",
    "soort",
    "sleutel",
    "omschrijving",
    "waarde",
    "toelichting",
    "feedback",
    "tijdstip",
    "categorie",
    "status",
    "oorzaak",
    "persoon",
    "wat_de_klant_zei",
    "actie",
    "eigenaar",
    "structureel",
)
#: a spreadsheet treats a cell beginning with one of these as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Ask:
    """Something the client can do so the mistake does not recur."""

    text: str
    items: tuple[int, ...]  # the feedback ids it comes from
    reasons: tuple[str, ...]  # one Dutch line per item: why

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "items": list(self.items), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ReportItem:
    feedback: FeedbackRecord
    structural: bool
    verdict: str  # the reconstruction's verdict; "" for an item without a note or call
    late: bool  # the client's roster change reached us after the call

    def as_dict(self) -> dict[str, object]:
        return {
            **self.feedback.as_dict(),
            "structural": self.structural,
            "verdict": self.verdict or None,
            "late_roster_change": self.late,
        }


@dataclass(frozen=True)
class ClientReport:
    client: str
    name: str
    timezone: str
    indicators: Indicators
    items: tuple[ReportItem, ...]
    patterns: tuple[Pattern, ...]
    asks: tuple[Ask, ...]
    made_at: datetime
    #: how the week's urgent notes were acknowledged (kccdesk.ack.trail)
    acknowledgement: AckFigures | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "client": self.client,
            "name": self.name,
            "timezone": self.timezone,
            "week": self.indicators.week.label,
            "made_at": self.made_at.isoformat(),
            "indicators": self.indicators.as_dict(),
            "feedback": [i.as_dict() for i in self.items],
            "patterns": [p.as_dict() for p in self.patterns],
            "asks": [a.as_dict() for a in self.asks],
            "acknowledgement": _ack_dict(self.acknowledgement),
        }


def _ack_dict(figures: AckFigures | None) -> dict[str, object] | None:
    if figures is None:
        return None
    return {
        "urgent_notes": figures.urgent,
        "acknowledged": figures.acknowledged,
        "minutes_to_ack_median": figures.median_minutes,
        "minutes_to_ack_p90": figures.p90_minutes,
        "share_within_window": figures.within_window,
        "escalations": figures.escalations,
        "escalations_per_week": figures.escalations_per_week,
    }


def asks_for(items: list[FeedbackRecord], reconstructions: dict[int, Reconstruction]) -> list[Ask]:
    """What we ask of the client: from each item (not unfounded, not judged ours by the team)
    whose reconstruction shows a late roster change, by the kind of entry changed; else from
    items whose cause is the client, by category. Most frequent first."""
    found: dict[str, tuple[list[int], list[str]]] = {}

    def add(text: str, item: FeedbackRecord, reason: str) -> None:
        ids, reasons = found.setdefault(text, ([], []))
        if item.id not in ids:
            ids.append(item.id)
        reasons.append(f"{reason} (#{item.id})")

    for item in sorted(items, key=lambda i: (i.happened_at, i.id)):
        if item.status == "onterecht" or item.cause == "ons":
            continue
        rebuilt = reconstructions.get(item.id)
        late = rebuilt.late_changes if rebuilt is not None else ()
        for change in late:
            what = f"{KIND_TEXT.get(change.kind, change.kind)} {ACTION_TEXT.get(change.action, '')}"
            add(
                ASK_BY_KIND.get(change.kind, ASK_ROSTER),
                item,
                f"{what} {relative(change.after_event)} het gesprek",
            )
        if not late and item.cause == "client":
            add(
                ASK_BY_CATEGORY.get(item.category, ASK_OTHER),
                item,
                CATEGORY_TEXT.get(item.category, item.category),
            )
    asks = [Ask(text, tuple(ids), tuple(why)) for text, (ids, why) in found.items()]
    return sorted(asks, key=lambda a: (-len(a.items), a.text))


def build_report(
    client: Client,
    indicators: Indicators,
    items: list[FeedbackRecord],
    reconstructions: dict[int, Reconstruction],
    patterns: list[Pattern],
    made_at: datetime,
) -> ClientReport:
    """Join the week's parts; `items`: the feedback of the week."""
    structural = {i for p in patterns for i in p.items}
    ordered = sorted(items, key=lambda i: (i.happened_at, i.id))
    report_items = []
    for item in ordered:
        rebuilt = reconstructions.get(item.id)
        report_items.append(
            ReportItem(
                item,
                item.id in structural,
                rebuilt.verdict if rebuilt is not None else "",
                bool(rebuilt is not None and rebuilt.late_changes),
            )
        )
    return ClientReport(
        client=client.id,
        name=client.name,
        timezone=client.timezone,
        indicators=indicators,
        items=tuple(report_items),
        patterns=tuple(patterns),
        asks=tuple(asks_for(items, reconstructions)),
        made_at=made_at,
    )


# --- formatting helpers -------------------------------------------------------------------


def _pct(value: float | None) -> str:
    if value is None:
        return LABELS["not_applicable"]
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def _day(moment: date) -> str:
    return f"{weekday(moment)} {date_text(moment)}"


def _when(report: ClientReport, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(report.timezone))


def _period(report: ClientReport) -> str:
    ind = report.indicators
    hours = round(ind.hours)
    return (
        f"{_day(_when(report, ind.start))} t/m {_day(ind.week.sunday)} "
        f"({report.timezone}, {hours} {LABELS['hours']})"
    )


def _provisional(report: ClientReport) -> str:
    ind = report.indicators
    last = _when(report, ind.end + REPEAT_WINDOW - timedelta(seconds=1)).date()
    return LABELS["provisional"].format(day=date_text(last))


def summary(report: ClientReport) -> list[tuple[str, str, str]]:
    """(label, value, detail) per line of the indicator table in text and Markdown."""
    ind = report.indicators
    no_end = ind.calls - ind.timed
    timing = f"tijden: softphone {ind.timing_softphone}, desk-timer {ind.timing_desk}"
    if no_end:
        timing += f"; {no_end} zonder eindtijd"
    ftr = (
        f"{ind.first_time_right} van {ind.judgeable} te beoordelen gesprekken; "
        f"{ind.not_judgeable} zonder nummer niet te beoordelen"
    )
    if ind.provisional:
        ftr += f"; {_provisional(report)}"
    return [
        (INDICATOR_LABELS["calls"], str(ind.calls), f"gemist: {ind.missed}"),
        (
            INDICATOR_LABELS["average_handling_seconds"],
            average_text(ind.average_handling_seconds),
            timing,
        ),
        (INDICATOR_LABELS["notes"], str(ind.notes), ""),
        (INDICATOR_LABELS["transfers"], str(ind.transfers), f"mislukt: {ind.failed_transfers}"),
        (INDICATOR_LABELS["stopped_transfers"], str(ind.stopped_transfers), ""),
        (INDICATOR_LABELS["overrides"], str(ind.overrides), ""),
        (INDICATOR_LABELS["feedback"], str(ind.feedback), f"onterecht: {ind.feedback_unfounded}"),
        ("First-time-right", _pct(ind.first_time_right_pct), ftr),
        *(
            (
                CALL_TYPE_LABEL.format(title=title),
                str(count),
                CALL_TYPE_COMPLETE.format(complete=complete, pct=_pct(100 * complete / count)),
            )
            for title, count, complete in ind.call_types
        ),
        *_ack_rows(report.acknowledgement),
    ]


def _minutes(value: float | None) -> str:
    return "—" if value is None else duration_text(timedelta(minutes=value))


def _ack_rows(figures: AckFigures | None) -> list[tuple[str, str, str]]:
    """The acknowledgement lines of the indicator table (none without urgent notes)."""
    if figures is None or not figures.urgent:
        return []
    share = None if figures.within_window is None else 100 * figures.within_window
    per_week = f"{figures.escalations_per_week:.1f}".replace(".", ",")
    return [
        (
            ACK_LABELS["time"],
            _minutes(figures.median_minutes),
            ACK_LABELS["time_detail"].format(
                p90=_minutes(figures.p90_minutes), acked=figures.acknowledged, of=figures.urgent
            ),
        ),
        (ACK_LABELS["within"], _pct(share), ACK_LABELS["within_detail"]),
        (
            ACK_LABELS["escalations"],
            str(figures.escalations),
            ACK_LABELS["per_week"].format(count=per_week),
        ),
    ]


def _definitions() -> list[tuple[str, str]]:
    labels = {**INDICATOR_LABELS, "first_time_right": "First-time-right"}
    return [(labels[key], text) for key, text in DEFINITIONS.items()]


def _item_line(report: ClientReport, item: ReportItem) -> tuple[str, str, str]:
    f = item.feedback
    when = _when(report, f.happened_at)
    category = CATEGORY_TEXT.get(f.category, f.category)
    if item.structural:
        category += f" ({LABELS['structural']})"
    return f"#{f.id}", f"{DUTCH_WEEKDAYS[when.weekday()]} {when:%d-%m %H:%M}", category


# --- renderers ----------------------------------------------------------------------------


def to_json(report: ClientReport) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def to_text(report: ClientReport) -> str:
    """What `kccdesk report` prints without a format option."""
    out = [
        f"{LABELS['title']} {report.name} ({report.client}) — week {report.indicators.week.label}",
        f"{LABELS['period']}: {_period(report)}",
        f"{LABELS['made']}: {_when(report, report.made_at):%d-%m-%Y %H:%M}",
        "",
        LABELS["indicators"],
    ]
    rows = summary(report)
    width = max(len(label) for label, _, _ in rows)
    for label, value, detail in rows:
        out.append(f"  {label:<{width}}  {value}" + (f"  ({detail})" if detail else ""))
    out += ["", LABELS["feedback"]]
    if not report.items:
        out.append(f"  {LABELS['no_feedback']}")
    for item in report.items:
        f = item.feedback
        number, when, category = _item_line(report, item)
        out.append(
            f"  {number} {when}  {category} — {LABELS['status']}: "
            f"{STATUS_TEXT.get(f.status, f.status)}, {LABELS['cause']}: "
            f"{CAUSE_TEXT.get(f.cause, f.cause)}"
        )
        out += [f"      {line}" for line in f.said.splitlines() or [""]]
        if f.action or f.owner:
            owner = f" ({LABELS['owner']}: {f.owner})" if f.owner else ""
            out.append(f"      {LABELS['action']}: {f.action or '—'}{owner}")
    out += ["", LABELS["patterns"]]
    out += [f"  - {p.text}" for p in report.patterns] or [f"  {LABELS['no_patterns']}"]
    out += ["", LABELS["asks"]]
    for ask in report.asks:
        out.append(f"  - {ask.text[0].upper()}{ask.text[1:]} ({len(ask.items)}×)")
        out += [f"      {why}" for why in ask.reasons]
    if not report.asks:
        out.append(f"  {LABELS['no_asks']}")
    out += ["", LABELS["definitions"]]
    out += [f"  {label}: {text}" for label, text in _definitions()]
    return "\n".join(out) + "\n"


#: characters that make markup in the middle of a line (emphasis, links and images need a
#: "[", code a backtick, tables a pipe); "-", "." or "(" do nothing there and stay readable
MARKDOWN_SPECIAL = "\\`*_[]|<>~"


def _plain(text: str) -> str:
    """Text as Markdown shows it literally: what people typed never becomes bold, a link, an
    image or HTML when the report is mailed (a mail client renders it)."""
    escaped = "".join(f"\\{ch}" if ch in MARKDOWN_SPECIAL else ch for ch in text)
    return html.escape(escaped, quote=False).replace("\\&lt;", "&lt;").replace("\\&gt;", "&gt;")


def _cell(text: str) -> str:
    """Text in a Markdown table cell: markup escaped, line breaks as <br>."""
    lines = (_plain(line.strip()) for line in text.strip().splitlines())
    return "<br>".join(lines) or "—"


def to_markdown(report: ClientReport) -> str:
    """Headings and tables, ready to paste in a mail or print for the monthly talk."""
    ind = report.indicators
    made = _when(report, report.made_at)
    out = [
        f"# {LABELS['title']} {report.name} — week {ind.week.week}, {ind.week.year}",
        "",
        f"**{LABELS['period']}:** {_period(report)}  ",
        f"**{LABELS['made']}:** {made:%d-%m-%Y %H:%M}",
        "",
        f"## {LABELS['indicators']}",
        "",
        f"| {LABELS['col_indicator']} | {LABELS['col_value']} | {LABELS['col_detail']} |",
        "|---|---:|---|",
    ]
    out += [f"| {_cell(a)} | {_cell(b)} | {_cell(c)} |" for a, b, c in summary(report)]
    out += ["", f"## {LABELS['feedback']}", ""]
    if report.items:
        heads = (
            LABELS["col_id"],
            LABELS["col_when"],
            LABELS["col_category"],
            LABELS["col_said"],
            LABELS["cause"].capitalize(),
            LABELS["action"].capitalize(),
            LABELS["owner"].capitalize(),
            LABELS["status"].capitalize(),
        )
        out += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for item in report.items:
            f = item.feedback
            cells = (
                *_item_line(report, item),
                f.said,
                CAUSE_TEXT.get(f.cause, f.cause),
                f.action,
                f.owner,
                STATUS_TEXT.get(f.status, f.status),
            )
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    else:
        out.append(f"_{LABELS['no_feedback']}_")
    out += ["", f"## {LABELS['patterns']}", ""]
    out += [f"- {_plain(p.text)}" for p in report.patterns] or [f"_{LABELS['no_patterns']}_"]
    out += ["", f"## {LABELS['asks']}", ""]
    for ask in report.asks:
        why = _plain("; ".join(ask.reasons))
        out.append(f"- **{ask.text[0].upper()}{ask.text[1:]}** ({len(ask.items)}×) — {why}")
    if not report.asks:
        out.append(f"_{LABELS['no_asks']}_")
    out += ["", f"## {LABELS['definitions']}", ""]
    out += [f"- **{label}**: {text}" for label, text in _definitions()]
    return "\n".join(out) + "\n"


def _safe(text: str) -> str:
    """Free text for a spreadsheet: never a formula."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def indicator_rows(ind: Indicators) -> list[tuple[str, str, float | int | None, str]]:
    """(key, label, value, definition): one per indicator, for the CSV."""
    avg = ind.average_handling_seconds
    values: list[tuple[str, float | int | None, str]] = [
        ("calls", ind.calls, "calls"),
        ("missed", ind.missed, "missed"),
        (
            "average_handling_seconds",
            None if avg is None else round(avg, 1),
            "average_handling_seconds",
        ),
        ("timing_softphone", ind.timing_softphone, "average_handling_seconds"),
        ("timing_desk", ind.timing_desk, "average_handling_seconds"),
        ("notes", ind.notes, "notes"),
        ("transfers", ind.transfers, "transfers"),
        ("failed_transfers", ind.failed_transfers, "failed_transfers"),
        ("stopped_transfers", ind.stopped_transfers, "stopped_transfers"),
        ("overrides", ind.overrides, "overrides"),
        ("feedback", ind.feedback, "feedback"),
        ("feedback_unfounded", ind.feedback_unfounded, "feedback"),
        ("first_time_right_pct", ind.first_time_right_pct, "first_time_right"),
        ("first_time_right", ind.first_time_right, "first_time_right"),
        ("judgeable", ind.judgeable, "first_time_right"),
        ("not_judgeable", ind.not_judgeable, "first_time_right"),
        ("not_measured", None, "not_measured"),
    ]
    return [(key, INDICATOR_LABELS[key], v, DEFINITIONS[d]) for key, v, d in values]


def to_csv(report: ClientReport) -> str:
    """One table (CSV_COLUMNS); see the module's docstring for the layout."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    base = {"client": report.client, "week": report.indicators.week.label}

    def row(**cells: object) -> dict[str, object]:
        return {**base, **cells}

    for key, label, value, definition in indicator_rows(report.indicators):
        writer.writerow(
            row(
                soort="kerncijfer",
                sleutel=key,
                omschrijving=label,
                waarde="" if value is None else value,
                toelichting=definition,
            )
        )
    for title, count, complete in report.indicators.call_types:
        writer.writerow(
            row(
                soort="gesprekssoort",
                sleutel=_safe(title),
                omschrijving=CALL_TYPE_LABEL.format(title=_safe(title)),
                waarde=count,
                toelichting=CALL_TYPE_COMPLETE.format(
                    complete=complete, pct=_pct(100 * complete / count)
                ),
            )
        )
    for item in report.items:
        f = item.feedback
        writer.writerow(
            row(
                soort="feedback",
                sleutel=f.category,
                omschrijving=CATEGORY_TEXT.get(f.category, f.category),
                toelichting=_safe(item.verdict),
                feedback=f.id,
                tijdstip=_when(report, f.happened_at).isoformat(),
                categorie=f.category,
                status=f.status,
                oorzaak=f.cause,
                persoon=_safe(f.person),
                wat_de_klant_zei=_safe(f.said),
                actie=_safe(f.action),
                eigenaar=_safe(f.owner),
                structureel="ja" if item.structural else "nee",
            )
        )
    for p in report.patterns:
        writer.writerow(
            row(
                soort="patroon",
                sleutel=p.category,
                omschrijving=p.text,
                waarde=len(p.items),
                feedback=" ".join(str(i) for i in p.items),
                categorie=p.category,
                persoon=p.person,
            )
        )
    for ask in report.asks:
        writer.writerow(
            row(
                soort="vraag",
                omschrijving=ask.text,
                waarde=len(ask.items),
                toelichting="; ".join(ask.reasons),
                feedback=" ".join(str(i) for i in ask.items),
            )
        )
    return buffer.getvalue()
