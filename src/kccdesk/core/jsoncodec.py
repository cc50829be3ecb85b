"""Frozen dataclasses (kccdesk.clients.model) to JSON-ready values and back, by their type
hints.

Used for local copies of data read from the database: unlike pickle, reading one can never
run code, and anything that does not fit the classes is refused with ValueError.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime, time
from functools import cache
from typing import Any


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, date | time):  # datetime is a date
        return value.isoformat()
    return value


def decode(hint: Any, value: Any) -> Any:
    """`value` (from encode) as an instance of the type `hint`; ValueError when it is not."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        real = [o for o in options if o is not type(None)]
        if len(real) != 1:
            raise ValueError(f"cannot decode into {hint}")
        return decode(real[0], value)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(decode(item, v) for v in _checked(value, list))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        data = _checked(value, dict)
        hints = _hints(hint)
        names = {f.name for f in dataclasses.fields(hint) if f.init}
        if not set(data) <= names:
            raise ValueError(f"unknown fields for {hint.__name__}: {sorted(set(data) - names)}")
        return hint(**{name: decode(hints[name], v) for name, v in data.items()})
    if hint is date:  # a date field may hold a date-time (part-day absences)
        text = _checked(value, str)
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    if hint in (time, datetime):
        return hint.fromisoformat(_checked(value, str))
    if hint in (str, bool, int, float):
        if hint is not bool and isinstance(value, bool):
            raise ValueError("bool where a number or text was expected")
        return _checked(value, hint)
    raise ValueError(f"cannot decode into {hint}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _checked(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value
