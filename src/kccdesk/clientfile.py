"""The client TOML format of DESIGN.md: reading with errors that name file, line and entry,
and writing back the same format so that export → import round-trips.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kccdesk.ack.escalation import MAX_MINUTES, MAX_STEPS, step_problem
from kccdesk.calltypes.answers import check_answer
from kccdesk.clients.dialing import normalise
from kccdesk.clients.model import (
    FIELD_KINDS,
    URGENCIES,
    URGENT,
    WEEKDAYS,
    Absence,
    AgendaPolicy,
    AnswerRule,
    CallType,
    Client,
    Closure,
    Coverage,
    EscalationStep,
    ExtraShift,
    Opening,
    Person,
    Route,
    Topic,
    TypeField,
    WeeklyShift,
)
from kccdesk.clients.phones import SUPPORTED_COUNTRIES, check
from kccdesk.core.errors import ImportErrors
from kccdesk.core.text_rule import MAX_INSTRUCTIONS, MAX_NAME, blank, too_long
from kccdesk.core.when import clock_text, parse_clock, parse_end_clock
from kccdesk.duty.kinds import BY_SECTION
from kccdesk.duty.rules import client_problems, date_problem, text_problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

#: texts that may span lines (line breaks and tabs allowed); every other text is one line
MULTILINE = frozenset({"body", "instructions", "greeting"})
#: the largest number a count in a client file may be (coverage `min`)
MAX_COUNT = 1000

#: a strict e-mail address: ASCII local part and a domain with at least one dot
EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)

#: zone names that exist on disk but are no place: the machine's own, the tz database's
#: placeholder, and the duplicate trees with leap seconds or POSIX rules
_NOT_PLACES = ("localtime", "Factory", "posixrules")
_NOT_PLACE_TREES = ("posix/", "right/")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(
        z
        for z in available_timezones()
        if z not in _NOT_PLACES and not z.startswith(_NOT_PLACE_TREES)
    )


def timezone_problem(name: str) -> str | None:
    """Why a time zone is not a canonical IANA name (e.g. 'Europe/Amsterdam'), else None."""
    if name in _NOT_PLACES or name.startswith(_NOT_PLACE_TREES) or name not in _zones():
        return f"onbekende tijdzone '{name}' (gebruik een IANA-naam zoals Europe/Amsterdam)"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"onbekende tijdzone '{name}' (gebruik een IANA-naam zoals Europe/Amsterdam)"
    return None


@lru_cache(maxsize=1)
def _holiday_countries() -> frozenset[str]:
    # Imported only when a file names public holidays; the registry's codes, not
    # holidays.list_supported_countries(), which loads every country's module (~70 ms more)
    # for their subdivisions (the same codes: a test keeps them equal).
    from holidays.registry import EntityLoader

    return frozenset(EntityLoader.get_country_codes(True))


def holidays_problem(country: str) -> str | None:
    """Why `public_holidays` names no country the holidays package knows, else None."""
    if country.upper() in _holiday_countries():
        return None
    return f"public_holidays '{country}' is geen bekend land (gebruik een landcode zoals NL of BE)"


def email_problem(name: str, value: str) -> str | None:
    """Why an e-mail address cannot be used (empty is allowed: no address), else None."""
    if not value:
        return None
    control = text_problem(name, value)
    if control:
        return control
    if parseaddr(value)[1] != value or not EMAIL.match(value):
        return f"{name} '{value}' is geen geldig e-mailadres"
    return None


def phone_problem(name: str, value: str, country: str) -> str | None:
    """Why a stored number is not valid for the client's country (or in E.164), else None."""
    result = check(value, country)
    if result.valid:
        return None
    return f"{name} '{value}' is ongeldig: {result.error}"


def text_field_problem(key: str, value: str) -> str | None:
    """One text of client data: the text rule (kccdesk.core.text_rule; line breaks only in
    the long texts) and its length limit."""
    problem = text_problem(key, value, multiline=key in MULTILINE)
    if problem:
        return problem
    longest = MAX_INSTRUCTIONS if key in MULTILINE or key == "after_hours" else MAX_NAME
    if key == AGENDA:  # a calendar's secret address is long (Outlook's: 150–250 characters)
        longest = MAX_AGENDA_ADDRESS
    too_much = too_long(value, longest)
    return f"veld '{key}' is {too_much}" if too_much else None


def _text_errors(
    client: Client, path: str, headers: dict[tuple[object, ...], int]
) -> list[ClientFileError]:
    """Every text of the client, wherever the client came from (a file was checked field by
    field as it was read; a client built otherwise is checked here, the same way)."""
    errors: list[ClientFileError] = []

    def check(item: object, section: str, index: int) -> None:
        for spec in fields(item):  # type: ignore[arg-type]
            value = getattr(item, spec.name)
            texts = [value] if isinstance(value, str) else []
            if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
                texts = list(value)
            for text in texts:
                problem = text_field_problem(spec.name, text)
                if problem:
                    label = "client" if section == "client" else f"{LABELS[section]} {index}"
                    errors.append(
                        ClientFileError(path, problem, headers.get((section, index)), label)
                    )

    check(client, "client", 1)
    for section in ("people", "topics", *BY_SECTION, "opening"):
        for index, item in enumerate(getattr(client, section), 1):
            check(item, section, index)
    return errors


#: entry label used in messages, per section
LABELS = (
    {"people": "persoon", "topics": "onderwerp"}
    | {s: k.label for s, k in BY_SECTION.items()}
    | {"opening": "openingstijd"}
)
#: the section of call types: its entries carry tables of their own (fields, routes), so it
#: is read, checked and written apart from the flat sections above
CALL_TYPES = "call_types"
CALL_TYPE_KEYS = (
    "id",
    "title",
    "keywords",
    "instructions",
    "urgency",
    "route_to",
    "fields",
    "routes",
    "escalation",
)
#: the most fields (or routes) a call type may have: a script an agent can follow
MAX_FIELDS = 30
#: the most call types one client may have
MAX_CALL_TYPES = 200
#: labels of every section, call types included
SECTION_LABELS = {**LABELS, CALL_TYPES: "gesprekssoort", "escalation": "escalatie"}
#: the section of the escalation order of urgent notes (kccdesk.ack.escalation)
ESCALATION = "escalation"


