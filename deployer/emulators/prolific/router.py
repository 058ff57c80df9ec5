"""Routes of the form `studies/{study_id}/transition` and what one call carries.

A path matches with or without its trailing slash, never through a redirect (reference §1.1:
a 301 on POST or PATCH would lose the body).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from deployer.emulators.prolific.backend import Backend, Caller
from deployer.emulators.prolific.errors import ApiError, bad, not_found
from deployer.emulators.prolific.paging import Query, envelope, listing

API_ROOT = "/api/v1/"
Answer = tuple[int, Any]  # (HTTP status, JSON body; None for an empty 204)


@dataclass(frozen=True)
class Call:
    emu: Backend
    who: Caller
    args: Mapping[str, str]
    query: Query
    raw: bytes
    url: str  # the request's absolute URL without its query, for the _links of lists

    def body(self) -> dict[str, Any]:
        """The JSON object sent; an empty body counts as {}."""
        if not self.raw.strip():
            return {}
        try:
            value = json.loads(self.raw)
        except (ValueError, RecursionError) as error:
            raise bad(f"JSON parse error - {error}") from None
        if not isinstance(value, dict):
            raise bad("Invalid data. Expected a dictionary, but got "
                      f"{type(value).__name__}.")
        try:  # a lone surrogate ("\ud800") is valid JSON but no text SQLite can store
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise bad("JSON parse error - a string holds a lone surrogate, which is not "
                      "Unicode text.") from None
        return value

    @property
    def base(self) -> str:
        """The API root as the client addressed it: `http://host:port/api/v1/`."""
        at = self.url.find(API_ROOT)
        return self.url[:at + len(API_ROOT)] if at >= 0 else self.url

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def page(self, items: list[Any]) -> dict[str, Any]:
        """`items` as a paged list envelope (reference §1.3)."""
        config = self.emu.config
        shown, extras = listing(items, self.url, self.query, config.page_size,
                                config.max_page_size)
        return envelope(shown, extras)


Handler = Callable[[Call], Answer]
H = TypeVar("H")


class Router(Generic[H]):
    def __init__(self, routes: Mapping[str, Mapping[str, H]]) -> None:
        self._routes = [(tuple(pattern.strip("/").split("/")), methods)
                        for pattern, methods in routes.items()]

    def match(self, method: str, path: str) -> tuple[H, dict[str, str]]:
        """The handler for `path` (relative to the API root); 404 or 405 when none."""
        parts = tuple(path.strip("/").split("/")) if path.strip("/") else ()
        for pattern, methods in self._routes:
            args = _bind(pattern, parts)
            if args is None:
                continue
            if method not in methods:
                error = ApiError(405, f'Method "{method}" not allowed.')
                error.headers = (("Allow", ", ".join(sorted(methods))),)
                raise error
            return methods[method], args
        raise not_found()


def _bind(pattern: tuple[str, ...], parts: tuple[str, ...]) -> dict[str, str] | None:
    if len(pattern) != len(parts):
        return None
    args: dict[str, str] = {}
    for expected, given in zip(pattern, parts, strict=True):
        if expected.startswith("{"):
            if not given:
                return None
            args[expected[1:-1]] = given
        elif expected != given:
            return None
    return args
