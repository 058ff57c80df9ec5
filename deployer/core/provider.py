"""The Provider protocol: what a platform package offers the provider-neutral code.

A provider plans purely (studies + its environment's record + what it observed -> Plan), and
through a Connection observes its platform and carries out the changes of a plan, one at a time,
recording each through the Recorder it is handed. The registry in providers/ maps names to
providers; the engine and the cli reach them only through these protocols.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # protocols name these types only: `deploy validate` need not import them
    from deployer.core.messages import Delivery, Message
    from deployer.core.plan import Change, Plan, Platform
    from deployer.core.records import EnvLock, Record
    from deployer.core.results import Submission
    from deployer.core.review import Desired
    from deployer.core.simulation import Simulation
    from deployer.core.status import Status
    from deployer.core.study import Study

T = TypeVar("T")
Clock = Callable[[], datetime]


class Report(Protocol):
    """What a connection tells about a change it carries out (the cli decides how to show it)."""

    def __call__(self, line: str) -> None:
        """One line of what was done, such as `emotion/b1: created 3AB... (9 assignments)`."""

    def link(self, url: str) -> None:
        """A page worth opening that many changes may share (MTurk's preview of a HIT type):
        shown once however many changes report it."""


@dataclass(frozen=True)
class PlanOptions:
    only: frozenset[str] | None = None  # --study: the studies in scope (None: all)
    skip_sandbox_check: bool = False  # allow production configs never tried in the rehearsal
    adopt: str | None = None  # --adopt: another lockfile's lineage mark whose objects to adopt


@dataclass(frozen=True)
class Target:
    """Where a command talks to a platform."""

    environment: str
    workdir: Path  # the project's .deploy/ folder: local state lives there
    endpoint_url: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class EmulatorOptions:
    """How to run a platform's bundled emulator in the foreground (`deploy emulator serve`)."""

    port: int = 0
    state: Path | None = None  # its state file; None: in memory only
    personality: str = ""  # a platform's flavour of environment (MTurk: sandbox/production)
    balance: str = ""  # starting balance ("" for the emulator's default)
    throttle_rate: float | None = None
    throttle_burst: int = 10
    fault_rate: float = 0.0
    fault_phase: str = "before"
    latency_ms: int = 0
    settle_seconds: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class Served:
    url: str
    note: str  # how to point programs at it
    state: Path | None  # where its state is kept


class Recorder(Protocol):
    """The environment's record during an apply: each change is saved before it returns."""

    def put(self, record: Any) -> None:
        """Insert a record, or replace the one with its table and key."""

    def update(self, kind: type[T], key: tuple[str | int, ...], **changes: Any) -> T:
        """Change fields of the record of `kind` with this key; return it changed."""

    def find(self, kind: type[T], match: Callable[[T], bool]) -> T | None:
        """The record of `kind` that `match` picks, as recorded now (None: there is none)."""

    def pseudonym(self, worker: str) -> str:
        """The environment's pseudonym for a worker (core.results)."""


class Cache(Protocol):
    """What a command kept from an earlier run, by key (JSON-ready values)."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, value: Any) -> None: ...


Progress = Callable[[int, int], None]  # (done, total)


class Adoption(Protocol):
    """Objects made on the platform outside deploy, to be brought under one new study."""

    @property
    def objects(self) -> tuple[str, ...]:
        """The platform's IDs of the objects, in the order they become the study's batches."""

    @property
    def files(self) -> tuple[tuple[str, str], ...]:
        """(file name, text) to write in the studies folder: the study file first, then the
        files it names."""

    @property
    def note(self) -> str:
        """How the platform lets the objects be found again, such as `MTurk cannot tag a HIT
        after it is made`, for the cli to say where their only record is."""

    def records(self, study: Study) -> tuple[Record, ...]:
        """The lockfile records that claim the objects for `study`, as built from `files`."""


class Connection(Protocol):
    """One environment of a platform, open for one command."""

    @property
    def preview_note(self) -> str:
        """How to open links the platform prints, when that needs something running."""

    def observe(self, env: EnvLock, desired: Desired) -> object:
        """What the platform reports now about everything `env` records (and finds as ours),
        in the detail `desired` needs (submissions only for studies under review, say)."""

    def execute(self, change: Change, recorder: Recorder, clock: Clock, report: Report) -> None:
        """Carry out one change of a plan; raise DeployError when the platform refuses."""

    def status(self, env: EnvLock, now: datetime, only: frozenset[str] | None = None) -> Status:
        """Every recorded object of the studies in `only` (None: all), as the platform
        reports it now."""

    def notify(self, env: EnvLock, message: Message, recorder: Recorder,
               report: Report) -> Delivery:
        """Send `message` to the study's workers, each at most once, recording every group
        before it is sent."""

    def submissions(self, env: EnvLock, studies: Collection[str], cache: Cache,
                    progress: Progress) -> list[Submission]:
        """Every submission to what `env` records for `studies`, in every status; what the
        cache holds is fetched again only where the platform reports a change."""

    def adopt(self, env: EnvLock, study: str, ids: Sequence[str], now: datetime) -> Adoption:
        """Bring existing objects (`ids`, made outside deploy) under a new study named `study`:
        what to write and record. DeployError when an ID is unknown or already recorded in
        `env`, or when the objects cannot be one study."""


class Provider(Protocol):
    @property
    def platform(self) -> Platform: ...

    @property
    def environments(self) -> tuple[str, ...]: ...

    @property
    def rehearsal(self) -> str | None:
        """The environment a production configuration must have been applied in first."""

    @property
    def record_types(self) -> tuple[type[Record], ...]:
        """The lockfile records this provider writes."""

    @property
    def payload_types(self) -> tuple[type, ...]:
        """The payloads of its changes, so that saved plans can be read back."""

    def plan(self, desired: Desired, env: EnvLock, observed: object, now: datetime,
             options: PlanOptions) -> Plan:
        """Pure: the changes that turn what was observed into what the studies ask for."""

    def connect(self, target: Target) -> AbstractContextManager[Connection]:
        """Open the environment (for `local`, start the bundled emulator)."""

    def serve_emulator(self, options: EmulatorOptions) -> AbstractContextManager[Served]:
        """Run the platform's emulator until the block ends."""

    def simulate(self, target: Target, env: EnvLock) -> AbstractContextManager[Simulation]:
        """Drive the environment's emulator as participants would (`local`'s own, or the one
        at target.endpoint_url); `env` is the environment's record, to find batches by
        address."""
