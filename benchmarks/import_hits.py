"""How long `deploy import` takes with the number of HITs it brings in, and the plan after it.

    .venv/bin/python benchmarks/import_hits.py [--sizes 1,30,300]

For each size, a fresh emulator is served on loopback and filled with that many HITs the seed
notebook's way (boto3 create_hit with an ExternalQuestion, no annotation); then, in a fresh
project folder, `deploy import` of all of them runs in-process, followed by `deploy plan`,
which must print "No changes.". Wall-clock seconds of each are printed; import makes one
GetHIT per HIT, so it grows linearly.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3

from deployer.cli import main
from deployer.emulators.mturk import Emulator, EmulatorServer

QUESTION = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalQuestion xmlns="http://mechanicalturk.'
    'amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/ExternalQuestion.xsd">\n'
    "  <ExternalURL>https://example.org/rate</ExternalURL>\n  <FrameHeight>0</FrameHeight>\n"
    "</ExternalQuestion>\n"
)


def seed_hits(url: str, count: int) -> list[str]:
    mturk: Any = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                              aws_access_key_id="x", aws_secret_access_key="x")
    return [mturk.create_hit(
        Title="Rate short clips", Description="Watch and rate.", Keywords="emotion, rating",
        Reward="0.50", MaxAssignments=5, LifetimeInSeconds=86_400,
        AssignmentDurationInSeconds=1_800, AutoApprovalDelayInSeconds=259_200,
        Question=QUESTION)["HIT"]["HITId"] for _ in range(count)]


def run(*args: str) -> tuple[float, str]:
    """Seconds taken by `deploy ARGS` in-process, and what it printed."""
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(list(args))
        except SystemExit as ended:
            if ended.code not in (0, None):
                raise RuntimeError(f"deploy {args[0]} failed:\n{out.getvalue()}") from None
    return time.perf_counter() - start, out.getvalue()


def measure(count: int) -> None:
    with EmulatorServer(Emulator()) as server, tempfile.TemporaryDirectory() as folder:
        ids = seed_hits(server.url, count)
        (Path(folder) / "studies").mkdir()
        before = Path.cwd()
        os.chdir(folder)
        try:
            took, _ = run("import", *ids, "--study", "rate", "--endpoint-url", server.url)
            planned, text = run("plan", "--endpoint-url", server.url)
        finally:
            os.chdir(before)
        converged = text.startswith("No changes.")
        print(f"{count:>5} HITs: import {took:6.2f} s ({took / count * 1000:6.1f} ms per HIT), "
              f"plan after it {planned:5.2f} s, {'No changes.' if converged else 'CHANGES'}")


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,30,300")
    for size in parser.parse_args().sizes.split(","):
        measure(int(size))


if __name__ == "__main__":
    main_()
