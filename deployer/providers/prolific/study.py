"""Desired state: the Prolific study a study file describes (it satisfies core's Study
envelope). Pure values; spec/ builds them, plan/ consumes them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

from deployer.providers.prolific.platform import FEE, SYMBOLS, VAT


@dataclass(frozen=True)
class CompletionCode:
    code: str
    kind: str  # Prolific's code_type: COMPLETED, FAILED_ATTENTION_CHECK, ...
    action: str  # MANUALLY_REVIEW, AUTOMATICALLY_APPROVE or REQUEST_RETURN


@dataclass(frozen=True)
class Eligibility:
    countries: tuple[str, ...] = ()
    approval_rate: int | None = None  # at least, percent
    age: tuple[int | None, int | None] | None = None  # at least, at most
    exclude: tuple[str, ...] = ()  # studies whose participants may not take this one
    only: tuple[str, ...] = ()  # studies whose participants alone may take it


@dataclass(frozen=True)
class Study:
    name: str  # the file stem
    path: str
    title: str  # Prolific's `name`
    description: str
    external_url: str
    estimated_minutes: int
    maximum_minutes: int
    reward: Decimal  # major units of the workspace's currency
    places: int
    completion_codes: tuple[CompletionCode, ...]
    eligibility: Eligibility
    devices: tuple[str, ...]
    production: bool
    state: Literal["open", "paused", "closed"]
    budget: Decimal | None
    digest: str
    review: Literal["manual", "approve_all"] = "manual"
    project: str = "deploy"
    currency: str = "GBP"  # the workspace's, from deploy.yaml (checked against Prolific's)
    fee: Decimal = FEE  # the service fee and VAT on it, as fractions: the account's own
    vat: Decimal = VAT

    @property
    def platform(self) -> str:
        return "prolific"

    @property
    def summary(self) -> str:
        """What `deploy validate` says of the study: its reward per hour."""
        rate = (self.reward * 60 / self.estimated_minutes).quantize(Decimal("0.01"))
        symbol = SYMBOLS.get(self.currency, "")
        return f"{symbol}{rate} per hour for an estimated {self.estimated_minutes} minutes"

    @cached_property
    def fingerprint(self) -> str:
        """Hash of what Prolific freezes once a study is published: a change means stopping
        it and publishing a new study with the remaining places."""
        frozen = {
            "title": self.title, "description": self.description,
            "external_url": self.external_url, "estimated": self.estimated_minutes,
            "maximum": self.maximum_minutes, "reward": str(self.reward),
            "codes": [list(vars(c).values()) for c in self.completion_codes],
            "eligibility": repr(self.eligibility), "devices": list(self.devices),
            "project": self.project,
        }
        blob = json.dumps(frozen, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]

    @cached_property
    def config_hash(self) -> str:
        """Everything that shapes the study on Prolific (not state, budget or production)."""
        blob = f"{self.fingerprint}:{self.places}".encode()
        return hashlib.sha256(blob).hexdigest()[:16]
