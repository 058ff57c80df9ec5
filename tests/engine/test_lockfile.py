"""The lockfile: deterministic JSON, atomic writes, lineage/serial, the apply lock."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from deployer.core.errors import LockError
from deployer.engine import lockfile
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


def test_missing_lockfile_reads_as_empty(tmp_path: Path) -> None:
    assert lockfile.read(tmp_path / "deploy.lock").environments == {}


def test_round_trip_is_exact_and_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    env = lockfile.fresh_env("sandbox").with_hit(a_hit("survey/b1")).with_hit(a_hit())
    env = env.with_applied("emotion", "c" * 16)
    saved = lockfile.save_env(path, env)
    text = path.read_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert lockfile.read(path).env("sandbox") == saved
    assert [h.address for h in saved.hits] == ["emotion/b1", "survey/b1"]
    assert "secret" not in text.lower()


def test_every_write_increments_the_serial_and_keeps_other_environments(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    sandbox = lockfile.save_env(path, lockfile.fresh_env("sandbox"))
    production = lockfile.save_env(path, lockfile.fresh_env("production"))
    sandbox = lockfile.save_env(path, sandbox.with_hit(a_hit()))
    lock = lockfile.read(path)
    assert lock.env("sandbox") == sandbox and sandbox.serial == 2
    assert lock.env("production") == production and production.serial == 1


def test_a_replaced_lineage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    mine = lockfile.save_env(path, lockfile.fresh_env("sandbox"))
    lockfile.save_env(path.parent / "other.lock", lockfile.fresh_env("sandbox"))
    (path.parent / "other.lock").replace(path)
    with pytest.raises(LockError, match="lineage changed"):
        lockfile.save_env(path, mine)


def test_local_lock_lives_under_dot_deploy(tmp_path: Path) -> None:
    assert lockfile.lock_path(tmp_path, "local") == tmp_path / ".deploy" / "local.lock"
    assert lockfile.lock_path(tmp_path, "sandbox") == tmp_path / "deploy.lock"


def test_invalid_json_names_file_line_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text('{\n  "version": 1,\n<<<<<<< HEAD\n')
    with pytest.raises(LockError) as caught:
        lockfile.read(path)
    assert str(caught.value).startswith(f"{path}:3:1: the lockfile is not valid JSON")
    assert "merge conflict" in str(caught.value)


def test_unknown_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text('{"version": 99, "environments": {}}\n')
    with pytest.raises(LockError, match="lockfile version 99 is not supported"):
        lockfile.read(path)


def test_malformed_environment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text('{"version": 1, "environments": {"sandbox": {"serial": 1}}}\n')
    with pytest.raises(LockError, match="environment 'sandbox' is malformed"):
        lockfile.read(path)


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
