"""The error envelope of reference §1.4, which every error reply of the emulator carries:

    {"error": {"status": 400, "error_code": 140400, "title": "Bad Request",
               "detail": {"reward": ["..."]}, "additional_information": "", "interactive": false}}

`detail` maps field names to lists of messages for validation errors and is a string otherwise.
No real `error_code` values are known; the emulator's are 140000 + the HTTP status.
"""

from __future__ import annotations

from typing import Any

TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error",
    501: "Not Implemented", 503: "Service Unavailable",
}
Detail = str | list[str] | dict[str, list[str]]


class ApiError(Exception):
    """An answer other than success, raised anywhere below a request and answered once."""

    def __init__(self, status: int, detail: Detail, info: str = "") -> None:
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.status = status
        self.detail = detail
        self.info = info
        self.headers: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict[str, Any]:
        return envelope(self.status, self.detail, self.info)


def envelope(status: int, detail: Detail, info: str = "") -> dict[str, Any]:
    return {"error": {"status": status, "error_code": 140_000 + status,
                      "title": TITLES.get(status, "Error"), "detail": detail,
                      "additional_information": info, "interactive": False}}


def bad(detail: Detail) -> ApiError:
    return ApiError(400, detail)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(400, {field: [message]})


def not_found() -> ApiError:
    """Unknown IDs, pages past the end, and objects of a workspace the token cannot see:
    Prolific's framework 404 says only this."""
    return ApiError(404, "Not found.")


def unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail)


def throttled() -> ApiError:
    error = ApiError(429, "Request was throttled. Expected available in 1 second.")
    error.headers = (("Retry-After", "1"),)
    return error


def server_fault() -> ApiError:
    return ApiError(500, "A server error occurred.")


class Problems:
    """Collects every problem of a request body before refusing it, field by field."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.found.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.found)

    def check(self) -> None:
        if self.found:
            raise ApiError(400, self.found)
