"""Who pays, asked of STS (moto's, in-process) with the credentials MTurk is called with."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from deployer.core.errors import DeployError
from deployer.core.plan import Payer
from deployer.providers.mturk.api.aws import Aws, on_aws, payer_of
from deployer.providers.mturk.api.endpoint import ENDPOINTS, Endpoint

SANDBOX = Endpoint("sandbox", ENDPOINTS["sandbox"])


@pytest.fixture
def mocked_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


def test_real_mturk_is_paid_by_the_callers_account(mocked_aws: None) -> None:
    assert Aws(SANDBOX).payer() == Payer(
        "123456789012", "arn:aws:sts::123456789012:user/moto",
        "arn:aws:sts::123456789012:user/moto")


def test_an_assumed_role_is_bound_without_its_session_name(
        mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    role = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn="arn:aws:iam::111122223333:role/lab", RoleSessionName="alice")["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", role["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", role["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", role["SessionToken"])
    payer = Aws(SANDBOX).payer()
    assert payer is not None and payer.account == "111122223333"
    assert payer.identity == "arn:aws:sts::111122223333:assumed-role/lab/alice"
    assert payer.principal == "arn:aws:sts::111122223333:assumed-role/lab"


def test_an_emulator_asks_aws_only_where_an_endpoint_is_configured(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_STS", raising=False)
    emulated = Endpoint("sandbox", "http://127.0.0.1:9")
    assert Aws(emulated).client("sts") is None  # never real AWS on an emulator's behalf
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
    assert Aws(emulated).client("sts") is not None
    assert on_aws("https://sts.us-east-1.amazonaws.com") and not on_aws("http://127.0.0.1:9")


def test_an_unreachable_sts_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    with pytest.raises(DeployError, match=r"cannot reach AWS STS at http://127.0.0.1:9"):
        Aws(SANDBOX).payer()


def test_user_arns_are_their_own_principal() -> None:
    assert payer_of("1", "arn:aws:iam::1:user/a").principal == "arn:aws:iam::1:user/a"
