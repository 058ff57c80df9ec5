"""Throughput of the bundled MTurk emulator through real boto3 over loopback.

    .venv/bin/python benchmarks/emulator_throughput.py [--requests 2000] [--separate-process]

By default the server runs on a thread of this process, so boto3 and the server share one GIL;
--separate-process runs `deploy emulator serve` instead, which is how `local` users see it.

Measures a cheap operation (GetAccountBalance), a costly write (CreateHIT) and a costly read
(ListHITs pages of 100 over 1000 HITs), each from 1 and from 4 client threads.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from deployer.emulators.mturk import Emulator, EmulatorServer

QUESTION = (
    '<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2006-07-14/ExternalQuestion.xsd"><ExternalURL>https://example.org/</ExternalURL>'
    "<FrameHeight>0</FrameHeight></ExternalQuestion>"
)


def client(session: boto3.session.Session, url: str) -> Any:
    return session.client("mturk", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="x", aws_secret_access_key="x")


def create(c: Any, i: int) -> None:
    c.create_hit(Title="Benchmark", Description="d", Reward="0.10", LifetimeInSeconds=3600,
                 AssignmentDurationInSeconds=60, MaxAssignments=1, Question=QUESTION)


def balance(c: Any, i: int) -> None:
    c.get_account_balance()


def list_page(c: Any, i: int) -> None:
    c.list_hits(MaxResults=100)  # a full page: 100 HITs serialised


def list_all(c: Any) -> list[str]:
    return [h["HITId"] for p in c.get_paginator("list_hits").paginate() for h in p["HITs"]]


def raw_http(url: str, total: int) -> float:
    """The same GetAccountBalance without boto3, to show how much of the cost is the client."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    headers = {
        "X-Amz-Target": "MTurkRequesterServiceV20170117.GetAccountBalance",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=x/20261130/us-east-1/mturk-requester/"
                         "aws4_request, SignedHeaders=host, Signature=00",
    }
    start = time.perf_counter()
    for _ in range(total):
        connection.request("POST", "/", body=b"{}", headers=headers)
        connection.getresponse().read()
    connection.close()
    return total / (time.perf_counter() - start)


def run(clients: list[Any], total: int, call: Callable[[Any, int], None]) -> float:
    """Requests per second for `total` calls split across one thread per client."""
    share = total // len(clients)

    def work(c: Any) -> None:
        for i in range(share):
            call(c, i)

    start = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(work, clients))
    return share * len(clients) / (time.perf_counter() - start)


@contextlib.contextmanager
def separate_process() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-m", "deployer", "emulator", "serve"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    found = re.search(r"http://\S+", process.stdout.readline())
    assert found, "the emulator did not start"
    try:
        yield found.group(0)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@contextlib.contextmanager
def in_process() -> Iterator[str]:
    with EmulatorServer(Emulator()) as server:
        yield server.url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--separate-process", action="store_true")
    args = parser.parse_args()
    session = boto3.session.Session()
    with (separate_process() if args.separate_process else in_process()) as url:
        print("server:", "separate process" if args.separate_process else "thread in this process")
        clients = [client(session, url) for _ in range(4)]
        for c in clients:
            c.get_account_balance()  # warm up connections
        n = args.requests
        print(f"GetAccountBalance  1 thread : {run(clients[:1], n, balance):7.0f} req/s")
        print(f"GetAccountBalance  4 threads: {run(clients, n, balance):7.0f} req/s")
        print(f"GetAccountBalance  raw HTTP : {raw_http(url, n):7.0f} req/s (no boto3)")
        print(f"CreateHIT          1 thread : {run(clients[:1], 500, create):7.0f} req/s")
        print(f"CreateHIT          4 threads: {run(clients, 500, create):7.0f} req/s")
        print(f"  (now {len(list_all(clients[0]))} HITs)")
        print(f"ListHITs (100/page) 1 thread : {run(clients[:1], 200, list_page):6.0f} req/s")
        print(f"ListHITs (100/page) 4 threads: {run(clients, 200, list_page):6.0f} req/s")
        start = time.perf_counter()
        page = clients[0].list_hits(MaxResults=100)
        count = 1
        while page["NumResults"]:
            page = clients[0].list_hits(MaxResults=100, NextToken=page["NextToken"])
            count += 1
        spent = time.perf_counter() - start
        print(f"ListHITs full walk of 1000 HITs: {count} pages in {spent * 1000:.0f} ms "
              f"({count / spent:.0f} pages/s)")


if __name__ == "__main__":
    main()
