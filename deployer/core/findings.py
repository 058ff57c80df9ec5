"""What one step of planning found: changes and notes, composed with `+` in the order found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deployer.core.plan import Change, Note


@dataclass(frozen=True)
class Findings:
    changes: tuple[Change, ...] = ()
    drift: tuple[Note, ...] = ()
    warnings: tuple[Note, ...] = ()
    errors: tuple[Note, ...] = ()

    def __add__(self, other: Findings) -> Findings:
        return Findings(
            self.changes + other.changes,
            self.drift + other.drift,
            self.warnings + other.warnings,
            self.errors + other.errors,
        )


def act(*changes: Change) -> Findings:
    return Findings(changes=changes)


def drift(address: str, message: str) -> Findings:
    return Findings(drift=(Note(address, message),))


def warn(address: str, message: str, hint: str = "") -> Findings:
    return Findings(warnings=(Note(address, message, hint),))


def fail(address: str, message: str, hint: str = "") -> Findings:
    return Findings(errors=(Note(address, message, hint),))


def total(parts: Iterable[Findings]) -> Findings:
    result = Findings()
    for part in parts:
        result = result + part
    return result
