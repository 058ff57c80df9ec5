"""deploy.lock: read (upgrading old versions, folding in apply journals), write atomically,
and hold the apply lock.

The lockfile is JSON with sorted keys, 2-space indent and a trailing newline, so git diffs stay
small. Version 2 keys environments by platform (`mturk/sandbox`), each with its own lineage and
serial; version 1 (one platform, keyed `sandbox`) is read and upgraded on the next write, and a
version newer than this deploy knows is refused, never rewritten. What each record holds is its
provider's business: a table of the environment's object per record type (`hits`).
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from deployer.core.errors import LockError
from deployer.core.records import LOCK_VERSION, EnvLock, Lock, env_key
from deployer.core.results import new_pseudonym_key
from deployer.engine import diskio, journal, lockshape
from deployer.engine.workspace import WORKDIR, workdir


@dataclass(frozen=True)
class Format:
    """What this deploy's lockfiles hold."""

    kinds: Mapping[str, Mapping[str, type]]  # platform -> lockfile table -> its record type
    legacy_platform: str  # the one platform version-1 files knew


def read(path: Path, fmt: Format) -> Lock:
    """The lockfile at `path` with every apply journal's records in it; an empty Lock when
    there is neither. Journals a crash left behind are folded into the file first."""
    if not journal.pending(path):
        return read_file(path, fmt)
    with diskio.exclusive(_guard(path)):
        lock = read_file(path, fmt)
        folded = lock
        live: list[tuple[Path, journal.Entries]] = []
        claimed: list[tuple[Path, int]] = []
        try:
            for found in journal.pending(path):
                fd = journal.claim(found)
                entries = journal.load(found, fmt.kinds)
                if fd is None:  # a running apply's: read, never folded away from under it
                    live.extend([(found, entries)] if entries else [])
                    continue
                claimed.append((found, fd))
                if entries is not None:
                    folded = journal.replay(folded, entries, found, path)
            if folded != lock:
                folded = _write_fold(path, lock, folded, [found for found, _ in claimed])
            for found, _ in claimed:
                found.unlink()
        finally:
            for _, fd in claimed:
                os.close(fd)
    for found, entries in live:
        folded = journal.replay(folded, entries, found, path)
    return folded


def _write_fold(path: Path, before: Lock, after: Lock, journals: list[Path]) -> Lock:
    bumped = replace(after, environments={
        key: replace(env, serial=env.serial + 1) if before.environments.get(key) != env else env
        for key, env in after.environments.items()})
    try:
        diskio.atomic_write(path, encode(bumped))
        return bumped
    except OSError as error:
        names = ", ".join(str(j) for j in journals)
        raise LockError(f"cannot fold the records of an interrupted apply ({names}) into "
                        f"{path}: {diskio.reason(error)}; they stay safe in the journal until "
                        "deploy can write the lockfile (free some space, or make it writable)"
                        ) from None


