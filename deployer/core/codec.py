"""Dataclass values <-> JSON-ready data, driven by type hints.

Used for the lockfile's records and for saved plans, so both stay plain, sorted JSON and a
value read back is equal to the value written.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

T = TypeVar("T")

KIND = "_kind"  # names the class of a value (inside a union of dataclasses)


def dump(value: Any) -> Any:
    """A dataclass tree as JSON-ready data: dicts, lists, strings, numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
        data[KIND] = type(value).__name__
        return data
    if isinstance(value, (tuple, list)):
        return [dump(item) for item in value]
    if isinstance(value, dict):
        return {str(key): dump(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def load(cls: type[T], data: Any, open_types: Mapping[Any, Any] | None = None) -> T:
    """The inverse of dump for a dataclass type; raises ValueError on malformed data.

    `open_types` says what to read where a class declares a field only as `object` (a
    provider's payload inside a generic value): for example {object: Create | Extend}.
    """
    return typing.cast(T, _Loader(open_types or {}).load(cls, data))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


class _Loader:
    def __init__(self, open_types: Mapping[Any, Any]) -> None:
        self.open_types = open_types

    def load(self, hint: Any, data: Any) -> Any:
        hint = self.open_types.get(hint, hint)
        origin = get_origin(hint)
        if origin in (Union, types.UnionType):
            return self.union(get_args(hint), data)
        if origin is tuple:
            args = get_args(hint)
            if len(args) == 2 and args[1] is Ellipsis:
                return tuple(self.load(args[0], item) for item in _list(data))
            return tuple(self.load(arg, item) for arg, item in zip(args, _list(data), strict=True))
        if origin is typing.Literal:
            if data not in get_args(hint):
                raise ValueError(f"{data!r} is not one of {get_args(hint)}")
            return data
        if origin in (dict, collections.abc.Mapping):
            _key, value_hint = get_args(hint)
            return {str(k): self.load(value_hint, v) for k, v in _dict(data).items()}
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            fields = _dict(data)
            return hint(**{name: self.load(h, fields[name]) for name, h in _hints(hint).items()
                           if name in fields})
        return _load_scalar(hint, data)

    def union(self, options: tuple[Any, ...], data: Any) -> Any:
        if data is None and type(None) in options:
            return None
        classes = [o for o in options if isinstance(o, type) and dataclasses.is_dataclass(o)]
        if classes and isinstance(data, dict):
            for cls in classes:
                if data.get(KIND) == cls.__name__:
                    return self.load(cls, data)
            raise ValueError(f"unknown kind {data.get(KIND)!r}")
        rest = [o for o in options if o is not type(None)]
        return self.load(rest[0], data)


def _load_scalar(hint: Any, data: Any) -> Any:
    if hint is Decimal:
        return Decimal(str(data))
    if hint is datetime:
        return datetime.fromisoformat(str(data))
    if hint in (str, int, bool) and not isinstance(data, hint):
        raise ValueError(f"expected {hint.__name__}, got {data!r}")
    return data


def _list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise ValueError(f"expected a list, got {data!r}")
    return data


def _dict(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"expected an object, got {data!r}")
    return data
