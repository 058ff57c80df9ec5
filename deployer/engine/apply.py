"""Carry out a plan through a provider's connection, recording every change as it goes.

Apply never looks at live state to change its mind: the provider executes what the plan says,
writing its intent before each call and the outcome after it through the Recorder, so a killed
apply can be rerun and converges without doing anything twice.

Changes run stage by stage (a qualification type the HITs require comes first). Within a stage,
one address's changes run in plan order and different addresses concurrently, started a few at a
time rather than queued up front, so that stopping (Ctrl-C) keeps every change not yet started
from starting. What happens is told to the caller through Events, from the calling thread; the
engine never prints.
"""

from __future__ import annotations

import queue
from collections import Counter, deque
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol

from deployer.core.errors import DeployError
from deployer.core.plan import Change, Plan
from deployer.core.provider import Clock, Connection
from deployer.engine.recorder import Recorder

WORKERS = 4  # independent changes run concurrently, gently enough for platforms' rate limits
TICK = 0.1  # seconds between looks at the brake, and between progress updates

Lane = list[tuple[int, Change]]  # one address's changes, with their places in the plan


@dataclass(frozen=True)
class Result:
    """What became of one change of the plan."""

    index: int  # its place in the plan
    change: Change
    lines: tuple[str, ...] = ()  # what the provider reported doing
    links: tuple[str, ...] = ()  # pages worth opening, such as the preview of a new HIT's type
    error: str | None = None  # why it failed; None: carried out


class Events(Protocol):
    """What an apply tells its caller, always from the caller's thread."""

    def finished(self, result: Result) -> None:
        """A change was carried out, or failed (in the order they finish)."""

    def tick(self) -> None:
        """Called about every TICK seconds while the apply runs (to redraw a clock)."""

    def stopping(self, in_flight: int) -> None:
        """The brake was pressed: nothing new starts; the changes in flight finish first."""


class Brake:
    """Stops an apply: the first press lets the changes in flight finish and record their
    outcome, a second abandons them (their intent is recorded, so a rerun completes them
    safely). Pressing only counts, so a signal handler may press it."""

    def __init__(self) -> None:
        self.presses = 0

    def press(self) -> None:
        self.presses += 1


@dataclass(frozen=True)
class Outcome:
    total: int  # changes in the plan
    done: int  # carried out
    failed: tuple[tuple[str, str], ...]  # (address, error): their addresses stopped there
    interrupted: bool = False  # the brake stopped it before every change had run
    abandoned: int = 0  # changes left in flight by a second press of the brake

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    @property
    def not_started(self) -> int:
        return self.total - self.done - len(self.failed) - self.abandoned


def execute(plan: Plan, connection: Connection, recorder: Recorder, configs: Mapping[str, str],
            clock: Clock, events: Events, brake: Brake | None = None) -> Outcome:
    """Run the plan. A failed change stops the rest of its address, in this stage and later ones
    (they depend on it), but not other addresses. A study whose changes have all been carried
    out gets its configuration (`configs`) recorded as applied at once, however the rest of the
    apply ends."""
    return _Run(plan, connection, recorder, configs, clock, events, brake or Brake()).go()


class _Run:
    def __init__(self, plan: Plan, connection: Connection, recorder: Recorder,
                 configs: Mapping[str, str], clock: Clock, events: Events, brake: Brake) -> None:
        self.connection, self.recorder, self.clock = connection, recorder, clock
        self.configs, self.events, self.brake = configs, events, brake
        self.total = len(plan.changes)
        stages: dict[int, dict[str, Lane]] = {}
        for index, change in enumerate(plan.changes):
            stages.setdefault(change.stage, {}).setdefault(change.address, []).append(
                (index, change))
        self.stages = deque(deque(stages[s].values()) for s in sorted(stages))
        self.left = Counter(change.study for change in plan.changes)  # changes not yet done
        self.results: queue.SimpleQueue[Result] = queue.SimpleQueue()
        self.done = 0
        self.failed: list[tuple[str, str]] = []
        self.stopped: set[str] = set()  # addresses with a failed change: later stages skip them
        self.halted = False  # an error in this thread: start nothing more

    def go(self) -> Outcome:
        for study in sorted(set(self.configs) - set(self.left)):
            self.recorder.applied(study, self.configs[study])  # nothing to do: it is applied
        pool = ThreadPoolExecutor(max_workers=WORKERS)
        running: set[Future[None]] = set()
        told = abandon = False
        try:
            while running or (any(self.stages) and not self.brake.presses):
                if self.brake.presses > 1:
                    abandon = True
                    return self._outcome(abandoned=len(running))
                if self.brake.presses and not told:
                    told = True
                    self.events.stopping(len(running))
                running |= self._start(pool, running)
                finished, running = wait(running, timeout=TICK, return_when=FIRST_COMPLETED)
                for future in finished:
                    future.result()  # a bug in a lane surfaces here, not in silence
                self._drain()
                self.events.tick()
            return self._outcome()
        except BaseException:
            self.halted = True  # lanes still running start nothing more; they are waited for
            raise
        finally:
            pool.shutdown(wait=not abandon, cancel_futures=True)

    def _start(self, pool: ThreadPoolExecutor, running: set[Future[None]]) -> set[Future[None]]:
        """Start lanes of the current stage while there is room; a stage starts once the one
        before it has finished."""
        started: set[Future[None]] = set()
        while self.stages and len(running) + len(started) < WORKERS and not self.brake.presses:
            stage = self.stages[0]
            if not stage:
                if running or started:
                    break  # the stage's last lanes still run: the next stage waits for them
                self.stages.popleft()
                continue
            lane = stage.popleft()
            if lane[0][1].address not in self.stopped:
                started.add(pool.submit(self._lane, lane))
        return started

    def _lane(self, lane: Lane) -> None:
        for index, change in lane:
            if self.brake.presses or self.halted:
                return
            result = self._carry_out(index, change)
            self.results.put(result)
            if result.error is not None:
                return  # the address's later changes depend on this one

    def _carry_out(self, index: int, change: Change) -> Result:
        told = _Told()
        try:
            self.connection.execute(change, self.recorder, self.clock, told)
        except DeployError as error:
            return Result(index, change, tuple(told.lines), tuple(told.links), str(error))
        return Result(index, change, tuple(told.lines), tuple(told.links))

    def _drain(self) -> None:
        """Take in the results the lanes reported, in the caller's thread."""
        while not self.results.empty():
            result = self.results.get()
            study = result.change.study
            if result.error is None:
                self.done += 1
                self.left[study] -= 1
                if not self.left[study] and study in self.configs:
                    self.recorder.applied(study, self.configs[study])
            else:  # the study's count never reaches 0 in this apply: it is not applied
                self.failed.append((result.change.address, result.error))
                self.stopped.add(result.change.address)
            self.events.finished(result)

    def _outcome(self, abandoned: int = 0) -> Outcome:
        self._drain()
        finished = self.done + len(self.failed) + abandoned
        interrupted = bool(self.brake.presses) and finished < self.total
        return Outcome(self.total, self.done, tuple(sorted(self.failed)), interrupted,
                       abandoned)


class _Told:
    """Collects what a connection reports about one change (its Report)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.links: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    def link(self, url: str) -> None:
        self.links.append(url)
