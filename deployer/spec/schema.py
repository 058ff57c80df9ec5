"""Check a study document against schema/study.schema.json, in the user's words.

jsonschema's own messages talk about instances and subschemas; each error kind is reworded
here to say what to write instead, located at the offending key or value.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deployer.spec.document import Document
from deployer.spec.problems import NodePath, Problem
from deployer.spec.validity import inlined, valid
from deployer.spec.wording import closest, join_or, message, suggest

if TYPE_CHECKING:  # jsonschema is imported only when a document has errors to word
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


@functools.cache
def schema_file_text(name: str) -> str:
    """Another schema shipped beside this module (`qualification.schema.json`)."""
    return Path(__file__).with_name(name).read_text("utf-8")


@functools.cache
def _schema_of_file(name: str) -> dict[str, Any]:
    """A shipped schema, with its `$defs` copied in where they are used."""
    text = schema_file_text(name) if name else schema_text()
    return inlined(json.loads(text))


@functools.cache
def _validator_of(name: str) -> Validator:
    from deployer.spec.validator import compiled  # jsonschema: only for a document with errors

    return compiled(_schema_of_file(name))


@functools.cache
def schema_text() -> str:
    """The schema shipped inside the package (a copy of schema/study.schema.json).

    Read next to this module rather than through importlib.resources, which refuses a
    package that an editable install left looking like a namespace package.
    """
    return Path(__file__).with_name("study.schema.json").read_text("utf-8")


def schema_problems(doc: Document, schema: str = "") -> list[Problem]:
    """Every schema violation in the document, each once, in the user's words; against the
    study schema unless another shipped `schema` file is named.

    A document found valid without jsonschema (most are) is not walked again by it."""
    if valid(doc.data, _schema_of_file(schema)):
        return []
    errors = list(_validator_of(schema).iter_errors(doc.data))
    context = _Context(doc, errors)
    found: list[Problem] = []
    for error in errors:
        for problem in context.translate(error):
            if problem not in found:
                found.append(problem)
    return found


def _nested_fields() -> dict[str, str]:
    """Field name -> the top-level field it belongs under ("external_url" -> "question")."""
    schema = json.loads(schema_text())
    nested = {name: "question" for name in schema["properties"]["question"]["properties"]}
    for name in schema["$defs"]["qualification"]["properties"]:
        nested[name] = "qualifications"
    return nested


_NESTED = _nested_fields()


class _Context:
    """What one error's wording depends on in the others: a misspelt key explains a missing
    one, a misplaced key explains an empty parent, a wrong type explains a range error."""

    def __init__(self, doc: Document, errors: list[ValidationError]) -> None:
        self.doc = doc
        self.explained: set[NodePath] = set()  # missing or empty because of another key
        self.typed = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
        for error in errors:
            if error.validator == "additionalProperties":
                self._note_keys(tuple(error.absolute_path), error)

    def _note_keys(self, path: NodePath, error: ValidationError) -> None:
        allowed = sorted(_schema_of(error).get("properties", {}))
        for key in _instance(error):
            if key in allowed:
                continue
            close = closest(str(key), allowed)
            if close is not None:
                self.explained.add((*path, close))
            elif not path and str(key) in _NESTED:
                self.explained.add((_NESTED[str(key)],))

    def translate(self, error: ValidationError) -> list[Problem]:
        path: NodePath = tuple(error.absolute_path)
        kind = error.validator
        if kind != "type" and path in self.typed:
            return []  # `lifetime: 1.5`: the wrong type is the one thing to fix
        if kind == "additionalProperties":
            return self._unknown_keys(path, error)
        if kind == "required":
            return self._missing(path, error)
        if kind in ("oneOf", "anyOf"):
            return self._one_of(path, error)
        if kind == "type" and path in self.explained and _instance(error) is None:
            return []  # `question:` left empty because its fields are not indented
        quoted = path in self.doc.quoted
        return [self.doc.problem(path, message(str(kind), error, path, quoted))]

    def _unknown_keys(self, path: NodePath, error: ValidationError) -> list[Problem]:
        allowed = sorted(_schema_of(error).get("properties", {}))
        return [
            self.doc.problem((*path, key), self._unknown(path, str(key), allowed), on_key=True)
            for key in _instance(error)
            if key not in allowed
        ]

    def _unknown(self, path: NodePath, key: str, allowed: list[str]) -> str:
        if path or key not in _NESTED or closest(key, allowed):
            return "unknown field; " + suggest(key, allowed)
        parent = _NESTED[key]
        if parent == "qualifications":
            return f"belongs under qualifications:, as an entry like `- {key}: ...`"
        if parent in self.doc.data:
            return f"belongs under {parent}:; indent it"
        return f"belongs under {parent}:; add a `{parent}:` line above it and indent it"

    def _missing(self, path: NodePath, error: ValidationError) -> list[Problem]:
        names = [n for n in _rule(error)
                 if n not in _instance(error) and repr(n) in error.message
                 and (*path, n) not in self.explained]
        properties = _schema_of(error).get("properties", {})
        return [self.doc.problem((*path, n), _missing_message(n, properties.get(n, {})))
                for n in names]

    def _one_of(self, path: NodePath, error: ValidationError) -> list[Problem]:
        doc = self.doc
        choices = _exclusive_keys(_rule(error))
        if choices is None:
            from jsonschema.exceptions import best_match

            deepest = best_match(error.context or [error])
            if deepest is error:
                return [doc.problem(path, error.message)]
            return self.translate(deepest)
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
            return [doc.problem(where, f"missing; add {join_or(choices)}")]
        return [doc.problem(
            (*path, present[1]),
            f"give only one of {join_or(choices)}; found {' and '.join(present)}",
            on_key=True,
        )]


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _instance(error: ValidationError) -> Any:
    return error.instance


def _rule(error: ValidationError) -> Any:
    return error.validator_value


def _missing_message(name: str, schema: dict[str, Any]) -> str:
    examples = schema.get("examples")
    if not examples:
        return "missing; add this field"
    return f"missing; add it, e.g. {name}: {json.dumps(examples[0])}"


def _exclusive_keys(branches: Any) -> list[str] | None:
    """["a", "b"] when the branches are [{"required": ["a"]}, {"required": ["b"]}]."""
    if not all(isinstance(b, dict) and list(b) == ["required"] for b in branches):
        return None
    return [b["required"][0] for b in branches]
