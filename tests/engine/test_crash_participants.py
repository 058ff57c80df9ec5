"""Kill `deploy apply` and `deploy notify` (real processes, SIGKILL) while they create
qualification types, grant them, block workers, post compensation or send messages: a rerun
converges, and nothing exists or is sent twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from clihelp import client, write_study
from crashhelp import Served, deploy_process, lockfile_holds, serving


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("emu") / "state", "--latency-ms", "40") as served:
        yield served


def project(root: Path, served: Served) -> dict[str, str]:
    """Two studies of two HITs each, a declared type, blocks and compensation; their workers."""
    mark = root.name.lower()[-12:].replace("_", "-")
    (root / "studies").mkdir()
    write_study(root, f"a-{mark}", assignments=4, max_assignments_per_hit=2)
    write_study(root, f"b-{mark}", assignments=2, exclude=f"[a-{mark}]",
                qualifications=f"\n  - qualification: {{name: q-{mark}, exists: true}}")
    workers = {n: served.side("workers", {"Country": "US"})["WorkerId"] for n in "uvwxyz"}
    (root / "qualifications" / "local").mkdir(parents=True)
    (root / "qualifications" / f"q-{mark}.yaml").write_text("description: Screened.\n")
    (root / "qualifications" / "local" / f"q-{mark}.csv").write_text(
        "worker_id,value\n" + "".join(f"{workers[n]},1\n" for n in "uvwx"))
    (root / "workers" / "local").mkdir(parents=True)
    (root / "workers" / "local" / "blocked.csv").write_text(
        f"worker_id,reason\n{workers['y']},Spam\n{workers['z']},Bots\n")
    (root / "workers" / "local" / "compensation.csv").write_text(
        "worker_id,amount,reason\n" + "".join(f"{workers[n]},1.00,Crash {n}\n" for n in "uv"))
    return workers


def converged(root: Path, served: Served, workers: dict[str, str]) -> None:
    deploy_process(root, "apply", "--auto-approve", "--endpoint-url", served.url)
    mturk = client(served.url)
    lock = json.loads((root / ".deploy" / "local.lock").read_text())["environments"]
    types = lock["mturk/local"]["qualifications"]
    titles = [t["title"] for t in types]
    owned = [q["Name"] for q in mturk.list_qualification_types(
        MustBeRequestable=False, MustBeOwnedByCaller=True, MaxResults=100)["QualificationTypes"]]
    assert sorted(t for t in owned if t in titles) == sorted(titles), "a type created twice"
    declared = next(t for t in types if t["name"].startswith("qualification:"))
    granted = {q["WorkerId"] for q in mturk.list_workers_with_qualification_type(
        QualificationTypeId=declared["type_id"], MaxResults=100)["Qualifications"]}
    assert granted == {workers[n] for n in "uvwx"}
    blocked = {b["WorkerId"] for b in mturk.list_worker_blocks(MaxResults=100)["WorkerBlocks"]}
    assert {workers["y"], workers["z"]} <= blocked
    compensation = [h for h in mturk.list_hits(MaxResults=100)["HITs"]
                    if h["Title"] == "Compensation for earlier work"
                    and ":compensation-" in h["RequesterAnnotation"]
                    and any(f'"{h["HITId"]}"' in json.dumps(x)
                            for x in lock["mturk/local"]["hits"])]
    assert len(compensation) == 2, "a compensation HIT posted twice or not at all"
    out = deploy_process(root, "plan", "--endpoint-url", served.url)
    assert out.startswith("No changes."), out


@pytest.mark.slow
@pytest.mark.parametrize("moment", ['"qualifications": [', '"compensation-', '"blocks": ['])
def test_killed_while_shaping_who_may_work_converges_without_duplicates(
        tmp_path: Path, slow: Served, moment: str) -> None:
    workers = project(tmp_path, slow)
    deploy_process(tmp_path, "apply", "--auto-approve", "--endpoint-url", slow.url,
                   kill_when=lockfile_holds(tmp_path, moment))
    converged(tmp_path, slow, workers)


@pytest.mark.slow
def test_killed_while_notifying_never_sends_twice(tmp_path: Path, slow: Served) -> None:
    (tmp_path / "studies").mkdir()
    name = "n" + tmp_path.name.lower()[-20:].replace("_", "-")
    write_study(tmp_path, name, assignments=250, review="approve_all")
    deploy_process(tmp_path, "apply", "--auto-approve", "--endpoint-url", slow.url)
    hit = next(h["HITId"] for h in client(slow.url).list_hits(MaxResults=100)["HITs"]
               if f":{name}/b1#" in h["RequesterAnnotation"])
    for _ in range(250):
        worker = slow.side("workers", {"Country": "US"})["WorkerId"]
        assignment = slow.side("accept", {"WorkerId": worker, "HITId": hit})
        slow.side("submit", {"AssignmentId": assignment["AssignmentId"], "Answers": {}})
    deploy_process(tmp_path, "apply", "--auto-approve", "--endpoint-url", slow.url)
    notify = ("notify", "--study", name, "--subject", "Thanks", "--message", "Part two soon.",
              "--yes", "--endpoint-url", slow.url)
    deploy_process(tmp_path, *notify, kill_when=lockfile_holds(tmp_path, '"messages": ['))
    out = deploy_process(tmp_path, *notify)
    groups = json.loads((tmp_path / ".deploy" / "local.lock").read_text())[
        "environments"]["mturk/local"]["messages"]
    named = [who for group in groups for who in group["recipients"]]
    assert len(named) == len(set(named)) == 250, "a worker was messaged twice or not at all"
    assert "were not sent it again" in out or all(g["status"] == "sent" for g in groups)
    # What the emulator delivered, not only what the lockfile says: nobody got it twice.
    delivered = [m["WorkerId"] for m in slow.get("messages")["Messages"]
                 if m["Subject"] == "Thanks" and m["MessageText"] == "Part two soon."]
    assert len(delivered) == len(set(delivered)), "a worker was sent the message twice"
    assert 250 - _unsent(groups) <= len(delivered) <= 250  # (the lockfile holds pseudonyms)


def _unsent(groups: list[dict[str, object]]) -> int:
    """Recipients of groups a killed notify may have left unsent (not sent again, by design)."""
    return sum(len(g["recipients"]) for g in groups  # type: ignore[arg-type]
               if g["status"] != "sent")
