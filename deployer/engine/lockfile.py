"""deploy.lock: read (upgrading old versions), write atomically, and hold the apply lock.

The lockfile is JSON with sorted keys, 2-space indent and a trailing newline, so git diffs stay
small. Version 2 keys environments by platform (`mturk/sandbox`), each with its own lineage and
serial; version 1 (one platform, keyed `sandbox`) is read and upgraded on the next write, and a
version newer than this deploy knows is refused, never rewritten. What each record holds is its
provider's business: a table of the environment's object per record type (`hits`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import getpass
import json
import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from deployer.core import codec
from deployer.core.errors import LockError
from deployer.core.records import LOCK_VERSION, EnvLock, Lock, env_key, sort_records
from deployer.core.results import lineage_key, new_pseudonym_key
from deployer.engine.workspace import WORKDIR, workdir

ENV_FIELDS = frozenset({"lineage", "serial", "applied", "pseudonym_key"})


@dataclass(frozen=True)
class Format:
    """What this deploy's lockfiles hold."""

    kinds: Mapping[str, Mapping[str, type]]  # platform -> lockfile table -> its record type
    legacy_platform: str  # the one platform version-1 files knew


def read(path: Path, fmt: Format) -> Lock:
    """The lockfile at `path`; an empty Lock when it does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
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
    return _decode(path, upgrade(path, data, fmt.legacy_platform), fmt.kinds)


def upgrade(path: Path, data: Any, legacy_platform: str) -> dict[str, Any]:
    """The file's data in the current version's shape (as Terraform's statefile upgrades)."""
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > LOCK_VERSION:
        raise LockError(f"{path}: lockfile version {version} was written by a newer deploy "
                        f"(this one reads up to {LOCK_VERSION}); upgrade deploy, and leave the "
                        "file as it is")
    if version == 1:
        return _upgrade_v1(path, data, legacy_platform)
    if version != LOCK_VERSION or not isinstance(data, dict):
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


def _decode(path: Path, data: dict[str, Any], kinds: Mapping[str, Mapping[str, type]]) -> Lock:
    found = data.get("environments", {})
    if not isinstance(found, dict):
        raise LockError(f"{path}: `environments` must be an object; restore the file from git")
    environments: dict[str, EnvLock] = {}
    for key, env in found.items():
        platform, _, environment = str(key).partition("/")
        tables = kinds.get(platform)
        if tables is None or not environment:
            raise LockError(f"{path}: environment {key!r} is not of a platform this deploy "
                            f"knows ({', '.join(sorted(kinds))}); upgrade deploy or restore the "
                            "file from git")
        try:
            environments[key] = _environment(platform, environment, env, tables)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise LockError(
                f"{path}: environment {key!r} is malformed ({error}); restore the file from git"
            ) from None
    return Lock(environments=environments)


def _environment(platform: str, environment: str, env: dict[str, Any],
                 tables: Mapping[str, type]) -> EnvLock:
    unknown = sorted(set(env) - ENV_FIELDS - set(tables))
    if unknown:
        raise ValueError(f"unknown member {unknown[0]!r}")
    records: list[Any] = [codec.load(kind, item) for table, kind in tables.items()
                          for item in env.get(table, [])]
    applied = tuple((study, tuple(hashes))
                    for study, hashes in sorted(env.get("applied", {}).items()))
    return EnvLock(platform, environment, lineage=str(env["lineage"]), serial=int(env["serial"]),
                   records=sort_records(records), applied=applied,
                   pseudonym_key=str(env.get("pseudonym_key") or lineage_key(str(env["lineage"]))))


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
            data.setdefault(record.table, []).append(encode_record(record))
        environments[key] = data
    return json.dumps({"version": LOCK_VERSION, "environments": environments}, indent=2,
                      sort_keys=True) + "\n"


def encode_record(record: Any) -> dict[str, Any]:
    # Direct rather than through codec.dump: a record is flat, and absent fields stay absent.
    data: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if value is not None:
            data[field.name] = value.isoformat() if isinstance(value, datetime) else value
    return data


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
    """Writes one environment's record into a lockfile, again and again.

    Other environments in the same file are kept; the file is re-read only when someone else
    changed it since our last write, so apply's write after every change stays cheap.
    """

    def __init__(self, path: Path, fmt: Format) -> None:
        self.path = path
        self.format = fmt
        parent = path.parent
        self._guard = workdir(parent if parent.name == WORKDIR else parent / WORKDIR)
        self._seen: tuple[tuple[int, int, int] | None, Lock] | None = None

    def save(self, env: EnvLock) -> EnvLock:
        with _exclusive(self._guard / f"{self.path.name}.writing"):
            current = self._current()
            saved = replace(env, serial=_serial(current, env) + 1)
            lock = replace(current, environments={**current.environments, env.name: saved})
            _atomic_write(self.path, encode(lock))
            self._seen = (_signature(self.path), lock)
        return saved

    def _current(self) -> Lock:
        if self._seen is not None and self._seen[0] == _signature(self.path):
            return self._seen[1]
        return read(self.path, self.format)


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


def _atomic_write(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def apply_lock(root: Path, environment: str, operation: str) -> Iterator[None]:
    """One apply at a time per environment: an OS lock, released even if the process dies."""
    path = workdir(root / WORKDIR) / f"{environment}.apply-lock"
    with open(path, "a+", encoding="utf-8") as handle:
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
        handle.write(_holder(operation))
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
