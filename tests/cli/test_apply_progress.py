"""`deploy apply` under Ctrl-C, and what it shows while it works.

The interrupt tests run the real command on a pseudo-terminal against `deploy emulator serve`
with 100 ms per call, and send it SIGINT as a user's Ctrl-C does: the first stops new work and
lets the calls in flight finish and be recorded; the second exits at once. Either way, every HIT
on MTurk is in the lockfile, or is completed without a duplicate by the next apply.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from clihelp import all_hits, client, deploy, run_in_terminal, write_study
from crashhelp import Served, serving

from deployer.emulators.mturk.models import Emulator
from deployer.providers.mturk.plan.identity import lineage_mark, parse_annotation

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("emu") / "state", "--latency-ms", "100") as served:
        yield served


class Terminal:
    """`deploy ARGS` on a pseudo-terminal: read what it shows, type, send signals."""

    def __init__(self, project: Path, *args: str) -> None:
        self.main, follower = pty.openpty()
        env = {**os.environ, "PYTHONPATH": str(REPO / "tests") + os.pathsep + str(REPO),
               "NO_COLOR": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "deployer", *args], cwd=project,
                                        env=env, stdin=follower, stdout=follower,
                                        stderr=follower)
        os.close(follower)
        self.shown = ""

    def read_until(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.shown)
            if found:
                return found
            if not self._read(0.1) and self.process.poll() is not None:
                break
        raise AssertionError(f"never showed {pattern!r}:\n{self.shown[-3000:]}")

    def type(self, text: bytes) -> None:
        os.write(self.main, text)

    def interrupt(self) -> None:
        self.process.send_signal(signal.SIGINT)

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        while self._read(0.1):
            pass
        code = self.process.wait(timeout=5)
        os.close(self.main)
        return code

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.main], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(self.main, 65536)
        except OSError:
            return False
        self.shown += chunk.decode(errors="replace")
        return bool(chunk)


def project_of(root: Path, hits: int) -> tuple[Path, str, str]:
    """Study `a-TAG` (1 HIT) comes first in the plan, `z-TAG` (`hits` HITs of 9) after it; the
    tag keeps the tests' studies apart on the emulator they share."""
    (root / "studies").mkdir()
    tag = hashlib.sha256(str(root).encode()).hexdigest()[:8]
    first, second = f"a-{tag}", f"z-{tag}"
    write_study(root, first, assignments=5)
    write_study(root, second, assignments=9 * hits, max_assignments_per_hit=9)
    return root, first, second


def in_plan_order(addresses: list[str]) -> list[str]:
    """The order plans list HIT batches in: by study, then by batch number."""
    def place(address: str) -> tuple[str, int]:
        study, batch = address.split("/")
        return study, int(batch[1:])

    return sorted(addresses, key=place)


def ours(root: Path, url: str) -> dict[str, list[str]]:
    """This project's HITs on the emulator: address -> HIT IDs."""
    lock = json.loads((root / ".deploy" / "local.lock").read_text())
    mark = lineage_mark(lock["environments"]["mturk/local"]["lineage"])
    found: dict[str, list[str]] = {}
    for hit in all_hits(url):
        tag = parse_annotation(hit["RequesterAnnotation"])
        if tag is not None and tag.mark == mark:
            found.setdefault(tag.address, []).append(hit["HITId"])
    return found


def recorded(root: Path) -> dict[str, dict[str, object]]:
    env = json.loads((root / ".deploy" / "local.lock").read_text())["environments"]["mturk/local"]
    return {h["address"]: h for h in env["hits"]}


