"""Settings from the user's config file (TOML), overridden by KCCDESK_* environment variables.

Example config.toml:

    agent = "Marieke"            # name in the greeting and on notes
    user = "marieke"             # who the audit trail says made a change
    shift_leads = ["marieke"]    # users who may edit rosters (and record client feedback)
    team_leads = ["ilse"]        # users who review feedback and make client reports (SQLite;
                                 # on PostgreSQL the database role decides)
    retention_days = 90          # callback notes and call logs are purged after this

    [smtp]                       # where callback notes are mailed; no [smtp]: not mailed
    host = "smtp.example.nl"
    port = 587
    security = "starttls"        # starttls | ssl | none
    user = "kcc@example.nl"      # password: environment variable KCCDESK_SMTP_PASSWORD
    from = "kcc@example.nl"

    [softphone]                  # the desk drives the softphone; no [softphone]: kccdesk ring only
    kind = "baresip"             # baresip's ctrl_tcp module
    control = "127.0.0.1:4444"   # ctrl_tcp_listen of the agent's baresip
    transfer_domain = "pbx.example.nl"   # a person's +31612345678 → sip:+31612345678@pbx.example.nl

    [ack]                        # acknowledgement of notes (`kccdesk serve`); no [ack]: no link
    base_url = "https://kcc.example.nl"  # where `kccdesk serve` is reached (behind the proxy)
    secret_file = "/etc/kccdesk/ack.key" # owner-only; `kccdesk serve` makes it when missing
    link_days = 7                # how long a note's link stays good
    imap_host = "imap.example.nl"        # the mailbox replies come to (From of the notes)
    imap_port = 993
    imap_security = "ssl"        # ssl (port 993) | none (loopback only)
    imap_user = "kcc@example.nl" # password: environment variable KCCDESK_IMAP_PASSWORD
    imap_folder = "INBOX"
    poll_seconds = 60            # without IMAP IDLE: how often the mailbox is read
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kccdesk.core import locations
from kccdesk.core.actor import Actor


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender: str = "kccdesk@localhost"
    timeout: float = 10.0

    @property
    def password(self) -> str:
        """Only from the environment, never from a file in the repository."""
        return os.environ.get("KCCDESK_SMTP_PASSWORD", "")


@dataclass(frozen=True)
class SoftphoneSettings:
    """The agent's softphone: how to reach its control port and how a number becomes a SIP
    URI for a transfer."""

    kind: str = "baresip"
    control: str = "127.0.0.1:4444"
    transfer_domain: str = ""


@dataclass(frozen=True)
class AckSettings:
    """How notes are acknowledged: the page's address and its secret, the reply mailbox."""

    base_url: str = ""
    secret_file: str = ""
    link_days: int = 7
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "ssl"
    imap_user: str = ""
    imap_folder: str = "INBOX"
    poll_seconds: float = 60.0

    @property
    def imap_password(self) -> str:
        """Only from the environment, never from a file in the repository."""
        return os.environ.get("KCCDESK_IMAP_PASSWORD", "")

    @property
    def secret_path(self) -> Path:
        return (
            Path(self.secret_file).expanduser()
            if self.secret_file
            else (locations.data_dir() / "ack.key")
        )


@dataclass(frozen=True)
class Settings:
    agent: str = ""
    user: str = ""
    shift_leads: tuple[str, ...] = field(default=())
    team_leads: tuple[str, ...] = field(default=())
    retention_days: int = 90
    smtp: SmtpSettings | None = None
    softphone: SoftphoneSettings | None = None
    ack: AckSettings | None = None

    def actor(self) -> Actor:
        """Who this user is and what the config lets them do (PostgreSQL's roles overrule it
        when the desk adopts the database identity)."""
        user = self.user_name
        return Actor(user, user in self.shift_leads, team_lead=user in self.team_leads)

    @property
    def agent_name(self) -> str:
        return self.agent or full_name() or self.user_name.capitalize()

    @property
    def user_name(self) -> str:
        if self.user:
            return self.user
        try:
            return getpass.getuser()
        except Exception:
            return "onbekend"


