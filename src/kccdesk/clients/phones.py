"""Checking callback numbers the way agents type them, and reading them back aloud.

A callback note is only worth something if the number is right, so the check is strict and
explains itself in Dutch: which part is wrong, not just "invalid".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo

SUPPORTED_COUNTRIES = ("NL", "BE")

TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "vast",
    PhoneNumberType.MOBILE: "mobiel",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "vast of mobiel",
    PhoneNumberType.TOLL_FREE: "gratis (0800)",
    PhoneNumberType.PREMIUM_RATE: "betaalnummer",
    PhoneNumberType.SHARED_COST: "gedeelde kosten",
    PhoneNumberType.VOIP: "internettelefonie",
    PhoneNumberType.PERSONAL_NUMBER: "persoonlijk nummer",
    PhoneNumberType.PAGER: "pieper",
    PhoneNumberType.UAN: "servicenummer",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

_ALLOWED = re.compile(r"^[\d\s+()./\-]+$")


@dataclass(frozen=True)
class PhoneCheck:
    input: str
    valid: bool
    e164: str | None = None  # or the national form of a 14 0xx municipal number
    type: str | None = None
    display: str | None = None  # grouped for reading back aloud
    country: str | None = None
    error: str | None = None
    warning: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _refuse(text: str, error: str, country: str | None = None) -> PhoneCheck:
    return PhoneCheck(input=text, valid=False, error=error, country=country)


def group_for_reading(digits: str, prefix_length: int) -> str:
    """'0201234567', 3 → '020 123 45 67': the prefix, then pairs, a triple first when odd."""
    prefix, rest = digits[:prefix_length], digits[prefix_length:]
    groups: list[str] = []
    if len(rest) % 2:
        groups.append(rest[:3])
        rest = rest[3:]
    groups.extend(rest[i : i + 2] for i in range(0, len(rest), 2))
    return " ".join([prefix, *groups]) if prefix else " ".join(groups)


def _municipal(text: str, digits: str, region: str) -> PhoneCheck | None:
    """14 + area code without 0 (140412, 14 020): national form, as callers dial it."""
    if region == "NL" and re.fullmatch(r"14\d{3,4}", digits) and not text.strip().startswith("+"):
        return PhoneCheck(
            input=text,
            valid=True,
            e164=digits,
            type="gemeentenummer (14 0xx)",
            display=f"14 {digits[2:]}",
            country="NL",
        )
    return None


#: how agents know the supported countries, in messages
COUNTRY_NAMES = {"NL": "Nederlands", "BE": "Belgisch"}
#: the country code to type for a number of the other supported country
COUNTRY_CODES = {"NL": "+31", "BE": "+32"}


def _why_invalid(number: phonenumbers.PhoneNumber, region: str | None) -> str:
    """What is wrong, as the agent can fix it: too few or too many digits counted as they
    read them (with the 0), or which part of the number does not exist."""
    nsn = phonenumbers.national_significant_number(number).lstrip("0")
    if region == "NL":
        if nsn.startswith("6"):
            if len(nsn) != 9:
                word = "weinig" if len(nsn) < 9 else "veel"
                return (
                    f"te {word} cijfers voor een mobiel nummer: 06 + 8 cijfers, nu {len(nsn) - 1}"
                )
            return f"06-nummer bestaat niet: 06-{nsn[1]}… is geen mobiele reeks"
        if len(nsn) != 9:
            word = "weinig" if len(nsn) < 9 else "veel"
            return f"te {word} cijfers: een Nederlands nummer heeft 10 cijfers, nu {len(nsn) + 1}"
        return f"onbekend netnummer 0{nsn[:2]} of 0{nsn[:3]}"
    if region == "BE":
        mobile = nsn[:2] in ("45", "46", "47", "48", "49")  # 04 alone is Liège's zone
        wanted = 9 if mobile else 8
        if len(nsn) != wanted:
            word = "weinig" if len(nsn) < wanted else "veel"
            what = "mobiel nummer (04…)" if mobile else "vast nummer"
            return (
                f"te {word} cijfers: een Belgisch {what} heeft {wanted + 1} cijfers, "
                f"nu {len(nsn) + 1}"
            )
        return f"dit nummer bestaat niet: 0{nsn[:2]}… is geen bestaande reeks"
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in (
        phonenumbers.ValidationResult.TOO_SHORT,
        phonenumbers.ValidationResult.INVALID_LENGTH,
    ):
        return "te weinig cijfers"
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return "te veel cijfers"
    if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return "onbekende landcode"
    return "dit nummer bestaat niet (onbekend kengetal)"


def _other_country_hint(stripped: str, region: str) -> str:
    """A number typed in national form that is no number here but a mobile number in the
    other supported country (a Dutch mobile at a Flemish client, the common case across the
    border): how to type it. A landline there is no hint: a digit too few here is likelier."""
    if stripped.startswith(("+", "00")):
        return ""
    for other in SUPPORTED_COUNTRIES:
        if other == region:
            continue
        try:
            there = phonenumbers.parse(stripped, other)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(there) and phonenumbers.number_type(there) in (
            PhoneNumberType.MOBILE,
            PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            typed = phonenumbers.format_number(there, PhoneNumberFormat.INTERNATIONAL)
            return f"; een {COUNTRY_NAMES[other]} nummer? Typ dan {typed}"
    return ""


def check(text: str, country: str = "NL") -> PhoneCheck:
    """Validate a number as typed, with the client's country as the default region."""
    region = country.upper()
    stripped = text.strip()
    if not stripped:
        return _refuse(text, "geen nummer ingevuld")
    if not _ALLOWED.match(stripped):
        bad = next(ch for ch in stripped if not _ALLOWED.match(ch))
        # an invisible or steering character is named by its code, never printed itself
        shown = f"U+{ord(bad):04X}" if unicodedata.category(bad)[0] in "CZ" else f"'{bad}'"
        return _refuse(text, f"ongeldig teken {shown} in het nummer")
    digits = re.sub(r"\D", "", stripped)
    if shortnumberinfo.is_emergency_number(digits, region) or digits in ("112", "144", "911"):
        return _refuse(text, f"{digits} is een alarmnummer, geen terugbelnummer", region)
    municipal = _municipal(text, digits, region)
    if municipal:
        return municipal
    try:
        number = phonenumbers.parse(stripped, region)
    except phonenumbers.NumberParseException as exc:
        messages = {
            phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "onbekende landcode",
            phonenumbers.NumberParseException.TOO_SHORT_NSN: "te weinig cijfers",
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "te weinig cijfers na landcode",
            phonenumbers.NumberParseException.TOO_LONG: "te veel cijfers",
        }
        return _refuse(text, messages.get(exc.error_type, "geen telefoonnummer"))
    detected = phonenumbers.region_code_for_number(number)
    if not phonenumbers.is_valid_number(number):
        hint = _other_country_hint(stripped, region)
        return _refuse(text, _why_invalid(number, detected or region) + hint, detected)

    kind = phonenumbers.number_type(number)
    nsn = phonenumbers.national_significant_number(number)
    warning = None
    type_name = TYPE_NAMES.get(kind, "onbekend")
    if kind == PhoneNumberType.PREMIUM_RATE:
        warning = "betaalnummer (0900/0906/0909): terugbellen kost geld"
    elif detected == "NL" and nsn.startswith("97"):
        type_name = "machine-naar-machine"
        warning = "097-nummer is voor machines (M2M), meestal niet bereikbaar voor spraak"
    return PhoneCheck(
        input=text,
        valid=True,
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        type=type_name,
        display=_read_back(number, detected, region),
        country=detected,
        warning=warning,
    )


def _read_back(number: phonenumbers.PhoneNumber, detected: str | None, region: str) -> str:
    nsn = phonenumbers.national_significant_number(number)
    ndc = phonenumbers.length_of_national_destination_code(number) or min(3, len(nsn))
    if detected == region:
        return group_for_reading("0" + nsn, ndc + 1)
    return f"+{number.country_code} " + group_for_reading(nsn, ndc)


def display(stored: str, country: str = "NL") -> str:
    """Read-back form of a stored (E.164 or 14 0xx) number; the stored text if unparseable."""
    result = check(stored, country)
    return result.display if result.valid and result.display else stored
