"""Names a study uses for other files: studies in exclude/only, qualification types in
`qualification:` entries. Each must name a file that exists, or validation says which did
the user mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deployer.spec.document import Document
from deployer.spec.problems import NodePath, Problem
from deployer.spec.wording import closest

QUALIFICATIONS = "qualifications"


def link_problems(doc: Document, file: Path, name: str) -> list[Problem]:
    studies_named, types_named = _studies_named(doc.data), _types_named(doc.data)
    if not studies_named and not types_named:
        return []  # most studies name no other file: listing the folder would be wasted
    studies = _stems(file.parent)
    types = _stems(file.parent.parent / QUALIFICATIONS)
    problems = []
    for path, target in studies_named:
        if target == name:
            problems.append(doc.problem(path, "is this study itself; a study's own workers "
                                        "are kept out by repeat_workers: excluded"))
        elif target not in studies:
            problems.append(doc.problem(path, _missing(target, studies, "study",
                                                       f"{file.parent}/{target}.yaml")))
    for path, target in types_named:
        if target not in types:
            where = file.parent.parent / QUALIFICATIONS / f"{target}.yaml"
            problems.append(doc.problem(path, _missing(target, types, "qualification type",
                                                       str(where))))
    return problems


def _stems(folder: Path) -> list[str]:
    return sorted({f.stem for f in folder.glob("*.y*ml") if f.suffix in (".yaml", ".yml")})


def _missing(target: str, known: list[str], what: str, where: str) -> str:
    guess = closest(target, known)
    hint = f"; did you mean {guess}?" if guess else f"; write {where} first"
    return f"there is no {what} named {target}{hint}"


def _studies_named(data: dict[str, Any]) -> list[tuple[NodePath, str]]:
    found: list[tuple[NodePath, str]] = []
    for index, target in enumerate(data.get("exclude") or ()):
        found.append((("exclude", index), target))
    for index, target in enumerate(data.get("only") or ()):
        if isinstance(target, dict):
            found.append((("only", index, "study"), target["study"]))
        else:
            found.append((("only", index), target))
    return found


def _types_named(data: dict[str, Any]) -> list[tuple[NodePath, str]]:
    return [(("qualifications", index, "qualification", "name"), entry["qualification"]["name"])
            for index, entry in enumerate(data.get("qualifications") or ())
            if "qualification" in entry]