@dataclass
class ClientFileError(Exception):
    """One problem in one file; str() is the message shown to the user."""

    path: str
    message: str
    line: int | None = None
    entry: str | None = None

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.entry + ': ' if self.entry else ''}{self.message}"


def _header_lines(text: str) -> dict[tuple[object, ...], int]:
    """(section, 1-based index) → line of its [[section]] header, for messages; and
    (section, index, table, number) → line of a table inside that entry
    ([[call_types.fields]])."""
    lines: dict[tuple[object, ...], int] = {}
    counts: dict[str, int] = {}
    inner: dict[tuple[str, int, str], int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        match = re.match(r"^\s*\[\[\s*([A-Za-z_]+)\s*(?:\.\s*([A-Za-z_]+)\s*)?\]\]", raw)
        if match and match.group(2):  # [[call_types.fields]]: a table of the last entry
            section, table = match.group(1), match.group(2)
            key = (section, counts.get(section, 0), table)
            inner[key] = inner.get(key, 0) + 1
            lines[(*key, inner[key])] = number
        elif match:
            section = match.group(1)
            counts[section] = counts.get(section, 0) + 1
            lines[(section, counts[section])] = number
        elif re.match(r"^\s*\[\s*client\s*\]", raw):
            lines[("client", 1)] = number
        elif re.match(r"^\s*\[\s*agenda\s*\]", raw):
            lines[("agenda", 1)] = number
    return lines


class _Reader:
    """Reads one table's fields with type checks; errors carry the entry's label."""

    def __init__(self, table: dict[str, Any], entry: str, allowed: Iterable[str]):
        self.table = table
        self.entry = entry
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            raise ValueError(f"onbekend veld '{unknown[0]}'")

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.table.get(key)
        if value is None:
            if required:
                raise ValueError(f"veld '{key}' ontbreekt")
            return default
        if not isinstance(value, str):
            raise ValueError(f"veld '{key}' moet tekst zijn")
        if required and blank(value):  # spaces or only invisible characters
            raise ValueError(f"veld '{key}' is leeg")
        problem = text_field_problem(key, value)
        if problem:
            raise ValueError(problem)
        return value

    def slug(self, key: str) -> str:
        """An id a command line or another entry names: lower-case letters, digits, . _ -."""
        value = self.text(key, required=True)
        if not SLUG.match(value):
            raise ValueError(f"{key} '{value}' mag alleen kleine letters, cijfers, . _ - bevatten")
        return value

    def tables(self, key: str, most: int) -> list[dict[str, Any]]:
        """A list of tables (`[[call_types.fields]]`), at most `most`."""
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ValueError(f"'{key}' moet een lijst van tabellen zijn")
        if len(value) > most:
            raise ValueError(f"'{key}' heeft {len(value)} regels; hooguit {most}")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.text(key)
        return value or None

    def words(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"veld '{key}' moet een lijst van teksten zijn")
        if len(value) > MAX_COUNT:
            raise ValueError(f"veld '{key}' heeft {len(value)} teksten; hooguit {MAX_COUNT}")
        for item in value:
            problem = text_field_problem(key, item)  # each word the length of a name at most
            if problem:
                raise ValueError(problem)
        return tuple(value)

    def days(self, key: str) -> tuple[str, ...]:
        """Weekdays as the file writes them (mon … sun)."""
        days = tuple(d.lower() for d in self.words(key))
        for day in days:
            if day not in WEEKDAYS:
                raise ValueError(f"onbekende dag '{day}' (gebruik {', '.join(WEEKDAYS)})")
        return days

    def day(self, key: str, required: bool = False) -> date | None:
        value = self.table.get(key)
        if value is None:
            if required:
                raise ValueError(f"veld '{key}' ontbreekt")
            return None
        day: date | None = None
        if isinstance(value, date) and not hasattr(value, "hour"):
            day = value
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                day = date.fromisoformat(value)
        if day is None:
            raise ValueError(f"veld '{key}' moet een datum zijn (JJJJ-MM-DD), niet '{value}'")
        problem = date_problem(key, day)
        if problem:
            raise ValueError(problem)
        return day

    def required_day(self, key: str) -> date:
        value = self.day(key, required=True)
        assert value is not None  # day() raised when it was missing
        return value

    def clock(self, key: str) -> time:
        value = self.table.get(key)
        if value is None:
            raise ValueError(f"veld '{key}' ontbreekt")
        if isinstance(value, time):
            if value.second or value.microsecond or value.tzinfo:
                raise ValueError(
                    f'tijd {key} = {value.isoformat()} heeft seconden; schrijf "UU:MM"'
                )
            return value
        if not isinstance(value, str):
            raise ValueError(f"veld '{key}' moet een tijd zijn (\"UU:MM\")")
        return parse_clock(value)

    def moment(self, key: str, required: bool = False) -> tuple[date | None, time | None]:
        """A day (2026-12-22) or a local date-time (2026-12-22T17:00) as (day, time)."""
        value = self.table.get(key)
        if isinstance(value, datetime) or (isinstance(value, str) and "T" in value):
            moment: datetime | None = value if isinstance(value, datetime) else None
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    moment = datetime.fromisoformat(value)
            if moment is None or moment.tzinfo is not None or moment.second or moment.microsecond:
                raise ValueError(
                    f"veld '{key}' moet een datum (JJJJ-MM-DD) of een lokale tijd "
                    f"(JJJJ-MM-DDTUU:MM, zonder tijdzone) zijn, niet '{value}'"
                )
            problem = date_problem(key, moment.date())
            if problem:
                raise ValueError(problem)
            return moment.date(), moment.time()
        return self.day(key, required=required), None

    def end_clock(self, key: str) -> time | None:
        """A time, or "24:00" (the end of the day) as None."""
        value = self.table.get(key)
        if isinstance(value, str) and value.strip() == clock_text(None):
            return parse_end_clock(value)  # the end of the day
        return self.clock(key)

    def count(self, key: str, default: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"veld '{key}' moet een geheel getal zijn")
        if value > MAX_COUNT:  # no roster needs more; a database integer holds it
            raise ValueError(f"veld '{key}' is {value}; hooguit {MAX_COUNT}")
        return value

    def entry_version(self) -> int | None:
        """The entry's version at export (optional): an import refuses the entry when the
        stored one has been changed since."""
        value = self.table.get("version")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError("veld 'version' moet een positief geheel getal zijn")
        if "id" not in self.table:
            raise ValueError("veld 'version' hoort bij een 'id'")
        return value

    def entry_id(self) -> int | None:
        """The stored entry's id that export writes (optional; matches the entry on import)."""
        value = self.table.get("id")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError("veld 'id' moet een positief geheel getal zijn")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise ValueError(f"veld '{key}' moet true of false zijn")
        return value


class AtLine(ValueError):
    """A problem in a table inside an entry (a call type's field or route): `where` is its
    (table, 1-based number), so the message can name that table's own line."""

    def __init__(self, message: str, where: tuple[str, int]):
        super().__init__(message)
        self.where = where


#: field kinds a `when` rule cannot be about: no one answer of a date or number is a rule
NO_RULES_ON = ("date", "date_of_birth", "phone")


def _shown_id(value: object) -> str:
    """An entry's id as a message may show it: steering characters visible, 60 at most."""
    import unicodedata

    text = "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in str(value)
    )
    return text if len(text) <= 60 else text[:59] + "…"


