"""A table of records: one dataclass per row, one column per field.

Columns take their SQLite type from the field's annotation (bool is stored as 0/1; lists, dicts
and Any as JSON text), so a record reads back exactly as it was written. Rows keep their insertion
order in `rowid`, and `put` updates a row in place, which keeps that order as a dict did.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

R = TypeVar("R")
Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]  # (to the column, from the column)

_PLAIN: Codec = (lambda value: value, lambda value: value)
_BOOL: Codec = (lambda value: value if value is None else int(value),
                lambda value: value if value is None else bool(value))
_JSON: Codec = (lambda value: value if value is None else json.dumps(value),
                lambda value: value if value is None else json.loads(value))
_SQL_TYPES = {bool: "INTEGER", int: "INTEGER", float: "REAL", str: "TEXT"}


class Table(Generic[R]):
    def __init__(self, name: str, record: type[R], key: tuple[str, ...] = ("id",)) -> None:
        self.name = name
        self.record = record
        self.key = key
        hints = typing.get_type_hints(record)
        self.columns = tuple(f.name for f in dataclasses.fields(record))  # type: ignore[arg-type]
        self._types = {column: _base(hints[column]) for column in self.columns}
        self._codecs = [_codec(self._types[column]) for column in self.columns]
        # Only the columns that need decoding are touched when a row is read.
        self._decoders = [(i, codec[1]) for i, codec in enumerate(self._codecs)
                          if codec is not _PLAIN]
        self._select = f"SELECT {', '.join(self.columns)} FROM {name}"
        self._put = _upsert(name, self.columns, key)

    def ddl(self) -> str:
        columns = [f"{c} {_SQL_TYPES.get(self._types[c], 'TEXT')}" for c in self.columns]
        if self.key:
            columns.append(f"PRIMARY KEY ({', '.join(self.key)})")
        return f"CREATE TABLE {self.name} ({', '.join(columns)})"

    def ensure(self, db: sqlite3.Connection) -> None:
        """Creates the table, or adds the columns its record gained since the table was made,
        each holding the field's default: how a state written by an older emulator is brought
        up to date. Rows keep their order."""
        present = {row[1] for row in db.execute(f"PRAGMA table_info({self.name})")}
        if not present:
            db.execute(self.ddl())
            return
        defaults = {f.name: f.default for f in dataclasses.fields(self.record)}  # type: ignore[arg-type]
        for index, column in enumerate(self.columns):
            if column in present:
                continue
            default = defaults[column]
            if default is dataclasses.MISSING:
                raise ValueError(f"{self.name}.{column} has no default to fill old rows with")
            kind = _SQL_TYPES.get(self._types[column], "TEXT")
            value = self._codecs[index][0](default)
            db.execute(f"ALTER TABLE {self.name} ADD COLUMN {column} {kind} "
                       f"DEFAULT {_literal(value)}")

    def get(self, db: sqlite3.Connection, *key: Any) -> R | None:
        found = self.where(db, " AND ".join(f"{k} = ?" for k in self.key), key)
        return found[0] if found else None

    def where(self, db: sqlite3.Connection, condition: str = "1", params: Sequence[Any] = (),
              order: str = "rowid", limit: int | None = None) -> list[R]:
        sql = f"{self._select} WHERE {condition} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self._record(row) for row in db.execute(sql, params)]

    def count(self, db: sqlite3.Connection, condition: str = "1",
              params: Sequence[Any] = ()) -> int:
        found: int = db.execute(f"SELECT COUNT(*) FROM {self.name} WHERE {condition}",
                                params).fetchone()[0]
        return found

    def put(self, db: sqlite3.Connection, record: R) -> None:
        """Inserts the record, or updates the row with its key in place."""
        values = [encode(getattr(record, column))
                  for column, (encode, _) in zip(self.columns, self._codecs, strict=True)]
        db.execute(self._put, values)

    def delete(self, db: sqlite3.Connection, *key: Any) -> None:
        db.execute(f"DELETE FROM {self.name} WHERE "
                   + " AND ".join(f"{k} = ?" for k in self.key), key)

    def _record(self, row: Sequence[Any]) -> R:
        values = list(row)
        for index, decode in self._decoders:
            values[index] = decode(values[index])
        return self.record(*values)  # columns are the fields, in order


def _base(hint: Any) -> Any:
    """`X | None` -> X; list[...] / dict[...] -> list / dict."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        others = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        hint = others[0] if len(others) == 1 else Any
    return typing.get_origin(hint) or hint


def _codec(kind: Any) -> Codec:
    if kind is bool:
        return _BOOL
    if kind in (list, dict, Any):
        return _JSON
    return _PLAIN


def _upsert(name: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    insert = (f"INSERT INTO {name} ({', '.join(columns)}) "
              f"VALUES ({', '.join('?' for _ in columns)})")
    if not key:
        return insert
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return f"{insert} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"


def _literal(value: Any) -> str:
    """A column default as SQL text (DDL takes no parameters)."""
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
