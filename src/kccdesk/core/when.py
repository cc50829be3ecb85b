"""How a day, a time, a period and a duration are written (Dutch), once for every layer.

The domain's reasons (a rule's refusal, a gap's cause) and the interface's labels both say
dates and periods; each wording is one function here, so "t/m", "24:00" or "40 min" read
the same in the desk, the command line, the mails and the reports.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

#: the days of the week as agents write them, Monday first
WEEKDAY_NAMES = ("ma", "di", "wo", "do", "vr", "za", "zo")
#: what an open-ended absence lasts
UNTIL_FURTHER_NOTICE = "tot nader bericht"


def weekday(moment: date) -> str:
    """'ma', 'di', …: whatever the machine's locale."""
    return WEEKDAY_NAMES[moment.weekday()]


def date_text(day: date) -> str:
    """'24-12-2026' (four digits of year always: '01-01-0001', not '01-01-1')."""
    return f"{day:%d-%m}-{day.year:04d}"


def clock_text(at: time | None) -> str:
    """'08:30'; None, the end of the day, as '24:00'."""
    return "24:00" if at is None else f"{at:%H:%M}"


def moment_text(moment: datetime) -> str:
    """'24-12-2026 17:00', or the date alone at midnight (a day's bound)."""
    if moment.time() == time(0):
        return date_text(moment)
    return f"{date_text(moment)} {moment:%H:%M}"


def day_date_time(moment: datetime) -> str:
    """'do 24-12-2026 17:00'."""
    return f"{weekday(moment)} {date_text(moment)} {moment:%H:%M}"


def through(day: date | None) -> str:
    """'t/m 24-12-2026' (an inclusive last day), or 'tot nader bericht' without one."""
    return UNTIL_FURTHER_NOTICE if day is None else f"t/m {date_text(day)}"


def days_text(first: date, last: date | None) -> str:
    """'van 24-12-2026 t/m 26-12-2026', or 'vanaf 24-12-2026 tot nader bericht'."""
    if last is None:
        return f"vanaf {date_text(first)} {UNTIL_FURTHER_NOTICE}"
    return f"van {date_text(first)} {through(last)}"


def span_text(begins: datetime, ends: datetime | None) -> str:
    """A local, half-open period: whole days as 'van 21-12-2026 t/m 23-12-2026', else with
    its times; an open end as 'vanaf … tot nader bericht', datetime.max as 'vanaf …'."""
    if ends is None:
        return f"vanaf {moment_text(begins)} {UNTIL_FURTHER_NOTICE}"
    if ends == datetime.max:
        return f"vanaf {moment_text(begins)}"
    if begins.time() == time(0) and ends.time() == time(0):
        return days_text(begins.date(), (ends - timedelta(days=1)).date())
    return f"van {moment_text(begins)} tot {moment_text(ends)}"


def duration_text(delta: timedelta, *, seconds: bool = False) -> str:
    """'40 min', '2 u 5 min', '3 dagen' (from two days on); with `seconds` a short one to the
    second: '3 min 25 s', '45 s'."""
    if seconds:
        minutes, rest = divmod(round(abs(delta).total_seconds()), 60)
        if not minutes:
            return f"{rest} s"
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    minutes = round(abs(delta).total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} u {rest} min" if rest else f"{hours} u"
    return f"{minutes // (24 * 60)} dagen"


def parse_clock(text: str) -> time:
    """'08:30' → time(8, 30); '24:00' is not a time of day and is refused."""
    hours, sep, minutes = text.strip().partition(":")
    digits = (hours + minutes).isascii()  # "٠٨:٠٠" is digits to Python, not to a reader
    if not (sep and digits and hours.isdigit() and minutes.isdigit()) or len(minutes) != 2:
        raise ValueError(f"tijd '{text}' is niet in de vorm UU:MM")
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"tijd '{text}' bestaat niet")
    return time(h, m)


def parse_day(text: str, today: date) -> date:
    """A typed date: '24-12-2026', '24-12' (the year of `today`), '24/12/2026' or
    '2026-12-24'; refused when it does not exist or is written in other digits."""
    text = text.strip()
    try:
        if not text.isascii():  # "٢٤-١٢-٢٠٢٦" is digits to Python, not to a reader
            raise ValueError
        if len(text) >= 8 and text[4] == "-":
            return date.fromisoformat(text)
        pieces = text.replace("/", "-").replace(".", "-").split("-")
        parts = [int(p) for p in pieces]
        if len(parts) == 2:
            parts.append(today.year)
        elif len(pieces[2]) < 4:  # "12-05-80": 1980 or 2080? the reader must say
            raise YearTooShort(f"datum '{text}': typ het jaar met vier cijfers (dd-mm-jjjj)")
        day, month, year = parts
        return date(year, month, day)
    except YearTooShort:
        raise
    except (ValueError, IndexError):
        raise ValueError(f"datum '{text}' bestaat niet (dd-mm-jjjj)") from None


class YearTooShort(ValueError):
    """A date typed with a two-digit year: which century is not for kccdesk to guess."""


def parse_end_clock(text: str) -> time | None:
    """An end time: '24:00', the end of the day, is None (as clock_text writes it)."""
    return None if text.strip() == "24:00" else parse_clock(text)


def timer_text(seconds: float) -> str:
    """The call timer: '03:25' (minutes past the hour go on: '75:00')."""
    whole = max(0, int(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"
