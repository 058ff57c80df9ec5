"""Read one study file as YAML, keeping the line and column of every key and value.

PyYAML silently keeps the last of two equal keys and reports tabs and bad bytes in its own
terms; here each of those becomes one clear Problem. Which parser reads the file, and how
plain values resolve (YAML 1.2 booleans and integers, no dates), is deployer.spec.parsers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deployer.spec.files import Unreadable, printable, read_limited
from deployer.spec.parsers import INT, Parser, PureLoader, fast_parser
from deployer.spec.problems import NodePath, Pos, Problem, Severity, field_name, file_problem
from deployer.spec.syntax import mark_pos, yaml_problem

_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
MAX_DEPTH = 64  # a study needs 5 levels; this stops runaway nesting long before Python does
# Bounds that keep a hostile file from stalling CI; a real study is a few KB and a few hundred
# values, so each is far beyond any study and far below what takes a second to check.
MAX_FILE_BYTES = 256 * 1024
MAX_VALUES = 5_000  # values after aliases are expanded: a 250-byte alias bomb makes billions


@dataclass(frozen=True)
class Document:
    """A parsed study file: plain data plus where each part of it was written."""

    path: str  # as shown to the user
    data: dict[str, Any]
    values: Mapping[NodePath, Pos]
    keys: Mapping[NodePath, Pos]
    problems: tuple[Problem, ...]  # found while reading, e.g. duplicate keys
    quoted: frozenset[NodePath] = frozenset()  # values written in quotes

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
        return read_limited(file, MAX_FILE_BYTES)
    except Unreadable as error:
        return file_problem(shown, f"{error}; a study file is a regular file of a few KB")


def decode_document(raw: bytes, shown: str) -> Document | Problem:
    """The bytes as a Document, or the single Problem that stops them from being parsed."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        return file_problem(shown, "is not UTF-8 text; save the file as UTF-8", line, column)
    return parse_document(text, shown)


def parse_document(text: str, shown: str, fast: bool = True) -> Document | Problem:
    """The text as a Document, or the Problem that stops it from being one.

    libyaml's parser reads the text first when it can (and `fast`); anything it cannot make a
    Document of is read again by the pure-Python parser, whose Problem is the one reported, so
    the answer does not depend on which parser PyYAML was installed with."""
    quick = fast_parser(text) if fast else None
    if quick is not None:
        found = _parsed(quick, text, shown)
        if isinstance(found, Document):
            return found
    try:
        loader = PureLoader(text)
    except yaml.YAMLError as error:  # the reader rejects control characters up front
        return yaml_problem(text, shown, error)
    return _parsed(loader, text, shown)


def _parsed(loader: Parser, text: str, shown: str) -> Document | Problem:
    try:
        return _document(loader, shown)
    except yaml.YAMLError as error:
        return yaml_problem(text, shown, error)
    except _Unreadable as error:
        return Problem(shown, *error.pos, "error", field_name(error.path), error.message)
    except RecursionError:  # the composer recurses before the builder can count levels
        return file_problem(shown, _TOO_DEEP)
    finally:
        loader.dispose()


def _document(loader: Parser, shown: str) -> Document | Problem:
    node = loader.get_single_node()
    if node is None:
        return file_problem(shown, "the file is empty; start from `deploy init NAME`")
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        line, column = mark_pos(node.start_mark)
        return file_problem(
            shown, f"the top level must be fields like `title: ...`, found {kind}", line, column
        )
    _check_size(node)
    builder = _Builder(loader, shown)
    data = builder.build(node, ())
    return Document(shown, data, builder.values, builder.keys, tuple(builder.problems),
                    frozenset(builder.quoted))


_TOO_DEEP = f"is nested too deeply (more than {MAX_DEPTH} levels); a study needs only a few"


