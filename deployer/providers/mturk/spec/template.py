"""The study file `deploy init NAME` writes: a commented template that validates as it is."""

from __future__ import annotations

from pathlib import Path

from deployer.core.errors import DeployError
from deployer.providers.mturk.spec.values import PLACEHOLDERS
from deployer.spec.loader import NAME_HINT, SUFFIXES, valid_name
from deployer.spec.schema import schema_text

# Where the template's first line points editors, relative to the project folder.
SCHEMA_PATH = Path("schema") / "study.schema.json"

TEMPLATE = """\
# yaml-language-server: $schema=../schema/study.schema.json
#
# Study "{name}": its name is this file's name. Every field is explained in the README
# ("Study files"); editors that read the schema line above complete and check them.
#   deploy validate     checks this file (offline)
#   deploy plan         shows what would change on MTurk, and the cost

# What workers see in the HIT list.
title: {title}
description: >-
  {description}
keywords: [research, study]

# Pay per assignment in US dollars, in quotes. MTurk adds its fee on top: 20%,
# or 40% for HITs of 10 or more assignments, +5% when Masters are required.
reward: "1.00"
assignments: 9                  # responses wanted in total (can only grow later)
max_assignments_per_hit: 9      # batch size: 9 or fewer keeps the fee at 20%
# budget: "20.00"               # optional cap on rewards + fees for the whole study

assignment_duration: 30m        # time to finish once accepted: 90s, 45m, 2h, 7d, 1w
estimated_duration: 5m          # what the task usually takes; validate shows the pay per hour
auto_approval_delay: 3d         # unreviewed work is approved and paid after this
lifetime: 7d                    # how long HITs take new workers
# closes_at: "2027-01-31T17:00:00Z"   # ... or a fixed end (replace lifetime with it)

question:
  # The https page of your study; MTurk appends assignmentId, hitId, turkSubmitTo and
  # workerId to it. Or html_file: page.html (a form next to this file), or
  # xml_file: question.xml (ready Question XML).
  external_url: {url}
  frame_height: 0               # 0 = the frame fills the worker's window

qualifications:                 # who may work on it; all must hold; at most 10
  - locale: {{in: [US]}}
  - percent_approved: {{at_least: 95}}
  # - hits_approved: {{at_least: 1000}}
  # - masters: true
  # - custom: {{id: YOUR_QUALIFICATION_TYPE_ID, comparator: does_not_exist}}

# production: true              # allow this study on production (real money)
# state: paused                 # expire its HITs now, reopen them later with `state: open`
# state: closed                 # the study is over: expire all of its HITs now
"""


def write_template(directory: Path, name: str) -> tuple[Path, Path | None]:
    """Create directory/NAME.yaml from the template; never overwrites a file.

    Also writes schema/study.schema.json next to `directory` when it is missing, so the
    template's first line points editors at a real file. Returns both paths (the schema's
    None when it was there already).
    """
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
            file.write(fill_template(name))
    except FileExistsError:
        raise DeployError(f"{path} already exists; edit it, or pick another name") from None
    except OSError as error:
        raise DeployError(f"cannot write {path}: {error.strerror or error}") from None
    return path, _write_schema(directory.parent / SCHEMA_PATH)


def fill_template(name: str) -> str:
    """The template for study NAME, with the placeholders `deploy validate` warns about."""
    return TEMPLATE.format(
        name=name,
        title=PLACEHOLDERS[("title",)],
        description=PLACEHOLDERS[("description",)],
        url=PLACEHOLDERS[("question", "external_url")],
    )


def _write_schema(path: Path) -> Path | None:
    if path.exists():
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_text(), encoding="utf-8")
    except OSError as error:
        raise DeployError(f"cannot write {path}: {error.strerror or error}") from None
    return path
