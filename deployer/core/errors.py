"""The single user-facing error channel.

Every failure a user can cause or fix is a DeployError; the cli package catches it once and prints
one clear line. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class DeployError(Exception):
    """A problem the user can act on; the message says what to do next."""


class ValidationError(DeployError):
    """One or more study files are invalid; the message lists every problem."""


class PlatformError(DeployError):
    """The platform (or its emulator) refused a request; `code` is its own error code."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class LockError(DeployError):
    """The lockfile is unreadable, or another apply holds the apply lock."""


class StalePlanError(DeployError):
    """A saved plan no longer matches the environment, the lockfile or the study files."""


class RefusedError(DeployError):
    """A guardrail refused the operation (production, budget, balance, no TTY)."""
