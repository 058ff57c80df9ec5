"""The lockfile's shape, checked as it is read: a hand edit or a bad merge is a clear error.

Every value is checked against the type its record declares (a serial of 7.9 is not read as 7,
a lineage of null not as "None"), every record's key is unique in its table (two records of
one batch after a merge kept both sides would hide a HIT), and each error names the place in
the file as `environments["mturk/sandbox"].hits[3].address` and says what to do.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal, Union

from deployer.core.errors import LockError
from deployer.core.records import EnvLock, Lock, sort_records
from deployer.core.results import lineage_key

ENV_FIELDS = frozenset({"lineage", "serial", "applied", "pseudonym_key"})
# `<study>/<name>[/<part>...]`: the study part follows the study-file name rule.
ADDRESS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}(/[^/\s]+)+$")
MAX_COUNT = 2**53  # beyond what any counter reaches, and what JSON readers keep exact


class Malformed(Exception):
    """Where in the data (`hits[3].address`) and what is wrong there."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")


def restore_hint(path: Path) -> str:
    return f"fix it, or restore it from git (`git checkout -- {path.name}`)"


def decode(path: Path, data: Mapping[str, Any], kinds: Mapping[str, Mapping[str, type]]) -> Lock:
    """The Lock that a current-version file's data describes; LockError if it is malformed."""
    try:
        found = _object(data.get("environments", {}), "environments")
        environments = {}
        for key, env in found.items():
            where = f"environments[{_quote(key)}]"
            environments[key] = environment(key, env, kinds, where)
    except Malformed as error:
        raise LockError(f"{path}: {error}; {restore_hint(path)}") from None
    return Lock(environments=environments)


def environment(key: str, env: Any, kinds: Mapping[str, Mapping[str, type]],
                where: str) -> EnvLock:
    platform, _, name = key.partition("/")
    tables = kinds.get(platform)
    if tables is None or not name or "/" in name:
        raise Malformed(where, f"not an environment of a platform this deploy knows "
                        f"({', '.join(sorted(kinds))}); if a newer deploy wrote it, upgrade "
                        "deploy")
    env = _object(env, where)
    unknown = sorted(set(env) - ENV_FIELDS - set(tables))
    if unknown:
        raise Malformed(f"{where}.{unknown[0]}", "unknown member")
    if "lineage" not in env or "serial" not in env:
        missing = "lineage" if "lineage" not in env else "serial"
        raise Malformed(f"{where}.{missing}", "missing")
    lineage = _text(env["lineage"], f"{where}.lineage", empty=False)
    serial = _count(env["serial"], f"{where}.serial")
    applied = _applied(env.get("applied", {}), f"{where}.applied")
    # Lockfiles from before pseudonym keys derive one from the lineage (core.results).
    pseudonym_key = _text(env.get("pseudonym_key") or lineage_key(lineage),
                          f"{where}.pseudonym_key")
    records: list[Any] = []
    for table, kind in tables.items():
        items = _list(env.get(table, []), f"{where}.{table}")
        records.extend(record(kind, item, f"{where}.{table}[{i}]") for i, item in enumerate(items))
    check_unique(records, where)
    return EnvLock(platform, name, lineage=lineage, serial=serial,
                   records=sort_records(records), applied=applied, pseudonym_key=pseudonym_key)


def record(kind: type, item: Any, where: str) -> Any:
    """One record of `kind` (a flat dataclass) from its JSON object."""
    item = _object(item, where)
    fields = {f.name: f for f in dataclasses.fields(kind)}
    unknown = sorted(set(item) - set(fields))
    if unknown:
        raise Malformed(f"{where}.{unknown[0]}", "unknown member")
    values = {}
    for name, field in fields.items():
        if name in item:
            values[name] = _value(_hints(kind)[name], item[name], f"{where}.{name}")
        elif field.default is dataclasses.MISSING:
            raise Malformed(f"{where}.{name}", "missing")
    if "address" in values and not ADDRESS.match(values["address"]):
        raise Malformed(f"{where}.address", f"{values['address']!r} is not an address like "
                        '"emotion/b1" (a study name, a slash and a batch)')
    return kind(**values)


def encode_record(found: Any) -> dict[str, Any]:
    """A record as JSON-ready data: flat, and absent (None) fields left out."""
    data: dict[str, Any] = {}
    for field in dataclasses.fields(found):
        value = getattr(found, field.name)
        if value is not None:
            data[field.name] = value.isoformat() if isinstance(value, datetime) else value
    return data


def check_unique(records: list[Any], where: str) -> None:
    """Two records with one key: a merge that kept both sides of a conflict."""
    seen: dict[tuple[Any, ...], Any] = {}
    for found in records:
        place = (found.table, found.key)
        first = seen.setdefault(place, found)
        if first is not found:
            raise LockError(_twice(first, found, where))


def _twice(first: Any, second: Any, where: str) -> str:
    key = ", ".join(str(part) for part in first.key)
    differ = [f.name for f in dataclasses.fields(first)
              if getattr(first, f.name) != getattr(second, f.name)]
    if not differ:
        return (f"{where}.{first.table}: ({key}) is recorded twice, identically; delete one "
                "of the two entries")
    shown = "; ".join(f"{name} {getattr(first, name)} and {getattr(second, name)}"
                      for name in differ[:3])
    return (f"{where}.{first.table}: ({key}) is recorded twice, with {shown}: a merge kept both "
            "sides of a conflict, and deploy cannot tell which one it manages. Keep the entry "
            "of the one to manage and delete the other (`deploy plan` then names the other one "
            "so you can expire it), or restore the lockfile from git")


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _value(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        (hint,) = [o for o in options if o is not type(None)]
        origin = typing.get_origin(hint)
    if origin is Literal:
        if value not in typing.get_args(hint):
            choices = ", ".join(repr(c) for c in typing.get_args(hint))
            raise Malformed(where, f"{value!r} is not one of {choices}")
        return value
    if origin is tuple:  # tuple[X, ...], written as a JSON list
        (item, _more) = typing.get_args(hint)
        return tuple(_value(item, v, f"{where}[{i}]") for i, v in enumerate(_list(value, where)))
    if hint is str:
        return _text(value, where)
    if hint is int:
        return _count(value, where)
    if hint is datetime:
        return _moment(value, where)
    raise TypeError(f"{where}: records hold no {hint!r}")  # a record type this cannot read


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed(where, f"expected an object {{...}}, found {_kind(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise Malformed(where, f"expected a list [...], found {_kind(value)}")
    return value


def _text(value: Any, where: str, empty: bool = True) -> str:
    if not isinstance(value, str) or not (value or empty):
        raise Malformed(where, f"expected text, found {_kind(value)}")
    return value


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise Malformed(where, f"expected a whole number from 0 to {MAX_COUNT}, found "
                        f"{_kind(value)}")
    return value


def _moment(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Malformed(where, f"expected a date and time with a time zone, like "
                        f'"2026-12-01T17:00:00+00:00", found {_kind(value)}')
    return moment


def _applied(value: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = _object(value, where)
    found = []
    for study, hashes in sorted(table.items()):
        items = _list(hashes, f"{where}[{_quote(study)}]")
        found.append((study, tuple(sorted({_text(h, f"{where}[{_quote(study)}]")
                                           for h in items}))))
    return tuple(found)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, (int, float)):
        return f"the number {value}" if abs(value) < 1e15 else "a number too large"
    if isinstance(value, str):
        return f'"{value[:40]}"' if value else "empty text"
    return "a list" if isinstance(value, list) else "an object"


def _quote(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
