"""Real `deploy` processes against a real `deploy emulator serve`, killed at chosen instants."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def bonuses_paid(self) -> int:
        """How many bonus payments the emulator's ledger holds."""
        with urllib.request.urlopen(f"{self.url}/_emulator/ledger", timeout=30) as response:
            ledger = json.loads(response.read())
        return sum(1 for entry in ledger["Entries"] if entry["Kind"] == "bonus")

    def get(self, route: str) -> Any:
        """GET from the emulator's side channel (workers, messages delivered, ledger)."""
        with urllib.request.urlopen(f"{self.url}/_emulator/{route}", timeout=30) as response:
            return json.loads(response.read())

    def side(self, route: str, body: dict[str, Any]) -> Any:
        """POST to the emulator's side channel (simulated workers, clock)."""
        request = urllib.request.Request(f"{self.url}/_emulator/{route}",
                                         json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@contextmanager
def serving(state: Path, *flags: str) -> Iterator[Served]:
    process = subprocess.Popen(
        [sys.executable, "-m", "deployer", "emulator", "serve", "--port", "0",
         "--state", str(state), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert found, f"emulator did not start: {line!r}"
    try:
        yield Served(process, found.group(0))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def deploy_process(project: Path, *args: str,
                   kill_when: Callable[[], bool] | None = None) -> str:
    """Run `deploy ARGS`; SIGKILL it the moment `kill_when()` holds (None: it must succeed).

    Killing on an observed event rather than after a delay lands inside the work on a fast
    machine and on a loaded one alike; a run that ends first is a failed test.
    """
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "deployer", *args], cwd=project, env=env,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if kill_when is None:
        out, _ = process.communicate(timeout=180)
        assert process.returncode == 0, out
        return out
    deadline = time.monotonic() + 120
    while process.poll() is None and not kill_when() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the process ended before the moment to kill it came"
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate(timeout=30)
    return out


def lockfile_holds(project: Path, text: str) -> Callable[[], bool]:
    """True once the local lockfile, or the journal of the apply under way, contains `text`
    (an intent, say; the journal writes its JSON without spaces)."""
    folder = project / ".deploy"
    compact = text.replace(": ", ":").replace(", ", ",")

    def holds() -> bool:
        for path in [folder / "local.lock", *folder.glob("local.lock.*.journal")]:
            try:
                found = path.read_text(errors="replace")
            except FileNotFoundError:
                continue
            if text in found or compact in found:
                return True
        return False

    return holds
