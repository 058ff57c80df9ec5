"""`deploy import`: HITs posted with the seed notebook's raw boto3 recipe become a study.

Every HIT here is created exactly as /work/shared/seed shows (boto3's create_hit with a Question
XML read from a file, no HIT type, no annotation, no request token), against the emulator over
real HTTP; the CLI then runs in-process as a user runs it.
"""

from __future__ import annotations

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
    question = open(xml, mode="r").read()  # noqa: SIM115, UP015 - as the seed reads it
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


HTML_PAGE = """<!DOCTYPE html>
<html><body>
<form method="post" action="https://www.mturk.com/mturk/externalSubmit">
  <input type="hidden" name="assignmentId" value="">
  <p>How do you feel?</p> <input name="feeling">
  <input type="submit">
</form>
</body></html>
"""
HTML_QUESTION = (
    '<HTMLQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    f'2011-11-11/HTMLQuestion.xsd"><HTMLContent><![CDATA[{HTML_PAGE}]]></HTMLContent>'
    "<FrameHeight>600</FrameHeight></HTMLQuestion>"
)
QUESTION_FORM = """<QuestionForm xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/QuestionForm.xsd">
  <Question>
    <QuestionIdentifier>feeling</QuestionIdentifier>
    <QuestionContent><Text>How do you feel?</Text></QuestionContent>
    <AnswerSpecification><FreeTextAnswer/></AnswerSpecification>
  </Question>
</QuestionForm>
"""


@pytest.mark.parametrize(("question", "written", "line"), [
    (HTML_QUESTION, "emotion.html", "html_file: emotion.html"),
    (QUESTION_FORM, "emotion.xml", "xml_file: emotion.xml"),
])
def test_a_page_or_a_question_form_is_written_beside_the_study(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path, question: str,
    written: str, line: str
) -> None:
    url, _ = served
    hit_id = seed_hit(url, tmp_path, question)

    imported = deploy(capsys, "import", hit_id, "--study", "emotion", "--endpoint-url", url)

    assert imported.code == 0, imported.err
    assert f"Wrote studies/{written}" in imported.out
    assert line in (project / "studies" / "emotion.yaml").read_text()
    page = (project / "studies" / written).read_text()
    assert page == (HTML_PAGE if written.endswith(".html") else QUESTION_FORM)
    assert deploy(capsys, "validate").code == 0
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0


def test_requirements_become_the_study_files_own_forms(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    custom = seed_client(url).create_qualification_type(
        Name="Took the pilot", Description="Workers of the pilot",
        QualificationTypeStatus="Active")["QualificationType"]["QualificationTypeId"]
    hit_id = seed_hit(url, tmp_path, QualificationRequirements=[
        {"QualificationTypeId": "00000000000000000071", "Comparator": "EqualTo",
         "LocaleValues": [{"Country": "US"}]},
        {"QualificationTypeId": "000000000000000000L0", "Comparator": "GreaterThanOrEqualTo",
         "IntegerValues": [95], "ActionsGuarded": "DiscoverPreviewAndAccept"},
        {"QualificationTypeId": "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6", "Comparator": "Exists"},
        {"QualificationTypeId": custom, "Comparator": "DoesNotExist"},
    ])

    assert deploy(capsys, "import", hit_id, "--study", "emotion", "--endpoint-url", url).code == 0

    text = (project / "studies" / "emotion.yaml").read_text()
    assert text.split("qualifications:\n")[1].splitlines()[:5] == [
        '  - locale: {in: ["US"]}',
        "  - percent_approved: {at_least: 95}",
        '    actions_guarded: "discover_preview_and_accept"',
        "  - masters: true",
        f'  - custom: {{id: "{custom}", comparator: "does_not_exist"}}',
    ]
    assert deploy(capsys, "validate").code == 0
    planned = deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url)
    assert planned.code == 0, planned.out


