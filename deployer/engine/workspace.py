"""Where deploy keeps its files in a project, and which providers it knows.

`deploy.lock` at the root holds every environment worth committing; `local` environments live
in `.deploy/local.lock` beside the emulators' state, in a folder that ignores itself in git.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from deployer.core.errors import DeployError, LockError
from deployer.core.provider import Provider

LOCKFILE = "deploy.lock"
WORKDIR = ".deploy"
LOCAL = "local"


def workdir(path: Path) -> Path:
    """`.deploy/`, created with a .gitignore of its own so it never shows up in git."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise LockError(f"{path} is a file; deploy keeps its local state in that folder: "
                        "move the file away") from None
    except OSError as error:
        raise LockError(f"cannot create {path}, where deploy keeps its local state "
                        f"({error.strerror}); make the project folder writable") from None
    ignore = path / ".gitignore"
    if not ignore.exists():
        try:
            ignore.write_text("# deploy's local state: the emulator, the local lock, apply "
                              "locks\n*\n")
        except OSError as error:
            raise LockError(f"cannot write {ignore} ({error.strerror}); make {path} "
                            "writable") from None
    return path


@dataclass(frozen=True)
class Workspace:
    """A project folder and the providers its commands can use."""

    root: Path
    providers: Mapping[str, Provider]
    default_platform: str  # of study files that name none, and of version-1 lockfiles

    def provider(self, platform: str) -> Provider:
        found = self.providers.get(platform)
        if found is None:
            raise DeployError(f"unknown platform {platform!r}: deploy knows "
                              f"{', '.join(sorted(self.providers))}")
        return found

    @property
    def workdir(self) -> Path:
        return workdir(self.root / WORKDIR)

    def lock_path(self, environment: str) -> Path:
        if environment == LOCAL:
            return self.root / WORKDIR / "local.lock"
        return self.root / LOCKFILE

    def record_types(self) -> dict[str, dict[str, type]]:
        """platform -> lockfile table -> the record type kept there."""
        return {name: {kind.table: kind for kind in provider.record_types}
                for name, provider in self.providers.items()}
