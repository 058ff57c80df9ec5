"""The pull-request workflow `deploy init --ci github` writes into a study repository.

The workflow's text (workflow.yml beside this module) is the project's knowledge of how studies
are reviewed and applied from CI, not any platform's. What varies per repository is how CI
installs deploy: a pip requirement pinned to a commit, so every run installs the same code.
"""

from __future__ import annotations

import json
import re
from importlib import metadata, resources
from pathlib import Path

from deployer.core.errors import DeployError

DISTRIBUTION = "deploy-studies"
WORKFLOWS = {"github": Path(".github/workflows/studies.yml")}
# Written when deploy cannot tell where it came from; the workflow refuses to run until edited.
PLACEHOLDER = f"{DISTRIBUTION} @ git+https://github.com/OWNER/REPO@COMMIT"
_SLOT = "@DEPLOY_PACKAGE@"
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def installed_from(distribution: str = DISTRIBUTION) -> str | None:
    """The requirement that reinstalls this very deploy, when pip recorded a git commit for it
    (PEP 610 direct_url.json); None for an editable, local or index install."""
    try:
        text = metadata.distribution(distribution).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    return requirement_from_direct_url(text, distribution) if text else None


def requirement_from_direct_url(text: str, distribution: str = DISTRIBUTION) -> str | None:
    try:
        found = json.loads(text)
        url, vcs = str(found["url"]), found.get("vcs_info") or {}
    except (ValueError, KeyError, TypeError):
        return None
    commit = vcs.get("commit_id") if isinstance(vcs, dict) else None
    if vcs.get("vcs") != "git" or not commit or not url.startswith("https://"):
        return None  # a local path or an ssh URL means nothing to a CI runner
    return f"{distribution} @ git+{url}@{commit}"


def check_requirement(requirement: str) -> str:
    """The pip requirement CI installs deploy with, refused when it cannot install the same
    deploy every time."""
    spec = requirement.strip()
    name = _NAME.match(spec)
    if not name or any(c in spec for c in '"\\\n\r\t$`'):
        raise DeployError(f"--install {requirement!r} is not a pip requirement deploy can write "
                          f'into the workflow; give one like "{PLACEHOLDER}"')
    if re.sub(r"[-_.]+", "-", name.group(1).lower()) == "deploy":
        raise DeployError(f"--install {requirement!r}: `deploy` on the package index is an "
                          f"unrelated project; this one is {DISTRIBUTION}, installed from git "
                          f'like "{PLACEHOLDER}"')
    url = spec[spec.find("git+"):].split("#")[0] if "git+" in spec else ""
    if url and "@" not in url.rsplit("/", 1)[-1]:
        raise DeployError(f"--install {requirement!r} follows a branch, so two runs may install "
                          f"different code; end the URL with @ and a commit or tag, like "
                          f'"{PLACEHOLDER}"')
    return spec


def render(requirement: str) -> str:
    text = resources.files(__package__).joinpath("workflow.yml").read_text(encoding="utf-8")
    return text.replace(_SLOT, requirement)


def write_workflow(root: Path, ci: str, requirement: str) -> Path:
    """Write the workflow for `ci` under root; never over an existing file."""
    path = check_target(root, ci)
    target = root / path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(render(requirement))
    except FileExistsError:
        raise DeployError(_exists(path)) from None
    except OSError as error:
        raise DeployError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def check_target(root: Path, ci: str) -> Path:
    """Where the workflow for `ci` goes, relative to root: refused unless root looks like a
    study repository and the file is not there yet."""
    path = WORKFLOWS.get(ci)
    if path is None:
        raise DeployError(f"unknown --ci {ci!r}: deploy writes a workflow for "
                          f"{', '.join(sorted(WORKFLOWS))}")
    if not (root / "studies").is_dir() and not (root / ".git").exists():
        raise DeployError(f"no studies/ folder and no .git in {root}; run deploy init --ci "
                          "from your study repository's root folder")
    if (root / path).exists():
        raise DeployError(_exists(path))
    return path


def _exists(path: Path) -> str:
    return (f"{path} already exists; deploy leaves it alone (edit it, or move it away to "
            "write a fresh one)")
