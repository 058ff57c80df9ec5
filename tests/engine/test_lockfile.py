"""The lockfile: deterministic JSON, atomic writes, lineage/serial, versions, the apply lock."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from deployer.core.errors import LockError
from deployer.core.records import EnvLock, Lock
from deployer.core.results import lineage_key
from deployer.engine import lockfile, lockshape
from deployer.engine.workspace import Workspace
from deployer.providers.mturk.records import RecordedHit

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def a_hit(address: str = "emotion/b1", generation: int = 1, **changes: object) -> RecordedHit:
    hit = RecordedHit(
        address=address,
        generation=generation,
        token="dpl-token",
        fingerprint="f" * 16,
        config_hash="c" * 16,
        created_with=9,
        max_assignments=9,
        status="live",
        hit_id="3" + "A" * 29,
        hit_type_id="3" + "T" * 29,
        hit_group_id="3" + "G" * 29,
        created_at=NOW,
        expires_at=NOW,
    )
    return replace(hit, **changes)  # type: ignore[arg-type]


FORMAT = lockfile.Format({"mturk": {"hits": RecordedHit}}, legacy_platform="mturk")
FIXTURES = Path(__file__).parent / "fixtures"


def save(path: Path, env: EnvLock) -> EnvLock:
    return lockfile.LockWriter(path, FORMAT).save(env)


def read(path: Path) -> Lock:
    return lockfile.read(path, FORMAT)


def test_missing_lockfile_reads_as_empty(tmp_path: Path) -> None:
    assert read(tmp_path / "deploy.lock").environments == {}


def test_round_trip_is_exact_and_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    env = lockfile.fresh_env("mturk", "sandbox").with_record(a_hit("survey/b1"))
    env = env.with_record(a_hit()).with_applied("emotion", "c" * 16)
    saved = save(path, env)
    text = path.read_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert read(path).env("mturk", "sandbox") == saved
    assert [h.address for h in saved.of(RecordedHit)] == ["emotion/b1", "survey/b1"]
    data = json.loads(text)
    assert data["version"] == 2 and list(data["environments"]) == ["mturk/sandbox"]
    assert [h["address"] for h in data["environments"]["mturk/sandbox"]["hits"]] == [
        "emotion/b1", "survey/b1"]
    assert "secret" not in text.lower()


def test_every_write_increments_the_serial_and_keeps_other_environments(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    sandbox = save(path, lockfile.fresh_env("mturk", "sandbox"))
    production = save(path, lockfile.fresh_env("mturk", "production"))
    sandbox = save(path, sandbox.with_record(a_hit()))
    lock = read(path)
    assert lock.env("mturk", "sandbox") == sandbox and sandbox.serial == 2
    assert lock.env("mturk", "production") == production and production.serial == 1


def test_a_replaced_lineage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    mine = save(path, lockfile.fresh_env("mturk", "sandbox"))
    save(path.parent / "other.lock", lockfile.fresh_env("mturk", "sandbox"))
    (path.parent / "other.lock").replace(path)
    with pytest.raises(LockError, match="lineage changed"):
        save(path, mine)


def test_local_lock_lives_under_dot_deploy(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, {}, "mturk")
    assert workspace.lock_path("local") == tmp_path / ".deploy" / "local.lock"
    assert workspace.lock_path("sandbox") == tmp_path / "deploy.lock"


def test_invalid_json_names_file_line_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text('{\n  "version": 1,\n<<<<<<< HEAD\n')
    with pytest.raises(LockError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}:3:1: the lockfile is not valid JSON")
    assert "merge conflict" in str(caught.value)


def test_a_version_1_lockfile_is_read_and_upgraded_on_the_next_write(tmp_path: Path) -> None:
    """The fixture was written by deploy before lockfile version 2 (sandbox and production)."""
    path = tmp_path / "deploy.lock"
    shutil.copy(FIXTURES / "v1.deploy.lock", path)
    old = json.loads(path.read_text())
    assert old["version"] == 1
    lock = read(path)
    for name, before in old["environments"].items():
        env = lock.env("mturk", name)
        assert env is not None
        assert (env.lineage, env.serial) == (before["lineage"], before["serial"])
        assert [lockshape.encode_record(h) for h in env.records] == before["hits"]
        assert dict(env.applied) == {k: tuple(v) for k, v in before["applied"].items()}
    assert json.loads(path.read_text()) == old  # reading never rewrites

    sandbox = lock.env("mturk", "sandbox")
    assert sandbox is not None
    save(path, sandbox)
    new = json.loads(path.read_text())
    assert new["version"] == 2
    assert sorted(new["environments"]) == ["mturk/production", "mturk/sandbox"]
    production = old["environments"]["production"]
    assert new["environments"]["mturk/production"] == {
        **production, "pseudonym_key": lineage_key(production["lineage"])}
    upgraded = new["environments"]["mturk/sandbox"]
    assert upgraded["serial"] == old["environments"]["sandbox"]["serial"] + 1
    # The one addition: the key of its pseudonyms, drawn from its lineage so teammates agree.
    assert upgraded.pop("pseudonym_key") == lineage_key(upgraded["lineage"])
    assert {**upgraded, "serial": 0} == {**old["environments"]["sandbox"], "serial": 0}


def test_a_newer_lockfile_is_refused_and_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    text = '{"version": 3, "environments": {"mturk/sandbox": {"what": "the future"}}}\n'
    path.write_text(text)
    with pytest.raises(LockError, match="lockfile version 3 was written by a newer deploy"):
        read(path)
    with pytest.raises(LockError, match="newer deploy"):
        save(path, lockfile.fresh_env("mturk", "sandbox"))
    assert path.read_text() == text


def test_unknown_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text('{"version": "two", "environments": {}}\n')
    with pytest.raises(LockError, match="lockfile version 'two' is not supported"):
        read(path)


def test_an_unknown_platform_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text('{"version": 2, "environments": {"elsewhere/sandbox": {}}}\n')
    with pytest.raises(LockError, match="not an environment of a platform this deploy knows"):
        read(path)


def test_malformed_environment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text('{"version": 1, "environments": {"sandbox": {"serial": 1}}}\n')
    with pytest.raises(LockError, match=r'environments\["mturk/sandbox"\].lineage: missing'):
        read(path)


def test_apply_lock_is_exclusive_across_processes_and_names_the_holder(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from deployer.engine import lockfile
            with lockfile.apply_lock(Path({str(tmp_path)!r}), "sandbox", "deploy apply"):
                print("held", flush=True)
                sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "held"
    try:
        with pytest.raises(LockError) as caught, lockfile.apply_lock(tmp_path, "sandbox", "x"):
            pass
        message = str(caught.value)
        assert "another deploy holds the apply lock for SANDBOX" in message
        assert f"pid {holder.pid}" in message
        with lockfile.apply_lock(tmp_path, "production", "x"):
            pass  # other environments are not blocked
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    with lockfile.apply_lock(tmp_path, "sandbox", "x"):
        pass  # released when the holder exits


def test_apply_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from pathlib import Path
            from deployer.engine import lockfile
            with lockfile.apply_lock(Path({str(tmp_path)!r}), "local", "deploy apply"):
                print("held", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait(timeout=10)
    with lockfile.apply_lock(tmp_path, "local", "x"):
        pass
