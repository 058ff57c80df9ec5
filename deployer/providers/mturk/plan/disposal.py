"""MTurk deletes a HIT and its assignments 120 days after creation (reference §3.4): warn while
submissions that `deploy results` has not saved are about to go with it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import timedelta

from deployer.core.findings import Findings, total, warn
from deployer.core.text import plural, stamp
from deployer.providers.mturk.plan.context import Context

DISPOSAL = timedelta(days=120)
NOTICE = timedelta(days=14)


def disposal_warnings(ctx: Context, names: Collection[str], saved: Mapping[str, int]) -> Findings:
    """`saved`: HIT ID -> how many of its submissions the results files hold."""
    found = []
    for record in ctx.hits:
        seen = ctx.observe(record)
        if seen is None or record.study not in names:
            continue
        unsaved = seen.submitted - saved.get(seen.hit_id, 0)
        disposed = seen.created_at + DISPOSAL
        if unsaved > 0 and disposed - ctx.now <= NOTICE:
            found.append(warn(record.address, f"HIT {seen.hit_id} has "
                              f"{plural(unsaved, 'submission')} that `deploy results` has not "
                              f"saved, and MTurk deletes it with its assignments at "
                              f"{stamp(disposed)} (120 days after it was created)",
                              f"run `deploy results --env {ctx.environment}` before then"))
    return total(found)
