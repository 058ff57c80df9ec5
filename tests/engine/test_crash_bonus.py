"""Kill `deploy apply` (a real process, SIGKILL) while it pays bonuses: a rerun pays every
assignment exactly the total its review row asks for, never more, never less."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from clihelp import client, write_study
from crashhelp import Served, deploy_process, lockfile_holds, serving

WORKERS = 8


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Every MTurk call takes 40 ms, so kills land between the calls of an apply."""
    with serving(tmp_path_factory.mktemp("emu") / "state", "--latency-ms", "40") as served:
        yield served


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Throttling, and ServiceFaults after the work was done (the reply is lost)."""
    with serving(tmp_path_factory.mktemp("emu") / "state", "--latency-ms", "20",
                 "--throttle-rate", "25", "--throttle-burst", "5", "--fault-rate", "0.25",
                 "--fault-phase", "after", "--seed", "11") as served:
        yield served


def reviewed(root: Path, served: Served) -> Path:
    """A study whose HIT got WORKERS submissions, with its review file written by results."""
    (root / "studies").mkdir()
    name = root.name.lower()
    write_study(root, name, assignments=WORKERS)
    deploy_process(root, "apply", "--auto-approve", "--endpoint-url", served.url)
    hit_id = next(h["HITId"] for h in client(served.url).list_hits(MaxResults=100)["HITs"]
                  if f":{name}/b1#" in h["RequesterAnnotation"])
    for _ in range(WORKERS):
        worker = served.side("workers", {"Country": "US"})["WorkerId"]
        assignment = served.side("accept", {"WorkerId": worker, "HITId": hit_id})
        served.side("submit", {"AssignmentId": assignment["AssignmentId"],
                               "Answers": {"rating": "3"}})
    deploy_process(root, "results", "--endpoint-url", served.url)
    return root / "reviews" / "local" / f"{name}.csv"


def decide(review: Path, totals: list[str]) -> dict[str, Decimal]:
    """Approve every row and give row n the bonus totals[n]; assignment -> its total."""
    with open(review, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, total in zip(rows, totals, strict=True):
        row.update(decision="approve", bonus=total, bonus_reason="Thank you for your care")
    with open(review, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return {row["assignment_id"]: Decimal(total) for row, total in zip(rows, totals, strict=True)}


def paid(url: str, assignments: dict[str, Decimal]) -> dict[str, Decimal]:
    mturk = client(url)
    return {a: sum((Decimal(b["BonusAmount"]) for b in mturk.list_bonus_payments(
        AssignmentId=a, MaxResults=100)["BonusPayments"]), Decimal("0.00")) for a in assignments}


def converges(project: Path, served: Served, targets: dict[str, Decimal]) -> None:
    deploy_process(project, "apply", "--auto-approve", "--endpoint-url", served.url)
    assert paid(served.url, targets) == targets, "a bonus was paid twice or not at all"
    out = deploy_process(project, "plan", "--endpoint-url", served.url)
    assert out.startswith("No changes."), out


def kill_point(project: Path, served: Served, point: str) -> Callable[[], bool]:
    """The instant to kill apply: as the first bonus intent is written (the call may or may
    not follow), or once n bonuses are paid (n-th reply lost, or the next intent written)."""
    if point == "intent":
        return lockfile_holds(project, '"status": "pending"')
    before = served.bonuses_paid()
    return lambda: served.bonuses_paid() >= before + int(point)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["intent", "1", "3"])
def test_killed_while_paying_bonuses_pays_each_exactly_once(
        tmp_path: Path, slow: Served, point: str) -> None:
    review = reviewed(tmp_path, slow)
    targets = decide(review, ["0.25", "0.50", "0.75", "1.00", "1.25", "1.50", "1.75", "2.00"])
    apply = ("apply", "--auto-approve", "--endpoint-url", slow.url)
    deploy_process(tmp_path, *apply, kill_when=kill_point(tmp_path, slow, point))
    now = paid(slow.url, targets)
    assert all(now[a] in (Decimal(0), t) for a, t in targets.items())
    assert now != targets, "the kill came after every bonus was paid: it tested nothing"
    converges(tmp_path, slow, targets)
    # Raise some totals and kill again: only the differences are paid.
    raised = decide(review, ["0.50", "0.50", "1.00", "1.00", "2.00", "1.50", "2.00", "3.00"])
    deploy_process(tmp_path, *apply, kill_when=kill_point(tmp_path, slow, point))
    converges(tmp_path, slow, raised)


@pytest.mark.slow
@pytest.mark.parametrize("kill", [False, True])
def test_throttling_and_lost_replies_never_pay_twice(
        tmp_path: Path, faulty: Served, kill: bool) -> None:
    review = reviewed(tmp_path, faulty)
    targets = decide(review, ["0.10", "0.20", "0.30", "0.40", "0.50", "0.60", "0.70", "0.80"])
    if kill:
        deploy_process(tmp_path, "apply", "--auto-approve", "--endpoint-url", faulty.url,
                       kill_when=kill_point(tmp_path, faulty, "2"))
    converges(tmp_path, faulty, targets)
