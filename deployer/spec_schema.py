"""Check a study document against schema/study.schema.json, in the user's words.

jsonschema's own messages talk about instances and subschemas; each error kind is reworded
here to say what to write instead, located at the offending key or value.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from deployer.problems import NodePath, Problem
from deployer.spec_yaml import Document

USD_PATTERN = "^[0-9]+(\\.[0-9]{1,2})?$"
DURATION_PATTERN = "^[0-9]+[smhdw]$"
DURATION_FIELDS = ("assignment_duration", "auto_approval_delay", "lifetime")

_PATTERN_HINTS = {
    USD_PATTERN: 'write dollars and cents in quotes, like "1.50"',
    DURATION_PATTERN: 'write a duration like "90s", "45m", "2h", "7d" or "1w", '
    "or a number of seconds",
    "\\S": "must not be blank",
    "^[^,]+$": "one keyword per entry; a comma would split it in two",
    "^[A-Z0-9]{1,64}$": "write the QualificationTypeId as MTurk shows it "
    "(capital letters and digits)",
    "^https://[^\\s/?#]+[^\\s]*$": "write a full https:// address without spaces",
}
_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "object": "a mapping (key: value lines)",
    "array": "a list",
    "boolean": "true or false",
    "null": "nothing",
}


@functools.cache
def schema_text() -> str:
    """The schema shipped inside the package (a copy of schema/study.schema.json).

    Read next to this module rather than through importlib.resources, which refuses a
    package that an editable install left looking like a namespace package.
    """
    return Path(__file__).with_name("study.schema.json").read_text("utf-8")


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text()))


def schema_problems(doc: Document) -> list[Problem]:
    """Every schema violation in the document, each once, in the user's words."""
    found: list[Problem] = []
    for error in _validator().iter_errors(doc.data):
        for problem in _translate(doc, error):
            if problem not in found:
                found.append(problem)
    return found


def _translate(doc: Document, error: ValidationError) -> list[Problem]:
    path: NodePath = tuple(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties":
        return _unknown_keys(doc, path, error)
    if kind == "required":
        return _missing(doc, path, error)
    if kind in ("oneOf", "anyOf"):
        return _one_of(doc, path, error)
    return [doc.problem(path, _message(str(kind), error, path))]


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _instance(error: ValidationError) -> Any:
    return error.instance


def _rule(error: ValidationError) -> Any:
    return error.validator_value


def _unknown_keys(doc: Document, path: NodePath, error: ValidationError) -> list[Problem]:
    allowed = sorted(_schema_of(error).get("properties", {}))
    return [
        doc.problem((*path, key), "unknown field; " + _suggest(str(key), allowed), on_key=True)
        for key in _instance(error)
        if key not in allowed
    ]


def _missing(doc: Document, path: NodePath, error: ValidationError) -> list[Problem]:
    names = [n for n in _rule(error)
             if n not in _instance(error) and repr(n) in error.message]
    properties = _schema_of(error).get("properties", {})
    return [doc.problem((*path, n), _missing_message(n, properties.get(n, {}))) for n in names]


def _missing_message(name: str, schema: dict[str, Any]) -> str:
    examples = schema.get("examples")
    if not examples:
        return "missing; add this field"
    return f"missing; add it, e.g. {name}: {json.dumps(examples[0])}"


def _one_of(doc: Document, path: NodePath, error: ValidationError) -> list[Problem]:
    choices = _exclusive_keys(_rule(error))
    if choices is None:
        deepest = best_match(error.context or [error])
        if deepest is error:
            return [doc.problem(path, error.message)]
        return _translate(doc, deepest)
    instance = _instance(error)
    if not isinstance(instance, dict):
        return []  # the type error on the same value says it better
    present = sorted((c for c in choices if c in instance),
                     key=lambda c: doc.key_at((*path, c)))
    where = path or (choices[0],)
    known = _schema_of(error).get("properties", {})
    if not present and any(key not in known for key in instance):
        return []  # an unknown key is probably the misspelt choice; that error says so
    if not present:
        return [doc.problem(where, f"missing; add {_or(choices)}")]
    return [doc.problem(
        (*path, present[1]),
        f"give only one of {_or(choices)}; found {' and '.join(present)}",
        on_key=True,
    )]


def _exclusive_keys(branches: Any) -> list[str] | None:
    """["a", "b"] when the branches are [{"required": ["a"]}, {"required": ["b"]}]."""
    if not all(isinstance(b, dict) and list(b) == ["required"] for b in branches):
        return None
    return [b["required"][0] for b in branches]


def _message(kind: str, error: ValidationError, path: NodePath) -> str:
    value, rule, schema = _instance(error), _rule(error), _schema_of(error)
    field = str(path[-1]) if path else ""
    match kind:
        case "type":
            return _type_message(value, rule, schema)
        case "pattern":
            return _pattern_message(value, str(rule), field)
        case "minimum" | "maximum":
            side = "minimum" if kind == "minimum" else "maximum"
            if field in DURATION_FIELDS:
                return f"is {value} seconds; the {side} is {_seconds(rule)}"
            return f"is {value}; the {side} is {rule}"
        case "minLength":
            return "must not be blank"
        case "maxLength":
            return f"is {len(value)} characters long; the maximum is {rule}"
        case "minItems":
            return f"must list at least {rule}"
        case "maxItems":
            return f"has {len(value)} entries; the maximum is {rule}"
        case "minProperties" | "maxProperties":
            return f"give exactly one of {_or(sorted(schema.get('properties', {})))}"
        case "enum":
            return f"is {_q(value)}; " + _suggest(str(value), [str(v) for v in rule], "must be")
        case "const":
            return f"write `{field}: true`, or remove this entry"
        case "uniqueItems":
            return "lists the same value more than once"
    return error.message


def _type_message(value: Any, expected: Any, schema: dict[str, Any]) -> str:
    if schema.get("pattern") == USD_PATTERN and isinstance(value, int | float) \
            and not isinstance(value, bool):
        return 'write the amount in quotes, like "1.50" (a bare number can lose cents)'
    wanted = [expected] if isinstance(expected, str) else list(expected)
    names = " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
    return f"expected {names}, found {_describe(value)}"


def _pattern_message(value: str, pattern: str, field: str) -> str:
    if field == "closes_at":
        return 'write a date and time with a time zone, like "2026-12-01T17:00:00Z" ' \
            'or "2026-12-01T09:00:00-08:00"'
    if field == "external_url" and value.startswith("http://"):
        return "MTurk only shows https pages; use an https:// address"
    if pattern.startswith("^[A-Z]{2}"):
        return _country_hint(value)
    hint = _PATTERN_HINTS.get(pattern, f"does not match {pattern}")
    return f"{_q(value)}: {hint}" if pattern != "\\S" else hint


def _country_hint(value: str) -> str:
    if value.upper() != value and len(value) in (2, 5):
        return f"write country codes in capitals, like {_q(value.upper())}"
    return f"{_q(value)} is not a country code; write one like US, or a subdivision like US-WA"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {_q(value)}"
    return f"the number {value}"


def _suggest(word: str, allowed: Sequence[str], lead: str = "expected one of") -> str:
    close = difflib.get_close_matches(word, allowed, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    return f"{lead} {_or(allowed)}" if allowed else "no fields are allowed here"


def _seconds(limit: int) -> str:
    days = f" ({limit // 86_400} days)" if limit >= 86_400 and limit % 86_400 == 0 else ""
    return f"{limit} seconds{days}"


def _q(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _or(words: Iterable[str]) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
