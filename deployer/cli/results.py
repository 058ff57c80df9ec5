"""`deploy results`: save every submission of the studies, and what is new to review."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
from deployer.cli.scope import PLATFORM_OPTION
from deployer.core.errors import DeployError
from deployer.core.text import plural

if TYPE_CHECKING:
    from deployer.core.provider import Progress, Provider
    from deployer.core.records import EnvLock
    from deployer.engine.workspace import Workspace


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
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Save every submission of the studies to results/ENV/STUDY.csv (or .jsonl), and add a
    row for each new submission to reviews/ENV/STUDY.csv for your decisions and bonuses."""
    from deployer.cli.scope import in_scope, studies
    from deployer.engine.results import FORMATS, RESULTS
    from deployer.engine.session import current_env

    if fmt not in FORMATS:
        raise DeployError(f"unknown --format {fmt!r}: use csv or jsonl")
    if worker_ids not in ("pseudonym", "raw"):
        raise DeployError(f"unknown --worker-ids {worker_ids!r}: use pseudonym or raw")
    ws, _ = _workspace()
    providers = in_scope(ws, env, platform, studies())
    records = [(p, current_env(ws, p, env)[2]) for p in providers]
    _scope(tuple(r for _, e in records for r in e.records), study, env)
    for provider, env_lock in records:
        recorded = _scope(env_lock.records, None, env)
        names = recorded & set(study) if study else recorded
        if names:
            _save(ws, provider, env_lock, names, Fetch(env, fmt, out, worker_ids, refresh,
                                                       endpoint_url, profile))
    if worker_ids == "raw":
        typer.echo(f"Note: {(out or RESULTS) / env} holds raw worker IDs, which lead to the "
                   "people who did the work: keep those files out of git.", err=True)


@dataclass(frozen=True)
class Fetch:
    env: str
    fmt: str
    out: Path | None
    worker_ids: str
    refresh: bool
    endpoint_url: str | None
    profile: str | None


def _save(ws: Workspace, provider: Provider, env_lock: EnvLock, names: set[str],
          fetch: Fetch) -> None:
    """One platform's submissions of `names`, into results/ and the review files."""
    from deployer.core.results import pseudonym
    from deployer.engine.results import RESULTS, REVIEWS, FileCache, add_review_rows, write_results
    from deployer.engine.session import open_environment

    env = fetch.env
    cache = FileCache(ws.workdir / f"results-{provider.platform.name}-{env}.json", fetch.refresh)
    with open_environment(ws, provider, env, fetch.endpoint_url, fetch.profile) as connection, \
            _progress() as progress:
        found = connection.submissions(env_lock, names, cache, progress)
    cache.save()
    key = env_lock.pseudonym_key

    def name(worker: str) -> str:
        return worker if fetch.worker_ids == "raw" else pseudonym(key, worker)

    base = (fetch.out or RESULTS) / env
    for each in sorted(names):
        mine = [s for s in found if s.study == each]
        written = write_results(base / f"{each}.{fetch.fmt}", mine, fetch.fmt,
                                provider.platform, name)
        added = add_review_rows(REVIEWS / env / f"{each}.csv", mine, provider.platform, key)
        typer.echo(f"{written.path}: {plural(written.rows, 'submission')} "
                   f"({written.new} new); {REVIEWS / env / f'{each}.csv'}: "
                   f"{plural(added, 'row')} added for review")


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
