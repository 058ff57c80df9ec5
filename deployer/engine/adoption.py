"""The writes of `deploy import`: new study files (never over an existing file), then the
records that claim the platform's objects for the study.

The files come first: should the lockfile write fail, they are removed again, so an import
leaves both or neither. (Records without their file would expire the HITs at the next apply;
a file without its records would create them a second time.)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from deployer.core.errors import DeployError
from deployer.core.records import EnvLock, Lock
from deployer.engine import diskio, lockfile


def refuse_existing(folder: Path, names: Iterable[str]) -> None:
    for name in names:
        path = folder / name
        if path.exists() or path.is_symlink():
            raise DeployError(f"{path} already exists; deploy import never overwrites a file: "
                              "pick another --study name, or move the file away")


def write_new(folder: Path, files: Sequence[tuple[str, str]]) -> tuple[Path, ...]:
    """Write every (name, text) in `folder`, each whole or not at all; files it names are
    written before the study file (the first), which appears last. On any failure none stays."""
    refuse_existing(folder, (name for name, _ in files))
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in reversed(files):
            _create(folder / name, text)
            written.append(folder / name)
    except FileExistsError as error:
        remove(written)
        raise DeployError(f"{error.filename} appeared while deploy import was writing; "
                          "nothing was written") from None
    except OSError as error:
        remove(written)
        raise DeployError(f"cannot write {error.filename or folder}: {diskio.reason(error)}; "
                          "nothing was written") from None
    return tuple(reversed(written))


def _create(path: Path, text: str) -> None:
    """The file appears complete or not at all, and only if no file had that name."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "x", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, path)  # unlike a rename, refuses to replace a file made meanwhile
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def record(path: Path, fmt: lockfile.Format, lock: Lock, env: EnvLock,
           records: Sequence[Any]) -> EnvLock:
    """Save `records` into the environment's record in the lockfile at `path`."""
    for found in records:
        env = env.with_record(found)
    return lockfile.LockWriter(path, fmt, baseline=lock).save(env)
