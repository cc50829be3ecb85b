"""Public holidays per country and year, from the `holidays` package, cached on disk.

Importing `holidays` loads every country (~200 ms), which would be paid at every start of the
desk; the few dates a client needs are kept in a small JSON file in the data directory instead.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from kccdesk.core.files import write_private_atomic

CACHE_VERSION = 1


def _cache_file() -> Path | None:
    from kccdesk.core import locations

    try:
        return locations.data_dir() / "cache" / "public-holidays.json"
    except OSError:
        return None


def _compute(country: str, year: int) -> dict[str, str]:
    import holidays

    try:
        found = holidays.country_holidays(country, years=year, language="nl")
    except NotImplementedError:
        return {}
    return {day.isoformat(): name for day, name in sorted(found.items())}


@lru_cache(maxsize=1)
def _source_version() -> str:
    """The installed `holidays` package's version, from the name of its dist-info folder
    (neither importing it nor importlib.metadata, each tens of milliseconds at every
    command): a new release may correct a date, so the cache is keyed by it."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is None or not spec.origin:
        return ""
    site = Path(spec.origin).parent.parent
    found = sorted(site.glob("holidays-*.dist-info"))
    return found[-1].name.removeprefix("holidays-").removesuffix(".dist-info") if found else ""


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    fresh = data.get("version") == CACHE_VERSION and data.get("holidays") == _source_version()
    return data if fresh else {}


@lru_cache(maxsize=64)
def holidays_for(country: str, year: int) -> dict[date, str]:
    """{date: Dutch name} of the country's public holidays in that year."""
    country = country.upper()
    key = f"{country}-{year}"
    path = _cache_file()
    data = _read(path) if path else {}
    entries = data.get("years", {}).get(key)
    if entries is None:
        entries = _compute(country, year)
        if path:
            data.setdefault("years", {})[key] = entries
            data["version"] = CACHE_VERSION
            data["holidays"] = _source_version()
            # A cache that cannot be written (a read-only or refused directory) costs time only.
            with contextlib.suppress(OSError, ValueError):
                write_private_atomic(path, json.dumps(data, ensure_ascii=False).encode())
    return {date.fromisoformat(day): name for day, name in entries.items()}
