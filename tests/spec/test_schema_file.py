"""schema/study.schema.json: well-formed, documented, strict, and shipped inside the package."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from spec_helpers import BASE, REPO, lines, load

from deployer.spec.validator import compiled
from deployer.spec.validity import inlined, valid, verdict
from deployer.spec.wording import message

from .test_loader_properties import FIELDS, values

CANONICAL = REPO / "schema" / "study.schema.json"
PACKAGED = REPO / "deployer" / "spec" / "study.schema.json"


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(CANONICAL.read_text(encoding="utf-8"))
    return loaded


def subschemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key not in ("examples", "default", "const", "enum"):
                yield from subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from subschemas(item, f"{where}/{index}")


def test_the_packaged_copy_equals_the_canonical_schema() -> None:
    """deployer/ reads its own copy (package data); edit schema/ and copy it over."""
    assert PACKAGED.read_bytes() == CANONICAL.read_bytes()


def test_schema_is_valid_draft_2020_12_with_an_id() -> None:
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema()["$id"]


def test_every_property_is_described_and_every_object_is_closed() -> None:
    for where, node in subschemas(schema()):
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
            for name, prop in node["properties"].items():
                assert prop.get("description"), f"{where}/properties/{name}"


def test_schema_examples_are_valid_studies(tmp_path: Path) -> None:
    examples = schema()["examples"]
    assert examples
    for example in examples:
        loaded = load(tmp_path, json.dumps(example), strict=True)  # JSON is YAML
        assert lines(loaded, tmp_path) == []


def test_editors_accept_an_empty_list_line_like_deploy_validate_does() -> None:
    """`qualifications:` with every entry commented out is null in YAML; both accept it."""
    study = {**schema()["examples"][0], "qualifications": None, "keywords": None}
    assert list(Draft202012Validator(schema()).iter_errors(study)) == []
    study["title"] = None
    assert [e.validator for e in Draft202012Validator(schema()).iter_errors(study)] == ["type"]


PROLIFIC = REPO / "schema" / "prolific-study.schema.json"


def test_the_prolific_schema_is_shipped_valid_described_and_closed() -> None:
    assert (REPO / "deployer" / "spec" / PROLIFIC.name).read_bytes() == PROLIFIC.read_bytes()
    found = json.loads(PROLIFIC.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(found)
    assert found["$id"]
    for where, node in subschemas(found):
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
            for name, prop in node["properties"].items():
                assert prop.get("description"), f"{where}/properties/{name}"


def _errors(validator: Validator, data: Any) -> list[tuple[str, ...]]:
    """Every error as the wording sees it: keyword, path, message, the rule's value, and what
    we tell the user (which also reads the schema around the rule)."""
    return sorted((str(e.validator), json.dumps(list(e.absolute_path)), e.message,
                   json.dumps(e.validator_value, sort_keys=True, default=str),
                   message(str(e.validator), e, tuple(e.absolute_path), False))
                  for e in validator.iter_errors(data))


def test_the_validator_checks_a_copy_with_every_reference_inlined() -> None:
    copied = inlined(schema())
    assert '"$ref"' not in json.dumps({k: v for k, v in copied.items() if k != "$defs"})
    looped = {"$defs": {"node": {"properties": {"next": {"$ref": "#/$defs/node"}}}},
              "properties": {"head": {"$ref": "#/$defs/node"}}}
    assert inlined(looped)["properties"]["head"] == {
        "properties": {"next": {"$ref": "#/$defs/node"}}}  # a loop stays a reference


qualification = st.dictionaries(
    st.sampled_from(["locale", "percent_approved", "hits_approved", "adult", "masters",
                     "qualification", "custom", "actions_guarded", "other"]),
    st.one_of(st.booleans(), st.sampled_from(["US", 95, "95%", {"at_least": 95}, {"in": ["US"]},
                                              {"in": "US"}, {"name": "x"}])), max_size=3)


@settings(max_examples=300, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.dictionaries(st.sampled_from(FIELDS), values, max_size=8),
       qualifications=st.lists(qualification | values, max_size=4),
       question=st.dictionaries(st.sampled_from(["external_url", "html_file", "xml_file",
                                                 "frame_height"]),
                                st.just("https://a.org") | values, max_size=3) | values)
def test_the_fast_validator_finds_exactly_the_errors_of_jsonschema(
        fields: dict[str, object], qualifications: list[object], question: object) -> None:
    study = yaml.safe_load(BASE) | {"qualifications": qualifications, "question": question}
    study |= fields
    assert _errors(compiled(schema()), study) == _errors(Draft202012Validator(schema()), study)


@settings(max_examples=400, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
       qualifications=st.lists(qualification | values, max_size=4),
       question=st.dictionaries(st.sampled_from(["external_url", "html_file", "xml_file",
                                                 "frame_height"]),
                                st.just("https://a.org") | values, max_size=3) | values,
       keep=st.booleans())
def test_the_quick_check_answers_as_jsonschema_does_or_not_at_all(
        fields: dict[str, object], qualifications: list[object], question: object,
        keep: bool) -> None:
    """Where the quick check answers, its answer is jsonschema's; both shipped schemas."""
    study = yaml.safe_load(BASE)
    if not keep:
        study |= {"qualifications": qualifications, "question": question} | fields
    for shipped in (schema(), json.loads((PACKAGED.parent / "qualification.schema.json")
                                         .read_text(encoding="utf-8"))):
        answer = verdict(study, inlined(shipped))
        if answer is not None:
            assert answer == Draft202012Validator(shipped).is_valid(study)


