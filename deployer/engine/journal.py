"""The apply journal: one durable line per change, so bookkeeping costs what the change costs.

During an apply every record written (and every configuration recorded as applied) is appended
to `.deploy/<lockfile>.<platform>-<environment>.journal` and fsync'd before the platform call it
guards; the lockfile itself is rewritten once, when the apply ends, and the journal deleted.
After a crash, the next command that reads the lockfile folds the journal in. The apply holds an
exclusive flock on its journal while it runs, so another terminal's `deploy plan` reads the
journal's records without folding them away from under it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from deployer.core.errors import LockError
from deployer.core.records import EnvLock, Lock, sort_records
from deployer.engine.lockshape import Malformed, encode_record, record
from deployer.engine.workspace import WORKDIR

FORMAT = "deploy-journal"
VERSION = 1


def state_dir(lock_path: Path) -> Path:
    """`.deploy/` of the project whose lockfile is `lock_path` (root or `.deploy/local.lock`)."""
    parent = lock_path.parent
    return parent if parent.name == WORKDIR else parent / WORKDIR


def path_for(lock_path: Path, env_name: str) -> Path:
    return state_dir(lock_path) / f"{lock_path.name}.{env_name.replace('/', '-')}.journal"


def pending(lock_path: Path) -> list[Path]:
    """The journals of this lockfile that exist now (left by a crash, or a running apply)."""
    folder = state_dir(lock_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{lock_path.name}.*.journal"))


@dataclass(frozen=True)
class Entries:
    """A journal's content: whose environment, and the changes in the order they were made."""

    env: str  # "mturk/sandbox"
    lineage: str
    serial: int  # of the environment when the apply started
    pseudonym_key: str = ""  # the environment's, should the lockfile have lost it
    changes: tuple[tuple[str, Any], ...] = ()  # ("put", record) or ("applied", (study, hash))


class Writer:
    """Appends to one environment's journal, holding its flock until discarded or closed."""

    def __init__(self, path: Path, env: EnvLock) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(self._fd).st_size:
                raise LockError(f"{path} holds an earlier apply's changes that were not folded "
                                "into the lockfile yet; run the command again")
        except BaseException:
            os.close(self._fd)
            raise
        self.broken = ""  # why the journal takes no more lines, once a write failed
        header = {"format": FORMAT, "version": VERSION, "env": env.name,
                  "lineage": env.lineage, "serial": env.serial,
                  "pseudonym_key": env.pseudonym_key}
        self.append(line(header))
        self.sync()

    def append(self, data: bytes) -> None:
        if self.broken:
            raise LockError(self.broken)
        try:
            while data:
                data = data[os.write(self._fd, data):]
        except OSError as error:
            # A torn line may now end the file: nothing may follow it.
            self.broken = f"cannot record the change in {self.path} ({error.strerror})"
            raise LockError(self.broken) from None

    def sync(self) -> None:
        try:
            os.fsync(self._fd)
        except OSError as error:
            self.broken = f"cannot record the change in {self.path} ({error.strerror})"
            raise LockError(self.broken) from None

    def discard(self) -> None:
        """Delete the journal: its changes are in the lockfile now."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def line(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def put_line(found: Any) -> bytes:
    return line({"put": found.table, "record": encode_record(found)})


def applied_line(study: str, config_hash: str) -> bytes:
    return line({"applied": study, "config": config_hash})


def claim(path: Path) -> int | None:
    """An fd holding the journal's flock, or None while a running apply holds it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def load(path: Path, kinds: Mapping[str, Mapping[str, type]]) -> Entries | None:
    """The journal's entries; None when it holds none (a crash while it was being started).

    A last line without its newline was being written when the apply died: its change was
    never acknowledged, so no platform call depended on it, and it is left out."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise LockError(f"{path}: cannot read the apply journal ({error})") from None
    lines = text.split("\n")[:-1]  # complete lines only
    if not lines:
        return None
    try:
        entries = _header(json.loads(lines[0]), kinds)
        changes = [_change(json.loads(raw), kinds, entries.env, f"line {number}")
                   for number, raw in enumerate(lines[1:], start=2)]
    except (ValueError, RecursionError, Malformed) as error:
        raise LockError(f"{path}: the apply journal is damaged ({error}); it holds records of "
                        "HITs deploy created: keep it, and report this") from None
    return replace(entries, changes=tuple(changes))


def _header(data: Any, kinds: Mapping[str, Mapping[str, type]]) -> Entries:
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            data.get("version") != VERSION:
        raise Malformed("line 1", "not a deploy journal of a version this deploy reads")
    env, lineage, serial = data.get("env"), data.get("lineage"), data.get("serial")
    key = data.get("pseudonym_key", "")
    if not isinstance(env, str) or env.partition("/")[0] not in kinds or \
            not isinstance(lineage, str) or not isinstance(serial, int) or \
            not isinstance(key, str):
        raise Malformed("line 1", "the header is incomplete")
    return Entries(env, lineage, serial, key)


def _change(data: Any, kinds: Mapping[str, Mapping[str, type]], env: str,
            where: str) -> tuple[str, Any]:
    if isinstance(data, dict) and isinstance(data.get("applied"), str) and \
            isinstance(data.get("config"), str):
        return "applied", (data["applied"], data["config"])
    tables = kinds[env.partition("/")[0]]
    if not isinstance(data, dict) or data.get("put") not in tables:
        raise Malformed(where, "not a change deploy writes")
    return "put", record(tables[data["put"]], data.get("record"), where)


def replay(lock: Lock, entries: Entries, journal: Path, lock_path: Path) -> Lock:
    """`lock` with the journal's changes made, in order (replaying twice changes nothing)."""
    env = lock.environments.get(entries.env)
    if env is None:  # the lockfile lost the environment (or was never written): rebuild it
        platform, _, name = entries.env.partition("/")
        env = EnvLock(platform, name, entries.lineage, entries.serial,
                      pseudonym_key=entries.pseudonym_key)
    elif env.lineage != entries.lineage:
        raise LockError(
            f"{journal} holds changes to {entries.env} of lineage {entries.lineage}, but "
            f"{lock_path} has lineage {env.lineage} for it: the file was replaced since "
            f"(by git checkout?). Put back the lockfile of lineage {entries.lineage} and run "
            "deploy again, or delete the journal to drop those records")
    records = {(r.table, r.key): r for r in env.records}
    applied = {study: set(hashes) for study, hashes in env.applied}
    for kind, change in entries.changes:
        if kind == "put":
            records[(change.table, change.key)] = change
        else:
            applied.setdefault(change[0], set()).add(change[1])
    env = replace(env, records=sort_records(list(records.values())),
                  applied=tuple((s, tuple(sorted(h))) for s, h in sorted(applied.items())))
    return replace(lock, environments={**lock.environments, entries.env: env})