def test_the_first_ctrl_c_stops_new_work_and_records_every_hit_made(
        tmp_path: Path, slow: Served) -> None:
    """Ctrl-C twice used to create all 300 HITs of a $1,296 apply, print nothing and exit 130."""
    root, first, second = project_of(tmp_path, 200)
    terminal = Terminal(root, "apply", "--endpoint-url", slow.url)
    prompt = terminal.read_until(r"Enter a value: ")
    assert "[]" not in terminal.shown[prompt.start() - 5:]
    terminal.type(b"yes\n")
    total = int(terminal.read_until(r"Applying: (?:[2-9]\d|1\d\d)/(\d+) done").group(1))
    others = total - 201  # actions that are not HITs (a qualification type), run first
    terminal.interrupt()
    interrupted = time.monotonic()
    code = terminal.finish()
    stopped_in = time.monotonic() - interrupted
    shown = terminal.shown
    assert code == 130, shown
    assert stopped_in < 20, f"took {stopped_in:.1f} s to stop"  # a hang, not a measurement
    assert "Stopping: no new change starts; waiting for the" in shown
    done, all_of, not_started = map(int, re.search(
        r"Interrupted: (\d+) of (\d+) actions done; (\d+) not started\.", shown).groups())
    assert all_of == total
    assert done + not_started == total and 20 <= done < total
    assert "run `deploy apply` again: it carries on safely." in shown
    made, lock = ours(root, slow.url), recorded(root)
    assert len(made) == done - others and all(len(ids) == 1 for ids in made.values())
    assert {a: ids[0] for a, ids in made.items()} == {
        a: h["hit_id"] for a, h in lock.items() if h["status"] == "live"}
    applied = json.loads((root / ".deploy" / "local.lock").read_text())[
        "environments"]["mturk/local"]["applied"]
    assert list(applied) == [first]  # all its changes were done; not all the second's
    created = re.findall(r"(?:^|\x1b\[K)([\w-]+/b\d+): created 3\w+ \(\d+ assignments?\)\r?$",
                         shown, re.MULTILINE)
    assert len(created) == done - others and created == in_plan_order(created)
    again = Terminal(root, "apply", "--auto-approve", "--endpoint-url", slow.url)
    assert again.finish(timeout=300) == 0, again.shown
    made = ours(root, slow.url)
    assert len(made) == 201 and all(len(ids) == 1 for ids in made.values())
    assert json.loads((root / ".deploy" / "local.lock").read_text())[
        "environments"]["mturk/local"]["applied"].keys() == {first, second}


def test_a_second_ctrl_c_exits_at_once_and_the_next_apply_completes_without_duplicates(
        tmp_path: Path, slow: Served) -> None:
    root, _, _ = project_of(tmp_path, 200)
    terminal = Terminal(root, "apply", "--auto-approve", "--endpoint-url", slow.url)
    terminal.read_until(r"Applying: [1-9]\d/\d+ done")
    terminal.interrupt()
    terminal.read_until("Stopping: ")
    terminal.interrupt()
    interrupted = time.monotonic()
    code = terminal.finish()
    assert code == 130, terminal.shown
    assert time.monotonic() - interrupted < 10, "a second Ctrl-C did not exit at once"
    assert re.search(r"Exited at once: \d+ of \d+ actions done; \d+ calls? left in flight",
                     terminal.shown)
    made = ours(root, slow.url)
    assert all(len(ids) == 1 for ids in made.values())
    recorded_now = recorded(root)  # the lockfile was written before the exit
    assert set(made) <= set(recorded_now)
    again = Terminal(root, "apply", "--auto-approve", "--endpoint-url", slow.url)
    assert again.finish(timeout=300) == 0, again.shown
    made = ours(root, slow.url)
    assert len(made) == 201 and all(len(ids) == 1 for ids in made.values())
    assert {a: ids[0] for a, ids in made.items()} == {
        a: h["hit_id"] for a, h in recorded(root).items()}


