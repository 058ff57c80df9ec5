"""What `deploy apply` shows while it works, and how Ctrl-C stops it.

Results are printed in plan order, each as soon as every change before it has finished, so a
long apply reads like its plan whatever order the platform answers in. On a terminal a status
line under them (done/total, failures, elapsed time) is redrawn in place; piped into a CI log,
the same result lines and no status line. Pages that many changes share (the preview of a HIT
type) are listed once, at the end.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

from deployer.core.text import plural

if TYPE_CHECKING:
    from deployer.engine.apply import Brake, Result

_CLEAR = "\r\x1b[K"  # back to the start of the line, and erase it


class Progress:
    """The apply's Events, shown on stdout."""

    def __init__(self, total: int, terminal: bool) -> None:
        self.total = total
        self.terminal = terminal
        self.started = time.monotonic()
        self.waiting: dict[int, Result] = {}  # finished, not printed: an earlier one runs
        self.next = 0  # the first place in the plan not printed yet
        self.done = 0
        self.failed = 0
        self.links: dict[str, list[str]] = {}  # url -> the studies it serves, as first seen
        self.drawn = False

    def finished(self, result: Result) -> None:
        self.waiting[result.index] = result
        if result.error is None:
            self.done += 1
        else:
            self.failed += 1
        for url in result.links:
            studies = self.links.setdefault(url, [])
            if result.change.study not in studies:
                studies.append(result.change.study)
        while self.next in self.waiting:
            self._print(self.waiting.pop(self.next))
            self.next += 1
        self._draw()

    def tick(self) -> None:
        self._draw()

    def stopping(self, in_flight: int) -> None:
        self._clear()
        waits = f"waiting for the {plural(in_flight, 'change')} in flight" if in_flight \
            else "nothing is in flight"
        typer.echo(f"Stopping: no new change starts; {waits} (press Ctrl-C again to exit at "
                   "once).")
        self._draw()

    def close(self) -> None:
        """Print what still waits for a change that never ran, and take the status line away."""
        for index in sorted(self.waiting):
            self._print(self.waiting[index])
        self.waiting.clear()
        self._clear()

    def _print(self, result: Result) -> None:
        self._clear()
        for line in result.lines:
            typer.echo(line)
        if result.error is not None:
            typer.echo(f"{result.change.address}: failed: {result.error}")

    def _draw(self) -> None:
        if not self.terminal:
            return
        elapsed = int(time.monotonic() - self.started)
        failed = f", {self.failed} failed" if self.failed else ""
        typer.echo(f"{_CLEAR}Applying: {self.done}/{self.total} done{failed}, {elapsed}s",
                   nl=False)
        self.drawn = True

    def _clear(self) -> None:
        if self.drawn:
            typer.echo(_CLEAR, nl=False)
            self.drawn = False


class Echo:
    """A Report that prints each line, and each link, as it comes (for short commands)."""

    def __call__(self, line: str) -> None:
        typer.echo(line)

    def link(self, url: str) -> None:
        typer.echo(f"  {url}")


@contextlib.contextmanager
def ctrl_c_presses(brake: Brake) -> Iterator[None]:
    """While the apply runs, Ctrl-C (SIGINT) presses the brake instead of raising
    KeyboardInterrupt in the middle of whatever the main thread was doing."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; elsewhere, nothing to catch
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: brake.press())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
