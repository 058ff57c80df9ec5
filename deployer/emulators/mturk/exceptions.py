"""The error shapes MTurk puts on the wire (reference §1.4).

Messages are kept without their trailing server timestamp; `body(ms)` appends it the way the
real service does, so the model never needs to know the wall clock of the response.
"""

from __future__ import annotations

from typing import Any


class SimulationError(Exception):
    """A simulated worker tried something MTurk would not let a worker do (side channel: 400)."""


class WireError(Exception):
    """Base of every error the emulator answers on the MTurk wire."""

    status = 400
    type_name = "RequestError"

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def body(self, ms: int) -> dict[str, Any]:
        return {"__type": self.type_name, "Message": f"{self.text} ({ms})"}


class RequestError(WireError):
    """400; carries a TurkErrorCode unless the real service gave none (idempotency, lag)."""

    def __init__(self, text: str, turk_code: str | None = None) -> None:
        super().__init__(text)
        self.turk_code = turk_code

    def body(self, ms: int) -> dict[str, Any]:
        out = super().body(ms)
        if self.turk_code:
            out["TurkErrorCode"] = self.turk_code
        return out


def turk(code: str, text: str) -> RequestError:
    return RequestError(text, f"AWS.MechanicalTurk.{code}")


class ServiceFault(WireError):
    status = 500
    type_name = "ServiceFault"

    def __init__(self, text: str = "Internal error. Try your call again.") -> None:
        super().__init__(text)

    def body(self, ms: int) -> dict[str, Any]:
        out = super().body(ms)
        out["TurkErrorCode"] = "AWS.MechanicalTurk.ServiceFault"
        return out


class ParameterValidationError(WireError):
    """Unmodeled 400; the real service closes these messages with `(<ms> s)`."""

    type_name = "ParameterValidationError"

    def body(self, ms: int) -> dict[str, Any]:
        return {"__type": self.type_name, "Message": f"{self.text} ({ms} s)"}


def invalid(name: str, value: object, detail: str = "") -> ParameterValidationError:
    text = f'The value "{_show(value)}" is not valid for the parameter {name}.'
    return ParameterValidationError(f"{text} {detail}" if detail else text)


def _show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "..."  # keep one-line errors readable


class ThrottlingException(WireError):
    type_name = "ThrottlingException"

    def __init__(self) -> None:
        super().__init__("Rate exceeded")

    def body(self, ms: int) -> dict[str, Any]:
        return {"__type": self.type_name, "message": "Rate exceeded"}


class UnknownOperation(WireError):
    type_name = "UnknownOperationException"

    def body(self, ms: int) -> dict[str, Any]:
        return {"__type": self.type_name, "message": self.text}


class SerializationError(WireError):
    type_name = "SerializationException"

    def body(self, ms: int) -> dict[str, Any]:
        return {"__type": self.type_name, "message": self.text}


class AuthenticationError(WireError):
    """403 for a missing or malformed SigV4 header; the signature itself is never checked."""

    status = 403

    def __init__(self, type_name: str, text: str) -> None:
        super().__init__(text)
        self.type_name = type_name

    def body(self, ms: int) -> dict[str, Any]:
        return {"__type": self.type_name, "message": self.text}
