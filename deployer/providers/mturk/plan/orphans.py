"""HITs on MTurk that carry a deploy annotation but whose IDs the lockfile does not hold.

Ours (this lockfile's lineage mark, or the mark named by `--adopt`) are adopted, never created
again. Another lockfile's are left alone; when this environment has no record yet, they are an
error, since the likeliest story is a lost lockfile and planning on would duplicate every HIT.
"""

from __future__ import annotations

from collections.abc import Collection

from deployer.core.findings import Findings, fail, warn
from deployer.core.text import plural
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.context import Context, Orphan
from deployer.providers.mturk.plan.identity import Tag, lineage_mark, parse_annotation
from deployer.providers.mturk.plan.question import read
from deployer.providers.mturk.study import Study


def find_orphans(
    ctx: Context, studies: Collection[str], adopt: str | None
) -> tuple[dict[str, Orphan], Findings]:
    """The newest unrecorded HIT of ours per batch, and notes on everything else found."""
    known = {h.hit_id for h in ctx.hits if h.hit_id}
    marks = {lineage_mark(ctx.lineage), *([adopt] if adopt else [])}
    ours: list[Orphan] = []
    foreign: list[tuple[Tag, ObservedHit]] = []
    for hit in ctx.observed.hits.values():
        tag = parse_annotation(hit.annotation)
        if tag is None or hit.hit_id in known:
            continue
        if tag.mark in marks:
            ours.append(Orphan(tag.address, tag.generation, tag.fingerprint, hit))
        elif tag.study in studies:
            foreign.append((tag, hit))
    chosen, found = _newest(ctx, ours)
    return chosen, found + _foreign(ctx, foreign)


def _newest(ctx: Context, candidates: list[Orphan]) -> tuple[dict[str, Orphan], Findings]:
    current = ctx.current
    chosen: dict[str, Orphan] = {}
    found = Findings()
    for orphan in sorted(candidates, key=lambda o: (o.address, -o.generation, o.hit.hit_id)):
        record = current.get(orphan.address)
        newer = record is None or orphan.generation > record.generation or (
            orphan.generation == record.generation and record.status == "pending")
        if newer and orphan.address not in chosen:
            chosen[orphan.address] = orphan
        else:
            found = found + warn(orphan.address, f"HIT {orphan.hit.hit_id} carries the "
                                 f"annotation of {orphan.address} (generation "
                                 f"{orphan.generation}) but another HIT holds that batch; "
                                 "deploy leaves it alone", "expire it by hand if it is a "
                                 "leftover duplicate")
    return chosen, found


def _foreign(ctx: Context, found: list[tuple[Tag, ObservedHit]]) -> Findings:
    """Per study and lockfile: an error while the study has no record here, else a warning."""
    groups: dict[tuple[str, str], list[ObservedHit]] = {}
    for tag, hit in found:
        groups.setdefault((tag.study, tag.mark), []).append(hit)
    recorded = {h.study for h in ctx.hits}
    notes = Findings()
    for (study, mark), hits in sorted(groups.items()):
        example = min(hit.hit_id for hit in hits)
        message = (f"MTurk has {len(hits)} HIT(s) of {study} made with another lockfile "
                   f"(lineage mark {mark}), e.g. {example}")
        if study in recorded:
            notes = notes + warn(study, message + "; deploy leaves them alone")
        else:
            notes = notes + fail(study, message, (
                "if this repository made them and its lockfile was lost, restore it from git "
                f"or run `deploy apply --adopt {mark}` to record them instead of creating "
                "duplicates; if another project made them, rename this study"))
    return notes


def strange(orphan: Orphan) -> Findings:
    # Never adopt or expire a HIT of a study this repository does not know: it may be another
    # project's HIT on the same account.
    return warn(orphan.address, f"HIT {orphan.hit.hit_id} carries a deploy annotation for "
                f"study {orphan.study}, which is neither in studies/ nor in the lockfile; "
                "deploy leaves it alone")


def imported_elsewhere(ctx: Context, study: Study) -> Findings:
    """Open HITs made outside deploy asking what a study with no record here asks, under its
    title: most likely HITs `deploy import` brought under it, recorded in a lockfile since
    lost (MTurk cannot tag them). Creating the study's HITs would post it a second time."""
    asked = read(study.question)
    found = sorted(hit.hit_id for hit in ctx.observed.strangers.values()
                   if hit.title == study.title and not hit.expired(ctx.now)
                   and read(hit.question) == asked)
    if not found:
        return Findings()
    listed = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
    return fail(study.name, f"MTurk has {plural(len(found), 'open HIT')} not made by deploy "
                f"({listed}) with the title and question of {study.path}, and the lockfile "
                "records none of them", (
                    f"if `deploy import` brought them under {study.name} and the lockfile was "
                    f"lost, restore it from git, or move {study.path} aside and import them "
                    f"again (`deploy import --env {ctx.environment} HIT_ID... --study "
                    f"{study.name}`); if they are another matter, expire them or give the "
                    "study another title"))
