"""Where kccdesk keeps its files. Every path is computed here, so tests can move them all."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from kccdesk.core.files import private_dir

APP = "kccdesk"


def data_dir() -> Path:
    """KCCDESK_DATA_DIR, else the platform's user data directory."""
    path = Path(os.environ.get("KCCDESK_DATA_DIR") or user_data_dir(APP, appauthor=False))
    return private_dir(path)  # callers' data: the agent's alone


def config_file() -> Path:
    """KCCDESK_CONFIG, else config.toml in the platform's user config directory."""
    explicit = os.environ.get("KCCDESK_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(user_config_dir(APP, appauthor=False)) / "config.toml"


def database_url() -> str:
    """KCCDESK_DATABASE_URL, else a SQLite file in the data directory."""
    return os.environ.get("KCCDESK_DATABASE_URL") or f"sqlite:///{data_dir() / 'kccdesk.db'}"


def demo_database_url() -> str:
    return f"sqlite:///{data_dir() / 'demo.db'}"


def local_dir(database: str) -> Path:
    """Drafts and desk state live on the local disk, per database: a lost network loses
    nothing typed."""
    import hashlib

    key = hashlib.sha1(database.encode()).hexdigest()[:10]
    private_dir(data_dir() / "local")
    return private_dir(data_dir() / "local" / key)


def demo_clients_dir() -> Path:
    """The bundled demo clients: inside the installed package, or data/clients in a checkout."""
    package = Path(__file__).resolve().parents[1]  # kccdesk/, this file is in kccdesk/core
    packaged = package / "demo_clients"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "data" / "clients"
