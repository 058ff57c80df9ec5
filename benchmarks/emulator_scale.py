"""How the emulator's cost per request grows with the number of HITs it holds.

    .venv/bin/python benchmarks/emulator_scale.py [--sizes 100,1000,3000] [--requests 200]

For each size, a fresh emulator is filled with that many HITs (in memory, through boto3), two
submitted assignments on each (so 2 x size assignments awaiting review), then served with a
state file, as `--env local` serves it, and measured through boto3 on loopback: CreateHIT and
GetHIT requests per second (one client thread, kept-alive connection; the median of five
batches), and the cost of one refresh(), the pass over the time-driven rules (expiry,
abandonment, auto-approval, disposal, token memory) that runs before every request.
Last, the time to create --from-empty HITs into an empty state file, as `deploy apply` of a
study that size does on `--env local`.

Only the emulator's public Python API is used, so the same script measures older versions.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3

from deployer.emulators.mturk import Config, Emulator, EmulatorServer

QUESTION = (
    '<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2006-07-14/ExternalQuestion.xsd"><ExternalURL>https://example.org/</ExternalURL>'
    "<FrameHeight>0</FrameHeight></ExternalQuestion>"
)
SESSION = boto3.session.Session()


def client(url: str) -> Any:
    return SESSION.client("mturk", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="x", aws_secret_access_key="x")


def create(c: Any, i: int) -> str:
    hit_id: str = c.create_hit(
        Title=f"Benchmark {i % 7}", Description="d", Reward="0.10", LifetimeInSeconds=86400,
        AssignmentDurationInSeconds=60, MaxAssignments=3, Question=QUESTION,
        UniqueRequestToken=f"bench-{i}", RequesterAnnotation=f"bench/{i}")["HIT"]["HITId"]
    return hit_id


def rate(count: int, call: Any, batches: int = 5) -> float:
    """Requests per second: the median of `batches` runs, which a busy moment on a shared
    machine moves less than a single run."""
    size = max(1, count // batches)
    rates = []
    for batch in range(batches):
        start = time.perf_counter()
        for i in range(batch * size, (batch + 1) * size):
            call(i)
        rates.append(size / (time.perf_counter() - start))
    return statistics.median(rates)


def refresh_ms(emu: Emulator, times: int = 50) -> float:
    spent = []
    for _ in range(times):
        with emu.lock:
            start = time.perf_counter()
            emu.refresh()
            spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000


def filled(size: int) -> tuple[Emulator, list[str]]:
    emu = Emulator(Config(seed="bench"))
    with EmulatorServer(emu) as server:
        c = client(server.url)
        hit_ids = [create(c, i) for i in range(size)]
    workers = [emu.workers.register(), emu.workers.register()]
    for hit_id in hit_ids:
        for worker in workers:
            emu.workers.submit(emu.workers.accept(worker, hit_id), {"rating": "4"})
    return emu, hit_ids


def measure(size: int, requests: int, folder: Path) -> None:
    emu, hit_ids = filled(size)
    with EmulatorServer(emu, state_file=folder / f"emulator-{size}.json") as server:
        c = client(server.url)
        c.get_account_balance()  # connect, and let the state file be written once
        creates = rate(requests, lambda i: create(c, size + i))
        gets = rate(requests, lambda i: c.get_hit(HITId=hit_ids[i * 7919 % size]))
        refresh = refresh_ms(emu)
    print(f"{size:>9} {creates:>12.0f} {gets:>9.0f} {refresh:>13.3f}")


def from_empty(count: int, folder: Path) -> None:
    emu = Emulator(Config(seed="empty"))
    with EmulatorServer(emu, state_file=folder / "emulator-empty.json") as server:
        c = client(server.url)
        start = time.perf_counter()
        for i in range(count):
            create(c, i)
        spent = time.perf_counter() - start
    print(f"CreateHIT x {count} into an empty state file: {spent:.1f} s "
          f"({count / spent:.0f} req/s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--from-empty", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("HITs held  CreateHIT/s  GetHIT/s  refresh() ms   (with a state file)")
        for size in (int(s) for s in args.sizes.split(",")):
            measure(size, args.requests, Path(folder))
        if args.from_empty:
            from_empty(args.from_empty, Path(folder))


if __name__ == "__main__":
    main()
