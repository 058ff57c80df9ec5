"""The researcher's notebook recipe (shared seed), run unchanged against the emulator: an
ExternalQuestion XML file read from disk, then create_hit, then the HITGroupId/HITId prints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from deployer.emulators.mturk import Emulator, EmulatorServer

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<ExternalQuestion xmlns="{namespace}">
  <ExternalURL>{url}</ExternalURL>
  <FrameHeight>0</FrameHeight>
</ExternalQuestion>
"""
NAMESPACE = (
    "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/"
    "ExternalQuestion.xsd"
)
# The notebook cells as the seed gives them; only the placeholders are filled in.
NOTEBOOK = """
import boto3
import xmltodict
mturk_sandbox = boto3.client('mturk',
   aws_access_key_id = "YOUR ID HERE",
   aws_secret_access_key = "YOUR KEY HERE",
   endpoint_url = MTURK_SANDBOX
)
question = open('question.xml',mode='r').read()
new_hit = mturk_sandbox.create_hit(
    Title = 'Continuous emotion rating',
    Description = 'Watch a short clip and rate how you feel',
    Keywords = 'rating, video, emotion',
    Reward = '1.50',
    MaxAssignments = 9,
    LifetimeInSeconds = 86400,
    AssignmentDurationInSeconds = 3600,
    AutoApprovalDelayInSeconds = 259200,
    Question = question
)
print("A new HIT has been created. You can preview it here:")
print("" + new_hit['HIT']['HITGroupId'])
print("HITID = " + new_hit['HIT']['HITId'] + " (Use to Get Results)")
"""


@pytest.fixture
def notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the notebook passes no region
    monkeypatch.chdir(tmp_path)
    with EmulatorServer(Emulator()) as server:
        yield {"MTURK_SANDBOX": server.url}


def test_seed_recipe_runs_unchanged(
    notebook: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    Path("question.xml").write_text(
        TEMPLATE.format(namespace=NAMESPACE, url="https://continuous-rater.netlify.app/?x=1"))
    exec(compile(NOTEBOOK, "notebook", "exec"), notebook)
    hit = notebook["new_hit"]["HIT"]
    assert hit["HITStatus"] == "Assignable"
    assert hit["Question"] == Path("question.xml").read_text()
    assert f"HITID = {hit['HITId']} (Use to Get Results)" in capsys.readouterr().out


def test_seed_template_with_empty_namespace_is_refused(notebook: dict[str, Any]) -> None:
    Path("question.xml").write_text(TEMPLATE.format(namespace="", url="https://example.org/"))
    with pytest.raises(ClientError, match=r"(?s)ParameterValidationError.*parameter Question"):
        exec(compile(NOTEBOOK, "notebook", "exec"), notebook)
