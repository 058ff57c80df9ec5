"""Where one MTurk environment's calls go, and where workers preview its HITs."""

from __future__ import annotations

from dataclasses import dataclass

ENDPOINTS = {
    "sandbox": "https://mturk-requester-sandbox.us-east-1.amazonaws.com",
    "production": "https://mturk-requester.us-east-1.amazonaws.com",
}
PREVIEW = {
    "sandbox": "https://workersandbox.mturk.com/projects/{group}/tasks",
    "production": "https://worker.mturk.com/projects/{group}/tasks",
}
# The embedded emulator lives only as long as one command, so it prints no preview links (they
# would not open); this command serves the same state, and its links, for as long as it runs.
LOCAL_PREVIEW_PORT = 8765
LOCAL_PREVIEW_COMMAND = (
    f"deploy emulator serve --port {LOCAL_PREVIEW_PORT} --state .deploy/emulator.sqlite3"
)
LOCAL_PREVIEW = f"http://127.0.0.1:{LOCAL_PREVIEW_PORT}"
# The embedded emulator needs no AWS account: it accepts any signed request.
LOCAL_CREDENTIALS = ("local", "local")
ATTEMPTS = 10  # throttling is normal: botocore backs off and tries again this often
CONNECT_TIMEOUT = 3  # seconds; MTurk answers a connection in well under one
CONNECT_ATTEMPTS = 2  # an endpoint refused or silent twice is not coming back soon


@dataclass(frozen=True)
class Endpoint:
    """Where one environment's MTurk calls go."""

    environment: str
    endpoint_url: str
    profile: str | None = None
    embedded: bool = False  # the in-process emulator of `--env local`

    @property
    def local(self) -> bool:
        return self.environment == "local"

    @property
    def emulated(self) -> bool:
        """An emulator stands in for MTurk: real AWS is not asked on its behalf."""
        return self.endpoint_url != ENDPOINTS.get(self.environment)

    def preview_url(self, group_id: str) -> str:
        """Where a worker previews the group's HITs; "" when nothing will serve that page."""
        if self.environment in PREVIEW:
            return PREVIEW[self.environment].format(group=group_id)
        if self.embedded:
            return ""
        return f"{self.endpoint_url}/_emulator/preview?groupId={group_id}"

    @property
    def preview_note(self) -> str:
        """How to get preview links when no emulator serves them ("" otherwise)."""
        if not self.embedded:
            return ""
        return (f"To preview the HITs as workers see them, run `{LOCAL_PREVIEW_COMMAND}` and "
                f"`deploy status --endpoint-url {LOCAL_PREVIEW}` for their links.")
