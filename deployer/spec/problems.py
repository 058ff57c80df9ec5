"""One validation finding, located in a file: the unit every validation step reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Pos = tuple[int, int]  # 1-based line and column
# A place in a YAML document: mapping keys and sequence indexes, outermost first.
NodePath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """`studies/emotion.yaml:12:3: error: reward: ...`; line 0 means the file as a whole."""

    path: str
    line: int
    column: int
    severity: Severity
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {self.severity}: {what}"

    @property
    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)


def locate(text: str, index: int) -> Pos:
    """1-based line and column of a character index in `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def field_name(path: NodePath) -> str:
    """("qualifications", 2, "locale") -> "qualifications[2].locale"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def file_problem(path: str, message: str, line: int = 0, column: int = 0) -> Problem:
    """A problem with the file itself (unreadable, not YAML, ...), not with one field."""
    return Problem(path, line, column, "error", "", message)
