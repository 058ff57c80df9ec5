"""The settings (brief item 1): every choice the reference leaves open is a Config field,
checked when the emulator is made."""

from __future__ import annotations

from typing import Any

import pytest

from deployer.emulators.prolific import Config, Emulator


def test_the_defaults() -> None:
    """One token for one workspace; GBP; fee 1/3, no VAT; minimums GBP 600 / USD 800."""
    config = Config()
    assert config.tokens == {"local-token": "My workspace"}
    assert (config.currency, config.fee_fraction, config.vat_fraction) == ("GBP", "1/3", "0")
    assert config.minimum_reward_per_hour == {"GBP": 600, "USD": 800}
    assert (config.auto_pause_on_refill, config.publishing_seconds) == (True, 0.0)
    assert (config.auto_approve_days, config.page_size) == (21.0, 20)
    assert Config().seed != Config().seed  # fresh emulators never share IDs


@pytest.mark.parametrize("changes", [
    {"tokens": {}}, {"tokens": {"": "x"}}, {"currency": "EUR"}, {"balance": -1},
    {"balance": 1.5}, {"fee_fraction": "a third"}, {"vat_fraction": "-0.2"},
    {"fee_fraction": 0.33}, {"minimum_reward_per_hour": {"GBP": 600}},
    {"publishing_seconds": -1}, {"auto_approve_days": True}, {"page_size": 0},
    {"page_size": 50, "max_page_size": 20},
])
def test_bad_settings_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Config(**changes)


def test_the_same_seed_gives_the_same_ids() -> None:
    """IDs derive from the seed and a counter saved with the state."""
    first, second = Emulator(Config(seed="same")), Emulator(Config(seed="same"))
    assert first.participants.create() == second.participants.create()
    assert Emulator(Config(seed="other")).participants.create() != first.participants.create()