def test_the_quick_check_passes_the_examples_without_jsonschema() -> None:
    for name in ("emotion.yaml", "survey.yaml"):
        study = yaml.safe_load((REPO / "studies" / name).read_text(encoding="utf-8"))
        assert valid(study, inlined(schema()))
    assert not valid(yaml.safe_load(BASE) | {"reward": 1.5}, inlined(schema()))


# Values at the edges of what the schemas allow: each alone makes a study valid or not.
TRICKY = [0, -1, 1, 9, 9.0, 9.5, 100, 101, 1e400, True, False, None, "", "9", "1.00", "1.5",
          "7d", "US", "us", "x" * 300, [], ["US"], ["US", "US"], ["US", "CA"], [1, True], {},
          {"at_least": 95}, {"at_least": 95, "at_most": 99}, {"in": ["US"]}, {"in": "US"}]
ENTRIES = ["locale", "percent_approved", "hits_approved", "adult", "masters", "qualification",
           "custom"]
KEYS = ["in", "not_in", "at_least", "at_most", "name", "values", "exists"]
QUESTIONS = [{}, {"external_url": "https://a.org"}, {"external_url": "http://a.org"},
             {"html_file": "x.html", "frame_height": 600}, {"xml_file": "q.xml"},
             {"external_url": "https://a.org", "html_file": "x.html"}, {"frame_height": -1}]


def single_changes() -> Iterator[dict[str, object]]:
    """Every study that differs from BASE in one place, by one of the values above."""
    for value in TRICKY:
        for field in FIELDS:
            yield {field: value}
        for entry in ENTRIES:
            yield {"qualifications": [{entry: value}]}
            for key in KEYS:
                yield {"qualifications": [{entry: {key: value}}]}
    for question in QUESTIONS:
        yield {"question": question}


def test_the_quick_check_agrees_with_jsonschema_on_every_single_change() -> None:
    """One place changed at a time, so that no other error hides a wrong answer."""
    qualification_schema = json.loads((PACKAGED.parent / "qualification.schema.json")
                                      .read_text(encoding="utf-8"))
    answered = 0
    for change in single_changes():
        study = yaml.safe_load(BASE) | change
        for shipped in (schema(), qualification_schema):
            answer = verdict(study, inlined(shipped))
            if answer is not None:
                answered += 1
                assert answer == Draft202012Validator(shipped).is_valid(study), change
    assert answered > 2000  # it answers nearly everything, not only the easy cases
