"""The study file `deploy init NAME` writes: a commented template that validates as it is."""

from __future__ import annotations

from pathlib import Path

from deployer.providers.mturk.spec.values import PLACEHOLDERS
from deployer.spec.templates import write_study

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
    """Create directory/NAME.yaml from the template (never over a file), and
    schema/study.schema.json beside `directory` when it is missing."""
    return write_study(directory, name, fill_template(name), SCHEMA_PATH.name)


def fill_template(name: str) -> str:
    """The template for study NAME, with the placeholders `deploy validate` warns about."""
    return TEMPLATE.format(
        name=name,
        title=PLACEHOLDERS[("title",)],
        description=PLACEHOLDERS[("description",)],
        url=PLACEHOLDERS[("question", "external_url")],
    )
