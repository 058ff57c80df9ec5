"""The Recorder: every change durable in the journal before it returns, the lockfile written
once at the end, and nothing lost when the apply dies, the disk fills or the file vanishes."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from deployer.core.errors import LockError
from deployer.core.records import EnvLock, Lock
from deployer.engine import journal, lockfile
from deployer.engine.recorder import Recorder
from deployer.providers.mturk.records import RecordedHit

FORMAT = lockfile.Format({"mturk": {"hits": RecordedHit}}, legacy_platform="mturk")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def hit(number: int, status: str = "live", **changes: object) -> RecordedHit:
    found = RecordedHit(address=f"pilot/b{number}", generation=1, token=f"dpl-{number}",
                        fingerprint="f", config_hash="c", created_with=9, max_assignments=9,
                        status="pending")
    if status != "pending":
        found = replace(found, status="live", hit_id=f"3HIT{number:026d}", created_at=NOW,
                        expires_at=NOW)
    return replace(found, **changes)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A lockfile with a production environment of 3 HITs, and sandbox's first apply to come."""
    path = tmp_path / "deploy.lock"
    production = EnvLock("mturk", "production", "prod-lineage",
                         records=tuple(hit(n) for n in (1, 2, 3)))
    lockfile.LockWriter(path, FORMAT).save(production)
    return path


def sandbox(path: Path) -> tuple[Lock, EnvLock]:
    lock = lockfile.ensure_env(lockfile.read(path, FORMAT), "mturk", "sandbox")
    env = lock.env("mturk", "sandbox")
    assert env is not None
    return lock, env


def journals(path: Path) -> list[Path]:
    return journal.pending(path)


def test_changes_go_to_the_journal_and_the_lockfile_is_written_once(project: Path) -> None:
    lock, env = sandbox(project)
    before = project.read_text()
    with Recorder(project, env, FORMAT, baseline=lock) as recorder:
        for number in range(1, 51):
            recorder.put(hit(number, "pending"))
            recorder.put(hit(number))
        recorder.update(RecordedHit, ("pilot/b7", 1), status="expired")
        recorder.applied("pilot", "c")
        assert project.read_text() == before  # per change: one journal line, no rewrite
        (found,) = journals(project)
        assert len(found.read_text().splitlines()) == 1 + 100 + 1 + 1
    saved = lockfile.read(project, FORMAT)
    env_now = saved.env("mturk", "sandbox")
    assert env_now is not None and env_now.serial == 1
    assert len(env_now.records) == 50 and env_now.applied == (("pilot", ("c",)),)
    assert {h.status for h in env_now.of(RecordedHit)} == {"live", "expired"}
    assert saved.env("mturk", "production") == lock.env("mturk", "production")
    assert journals(project) == []


def test_a_lockfile_deleted_during_the_apply_keeps_the_other_environments(
        project: Path) -> None:
    """A `git stash` in another terminal used to drop production's records in 8 of 10 runs."""
    lock, env = sandbox(project)
    production = lock.env("mturk", "production")
    with Recorder(project, env, FORMAT, baseline=lock) as recorder:
        recorder.put(hit(1))
        project.unlink()
        recorder.put(hit(2))
    saved = lockfile.read(project, FORMAT)
    assert saved.env("mturk", "production") == production
    assert len(saved.env("mturk", "sandbox").records) == 2  # type: ignore[union-attr]


CRASH = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_recorder import FORMAT, hit, sandbox
    from deployer.engine.recorder import Recorder
    path = Path({path!r})
    lock, env = sandbox(path)
    recorder = Recorder(path, env, FORMAT, baseline=lock)
    for number in range(1, 4):
        recorder.put(hit(number, "pending"))
        recorder.put(hit(number))
    recorder.put(hit(4, "pending"))
    os._exit(9)  # killed before the lockfile was written
