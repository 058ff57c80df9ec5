"""Money (reference §5, §14.7): minimum pay at publish, funds held at publish and released
on stop, charges on approval, fees and VAT, the balance and the cost endpoints."""

from __future__ import annotations

from deployer.emulators.prolific import Config

from .conftest import Env, MakeEnv


def test_publish_refuses_a_reward_under_the_minimum_hourly_rate(env: Env) -> None:
    """§5.1: enforced at PUBLISH (400, detail.reward), not on drafts; GBP minimum 600/hour."""
    study = env.draft(reward=99)  # 99p for 10 minutes: 594p/hour
    reply = env.transition(study["id"], "PUBLISH")
    assert reply.status == 400
    assert list(reply.detail) == ["reward"]
    assert "minimum is 600 per hour" in reply.detail["reward"][0]
    assert env.study(study["id"])["status"] == "UNPUBLISHED"
    env.api.patch(f"studies/{study['id']}/", {"reward": 100})  # exactly 600/hour
    assert env.transition(study["id"], "PUBLISH").status == 200


def test_scheduling_checks_the_reward_and_funds_too(make_env: MakeEnv) -> None:
    """§4.2, §5.1: SCHEDULE_PUBLISH makes the publish checks up front and holds the funds."""
    env = make_env(Config(seed="t", balance=1000))
    low = env.draft(reward=99)
    reply = env.transition(low["id"], "SCHEDULE_PUBLISH", publish_at="2999-01-01T00:00:00Z")
    assert (reply.status, list(reply.detail)) == (400, ["reward"])
    fine = env.draft()
    env.transition(fine["id"], "SCHEDULE_PUBLISH", publish_at="2999-01-01T00:00:00Z")
    assert env.balance()["available_balance"] == 1000 - 400
    env.transition(fine["id"], "CANCEL_PUBLISH")
    assert env.balance()["available_balance"] == 1000


def test_the_minimum_follows_the_currency(make_env: MakeEnv) -> None:
    """§5.1: USD workspaces need 800 cents an hour."""
    env = make_env(Config(seed="t", currency="USD"))
    study = env.draft(reward=130)  # 780 cents/hour
    assert env.transition(study["id"], "PUBLISH").status == 400
    assert env.study(study["id"])["currency_code"] == "USD"
    assert env.study(study["id"])["minimum_reward_per_hour"] == 800.0


def test_publish_needs_a_completion_code(env: Env) -> None:
    """§3.1, §15: a draft without completion codes is not ready and cannot be published."""
    study = env.draft(completion_codes=[])
    assert study["is_ready_to_publish"] is False
    reply = env.transition(study["id"], "PUBLISH")
    assert reply.status == 400
    assert list(reply.detail) == ["completion_codes"]


def test_publish_holds_the_whole_cost_in_the_available_balance(env: Env) -> None:
    """§5.4, §5.5: available drops by reward x places + fees + VAT; total is unchanged."""
    before = env.balance()
    assert before == {"currency_code": "GBP", "total_balance": 100000,
                      "balance_breakdown": {"rewards": 75000, "fees": 25000, "vat": 0},
                      "available_balance": 100000,
                      "available_balance_breakdown": {"rewards": 75000, "fees": 25000,
                                                      "vat": 0}}
    env.published(total_available_places=3)  # 3 x (150 + 50)
    after = env.balance()
    assert after["total_balance"] == 100000
    assert after["available_balance"] == 100000 - 600


def test_publish_without_the_funds_is_400_and_the_draft_survives(make_env: MakeEnv) -> None:
    """§4.2, §5.4: "often insufficient funds" on publish; nothing is held."""
    env = make_env(Config(seed="t", balance=399))
    study = env.draft()  # costs 400
    reply = env.transition(study["id"], "PUBLISH")
    assert reply.status == 400
    assert reply.detail.startswith("Insufficient funds")
    assert env.study(study["id"])["status"] == "UNPUBLISHED"
    assert env.balance()["available_balance"] == 399


def test_approval_pays_reward_fee_and_vat_from_the_balance(make_env: MakeEnv) -> None:
    """§5.2, §5.4: fee = 1/3 of the reward, VAT on the fee, both charged on approval."""
    env = make_env(Config(seed="t", vat_fraction="0.2"))
    study = env.published()  # place: 150 + 50 fee + 10 VAT = 210
    assert env.balance()["available_balance"] == 100000 - 420
    submission = env.submit(study["id"])
    env.api.post(f"submissions/{submission}/transition/", {"action": "APPROVE"})
    balance = env.balance()
    assert balance["total_balance"] == 100000 - 210
    assert balance["available_balance"] == 100000 - 420
    entry = env.emu.ledger()["entries"][-1]
    assert (entry["kind"], entry["amount"], entry["fees"], entry["vat"], entry["total"]) == (
        "reward", 150, 50, 10, 210)
    assert entry["submission_id"] == submission


