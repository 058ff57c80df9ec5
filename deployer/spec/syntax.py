"""PyYAML's syntax errors, reworded: each says what to write instead, at its line and column."""

from __future__ import annotations

import json

import yaml

from deployer.spec.problems import Pos, Problem, file_problem, locate


def yaml_problem(text: str, shown: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line, column = mark_pos(mark) if mark is not None else _reader_position(text, error)
    tab = _tab_in_indentation(text, line)
    if tab is not None:
        return file_problem(
            shown, "tab character in indentation; YAML indents with spaces only", *tab
        )
    if isinstance(error, yaml.reader.ReaderError):
        return file_problem(
            shown, f"contains the control character #x{error.character:04x}; remove it",
            line, column,
        )
    problem = getattr(error, "problem", None) or str(error)
    message = _friendly(text, line, column, problem)
    if message:
        return file_problem(shown, message, line, column)
    context = getattr(error, "context", None)
    detail = f"{problem} ({context})" if context else problem
    return file_problem(shown, f"YAML syntax error: {detail}", line, column)


def _friendly(text: str, line: int, column: int, problem: str) -> str:
    """The message for the syntax errors people make most, or ""."""
    source = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    if "another document" in problem:
        return "holds more than one YAML document (`---`); keep one study per file"
    if "'\\t'" in problem and source[column - 1:column] == "\t":
        return "tab character after a colon; YAML separates with spaces only, " \
            "so replace it with a space"
    if "mapping values are not allowed" in problem:
        return _colon_in_text(source, column)
    return ""


def _colon_in_text(source: str, column: int) -> str:
    """`description: Note: takes 5 min`: the second ": " is where YAML stopped."""
    first = source.find(": ")
    if first < 0 or first + 1 >= column:
        return ""  # the line's own key: an indentation problem, reported as it is
    key = source[:first].strip().removeprefix("- ")
    value = source[first + 2:].strip()
    quoted = f"'{value}'" if '"' in value and "'" not in value else json.dumps(
        value, ensure_ascii=False)
    return f'text containing ": " must be in quotes, like {key}: {quoted}'


def _tab_in_indentation(text: str, up_to_line: int) -> Pos | None:
    """The first tab used as indentation at or before the line where parsing failed."""
    for number, line in enumerate(text.splitlines()[:up_to_line], start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return (number, indent.index("\t") + 1)
    return None


def _reader_position(text: str, error: yaml.YAMLError) -> Pos:
    return locate(text, int(getattr(error, "position", 0)))


def mark_pos(mark: yaml.Mark) -> Pos:
    return (mark.line + 1, mark.column + 1)
