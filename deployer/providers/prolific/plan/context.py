"""What the Prolific planner reads while it plans one environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from deployer.core.records import EnvLock
from deployer.providers.prolific import platform
from deployer.providers.prolific.fees import charge
from deployer.providers.prolific.observed import Observed, ObservedStudy
from deployer.providers.prolific.records import RecordedStudy
from deployer.providers.prolific.study import Study


@dataclass(frozen=True)
class Context:
    env: EnvLock
    observed: Observed
    now: datetime

    @property
    def environment(self) -> str:
        return self.env.environment

    def generations(self, name: str) -> list[RecordedStudy]:
        """The study's recorded Prolific studies, oldest first."""
        return sorted((r for r in self.env.of(RecordedStudy) if r.study == name),
                      key=lambda r: r.generation)

    def seen(self, record: RecordedStudy) -> ObservedStudy | None:
        return self.observed.studies.get(record.study_id or "")

    def money(self, study: Study | None, amount: Decimal) -> Decimal:
        """What paying `amount` to participants costs with the account's fee and VAT (the
        study file's settings until Prolific reports them)."""
        fee = self.observed.fee if self.observed.fee is not None else \
            study.fee if study is not None else platform.FEE
        vat = self.observed.vat if self.observed.vat is not None else \
            study.vat if study is not None else platform.VAT
        return charge(amount, fee, vat)

    def unused(self, seen: ObservedStudy) -> Decimal:
        """What stopping the study hands back: its places nobody took."""
        return -self.money(None, seen.reward * max(seen.places - seen.places_taken, 0))
