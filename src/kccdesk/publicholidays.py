"""Public holidays per country and year, from the `holidays` package, cached on disk.

Importing `holidays` loads every country (~200 ms), which would be paid at every start of the
desk; the few dates a client needs are kept in a small JSON file in the data directory instead.
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_VERSION = 1


def _cache_file() -> Path | None:
    from kccdesk import locations

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


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if data.get("version") == CACHE_VERSION else {}


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
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, path)
            except OSError:
                pass  # a cache that cannot be written only costs time
    return {date.fromisoformat(day): name for day, name in entries.items()}
