"""Saving the whole emulator to JSON atomically, so a killed process loses nothing."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from deployer.emulators.core.errors import StateUnreadable
from deployer.emulators.mturk.models import Emulator


def save(emu: Emulator, path: Path) -> None:
    data = json.dumps(emu.to_json(), sort_keys=True, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load(emu: Emulator, path: Path) -> None:
    try:
        emu.load_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError) as error:
        raise StateUnreadable(
            f"{path}: the emulator state cannot be read ({type(error).__name__}: {error}); "
            "move or delete the file to start the local environment afresh"
        ) from None
