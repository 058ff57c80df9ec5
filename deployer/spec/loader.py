"""Load study files: YAML with positions, the schema, the platform's rules, then Study values.

The public API used by the CLI:
    load_studies(paths, build, strict=False, now=None) -> Loaded   (every problem, no raise)
    require_valid(loaded) -> tuple[Study, ...]    (raises ValidationError listing every error)
The platform's own rules come in as a Builder. No network and no boto3 here: `deploy validate`
must stay fast and offline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from deployer.core.errors import ValidationError
from deployer.core.review import Review
from deployer.core.study import Study
from deployer.spec.document import Document, decode_document, read_file
from deployer.spec.files import printable
from deployer.spec.problems import Problem, file_problem, has_errors
from deployer.spec.wording import closest

__all__ = ["DEFAULT_DIR", "Loaded", "Problem", "load_studies", "require_valid", "valid_name"]

DEFAULT_DIR = Path("studies")


class Builder(Protocol):
    """A platform's study-file rules: the document's Study, or None, and every problem."""

    def __call__(self, doc: Document, file: Path, name: str, raw: bytes,
                 now: datetime) -> tuple[Study | None, list[Problem]]: ...
SUFFIXES = (".yaml", ".yml")
NAME_RULE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
NAME_HINT = (
    "use lowercase letters, digits, - and _, starting with a letter or digit, "
    "at most 63 characters"
)


@dataclass(frozen=True)
class Loaded:
    """Every study that validated, and every problem found in any file."""

    studies: tuple[Study, ...]
    problems: tuple[Problem, ...]
    files: tuple[str, ...] = ()  # the study files checked, as shown
    failed: tuple[str, ...] = ()  # the files (or named paths) with at least one error
    reviews: tuple[Review, ...] = ()  # the review files that validated

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def valid_name(name: str) -> bool:
    """Whether `name` can name a study (it becomes part of every HIT's address)."""
    return bool(NAME_RULE.match(name))


def by_platform(builders: Mapping[str, Builder], default: str) -> Builder:
    """A Builder that hands each document to its platform's own (`platform:`, or `default`)."""
    def build(doc: Document, file: Path, name: str, raw: bytes,
              now: datetime) -> tuple[Study | None, list[Problem]]:
        chosen = doc.data.get("platform", default)
        builder = builders.get(chosen) if isinstance(chosen, str) else None
        if builder is None:
            known = sorted(builders)
            guess = closest(str(chosen), known)
            hint = f"did you mean {guess}?" if guess else f"use {' or '.join(known)}"
            return None, [doc.problem(("platform",), f"is {chosen!r}, not a platform deploy "
                                      f"knows; {hint}")]
        return builder(doc, file, name, raw, now)
    return build


def load_studies(
    paths: Sequence[Path], build: Builder, strict: bool = False, now: datetime | None = None
) -> Loaded:
    """Read, check and build every study in `paths` (files, or directories of *.yaml/*.yml).

    `build` applies the platform's rules. With strict, warnings count as errors: they are
    reported as errors and their studies are left out. `now` (default: the current time) is
    when dates such as closes_at are measured from.
    """
    moment = now or datetime.now(timezone.utc)
    files, problems = _discover(paths)
    failed = [p.path for p in problems if p.severity == "error"]
    studies: list[Study] = []
    names: dict[str, str] = {}
    for file, shown in files:
        study, found = _load_one(file, shown, names, build, moment)
        if strict:
            found = [replace(p, severity="error") for p in found]
        problems.extend(found)
        if has_errors(found):
            failed.append(shown)
        elif study is not None:
            studies.append(study)
    ordered = sorted(problems, key=lambda p: p.sort_key)
    return Loaded(tuple(studies), tuple(ordered), tuple(shown for _, shown in files),
                  tuple(failed))


def require_valid(loaded: Loaded) -> tuple[Study, ...]:
    """The studies, or a ValidationError whose message lists every error line."""
    errors = loaded.errors
    if errors:
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        lines = "\n".join(f"  {p}" for p in errors)
        raise ValidationError(
            f"the study files have {count}; fix them (see `deploy validate`):\n{lines}"
        )
    return loaded.studies


def _discover(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """(file, path as shown) for every study file named, and problems with the names."""
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for path in paths:
        found, problem = _expand(path)
        if problem is not None:
            problems.append(problem)
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append((file, printable(str(file))))
    return files, problems


def _expand(path: Path) -> tuple[list[Path], Problem | None]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
        if not found:
            return [], Problem(
                str(path), 0, 0, "warning", "",
                "no study files (*.yaml, *.yml) here; create one with `deploy init NAME`",
            )
        return found, None
    if not path.exists():
        if path == DEFAULT_DIR:  # nothing named: deploy probably runs in the wrong folder
            return [], file_problem(
                str(path), f"no {DEFAULT_DIR}/ folder in {Path.cwd()}; run deploy from your "
                "project's root folder (or deploy init NAME to start one)"
            )
        return [], file_problem(
            str(path), "no such file or directory; create a study with `deploy init NAME`"
        )
    if path.suffix not in SUFFIXES:
        return [], file_problem(str(path), "not a study file (.yaml or .yml)")
    return [path], None


def _load_one(
    file: Path, shown: str, names: dict[str, str], build: Builder, now: datetime
) -> tuple[Study | None, list[Problem]]:
    problems = _name_problems(file.stem, shown, names)
    raw = read_file(file, shown)
    if isinstance(raw, Problem):
        return None, [*problems, raw]
    document = decode_document(raw, shown)
    if isinstance(document, Problem):
        return None, [*problems, document]
    study, found = build(document, file, file.stem, raw, now)
    return (study if not problems else None), [*problems, *found]


def _name_problems(name: str, shown: str, names: dict[str, str]) -> list[Problem]:
    if not valid_name(name):
        return [file_problem(
            shown, f'the study name "{printable(name)}" (the file name) is not allowed: '
            f"{NAME_HINT}; rename the file",
        )]
    if name in names:
        return [file_problem(
            shown, f'the study name "{name}" is also used by {names[name]}; '
            "rename one of the files",
        )]
    names[name] = shown
    return []
