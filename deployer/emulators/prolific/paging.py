"""List envelopes and paging (reference §1.3): `page`/`page_size` and `limit`/`offset` on
every list, `_links` built from the request's own URL, `meta.count`, and 404 past the end.

    {"results": [...], "_links": {"self": {"href": ..., "title": "Current"},
     "next": {...}, "previous": {...}, "last": {...}}, "meta": {"count": 42}}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from deployer.emulators.prolific.errors import invalid, not_found

T = TypeVar("T")
Query = dict[str, list[str]]


@dataclass(frozen=True)
class Window:
    start: int
    size: int
    by_offset: bool  # limit/offset rather than page/page_size


def window(query: Query, default: int, maximum: int) -> Window:
    if "limit" in query or "offset" in query:
        size = _number(query, "limit", default, 1, "limit")
        return Window(_number(query, "offset", 0, 0, "offset"), min(size, maximum), True)
    size = min(_number(query, "page_size", default, 1, "page_size"), maximum)
    text = query.get("page", ["1"])[-1]
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise not_found()  # as Django REST's "Invalid page."
    return Window((int(text) - 1) * size, size, False)


def _number(query: Query, name: str, default: int, lowest: int, field: str) -> int:
    if name not in query:
        return default
    text = query[name][-1]
    if not (text.isascii() and text.isdigit()) or int(text) < lowest:
        raise invalid(field, f"A whole number of at least {lowest} is required.")
    return int(text)


def listing(items: Sequence[T], url: str, query: Query, default: int,
            maximum: int) -> tuple[list[T], dict[str, Any]]:
    """The requested page of `items`, and the `_links` and `meta` to answer with it."""
    place = window(query, default, maximum)
    count = len(items)
    if place.start >= count and place.start > 0:
        raise not_found()
    last = max(0, (count - 1) // place.size * place.size)

    def href(start: int | None) -> dict[str, Any]:
        if start is None:
            return {"href": None}
        changes = ({"offset": str(start), "limit": str(place.size)} if place.by_offset else
                   {"page": str(start // place.size + 1), "page_size": str(place.size)})
        merged = {k: v for k, v in query.items() if k not in changes}
        merged.update({k: [v] for k, v in changes.items()})
        return {"href": f"{url}?{urlencode(merged, doseq=True)}"}

    following = place.start + place.size if place.start + place.size < count else None
    preceding = max(0, place.start - place.size) if place.start > 0 else None
    links = {"self": {**href(place.start), "title": "Current"},
             "next": {**href(following), "title": "Next"},
             "previous": {**href(preceding), "title": "Previous"},
             "last": {**href(last), "title": "Last"}}
    return list(items[place.start:place.start + place.size]), {"_links": links,
                                                               "meta": {"count": count}}


def envelope(results: list[Any], extras: dict[str, Any]) -> dict[str, Any]:
    return {"results": results, **extras}