def test_ctrl_c_at_the_prompt_cancels_without_a_traceback(tmp_path: Path, slow: Served) -> None:
    root, _, _ = project_of(tmp_path, 2)
    terminal = Terminal(root, "apply", "--endpoint-url", slow.url)
    terminal.read_until(r"Enter a value: ")
    terminal.interrupt()
    assert terminal.finish() == 130
    assert "Apply cancelled." in terminal.shown and "Aborted" not in terminal.shown
    assert "Traceback" not in terminal.shown


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tgkill is Linux's")
def test_ctrl_c_at_the_prompt_cancels_even_when_another_thread_receives_it(
        tmp_path: Path) -> None:
    """The kernel may hand SIGINT to any thread (here: the local emulator's); a read that
    blocks the main thread would then never see it, and the apply would hang at the prompt."""
    import ctypes

    root, _, _ = project_of(tmp_path, 2)
    terminal = Terminal(root, "apply")  # the local environment: the emulator runs in threads
    terminal.read_until(r"Enter a value: ")
    pid = terminal.process.pid
    others = [int(t) for t in os.listdir(f"/proc/{pid}/task") if int(t) != pid]
    assert others, "the local environment should be running its emulator in threads"
    tgkill = 234 if os.uname().machine == "x86_64" else 131  # SYS_tgkill (x86_64, arm64)
    assert ctypes.CDLL(None, use_errno=True).syscall(tgkill, pid, others[0],
                                                     signal.SIGINT) == 0
    assert terminal.finish(timeout=20) == 130
    assert "Apply cancelled." in terminal.shown and "Traceback" not in terminal.shown


def test_end_of_input_at_the_prompt_cancels(tmp_path: Path, slow: Served) -> None:
    root, _, _ = project_of(tmp_path, 2)
    terminal = Terminal(root, "apply", "--endpoint-url", slow.url)
    terminal.read_until(r"Enter a value: ")
    terminal.type(b"\x04")  # Ctrl-D
    assert terminal.finish() == 0
    assert "Apply cancelled." in terminal.shown and "Aborted" not in terminal.shown


def test_piped_output_is_one_line_per_action_in_plan_order_with_one_preview_link(
    project: Path, served: tuple[str, Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    url = served[0]
    write_study(project, "pilot", assignments=9 * 12, max_assignments_per_hit=9)
    result = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert result.code == 0, result.err
    created = re.findall(r"^(pilot/b\d+): created 3\w+ \(9 assignments\)$", result.out,
                         re.MULTILINE)
    assert created == [f"pilot/b{n}" for n in range(1, 13)]  # the plan's order
    assert "Applying:" not in result.out and "\r" not in result.out  # no status line in a log
    assert result.out.count("/_emulator/preview?groupId=") == 1
    assert re.search(r"Preview \(one link per HIT type\):\n  pilot: http://\S+\n", result.out)


def test_a_failed_change_stops_its_batch_and_its_study_is_not_recorded_as_applied(
    project: Path, served: tuple[str, Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    url = served[0]
    write_study(project, "alpha", assignments=5)
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    write_study(project, "alpha", assignments=7)
    write_study(project, "beta", assignments=3)
    (alpha,) = all_hits(url)

    def delete_alpha() -> None:  # while the user reads the plan
        mturk = client(url)
        mturk.update_expiration_for_hit(HITId=alpha["HITId"], ExpireAt=datetime(2015, 1, 1))
        mturk.delete_hit(HITId=alpha["HITId"])

    code, out = run_in_terminal(project, ["apply", "--endpoint-url", url], "yes", delete_alpha)
    assert code == 1, out
    assert "Apply failed: 1 of 2 actions done; 1 batch stopped on an error:" in out
    assert re.search(r"alpha/b1: failed: .+", out)
    assert "fix the problem and run `deploy apply` again: it carries on safely." in out
    env = json.loads((project / ".deploy" / "local.lock").read_text())[
        "environments"]["mturk/local"]
    assert {h["address"] for h in env["hits"]} == {"alpha/b1", "beta/b1"}
    studies = {name: len(hashes) for name, hashes in env["applied"].items()}
    assert studies == {"alpha": 1, "beta": 1}  # alpha's new configuration is not applied