def test_stop_releases_what_no_one_will_be_paid(env: Env) -> None:
    """§5.4: STOP releases the unused part; submissions awaiting review stay held."""
    study = env.published(total_available_places=3)
    submission = env.submit(study["id"])
    env.transition(study["id"], "STOP")
    assert env.balance()["available_balance"] == 100000 - 200  # one place still to review
    env.api.post(f"submissions/{submission}/transition/", {"action": "APPROVE"})
    balance = env.balance()
    assert balance["total_balance"] == balance["available_balance"] == 100000 - 200


def test_fees_round_up_to_a_hundredth_of_a_minor_unit(make_env: MakeEnv) -> None:
    """§5.2: fractional fees appear as floats (283.34 for 850, the reference's example)."""
    env = make_env(Config(seed="t"))
    reply = env.api.post("study-cost-calculator/", {"reward": 850, "total_available_places": 1})
    assert reply.body == {"total_cost": 1133.34}
    reply = env.api.post("study-cost-calculator/", {"reward": 65, "total_available_places": 20})
    assert reply.body == {"total_cost": 1733.4}  # 20 x (65 + 21.67)


def test_the_fee_and_vat_are_settings(make_env: MakeEnv) -> None:
    """§5.2, §15: Config.fee_fraction and vat_fraction, seen on the user and the study."""
    env = make_env(Config(seed="t", fee_fraction="0.25", vat_fraction="0.2"))
    me = env.api.get("users/me/").body
    assert (me["fees_percentage"], me["vat_percentage"]) == (0.25, 0.2)
    reply = env.api.post("study-cost-calculator/", {"reward": 100, "total_available_places": 2})
    assert reply.body == {"total_cost": 2 * (100 + 25 + 5)}


def test_the_calculator_checks_its_input(env: Env) -> None:
    """§5.3: reward and total_available_places are required."""
    reply = env.api.post("study-cost-calculator/", {"reward": "a lot"})
    assert reply.status == 400
    assert set(reply.detail) == {"reward", "total_available_places"}


def test_study_cost_so_far_and_projected(env: Env) -> None:
    """§5.3: default is what was paid; is_projected=true adds what may still be paid."""
    study = env.published()
    env.api.post(f"submissions/{env.submit(study['id'])}/transition/", {"action": "APPROVE"})
    so_far = env.api.get(f"studies/{study['id']}/cost/").body
    assert so_far["rewards"]["rewards"] == {"amount": 150, "currency": "GBP"}
    assert so_far["rewards"]["fees"] == {"amount": 50, "currency": "GBP"}
    assert so_far["bonuses"]["rewards"]["amount"] == 0
    projected = env.api.get(f"studies/{study['id']}/cost/?is_projected=true").body
    assert projected["rewards"]["rewards"]["amount"] == 300
    assert projected["rewards"]["fees"]["amount"] == 100
    total = sum(leaf["amount"] for block in ("rewards", "bonuses")
                for leaf in projected[block].values())
    assert total == study["total_cost"] == 400


def test_the_user_shows_the_balance_and_the_minimum(env: Env) -> None:
    """§1.2: the fields clients read from GET /users/me/."""
    env.published()
    me = env.api.get("users/me/").body
    assert (me["balance"], me["available_balance"]) == (100000, 99600)
    assert me["minimum_reward_per_hour"] == 600
    assert me["currency_code"] == "GBP"


def test_a_top_up_adds_to_the_balance(env: Env) -> None:
    """§5.5: top-ups are web-only on Prolific; the side channel stands in for them."""
    reply = env.api.side("POST", f"workspaces/{env.workspace}/top-up", {"amount": 2500})
    assert reply.status == 200
    assert reply.body["total_balance"] == 102500
    assert env.balance()["available_balance"] == 102500
    entry = env.emu.ledger()["entries"][-1]
    assert (entry["kind"], entry["amount"], entry["total"], entry["balance"]) == (
        "top_up", 2500, 2500, 102500)
    assert env.api.side("POST", f"workspaces/{env.workspace}/top-up",
                        {"amount": -5}).status == 400
