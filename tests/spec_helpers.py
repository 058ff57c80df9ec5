"""Helpers for the study-file tests: write real files, load them, read the problem lines."""

from __future__ import annotations

from pathlib import Path

from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import Loaded, load_studies

REPO = Path(__file__).resolve().parents[1]

# A valid study; tests replace single lines, so line numbers below stay meaningful.
BASE = """\
title: Rate short clips
description: Watch clips and rate them.
reward: "1.00"
assignments: 9
max_assignments_per_hit: 9
assignment_duration: 8m
lifetime: 7d
question:
  external_url: https://example.org/study?a=1&b=2
"""


def edit(text: str, key: str, replacement: str) -> str:
    """BASE with the line that starts with `key:` replaced (or removed when empty)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            lines[i] = replacement + "\n" if replacement else ""
            return "".join(lines)
    raise AssertionError(f"no line starts with {key}:")


def write(directory: Path, text: str | bytes, name: str = "pilot.yaml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def load(directory: Path, text: str | bytes, strict: bool = False) -> Loaded:
    """Write `text` as directory/pilot.yaml and load that directory."""
    write(directory, text)
    return load_studies([directory], build_study, strict=strict)


def lines(loaded: Loaded, root: Path) -> list[str]:
    """The problems as printed, with the temporary directory removed from paths."""
    return [str(p).replace(f"{root}/", "") for p in loaded.problems]
