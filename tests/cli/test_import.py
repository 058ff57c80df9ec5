"""`deploy import`: HITs posted with the seed notebook's raw boto3 recipe become a study.

Every HIT here is created exactly as /work/shared/seed shows (boto3's create_hit with a Question
XML read from a file, no HIT type, no annotation, no request token), against the emulator over
real HTTP; the CLI then runs in-process as a user runs it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from clihelp import deploy, lock_hits

from deployer.emulators.mturk.models import Emulator

Capsys = pytest.CaptureFixture[str]
Served = tuple[str, Emulator]
EXTERNAL = """<?xml version="1.0" encoding="UTF-8"?>
<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/ExternalQuestion.xsd">
  <ExternalURL>https://continuous-rater.netlify.app/?study=emotion&amp;arm=a</ExternalURL>
  <FrameHeight>0</FrameHeight>
</ExternalQuestion>
"""


def seed_client(url: str) -> Any:
    """The notebook's client: keys in code, an endpoint (the sandbox's, here the emulator)."""
    return boto3.client("mturk", aws_access_key_id="YOUR ID HERE",
                        aws_secret_access_key="YOUR KEY HERE", region_name="us-east-1",
                        endpoint_url=url)


def seed_hit(url: str, tmp_path: Path, question: str = EXTERNAL, **fields: Any) -> str:
    """One HIT made the seed's way; `fields` override its create_hit arguments."""
    xml = tmp_path / "YOUR_XML_FILE_NAME.xml"
    xml.write_text(question)
    question = open(xml, mode="r").read()  # noqa: UP015 - as the seed reads it
    arguments: dict[str, Any] = {
        "Title": "Rate emotions in short clips",
        "Description": "Watch short clips and rate how each person feels.",
        "Keywords": "emotion, video, rating",
        "Reward": "0.50",
        "MaxAssignments": 5,
        "LifetimeInSeconds": 86_400,
        "AssignmentDurationInSeconds": 1_800,
        "AutoApprovalDelayInSeconds": 259_200,
        "Question": question,
    }
    arguments.update(fields)
    new_hit = seed_client(url).create_hit(**arguments)
    return str(new_hit["HIT"]["HITId"])


def hit(url: str, hit_id: str) -> dict[str, Any]:
    found: dict[str, Any] = seed_client(url).get_hit(HITId=hit_id)["HIT"]
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new, 1))


def lock_text(root: Path) -> str:
    path = root / ".deploy" / "local.lock"
    return path.read_text() if path.exists() else ""


def test_seed_hits_become_a_study_whose_plan_shows_no_changes(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    first = seed_hit(url, tmp_path)
    second = seed_hit(url, tmp_path)

    imported = deploy(capsys, "import", first, second, "--study", "emotion",
                      "--endpoint-url", url)

    assert imported.code == 0, imported.err
    assert imported.out.splitlines()[:2] == [
        f"Read 2 HITs in LOCAL: {first}, {second}", "Wrote studies/emotion.yaml"]
    assert "MTurk cannot tag a HIT after it is made" in imported.out
    text = (project / "studies" / "emotion.yaml").read_text()
    assert 'external_url: "https://continuous-rater.netlify.app/?study=emotion&arm=a"' in text
    for line in ('title: "Rate emotions in short clips"', 'reward: "0.50"',
                 'keywords: ["emotion", "video", "rating"]', "assignment_duration: 30m",
                 "auto_approval_delay: 3d", "lifetime: 1d", "max_assignments_per_hit: 5",
                 "repeat_workers: allowed", "qualifications: []"):
        assert line in text, line
    assert re.search(r"^assignments: 10 ", text, re.M)
    assert [(h["address"], h["hit_id"], h["status"], h["max_assignments"])
            for h in lock_hits(project)] == [("emotion/b1", first, "live", 5),
                                             ("emotion/b2", second, "live", 5)]
    assert deploy(capsys, "validate").code == 0
    planned = deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url)
    assert (planned.code, planned.out.splitlines()[0]) == (
        0, "No changes. The studies match what is on MTurk in LOCAL.")


def test_editing_the_imported_study_extends_retypes_replaces_and_expires_its_hit(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, emulator = served
    local = ("--endpoint-url", url)
    hit_id = seed_hit(url, tmp_path)
    assert deploy(capsys, "import", hit_id, "--study", "emotion", *local).code == 0
    study = project / "studies" / "emotion.yaml"

    edit(study, "assignments: 5 ", "assignments: 8 ")
    extend = deploy(capsys, "plan", *local)
    assert "~ emotion/b1" in extend.out and "max_assignments: 5 -> 8" in extend.out, extend.out
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    assert hit(url, hit_id)["MaxAssignments"] == 8

    edit(study, 'reward: "0.50"', 'reward: "0.60"')
    retype = deploy(capsys, "plan", *local)
    assert 'reward: "0.50" -> "0.60"' in retype.out and "nobody has accepted work yet" in retype.out
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    assert hit(url, hit_id)["Reward"] == "0.60"
    assert deploy(capsys, "plan", "--detailed-exitcode", *local).code == 0

    worker = emulator.workers.register(country="US")
    emulator.workers.accept(worker, hit_id)
    edit(study, 'reward: "0.60"', 'reward: "0.70"')
    replaced = deploy(capsys, "plan", *local)
    assert "-/+ emotion/b1" in replaced.out, replaced.out
    assert "MTurk cannot update the HIT type in place" in replaced.out
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    newer = [h for h in lock_hits(project) if h["generation"] == 2]
    assert len(newer) == 1 and hit(url, newer[0]["hit_id"])["Reward"] == "0.70"

    study.write_text(study.read_text() + "state: closed\n")
    closed = deploy(capsys, "apply", "--auto-approve", *local)
    assert closed.code == 0, closed.err
    now = datetime.now(timezone.utc)
    assert all(hit(url, h["hit_id"])["Expiration"] <= now for h in lock_hits(project))
