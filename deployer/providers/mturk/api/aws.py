"""The AWS services around MTurk: STS for the account that pays, SQS and SNS for where
notifications go.

Their endpoints follow boto3's own configuration (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SQS,
AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL, or a profile's `services` section), which is also how
tests point them at moto. While an emulator stands in for MTurk, real AWS is never asked: a
service is used then only when its endpoint is configured to somewhere else.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import boto3
import botocore.exceptions
from botocore.config import Config

from deployer.core.errors import DeployError
from deployer.core.plan import Payer
from deployer.providers.mturk.api.endpoint import CONNECT_ATTEMPTS, CONNECT_TIMEOUT, Endpoint

REGION = "us-east-1"  # MTurk's only region
AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
CONFIG = Config(retries={"mode": "standard", "max_attempts": CONNECT_ATTEMPTS},
                connect_timeout=CONNECT_TIMEOUT, read_timeout=30)


class Aws:
    """Clients of AWS services with the credentials MTurk is called with."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        try:
            self._session = boto3.Session(profile_name=endpoint.profile)
        except botocore.exceptions.ProfileNotFound:
            raise DeployError(f"AWS profile {endpoint.profile!r} not found; list yours with "
                              "`aws configure list-profiles`") from None

    def client(self, service: str, region: str = REGION) -> Any | None:
        """A client of `service`, or None when it would reach real AWS for an emulator."""
        client = self._session.client(service, region_name=region, config=CONFIG)  # type: ignore[call-overload]
        if self.endpoint.emulated and on_aws(client.meta.endpoint_url):
            return None
        return client

    def payer(self) -> Payer | None:
        """The account the credentials belong to (STS GetCallerIdentity: allowed to every
        identity, so it fails only for want of credentials or a network)."""
        sts = self.client("sts")
        if sts is None:
            return None
        found = call(sts, "get_caller_identity", self.endpoint.environment)
        return payer_of(str(found["Account"]), str(found["Arn"]))


def on_aws(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host.endswith(AWS_HOSTS)


def payer_of(account: str, arn: str) -> Payer:
    """An assumed role's ARN ends in a session name that may change with every login (boto3
    makes one up for a role profile): the role is what a saved plan is bound to."""
    kind, _, path = arn.partition(":assumed-role/")
    principal = f"{kind}:assumed-role/{path.split('/')[0]}" if path else arn
    return Payer(account=account, identity=arn, principal=principal)


def call(client: Any, operation: str, environment: str, **params: Any) -> dict[str, Any]:
    """One AWS call, its failures in plain words; ClientError is left to the caller."""
    service = client.meta.service_model.service_id
    try:
        response: dict[str, Any] = getattr(client, operation)(**params)
    except botocore.exceptions.NoCredentialsError:
        raise DeployError(
            f"no AWS credentials found for {environment.upper()}: set AWS_PROFILE (or pass "
            "--profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") from None
    except botocore.exceptions.ConnectionError:
        raise DeployError(f"cannot reach AWS {service} at {client.meta.endpoint_url}; check "
                          "the network (or AWS_ENDPOINT_URL_"
                          f"{service.upper().replace(' ', '_')})") from None
    except botocore.exceptions.BotoCoreError as error:
        raise DeployError(f"AWS {service} call failed: {error}; run the command again") \
            from None
    except botocore.exceptions.ClientError as error:
        if operation == "get_caller_identity":
            raise DeployError(f"AWS STS does not accept these credentials ("
                              f"{error.response['Error'].get('Message', error)}); check "
                              "AWS_PROFILE or --profile") from None
        raise
    return response
