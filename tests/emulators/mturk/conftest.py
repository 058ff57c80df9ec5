"""Fixtures: a real EmulatorServer on a free port and an unmodified boto3 client talking to it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

from deployer.emulators.mturk import Config, Emulator, EmulatorServer, FaultConfig

EXTERNAL_NS = (
    "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/"
    "ExternalQuestion.xsd"
)
EXTERNAL = (
    f'<ExternalQuestion xmlns="{EXTERNAL_NS}"><ExternalURL>https://example.org/task?a=1&amp;b=2'
    "</ExternalURL><FrameHeight>0</FrameHeight></ExternalQuestion>"
)
FORM_NS = (
    "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/QuestionForm.xsd"
)
QUESTION = ("<Question><QuestionIdentifier>{}</QuestionIdentifier><QuestionContent><Text>Why?"
            "</Text></QuestionContent><AnswerSpecification><FreeTextAnswer/></AnswerSpecification>"
            "</Question>")
# Any well-formed SigV4 header passes; raw requests need one like boto3's.
SIGV4 = ("AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/mturk-requester/aws4_request, "
         "SignedHeaders=host, Signature=ab")


def question_form(*questions: str) -> str:
    """A QuestionForm; each argument is one Question's XML (see QUESTION)."""
    return f'<QuestionForm xmlns="{FORM_NS}">{"".join(questions)}</QuestionForm>'


@pytest.fixture(scope="session")
def boto_session() -> boto3.session.Session:
    # One session: its loader caches the service model, which keeps client creation cheap.
    return boto3.session.Session()


def make_client(session: boto3.session.Session, url: str, attempts: int = 3) -> Any:
    return session.client(
        "mturk", region_name="us-east-1", endpoint_url=url, aws_access_key_id="x",
        aws_secret_access_key="x",
        config=BotoConfig(retries={"mode": "standard", "max_attempts": attempts}),
    )


class Env:
    """One running emulator, its boto3 client and shortcuts used by many tests."""

    def __init__(self, emu: Emulator, server: EmulatorServer, client: Any) -> None:
        self.emu = emu
        self.server = server
        self.client = client

    @property
    def url(self) -> str:
        return self.server.url

    def hit(self, **overrides: Any) -> dict[str, Any]:
        args: dict[str, Any] = {
            "Title": "Rate the clip", "Description": "Watch and rate", "Reward": "0.50",
            "LifetimeInSeconds": 3600, "AssignmentDurationInSeconds": 600,
            "MaxAssignments": 3, "Question": EXTERNAL,
        }
        args.update(overrides)
        result: dict[str, Any] = self.client.create_hit(**args)["HIT"]
        return result

    def worker(self, **kwargs: Any) -> str:
        worker_id: str = self.emu.workers.register(**kwargs)
        return worker_id

    def work(self, hit_id: str, answers: dict[str, str] | None = None) -> str:
        """A fresh worker accepts and submits; returns the assignment id."""
        assignment: str = self.emu.workers.accept(self.worker(), hit_id)
        self.emu.workers.submit(assignment, answers or {"rating": "4"})
        return assignment

    def side(self, path: str, body: Any = None) -> tuple[int, Any]:
        """A side-channel call: GET without a body, POST with one (any JSON value)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data,
                                         method="GET" if body is None else "POST")
        try:
            with urllib.request.urlopen(request) as reply:
                return reply.status, _decode(reply.read(), reply.headers.get_content_type())
        except urllib.error.HTTPError as error:
            return error.code, _decode(error.read(), error.headers.get_content_type())


    def wire(self, operation: str, body: bytes | dict[str, Any]) -> tuple[int, Any]:
        """An MTurk request without boto3, for bodies boto3 would never send."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(self.url + "/", data=data, method="POST", headers={
            "X-Amz-Target": f"MTurkRequesterServiceV20170117.{operation}",
            "Content-Type": "application/x-amz-json-1.1", "Authorization": SIGV4})
        try:
            with urllib.request.urlopen(request) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def _decode(raw: bytes, content_type: str) -> Any:
    return raw.decode() if content_type == "text/html" else json.loads(raw)


def start(session: boto3.session.Session, config: Config | None = None,
          faults: FaultConfig | None = None, attempts: int = 3) -> tuple[EmulatorServer, Env]:
    emu = Emulator(config, faults=faults)
    server = EmulatorServer(emu)
    server.start()
    return server, Env(emu, server, make_client(session, server.url, attempts))


@pytest.fixture
def env(boto_session: boto3.session.Session) -> Iterator[Env]:
    server, environment = start(boto_session)
    yield environment
    server.stop()


@pytest.fixture
def prod(boto_session: boto3.session.Session) -> Iterator[Env]:
    server, environment = start(boto_session, Config(personality="production", balance="5.00"))
    yield environment
    server.stop()
