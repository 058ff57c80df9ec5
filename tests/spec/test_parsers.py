"""libyaml's parser reads study files fast; the answer must be the one the pure-Python parser
gives: the same data, positions, quoted values and problems, or the same Problem."""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_helpers import BASE

from deployer.spec.document import parse_document
from deployer.spec.parsers import FAST_LOADER, PureLoader, fast_parser

from .test_loader_properties import TOKENS, values

REPO = Path(__file__).resolve().parents[2]
SAME = settings(max_examples=300, database=None, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.too_slow])
needs_libyaml = pytest.mark.skipif(FAST_LOADER is None, reason="PyYAML built without libyaml")


def both(text: str) -> tuple[str, str]:
    """What each parser makes of `text`, as text (a value may be NaN, never equal to itself)."""
    return repr(parse_document(text, "s.yaml")), repr(parse_document(text, "s.yaml", fast=False))


@needs_libyaml
def test_a_study_without_tabs_is_read_by_libyaml() -> None:
    parser = fast_parser(BASE)
    assert parser is not None and not isinstance(parser, PureLoader)
    assert isinstance(parser, yaml.CSafeLoader)


def test_a_tab_sends_the_file_to_the_pure_python_parser() -> None:
    """libyaml takes `key:<tab>value`, which the pure-Python parser (and our message) refuses."""
    assert fast_parser("title:\tx\n") is None
    assert "tab character after a colon" in repr(parse_document("title:\tx\n", "s.yaml"))


@needs_libyaml
@pytest.mark.parametrize("name", ["emotion.yaml", "survey.yaml"])
def test_the_examples_read_the_same_with_either_parser(name: str) -> None:
    fast, pure = both((REPO / "studies" / name).read_text("utf-8"))
    assert "Document(" in fast
    assert fast == pure


@needs_libyaml
@pytest.mark.parametrize("text", [
    "title: [unclosed\nreward: 1\n",  # libyaml: "did not find expected ',' or ']'"
    "title: x\n  reward: 1\n",  # libyaml: "mapping values are not allowed in this context"
    "title: a\x07b\n",  # libyaml: "control characters are not allowed"
    'title: "\\ud83d\\ude00"\n',  # libyaml refuses the surrogate escapes the builder joins
    "title: x\n---\ntitle: y\n",
    "a: " + "[" * 2000 + "\n",  # libyaml's nesting limit; the pure parser runs out of stack
    "a: &x [*x]\n",
])
def test_what_libyaml_refuses_is_worded_by_the_pure_python_parser(text: str) -> None:
    fast, pure = both(text)
    assert fast == pure


@needs_libyaml
@SAME
@given(data=st.dictionaries(st.text(max_size=8), values, max_size=8),
       flow=st.sampled_from([None, True, False]), style=st.sampled_from([None, "'", '"', "|"]))
def test_any_dumped_data_reads_the_same(data: dict[str, object], flow: bool | None,
                                        style: str | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, default_style=style, allow_unicode=True)
    fast, pure = both(text)
    assert fast == pure


@needs_libyaml
@SAME
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(TOKENS)
                                | st.text(string.printable, max_size=4)), max_size=8))
def test_any_edit_of_a_study_reads_the_same(edits: list[tuple[int, str]]) -> None:
    text = BASE
    for at, token in edits:
        at %= len(text) + 1
        text = text[:at] + token + text[at:]
    fast, pure = both(text)
    assert fast == pure


def test_without_libyaml_the_pure_python_parser_reads_everything(tmp_path: Path) -> None:
    """PyYAML installed without its C extension: no fast parser, the same answers."""
    (tmp_path / "pilot.yaml").write_text(BASE, "utf-8")
    code = textwrap.dedent("""
        import sys, yaml
        yaml.__with_libyaml__ = False  # as PyYAML built from source without libyaml
        from deployer.spec import parsers
        from deployer.spec.document import parse_document
        text = open(sys.argv[1], encoding="utf-8").read()
        print(parsers.FAST_LOADER, parsers.fast_parser(text))
        print(repr(parse_document(text, "s.yaml")) == repr(parse_document(text, "s.yaml", False)))
        print(type(parse_document(text, "s.yaml")).__name__)
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "pilot.yaml")],
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["None None", "True", "Document"]


def test_json_is_yaml_to_both_parsers() -> None:
    """Generated study files are often JSON: it reads the same, positions included."""
    fast, pure = both(json.dumps(yaml.safe_load(BASE), indent=2))
    assert "Document(" in fast
    assert fast == pure
