"""Repository settings for study files: `deploy.yaml` next to the studies/ folder.

It holds what a lab decides once for all its studies: `minimum_hourly_pay` and `aws_account`.
A study file's own field wins over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from deployer.spec.document import Document, decode_document, read_file
from deployer.spec.problems import Problem
from deployer.spec.wording import USD_PATTERN, suggest

SETTINGS_FILE = "deploy.yaml"
KNOWN = ("minimum_hourly_pay", "aws_account", "prolific")  # prolific: its provider reads it
AWS_ACCOUNT = re.compile(r"[0-9]{12}")
ACCOUNT_HINT = 'write the 12-digit AWS account ID in quotes, like "123456789012"'


@dataclass(frozen=True)
class Settings:
    minimum_hourly_pay: Decimal | None = None
    aws_account: str | None = None
    path: str = SETTINGS_FILE  # as shown in messages


def read_settings(studies_dir: Path) -> tuple[Settings, list[Problem]]:
    """The settings of the project whose studies are in `studies_dir` (none when absent)."""
    file = studies_dir.parent / SETTINGS_FILE
    shown = str(file)
    if not file.is_file():
        return Settings(path=shown), []
    raw = read_file(file, shown)
    doc = raw if isinstance(raw, Problem) else decode_document(raw, shown)
    if isinstance(doc, Problem):
        return Settings(path=shown), [doc]
    problems = [*doc.problems]
    for key in doc.data:
        if key not in KNOWN:
            problems.append(doc.problem((key,), "unknown setting; " + suggest(str(key), KNOWN),
                                        on_key=True))
    account = doc.data.get("aws_account")
    if "aws_account" in doc.data and not (isinstance(account, str)
                                          and AWS_ACCOUNT.fullmatch(account)):
        problems.append(doc.problem(("aws_account",), f"is {account}; {ACCOUNT_HINT}"))
        account = None
    return Settings(_minimum_pay(doc, problems), account, shown), problems


def _minimum_pay(doc: Document, problems: list[Problem]) -> Decimal | None:
    value = doc.data.get("minimum_hourly_pay")
    if value is None:
        if "minimum_hourly_pay" in doc.data:
            problems.append(doc.problem(("minimum_hourly_pay",), 'give dollars per hour in '
                                        'quotes, like "12.00"'))
        return None
    if not isinstance(value, str) or not re.match(USD_PATTERN, value):
        problems.append(doc.problem(("minimum_hourly_pay",), f"is {value}; write dollars per "
                                    'hour in quotes, like "12.00"'))
        return None
    return Decimal(value)
