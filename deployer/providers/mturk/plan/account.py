"""Which AWS account pays: a study (or deploy.yaml) may pin it with `aws_account`.

The account is what STS says the credentials belong to; an emulator has none, so a pin is
checked only where real money could be spent from the wrong account.
"""

from __future__ import annotations

from collections.abc import Iterable

from deployer.core.findings import Findings, fail, total
from deployer.core.plan import Payer
from deployer.providers.mturk.study import Study


def account_errors(studies: Iterable[Study], payer: Payer | None) -> Findings:
    if payer is None:
        return Findings()
    return total(
        fail(s.name, f"{s.path} is to be paid by AWS account {s.aws_account}, but the "
             f"credentials in use belong to account {payer.account} ({payer.identity})",
             f"use the credentials of account {s.aws_account} (AWS_PROFILE or --profile) and "
             "plan again; change aws_account only if the study really moved to another account")
        for s in studies if s.aws_account is not None and s.aws_account != payer.account)