def read_call_type(t: dict[str, Any], country: str) -> CallType:
    """One `[[call_types]]` entry checked (file and any other source alike); ValueError says
    what is wrong, an AtLine one with the line of its field or route when known."""
    r = _Reader(t, "call type", CALL_TYPE_KEYS)
    type_id = r.slug("id")
    urgency = r.optional_text("urgency")
    if urgency is not None and urgency not in URGENCIES:
        raise ValueError(f"urgency '{urgency}' onbekend (kies uit {', '.join(URGENCIES)})")
    fields: list[TypeField] = []
    for number, table in enumerate(r.tables("fields", MAX_FIELDS), 1):
        try:
            fields.append(_type_field(table, country))
        except ValueError as exc:
            ident = _shown_id(table.get("id", ""))
            raise AtLine(f"veld {number} ('{ident}'): {exc}", ("fields", number)) from None
        if [f.id for f in fields].count(fields[-1].id) > 1:
            message = f"veld {number}: id '{fields[-1].id}' komt twee keer voor"
            raise AtLine(message, ("fields", number))
    routes: list[Route] = []
    for number, table in enumerate(r.tables("routes", MAX_FIELDS), 1):
        try:
            routes.append(_type_route(table))
        except ValueError as exc:
            raise AtLine(f"route {number}: {exc}", ("routes", number)) from None
    steps: list[EscalationStep] = []
    for number, table in enumerate(r.tables("escalation", MAX_STEPS), 1):
        try:
            steps.append(read_escalation_step(table))
        except ValueError as exc:
            raise AtLine(f"escalatie {number}: {exc}", ("escalation", number)) from None
    return CallType(
        escalation=tuple(steps),
        id=type_id,
        title=r.text("title", required=True),
        keywords=r.words("keywords"),
        instructions=r.text("instructions"),
        urgency=urgency,
        route_to=r.optional_text("route_to"),
        fields=tuple(fields),
        routes=tuple(routes),
    )


def _type_field(t: dict[str, Any], country: str) -> TypeField:
    r = _Reader(t, "field", ("id", "label", "kind", "required", "choices", "when"))
    kind = r.text("kind", default="text")
    if kind not in FIELD_KINDS:
        raise ValueError(f"soort '{kind}' onbekend (kies uit {', '.join(FIELD_KINDS)})")
    choices = r.words("choices")
    if kind == "choice" and not choices:
        raise ValueError("soort 'choice' heeft een lijst 'choices' nodig")
    if choices and kind != "choice":
        raise ValueError("'choices' hoort alleen bij soort 'choice'")
    folded = [" ".join(c.split()).casefold() for c in choices]
    if any(not c for c in folded):
        raise ValueError("'choices' heeft een lege keuze")
    if len(set(folded)) != len(folded):
        raise ValueError("'choices' noemt een keuze twee keer")
    field = TypeField(
        id=r.slug("id"),
        label=r.text("label", required=True),
        kind=kind,
        required=r.flag("required"),
        choices=choices,
    )
    rule = t.get("when")
    if rule is None:
        return field
    if not isinstance(rule, dict):
        raise ValueError("'when' moet een tabel zijn: { answer = …, urgency = …, say = … }")
    if kind in NO_RULES_ON:
        raise ValueError(f"'when' kan niet bij soort '{kind}' (een vast antwoord past daar niet)")
    w = _Reader(rule, "when", ("answer", "urgency", "say"))
    answer = w.text("answer", required=True)
    checked = check_answer(field, answer, country, date(2000, 1, 1))
    if not checked.given:
        reason = checked.problem or "leeg"
        raise ValueError(f"when.answer '{answer}' is geen mogelijk antwoord ({reason})")
    urgency = w.optional_text("urgency")
    if urgency is not None and urgency != URGENT:
        raise ValueError(
            f"when.urgency '{urgency}' kan niet: een antwoord maakt een notitie alleen "
            f"dringender ('{URGENT}'), nooit minder dringend"
        )
    say = w.text("say")
    if urgency is None and not say:
        raise ValueError("'when' zegt niet wat er gebeurt: geef urgency of say")
    return replace(field, when=AnswerRule(checked.value, urgency, say))


def read_escalation_step(t: dict[str, Any]) -> EscalationStep:
    """One `[[escalation]]` step's fields (what its target means is checked with the client)."""
    r = _Reader(t, "escalation", ("after_minutes", "to", "rounds"))
    minutes = t.get("after_minutes")
    if minutes is None:
        raise ValueError("veld 'after_minutes' ontbreekt")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValueError("veld 'after_minutes' moet een geheel getal zijn")
    if not 1 <= minutes <= MAX_MINUTES:  # checked here too: a database integer holds it
        raise ValueError(f"after_minutes moet tussen 1 en {MAX_MINUTES} liggen")
    return EscalationStep(minutes, r.text("to", required=True).strip(), r.count("rounds", 1))