def test_a_lifetime_the_hits_do_not_share_becomes_their_common_closing_time(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, emulator = served
    first = seed_hit(url, tmp_path, LifetimeInSeconds=172_800)
    emulator.advance(3_600)  # posted an hour later, to close at the same time
    second = seed_hit(url, tmp_path, LifetimeInSeconds=172_800 - 3_600)
    closes = hit(url, first)["Expiration"]

    assert deploy(capsys, "import", first, second, "--study", "emotion",
                  "--endpoint-url", url).code == 0

    text = (project / "studies" / "emotion.yaml").read_text()
    assert f'closes_at: "{closes.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"' in text
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0


def refused(capsys: Capsys, project: Path, url: str, *ids: str,
            study: str = "emotion") -> str:
    """The error of an import that must write nothing."""
    before = lock_text(project)
    files = sorted(p.name for p in (project / "studies").iterdir())
    result = deploy(capsys, "import", *ids, "--study", study, "--endpoint-url", url)
    assert result.code == 1 and result.out == "", result
    assert sorted(p.name for p in (project / "studies").iterdir()) == files
    assert lock_text(project) == before
    [line] = result.err.splitlines()
    assert line.startswith("error: ")
    return line


def test_unknown_and_deleted_hits_are_refused(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    live = seed_hit(url, tmp_path)
    deleted = seed_hit(url, tmp_path)
    seed_client(url).update_expiration_for_hit(HITId=deleted, ExpireAt=datetime(2020, 1, 1))
    seed_client(url).delete_hit(HITId=deleted)
    unknown = "3" + "X" * 29

    assert refused(capsys, project, url, live, unknown) == (
        f"error: HIT {unknown} does not exist in LOCAL: check the ID and --env (MTurk also "
        "forgets a HIT once it is deleted, or disposed of 120 days after its creation); "
        "nothing was written")
    assert f"HIT {deleted} does not exist in LOCAL" in refused(capsys, project, url, deleted)


def test_a_hit_already_recorded_is_refused_under_any_study_name(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    hit_id = seed_hit(url, tmp_path)
    assert deploy(capsys, "import", hit_id, "--study", "emotion", "--endpoint-url", url).code == 0

    line = refused(capsys, project, url, hit_id, study="again")
    assert line == (f"error: the lockfile already records {hit_id} as emotion/b1 in LOCAL: "
                    "deploy manages it already; edit studies/emotion.yaml instead; nothing "
                    "was written")


def test_hits_of_different_hit_types_are_refused_naming_the_field(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    cheap = seed_hit(url, tmp_path)
    dear = seed_hit(url, tmp_path, Reward="0.75")

    line = refused(capsys, project, url, cheap, dear)
    assert line.startswith(f"error: HITs {cheap} and {dear} differ in reward ('0.50' vs "
                           "'0.75'): a study's HITs share one HIT type and one question")


def test_an_existing_study_file_is_never_overwritten(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    hit_id = seed_hit(url, tmp_path)
    (project / "studies" / "emotion.yaml").write_text("title: mine\n")

    line = refused(capsys, project, url, hit_id)
    assert line == ("error: studies/emotion.yaml already exists; deploy import never "
                    "overwrites a file: pick another --study name, or move the file away")
    assert (project / "studies" / "emotion.yaml").read_text() == "title: mine\n"


def test_a_hit_deploy_made_points_to_its_own_lockfile(
    project: Path, served: Served, capsys: Capsys
) -> None:
    from clihelp import write_study

    url, _ = served
    write_study(project, "pilot")
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    [made] = lock_hits(project)
    (project / ".deploy" / "local.lock").unlink()
    (project / "studies" / "pilot.yaml").unlink()

    line = refused(capsys, project, url, made["hit_id"])
    assert f"HIT {made['hit_id']} was made by deploy, for pilot/b1" in line
    assert "deploy apply --adopt" in line


def test_a_page_deploy_would_refuse_is_refused_and_nothing_stays_behind(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    no_submit = HTML_QUESTION.replace('name="assignmentId"', 'name="worker"')
    hit_id = seed_hit(url, tmp_path, no_submit)

    result = deploy(capsys, "import", hit_id, "--study", "emotion", "--endpoint-url", url)

    assert result.code == 1
    assert "studies/emotion.html" in result.err and 'named "assignmentId"' in result.err
    assert sorted(p.name for p in (project / "studies").iterdir()) == []
    assert lock_text(project) == ""


def test_after_a_lost_lockfile_the_plan_refuses_to_post_an_imported_study_again(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    local = ("--endpoint-url", url)
    hit_id = seed_hit(url, tmp_path)
    assert deploy(capsys, "import", hit_id, "--study", "emotion", *local).code == 0
    (project / ".deploy" / "local.lock").unlink()

    lost = deploy(capsys, "plan", *local)

    assert lost.code == 1
    assert (f"emotion: MTurk has 1 open HIT not made by deploy ({hit_id}) with the title and "
            "question of studies/emotion.yaml, and the lockfile records none of them") in lost.out
    assert "move studies/emotion.yaml aside and import them again" in lost.out
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 1
    assert [h["HITId"] for h in seed_client(url).list_hits()["HITs"]] == [hit_id]

    study = project / "studies" / "emotion.yaml"
    study.rename(tmp_path / "emotion.yaml")
    assert deploy(capsys, "import", hit_id, "--study", "emotion", *local).code == 0
    assert deploy(capsys, "plan", "--detailed-exitcode", *local).code == 0


def test_an_expired_hit_made_elsewhere_does_not_hold_up_a_new_study(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    local = ("--endpoint-url", url)
    hit_id = seed_hit(url, tmp_path)
    assert deploy(capsys, "import", hit_id, "--study", "emotion", *local).code == 0
    (project / ".deploy" / "local.lock").unlink()
    seed_client(url).update_expiration_for_hit(HITId=hit_id, ExpireAt=datetime(2020, 1, 1))

    planned = deploy(capsys, "plan", *local)

    assert planned.code == 0 and "+ emotion/b1" in planned.out, planned.out


def test_the_name_of_a_removed_study_the_lockfile_still_records_is_refused(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    first = seed_hit(url, tmp_path)
    assert deploy(capsys, "import", first, "--study", "emotion", "--endpoint-url", url).code == 0
    (project / "studies" / "emotion.yaml").unlink()
    second = seed_hit(url, tmp_path)

    line = refused(capsys, project, url, second)
    assert line == ("error: the lockfile records HITs of a study emotion in LOCAL already (its "
                    "file was removed, or renamed): its batch names are taken; pick another "
                    "--study name; nothing was written")


def test_hits_that_neither_share_a_lifetime_nor_close_together_are_refused(
    project: Path, served: Served, capsys: Capsys, tmp_path: Path
) -> None:
    url, _ = served
    day = seed_hit(url, tmp_path, LifetimeInSeconds=86_400)
    week = seed_hit(url, tmp_path, LifetimeInSeconds=604_800)

    assert refused(capsys, project, url, week, day).startswith(
        f"error: HITs {day} and {week} differ in lifetime (1d vs 1w) and do not close together")