class _Unreadable(Exception):
    """A structure that cannot become plain data: a cycle, or runaway nesting."""

    def __init__(self, message: str, pos: Pos, path: NodePath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.path = path


class _Builder:
    """Turns composed nodes into plain data, noting positions and duplicate keys."""

    def __init__(self, loader: Parser, shown: str) -> None:
        self.loader = loader
        self.shown = shown
        self.values: dict[NodePath, Pos] = {}
        self.keys: dict[NodePath, Pos] = {}
        self.problems: list[Problem] = []
        self.quoted: set[NodePath] = set()
        self.inside: set[int] = set()  # ids of the collections being built, to catch cycles

    def build(self, node: yaml.Node, path: NodePath) -> Any:
        self.values[path] = mark_pos(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("'", '"'):
                self.quoted.add(path)
            return self._scalar(node, path)
        if id(node) in self.inside:
            raise _Unreadable(_SELF_ALIAS, mark_pos(node.start_mark))
        if len(path) > MAX_DEPTH:
            raise _Unreadable(_TOO_DEEP, mark_pos(node.start_mark))
        self.inside.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.inside.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: NodePath) -> dict[str, Any]:
        self._check_duplicates(node, path)
        self.loader.flatten_mapping(node)  # resolve `<<: *anchor` merges the usual way
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            here = (*path, key)
            self.keys[here] = mark_pos(key_node.start_mark)
            result[key] = self.build(value_node, here)
        return result

    def _key(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise yaml.MarkedYAMLError(
                problem="a key must be a plain name, not a list or mapping",
                problem_mark=node.start_mark,
            )
        return str(self._scalar(node, ()))

    def _scalar(self, node: yaml.ScalarNode, path: NodePath) -> Any:
        """The node's value, if it is text, a number, a boolean or empty.

        An explicit tag (`!!int x`, `!!binary ...`) can ask PyYAML for a value it cannot make,
        or for one (bytes, a date) that no study field holds; each is a problem at the node."""
        if node.tag == _STR:  # text, most values: what SafeConstructor returns, minus its calls
            value: Any = node.value
        else:
            value = self._constructed(node, path)
        if isinstance(value, str) and not _encodable(value):
            value = _join_surrogates(value, node, path)
        if not isinstance(value, _PLAIN):
            kind = "binary data" if isinstance(value, bytes) else "a date"
            raise _Unreadable(
                f"the tag {_tag_name(node.tag)} makes this value {kind}, which no study field "
                "holds; remove the tag (write text in quotes)", mark_pos(node.start_mark), path)
        return value

    def _constructed(self, node: yaml.ScalarNode, path: NodePath) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            # Only a number too long for Python to convert fails without a tag asking for it.
            too_long = node.tag == INT and node.value.lstrip("+-").isdigit()
            raise _Unreadable(_unreadable_scalar(node, too_long),
                              mark_pos(node.start_mark), path) from None

    def _check_duplicates(self, node: yaml.MappingNode, path: NodePath) -> None:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = str(self._scalar(key_node, path))
            line, column = mark_pos(key_node.start_mark)
            if key in seen:
                self.problems.append(Problem(
                    self.shown, line, column, "error", field_name((*path, key)),
                    f"appears twice (first on line {seen[key]}); YAML would silently keep "
                    "only the last one, so remove one of them",
                ))
            else:
                seen[key] = line


_PLAIN = (str, int, float, bool, type(None))
_SELF_ALIAS = "an alias refers to itself (*name inside &name); write the value out"
_TOO_MANY = (f"holds more than {MAX_VALUES:,} values (an alias *name counts as every value it "
             "repeats); a study needs a few hundred: shorten the lists")


def _check_size(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand it beyond MAX_VALUES, before building it.

    Aliases share nodes, so a small file can stand for an enormous tree (a "billion laughs");
    each shared node's expanded size is counted once, which keeps this linear in the file."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known == -1:
            raise _Unreadable(_SELF_ALIAS, mark_pos(node.start_mark))
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            raise _Unreadable(_TOO_DEEP, mark_pos(node.start_mark))
        total = 1
        if not isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = -1  # being counted: meeting it again means a cycle
            children = node.value if isinstance(node, yaml.SequenceNode) else \
                [part for pair in node.value for part in pair]
            for child in children:
                total += size(child, depth + 1)
                if total > MAX_VALUES:
                    raise _Unreadable(_TOO_MANY, (0, 0))
        sizes[id(node)] = total
        return total

    size(root, 0)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _join_surrogates(text: str, node: yaml.Node, path: NodePath) -> str:
    """PyYAML reads the escapes "\ud83d\ude00" (JSON's way to write 😀) as two halves; join
    them. A half without its partner is no character at all: UTF-8 cannot carry it."""
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise _Unreadable("contains half of a UTF-16 surrogate pair (an escape like \\ud800) "
                          "without the other half, which is not a character; remove it",
                          mark_pos(node.start_mark), path) from None


def _tag_name(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _unreadable_scalar(node: yaml.ScalarNode, too_long: bool) -> str:
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    shown = printable(value)
    if too_long:
        return f"cannot read {shown} as a number ({len(node.value):,} digits); " \
            "write a smaller one"
    return f"the tag {_tag_name(node.tag)} cannot read {shown!r}; remove the tag"


def _byte_position(raw: bytes, index: int) -> Pos:
    line = raw.count(b"\n", 0, index) + 1
    return (line, index - (raw.rfind(b"\n", 0, index) + 1) + 1)
