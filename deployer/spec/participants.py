"""Participant files -> values: qualification types (qualifications/NAME.yaml), their grants
(qualifications/ENV/NAME.csv), blocks (workers/ENV/blocked.csv) and compensation
(workers/ENV/compensation.csv).

Worker IDs differ between environments (a production worker is unknown to the sandbox), so
every file that names workers lives under its environment's folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from deployer.core.participants import Block, Compensation, Grant, QualificationSpec
from deployer.spec.document import decode_document, read_file
from deployer.spec.loader import Loaded
from deployer.spec.problems import Problem, file_problem, has_errors
from deployer.spec.schema import schema_problems
from deployer.spec.tables import Table, read_table
from deployer.spec.values import UNITS

QUALIFICATIONS = Path("qualifications")
WORKERS = Path("workers")
SCHEMA = "qualification.schema.json"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
MONEY = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
T = TypeVar("T")


@dataclass(frozen=True)
class WorkerRules:
    """What a worker ID of the platform looks like."""

    pattern: str  # a regular expression for the whole ID
    example: str


@dataclass(frozen=True)
class Participants:
    qualifications: dict[str, QualificationSpec]
    blocks: tuple[Block, ...] | None
    compensation: tuple[Compensation, ...]
    problems: list[Problem]
    files: list[str]


def load_participants(environment: str, rules: WorkerRules, root: Path = Path()) -> Participants:
    """Every participant file of the repository at `root`, for one environment."""
    problems: list[Problem] = []
    files: list[str] = []
    qualifications = {}
    for file in sorted((root / QUALIFICATIONS).glob("*.yaml")):
        files.append(str(file))
        spec, found = _qualification(file, root / QUALIFICATIONS / environment, rules)
        problems += found
        if spec is not None:
            qualifications[spec.name] = spec
    for orphan in sorted((root / QUALIFICATIONS / environment).glob("*.csv")):
        if not (root / QUALIFICATIONS / f"{orphan.stem}.yaml").exists():
            problems.append(file_problem(str(orphan), f"grants a qualification type with no "
                                         f"file {QUALIFICATIONS}/{orphan.stem}.yaml; write it "
                                         "or remove this file"))
    folder = root / WORKERS / environment
    blocks = _table(folder / "blocked.csv", ("worker_id", "reason"), rules,
                    lambda t, line, cells: Block(t.cell(cells, "worker_id"),
                                                 _reason(t, line, cells, problems), line),
                    problems, files)
    paid = _table(folder / "compensation.csv", ("worker_id", "amount", "reason"), rules,
                  lambda t, line, cells: _compensation(t, line, cells, problems), problems, files)
    return Participants(qualifications, blocks, tuple(c for c in paid or () if c), problems,
                        files)


def _qualification(file: Path, grants_in: Path,
                   rules: WorkerRules) -> tuple[QualificationSpec | None, list[Problem]]:
    shown = str(file)
    if not NAME.match(file.stem):
        return None, [file_problem(shown, f'the name "{file.stem}" (the file name) is not '
                                   "allowed: use lowercase letters, digits, - and _")]
    raw = read_file(file, shown)
    if isinstance(raw, Problem):
        return None, [raw]
    doc = decode_document(raw, shown)
    if isinstance(doc, Problem):
        return None, [doc]
    problems = [*doc.problems, *schema_problems(doc, SCHEMA)]
    grants: tuple[Grant, ...] | None = None
    csv_file = grants_in / f"{file.stem}.csv"
    if csv_file.exists():
        found = _table(csv_file, ("worker_id", "value"), rules,
                       lambda t, line, cells: _grant(t, line, cells, problems), problems, [])
        grants = tuple(g for g in found or () if g)
    if has_errors(problems):
        return None, problems
    data = doc.data
    delay = data.get("retry_delay")
    return QualificationSpec(
        name=file.stem, path=shown, title=data.get("title") or file.stem,
        description=data["description"], keywords=tuple(data.get("keywords") or ()),
        auto_granted=data.get("auto_granted", False),
        auto_granted_value=data.get("auto_granted_value", 1),
        retry_delay=None if delay is None else _seconds(delay), grants=grants,
    ), problems


def _seconds(value: int | str) -> int:
    return value if isinstance(value, int) else int(value[:-1]) * UNITS[value[-1]]


def _table(file: Path, columns: tuple[str, ...], rules: WorkerRules,
           row: Callable[[Table, int, list[str]], T], problems: list[Problem],
           files: list[str]) -> tuple[T, ...] | None:
    """The rows of `file` (None when it does not exist); each worker ID checked once."""
    if not file.exists():
        return None
    files.append(str(file))
    table = read_table(file, str(file), columns)
    if isinstance(table, list):
        problems.extend(table)
        return ()
    found = []
    seen: dict[str, int] = {}
    pattern = re.compile(rules.pattern)
    for line, cells in table.rows:
        worker = table.cell(cells, "worker_id")
        if not pattern.fullmatch(worker):
            problems.append(table.problem(line, "worker_id", f"{worker!r} is not a worker ID "
                                          f"(like {rules.example})"))
        elif worker in seen:
            problems.append(table.problem(line, "worker_id", f"is also on line {seen[worker]}; "
                                          "keep one row per worker"))
        else:
            seen[worker] = line
            found.append(row(table, line, cells))
    return tuple(found)


def _reason(table: Table, line: int, cells: list[str], problems: list[Problem]) -> str:
    reason = table.cell(cells, "reason")
    if not reason:
        problems.append(table.problem(line, "reason", "is empty; say why (the platform keeps "
                                      "it with the entry)"))
    return reason


def _grant(table: Table, line: int, cells: list[str], problems: list[Problem]) -> Grant | None:
    written = table.cell(cells, "value") or "1"
    try:
        value = int(written)
    except ValueError:
        problems.append(table.problem(line, "value", f"is {written!r}; write a whole number "
                                      "(empty means 1)"))
        return None
    return Grant(table.cell(cells, "worker_id"), value, line)


def _compensation(table: Table, line: int, cells: list[str],
                  problems: list[Problem]) -> Compensation | None:
    amount = table.cell(cells, "amount")
    reason = _reason(table, line, cells, problems)
    if not MONEY.match(amount) or Decimal(amount) <= 0:
        problems.append(table.problem(line, "amount", f"is {amount!r}; write what to pay, like "
                                      "2.50 (no currency sign, at most two decimals)"))
        return None
    return Compensation(table.cell(cells, "worker_id"), Decimal(amount).quantize(
        Decimal("0.01")), reason, line)


def check_participants(loaded: Loaded, environments: Sequence[str], rules: WorkerRules,
                       strict: bool = False) -> Loaded:
    """`loaded` with the participant files of every environment checked too."""
    problems: dict[str, Problem] = {}
    files: dict[str, None] = {}
    for environment in environments:
        found = load_participants(environment, rules)
        problems.update({str(p): p for p in found.problems})
        files.update(dict.fromkeys(found.files))
    checked = [replace(p, severity="error") if strict else p for p in problems.values()]
    failed = {p.path for p in checked if p.severity == "error"}
    return replace(loaded, problems=tuple(sorted([*loaded.problems, *checked],
                                                 key=lambda p: p.sort_key)),
                   files=loaded.files + tuple(files), failed=loaded.failed + tuple(sorted(failed)))
