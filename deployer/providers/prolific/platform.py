"""How deploy names Prolific, its environments and its money."""

from __future__ import annotations

from decimal import Decimal

from deployer.core.plan import Platform

NAME = "prolific"
ENVIRONMENTS = ("local", "production")  # Prolific has no sandbox
SYMBOLS = {"GBP": "£", "USD": "$"}
MINIMUM_HOURLY = {"GBP": Decimal("6.00"), "USD": Decimal("8.00")}  # reference §5.1
FEE = Decimal("0.333333")  # reference §5.2, observed; the account's own value wins
VAT = Decimal("0")


def platform(currency: str = "GBP") -> Platform:
    return Platform(NAME, "Prolific", unit="places", thing="study",
                    object_column="study_id", submission_column="submission_id",
                    symbol=SYMBOLS.get(currency, currency + " "),
                    review_columns=("rejection_category",), currency=currency)


# Prolific's reasons for a rejection (reference §6.3); it needs one, and 100 characters of
# message, for every rejection.
REJECTION_CATEGORIES = ("TOO_QUICKLY", "TOO_SLOWLY", "FAILED_INSTRUCTIONS",
                        "INCOMP_LONGITUDINAL", "FAILED_CHECK", "LOW_EFFORT", "MALINGERING",
                        "NO_CODE", "BAD_CODE", "NO_DATA", "UNSUPP_DEVICE", "OTHER")
REJECTION_MINIMUM = 100
