"""Kill real `deploy apply` processes (SIGKILL) at every step of a Prolific study's create,
publish, growth, stop and bonus, and lose replies and get throttled: every rerun converges to
one Prolific study per address and no bonus paid twice (Prolific has no idempotency key on
create, and its bonus pay call pays again when repeated)."""

from __future__ import annotations

import csv
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from crashhelp import Served, deploy_process, lockfile_holds, serving

pytestmark = pytest.mark.slow

STUDY = """\
platform: prolific
title: Tone
description: Rate twenty short texts.
external_url: "https://tasks.example.net/tone?PROLIFIC_PID={{%PROLIFIC_PID%}}"
estimated_time: 10m
reward: "1.50"
places: 6
completion_codes:
  - {code: DONE1, type: completed}
"""


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Every API call takes 40 ms, so kills land between the calls of an apply."""
    with serving(tmp_path_factory.mktemp("emu") / "state", "--platform", "prolific",
                 "--latency-ms", "40") as served:
        yield served


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Throttling (429 with Retry-After), and server errors after the work was done."""
    with serving(tmp_path_factory.mktemp("emu") / "state", "--platform", "prolific",
                 "--throttle-rate", "30", "--throttle-burst", "6", "--fault-rate", "0.3",
                 "--fault-phase", "after", "--seed", "7") as served:
        yield served


