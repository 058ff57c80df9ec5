"""The study file `deploy init --platform prolific NAME` writes: a commented template that
validates as it is (with warnings for the placeholders to replace)."""

from __future__ import annotations

from pathlib import Path

from deployer.spec.templates import write_study

# What the template says until the researcher writes their own: validate warns about both.
DESCRIPTION = "Describe the task, how long it takes and what participants will be asked to do."
URL = "https://example.org/"

SCHEMA = "prolific-study.schema.json"

TEMPLATE = """\
# yaml-language-server: $schema=../schema/prolific-study.schema.json
#
# Prolific study "{name}": its name is this file's name. Every field is explained in the
# README ("Prolific studies").
#   deploy validate     checks this file (offline)
#   deploy plan         shows what would change on Prolific, and the cost
platform: prolific

# What participants see in the study list.
title: "{name}: a short study"
description: >-
  {description}

# Your study's page. Prolific fills in the placeholders; keep PROLIFIC_PID to know who did
# what. Send participants back to Prolific with one of the completion codes below.
external_url: "{url}"

estimated_time: 10m             # what the task usually takes; sets the pay per hour
# maximum_time: 40m             # timeout; at least 2 + 2T + 2 sqrt(T) minutes (the default)

# Pay per approved submission, in quotes, in the workspace's currency (deploy.yaml's
# `prolific: {{currency: GBP}}`, the default). Prolific's minimum is £6.00 ($8.00) per hour;
# its service fee (about a third) and any VAT come on top.
reward: "1.50"
places: 20                      # participants wanted (can only grow later)
# budget: "50.00"               # optional cap on rewards + fees for the whole study

completion_codes:
  - code: C{code}
    type: completed
    action: manually_review     # or automatically_approve
  # - code: X{code}
  #   type: failed_attention_check
  #   action: request_return

eligibility:
  approval_rate: {{at_least: 95}}
  # countries: [United Kingdom, United States]
  # age: {{at_least: 18, at_most: 65}}
  # exclude: [pilot]            # nobody who took part in these studies (same project)

# devices: [desktop]            # default: desktop, tablet and mobile
# production: true              # allow this study on production (real money)
# state: paused                 # no new participants until `state: open`
# state: closed                 # the study is over: stop it for good
"""


def write_template(directory: Path, name: str) -> tuple[Path, Path | None]:
    code = "".join(c for c in name.upper() if c.isalnum())[:6].ljust(6, "X")
    url = (f"{URL}{name}?PROLIFIC_PID={{{{%PROLIFIC_PID%}}}}&STUDY_ID={{{{%STUDY_ID%}}}}"
           "&SESSION_ID={{%SESSION_ID%}}")
    text = TEMPLATE.format(name=name, code=code, description=DESCRIPTION, url=url)
    return write_study(directory, name, text, SCHEMA)