""")


def crash(path: Path) -> None:
    script = CRASH.format(tests=str(Path(__file__).parent), path=str(path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 9, result.stderr


def test_after_a_crash_the_next_read_folds_the_journal_in(project: Path) -> None:
    crash(project)
    assert len(journals(project)) == 1
    assert lockfile.read_file(project, FORMAT).env("mturk", "sandbox") is None
    lock = lockfile.read(project, FORMAT)
    env = lock.env("mturk", "sandbox")
    assert env is not None
    assert [(h.address, h.status) for h in env.of(RecordedHit)] == [
        ("pilot/b1", "live"), ("pilot/b2", "live"), ("pilot/b3", "live"),
        ("pilot/b4", "pending")]
    assert journals(project) == []
    assert lockfile.read_file(project, FORMAT) == lock  # folded into the file itself
    assert env.serial == 1


def test_a_running_applys_journal_is_read_but_not_folded(project: Path) -> None:
    lock, env = sandbox(project)
    before = project.read_text()
    with Recorder(project, env, FORMAT, baseline=lock) as recorder:
        recorder.put(hit(1))
        seen = lockfile.read(project, FORMAT).env("mturk", "sandbox")
        assert seen is not None and [h.address for h in seen.records] == ["pilot/b1"]
        assert project.read_text() == before and len(journals(project)) == 1
        recorder.put(hit(2))
    assert len(lockfile.read(project, FORMAT).env("mturk", "sandbox").records) == 2  # type: ignore[union-attr]


def test_a_torn_last_line_is_left_out_but_a_damaged_one_inside_is_an_error(
        project: Path) -> None:
    crash(project)
    (found,) = journals(project)
    found.write_bytes(found.read_bytes() + b'{"put":"hits","rec')  # died mid-write
    env = lockfile.read(project, FORMAT).env("mturk", "sandbox")
    assert env is not None and len(env.records) == 4
    crash(project.with_name("other.lock"))
    (other,) = journals(project.with_name("other.lock"))
    lines = other.read_bytes().split(b"\n")
    other.write_bytes(b"\n".join([*lines[:2], b"{nonsense", *lines[2:]]))
    with pytest.raises(LockError, match="the apply journal is damaged"):
        lockfile.read(project.with_name("other.lock"), FORMAT)
    assert other.exists()


def test_a_journal_of_another_lineage_is_refused_and_kept(project: Path) -> None:
    crash(project)
    data = json.loads(project.read_text())
    data["environments"]["mturk/sandbox"] = {"lineage": "replaced", "serial": 4}
    project.write_text(json.dumps(data))
    with pytest.raises(LockError, match="has lineage replaced for it: the file was replaced"):
        lockfile.read(project, FORMAT)
    assert len(journals(project)) == 1


def test_a_full_disk_at_the_end_keeps_the_journal_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    big = EnvLock("mturk", "production", "prod", records=tuple(hit(n) for n in range(1, 40)))
    lockfile.LockWriter(path, FORMAT).save(big)  # about 15 KB
    lock, env = sandbox(path)
    recorder = Recorder(path, env, FORMAT, baseline=lock)
    recorder.put(hit(1))
    with pytest.raises(LockError) as caught, resource_limit():
        recorder.close()
    message = str(caught.value)
    assert message.startswith(f"cannot write {path}: File too large (the disk or your quota "
                              "is full). The 1 changes this apply made are safe in ")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".deploy", "deploy.lock"]
    assert len(journals(path)) == 1
    assert lockfile.read(path, FORMAT).env("mturk", "sandbox").records == (hit(1),)  # type: ignore[union-attr]
    assert journals(path) == []


def test_a_full_disk_during_the_apply_stops_before_the_call(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    lock, env = sandbox(path)
    with Recorder(path, env, FORMAT, baseline=lock) as recorder, resource_limit():
        with pytest.raises(LockError, match=r"cannot record the change in .*File too large"):
            for number in range(1, 100):
                recorder.put(hit(number))
        with pytest.raises(LockError, match="cannot record the change"):
            recorder.put(hit(100))  # once a line may be torn, nothing may follow it
    recorded = lockfile.read(path, FORMAT).env("mturk", "sandbox")
    assert recorded is not None and 0 < len(recorded.records) < 99


class resource_limit:
    """Files may grow to 4 KB within the block: more fails with EFBIG, as on a full disk."""

    def __enter__(self) -> None:
        self.soft, self.hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        self.previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, self.hard))

    def __exit__(self, *_: object) -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.soft, self.hard))
        signal.signal(signal.SIGXFSZ, self.previous)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only folders")
def test_a_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    lock, env = sandbox(path)
    recorder = Recorder(path, env, FORMAT, baseline=lock)
    recorder.put(hit(1))
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(LockError, match="the file or its folder is read-only"):
            recorder.close()
    finally:
        tmp_path.chmod(0o755)
    assert len(journals(path)) == 1


def test_a_full_disk_while_folding_a_crashed_applys_journal_is_a_clear_error(
        tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    big = EnvLock("mturk", "production", "prod", records=tuple(hit(n) for n in range(1, 40)))
    lockfile.LockWriter(path, FORMAT).save(big)
    crash(path)
    with pytest.raises(LockError) as caught, resource_limit():
        lockfile.read(path, FORMAT)
    assert str(caught.value).startswith("cannot fold the records of an interrupted apply (")
    assert "File too large (the disk or your quota is full); they stay safe in the journal" \
        in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".deploy", "deploy.lock"]
    assert len(journals(path)) == 1
    assert len(lockfile.read(path, FORMAT).env("mturk", "sandbox").records) == 4  # type: ignore[union-attr]
