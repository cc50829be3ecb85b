"""Each answer checked as it is typed, by the kind of its field: a wrong postcode or an
impossible date is said while the caller is still on the line, not found by the mechanic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kccdesk.clients.model import TypeField
from kccdesk.core.text_rule import MAX_NAME, blank, forbidden, too_long
from kccdesk.core.when import date_text, parse_day

#: the longest answer of a text field: an address, a frame number, a short description
MAX_ANSWER = MAX_NAME
#: the years a date answer may fall in (a date of birth, an appointment, a case date)
FIRST_YEAR, LAST_YEAR = 1900, 2100

_NL_POSTCODE = re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$")
_BE_POSTCODE = re.compile(r"^(?:B-?)?([1-9]\d{3})$", re.IGNORECASE)
#: letters the Dutch post never gives a postcode (SA, SD, SS)
_NL_NEVER = ("SA", "SD", "SS")
#: 12, 12a, 12 bis, 12-3, 12/A: a number, and a letter addition or one after - or /
_HOUSE_NUMBER = re.compile(
    r"^([1-9]\d{0,4})(?:\s*(bis|[a-z]{1,4})|\s*[-/]\s*([a-z0-9]{1,4}))?$", re.IGNORECASE
)

YES = ("ja", "j", "yes", "y")
NO = ("nee", "n", "no")


@dataclass(frozen=True)
class Answer:
    """An answer as typed, as it is stored (`value`: normalised, "1234 AB"), and why it
    cannot be (`problem`, None when it can)."""

    typed: str
    value: str
    problem: str | None = None

    @property
    def given(self) -> bool:
        return bool(self.value) and self.problem is None


def check_answer(field: TypeField, typed: str, country: str, today: date) -> Answer:
    """The answer to `field` checked for its kind; an empty answer is no problem here (a
    required field is refused on save, kccdesk.calltypes.rules.missing)."""
    text = typed.strip()
    if not text or blank(text):
        return Answer(typed, "")
    wrong = forbidden(text)
    if wrong is not None:
        return Answer(typed, "", wrong.says(field.label))
    long = too_long(text, MAX_ANSWER)
    if long:
        return Answer(typed, "", f"{field.label} is {long}")
    value, problem = _CHECKS[field.kind](field, text, country, today)
    return Answer(typed, value if problem is None else "", problem)


def _text(_field: TypeField, text: str, _country: str, _today: date) -> tuple[str, str | None]:
    return " ".join(text.split()), None


def _postcode(field: TypeField, text: str, country: str, _today: date) -> tuple[str, str | None]:
    """Dutch '1234 AB' or Belgian '1234', whichever the client's country; the other
    country's form is taken too (a caller from across the border)."""
    dutch = _NL_POSTCODE.match(text)
    if dutch:
        letters = dutch.group(2).upper()
        if letters in _NL_NEVER:
            return "", f"{field.label}: {dutch.group(1)} {letters} bestaat niet (nooit SA, SD, SS)"
        return f"{dutch.group(1)} {letters}", None
    belgian = _BE_POSTCODE.match(text)
    if belgian:
        if country == "BE":
            return belgian.group(1), None
        if text[:1].upper() == "B":  # B-1234 at a Dutch client: marked as Belgian
            return f"B-{belgian.group(1)}", None
        return "", (
            f"{field.label}: een Nederlandse postcode is 4 cijfers en 2 letters (1234 AB); "
            "een Belgische: typ B-1234"
        )
    if country == "BE":
        return "", f"{field.label}: een Belgische postcode is 4 cijfers (1000–9999)"
    if text[:1] == "0":
        return "", f"{field.label}: een postcode begint nooit met 0 (1000 AA – 9999 ZZ)"
    return "", f"{field.label}: een postcode is 4 cijfers en 2 letters (1234 AB)"


def _house_number(
    field: TypeField, text: str, _country: str, _today: date
) -> tuple[str, str | None]:
    found = _HOUSE_NUMBER.match(text)
    if not found:
        return "", (
            f"{field.label}: een huisnummer is een getal met eventueel een toevoeging "
            "(12, 12a, 12-3, 12 bis)"
        )
    number, letters, after_dash = found.groups()
    if after_dash:
        return f"{number}-{after_dash.lower()}", None
    if letters and letters.casefold() == "bis":
        return f"{number} bis", None
    return number + (letters or "").lower(), None


def _date(field: TypeField, text: str, _country: str, today: date) -> tuple[str, str | None]:
    try:
        day = parse_day(text, today)
    except ValueError as exc:
        return "", f"{field.label}: {exc}"
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return "", f"{field.label}: {date_text(day)} ligt buiten {FIRST_YEAR}–{LAST_YEAR}"
    return date_text(day), None


def _date_of_birth(
    field: TypeField, text: str, country: str, today: date
) -> tuple[str, str | None]:
    separators = sum(text.count(sep) for sep in "-/.")
    if separators < 2 and not (len(text) >= 8 and text[4:5] == "-"):
        return "", f"{field.label}: typ de hele datum met het jaar (dd-mm-jjjj)"
    value, problem = _date(field, text, country, today)
    if problem:
        return value, problem
    if parse_day(value, today) > today:
        return "", f"{field.label}: {value} ligt in de toekomst"
    return value, None


def _yes_no(field: TypeField, text: str, _country: str, _today: date) -> tuple[str, str | None]:
    word = text.casefold()
    if word in YES:
        return "ja", None
    if word in NO:
        return "nee", None
    return "", f"{field.label}: vul ja of nee in"


def _choice(field: TypeField, text: str, _country: str, _today: date) -> tuple[str, str | None]:
    """One of the choices, in any case; a beginning that fits one choice only is that one."""
    wanted = " ".join(text.split()).casefold()
    exact = [c for c in field.choices if c.casefold() == wanted]
    if exact:
        return exact[0], None
    starting = [c for c in field.choices if c.casefold().startswith(wanted)]
    if len(starting) == 1:
        return starting[0], None
    options = ", ".join(field.choices)
    if starting:
        return "", f"{field.label}: '{text}' past bij meer dan één keuze ({', '.join(starting)})"
    return "", f"{field.label}: kies uit {options}"


def _phone(field: TypeField, text: str, country: str, _today: date) -> tuple[str, str | None]:
    from kccdesk.clients.phones import check

    checked = check(text, country)
    if not checked.valid:
        return "", f"{field.label}: {checked.error}"
    return checked.e164 or text, None


_CHECKS = {
    "text": _text,
    "postcode": _postcode,
    "house_number": _house_number,
    "date": _date,
    "date_of_birth": _date_of_birth,
    "yes_no": _yes_no,
    "choice": _choice,
    "phone": _phone,
}
