"""`deploy results`: every submission of a study as CSV or JSONL, and new rows to review.

Files are written atomically. Participants appear as pseudonyms (core.results) unless the user
asks for raw IDs. The review file only ever grows: rows a person wrote are kept byte for byte.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deployer.core.errors import DeployError
from deployer.core.plan import Platform
from deployer.core.results import Submission, pseudonym
from deployer.core.text import stamp

RESULTS = Path("results")
REVIEWS = Path("reviews")
FIXED = ("study", "batch", "generation", "{object}", "{submission}", "worker", "status",
         "accepted_at", "submitted_at", "auto_approval_at", "reviewed_at", "seconds_worked",
         "feedback")
REVIEW_COLUMNS = ("{submission}", "worker", "submitted_at", "decision", "feedback", "bonus",
                  "bonus_reason")
FORMATS = ("csv", "jsonl")


def columns(template: Sequence[str], platform: Platform) -> list[str]:
    return [c.format(object=platform.object_column, submission=platform.submission_column)
            for c in template]


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int  # submissions in the file
    new: int  # of those, not in the file before


def ordered(submissions: Iterable[Submission]) -> list[Submission]:
    """Oldest submission first; work not yet submitted (never listed by MTurk) last."""
    return sorted(submissions, key=lambda s: (s.submitted_at is None,
                                              s.submitted_at or s.accepted_at, s.submission_id))


def write_results(path: Path, submissions: Sequence[Submission], fmt: str, platform: Platform,
                  worker: Any) -> Written:
    """`worker(raw_id) -> str` says how participants are named (a pseudonym, or the raw ID)."""
    before = _known_ids(path, fmt, platform)
    rows = [_row(s, platform, worker) for s in ordered(submissions)]
    if fmt == "jsonl":
        for row, s in zip(rows, ordered(submissions), strict=True):
            row["answers"] = dict(s.answers)
        text = "".join(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n"
                       for row in rows)
    else:
        for row, s in zip(rows, ordered(submissions), strict=True):
            row.update(s.cells)
        header = columns(FIXED, platform) + _answer_columns(path, submissions)
        text = _csv(header, rows)
    atomic_write(path, text)
    new = sum(1 for s in submissions if s.submission_id not in before)
    return Written(path, len(rows), new)


def _row(s: Submission, platform: Platform, worker: Any) -> dict[str, Any]:
    return {
        "study": s.study, "batch": s.batch, "generation": s.generation,
        platform.object_column: s.object_id, platform.submission_column: s.submission_id,
        "worker": worker(s.worker), "status": s.status,
        "accepted_at": _when(s.accepted_at), "submitted_at": _when(s.submitted_at),
        "auto_approval_at": _when(s.auto_approval_at), "reviewed_at": _when(s.reviewed_at),
        "seconds_worked": s.seconds_worked, "feedback": s.feedback,
    }


def _when(moment: Any) -> str | None:
    return None if moment is None else stamp(moment)


def _answer_columns(path: Path, submissions: Sequence[Submission]) -> list[str]:
    """The previous file's answer columns in their order, then new fields as first seen."""
    found = list(_header(path)[len(FIXED):])
    for s in ordered(submissions):
        found += [field for field in s.cells if field not in found]
    present = {field for s in submissions for field in s.cells}
    return [field for field in found if field in present]


def _header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _known_ids(path: Path, fmt: str, platform: Platform) -> set[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    column = platform.submission_column
    if fmt == "jsonl":
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        return {str(line.get(column, "")) for line in lines if isinstance(line, dict)}
    return {row.get(column, "") for row in csv.DictReader(io.StringIO(text))}


def _csv(header: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def saved_counts(folder: Path, platform: Platform) -> dict[str, int]:
    """What results files in `folder` hold: posted object ID -> its submissions there."""
    counts: dict[str, int] = {}
    for path in sorted(folder.glob("*.csv")) + sorted(folder.glob("*.jsonl")):
        for row in _records(path):
            ident = str(row.get(platform.object_column, ""))
            counts[ident] = counts.get(ident, 0) + 1
    return counts


def _records(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            return [row for row in map(json.loads, text.splitlines()) if isinstance(row, dict)]
        return list(csv.DictReader(io.StringIO(text)))
    except (OSError, ValueError, csv.Error):
        return []  # an unreadable results file saves nothing


def add_review_rows(path: Path, submissions: Sequence[Submission], platform: Platform,
                    key: str) -> int:
    """Append a row (decision empty) for every submission not yet in the review file; the
    file's existing bytes stay exactly as they are. Returns how many rows were added."""
    try:
        existing = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError) as error:
        raise DeployError(f"{path}: cannot read the review file ({error}); fix it, then run "
                          "`deploy results` again") from None
    header = columns(REVIEW_COLUMNS, platform) + list(platform.review_columns)
    known = {row.get(header[0], "") for row in csv.DictReader(io.StringIO(existing))}
    new = [s for s in ordered(submissions) if s.submission_id not in known]
    if not new:
        return 0
    rows = [{header[0]: s.submission_id, "worker": pseudonym(key, s.worker),
             "submitted_at": _when(s.submitted_at) or ""} for s in new]
    body = _csv(header, rows)
    if existing:
        body = body.split("\n", 1)[1]  # the file has its header already
        if not existing.endswith("\n"):
            existing += "\n"
    atomic_write(path, existing + body)
    return len(new)


def atomic_write(path: Path, text: str) -> None:
    """The file holds the old text or the new, never a mix, whatever instant the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise DeployError(f"{path}: cannot write it ({error.strerror}); nothing was changed") \
            from None


class FileCache:
    """The Cache protocol over one JSON file under .deploy/, saved once at the end."""

    def __init__(self, path: Path, refresh: bool) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        if not refresh:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                self.data = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.data = {}  # a cache that cannot be read is simply empty

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self.data, separators=(",", ":")))
