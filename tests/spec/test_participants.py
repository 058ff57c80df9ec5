"""Participant files and the names studies use: every mistake at its place, with a way out."""

from __future__ import annotations

from pathlib import Path

import pytest
from spec_helpers import BASE

from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import load_studies
from deployer.spec.participants import WorkerRules, load_participants

RULES = WorkerRules(r"A[A-Z0-9]{1,63}", "A1B2C3D4E5F6G7")


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def problems(root: Path, environment: str = "local") -> list[str]:
    return [str(p) for p in load_participants(environment, RULES, root).problems]


def test_a_qualification_type_and_its_grants_become_values(tmp_path: Path) -> None:
    write(tmp_path, "qualifications/native.yaml", "title: Native English\ndescription: Checked."
          "\nkeywords: [language]\nauto_granted: false\nretry_delay: 1d\n")
    write(tmp_path, "qualifications/local/native.csv", "worker_id,value\nA1AAA,3\nA2BBB,\n")
    found = load_participants("local", RULES, tmp_path)
    assert found.problems == []
    spec = found.qualifications["native"]
    assert (spec.title, spec.description, spec.keywords, spec.retry_delay) == (
        "Native English", "Checked.", ("language",), 86_400)
    assert [(g.worker, g.value, g.line) for g in spec.grants or ()] == [
        ("A1AAA", 3, 2), ("A2BBB", 1, 3)]
    assert load_participants("sandbox", RULES, tmp_path).qualifications["native"].grants is None


def test_mistakes_in_participant_files_are_located(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "qualifications/native.yaml", "descripton: Checked.\n")
    write(tmp_path, "qualifications/local/ghost.csv", "worker_id,value\nA1,1\n")
    write(tmp_path, "workers/local/blocked.csv", "worker_id,reason\nbob,Spam\nA1,\nA1,again\n")
    write(tmp_path, "workers/local/compensation.csv",
          "worker_id,amount,reason\nA2,$3,crash\nA3,0,crash\n")
    assert problems(Path()) == [
        'qualifications/native.yaml:1:1: error: descripton: unknown field; did you mean '
        '"description"?',
        "qualifications/local/ghost.csv: error: grants a qualification type with no file "
        "qualifications/ghost.yaml; write it or remove this file",
        "workers/local/blocked.csv:2:1: error: worker_id: 'bob' is not a worker ID (like "
        "A1B2C3D4E5F6G7)",
        "workers/local/blocked.csv:3:2: error: reason: is empty; say why (the platform keeps "
        "it with the entry)",
        "workers/local/blocked.csv:4:1: error: worker_id: is also on line 3; keep one row per "
        "worker",
        "workers/local/compensation.csv:2:2: error: amount: is '$3'; write what to pay, like "
        "2.50 (no currency sign, at most two decimals)",
        "workers/local/compensation.csv:3:2: error: amount: is '0'; write what to pay, like "
        "2.50 (no currency sign, at most two decimals)",
    ]


def test_names_of_other_studies_and_types_must_exist(tmp_path: Path) -> None:
    studies = tmp_path / "studies"
    write(tmp_path, "studies/pilot.yaml", BASE)
    write(tmp_path, "qualifications/native.yaml", "description: Checked.\n")
    write(tmp_path, "studies/wave2.yaml", BASE + "exclude: [pilto, wave2]\n"
          "only: [{study: piolt, approved: true}]\nqualifications:\n"
          "  - qualification: {name: nativ, at_least: 1}\n"
          "  - qualification: {name: elsewhere, exists: true}\n")
    loaded = load_studies([studies / "wave2.yaml"], build_study)
    assert [str(p) for p in loaded.problems] == [
        f"{studies}/wave2.yaml:10:11: error: exclude[0]: there is no study named pilto; did "
        "you mean pilot?",
        f"{studies}/wave2.yaml:10:18: error: exclude[1]: is this study itself; a study's own "
        "workers are kept out by repeat_workers: excluded",
        f"{studies}/wave2.yaml:11:16: error: only[0].study: there is no study named piolt; did "
        "you mean pilot?",
        f"{studies}/wave2.yaml:13:27: error: qualifications[0].qualification.name: there is no "
        "qualification type named nativ; did you mean native?",
        f"{studies}/wave2.yaml:14:27: error: qualifications[1].qualification.name: there is no "
        f"qualification type named elsewhere; write {tmp_path}/qualifications/elsewhere.yaml "
        "first",
    ]


def test_repeat_workers_default_follows_the_number_of_hits(tmp_path: Path) -> None:
    write(tmp_path, "studies/one.yaml", BASE)  # 9 assignments in HITs of 9
    write(tmp_path, "studies/many.yaml", BASE.replace("assignments: 9", "assignments: 18"))
    write(tmp_path, "studies/off.yaml", BASE.replace("assignments: 9", "assignments: 18")
          + "repeat_workers: allowed\n")
    loaded = load_studies([tmp_path / "studies"], build_study)
    assert {s.name: s.repeat_workers for s in loaded.studies} == {  # type: ignore[attr-defined]
        "one": "allowed", "many": "excluded", "off": "allowed"}