def load_settings() -> Settings:
    path = locations.config_file()
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError) as exc:
            raise SettingsError(f"{path}: instellingen niet leesbaar: {exc}") from None
    smtp = _smtp(data.pop("smtp", None), path)
    phone = _softphone(data.pop("softphone", None), path)
    ack = _ack(data.pop("ack", None), path)
    known = set(Settings.__dataclass_fields__) - {"smtp", "softphone", "ack"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"{path}: onbekende instelling '{unknown[0]}'")
    for key in known:
        env = os.environ.get(f"KCCDESK_{key.upper()}")
        if env is not None:
            data[key] = env.split(",") if key in ("shift_leads", "team_leads") else env
    try:
        return Settings(
            agent=str(data.get("agent", "")),
            user=str(data.get("user", "")),
            shift_leads=tuple(str(u) for u in data.get("shift_leads", ())),
            team_leads=tuple(str(u) for u in data.get("team_leads", ())),
            retention_days=int(data.get("retention_days", 90)),
            smtp=smtp,
            softphone=phone,
            ack=ack,
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: ongeldige instelling: {exc}") from None


def _smtp(table: object, path: Path) -> SmtpSettings | None:
    if os.environ.get("KCCDESK_SMTP_HOST"):
        table = {
            **(table if isinstance(table, dict) else {}),
            "host": os.environ["KCCDESK_SMTP_HOST"],
        }
        if os.environ.get("KCCDESK_SMTP_PORT"):
            table["port"] = os.environ["KCCDESK_SMTP_PORT"]
    if table is None:
        return None
    if not isinstance(table, dict) or not table.get("host"):
        raise SettingsError(f"{path}: [smtp] heeft een 'host' nodig")
    unknown = sorted(set(table) - {"host", "port", "security", "user", "from", "timeout"})
    if unknown:
        raise SettingsError(f"{path}: onbekende instelling 'smtp.{unknown[0]}'")
    security = str(table.get("security", "starttls"))
    if security not in ("starttls", "ssl", "none"):
        raise SettingsError(f"{path}: smtp.security moet starttls, ssl of none zijn")
    try:
        return SmtpSettings(
            host=str(table["host"]),
            port=int(table.get("port", 465 if security == "ssl" else 587)),
            security=security,
            user=str(table.get("user", "")),
            sender=str(table.get("from", table.get("user") or "kccdesk@localhost")),
            timeout=float(table.get("timeout", 10.0)),
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: ongeldige smtp-instelling: {exc}") from None


def _softphone(table: object, path: Path) -> SoftphoneSettings | None:
    """[softphone], or KCCDESK_SOFTPHONE_CONTROL / _KIND / _TRANSFER_DOMAIN."""
    env = {
        key: os.environ[f"KCCDESK_SOFTPHONE_{key.upper()}"]
        for key in ("kind", "control", "transfer_domain")
        if os.environ.get(f"KCCDESK_SOFTPHONE_{key.upper()}")
    }
    if env.get("control"):
        table = {**(table if isinstance(table, dict) else {}), **env}
    elif env and isinstance(table, dict):
        table = {**table, **env}
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [softphone] moet een tabel zijn")
    unknown = sorted(set(table) - {"kind", "control", "transfer_domain"})
    if unknown:
        raise SettingsError(f"{path}: onbekende instelling 'softphone.{unknown[0]}'")
    kind = str(table.get("kind", "baresip"))
    if kind != "baresip":
        raise SettingsError(f"{path}: softphone.kind kent alleen 'baresip'")
    control = str(table.get("control", "127.0.0.1:4444"))
    host, _, port = control.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"{path}: softphone.control moet host:poort zijn, niet '{control}'")
    domain = str(table.get("transfer_domain", "")).strip()
    if domain.startswith("sip:") or "@" in domain:
        raise SettingsError(f"{path}: softphone.transfer_domain is alleen het domein")
    return SoftphoneSettings(kind=kind, control=control, transfer_domain=domain)


def _ack(table: object, path: Path) -> AckSettings | None:
    """[ack], or KCCDESK_ACK_BASE_URL / _SECRET_FILE / _IMAP_HOST / _IMAP_PORT / _IMAP_USER."""
    env = {
        key: os.environ[f"KCCDESK_ACK_{key.upper()}"]
        for key in ("base_url", "secret_file", "imap_host", "imap_port", "imap_user")
        if os.environ.get(f"KCCDESK_ACK_{key.upper()}")
    }
    if env:
        table = {**(table if isinstance(table, dict) else {}), **env}
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [ack] moet een tabel zijn")
    unknown = sorted(set(table) - set(AckSettings.__dataclass_fields__))
    if unknown:
        raise SettingsError(f"{path}: onbekende instelling 'ack.{unknown[0]}'")
    base = str(table.get("base_url", "")).strip().rstrip("/")
    if base:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(base)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"{path}: ack.base_url moet een http(s)-adres zijn, niet '{base}'")
        if parts.query or parts.fragment:
            raise SettingsError(f"{path}: ack.base_url zonder ? of #")
    security = str(table.get("imap_security", "ssl"))
    if security not in ("ssl", "none"):  # the IMAP client (aioimaplib) has no STARTTLS
        raise SettingsError(
            f"{path}: ack.imap_security moet ssl (poort 993) of none zijn, niet '{security}'"
        )
    try:
        settings = AckSettings(
            base_url=base,
            secret_file=str(table.get("secret_file", "")),
            link_days=int(table.get("link_days", 7)),
            imap_host=str(table.get("imap_host", "")),
            imap_port=int(table.get("imap_port", 993 if security == "ssl" else 143)),
            imap_security=security,
            imap_user=str(table.get("imap_user", "")),
            imap_folder=str(table.get("imap_folder", "INBOX")),
            poll_seconds=float(table.get("poll_seconds", 60)),
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: ongeldige ack-instelling: {exc}") from None
    if not 1 <= settings.link_days <= 90:
        raise SettingsError(f"{path}: ack.link_days moet tussen 1 en 90 liggen")
    if not 1 <= settings.poll_seconds <= 3600:
        raise SettingsError(f"{path}: ack.poll_seconds moet tussen 1 en 3600 liggen")
    if not 0 < settings.imap_port < 65536:
        raise SettingsError(f"{path}: ack.imap_port moet een poort zijn")
    return settings


def full_name() -> str:
    """The OS account's full name (the GECOS field), '' when it has none."""
    try:
        import pwd

        gecos = pwd.getpwuid(os.getuid()).pw_gecos
    except (ImportError, KeyError, OSError):
        return ""
    return gecos.split(",")[0].strip()


def save_agent(name: str) -> None:
    """Remember the agent's name in the config file (asked once, on the first start). The
    line goes first: top-level keys precede any [table] in TOML; the rest stays as it was."""
    import json

    from kccdesk.core.errors import InputError
    from kccdesk.core.files import private_dir, write_owner_only

    name = " ".join(name.split())
    if not name:
        raise SettingsError("een lege naam wordt niet bewaard")
    path = locations.config_file()
    try:
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
    except OSError as exc:
        raise SettingsError(f"{path}: niet leesbaar: {exc}") from None
    kept = [line for line in old.splitlines() if not line.strip().startswith("agent ")]
    text = "\n".join([f"agent = {json.dumps(name, ensure_ascii=False)}", *kept]) + "\n"
    try:
        tomllib.loads(text)
        # A folder made for the config is the user's alone; one that is there (the home
        # folder, a shared one) is left as it is: only the file is made 0600.
        if not path.parent.exists():
            private_dir(path.parent)
        write_owner_only(path, text.encode("utf-8"))
    except (tomllib.TOMLDecodeError, OSError, InputError) as exc:
        raise SettingsError(f"{path}: naam niet bewaard: {exc}") from None
