"""`deploy status` as text (a dashboard per study) and as versioned JSON (format 1.0)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from deployer.core.status import Row, Status, StudyStatus
from deployer.core.text import money, plural, stamp

STATUS_FORMAT = "1.0"
COLUMNS = ("batch", "{thing}", "state", "available", "in progress", "to review", "approved",
           "rejected", "expires")
STATES = {
    "gone": "gone: deleted on {title}, or disposed of after 120 days",
    "pending": "pending: an apply stopped before recording its outcome; run `deploy apply`",
}


def render_status_text(status: Status) -> str:
    title = status.platform.title
    lines = [f"Studies in {status.environment.upper()} at {stamp(status.taken_at)}:"]
    for study in status.studies:
        headline = _headline(study, status.platform.thing, status.platform.symbol)
        lines += ["", headline, *_table(study, status.platform.thing)]
        lines += [f"  preview: {link}" for link in study.previews]
        notes = {r.state for r in study.rows} & set(STATES)
        lines += [f"  {STATES[state].format(title=title)}" for state in sorted(notes)]
    lines += ["", f"({plural(status.calls, f'{title} call')}; spent = approved work, rewards + "
              f"{title} fees)"]
    return "\n".join(lines) + "\n"


def _headline(study: StudyStatus, thing: str, symbol: str) -> str:
    work = study.work
    review = f"{work.awaiting_review} awaiting review"
    if study.auto_approves_at is not None:
        review += f" (approved automatically from {stamp(study.auto_approves_at)})"
    return (f"{study.name}: {plural(study.open, thing)} open; {work.available} available, "
            f"{work.in_progress} "
            f"in progress, {review}, {work.approved} approved, {work.rejected} rejected; spent "
            f"{money(study.spent, symbol)}")


def _label(row: Row, study: StudyStatus) -> str:
    """The address, with its generation when a replacement shares it (`pilot/b1#2`)."""
    shared = sum(1 for r in study.rows if r.address == row.address) > 1
    return f"{row.address}#{row.generation}" if shared or row.generation > 1 else row.address


def _table(study: StudyStatus, thing: str) -> list[str]:
    header = [c.format(thing=thing) for c in COLUMNS]
    cells = [header] + [
        [_label(r, study), r.object_id or "-", r.state, *_counts(r),
         stamp(r.expires_at) if r.expires_at else "-"]
        for r in study.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = range(3, 8)
    return ["  " + "  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                             for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
            .rstrip() for row in cells]


def _counts(row: Row) -> list[str]:
    w = row.work
    if row.state in ("gone", "pending"):
        return ["-"] * 5
    return [str(n) for n in (w.available, w.in_progress, w.awaiting_review, w.approved,
                             w.rejected)]


def status_document(status: Status) -> dict[str, Any]:
    return {
        "format_version": STATUS_FORMAT,
        "platform": status.platform.name,
        "environment": status.environment,
        "taken_at": stamp(status.taken_at),
        "calls": status.calls,
        "studies": [_study(s) for s in status.studies],
    }


def _study(study: StudyStatus) -> dict[str, Any]:
    return {"study": study.name, "open": study.open, **asdict(study.work),
            "auto_approves_at": _when(study.auto_approves_at), "spent": f"{study.spent:.2f}",
            "previews": list(study.previews), "objects": [_row(r) for r in study.rows]}


def _row(row: Row) -> dict[str, Any]:
    return {"address": row.address, "generation": row.generation, "id": row.object_id,
            "state": row.state, **asdict(row.work), "expires_at": _when(row.expires_at),
            "auto_approves_at": _when(row.auto_approves_at), "spent": f"{row.spent:.2f}",
            "preview": row.preview}


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else stamp(moment)


def render_status_json(status: Status) -> str:
    return json.dumps(status_document(status), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
