"""Writing a new study file from a platform's template: never over an existing file, and with
the schema its first line points editors at."""

from __future__ import annotations

from pathlib import Path

from deployer.core.errors import DeployError
from deployer.spec.loader import NAME_HINT, SUFFIXES, valid_name
from deployer.spec.schema import schema_file_text


def write_study(directory: Path, name: str, text: str,
                schema: str) -> tuple[Path, Path | None]:
    """Create directory/NAME.yaml holding `text`, and schema/<schema> beside `directory` when
    it is missing. Returns both paths (the schema's None when it was there already)."""
    if not valid_name(name):
        bare = Path(name).stem if Path(name).suffix in SUFFIXES else ""
        hint = f' (without the extension: "{bare}")' if valid_name(bare) else ""
        raise DeployError(f'"{name}" cannot name a study: {NAME_HINT}{hint}')
    for suffix in SUFFIXES:
        existing = directory / f"{name}{suffix}"
        if existing.exists():
            raise DeployError(f"{existing} already exists; edit it, or pick another name")
    path = directory / f"{name}.yaml"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise DeployError(f"{path} already exists; edit it, or pick another name") from None
    except OSError as error:
        raise DeployError(f"cannot write {path}: {error.strerror or error}") from None
    return path, _write_schema(directory.parent / "schema" / schema, schema)


def _write_schema(path: Path, name: str) -> Path | None:
    if path.exists():
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_file_text(name), encoding="utf-8")
    except OSError as error:
        raise DeployError(f"cannot write {path}: {error.strerror or error}") from None
    return path
