"""Throughput of the bundled Prolific emulator through urllib3 over loopback.

    .venv/bin/python benchmarks/prolific_emulator.py [--requests 2000] [--studies 1000]
                                                     [--state FILE]

The server runs on a thread of this process (client and server share one GIL). Measures a
cheap read (GET /users/me/), a write (POST /studies/), a participant's round trip through the
side channel plus the approval, and list pages of 100 over --studies studies, the last also as
a walk that follows `_links.next`. With --state the emulator keeps its state in an SQLite file
(every request committed with synchronous=FULL), as the `local` environment does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import urllib3

from deployer.emulators.prolific import Config, Emulator, ProlificServer

STUDY = {
    "name": "Benchmark", "internal_name": "bench", "description": "<p>d</p>",
    "external_study_url": "https://example.org/?PROLIFIC_PID={{%PROLIFIC_PID%}}",
    "prolific_id_option": "url_parameters", "total_available_places": 1000,
    "estimated_completion_time": 1, "reward": 10,
    "completion_codes": [{"code": "DONE", "code_type": "COMPLETED"}],
}


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = urllib3.HTTPConnectionPool(url.removeprefix("http://").split(":")[0],
                                               int(url.rsplit(":", 1)[1]), maxsize=1)
        self.headers = {"Authorization": "Token local-token",
                        "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        reply = self.http.request(method, path, headers=self.headers,
                                  body=None if body is None else json.dumps(body))
        assert reply.status < 300, (reply.status, reply.data[:300])
        return json.loads(reply.data) if reply.data else None


def run(clients: list[Client], total: int, call: Callable[[Client, int], None]) -> float:
    """Requests (or rounds) per second for `total` calls over one thread per client."""
    share = total // len(clients)

    def work(c: Client) -> None:
        for i in range(share):
            call(c, i)

    start = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(work, clients))
    return share * len(clients) / (time.perf_counter() - start)


def me(c: Client, i: int) -> None:
    c.call("GET", "/api/v1/users/me/")


def create(c: Client, i: int) -> None:
    c.call("POST", "/api/v1/studies/", STUDY)


def page(c: Client, i: int) -> None:
    c.call("GET", "/api/v1/studies/?page_size=100")


def round_trip(study_id: str) -> Callable[[Client, int], None]:
    """A participant is made, reserves, starts and completes; the researcher approves."""
    def call(c: Client, i: int) -> None:
        person = c.call("POST", "/_emulator/participants", {})["id"]
        submission = c.call("POST", f"/_emulator/studies/{study_id}/reserve",
                            {"participant_id": person})["id"]
        c.call("POST", f"/_emulator/submissions/{submission}/start", {})
        c.call("POST", f"/_emulator/submissions/{submission}/complete", {"code": "DONE"})
        c.call("POST", f"/api/v1/submissions/{submission}/transition/", {"action": "APPROVE"})

    return call


def walk(c: Client) -> tuple[int, float]:
    start = time.perf_counter()
    href: str | None = "/api/v1/studies/?page_size=100"
    pages = 0
    while href:
        pages += 1
        href = c.call("GET", href)["_links"]["next"]["href"]
        href = None if href is None else href.removeprefix(c.url)
    return pages, time.perf_counter() - start


@contextlib.contextmanager
def served(state: Path | None) -> Iterator[str]:
    emulator = Emulator(Config(seed="bench", balance=10**12))
    with ProlificServer(emulator, state_file=state) as server:
        yield server.url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--state", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        state = None if args.state is None else Path(scratch) / args.state.name
        with served(state) as url:
            print("state:", "SQLite file" if state else "in memory")
            clients = [Client(url) for _ in range(4)]
            n = args.requests
            print(f"GET /users/me/        1 thread : {run(clients[:1], n, me):7.0f} req/s")
            print(f"GET /users/me/        4 threads: {run(clients, n, me):7.0f} req/s")
            print(f"POST /studies/        1 thread : {run(clients[:1], 400, create):7.0f} req/s")
            print(f"POST /studies/        4 threads: {run(clients, 400, create):7.0f} req/s")
            study = clients[0].call("POST", "/api/v1/studies/", STUDY)["id"]
            clients[0].call("POST", f"/api/v1/studies/{study}/transition/",
                            {"action": "PUBLISH"})
            rounds = run(clients, 400, round_trip(study))
            print(f"participant round + approve, 4 threads: {rounds:5.0f} rounds/s "
                  f"({rounds * 5:.0f} req/s)")
            existing = clients[0].call("GET", "/api/v1/studies/?page_size=1")["meta"]["count"]
            run(clients[:1], max(0, args.studies - existing), create)
            print(f"GET /studies/ (100/page)  1 thread : {run(clients[:1], 100, page):6.0f} req/s")
            pages, spent = walk(clients[0])
            print(f"walk of {args.studies} studies by _links.next: {pages} pages in "
                  f"{spent * 1000:.0f} ms")


if __name__ == "__main__":
    main()
