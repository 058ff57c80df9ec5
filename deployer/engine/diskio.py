"""Writing files safely: atomically (or not at all, leaving nothing behind), under an flock,
and OS errors in words a researcher can act on."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from deployer.core.errors import LockError


def atomic_write(path: Path, text: str) -> None:
    """Replace the file at once or not at all; a failed write leaves no temporary file behind
    (it would keep a full disk full for the rerun). Called under the writing lock, so any other
    temporary file is a killed writer's: removed too."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def reason(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"{error.strerror} (the disk or your quota is full)"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{error.strerror} (the file or its folder is read-only)"
    return error.strerror or str(error)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    try:
        handle = open(path, "a+")  # noqa: SIM115 - closed below, after the lock is released
    except OSError as error:
        raise LockError(f"cannot lock {path}: {reason(error)}") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
