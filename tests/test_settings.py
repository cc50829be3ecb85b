"""Settings: the config file, environment overrides, and clear refusals of bad values."""

from __future__ import annotations

import re

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


def test_ack_settings_are_read_and_what_cannot_work_is_refused(monkeypatch):
    write_config(
        '[ack]\nbase_url = "https://kcc.example.nl/"\nimap_host = "imap.example.nl"\n'
        'imap_user = "kcc@example.nl"\n'
    )
    monkeypatch.setenv("KCCDESK_IMAP_PASSWORD", "geheim")
    ack = load_settings().ack
    assert ack is not None and ack.base_url == "https://kcc.example.nl"  # no trailing /
    assert (ack.imap_port, ack.imap_security, ack.imap_password) == (993, "ssl", "geheim")
    assert ack.secret_path.name == "ack.key"
    for table, says in [
        ('base_url = "ftp://x"', "http(s)-adres"),
        ('base_url = "https://x/?next=https://evil"', "zonder ? of #"),
        ('base_url = "https://"', "http(s)-adres"),
        ('imap_security = "starttls"', "ssl (poort 993) of none"),
        ("link_days = 0", "link_days"),
        ("link_days = 1000", "link_days"),
        ("poll_seconds = 0", "poll_seconds"),
        ('imap_port = "x"', "ongeldige ack-instelling"),
        ("imap_port = 70000", "imap_port"),
        ('password = "in een bestand"', "onbekende instelling 'ack.password'"),
    ]:
        write_config(f"[ack]\n{table}\n")
        with pytest.raises(SettingsError, match=re.escape(says)):
            load_settings()
    write_config('ack = "x"\n')
    with pytest.raises(SettingsError, match=r"\[ack\] moet een tabel zijn"):
        load_settings()


def test_saving_the_agent_leaves_the_folder_of_the_config_as_it_is(tmp_path, monkeypatch):
    """The config may live in the home folder or a shared one: saving the name makes only
    the file the user's alone (the folder of someone's home is not made 0700)."""
    import os

    from kccdesk.core.settings import save_agent

    monkeypatch.delenv("KCCDESK_AGENT")
    for mode in (0o755, 0o1777):
        folder = tmp_path / f"folder-{mode:o}"
        folder.mkdir()
        folder.chmod(mode)
        monkeypatch.setenv("KCCDESK_CONFIG", str(folder / "config.toml"))
        save_agent("Marieke")
        assert (folder.stat().st_mode & 0o7777) == mode
        assert (folder / "config.toml").stat().st_mode & 0o777 == 0o600
        assert load_settings().agent == "Marieke"
    fresh = tmp_path / "new" / "kccdesk"
    monkeypatch.setenv("KCCDESK_CONFIG", str(fresh / "config.toml"))
    save_agent("Anna")
    assert fresh.stat().st_mode & 0o777 == 0o700
    assert os.stat(fresh / "config.toml").st_mode & 0o777 == 0o600


def test_the_secret_may_live_in_a_shared_folder_but_never_someone_elses_file(tmp_path):
    import os

    from kccdesk.core.secret import SecretProblem, load_secret

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    assert len(load_secret(shared / "ack.key", create=True)) == 32
    assert (shared.stat().st_mode & 0o7777) == 0o1777
    if os.geteuid() == 0:  # someone else put a file there first: refused, never used
        planted = shared / "planted.key"
        planted.write_text("00" * 32)
        planted.chmod(0o600)
        os.chown(planted, 65534, 65534)
        with pytest.raises(SecretProblem, match="andere gebruiker"):
            load_secret(planted, create=True)
