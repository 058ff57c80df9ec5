"""The boto3 client for one MTurk environment: credentials, timeouts and retries."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from deployer.core.errors import DeployError
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.api.endpoint import (
    ATTEMPTS,
    CONNECT_ATTEMPTS,
    CONNECT_TIMEOUT,
    LOCAL_CREDENTIALS,
    Endpoint,
)


def connect(endpoint: Endpoint) -> MTurk:
    config = Config(
        retries={"mode": "standard", "max_attempts": ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=60,
        max_pool_connections=16,
    )
    key, secret = LOCAL_CREDENTIALS if endpoint.local else (None, None)
    try:
        session = boto3.Session(profile_name=endpoint.profile)
        client = session.client(
            "mturk",
            region_name="us-east-1",
            endpoint_url=endpoint.endpoint_url,
            config=config,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )
    except botocore.exceptions.ProfileNotFound:
        raise DeployError(
            f"AWS profile {endpoint.profile!r} not found; "
            "list yours with `aws configure list-profiles`"
        ) from None
    except ValueError as error:  # botocore's "Invalid endpoint"
        raise DeployError(
            f"--endpoint-url {endpoint.endpoint_url!r} is not a URL ({error}); "
            "write it like http://127.0.0.1:8765"
        ) from None
    client.meta.events.register_first("needs-retry.mturk", _give_up_on_unreachable)
    return MTurk(client, endpoint)


def _give_up_on_unreachable(attempts: int, caught_exception: Exception | None = None,
                            **_: Any) -> None:
    """Stop retrying an endpoint that cannot be reached after CONNECT_ATTEMPTS tries.

    botocore's standard mode retries a refused or timed-out connection as often as a throttled
    call, so a wrong --endpoint-url took half a minute of silent retries to report. Raising the
    connection error here ends the retries at once; throttling and server faults arrive as
    responses (no caught exception) and keep all ATTEMPTS.
    """
    if isinstance(caught_exception, botocore.exceptions.ConnectionError) \
            and attempts >= CONNECT_ATTEMPTS:
        raise caught_exception
