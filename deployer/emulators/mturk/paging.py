"""Pagination exactly as the real service does it (reference §2.5).

Every non-empty page carries a NextToken, including the last one; the page after the last is
empty and has none. Tokens are fresh each time (boto3's paginator refuses a repeated token) and
remember the sort key of the last item served, so deletions between pages skip nothing.
A listing hands over a `Fetch`: the next `limit` items after a sort key, in order. Large
listings fetch from an index (keyset pagination); small ones sort a list (`from_list`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import RequestError
from deployer.emulators.mturk.validation import Params

T = TypeVar("T")
SortKey = list[Any]
Fetch = Callable[[SortKey | None, int], Sequence[T]]


def paginate(
    emu: Backend,
    params: Params,
    query: str,
    fetch: Fetch[T],
    key: Callable[[T], SortKey],
) -> tuple[list[T], dict[str, Any]]:
    """Returns the page and the NumResults/NextToken members to merge into the response."""
    size = params.max_results(emu.config.default_page_size)
    token = params.next_token()
    after = None if token is None else _mark(emu, token, query)
    page = list(fetch(after, size))
    meta: dict[str, Any] = {"NumResults": len(page)}
    if page:
        meta["NextToken"] = emu.issue_page(query, key(page[-1]))
    return page, meta


def from_list(items: Sequence[T], key: Callable[[T], SortKey]) -> Fetch[T]:
    def fetch(after: SortKey | None, limit: int) -> list[T]:
        ordered = sorted(items, key=key)
        if after is not None:
            ordered = [item for item in ordered if key(item) > after]
        return ordered[:limit]

    return fetch


def _mark(emu: Backend, token: str, query: str) -> SortKey:
    mark = emu.page(token)
    if mark is None or mark.query != query:
        raise RequestError(f"The pagination token {token} is not valid.")
    return mark.last