def read_file(path: Path, fmt: Format) -> Lock:
    """The lockfile itself, without journals; an empty Lock when it does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM from an editor is no harm
    except FileNotFoundError:
        return Lock()
    except OSError as error:
        raise LockError(f"{path}: cannot read the lockfile ({error.strerror})") from None
    except UnicodeDecodeError:
        raise LockError(f"{path}: the lockfile is not UTF-8 text; restore it from git") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LockError(
            f"{path}:{error.lineno}:{error.colno}: the lockfile is not valid JSON ({error.msg}); "
            "restore it from git (`git checkout -- deploy.lock`) or resolve the merge conflict"
        ) from None
    except (ValueError, RecursionError):  # a number of thousands of digits, or [[[[...
        raise LockError(f"{path}: the lockfile holds values nested or sized beyond any "
                        f"lockfile deploy writes; {lockshape.restore_hint(path)}") from None
    return lockshape.decode(path, upgrade(path, data, fmt.legacy_platform), fmt.kinds)


def upgrade(path: Path, data: Any, legacy_platform: str) -> dict[str, Any]:
    """The file's data in the current version's shape (as Terraform's statefile upgrades)."""
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > LOCK_VERSION:
        raise LockError(f"{path}: lockfile version {version} was written by a newer deploy "
                        f"(this one reads up to {LOCK_VERSION}); upgrade deploy, and leave the "
                        "file as it is")
    if version == 1 and not isinstance(version, bool):
        return _upgrade_v1(path, data, legacy_platform)
    if version != LOCK_VERSION or isinstance(version, bool) or not isinstance(data, dict):
        raise LockError(f"{path}: lockfile version {version!r} is not supported (expected "
                        f"{LOCK_VERSION}); upgrade deploy or restore the file from git")
    return data


def _upgrade_v1(path: Path, data: dict[str, Any], platform: str) -> dict[str, Any]:
    """Version 1 held one platform's environments, keyed by environment alone."""
    found = data.get("environments", {})
    if not isinstance(found, dict):
        raise LockError(f"{path}: `environments` must be an object; restore the file from git")
    return {"version": LOCK_VERSION,
            "environments": {env_key(platform, name): env for name, env in found.items()}}


def encode(lock: Lock) -> str:
    environments: dict[str, Any] = {}
    for key, env in lock.environments.items():
        data: dict[str, Any] = {
            "lineage": env.lineage,
            "serial": env.serial,
            "applied": {study: list(hashes) for study, hashes in env.applied},
        }
        if env.pseudonym_key:
            data["pseudonym_key"] = env.pseudonym_key
        for record in env.records:
            data.setdefault(record.table, []).append(lockshape.encode_record(record))
        environments[key] = data
    return json.dumps({"version": LOCK_VERSION, "environments": environments}, indent=2,
                      sort_keys=True) + "\n"


def fresh_env(platform: str, environment: str) -> EnvLock:
    return EnvLock(platform, environment, lineage=str(uuid.uuid4()),
                   pseudonym_key=new_pseudonym_key())


def ensure_env(lock: Lock, platform: str, environment: str) -> Lock:
    """The lock with an EnvLock for the environment (a new lineage, not yet written)."""
    if lock.env(platform, environment) is not None:
        return lock
    env = fresh_env(platform, environment)
    return replace(lock, environments={**lock.environments, env.name: env})


class LockWriter:
    """Writes one environment's record into a lockfile, keeping the other environments.

    The others are taken from the file as it is now; if it vanished meanwhile (a `git stash` in
    another terminal), from what was last read or written, so that no write loses a record.
    """

    def __init__(self, path: Path, fmt: Format, baseline: Lock | None = None) -> None:
        self.path = path
        self.format = fmt
        self._guard = _guard(path, create=True)
        # The whole file as last read or written; an environment of serial 0 was only ever in
        # memory (a first apply's, or a saved plan's lineage), never in the file.
        self._last = baseline if baseline is None else replace(baseline, environments={
            key: env for key, env in baseline.environments.items() if env.serial})
        self._signature: tuple[int, int, int] | None = None

    def save(self, env: EnvLock, then: Callable[[], None] = lambda: None) -> EnvLock:
        """Write `env` (serial + 1); `then` runs under the same lock, after the write."""
        with diskio.exclusive(self._guard):
            current = self._current()
            saved = replace(env, serial=_serial(current, env) + 1)
            lock = replace(current, environments={**current.environments, env.name: saved})
            try:
                diskio.atomic_write(self.path, encode(lock))
            except OSError as error:
                raise LockError(f"cannot write {self.path}: {diskio.reason(error)}") from None
            self._last, self._signature = lock, _signature(self.path)
            then()
        return saved

    def _current(self) -> Lock:
        signature = _signature(self.path)
        if self._last is not None and (signature is None or signature == self._signature):
            return self._last
        self._last, self._signature = read_file(self.path, self.format), signature
        return self._last


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Hold the lock that writers and journal folds of the lockfile at `path` take."""
    with diskio.exclusive(_guard(path, create=True)):
        yield


def _guard(path: Path, create: bool = False) -> Path:
    """The file whose flock serialises writers (and journal folds) of the lockfile at `path`."""
    folder = journal.state_dir(path)
    return (workdir(folder) if create else folder) / f"{path.name}.writing"


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _serial(current: Lock, env: EnvLock) -> int:
    on_disk = current.environments.get(env.name)
    if on_disk is not None and on_disk.lineage != env.lineage:
        raise LockError(
            f"the lockfile's {env.name} lineage changed while deploy was running "
            f"({env.lineage} -> {on_disk.lineage}); someone replaced the file: check git"
        )
    return max(env.serial, on_disk.serial if on_disk else 0)


@contextlib.contextmanager
def apply_lock(root: Path, environment: str, operation: str) -> Iterator[None]:
    """One apply at a time per environment: an OS lock, released even if the process dies."""
    path = workdir(root / WORKDIR) / f"{environment}.apply-lock"
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - closed by `with` below
    except OSError as error:
        raise LockError(f"cannot take the apply lock {path}: {diskio.reason(error)}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockError(
                f"another deploy holds the apply lock for {environment.upper()}: {holder}. "
                "Wait for it to finish, then run the command again"
            ) from None
        handle.seek(0)
        handle.truncate()
        with contextlib.suppress(OSError):  # naming the holder is a courtesy: a full disk
            handle.write(_holder(operation))  # must not stop the apply from taking the lock
            handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _holder(operation: str) -> str:
    since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    return f"`{operation}` (pid {os.getpid()}, {who}, since {since})"
