"""Who may work, through the CLI and the emulator's simulated workers: one response per
person, exclusions, follow-ups, qualification types and blocks as code, compensation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from clihelp import all_hits, client, deploy, write_study

from deployer.emulators.mturk import EmulatorServer
from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.workers import SimulationError

Capsys = pytest.CaptureFixture[str]


def hits_of(url: str, study: str) -> list[str]:
    """The study's open HITs, by batch."""
    found = [h for h in all_hits(url) if f":{study}/b" in h["RequesterAnnotation"]
             and h["HITStatus"] == "Assignable"]
    return [h["HITId"] for h in sorted(found, key=lambda h: h["RequesterAnnotation"])]


def can_take(emulator: Emulator, worker: str, hit_id: str) -> bool:
    try:
        emulator.workers.accept(worker, hit_id)
    except SimulationError:
        return False
    return True


def takes_part(emulator: Emulator, worker: str, hit_id: str) -> str:
    assignment = emulator.workers.accept(worker, hit_id)
    emulator.workers.submit(assignment, {"rating": "3"})
    return assignment


@pytest.fixture
def apply(project: Path, served: tuple[str, Emulator], capsys: Capsys) -> Callable[..., str]:
    def run(*extra: str) -> str:
        result = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", served[0], *extra)
        assert result.code == 0, result.out + result.err
        again = deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", served[0])
        assert again.code == 0, again.out  # converged
        return result.out
    return run


def test_one_response_per_person_exclusions_and_follow_ups(
        project: Path, served: tuple[str, Emulator], apply: Callable[..., str]) -> None:
    url, emulator = served
    write_study(project, "survey", assignments=6, max_assignments_per_hit=3)
    first = apply()
    assert "+ survey/participants" in first and "DoesNotExist" in first
    b1, b2 = hits_of(url, "survey")
    alice, bob, carol = (emulator.workers.register() for _ in range(3))
    takes_part(emulator, alice, b1)
    granted = apply()
    assert "1 to grant" in granted and alice not in granted
    assert not can_take(emulator, alice, b2)  # took part in b1: b2 is not for her
    assert can_take(emulator, bob, b2)

    write_study(project, "main", assignments=3, exclude="[survey]")
    write_study(project, "followup", assignments=3, only="[survey]")
    write_study(project, "approved", assignments=3, only="[{study: survey, approved: true}]")
    apply()
    (main,), (followup,), (approved,) = (hits_of(url, s) for s in ("main", "followup",
                                                                    "approved"))
    assert not can_take(emulator, alice, main) and can_take(emulator, carol, main)
    assert can_take(emulator, alice, followup) and not can_take(emulator, carol, followup)
    assert not can_take(emulator, alice, approved)  # her work is not approved yet

    review = project / "reviews" / "local" / "survey.csv"
    deploy_results = client(url).list_assignments_for_hit(HITId=b1)["Assignments"]
    (assignment,) = [a["AssignmentId"] for a in deploy_results]
    review.parent.mkdir(parents=True)
    review.write_text("assignment_id,worker,submitted_at,decision,feedback,bonus,bonus_reason\n"
                      f"{assignment},,,approve,,,\n")
    rescored = apply()  # approved and re-scored in one apply
    assert "1 -> 2" in rescored and "1 to approve" in rescored
    assert can_take(emulator, alice, approved)


def test_a_hit_in_use_is_not_replaced_when_the_default_arrives(
        project: Path, served: tuple[str, Emulator], apply: Callable[..., str],
        capsys: Capsys) -> None:
    url, emulator = served
    write_study(project, "legacy", assignments=3)
    apply()
    (b1,) = hits_of(url, "legacy")
    worker = emulator.workers.register()
    takes_part(emulator, worker, b1)
    write_study(project, "legacy", assignments=6, max_assignments_per_hit=3)
    planned = deploy(capsys, "plan", "--endpoint-url", url)
    assert "must be replaced" not in planned.out
    assert f"HIT {b1} has accepted work, so it keeps its HIT type" in planned.out
    assert "+ legacy/b2" in planned.out and "+ legacy/participants" in planned.out
    result = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert result.code == 0, result.err
    assert hits_of(url, "legacy")[0] == b1  # still the same HIT
    assert not can_take(emulator, worker, hits_of(url, "legacy")[1])


