"""Whether a document is valid against a schema, answered without jsonschema when it can be.

Most study files are valid, and for a valid file jsonschema is pure cost: importing it and
its dependencies takes about 50 ms of every `deploy validate`, and walking a study with it
most of the time per file. `valid()` walks the schema's keywords itself (those our schemas use,
with jsonschema's meaning of each, such as 9.0 being an integer and true not being 1) and
answers True only when the document is certainly valid. Any other answer (invalid, or a
keyword it does not know) sends the document to jsonschema, whose errors are the ones
reported, so a document is never passed that jsonschema would refuse.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

# Annotations and bookkeeping: no bearing on validity.
_IGNORED = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description",
                      "examples", "default"})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "integer": lambda value: (isinstance(value, int) and not isinstance(value, bool))
    or (isinstance(value, float) and value.is_integer()),
}
Verdict = bool | None  # None: this module cannot tell


def valid(instance: Any, schema: Any) -> bool:
    """True only if jsonschema (Draft 2020-12, no format checks) finds no error."""
    return verdict(instance, schema) is True


def verdict(instance: Any, schema: Any) -> Verdict:
    """jsonschema's answer to "is it valid?", or None where this module cannot tell."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        return None
    result: Verdict = True
    for keyword, rule in schema.items():
        if keyword in _IGNORED:
            continue
        check = _KEYWORDS.get(keyword)
        found = None if check is None else check(instance, rule, schema)
        if found is False:
            return False
        if found is None:
            result = None
    return result


def _all(verdicts: Iterable[Verdict]) -> Verdict:
    result: Verdict = True
    for verdict in verdicts:
        if verdict is False:
            return False
        if verdict is None:
            result = None
    return result


def _any(verdicts: list[Verdict]) -> Verdict:
    return True if True in verdicts else (None if None in verdicts else False)


def _type(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    names = rule if isinstance(rule, list) else [rule]
    if not all(name in _TYPES for name in names):
        return None
    return any(_TYPES[name](instance) for name in names)


def _properties(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    if not isinstance(instance, dict):
        return True
    return _all(verdict(instance[key], sub) for key, sub in rule.items() if key in instance)


def _additional(instance: Any, rule: Any, schema: dict[str, Any]) -> Verdict:
    if not isinstance(instance, dict):
        return True
    if "patternProperties" in schema:
        return None
    known = schema.get("properties", {})
    return _all(verdict(instance[key], rule) for key in instance if key not in known)


def _required(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return not isinstance(instance, dict) or all(key in instance for key in rule)


def _items(instance: Any, rule: Any, schema: dict[str, Any]) -> Verdict:
    if "prefixItems" in schema:
        return None
    return not isinstance(instance, list) or _all(verdict(item, rule) for item in instance)


def _one_of(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    verdicts = [verdict(instance, branch) for branch in rule]
    return None if None in verdicts else verdicts.count(True) == 1


def _any_of(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return _any([verdict(instance, branch) for branch in rule])


def _all_of(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return _all(verdict(instance, branch) for branch in rule)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float)


def _same(one: Any, two: Any) -> Verdict:
    """jsonschema's equality for scalars: true is not 1, 1 is 1.0; None for containers."""
    if not (_scalar(one) and _scalar(two)):
        return None
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two
    return bool(one == two)


def _const(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return _same(instance, rule)


def _enum(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return _any([_same(instance, choice) for choice in rule])


def _number(instance: Any) -> bool:
    return isinstance(instance, int | float) and not isinstance(instance, bool)


def _minimum(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return not _number(instance) or not instance < rule


def _maximum(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return not _number(instance) or not instance > rule


def _sized(kind: type[str | list[Any] | dict[str, Any]],
           at_least: bool) -> Callable[[Any, Any, Any], Verdict]:
    def check(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
        if not isinstance(instance, kind):
            return True
        size: int = len(instance)
        return bool(size >= rule) if at_least else bool(size <= rule)

    return check


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _pattern(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    return not isinstance(instance, str) or _compiled(rule).search(instance) is not None


def _unique(instance: Any, rule: Any, _: dict[str, Any]) -> Verdict:
    if rule is not True or not isinstance(instance, list):
        return True
    if not all(isinstance(item, str) for item in instance):
        return None  # jsonschema's equality across kinds: left to jsonschema
    return len(set(instance)) == len(instance)


_KEYWORDS: dict[str, Callable[[Any, Any, dict[str, Any]], Verdict]] = {
    "type": _type, "properties": _properties, "additionalProperties": _additional,
    "required": _required, "items": _items, "oneOf": _one_of, "anyOf": _any_of,
    "allOf": _all_of, "const": _const, "enum": _enum, "minimum": _minimum,
    "maximum": _maximum, "pattern": _pattern, "uniqueItems": _unique,
    "minLength": _sized(str, True), "maxLength": _sized(str, False),
    "minItems": _sized(list, True), "maxItems": _sized(list, False),
    "minProperties": _sized(dict, True), "maxProperties": _sized(dict, False),
}


def inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each `$ref` to one of its `$defs` replaced by that definition.

    jsonschema looks a reference up on every use, a fifth of the time a study takes to check.
    A reference beside other keywords (a description, examples) becomes `allOf: [definition]`,
    which checks the same and leaves those keywords where the messages look for them. One
    inside its own definition stays a reference (copying it in would never end)."""
    definitions = schema.get("$defs", {})

    def inline(node: Any, within: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(item, within) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        rest = {key: inline(value, within) for key, value in node.items() if key != "$ref"}
        name = ref.removeprefix("#/$defs/") if isinstance(ref, str) else ""
        if name not in definitions or name in within or "allOf" in rest:
            return node if ref is not None else rest
        target = inline(definitions[name], (*within, name))
        return {**rest, "allOf": [target]} if rest else target

    return {key: inline(value, ()) for key, value in schema.items()}
