"""Whole-file problems: each gets one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from spec_helpers import BASE, edit, lines, load, write

from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import load_studies


def test_a_valid_study_has_no_problems(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE)
    assert lines(loaded, tmp_path) == []
    assert [s.name for s in loaded.studies] == ["pilot"]
    assert loaded.files == (f"{tmp_path}/pilot.yaml",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "pilot.yaml: error: the file is empty; start from `deploy init NAME`"),
        ("# just a comment\n",
         "pilot.yaml: error: the file is empty; start from `deploy init NAME`"),
        ("- title: x\n", "pilot.yaml:1:1: error: the top level must be fields like "
         "`title: ...`, found a list"),
        ("just words\n", "pilot.yaml:1:1: error: the top level must be fields like "
         "`title: ...`, found a single value"),
        ("title: x\nquestion:\n\texternal_url: https://a.org\n",
         "pilot.yaml:3:1: error: tab character in indentation; YAML indents with spaces only"),
        ("title: [unclosed\nreward: 1\n",
         "pilot.yaml:2:7: error: YAML syntax error: expected ',' or ']', but got ':' "
         "(while parsing a flow sequence)"),
        ("title: x\n  reward: 1\n",
         "pilot.yaml:2:9: error: YAML syntax error: mapping values are not allowed here"),
        ("title: a\x07b\n", "pilot.yaml:1:9: error: contains the control character #x0007; "
         "remove it"),
        ("title: x\n---\ntitle: y\n", "pilot.yaml:2:1: error: holds more than one YAML "
         "document (`---`); keep one study per file"),
        ("? [a, b]\n: 1\n", "pilot.yaml:1:3: error: YAML syntax error: a key must be a "
         "plain name, not a list or mapping"),
        ("title: x\ndescription: Note: takes 5 min\n", 'pilot.yaml:2:18: error: text '
         'containing ": " must be in quotes, like description: "Note: takes 5 min"'),
        ("title: x\nkeywords:\n  - a: b: c\n", "pilot.yaml:3:9: error: text containing "
         '": " must be in quotes, like a: "b: c"'),
        ('title: Say "hi": now\n', "pilot.yaml:1:16: error: text containing \": \" must be "
         """in quotes, like title: 'Say "hi": now'"""),
        ("title:\tRate\n", "pilot.yaml:1:7: error: tab character after a colon; YAML "
         "separates with spaces only, so replace it with a space"),
        ("title: x\nlist: &a [1, *a]\n", "pilot.yaml:2:7: error: an alias refers to itself "
         "(*name inside &name); write the value out"),
        ("x: &a {y: *a}\n", "pilot.yaml:1:4: error: an alias refers to itself (*name inside "
         "&name); write the value out"),
        ("x: " + "[" * 5000 + "]" * 5000 + "\n", "pilot.yaml: error: is nested too deeply "
         "(more than 64 levels); a study needs only a few"),
        ("x: " + "[" * 100 + "]" * 100 + "\n", "pilot.yaml:1:68: error: is nested too deeply "
         "(more than 64 levels); a study needs only a few"),
    ],
)
def test_file_level_problems_are_one_line(tmp_path: Path, text: str, expected: str) -> None:
    loaded = load(tmp_path, text)
    assert lines(loaded, tmp_path) == [expected]
    assert loaded.studies == ()


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    loaded = load(tmp_path, b"title: caf\xe9\n")
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:1:11: error: is not UTF-8 text; save the file as UTF-8"
    ]


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    loaded = load(tmp_path, b"\xef\xbb\xbf" + BASE.encode())
    assert lines(loaded, tmp_path) == []


def test_duplicate_keys_are_errors_not_silently_merged(tmp_path: Path) -> None:
    text = edit(BASE, "assignments", 'assignments: 9\nreward: "2.00"')
    loaded = load(tmp_path, text)
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:5:1: error: reward: appears twice (first on line 3); YAML would "
        "silently keep only the last one, so remove one of them"
    ]


def test_duplicate_keys_inside_nested_mappings(tmp_path: Path) -> None:
    text = BASE + "  frame_height: 0\n  frame_height: 10\n"
    assert lines(load(tmp_path, text), tmp_path) == [
        "pilot.yaml:11:3: error: question.frame_height: appears twice (first on line 10); "
        "YAML would silently keep only the last one, so remove one of them"
    ]


def test_yaml_1_1_surprises_are_avoided(tmp_path: Path) -> None:
    """NO stays Norway and a date stays text; only true/false are booleans."""
    text = BASE + "qualifications:\n  - locale: {not_in: [NO]}\nproduction: true\n"
    loaded = load(tmp_path, text)
    assert lines(loaded, tmp_path) == []
    assert loaded.studies[0].qualifications[0].locale_values[0].country == "NO"
    assert loaded.studies[0].production is True


def test_aliases_that_do_not_loop_still_work(tmp_path: Path) -> None:
    text = edit(BASE, "title", "title: &t Rate clips") + "description_copy: *t\n"
    assert lines(load(tmp_path, text), tmp_path) == [
        'pilot.yaml:10:1: error: description_copy: unknown field; did you mean "description"?'
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("assignments: 0x10", 'pilot.yaml:4:14: error: assignments: expected a whole number, '
         'found the text "0x10"'),
        ("assignments: 1_000", 'pilot.yaml:4:14: error: assignments: expected a whole number, '
         'found the text "1_000"'),
        ("assignments: 011", 'pilot.yaml:4:14: error: assignments: expected a whole number, '
         'found the text "011"'),
        ("assignments: 1:30", 'pilot.yaml:4:14: error: assignments: expected a whole number, '
         'found the text "1:30"'),
    ],
)
def test_only_plain_decimals_are_integers(tmp_path: Path, line: str, expected: str) -> None:
    """YAML 1.1 would read these as 16, 1000, 9 and 90."""
    assert lines(load(tmp_path, edit(BASE, "assignments", line)), tmp_path) == [expected]


def test_yes_is_not_a_boolean(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + "production: yes\n")
    assert lines(loaded, tmp_path) == [
        'pilot.yaml:10:13: error: production: expected true or false, found the text "yes"'
    ]


def test_missing_paths_and_empty_directories(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    paths = [tmp_path / "nowhere", tmp_path / "empty", tmp_path / "x.yaml"]
    loaded = load_studies(paths, build_study)
    assert lines(loaded, tmp_path) == [
        "empty: warning: no study files (*.yaml, *.yml) here; create one with `deploy init NAME`",
        "nowhere: error: no such file or directory; create a study with `deploy init NAME`",
        "x.yaml: error: no such file or directory; create a study with `deploy init NAME`",
    ]


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    page = write(tmp_path, "<!DOCTYPE html>", "survey.html")
    assert lines(load_studies([page], build_study), tmp_path) == [
        "survey.html: error: not a study file (.yaml or .yml)"
    ]


def test_directories_give_yaml_and_yml_files_sorted(tmp_path: Path) -> None:
    write(tmp_path, BASE, "b.yml")
    write(tmp_path, BASE, "a.yaml")
    write(tmp_path, "not a study", "notes.txt")
    loaded = load_studies([tmp_path], build_study)
    assert [s.name for s in loaded.studies] == ["a", "b"]


def test_a_file_named_twice_is_loaded_once(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    loaded = load_studies([path, tmp_path], build_study)
    assert [s.name for s in loaded.studies] == ["pilot"]


@pytest.mark.parametrize("name", ["Pilot", "_pilot", "pilot.v2", "p" * 64, "pilot study"])
def test_study_names_must_be_slugs(tmp_path: Path, name: str) -> None:
    write(tmp_path, BASE, f"{name}.yaml")
    loaded = load_studies([tmp_path], build_study)
    assert lines(loaded, tmp_path) == [
        f'{name}.yaml: error: the study name "{name}" (the file name) is not allowed: use '
        "lowercase letters, digits, - and _, starting with a letter or digit, at most 63 "
        "characters; rename the file"
    ]
    assert loaded.studies == ()


def test_study_names_must_be_unique_across_paths(tmp_path: Path) -> None:
    write(tmp_path / "a", BASE, "pilot.yaml")
    write(tmp_path / "b", BASE, "pilot.yml")
    loaded = load_studies([tmp_path / "a", tmp_path / "b"], build_study)
    assert lines(loaded, tmp_path) == [
        'b/pilot.yml: error: the study name "pilot" is also used by a/pilot.yaml; '
        "rename one of the files"
    ]
    assert [s.path for s in loaded.studies] == [f"{tmp_path}/a/pilot.yaml"]


# --- hostile files: each a clear problem, none a traceback or a stall ------------------------

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("title: !!int x", "pilot.yaml:1:8: error: title: the tag !!int cannot read 'x'; "
         "remove the tag"),
        ("title: !!float x", "pilot.yaml:1:8: error: title: the tag !!float cannot read 'x'; "
         "remove the tag"),
        ("title: !!bool x", "pilot.yaml:1:8: error: title: the tag !!bool cannot read 'x'; "
         "remove the tag"),
        ("title: !!timestamp x", "pilot.yaml:1:8: error: title: the tag !!timestamp cannot "
         "read 'x'; remove the tag"),
        ("title: !!timestamp 2026-01-01", "pilot.yaml:1:8: error: title: the tag !!timestamp "
         "makes this value a date, which no study field holds; remove the tag (write text in "
         "quotes)"),
        ("title: !!binary aGVsbG8=", "pilot.yaml:1:8: error: title: the tag !!binary makes "
         "this value binary data, which no study field holds; remove the tag (write text in "
         "quotes)"),
        ("!!int x: 1", "pilot.yaml:1:1: error: the tag !!int cannot read 'x'; remove the tag"),
        ("title: " + "9" * 5000, "pilot.yaml:1:8: error: title: cannot read "
         "9999999999999999999999999999999999999... as a number (5,000 digits); write a "
         "smaller one"),
    ],
)
def test_values_yaml_cannot_make_are_problems(tmp_path: Path, line: str, expected: str) -> None:
    loaded = load(tmp_path, edit(BASE, "title", line))
    assert lines(loaded, tmp_path) == [expected]


def test_a_harmless_tag_is_read_as_written(tmp_path: Path) -> None:
    loaded = load(tmp_path, edit(BASE, "title", "title: !!str 2026"))
    assert lines(loaded, tmp_path) == []
    assert loaded.studies[0].title == "2026"  # type: ignore[attr-defined]


ALIAS_BOMB = "".join(  # 9 levels of 9 aliases: 387 million values from about 300 bytes
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9) if previous else 'lol'}]\n"
    for previous, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True))
MERGE_BOMB = "a0: &a0 {x: 1}\n" + "".join(  # every level merges the one before twice
    f"a{n}: &a{n} {{<<: [*a{n - 1}, *a{n - 1}]}}\n" for n in range(1, 40))


@pytest.mark.parametrize("text", [ALIAS_BOMB, MERGE_BOMB], ids=["aliases", "merges"])
def test_alias_bombs_are_refused_before_they_expand(tmp_path: Path, text: str) -> None:
    loaded = load(tmp_path, BASE + text)
    assert lines(loaded, tmp_path) == [
        "pilot.yaml: error: holds more than 5,000 values (an alias *name counts as every "
        "value it repeats); a study needs a few hundred: shorten the lists"]


def test_many_values_without_aliases_are_refused_too(tmp_path: Path) -> None:
    entries = "".join("  - percent_approved: {at_least: 95}\n" for _ in range(2_000))
    loaded = load(tmp_path, BASE + "qualifications:\n" + entries)
    assert [p.message for p in loaded.problems] == [
        "holds more than 5,000 values (an alias *name counts as every value it repeats); a "
        "study needs a few hundred: shorten the lists"]


def test_a_study_at_the_size_limit_still_reads_but_one_byte_more_does_not(
        tmp_path: Path) -> None:
    from deployer.spec.document import MAX_FILE_BYTES

    padding = MAX_FILE_BYTES - len(BASE) - 2
    assert lines(load(tmp_path, BASE + "#" + "x" * padding + "\n"), tmp_path) == []
    assert lines(load(tmp_path, BASE + "#" + "x" * (padding + 1) + "\n"), tmp_path) == [
        "pilot.yaml: error: is larger than 262,144 bytes, the most deploy reads; a study file "
        "is a regular file of a few KB"]


def test_a_file_name_that_is_not_utf8_is_printed_escaped(tmp_path: Path) -> None:
    write(tmp_path, BASE, "\udcff.yaml")  # the bytes b"\xff.yaml", as Python lists them
    problems = lines(load_studies([tmp_path], build_study), tmp_path)
    assert problems == [
        '\\udcff.yaml: error: the study name "\\udcff" (the file name) is not allowed: use '
        "lowercase letters, digits, - and _, starting with a letter or digit, at most 63 "
        "characters; rename the file"]
    "\n".join(problems).encode("utf-8")  # printable: no lone surrogate left in the text


def test_json_escapes_of_a_character_outside_the_bmp_are_joined(tmp_path: Path) -> None:
    loaded = load(tmp_path, edit(BASE, "title", 'title: "Rate clips \\ud83d\\ude00"'))
    assert lines(loaded, tmp_path) == []
    assert loaded.studies[0].title == "Rate clips \U0001f600"  # type: ignore[attr-defined]


def test_half_a_surrogate_pair_is_a_problem_not_a_crash_when_printed(tmp_path: Path) -> None:
    loaded = load(tmp_path, edit(BASE, "title", 'title: "a\\ud800b"'))
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:1:8: error: title: contains half of a UTF-16 surrogate pair (an escape like "
        "\\ud800) without the other half, which is not a character; remove it"]
