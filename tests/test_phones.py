"""A table of numbers as agents type them."""

import pytest

from kccdesk.clients.phones import check

VALID = [
    # input, country, e164, type, read-back
    ("06-12345678", "NL", "+31612345678", "mobiel", "06 12 34 56 78"),
    ("06 1234 5678", "NL", "+31612345678", "mobiel", "06 12 34 56 78"),
    ("0612345678", "NL", "+31612345678", "mobiel", "06 12 34 56 78"),
    ("+31612345678", "NL", "+31612345678", "mobiel", "06 12 34 56 78"),
    ("+31 (0)20 123 4567", "NL", "+31201234567", "vast", "020 123 45 67"),
    ("020-1234567", "NL", "+31201234567", "vast", "020 123 45 67"),
    ("(020) 123 45 67", "NL", "+31201234567", "vast", "020 123 45 67"),
    ("0031 6 1234 5678", "NL", "+31612345678", "mobiel", "06 12 34 56 78"),
    ("0412-123456", "NL", "+31412123456", "vast", "0412 12 34 56"),
    ("010.123.45.67", "NL", "+31101234567", "vast", "010 123 45 67"),
    ("085 123 4567", "NL", "+31851234567", "internettelefonie", "085 123 45 67"),
    ("0800 1234", "NL", "+318001234", "gratis (0800)", "0800 12 34"),
    ("+32 475 12 34 56", "NL", "+32475123456", "mobiel", "+32 475 12 34 56"),
    ("0475 12 34 56", "BE", "+32475123456", "mobiel", "0475 12 34 56"),
    ("02 511 12 34", "BE", "+3225111234", "vast", "02 511 12 34"),
    ("014 50 01 00", "BE", "+3214500100", "vast", "014 50 01 00"),
    ("+31 6 12345678", "BE", "+31612345678", "mobiel", "+31 6 12 34 56 78"),
    ("+44 20 7946 0958", "NL", "+442079460958", "vast", "+44 20 79 46 09 58"),
    ("14 0412", "NL", "140412", "gemeentenummer (14 0xx)", "14 0412"),
    ("140 20", "NL", "14020", "gemeentenummer (14 0xx)", "14 020"),
]


@pytest.mark.parametrize(("text", "country", "e164", "kind", "display"), VALID)
def test_valid_numbers(text, country, e164, kind, display):
    result = check(text, country)
    assert result.valid, result.error
    assert (result.e164, result.type, result.display) == (e164, kind, display)
    assert result.country


INVALID = [
    ("", "geen nummer"),
    ("   ", "geen nummer"),
    ("0612345", "te weinig cijfers voor een mobiel nummer"),
    ("06-1234567", "te weinig cijfers voor een mobiel nummer"),
    ("061234567890", "te veel cijfers voor een mobiel nummer"),
    ("0812345678", "onbekend netnummer"),
    ("020 12345", "te weinig cijfers"),
    ("112", "alarmnummer"),
    ("1-1-2", "alarmnummer"),
    ("144", "alarmnummer"),
    ("06-1234567a", "ongeldig teken 'a'"),
    ("02\u202e 512 34 56", "ongeldig teken U+202E"),
    ("+999 1234567", "onbekende landcode"),
    ("bel me", "ongeldig teken"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_numbers_say_why(text, message):
    result = check(text, "NL")
    assert not result.valid
    assert result.e164 is None
    assert message in result.error


def test_belgian_emergency_number_refused():
    assert "alarmnummer" in check("101", "BE").error


@pytest.mark.parametrize(
    ("text", "warning"),
    [("0900 1234567", "betaalnummer"), ("0970 12345678", "machines")],
)
def test_premium_and_machine_numbers_are_flagged(text, warning):
    result = check(text, "NL")
    assert result.valid
    assert warning in result.warning


def test_default_region_decides_national_numbers():
    assert check("0475123456", "BE").country == "BE"
    dutch = check("0475123456", "NL")  # 0475 is Roermond's area code in NL
    assert (dutch.country, dutch.e164) == ("NL", "+31475123456")


@pytest.mark.parametrize(
    ("typed", "count"),
    [("06123", "06 + 8 cijfers, nu 3"), ("0612", "06 + 8 cijfers, nu 2"),
     ("050-12345", "10 cijfers, nu 8"), ("020123456", "10 cijfers, nu 9")],
)  # fmt: skip
def test_the_digit_count_is_what_the_agent_typed(typed, count):
    result = check(typed, "NL")
    assert not result.valid and result.error is not None and result.error.endswith(count)


@pytest.mark.parametrize(
    ("caller_id", "country", "kept"),
    [
        ("0612345678", "NL", "+31612345678"),
        ("+32470123456", "NL", "+32470123456"),
        ("0470 12 34 56", "BE", "+32470123456"),
        ("anonymous", "NL", ""),
        ("12", "NL", ""),
        ("", "NL", ""),
        ("06123456789012", "NL", ""),
    ],
)
def test_a_caller_id_is_kept_only_as_a_valid_number(caller_id, country, kept):
    from kccdesk.clients.dialing import caller_number

    assert caller_number(caller_id, country) == kept


@pytest.mark.parametrize(
    ("typed", "country", "said"),
    [
        # the right length in a range that does not exist: not "too many digits, now 10"
        ("06 98765432", "NL", "06-nummer bestaat niet: 06-9… is geen mobiele reeks"),
        ("0470 12 34 5", "BE", "te weinig cijfers: een Belgisch mobiel nummer (04…) heeft 10"),
        ("02 123 45 6", "BE", "te weinig cijfers: een Belgisch vast nummer heeft 9 cijfers, nu 8"),
        # a Dutch mobile at a Flemish client, a Belgian one at a Dutch client: how to type it
        ("0612345678", "BE", "een Nederlands nummer? Typ dan +31 6 12345678"),
        ("0470123456", "NL", "een Belgisch nummer? Typ dan +32 470 12 34 56"),
    ],
)
def test_a_refused_number_says_what_to_fix(typed, country, said):
    result = check(typed, country)
    assert not result.valid and said in (result.error or "")


def test_a_dutch_mobile_one_digit_short_is_not_sent_abroad():
    result = check("061234567", "NL")
    assert result.error == "te weinig cijfers voor een mobiel nummer: 06 + 8 cijfers, nu 7"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("04 223 45 6", "een Belgisch vast nummer heeft 9 cijfers, nu 8"),  # Liège, not mobile
        ("02 123 45 67", "dit nummer bestaat niet: 021… is geen bestaande reeks"),
    ],
)
def test_belgian_zones_and_mobiles_are_told_apart(typed, said):
    result = check(typed, "BE")
    assert not result.valid and said in (result.error or "")