def api(served: Served, path: str) -> Any:
    """GET from the emulator's API, as the test's own reader: through injected faults too."""
    ask = urllib.request.Request(f"{served.url}/api/v1/{path}",
                                 headers={"Authorization": "Token local-token"})
    for _ in range(20):
        try:
            with urllib.request.urlopen(ask, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            if error.code not in (429, 500):
                raise
            time.sleep(0.2)
    raise AssertionError(f"GET {path} kept failing")


def studies_of(served: Served, study: str) -> list[dict[str, Any]]:
    """The Prolific studies any deploy made for `study` (by their reserved names)."""
    found, page = [], api(served, "studies/?page_size=1000")
    found += page["results"]
    return [s for s in found if f":{study}/study#" in (s.get("internal_name") or "")]


def project(root: Path, text: str = STUDY) -> Path:
    (root / "studies").mkdir(exist_ok=True)
    (root / "studies" / f"{root.name.lower()}.yaml").write_text(text)
    return root


def apply(root: Path, served: Served, kill_when: Callable[[], bool] | None = None) -> str:
    return deploy_process(root, "apply", "--auto-approve", "--endpoint-url", served.url,
                          kill_when=kill_when)


def converged(root: Path, served: Served) -> None:
    out = deploy_process(root, "plan", "--endpoint-url", served.url)
    assert out.startswith("No changes."), out


def one_active(root: Path, served: Served, places: int = 6) -> dict[str, Any]:
    found = studies_of(served, root.name.lower())
    assert len(found) == 1, found
    assert found[0]["status"] == "ACTIVE" and found[0]["total_available_places"] == places
    return found[0]


@pytest.mark.parametrize("moment", ["intent", "created", "draft recorded"])
def test_a_killed_create_never_makes_a_second_study(tmp_path: Path, slow: Served,
                                                    moment: str) -> None:
    root = project(tmp_path)
    name = tmp_path.name.lower()
    when = {"intent": lockfile_holds(root, '"status":"pending"'),
            "created": lambda: bool(studies_of(slow, name)),
            "draft recorded": lockfile_holds(root, '"status":"draft"')}[moment]
    apply(root, slow, kill_when=when)
    apply(root, slow)
    converged(root, slow)
    one_active(root, slow)


def test_killed_growth_and_stop_converge(tmp_path: Path, slow: Served) -> None:
    root = project(tmp_path)
    name = tmp_path.name.lower()
    apply(root, slow)
    file = root / "studies" / f"{name}.yaml"
    file.write_text(STUDY.replace("places: 6", "places: 9"))
    # Growth and stop are one idempotent call each, recorded the moment it answers: the kill
    # lands between that record and the lockfile's fold (a window wide enough to hit every
    # time; an HTTP poll of the emulator was too slow to land before the record).
    apply(root, slow, kill_when=lockfile_holds(root, '"places": 9'))
    apply(root, slow)
    converged(root, slow)
    one_active(root, slow, places=9)
    file.write_text(STUDY.replace("places: 6", "places: 9") + "state: closed\n")
    apply(root, slow, kill_when=lockfile_holds(root, '"status": "stopped"'))
    apply(root, slow)
    converged(root, slow)
    assert [s["status"] for s in studies_of(slow, name)] == ["COMPLETED"]


def reviewed(root: Path, served: Served, people: int) -> Path:
    """A published study with `people` submissions, and its review file from results."""
    apply(root, served)
    study_id = studies_of(served, root.name.lower())[0]["id"]
    for _ in range(people):
        person = served.side("participants", {})["id"]
        reserved = served.side(f"studies/{study_id}/reserve", {"participant_id": person})
        served.side(f"submissions/{reserved['id']}/start", {})
        served.side(f"submissions/{reserved['id']}/complete", {"code": "DONE1"})
    deploy_process(root, "results", "--endpoint-url", served.url)
    return root / "reviews" / "local" / f"{root.name.lower()}.csv"


def decide(review: Path, bonus: str) -> list[str]:
    with open(review, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(decision="approve", bonus=bonus, bonus_reason="Thank you")
    with open(review, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [row["submission_id"] for row in rows]


def paid(served: Served, submission: str) -> int:
    """Minor units of bonus the submission received."""
    detail = api(served, f"submissions/{submission}/")
    return round(sum(detail["bonus_payments"]))


@pytest.mark.parametrize("moment", ['"status":"pending"', '"status":"set_up"',
                                    '"status":"paying"'])
def test_a_killed_bonus_is_never_paid_twice(tmp_path: Path, slow: Served, moment: str) -> None:
    root = project(tmp_path)
    submissions = decide(reviewed(root, slow, 3), "0.50")
    apply(root, slow, kill_when=lockfile_holds(root, moment))
    out = apply(root, slow)
    calls = slow.get("payments")["pay_calls"]
    assert all(count == 1 for count in calls.values()), calls
    amounts = [paid(slow, s) for s in submissions]
    assert all(amount in (0, 50) for amount in amounts), amounts
    # A pay call the kill cut short may or may not have arrived: that one bonus waits (and
    # the plan says so) rather than risk paying twice; every other is paid exactly once.
    assert amounts.count(0) <= 1
    if 0 in amounts:
        assert "deploy never pays it twice" in out
    else:
        converged(root, slow)


def until_applied(root: Path, served: Served) -> int:
    """Apply until one succeeds (each failed apply records what it did; the next carries
    on); how many failed."""
    for failed in range(15):
        try:
            apply(root, served)
            return failed
        except AssertionError:
            continue
    raise AssertionError("no apply succeeded in 15 tries")


def test_lost_replies_and_throttling_converge_without_duplicates(tmp_path: Path,
                                                                 faulty: Served) -> None:
    root = project(tmp_path)
    failures = until_applied(root, faulty)
    study_id = one_active(root, faulty)["id"]
    for _ in range(3):
        person = faulty.side("participants", {})["id"]
        reserved = faulty.side(f"studies/{study_id}/reserve", {"participant_id": person})
        faulty.side(f"submissions/{reserved['id']}/start", {})
        faulty.side(f"submissions/{reserved['id']}/complete", {"code": "DONE1"})
    deploy_process(root, "results", "--endpoint-url", faulty.url)
    submissions = decide(root / "reviews" / "local" / f"{root.name.lower()}.csv", "0.50")
    failures += until_applied(root, faulty)
    failures += until_applied(root, faulty)  # and once more: nothing is paid again
    assert failures > 0  # the faults did cut applies short
    calls = faulty.get("payments")["pay_calls"]
    assert len(calls) == 3 and all(count == 1 for count in calls.values()), calls
    assert [paid(faulty, s) for s in submissions] == [50, 50, 50]
    one_active(root, faulty)