def qualification(project: Path, name: str, body: str, grants: str | None = None,
                  env: str = "local") -> None:
    folder = project / "qualifications"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(body)
    if grants is not None:
        (folder / env).mkdir(exist_ok=True)
        (folder / env / f"{name}.csv").write_text("worker_id,value\n" + grants)


def test_qualification_types_as_code_follow_a_study_between_environments(
        project: Path, served: tuple[str, Emulator], apply: Callable[..., str],
        capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    url, emulator = served
    alice, bob = emulator.workers.register(), emulator.workers.register()
    qualification(project, "native", "description: Native speakers, by our screening.\n",
                  f"{alice},1\n{bob},0\n")
    write_study(project, "speech", assignments=2,
                qualifications="\n  - qualification: {name: native, at_least: 1}")
    created = apply()
    assert "+ qualification/native" in created and "2 to grant" in created
    (hit,) = hits_of(url, "speech")
    assert can_take(emulator, alice, hit) and not can_take(emulator, bob, hit)

    qualification(project, "native", "description: Native speakers, by our screening.\n",
                  f"{alice},1\n")
    changed = apply()
    assert "1 to revoke" in changed

    # A changed description is updated in place (UpdateQualificationType); a removed file's
    # type is deleted (DeleteQualificationType) and leaves MTurk's lists.
    native_id = next(iter(_owned_types(url)))
    qualification(project, "native", "description: Native speakers, screened twice.\n",
                  f"{alice},1\n")
    assert f"qualification type {native_id} updated" in apply()
    assert _owned_types(url)[native_id] == "Native speakers, screened twice."
    qualification(project, "spare", "description: Not used by any study yet.\n")
    apply()
    (spare_id,) = set(_owned_types(url)) - {native_id}
    (project / "qualifications" / "spare.yaml").unlink()
    assert f"qualification type {spare_id} disposed of" in apply()
    assert list(_owned_types(url)) == [native_id]
    with pytest.raises(client(url).exceptions.RequestError, match="does not exist"):
        client(url).get_qualification_type(QualificationTypeId=spare_id)

    # The same study file in another environment: the type is created there under an ID of its
    # own, and granted to that environment's workers (qualifications/sandbox/native.csv).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    other = Emulator()
    dave = other.workers.register()
    qualification(project, "native", "description: Native speakers, by our screening.\n",
                  f"{dave},1\n", env="sandbox")
    with EmulatorServer(other) as sandbox:
        second = deploy(capsys, "apply", "--auto-approve", "--env", "sandbox",
                        "--endpoint-url", sandbox.url)
        assert second.code == 0, second.out + second.err
        (there,) = hits_of(sandbox.url, "speech")
        assert can_take(other, dave, there)
        local_type = client(url).list_qualification_types(
            Query="native", MustBeRequestable=False)["QualificationTypes"][0]
        sandbox_type = client(sandbox.url).list_qualification_types(
            Query="native", MustBeRequestable=False)["QualificationTypes"][0]
    assert local_type["QualificationTypeId"] != sandbox_type["QualificationTypeId"]


def _owned_types(url: str) -> dict[str, str]:
    """Type ID -> description of every qualification type the emulator's requester owns."""
    found = client(url).list_qualification_types(MustBeRequestable=False,
                                                 MustBeOwnedByCaller=True)
    return {t["QualificationTypeId"]: t["Description"] for t in found["QualificationTypes"]}


def test_a_custom_type_id_unknown_here_is_a_plan_error(
        project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    write_study(project, "pilot", qualifications="\n  - custom: {id: "
                "3ABCDEFGHIJKLMNOPQRSTUVWXYZ01, comparator: exists}")
    result = deploy(capsys, "plan", "--endpoint-url", served[0])
    assert result.code == 1
    assert ("studies/pilot.yaml requires qualification type 3ABCDEFGHIJKLMNOPQRSTUVWXYZ01, "
            "which does not exist in LOCAL") in result.out


def test_blocks_as_code_lift_only_what_deploy_blocked(
        project: Path, served: tuple[str, Emulator], apply: Callable[..., str]) -> None:
    url, emulator = served
    write_study(project, "pilot", assignments=3)
    spammer, other = emulator.workers.register(), emulator.workers.register()
    blocked = project / "workers" / "local" / "blocked.csv"
    blocked.parent.mkdir(parents=True)
    blocked.write_text(f"worker_id,reason\n{spammer},Copied answers\n")
    out = apply()
    assert "1 to block" in out and spammer not in out
    (hit,) = hits_of(url, "pilot")
    assert not can_take(emulator, spammer, hit)
    client(url).create_worker_block(WorkerId=other, Reason="by hand")
    blocked.write_text("worker_id,reason\n")
    lifted = apply()
    assert "1 to unblock" in lifted
    assert "1 worker(s) blocked outside deploy stay blocked" in lifted
    assert [b["WorkerId"] for b in client(url).list_worker_blocks()["WorkerBlocks"]] == [other]


def test_compensation_posts_one_hit_only_its_worker_sees_once(
        project: Path, served: tuple[str, Emulator], apply: Callable[..., str]) -> None:
    url, emulator = served
    owed, stranger = emulator.workers.register(), emulator.workers.register()
    paid = project / "workers" / "local" / "compensation.csv"
    paid.parent.mkdir(parents=True)
    paid.write_text(f"worker_id,amount,reason\n{owed},2.00,The task crashed before submit.\n")
    out = apply()
    assert "+ compensation/qualification" in out and "1 to grant" in out
    assert owed not in out
    (hit,) = [h for h in all_hits(url) if h["Title"] == "Compensation for earlier work"]
    assert hit["Reward"] == "2.00" and hit["MaxAssignments"] == 1
    assert not can_take(emulator, stranger, hit["HITId"])
    takes_part(emulator, owed, hit["HITId"])
    ledger = emulator.workers.ledger()["Entries"]
    assert [(e["WorkerId"], e["Amount"]) for e in ledger] == [(owed, "2.00")]
    apply()  # nothing posted twice
    assert len([h for h in all_hits(url) if h["Title"] == "Compensation for earlier work"]) == 1


def test_notify_sends_each_worker_a_message_once_and_reports_who_it_missed(
        project: Path, served: tuple[str, Emulator], apply: Callable[..., str],
        capsys: Capsys) -> None:
    url, emulator = served
    write_study(project, "pilot", assignments=3, review="approve_all")
    apply()
    (hit,) = hits_of(url, "pilot")
    first, second = emulator.workers.register(), emulator.workers.register()
    takes_part(emulator, first, hit)
    apply()  # approves it
    takes_part(emulator, second, hit)  # submitted, not reviewed yet
    args = ("notify", "--study", "pilot", "--subject", "A follow-up study",
            "--message", "Thank you! A second part opens next week.", "--yes",
            "--endpoint-url", url)
    sent = deploy(capsys, *args, "--to", "approved")
    assert sent.code == 0, sent.err
    assert sent.out.endswith("Sent to 1 worker.\n")
    again = deploy(capsys, *args, "--to", "approved")
    assert again.out.endswith("Sent to 0 workers.\n1 worker had it already.\n")
    everyone = deploy(capsys, *args, "--to", "all")
    assert everyone.code == 1  # MTurk only lets you message workers whose work you reviewed
    assert "could not be notified" in everyone.err and second not in everyone.err
    assert "SoftFailure" in everyone.err
    lock = (project / ".deploy" / "local.lock").read_text()
    assert first not in lock and second not in lock
    refused = deploy(capsys, "notify", "--study", "pilot", "--subject", "x" * 201,
                     "--message", "m", "--yes", "--endpoint-url", url)
    assert refused.err == "error: --subject must have 1 to 200 characters (it has 201)\n"
