"""Bonuses in two steps (reference §7, §14.3, §14.7): set up from a CSV in major units, then
pay; paying is not idempotent, and every pay call is recorded."""

from __future__ import annotations

from deployer.emulators.prolific import Config

from .conftest import Env, MakeEnv


def _setup(env: Env, study_id: str, csv: str) -> dict[str, object]:
    reply = env.api.post("submissions/bonus-payments/", {"study_id": study_id,
                                                         "csv_bonuses": csv})
    assert reply.status == 201, reply
    found: dict[str, object] = reply.body
    return found


def test_set_up_answers_201_in_minor_units_with_fees(env: Env) -> None:
    """§7: CSV amounts in major units (8.50 = 850 pence); fees one third; nothing charged."""
    study = env.published()
    person = env.emu.participants.create()
    env.submit(study["id"], participant_id=person)
    bulk = _setup(env, study["id"], f"{person},8.50\n")
    assert {k: bulk[k] for k in ("study", "amount", "fees", "vat", "total_amount")} == {
        "study": study["id"], "amount": 850, "fees": 283.34, "vat": 0, "total_amount": 1133.34}
    assert len(str(bulk["id"])) == 24
    assert env.balance()["total_balance"] == 100000
    assert env.emu.payments() == {"payments": [], "pay_calls": {}}


def test_rows_may_name_participants_or_submissions(env: Env) -> None:
    """§7: `<participant_or_submission_id>,<amount>`; amounts add up per row."""
    study = env.published()
    person = env.emu.participants.create()
    env.submit(study["id"], participant_id=person)
    other = env.submit(study["id"])
    bulk = _setup(env, study["id"], f"{person},1\r\n{other},0.25")
    assert (bulk["amount"], bulk["fees"]) == (125, 41.68)  # 33.34 + 8.34: rounded up per row


def test_every_id_must_have_taken_part_in_that_study(env: Env) -> None:
    """§7: a 400 naming the IDs that did not; nothing is set up."""
    study, elsewhere = env.published(), env.published()
    stranger = env.emu.participants.create()
    env.submit(elsewhere["id"], participant_id=stranger)
    member = env.emu.participants.create()
    env.submit(study["id"], participant_id=member)
    reply = env.api.post("submissions/bonus-payments/", {
        "study_id": study["id"], "csv_bonuses": f"{member},1.00\n{stranger},1.00\nabc,2"})
    assert reply.status == 400
    (message,) = reply.detail["csv_bonuses"]
    assert stranger in message and "abc" in message and member not in message


def test_bad_rows_are_400(env: Env) -> None:
    """§7: amounts above 0, at most two decimals; ID,amount; each ID once; <= 200 rows."""
    study = env.published(total_available_places=201)
    person = env.emu.participants.create()
    env.submit(study["id"], participant_id=person)
    for csv in (f"{person},0", f"{person},-1", f"{person},1.005", f"{person};1",
                f"{person},NaN", f"{person},1\n{person},2", ""):
        reply = env.api.post("submissions/bonus-payments/",
                             {"study_id": study["id"], "csv_bonuses": csv})
        assert reply.status == 400, csv
        assert "csv_bonuses" in reply.detail
    too_many = "\n".join(f"{person},1" for _ in range(201))
    reply = env.api.post("submissions/bonus-payments/",
                         {"study_id": study["id"], "csv_bonuses": too_many})
    assert "At most 200" in reply.detail["csv_bonuses"][0]


def test_pay_answers_202_and_charges_the_balance(env: Env) -> None:
    """§7: 202 with a JSON string; bonus, fee and VAT leave the balance; bonus_payments."""
    study = env.published()
    person = env.emu.participants.create()
    submission = env.submit(study["id"], participant_id=person)
    bulk = _setup(env, study["id"], f"{person},4.25")
    reply = env.api.post(f"bulk-bonus-payments/{bulk['id']}/pay/")
    assert reply.status == 202
    assert isinstance(reply.body, str)
    assert env.balance()["total_balance"] == 99433.33  # 100000 - 425 - 141.67
    assert env.submission(submission)["bonus_payments"] == [425]
    listed = env.api.get(f"studies/{study['id']}/submissions/").body["results"][0]
    assert listed["bonus_payments"] == [425]
    cost = env.api.get(f"studies/{study['id']}/cost/").body["bonuses"]
    assert (cost["rewards"]["amount"], cost["fees"]["amount"]) == (425, 141.67)


def test_a_second_pay_pays_again_and_is_recorded(env: Env) -> None:
    """§7, §12.1: NOT idempotent, as on Prolific; the side channel shows both calls so a
    test can assert that a client never repeats one."""
    study = env.published()
    person = env.emu.participants.create()
    submission = env.submit(study["id"], participant_id=person)
    bulk = _setup(env, study["id"], f"{person},1.00")
    for _ in range(2):
        assert env.api.post(f"bulk-bonus-payments/{bulk['id']}/pay/").status == 202
    assert env.submission(submission)["bonus_payments"] == [100, 100]
    payments = env.api.side("GET", "payments").body
    assert payments["pay_calls"] == {bulk["id"]: 2}
    assert [p["total_amount"] for p in payments["payments"]] == [133.34, 133.34]
    assert payments["payments"][0]["rows"] == [
        {"participant_id": person, "submission_id": submission, "amount": 100}]
    bonuses = [e for e in env.emu.ledger()["entries"] if e["kind"] == "bonus"]
    assert len(bonuses) == 2


def test_pay_can_be_asynchronous(make_env: MakeEnv) -> None:
    """§7: "in the following minutes": Config.bonus_pay_seconds; funds are held meanwhile."""
    env = make_env(Config(seed="t", bonus_pay_seconds=120))
    study = env.published()
    person = env.emu.participants.create()
    submission = env.submit(study["id"], participant_id=person)
    bulk = _setup(env, study["id"], f"{person},3")
    env.api.post(f"bulk-bonus-payments/{bulk['id']}/pay/")
    assert env.submission(submission)["bonus_payments"] == []
    assert env.balance()["available_balance"] == 100000 - 400 - 400
    assert env.emu.payments()["payments"][0]["paid_at"] is None
    env.emu.advance(120)
    assert env.submission(submission)["bonus_payments"] == [300]
    assert env.emu.payments()["payments"][0]["paid_at"] is not None


def test_pay_without_the_funds_is_refused(make_env: MakeEnv) -> None:
    """§7 (unknown failure mode): a 400 at the pay call, nothing charged or recorded."""
    env = make_env(Config(seed="t", balance=500))
    study = env.published()  # holds 400
    person = env.emu.participants.create()
    env.submit(study["id"], participant_id=person)
    bulk = _setup(env, study["id"], f"{person},1.00")  # 133.34 > 100 available
    reply = env.api.post(f"bulk-bonus-payments/{bulk['id']}/pay/")
    assert reply.status == 400
    assert reply.detail.startswith("Insufficient funds")
    assert env.emu.payments()["payments"] == []


def test_unknown_bulk_bonus_is_404_and_there_is_no_get(env: Env) -> None:
    """§7: no GET for a bulk bonus exists."""
    assert env.api.post(f"bulk-bonus-payments/{'0' * 24}/pay/").status == 404
    assert env.api.get(f"bulk-bonus-payments/{'0' * 24}/").status == 404
