"""The `prolific:` section of deploy.yaml: what a lab decides once for its Prolific studies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from deployer.providers.prolific import platform
from deployer.spec.document import Document, decode_document, read_file
from deployer.spec.problems import Problem
from deployer.spec.wording import suggest

SETTINGS_FILE = "deploy.yaml"
KNOWN = ("project", "currency", "fee", "vat")


@dataclass(frozen=True)
class Settings:
    project: str = "deploy"  # the project studies go into, by title
    currency: str = "GBP"  # the workspace's currency, for checks made offline
    fee: Decimal = platform.FEE
    vat: Decimal = platform.VAT


def read_settings(studies_dir: Path) -> tuple[Settings, list[Problem]]:
    file = studies_dir.parent / SETTINGS_FILE
    if not file.is_file():
        return Settings(), []
    raw = read_file(file, str(file))
    doc = raw if isinstance(raw, Problem) else decode_document(raw, str(file))
    if isinstance(doc, Problem):
        return Settings(), [doc]
    section = doc.data.get("prolific")
    if section is None:
        return Settings(), []
    if not isinstance(section, dict):
        return Settings(), [doc.problem(("prolific",), "write a mapping, like "
                                        "{project: lab studies, currency: GBP}")]
    problems = [doc.problem(("prolific", key), "unknown setting; " + suggest(str(key), KNOWN),
                            on_key=True) for key in section if key not in KNOWN]
    currency = str(section.get("currency", "GBP"))
    if currency not in platform.SYMBOLS:
        problems.append(doc.problem(("prolific", "currency"), "is GBP or USD (a Prolific "
                                    "workspace's currency)"))
        currency = "GBP"
    fee, vat = _fraction(doc, "fee", section, platform.FEE, problems), _fraction(
        doc, "vat", section, platform.VAT, problems)
    return Settings(str(section.get("project") or "deploy"), currency, fee, vat), problems


def _fraction(doc: Document, key: str, section: dict[str, object], default: Decimal,
              problems: list[Problem]) -> Decimal:
    value = section.get(key)
    if value is None:
        return default
    try:
        found = Decimal(str(value))
    except ArithmeticError:
        found = Decimal(-1)
    if not 0 <= found < 1:
        problems.append(doc.problem(("prolific", key), f"is {value}; write a fraction in "
                                    'quotes, like "0.3333" for a third'))
        return default
    return found
