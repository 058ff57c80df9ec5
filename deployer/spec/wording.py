"""jsonschema's error kinds in the user's words: what is wrong, and what to write instead."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from deployer.spec.countries import ALPHA3
from deployer.spec.problems import NodePath
from deployer.spec.values import UNITS

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

USD_PATTERN = "^[0-9]+(\\.[0-9]{1,2})?$"
DURATION_PATTERN = "^[0-9]+[smhdw]$"
DURATION_FIELDS = ("assignment_duration", "auto_approval_delay", "lifetime")
_DURATION_HINT = 'write a duration like "90s", "45m", "2h", "7d" or "1w", or a number of seconds'

_PATTERN_HINTS = {
    DURATION_PATTERN: _DURATION_HINT,
    "\\S": "must not be blank",
    "^[^,]+$": "one keyword per entry; a comma would split it in two",
    "^[A-Z0-9]{1,64}$": "write the QualificationTypeId as MTurk shows it "
    "(capital letters and digits)",
    "^https://[^\\s/?#]+[^\\s]*$": "write a full https:// address without spaces",
    "^[0-9]{12}$": "write the 12-digit account ID, like \"123456789012\"",
    "^[1-9][0-9]*[mh]$": "write whole minutes or hours, at least one minute, like \"10m\" "
    "or \"1h\"",
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


def message(kind: str, error: ValidationError, path: NodePath, quoted: bool) -> str:
    """The reworded error; `quoted` says whether the value was written in quotes."""
    value: Any = error.instance
    rule: Any = error.validator_value
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    field = str(path[-1]) if path else ""
    match kind:
        case "type":
            return _type_message(value, rule, schema, field)
        case "pattern":
            return _pattern_message(value, str(rule), field, quoted)
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
            return f"give exactly one of {join_or(sorted(schema.get('properties', {})))}"
        case "enum":
            return f"is {_q(value)}; " + suggest(str(value), [str(v) for v in rule], "must be")
        case "const":
            return f"write `{field}: true`, or remove this entry"
        case "uniqueItems":
            return "lists the same value more than once"
    return error.message


def _type_message(value: Any, expected: Any, schema: dict[str, Any], field: str) -> str:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if schema.get("pattern") == USD_PATTERN and number:
        return 'write the amount in quotes, like "1.50" (a bare number can lose cents)'
    pattern = schema.get("pattern")
    if number and isinstance(pattern, str) and re.fullmatch(pattern, str(value)):
        return f'write it in quotes, like "{value}" (a bare number loses leading zeros)'
    if field in DURATION_FIELDS and number:
        return f"is {value}; write whole seconds, or a duration like " \
            '"90s", "45m", "2h", "7d" or "1w"'
    wanted = [expected] if isinstance(expected, str) else list(expected)
    names = " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
    found = f"expected {names}, found {_describe(value)}"
    return found + _instead(value, wanted, schema)


def _holds_a_list(schema: Any) -> bool:
    """Whether `schema` asks for a list, itself, by reference (`countries`) or through the
    `allOf` a reference is inlined as."""
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "array" or str(schema.get("$ref", "")).endswith("ies"):
        return True
    return any(_holds_a_list(part) for part in schema.get("allOf", ()))


def _instead(value: Any, wanted: list[str], schema: dict[str, Any]) -> str:
    """What to write instead, when the value is right but its shape is not:
    `hits_approved: 1000` -> `{at_least: 1000}`, `at_least: 95%` -> `95`."""
    if isinstance(value, str) and ("integer" in wanted or "number" in wanted):
        match = re.fullmatch(r"\s*(-?[0-9]+(?:\.[0-9]+)?)\s*%\s*", value)
        if match:
            return f"; write the number without %, like {match.group(1)}"
    scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
    if not scalar:
        return ""
    if "array" in wanted:
        return f"; write it as a list, like [{value}]"
    properties = schema.get("properties")
    # A mapping of exactly one key (a bound, a locale rule): the value belongs under its first.
    if "object" in wanted and schema.get("maxProperties") == 1 and isinstance(properties, dict):
        key, inner = next(iter(properties.items()))
        shown = f"[{value}]" if _holds_a_list(inner) else str(value)
        return f"; write it like {{{key}: {shown}}}"
    return ""


def _pattern_message(value: str, pattern: str, field: str, quoted: bool) -> str:
    if field == "closes_at":
        return 'write a date and time with a time zone, like "2026-12-01T17:00:00Z" ' \
            'or "2026-12-01T09:00:00-08:00"'
    if field == "external_url" and value.startswith("http://"):
        return "MTurk only shows https pages; use an https:// address"
    if pattern.startswith("^[A-Z]{2}"):
        return _country_hint(value)
    if pattern == USD_PATTERN:
        return f"{_q(value)}: {_money_hint(value, quoted)}"
    if pattern == DURATION_PATTERN:
        return f"{_q(value)}: {_duration_hint(value)}"
    hint = _PATTERN_HINTS.get(pattern, f"does not match {pattern}")
    return f"{_q(value)}: {hint}" if pattern != "\\S" else hint


def _money_hint(value: str, quoted: bool) -> str:
    text = value.strip()
    if text.startswith("-"):
        return "cannot be negative"
    bare = text.replace("$", "").replace("USD", "").strip()
    if bare != text and re.match(USD_PATTERN, bare):
        marks = [name for mark, name in (("$", "the $ sign"), ("USD", "USD")) if mark in text]
        how = "" if quoted else " and write the amount in quotes"
        return f'leave out {" and ".join(marks)}{how}, like "{bare}"'
    if re.match(r"^[0-9]+\.[0-9]{3,}$", text):
        down = Decimal(text).quantize(Decimal("0.01"), ROUND_DOWN)
        up = down + Decimal("0.01")
        choices = f'"{down}"' if down == Decimal(text) else f'"{down}" or "{up}"'
        return f"at most 2 decimals (MTurk pays whole cents), like {choices}"
    return f"write dollars and cents{'' if quoted else ' in quotes'}, like \"1.50\""


def _duration_hint(value: str) -> str:
    """"1.5h" and "1h30m" are 90m: say so, since one unit can express them."""
    match = re.match(r"^\s*([0-9]*\.[0-9]+)\s*([smhdw])\s*$", value)
    if match:
        seconds = Decimal(match.group(1)) * UNITS[match.group(2)]
        if seconds == seconds.to_integral_value() and seconds > 0:
            return f"write whole numbers; {value.strip()} is {_in_units(int(seconds))}"
    parts = re.findall(r"([0-9]+)\s*([smhdw])", value)
    if len(parts) > 1 and re.fullmatch(r"\s*(?:[0-9]+\s*[smhdw]\s*)+", value):
        total = sum(int(number) * UNITS[unit] for number, unit in parts)
        return f"write one unit; {value.strip()} is {_in_units(total)}"
    return _DURATION_HINT


def _in_units(seconds: int) -> str:
    for unit, size in sorted(UNITS.items(), key=lambda item: -item[1]):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _country_hint(value: str) -> str:
    if re.match(r"^[A-Za-z]{2}-[A-Za-z0-9]{3,}$", value):
        return f"{_q(value)}: MTurk subdivisions are 2 letters, like US-WA"
    if value.upper() != value and len(value) in (2, 5):
        return f"write country codes in capitals, like {_q(value.upper())}"
    if value.upper() in ALPHA3:
        return f"{_q(value)} is a 3-letter code; write the 2-letter {ALPHA3[value.upper()]}"
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


def closest(word: str, allowed: Sequence[str]) -> str | None:
    """The allowed name `word` most likely means: by spelling, then by a shared part
    ("duration" -> "assignment_duration")."""
    key = word.strip().lower().replace("-", "_").replace(" ", "_")
    if key in allowed:
        return key
    holding = [name for name in allowed if key in name] if len(key) >= 4 else []
    if holding:  # before spelling: "duration" looks more like "production"
        return holding[0]  # of several, the first listed ("assignment_duration")
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return close[0]
    within = [name for name in allowed if len(name) >= 4 and name in key]
    return max(within, key=len) if within else None


def suggest(word: str, allowed: Sequence[str], lead: str = "expected one of") -> str:
    close = closest(word, allowed)
    if close:
        return f'did you mean "{close}"?'
    return f"{lead} {join_or(allowed)}" if allowed else "no fields are allowed here"


def _seconds(limit: int) -> str:
    days = f" ({limit // 86_400} days)" if limit >= 86_400 and limit % 86_400 == 0 else ""
    return f"{limit} seconds{days}"


def _q(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def join_or(words: Iterable[str]) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
