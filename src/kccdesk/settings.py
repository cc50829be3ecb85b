"""Settings from the user's config file (TOML), overridden by KCCDESK_* environment variables.

Example config.toml:

    agent = "Marieke"            # name in the greeting and on notes
    user = "marieke"             # who the audit trail says made a change
    shift_leads = ["marieke"]    # users who may edit rosters
    retention_days = 90          # callback notes and call logs are purged after this

    [smtp]                       # where callback notes are mailed; no [smtp]: not mailed
    host = "smtp.example.nl"
    port = 587
    security = "starttls"        # starttls | ssl | none
    user = "kcc@example.nl"      # password: environment variable KCCDESK_SMTP_PASSWORD
    from = "kcc@example.nl"
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kccdesk import locations


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
class Settings:
    agent: str = ""
    user: str = ""
    shift_leads: tuple[str, ...] = field(default=())
    retention_days: int = 90
    smtp: SmtpSettings | None = None

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
    known = set(Settings.__dataclass_fields__) - {"smtp"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"{path}: onbekende instelling '{unknown[0]}'")
    for key in known:
        env = os.environ.get(f"KCCDESK_{key.upper()}")
        if env is not None:
            data[key] = env.split(",") if key == "shift_leads" else env
    try:
        return Settings(
            agent=str(data.get("agent", "")),
            user=str(data.get("user", "")),
            shift_leads=tuple(str(u) for u in data.get("shift_leads", ())),
            retention_days=int(data.get("retention_days", 90)),
            smtp=smtp,
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

    from kccdesk.files import write_private_atomic

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
        write_private_atomic(path, text.encode("utf-8"))
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise SettingsError(f"{path}: naam niet bewaard: {exc}") from None
