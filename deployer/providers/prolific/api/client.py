"""The Prolific researcher API over HTTP: the one place requests are made (`Prolific._call`).

urllib3 (already installed with boto3) carries the requests; a hand-rolled client this small
needs no other library. Every answer is JSON; every refusal becomes a DeployError in plain
words. Only reads and idempotent calls are retried: Prolific deduplicates neither creating a
study nor paying a bonus, so those are retried by the steps that guard them, never here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import urllib3

from deployer.core.errors import DeployError

API = "/api/v1/"
ATTEMPTS = 5
LONGEST_WAIT = 30.0  # seconds: a Retry-After beyond this is an outage, not a throttle


class ProlificError(DeployError):
    def __init__(self, status: int, what: str, detail: str) -> None:
        super().__init__(f"Prolific refused to {what} (HTTP {status}): {detail}")
        self.status = status
        self.detail = detail


class Prolific:
    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url.rstrip("/") + API
        self.token = token
        self.calls = 0
        self.http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(30.0),
                                        maxsize=8)

    def get(self, path: str, what: str, **query: str | int) -> Any:
        return self._call("GET", path, what, None, query, safe=True)

    def post(self, path: str, what: str, body: Mapping[str, Any] | None = None,
             safe: bool = False) -> Any:
        return self._call("POST", path, what, body, {}, safe=safe)

    def patch(self, path: str, what: str, body: Mapping[str, Any]) -> Any:
        return self._call("PATCH", path, what, body, {}, safe=True)

    def delete(self, path: str, what: str) -> Any:
        return self._call("DELETE", path, what, None, {}, safe=True)

    def pages(self, path: str, what: str, **query: str | int) -> Iterator[dict[str, Any]]:
        """Every item of a paged list, following `_links.next` (reference §1.3)."""
        page = self.get(path, what, page_size=100, **query)
        while True:
            yield from page.get("results", [])
            following = ((page.get("_links") or {}).get("next") or {}).get("href")
            if not following:
                return
            page = self._call("GET", following, what, None, {}, safe=True)

    def _call(self, method: str, path: str, what: str, body: Mapping[str, Any] | None,
              query: Mapping[str, str | int], safe: bool) -> Any:
        url = path if path.startswith("http") else self.base + path.strip("/") + "/"
        if query:
            url += "?" + urlencode(query)
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(ATTEMPTS):
            self.calls += 1
            try:
                answer = self.http.request(method, url, body=data, headers=headers)
            except urllib3.exceptions.HTTPError as error:
                if safe and attempt + 1 < ATTEMPTS:
                    time.sleep(0.2 * 2 ** attempt)
                    continue
                raise DeployError(f"cannot reach Prolific to {what} ({error}); check the "
                                  "connection and run the command again") from None
            retry = answer.status == 429 or (safe and answer.status >= 500)
            if retry and attempt + 1 < ATTEMPTS:
                time.sleep(_wait(answer, attempt))
                continue
            return _answer(answer, what)
        raise AssertionError("unreachable")  # pragma: no cover


def _wait(answer: urllib3.BaseHTTPResponse, attempt: int) -> float:
    try:
        asked = float(answer.headers.get("Retry-After", ""))
    except ValueError:
        asked = 0.2 * 2 ** attempt
    return min(max(asked, 0.0), LONGEST_WAIT)


def _answer(answer: urllib3.BaseHTTPResponse, what: str) -> Any:
    text = answer.data.decode("utf-8", "replace")
    try:
        value = json.loads(text) if text.strip() else None
    except ValueError:
        value = text
    if answer.status < 400:
        return value
    if answer.status == 401:
        raise ProlificError(401, what, "the token was not accepted; set PROLIFIC_TOKEN to an "
                            "API token of the workspace (Prolific: Settings, API token)")
    raise ProlificError(answer.status, what, _detail(value))


def _detail(value: Any) -> str:
    """The error envelope's detail in one line: a string, a list, or field -> messages."""
    if isinstance(value, dict):
        value = (value.get("error") or value).get("detail", value) if isinstance(
            value.get("error", value), dict) else value
    if isinstance(value, dict):
        return "; ".join(f"{field}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                         for field, v in value.items())
    if isinstance(value, list):
        return " ".join(map(str, value))
    return str(value)[:500]
