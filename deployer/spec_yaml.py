"""Read one study file as YAML, keeping the line and column of every key and value.

PyYAML silently keeps the last of two equal keys and reports tabs and bad bytes in its own
terms; here each of those becomes one clear Problem. The loader follows YAML 1.2 where 1.1
surprises people: only true/false are booleans (so the country code NO stays a string) and
dates stay strings (the schema checks them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deployer.problems import NodePath, Problem, Severity, field_name, file_problem

Pos = tuple[int, int]  # 1-based line and column

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no implicit dates."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Document:
    """A parsed study file: plain data plus where each part of it was written."""

    path: str  # as shown to the user
    data: dict[str, Any]
    values: Mapping[NodePath, Pos]
    keys: Mapping[NodePath, Pos]
    problems: tuple[Problem, ...]  # found while reading, e.g. duplicate keys

    def at(self, path: NodePath) -> Pos:
        """Where the value at `path` (or its nearest existing parent) starts."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)

    def key_at(self, path: NodePath) -> Pos:
        return self.keys.get(path) or self.at(path)

    def problem(
        self, path: NodePath, message: str, severity: Severity = "error", on_key: bool = False
    ) -> Problem:
        line, column = self.key_at(path) if on_key else self.at(path)
        return Problem(self.path, line, column, severity, field_name(path), message)


def read_file(file: Path, shown: str) -> bytes | Problem:
    """The file's bytes, or the Problem that stops it from being read."""
    try:
        return file.read_bytes()
    except IsADirectoryError:
        return file_problem(shown, "is a directory, not a study file")
    except OSError as error:
        return file_problem(shown, f"cannot read the file: {error.strerror or error}")


def decode_document(raw: bytes, shown: str) -> Document | Problem:
    """The bytes as a Document, or the single Problem that stops them from being parsed."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        return file_problem(shown, "is not UTF-8 text; save the file as UTF-8", line, column)
    return parse_document(text, shown)


def parse_document(text: str, shown: str) -> Document | Problem:
    try:
        loader = _Loader(text)
    except yaml.YAMLError as error:  # the reader rejects control characters up front
        return _yaml_problem(text, shown, error)
    try:
        return _document(loader, shown)
    except yaml.YAMLError as error:
        return _yaml_problem(text, shown, error)
    finally:
        loader.dispose()


def _document(loader: _Loader, shown: str) -> Document | Problem:
    node = loader.get_single_node()
    if node is None:
        return file_problem(shown, "the file is empty; start from `deploy init NAME`")
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        line, column = _mark(node.start_mark)
        return file_problem(
            shown, f"the top level must be fields like `title: ...`, found {kind}", line, column
        )
    builder = _Builder(loader, shown)
    data = builder.build(node, ())
    return Document(shown, data, builder.values, builder.keys, tuple(builder.problems))


class _Builder:
    """Turns composed nodes into plain data, noting positions and duplicate keys."""

    def __init__(self, loader: _Loader, shown: str) -> None:
        self.loader = loader
        self.shown = shown
        self.values: dict[NodePath, Pos] = {}
        self.keys: dict[NodePath, Pos] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: NodePath) -> Any:
        self.values[path] = _mark(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: NodePath) -> dict[str, Any]:
        self._check_duplicates(node, path)
        self.loader.flatten_mapping(node)  # resolve `<<: *anchor` merges the usual way
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            here = (*path, key)
            self.keys[here] = _mark(key_node.start_mark)
            result[key] = self.build(value_node, here)
        return result

    def _key(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise yaml.MarkedYAMLError(
                problem="a key must be a plain name, not a list or mapping",
                problem_mark=node.start_mark,
            )
        return str(self.loader.construct_object(node))

    def _check_duplicates(self, node: yaml.MappingNode, path: NodePath) -> None:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = str(self.loader.construct_object(key_node))
            line, column = _mark(key_node.start_mark)
            if key in seen:
                self.problems.append(Problem(
                    self.shown, line, column, "error", field_name((*path, key)),
                    f"appears twice (first on line {seen[key]}); YAML would silently keep "
                    "only the last one, so remove one of them",
                ))
            else:
                seen[key] = line


def _yaml_problem(text: str, shown: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line, column = _mark(mark) if mark is not None else _reader_position(text, error)
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
    if "another document" in problem:
        return file_problem(
            shown, "holds more than one YAML document (`---`); keep one study per file",
            line, column,
        )
    context = getattr(error, "context", None)
    detail = f"{problem} ({context})" if context else problem
    return file_problem(shown, f"YAML syntax error: {detail}", line, column)


def _tab_in_indentation(text: str, up_to_line: int) -> Pos | None:
    """The first tab used as indentation at or before the line where parsing failed."""
    for number, line in enumerate(text.splitlines()[:up_to_line], start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return (number, indent.index("\t") + 1)
    return None


def _reader_position(text: str, error: yaml.YAMLError) -> Pos:
    index = int(getattr(error, "position", 0))
    line = text.count("\n", 0, index) + 1
    return (line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _byte_position(raw: bytes, index: int) -> Pos:
    line = raw.count(b"\n", 0, index) + 1
    return (line, index - (raw.rfind(b"\n", 0, index) + 1) + 1)


def _mark(mark: yaml.Mark) -> Pos:
    return (mark.line + 1, mark.column + 1)
