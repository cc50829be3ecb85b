"""Callback note rules, independent of storage and interface."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kccdesk.notes.rules import NoteRefused, RecipientAbsent, check_note

AT = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_valid_note_passes_with_e164(demo_clients):
    note = check_note(
        demo_clients["fietsenmakerij-van-dijk"], "kees", " Piet ", "06 12345678", "Bakfiets", at=AT
    )
    assert note.phone.e164 == "+31612345678"
    assert note.caller_name == "Piet"
    assert note.instructions_version


@pytest.mark.parametrize(
    ("recipient", "name", "phone", "message", "fragment"),
    [
        ("lmaes", "Piet", "0612345678", "x", "geen medewerker van Fietsenmakerij"),
        ("kees", "  ", "0612345678", "x", "naam van de beller"),
        ("kees", "Piet", "0612345678", " ", "bericht ontbreekt"),
        ("kees", "Piet", "061234567", "x", "te weinig cijfers"),
        ("kees", "Piet", "112", "x", "alarmnummer"),
        ("kees", "Piet\r\nBcc: x@example.org", "0612345678", "x", "stuurteken"),
        ("kees", "Piet\vde Boer", "0612345678", "x", "stuurteken"),
        ("kees", "Piet\tde Boer", "0612345678", "x", "stuurteken"),
        ("kees", "Piet", "0612345678", "bel\x00 terug", "stuurteken"),
        ("kees", "Piet", "0612345678", "bel\x1b[31m terug", "stuurteken"),
        ("kees", "Piet", "0612345678", "bel\x85terug", "stuurteken"),
    ],
)
def test_note_is_refused_with_reason(demo_clients, recipient, name, phone, message, fragment):
    with pytest.raises(NoteRefused, match=fragment):
        check_note(demo_clients["fietsenmakerij-van-dijk"], recipient, name, phone, message, at=AT)


def test_absent_recipient_names_the_replacement(demo_clients):
    practice = demo_clients["huisartsen-de-linde"]
    with pytest.raises(RecipientAbsent) as caught:
        check_note(practice, "sbakker", "Piet", "0612345678", "recept", at=AT)
    assert caught.value.replacement == "mjansen"
    assert "dr. Mark Jansen" in str(caught.value)
    kept = check_note(practice, "sbakker", "Piet", "0612345678", "recept", at=AT, allow_absent=True)
    assert kept.recipient == "sbakker"


def test_belgian_client_checks_with_belgian_default(demo_clients):
    note = check_note(
        demo_clients["gemeente-kempenhout"], "onthaal", "Jef", "0475 12 34 56", "x", at=AT
    )
    assert note.phone.e164 == "+32475123456"


def test_message_keeps_line_breaks_and_tabs(demo_clients):
    bikes = demo_clients["fietsenmakerij-van-dijk"]
    note = check_note(bikes, "kees", "Piet", "0612345678", "regel 1\r\nregel 2\n\tdetail", at=AT)
    assert note.message == "regel 1\nregel 2\n\tdetail"
