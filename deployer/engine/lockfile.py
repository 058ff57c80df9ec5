"""deploy.lock: read, write atomically, and hold the apply lock.

The lockfile is JSON with sorted keys, 2-space indent and a trailing newline, so git diffs stay
small. `sandbox` and `production` live in `deploy.lock` at the repository root (committed);
`local` lives in `.deploy/local.lock` (git-ignored) beside the emulator's state.
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
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from deployer.core import codec
from deployer.core.errors import LockError
from deployer.providers.mturk.records import LOCK_VERSION, EnvLock, Lock, RecordedHit

LOCKFILE = "deploy.lock"
WORKDIR = ".deploy"


def workdir(path: Path) -> Path:
    """`.deploy/`, created with a .gitignore of its own so it never shows up in git."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise LockError(f"{path} is a file; deploy keeps its local state in that folder: "
                        "move the file away") from None
    ignore = path / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# deploy's local state: the emulator, the local lock, apply locks\n*\n")
    return path


def lock_path(root: Path, environment: str) -> Path:
    if environment == "local":
        return root / WORKDIR / "local.lock"
    return root / LOCKFILE


def read(path: Path) -> Lock:
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
    return _decode(path, data)


def _decode(path: Path, data: Any) -> Lock:
    if not isinstance(data, dict) or data.get("version") != LOCK_VERSION:
        found = data.get("version") if isinstance(data, dict) else None
        raise LockError(
            f"{path}: lockfile version {found!r} is not supported (expected {LOCK_VERSION}); "
            "upgrade deploy or restore the file from git"
        )
    found = data.get("environments", {})
    if not isinstance(found, dict):
        raise LockError(f"{path}: `environments` must be an object; restore the file from git")
    environments: dict[str, EnvLock] = {}
    for name, env in found.items():
        try:
            environments[name] = EnvLock(
                environment=name,
                lineage=str(env["lineage"]),
                serial=int(env["serial"]),
                hits=tuple(codec.load(RecordedHit, hit) for hit in env.get("hits", [])),
                applied=tuple(
                    (study, tuple(hashes))
                    for study, hashes in sorted(env.get("applied", {}).items())
                ),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise LockError(
                f"{path}: environment {name!r} is malformed ({error}); restore the file from git"
            ) from None
    return Lock(environments=environments)


def encode(lock: Lock) -> str:
    environments = {
        name: {
            "lineage": env.lineage,
            "serial": env.serial,
            "applied": {study: list(hashes) for study, hashes in env.applied},
            "hits": [_encode_hit(hit) for hit in env.hits],
        }
        for name, env in lock.environments.items()
    }
    data = {"version": lock.version, "environments": environments}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _encode_hit(hit: RecordedHit) -> dict[str, Any]:
    # Direct rather than through codec.dump: apply writes the whole lockfile after every action.
    data: dict[str, Any] = {}
    for field in dataclasses.fields(hit):
        value = getattr(hit, field.name)
        if value is not None:
            data[field.name] = value.isoformat() if isinstance(value, datetime) else value
    return data


def fresh_env(environment: str) -> EnvLock:
    return EnvLock(environment=environment, lineage=str(uuid.uuid4()))


def ensure_env(lock: Lock, environment: str) -> Lock:
    """The lock with an EnvLock for `environment` (a new lineage, not yet written)."""
    if lock.env(environment) is not None:
        return lock
    return replace(lock, environments={**lock.environments, environment: fresh_env(environment)})


def save_env(path: Path, env: EnvLock) -> EnvLock:
    """Write `env` into the lockfile (serial + 1), keeping the other environments; atomic."""
    return LockWriter(path).save(env)


class LockWriter:
    """Writes one environment's record into a lockfile, again and again.

    Other environments in the same file are kept; the file is re-read only when someone else
    changed it since our last write, so apply's write after every action stays cheap.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        parent = path.parent
        self._guard = workdir(parent if parent.name == WORKDIR else parent / WORKDIR)
        self._seen: tuple[tuple[int, int, int] | None, Lock] | None = None

    def save(self, env: EnvLock) -> EnvLock:
        with _exclusive(self._guard / f"{self.path.name}.writing"):
            current = self._current()
            saved = replace(env, serial=_serial(current, env) + 1)
            lock = replace(current, environments={**current.environments, env.environment: saved})
            _atomic_write(self.path, encode(lock))
            self._seen = (_signature(self.path), lock)
        return saved

    def _current(self) -> Lock:
        if self._seen is not None and self._seen[0] == _signature(self.path):
            return self._seen[1]
        return read(self.path)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _serial(current: Lock, env: EnvLock) -> int:
    on_disk = current.env(env.environment)
    if on_disk is not None and on_disk.lineage != env.lineage:
        raise LockError(
            f"the lockfile's {env.environment} lineage changed while deploy was running "
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
