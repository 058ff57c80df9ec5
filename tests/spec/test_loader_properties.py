"""Property-based tests of the study loader: whatever a pull request puts in a study file,
validation ends with problems or studies, never another exception, never a stall; and what
validates, plans.

Each example must finish within the deadline below (a stall shows up as a failure, not a hung
CI job); the example counts keep the whole module to a few seconds.
"""

from __future__ import annotations

import json
import string
from datetime import timedelta
from pathlib import Path

import yaml
from factories import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_helpers import BASE

from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import Loaded, load_studies

PROPERTIES = settings(
    max_examples=150,
    database=None,  # no .hypothesis/ folder in the repository; failures print their example
    deadline=timedelta(seconds=5),  # the bound per input: far above a normal file's ~5 ms
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIELDS = ["title", "description", "keywords", "reward", "assignments", "max_assignments_per_hit",
          "assignment_duration", "auto_approval_delay", "lifetime", "closes_at", "question",
          "qualifications", "production", "state", "budget", "external_url", "html_file",
          "frame_height", "locale", "in", "percent_approved", "at_least", "custom", "values"]
# Pieces of YAML that have meaning: anchors, aliases, merges, tags, flow, blocks, escapes.
TOKENS = ["&a ", "*a", "<<: ", "!!int ", "!!float ", "!!bool ", "!!binary ", "!!timestamp ",
          "!!str ", "!!set ", "!x ", "[", "]", "{", "}", ": ", "- ", ", ", "? ", "|", ">",
          "'", '"', "\\", "\\ud800", "\\0", "#", "%YAML 1.2\n", "---\n", "...\n", "\n", "  ",
          "\t", "9.0", "1e400", ".nan", "-0", "0x1F", "1_000", "9" * 50, "\ufeff", "~", "null",
          "true", "NO", "2026-12-01T17:00:00Z", "https://example.org/x", "html_file: /dev/zero",
          *(f"{f}: " for f in FIELDS)]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["9.0", "1.50", "7d", "45m", "US", "exists"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8),
                                            inner, max_size=5)),
    max_leaves=30,
)


def check(loaded: Loaded) -> None:
    """Every outcome the loader may have: studies, or problems that print on any terminal."""
    assert bool(loaded.errors) == bool(loaded.failed)
    for problem in loaded.problems:
        str(problem).encode("utf-8")
    for study in loaded.studies:
        run([study])  # what validates, plans (the pure planner, on an empty record)


@PROPERTIES
@given(fields=st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
def test_any_structure_of_values_gives_problems_or_studies(tmp_path: Path,
                                                           fields: dict[str, object]) -> None:
    study = yaml.safe_load(BASE) | fields
    (tmp_path / "pilot.yaml").write_text(json.dumps(study, allow_nan=True), encoding="utf-8")
    check(load_studies([tmp_path], build_study))


@PROPERTIES
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(TOKENS)
                                | st.text(string.printable, max_size=4)), max_size=8))
def test_any_edit_of_a_study_file_gives_problems_or_studies(
        tmp_path: Path, edits: list[tuple[int, str]]) -> None:
    text = BASE
    for at, token in edits:
        at %= len(text) + 1
        text = text[:at] + token + text[at:]
    (tmp_path / "pilot.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
    check(load_studies([tmp_path], build_study))


@PROPERTIES
@given(raw=st.binary(max_size=300))
def test_any_bytes_give_problems_or_studies(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / "pilot.yaml").write_bytes(raw)
    check(load_studies([tmp_path], build_study))


counts = st.one_of(st.integers(min_value=-1, max_value=10**10), st.none(),
                   st.floats(min_value=0, max_value=1e10), st.sampled_from([9.0, 1e9, 0.5]))


@PROPERTIES
@given(assignments=counts, per_hit=counts, percent=counts, lifetime=counts)
def test_any_sizes_within_the_schema_validate_and_plan_quickly(
        tmp_path: Path, assignments: object, per_hit: object, percent: object,
        lifetime: object) -> None:
    """The schema allows a billion assignments: what validates at any size must also plan,
    within the deadline (it used to take minutes, or gigabytes, at the top of the range)."""
    study = yaml.safe_load(BASE) | {
        "assignments": assignments, "max_assignments_per_hit": per_hit, "lifetime": lifetime,
        "qualifications": [{"percent_approved": {"at_least": percent}}]}
    study = {key: value for key, value in study.items() if value is not None}
    (tmp_path / "pilot.yaml").write_text(json.dumps(study), encoding="utf-8")
    check(load_studies([tmp_path], build_study))
