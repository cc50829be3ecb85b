"""Settings from the user's config file (TOML), overridden by KCCDESK_* environment variables.

Example config.toml:

    agent = "Marieke"            # name in the greeting and on notes
    user = "marieke"             # who the audit trail says made a change
    shift_leads = ["marieke"]    # users who may edit rosters
    retention_days = 90          # callback notes and call logs are purged after this
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field

from kccdesk import locations


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    agent: str = ""
    user: str = ""
    shift_leads: tuple[str, ...] = field(default=())
    retention_days: int = 90

    @property
    def agent_name(self) -> str:
        return self.agent or self.user_name.capitalize()

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
    data: dict = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError) as exc:
            raise SettingsError(f"{path}: instellingen niet leesbaar: {exc}") from None
    known = set(Settings.__dataclass_fields__)
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
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: ongeldige instelling: {exc}") from None