def _type_route(t: dict[str, Any]) -> Route:
    r = _Reader(t, "route", ("days", "start", "end", "route_to"))
    days = r.days("days")
    if not days:
        raise ValueError("geen dagen opgegeven")
    route = Route(days, r.clock("start"), r.end_clock("end"), r.text("route_to", required=True))
    if route.end == route.start:
        raise ValueError("begin en einde zijn gelijk")
    return route


def _entries(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    value = data.get(section, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"[[{section}]] moet een lijst van tabellen zijn")
    return value


#: a local date-time without seconds as a value (`from = 2026-12-22T17:00`): TOML 1.1, which
#: Python 3.11's tomllib (TOML 1.0) does not read yet
_SHORT_DATETIME = re.compile(
    r"^(\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})(?=\s*(?:#.*)?$)",
    re.MULTILINE,
)


def _loads(text: str) -> dict[str, Any]:
    """TOML 1.0, and TOML 1.1's local date-times without seconds (DESIGN.md writes them)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        widened = _SHORT_DATETIME.sub(r"\1:00", text)
        if widened == text:
            raise
        try:
            return tomllib.loads(widened)
        except tomllib.TOMLDecodeError:
            pass
        raise


#: tomllib's messages, in the shift lead's language (the rest keep their English words)
_TOML_ERRORS = (
    ("unclosed array", "lijst niet afgesloten (] ontbreekt)"),
    ("unclosed inline table", "tabel niet afgesloten (} ontbreekt)"),
    ("unterminated string", "tekst niet afgesloten (aanhalingsteken ontbreekt)"),
    ("expected '=' after a key", "'=' ontbreekt na de naam van een veld"),
    ("cannot overwrite a value", "dit veld staat er al"),
    ("cannot declare", "deze tabel staat er al"),
    ("invalid date or datetime", "ongeldige datum of tijd"),
    ("invalid value", "ongeldige waarde (tekst tussen aanhalingstekens?)"),
    ("invalid statement", "ongeldige regel"),
    ("illegal character", "ongeldig teken"),
    ("invalid initial character for a key", "ongeldig teken aan het begin van een veldnaam"),
)


def _dutch_toml_error(message: str) -> str:
    lowered = message.lower()
    for english, dutch in _TOML_ERRORS:
        if lowered.startswith(english):
            return dutch
    return message


def parse_client(text: str, path: str = "<tekst>") -> Client:
    """Parse one client file's text; raises ImportErrors listing every problem found."""
    return _parse_client(text, path)[0]


def _parse_client(text: str, path: str) -> tuple[Client, dict[str, Any]]:
    """The client and its file's [client] table as read (load_clients takes `exported`
    from it: the file is read once)."""
    text = text.removeprefix("\ufeff")
    try:
        data = _loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            found = re.search(r"line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
        message = _dutch_toml_error(getattr(exc, "msg", str(exc)))
        raise ImportErrors([ClientFileError(path, f"geen geldige TOML: {message}", line)]) from None
    except RecursionError:  # tomllib recurses per nesting level
        raise ImportErrors(
            [ClientFileError(path, "geen geldige TOML: lijsten of tabellen te diep genest")]
        ) from None

    headers = _header_lines(text)
    errors: list[ClientFileError] = []

    def fail(
        message: str,
        section: str = "client",
        index: int = 1,
        ident: str = "",
        line: int | None = None,
    ) -> None:
        label = (
            "client" if section == "client" else f"{SECTION_LABELS.get(section, section)} {index}"
        )
        if ident:
            label += f" ('{_shown_id(ident)}')"
        line = line or headers.get((section, index))
        errors.append(ClientFileError(path, message, line, label))

    unknown_sections = sorted(set(data) - {"client", CALL_TYPES, AGENDA, ESCALATION, *LABELS})
    for section in unknown_sections:
        fail(f"onbekende sectie '{section}'")

    head = data.get("client")
    if not isinstance(head, dict):
        raise ImportErrors([ClientFileError(path, "sectie [client] ontbreekt", 1)])

    def read_list(section: str, build: Callable[[dict[str, Any]], Any]) -> tuple[Any, ...]:
        items = []
        try:
            entries = _entries(data, section)
        except ValueError as exc:
            fail(str(exc), section)
            return ()
        for index, entry in enumerate(entries, 1):
            try:
                items.append(build(entry))
            except AtLine as exc:  # inside a table of the entry: that table's line
                line = headers.get((section, index, *exc.where))
                fail(str(exc), section, index, str(entry.get("id", "")), line)
            except ValueError as exc:
                fail(str(exc), section, index, str(entry.get("id", "")))
        return tuple(items)

    def person(t: dict[str, Any]) -> Person:
        r = _Reader(t, "person", Person.__dataclass_fields__)
        person_id = r.text("id", required=True)
        if not SLUG.match(person_id):
            raise ValueError(f"id '{person_id}' mag alleen kleine letters, cijfers, . _ - bevatten")
        return Person(
            id=person_id,
            name=r.text("name", required=True),
            role=r.text("role"),
            department=r.text("department"),
            phone=r.text("phone"),
            email=r.text("email"),
            keywords=r.words("keywords"),
            transfer=r.flag("transfer", default=True),
            notes_to=r.optional_text("notes_to"),
            agenda=_agenda_address(r.text("agenda")),
            replaced_by=r.optional_text("replaced_by"),
        )

    def topic(t: dict[str, Any]) -> Topic:
        r = _Reader(t, "topic", Topic.__dataclass_fields__)
        result = Topic(
            id=r.text("id", required=True),
            title=r.text("title", required=True),
            body=r.text("body"),
            keywords=r.words("keywords"),
            valid_from=r.day("valid_from"),
            valid_until=r.day("valid_until"),
            pinned=r.flag("pinned"),
            route_to=r.optional_text("route_to"),
        )
        if result.valid_from and result.valid_until and result.valid_until < result.valid_from:
            raise ValueError("valid_until ligt voor valid_from")
        return result

    def shift(t: dict[str, Any]) -> WeeklyShift:
        r = _Reader(t, "shift", ("id", "version", "person", "days", "start", "end", "on_closures"))
        days = r.days("days")
        return WeeklyShift(
            r.text("person", required=True),
            days,
            r.clock("start"),
            r.clock("end"),
            r.entry_id(),
            version=r.entry_version(),
            on_closures=r.flag("on_closures"),
        )

    def coverage(t: dict[str, Any]) -> Coverage:
        r = _Reader(
            t,
            "coverage",
            ("id", "version", "days", "start", "end", "department", "min", "on_closures"),
        )
        days = r.days("days")
        return Coverage(
            days,
            r.clock("start"),
            r.end_clock("end"),
            r.optional_text("department"),
            r.count("min", 1),
            r.entry_id(),
            version=r.entry_version(),
            on_closures=r.flag("on_closures"),
        )

    def extra(t: dict[str, Any]) -> ExtraShift:
        r = _Reader(t, "extra shift", ("id", "version", "person", "date", "start", "end"))
        return ExtraShift(
            r.text("person", required=True),
            r.required_day("date"),
            r.clock("start"),
            r.clock("end"),
            r.entry_id(),
            version=r.entry_version(),
        )

    def absence(t: dict[str, Any]) -> Absence:
        r = _Reader(
            t,
            "absence",
            ("id", "version", "person", "from", "until", "reason", "replaced_by", "covers"),
        )
        start, start_time = r.moment("from", required=True)
        until, until_time = r.moment("until")
        assert start is not None  # moment() raised when it was missing
        return Absence(
            person=r.text("person", required=True),
            start=start,
            until=until,
            reason=r.text("reason"),
            replaced_by=r.optional_text("replaced_by"),
            id=r.entry_id(),
            version=r.entry_version(),
            covers=r.flag("covers"),
            start_time=start_time,
            until_time=until_time,
        )

    def opening(t: dict[str, Any]) -> Opening:
        r = _Reader(t, "opening", ("days", "start", "end", "on_closures"))
        days = r.days("days")
        if not days:
            raise ValueError("geen dagen opgegeven")
        row = Opening(days, r.clock("start"), r.end_clock("end"), r.flag("on_closures"))
        if row.end == row.start:
            raise ValueError("begin en einde zijn gelijk")
        return row

    def closure(t: dict[str, Any]) -> Closure:
        r = _Reader(t, "closure", ("id", "version", "from", "until", "reason"))
        return Closure(
            r.required_day("from"),
            r.required_day("until"),
            r.text("reason"),
            r.entry_id(),
            version=r.entry_version(),
        )

    client_fields = (
        set(Client.__dataclass_fields__)
        - set(LABELS)
        - {
            "_people_by_id",
            "memo",
            CALL_TYPES,
            AGENDA,
            ESCALATION,
            "busy",
            "feeds",
        }
    )
    client_fields.add(EXPORTED)  # when the file was exported (load_clients reads it)
    try:
        r = _Reader(head, "client", client_fields)
        client_id = r.text("id", required=True)
        if not SLUG.match(client_id):
            raise ValueError(f"id '{client_id}' mag alleen kleine letters, cijfers, . _ - bevatten")
        country = r.text("country", default="NL").upper()
        if country not in SUPPORTED_COUNTRIES:
            raise ValueError(f"land '{country}' wordt niet ondersteund (NL of BE)")
        timezone = r.text("timezone", default="Europe/Amsterdam")
        problem = timezone_problem(timezone)
        if problem:
            raise ValueError(problem)
        holidays = r.optional_text("public_holidays")
        problem = holidays_problem(holidays) if holidays is not None else None
        if problem:
            raise ValueError(problem)
        fields: dict[str, Any] = dict(
            id=client_id,
            name=r.text("name", required=True),
            kind=r.text("kind"),
            lines=r.words("lines"),
            greeting=r.text("greeting"),
            instructions=r.text("instructions"),
            opening_hours=r.text("opening_hours"),
            country=country,
            timezone=timezone,
            public_holidays=holidays,
            callback_default=r.optional_text("callback_default"),
            fallback_email=r.text("fallback_email"),
            after_hours=r.text("after_hours"),
            after_hours_route=r.optional_text("after_hours_route"),
        )
    except ValueError as exc:
        fail(str(exc))
        raise ImportErrors(errors) from None

    client = Client(
        **fields,
        people=read_list("people", person),
        topics=read_list("topics", topic),
        shifts=read_list("shifts", shift),
        extra_shifts=read_list("extra_shifts", extra),
        absences=read_list("absences", absence),
        closures=read_list("closures", closure),
        coverage=read_list("coverage", coverage),
        opening=read_list("opening", opening),
        call_types=read_list(CALL_TYPES, lambda t: read_call_type(t, fields["country"])),
        agenda=_agenda_policy(data.get(AGENDA), fail, headers.get((AGENDA, 1))),
        escalation=read_list(ESCALATION, read_escalation_step),
    )
    errors.extend(semantic_errors(client, path, headers, texts_checked=True))
    if errors:
        raise ImportErrors(errors)
    client.memo[_SOUND] = True
    return client, head


#: in a Client's memo: this very object passed every rule (memo is new on every copy)
_SOUND = "client data rules passed"


def client_errors(client: Client, path: str) -> list[ClientFileError]:
    """The rules of client data for a client from any source; a client read from a file has
    passed them as it was read (with the file's line numbers) and is not checked twice."""
    if client.memo.get(_SOUND):
        return []
    errors = semantic_errors(client, path)
    if not errors:
        client.memo[_SOUND] = True
    return errors


def semantic_errors(
    client: Client,
    path: str,
    headers: dict[tuple[object, ...], int] | None = None,
    texts_checked: bool = False,
) -> list[ClientFileError]:
    """Every rule of client data beyond the file's syntax: texts (unless the reader checked
    them field by field already), unique ids, people that exist, possible shifts and
    periods. The service applies it to every import, whatever its source."""
    headers = headers or {}
    errors = [] if texts_checked else _text_errors(client, path, headers)
    people = {p.id for p in client.people}
    sections: tuple[tuple[str, tuple[Person | Topic, ...]], ...] = (
        ("people", client.people),
        ("topics", client.topics),
    )
    for section, items in sections:
        seen: set[str] = set()
        for index, item in enumerate(items, 1):
            if item.id in seen:
                errors.append(
                    ClientFileError(
                        path,
                        f"id '{item.id}' komt twee keer voor",
                        headers.get((section, index)),
                        f"{LABELS[section]} {index}",
                    )
                )
            seen.add(item.id)
    errors.extend(_field_errors(client, path, headers))
    if client.callback_default and client.callback_default not in people:
        errors.append(
            ClientFileError(
                path,
                f"callback_default '{client.callback_default}' bestaat niet bij {client.id}",
                headers.get(("client", 1)),
                "client",
            )
        )
    route = client.after_hours_route
    if route and route not in people:
        wrong = phone_problem("after_hours_route", route, client.country)
        if wrong:
            errors.append(
                ClientFileError(
                    path,
                    f"{wrong} (en geen medewerker van {client.id})",
                    headers.get(("client", 1)),
                    "client",
                )
            )
    for index, person in enumerate(client.people, 1):
        wrongs = (redirect_problem(client, person), replacement_problem(client, person))
        for wrong in filter(None, wrongs):
            errors.append(
                ClientFileError(path, wrong, headers.get(("people", index)), f"person {index}")
            )
    for index, item in enumerate(client.topics, 1):
        if item.route_to and item.route_to not in people:
            errors.append(
                ClientFileError(
                    path,
                    f"route_to '{item.route_to}' bestaat niet bij {client.id}",
                    headers.get(("topics", index)),
                    f"topic {index}",
                )
            )
    errors.extend(_call_type_errors(client, path, headers, read=texts_checked))
    errors.extend(_escalation_errors(client, path, headers))
    for problem in client_problems(client):
        errors.append(
            ClientFileError(
                path,
                problem.message,
                headers.get((problem.section, problem.index)),
                f"{LABELS[problem.section]} {problem.index}",
            )
        )
    return errors


def _escalation_errors(
    client: Client, path: str, headers: dict[tuple[object, ...], int]
) -> list[ClientFileError]:
    """Escalation steps (the client's, each call type's) that can be followed: a wait and
    rounds within bounds, a target the client has (kccdesk.ack.escalation.step_problem)."""
    errors: list[ClientFileError] = []
    orders: list[tuple[CallType | None, int, tuple[EscalationStep, ...]]]
    orders = [(None, 0, client.escalation)]
    orders += [(t, n, t.escalation) for n, t in enumerate(client.call_types, 1)]
    for call_type, type_index, steps in orders:
        if len(steps) > MAX_STEPS:
            many = f"{len(steps)} escalatiestappen; hooguit {MAX_STEPS}"
            errors.append(ClientFileError(path, many, None, "client"))
            continue
        for index, step in enumerate(steps, 1):
            problem = step_problem(client, step)
            if problem is None:
                continue
            line: int | None
            if call_type is None:
                label, line = f"escalatie {index}", headers.get((ESCALATION, index))
            else:
                label = f"{SECTION_LABELS[CALL_TYPES]} {type_index} ('{_shown_id(call_type.id)}')"
                label += f": escalatie {index}"
                line = headers.get((CALL_TYPES, type_index, ESCALATION, index)) or headers.get(
                    (CALL_TYPES, type_index)
                )
            errors.append(ClientFileError(path, problem, line, label))
    return errors


def _call_type_errors(
    client: Client, path: str, headers: dict[tuple[object, ...], int], read: bool = False
) -> list[ClientFileError]:
    """Call types with ids of their own, sending notes to someone the client has: a person's
    id or one of its departments."""
    errors: list[ClientFileError] = []
    people = {p.id for p in client.people}
    departments = {p.department for p in client.people if p.department}
    seen: set[str] = set()
    if len(client.call_types) > MAX_CALL_TYPES:
        errors.append(
            ClientFileError(
                path,
                f"{len(client.call_types)} gesprekssoorten; hooguit {MAX_CALL_TYPES}",
                headers.get((CALL_TYPES, 1)),
                "client",
            )
        )
        return errors
    from kccdesk.calltypes.table import call_type_table

    for index, call_type in enumerate(client.call_types, 1):

        def fail(message: str, index: int = index, ident: str = call_type.id) -> None:
            label = f"{SECTION_LABELS[CALL_TYPES]} {index} ('{_shown_id(ident)}')"
            errors.append(ClientFileError(path, message, headers.get((CALL_TYPES, index)), label))

        # the rules of the file's reader, whatever the source of the client (`read`: from
        # a file, whose reader applied them already)
        if not read:
            try:
                read_call_type(call_type_table(call_type), client.country)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                fail(str(exc))
                continue
        if call_type.id in seen:
            fail(f"id '{call_type.id}' komt twee keer voor")
        seen.add(call_type.id)
        targets = [("route_to", call_type.route_to)]
        targets += [(f"route {n}: route_to", r.route_to) for n, r in enumerate(call_type.routes, 1)]
        for name, target in targets:
            if target and target not in people and target not in departments:
                fail(f"{name} '{target}' is geen medewerker of afdeling van {client.id}")
    return errors


def _field_errors(
    client: Client, path: str, headers: dict[tuple[object, ...], int]
) -> list[ClientFileError]:
    """Numbers valid for the client's country (or E.164), one client per dialed line, e-mail
    addresses that parse."""
    errors: list[ClientFileError] = []

    def fail(message: str, section: str = "client", index: int = 1) -> None:
        label = "client" if section == "client" else f"{LABELS[section]} {index}"
        errors.append(ClientFileError(path, message, headers.get((section, index)), label))

    seen: dict[str, str] = {}
    for line in client.lines:
        problem = phone_problem("lijn", line, client.country)
        if problem:
            fail(problem)
            continue
        key = normalise(line, client.country)
        if key in seen:
            fail(f"lijn '{line}' staat twee keer in lines (ook als '{seen[key]}')")
        seen[key] = line
    problem = email_problem("fallback_email", client.fallback_email)
    if problem:
        fail(problem)
    for index, person in enumerate(client.people, 1):
        if person.phone:
            problem = phone_problem("telefoonnummer", person.phone, client.country)
            if problem:
                fail(problem, "people", index)
        problem = email_problem("e-mailadres", person.email)
        if problem:
            fail(problem, "people", index)
    return errors


def line_owners(clients: Iterable[Client]) -> dict[str, str]:
    """{dialed line in E.164: client id} of these clients."""
    return {normalise(line, c.country): c.id for c in clients for line in c.lines}


#: where a client came from: (file, line of its `lines`) by client id, for messages
Origins = dict[str, tuple[str, int | None]]


def line_conflicts(
    clients: Iterable[Client], existing: Iterable[Client], origin: Origins | None = None
) -> list[ClientFileError]:
    """A dialed line belongs to one client: every line of `clients` that another client of
    this batch or of `existing` (the clients already stored) has too. `origin` names the file
    and line of each client for the message."""
    origin = origin or {}
    clients = list(clients)
    batch = {c.id for c in clients}
    owners = {line: cid for line, cid in line_owners(existing).items() if cid not in batch}
    errors: list[ClientFileError] = []
    for client in clients:
        for line in client.lines:
            key = normalise(line, client.country)
            owner = owners.setdefault(key, client.id)
            if owner != client.id:
                where = f" (in {origin[owner][0]})" if owner in origin else ""
                path, at = origin.get(client.id, (client.id, None))
                errors.append(
                    ClientFileError(
                        path,
                        f"lijn '{line}' hoort al bij client '{owner}'{where}; "
                        "een gekozen nummer hoort bij één client",
                        at,
                        "client",
                    )
                )
    return errors


def redirect_problem(client: Client, person: Person) -> str | None:
    """Why a person's `notes_to` cannot stand: the target must be another person of this
    client who is not redirected in turn (no chains, no cycles)."""
    if person.notes_to is None:
        return None
    target = client.person(person.notes_to)
    if person.notes_to == person.id:
        return "notes_to verwijst naar de persoon zelf"
    if target is None:
        return f"notes_to '{person.notes_to}' bestaat niet bij {client.id}"
    if target.notes_to is not None:
        return (
            f"notes_to '{person.notes_to}' stuurt zelf door naar '{target.notes_to}'; "
            "verwijs rechtstreeks naar wie de notities leest"
        )
    return None


#: in an exported file's [client]: when kccdesk wrote it (hand-written files have none)
EXPORTED = "exported"


def replacement_problem(client: Client, person: Person) -> str | None:
    """Why a person's `replaced_by` (who replaces them when their calendar says they are
    away) cannot stand: another person of this client."""
    if person.replaced_by is None:
        return None
    if person.replaced_by == person.id:
        return "replaced_by verwijst naar de persoon zelf"
    if client.person(person.replaced_by) is None:
        return f"replaced_by '{person.replaced_by}' bestaat niet bij {client.id}"
    return None


#: the section of what calendar events mean (`[agenda]`)
AGENDA = "agenda"
#: the longest calendar address a person may carry
MAX_AGENDA_ADDRESS = 2000


def _agenda_address(value: str) -> str:
    """A person's calendar: an http(s) URL or a file path (a feed a script keeps on disk)."""
    value = value.strip()
    if not value:
        return ""
    if any(ch.isspace() for ch in value) and "://" in value:
        raise ValueError("agenda: een webadres zonder spaties")
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme and scheme not in ("http", "https", "webcal", "file"):
        raise ValueError(
            f"agenda: onbekend soort adres '{scheme}://' (gebruik https://, webcal:// of een pad)"
        )
    if scheme in ("http", "https", "webcal"):
        from urllib.parse import urlsplit

        try:
            host = urlsplit(value).hostname
        except ValueError:
            host = None
        if not host:
            raise ValueError("agenda: geen geldig webadres (de server ontbreekt of klopt niet)")
    elif not value.removeprefix("file://").startswith(("/", "~")):
        # Read by every desk and server, from wherever it runs: relative to what?
        raise ValueError("agenda: een bestand met zijn volledige pad (/… of ~/…)")
    return value


def _agenda_policy(table: object, fail: Callable[..., None], line: int | None) -> AgendaPolicy:
    """The client's `[agenda]` table; a wrong field is one error of the file."""
    if table is None:
        return AgendaPolicy()
    try:
        if not isinstance(table, dict):
            raise ValueError("[agenda] moet een tabel zijn")
        r = _Reader(table, AGENDA, AgendaPolicy.__dataclass_fields__)
        words = tuple(w.strip().casefold() for w in r.words("absent_words") if w.strip())
        several = next((w for w in words if len(w.split()) > 1 or not w.isalnum()), None)
        if several is not None:
            raise ValueError(
                f"absent_words: '{several}' is geen los woord (een titel wordt per woord gelezen)"
            )
        busy_is = r.text("busy_is", default="bezet")
        if busy_is not in ("bezet", ""):
            raise ValueError(f'busy_is \'{busy_is}\': gebruik "bezet" of ""')
        hours = r.count("stale_after_hours", 24)
        if not 1 <= hours <= 24 * 366:
            raise ValueError("stale_after_hours moet tussen 1 en 8784 liggen")
        return AgendaPolicy(
            absent_words=words if "absent_words" in table else AgendaPolicy.absent_words,
            busy_is=busy_is,
            show_titles=r.flag("show_titles"),
            stale_after_hours=hours,
        )
    except ValueError as exc:
        fail(str(exc), line=line)
        return AgendaPolicy()


def _exported_at(
    head: dict[str, Any], text: str, path: str, now: datetime | None = None
) -> datetime | None:
    """The `exported` time of a file's [client] (aware; a time without offset is UTC). A
    value that is no date and time, or lies ahead of `now`, is refused: trusted, it would
    let an import remove what was added after the real export."""
    value = head.get(EXPORTED)
    if value is None:
        return None
    line = _key_line(text, EXPORTED)
    if not isinstance(value, datetime):
        raise ImportErrors(
            [
                ClientFileError(
                    path,
                    f"{EXPORTED} moet een datum met tijd zijn (kccdesk export schrijft het)",
                    line,
                )
            ]
        )
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    if now is not None and moment > now + timedelta(minutes=1):
        raise ImportErrors(
            [ClientFileError(path, f"{EXPORTED} {moment.isoformat()} ligt in de toekomst", line)]
        )
    return moment


#: the largest client file read (a client with every person and topic fits many times over)
MAX_FILE_BYTES = 10_000_000


def client_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to their *.toml files (sorted). Refused, one line each: a missing
    path, a folder without client files or that cannot be read, and anything that is not a
    plain file — a FIFO or a device would wait forever for its end."""
    found: list[Path] = []
    refused: list[ClientFileError] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                inside = sorted(path.glob("*.toml"))
                if not inside:
                    refused.append(ClientFileError(str(path), "map zonder .toml-bestanden"))
                for file in inside:
                    problem = _not_a_client_file(file)
                    if problem:
                        refused.append(ClientFileError(str(file), problem))
                    else:
                        found.append(file)
                continue
            problem = _not_a_client_file(path)
        except OSError as exc:
            problem = f"kan niet gelezen worden ({exc.strerror or exc})"
        if problem:
            refused.append(ClientFileError(str(path), problem))
        else:
            found.append(path)
    if refused:
        raise ImportErrors(refused)
    return found


def _not_a_client_file(path: Path) -> str | None:
    """Why this path cannot be read as a client file, else None."""
    import stat

    try:
        status = path.stat()
    except FileNotFoundError:
        return "bestand of map bestaat niet"
    except OSError as exc:  # a symlink loop, a name too long, no permission on the folder
        return f"kan niet gelezen worden ({exc.strerror or exc})"
    if not stat.S_ISREG(status.st_mode):
        return "geen gewoon bestand (een apparaat, pipe of socket wordt niet gelezen)"
    if status.st_size > MAX_FILE_BYTES:
        return f"te groot voor een clientbestand ({status.st_size} bytes)"
    return None


def _key_line(text: str, key: str) -> int | None:
    """The line of the first `key = ...` in a text, else of its [client] header."""
    for number, raw in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*{key}\s*=", raw):
            return number
    return _header_lines(text).get(("client", 1))


def load_clients(
    paths: Iterable[str | Path],
    origins: Origins | None = None,
    exported: dict[str, datetime] | None = None,
    now: datetime | None = None,
) -> list[Client]:
    """Read every file; all problems of all files are raised together, nothing half-read.
    `origins`, when given, receives the file and line of each client's dialed lines;
    `exported` the time each exported file was written (its `exported`)."""
    errors: list[ClientFileError] = []
    clients: list[Client] = []
    origin: dict[str, Path] = {}
    where: Origins = {} if origins is None else origins
    for path in client_files(paths):
        try:
            text = path.read_text(encoding="utf-8-sig")  # a BOM (Windows editors) is no text
            client, head = _parse_client(text, str(path))
        except ImportErrors as exc:
            errors.extend(exc.errors)
            continue
        except OSError as exc:
            errors.append(
                ClientFileError(str(path), f"kan niet gelezen worden ({exc.strerror or exc})")
            )
            continue
        except UnicodeDecodeError as exc:
            errors.append(
                ClientFileError(
                    str(path), f"is geen UTF-8-tekst (byte {exc.start + 1} is ongeldig)"
                )
            )
            continue
        if client.id in origin:
            errors.append(
                ClientFileError(str(path), f"client '{client.id}' staat ook in {origin[client.id]}")
            )
            continue
        origin[client.id] = path
        where[client.id] = (str(path), _key_line(text, "lines"))
        try:
            when = _exported_at(head, text, str(path), now)
        except ImportErrors as exc:
            errors.extend(exc.errors)
            continue
        if exported is not None and when is not None:
            exported[client.id] = when
        clients.append(client)
    if not errors:
        errors.extend(line_conflicts(clients, [], where))
    if errors:
        raise ImportErrors(errors)
    return clients


# --- writing -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A record value as TOML wants it: times as "HH:MM" text, tuples as lists."""
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _table(item: Any) -> dict[str, Any]:
    """A record's fields in file order, leaving out what equals its default (a file without
    a field means the default); a period's start is 'from' in files."""
    rename = {"start": "from"} if isinstance(item, Absence | Closure) else {}
    table: dict[str, Any] = {}
    for f in fields(item):
        if not f.init or f.name in LABELS or f.name == CALL_TYPES:
            continue  # sections are written as tables of their own
        if isinstance(item, Client) and f.name in (AGENDA, ESCALATION, "busy", "feeds"):
            continue  # [agenda] is a table of its own; what the feeds gave is no file's
        value = getattr(item, f.name)
        if isinstance(item, Absence) and f.name in ("start_time", "until_time"):
            continue  # written with their day
        if isinstance(item, Absence) and f.name == "start" and item.start_time is not None:
            value = datetime.combine(item.start, item.start_time)
        if isinstance(item, Absence) and f.name == "until" and item.until_time is not None:
            value = datetime.combine(value, item.until_time)
        if isinstance(item, Coverage | Opening) and f.name == "end" and value is None:
            value = clock_text(None)
        default = f.default if f.default is not MISSING else None
        if value is None or value == default or value in ("", ()):
            continue
        table[rename.get(f.name, f.name)] = _plain(value)
    return table


def dump_client(client: Client, exported_at: datetime | None = None) -> str:
    """The client as TOML in the DESIGN.md format, written by a maintained TOML writer so any
    text (quotes, CR, emoji, right-to-left) round-trips. `exported_at`: written as the
    client's `exported` time, so that importing the file later knows what was added or
    changed since (and refuses to undo it) from what its writer removed. Written to the
    microsecond: a change in the same second as the export is told apart."""
    import tomli_w

    client = client.as_filed()
    head = _table(client)
    if exported_at is not None:
        head[EXPORTED] = exported_at.astimezone(UTC)
    document: dict[str, Any] = {"client": head}
    for section in LABELS:
        items = getattr(client, section)
        if items:
            document[section] = [_table(item) for item in items]
    if client.call_types:
        from kccdesk.calltypes.table import call_type_table

        document[CALL_TYPES] = [call_type_table(t) for t in client.call_types]
    if client.agenda != AgendaPolicy():
        policy = _table(client.agenda)
        policy["absent_words"] = list(client.agenda.absent_words)
        document[AGENDA] = policy
    if client.escalation:
        from kccdesk.calltypes.table import escalation_table

        document[ESCALATION] = [escalation_table(s) for s in client.escalation]
    return tomli_w.dumps(document)
