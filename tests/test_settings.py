"""Settings: the config file, environment overrides, and clear refusals of bad values."""

from __future__ import annotations

import pytest

from kccdesk.core import locations
from kccdesk.core.settings import SettingsError, load_settings


def write_config(text: str) -> None:
    locations.config_file().write_text(text, encoding="utf-8")


def test_file_values_and_environment_overrides(monkeypatch):
    write_config(
        'agent = "Marieke"\nuser = "marieke"\nshift_leads = ["marieke", "joost"]\n'
        'retention_days = 30\n\n[smtp]\nhost = "smtp.example.nl"\nsecurity = "ssl"\n'
    )
    monkeypatch.delenv("KCCDESK_AGENT")
    settings = load_settings()
    assert (settings.agent, settings.user_name, settings.shift_leads) == (
        "Marieke",
        "marieke",
        ("marieke", "joost"),
    )
    assert settings.retention_days == 30
    assert settings.smtp is not None and (settings.smtp.port, settings.smtp.security) == (
        465,
        "ssl",
    )
    monkeypatch.setenv("KCCDESK_SHIFT_LEADS", "anna,bert")
    monkeypatch.setenv("KCCDESK_AGENT", "Anna")
    overridden = load_settings()
    assert (overridden.agent, overridden.shift_leads) == ("Anna", ("anna", "bert"))


def test_no_config_file_means_defaults(monkeypatch):
    monkeypatch.delenv("KCCDESK_AGENT")
    settings = load_settings()
    assert (settings.agent, settings.retention_days, settings.smtp) == ("", 90, None)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("agent = ", "instellingen niet leesbaar"),
        ('colour = "blue"\n', "onbekende instelling 'colour'"),
        ('retention_days = "lang"\n', "ongeldige instelling"),
        ("[smtp]\nport = 25\n", "[smtp] heeft een 'host' nodig"),
        ('[smtp]\nhost = "x"\nsecurity = "tls"\n', "smtp.security moet starttls, ssl of none"),
        ('[smtp]\nhost = "x"\npassword = "geheim"\n', "onbekende instelling 'smtp.password'"),
    ],
)
def test_bad_settings_are_refused_with_the_file_and_the_reason(text, fragment):
    write_config(text)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert fragment in str(refused.value)
    assert str(locations.config_file()) in str(refused.value)
