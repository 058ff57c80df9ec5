"""CSV files people write (reviews, grants, blocks, compensation), read with their line numbers."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from deployer.spec.problems import Problem, file_problem

LARGEST = 20 * 1024 * 1024  # bytes: far beyond any real file, small enough to read at once


@dataclass(frozen=True)
class Table:
    path: str  # as shown in messages
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (first line of the record, its cells)
    digest: str  # of the file's bytes

    def column(self, name: str) -> int:
        return [cell.strip() for cell in self.header].index(name)

    def cell(self, cells: list[str], name: str) -> str:
        at = self.column(name)
        return cells[at].strip() if at < len(cells) else ""

    def problem(self, line: int, name: str, message: str) -> Problem:
        return Problem(self.path, line, self.column(name) + 1, "error", name, message)


def read_table(file: Path, shown: str, needed: tuple[str, ...],
               origin: str = "") -> Table | list[Problem]:
    """The file as a Table whose header holds every `needed` column, or what stops it.

    `origin` says where the header comes from, for the missing-column message."""
    try:
        if file.stat().st_size > LARGEST:
            return [file_problem(shown, f"is larger than {LARGEST // 2**20} MB; split it")]
        raw = file.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [file_problem(shown, "is not UTF-8 text; save the file as UTF-8 CSV")]
    except OSError as error:
        return [file_problem(shown, f"cannot read the file: {error.strerror or error}")]
    try:
        records = _records(text)
    except csv.Error as error:
        return [file_problem(shown, f"is not valid CSV ({error})")]
    header = records[0][1] if records else list(needed)
    names = [name.strip() for name in header]
    why = f" ({origin})" if origin else ""
    missing = [Problem(shown, 1, 1, "error", "", f"has no column {name!r}; the first line "
                       f"must name the columns {', '.join(needed)}{why}")
               for name in needed if name not in names]
    return missing or Table(shown, header, records[1:], hashlib.sha256(raw).hexdigest())


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(first line, cells) of every non-blank record; a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text))
    found = []
    line = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            found.append((line, cells))
        line = reader.line_num + 1
    return found
