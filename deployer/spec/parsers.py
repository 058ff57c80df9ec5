"""The two YAML parsers a study file may be read with, resolving plain values the same way.

libyaml's C parser composes a study about ten times faster than PyYAML's pure-Python one, so
it reads every file first when PyYAML was built with it. The pure-Python parser words each
syntax error in the terms our messages were written for (libyaml says "did not find expected
key" where it says "expected <block end>"), and it refuses a few things libyaml lets through
(a tab after a colon), so it reads every file the C parser cannot, and every file holding a
character the two treat differently: the answer, positions and messages included, is the same
whichever parser ran.

Both follow YAML 1.2 where 1.1 surprises people: only true/false are booleans (so the country
code NO stays a string), dates stay strings (the schema checks them), and integers are plain
decimals (1.1 would read 0x20, 1_000, 017 and 1:30 as numbers nobody meant).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import yaml

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
INT = "tag:yaml.org,2002:int"
_RESOLVERS = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP, INT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Parser(Protocol):
    """What the document builder needs of either parser."""

    def get_single_node(self) -> yaml.Node | None: ...

    def flatten_mapping(self, node: yaml.MappingNode) -> None: ...

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any: ...

    def dispose(self) -> None: ...


def _resolving(loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> None:
    loader.yaml_implicit_resolvers = {first: list(found) for first, found in _RESOLVERS.items()}
    loader.add_implicit_resolver(INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                 list("-+0123456789"))
    loader.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class PureLoader(yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader with YAML 1.2 booleans, integers and no dates."""


_resolving(PureLoader)
FAST_LOADER: type[yaml.CSafeLoader] | None = None
if yaml.__with_libyaml__:  # PyYAML's wheels carry libyaml; a source build may not

    class _FastLoader(yaml.CSafeLoader):
        """libyaml's C parser, resolving plain values exactly as PureLoader does."""

    _resolving(_FastLoader)
    FAST_LOADER = _FastLoader


# Characters the two parsers place or accept differently: libyaml takes a tab after a colon,
# and counts a byte order mark or a Unicode line break (NEL, LS, PS) inside the text in its own
# way; a study holding one is read by the pure-Python parser alone.
_PURE_ONLY = re.compile("[\t\ufeff\x85\u2028\u2029]")


def fast_parser(text: str) -> Parser | None:
    """libyaml's parser for `text`, or None when the pure-Python one must read it."""
    if FAST_LOADER is None or _PURE_ONLY.search(text):
        return None
    return FAST_LOADER(text)
