"""The status dashboard from core values: gone and pending rows explain themselves."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

from deployer.core.status import Row, Status, StudyStatus, Work
from deployer.providers.mturk.platform import PLATFORM
from deployer.render.status import render_status_json, render_status_text

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def status() -> Status:
    rows = (
        Row("pilot/b1", 1, "3GONE", "gone", expires_at=NOW),
        Row("pilot/b2", 1, "", "pending"),
        Row("pilot/b3", 1, "3OPEN", "open", Work(4, 1, 2, 3, 0), NOW, NOW,
            Decimal("1.80"), "https://preview/g1"),
    )
    return Status(PLATFORM, "sandbox", NOW, (StudyStatus("pilot", rows),), calls=3)


def test_text() -> None:
    assert render_status_text(status()).splitlines() == [
        "Studies in SANDBOX at 2026-11-30T12:00:00Z:",
        "",
        "pilot: 1 HIT open; 4 available, 1 in progress, 2 awaiting review (approved "
        "automatically from 2026-11-30T12:00:00Z), 3 approved, 0 rejected; spent $1.80",
        "  batch     HIT    state    available  in progress  to review  approved  rejected"
        "  expires",
        "  pilot/b1  3GONE  gone             -            -          -         -         -"
        "  2026-11-30T12:00:00Z",
        "  pilot/b2  -      pending          -            -          -         -         -  -",
        "  pilot/b3  3OPEN  open             4            1          2         3         0"
        "  2026-11-30T12:00:00Z",
        "  preview: https://preview/g1",
        "  gone: deleted on MTurk, or disposed of after 120 days",
        "  pending: an apply stopped before recording its outcome; run `deploy apply`",
        "",
        "(3 MTurk calls; spent = approved work, rewards + MTurk fees)",
    ]


def test_json() -> None:
    doc = json.loads(render_status_json(status()))
    assert doc["format_version"] == "1.0" and doc["calls"] == 3
    [pilot] = doc["studies"]
    assert (pilot["open"], pilot["spent"], pilot["previews"]) == (1, "1.80",
                                                                  ["https://preview/g1"])
    assert [o["state"] for o in pilot["objects"]] == ["gone", "pending", "open"]
    assert pilot["objects"][2]["awaiting_review"] == 2
