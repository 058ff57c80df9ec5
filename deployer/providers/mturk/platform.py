"""How deploy names MTurk and its environments."""

from __future__ import annotations

from deployer.core.plan import Platform

PLATFORM = Platform("mturk", "MTurk", unit="assignments", thing="HIT",
                    saving="batching could save", size="max_assignments")
ENVIRONMENTS = ("local", "sandbox", "production")
REHEARSAL = "sandbox"  # production applies only configurations applied here first
