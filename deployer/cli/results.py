"""`deploy results`: save every submission of the studies, and what is new to review."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deployer.cli.app import app
from deployer.cli.reconcile import (
    ENDPOINT_OPTION,
    ENV_OPTION,
    PROFILE_OPTION,
    STUDY_OPTION,
    _workspace,
)
from deployer.core.errors import DeployError
from deployer.core.text import plural

if TYPE_CHECKING:
    from deployer.core.provider import Progress


@app.command("results",
             short_help="Save every submission; add new ones to the review files.")
def results_command(
    env: str = ENV_OPTION,
    study: list[str] | None = STUDY_OPTION,
    fmt: str = typer.Option("csv", "--format", metavar="csv|jsonl",
                            help="csv (one column per answer) or jsonl."),
    out: Path | None = typer.Option(
        None, "--out", metavar="FOLDER", help="Write under this folder instead of results/."),
    worker_ids: str = typer.Option(
        "pseudonym", "--worker-ids", metavar="pseudonym|raw",
        help="pseudonym (default: a stable keyed hash) or raw (the platform's own IDs)."),
    refresh: bool = typer.Option(False, "--refresh", help="Fetch everything again."),
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
) -> None:
    """Save every submission of the studies to results/ENV/STUDY.csv (or .jsonl), and add a
    row for each new submission to reviews/ENV/STUDY.csv for your decisions and bonuses."""
    from deployer.core.results import pseudonym
    from deployer.engine.results import (
        FORMATS,
        RESULTS,
        REVIEWS,
        FileCache,
        add_review_rows,
        write_results,
    )
    from deployer.engine.session import check_environment, current_env, open_environment

    workspace, provider = _workspace()
    check_environment(provider, env)
    if fmt not in FORMATS:
        raise DeployError(f"unknown --format {fmt!r}: use csv or jsonl")
    if worker_ids not in ("pseudonym", "raw"):
        raise DeployError(f"unknown --worker-ids {worker_ids!r}: use pseudonym or raw")
    _path, _lock, env_lock = current_env(workspace, provider, env)
    names = _scope(env_lock.records, study, env)
    cache = FileCache(workspace.workdir / f"results-{provider.platform.name}-{env}.json", refresh)
    with open_environment(workspace, provider, env, endpoint_url, profile) as connection, \
            _progress() as progress:
        found = connection.submissions(env_lock, names, cache, progress)
    cache.save()
    key = env_lock.pseudonym_key

    def name(worker: str) -> str:
        return worker if worker_ids == "raw" else pseudonym(key, worker)

    base = (out or RESULTS) / env
    for each in sorted(names):
        mine = [s for s in found if s.study == each]
        written = write_results(base / f"{each}.{fmt}", mine, fmt, provider.platform, name)
        added = add_review_rows(REVIEWS / env / f"{each}.csv", mine, provider.platform, key)
        typer.echo(f"{written.path}: {plural(written.rows, 'submission')} "
                   f"({written.new} new); {REVIEWS / env / f'{each}.csv'}: "
                   f"{plural(added, 'row')} added for review")
    if worker_ids == "raw":
        typer.echo(f"Note: {base} holds raw worker IDs, which lead to the people who did the "
                   "work: keep those files out of git.", err=True)


def _scope(records: tuple[object, ...], only: list[str] | None, env: str) -> set[str]:
    recorded = {getattr(r, "study", "") for r in records} - {""}
    missing = sorted(set(only or ()) - recorded)
    if missing:
        raise DeployError(f"nothing of study {missing[0]} is recorded in {env.upper()}; "
                          f"`deploy apply --env {env}` posts it first")
    return set(only) if only else recorded


@contextmanager
def _progress() -> Iterator[Progress]:
    """A progress bar on a terminal (fetching thousands of HITs takes a while), else silence."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True) as bar:
        task = bar.add_task("Fetching submissions", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
