"""`deploy import` on MTurk: read HITs made elsewhere, check they can be one study, claim them.

Nothing is written here: the cli writes the study file and the lockfile from what this returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from deployer.core.errors import DeployError
from deployer.core.records import EnvLock
from deployer.core.study import Study
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.identity import parse_annotation
from deployer.providers.mturk.records import RecordedHit, adopted_record
from deployer.providers.mturk.spec.export import created_order, differences, study_files
from deployer.providers.mturk.study import Study as MTurkStudy

NO_TOKEN = ""  # an imported HIT was created without deploy's UniqueRequestToken


@dataclass(frozen=True)
class MTurkAdoption:
    """HITs that become the batches b1, b2, ... of the study `name`, oldest first."""

    name: str
    hits: tuple[ObservedHit, ...]
    files: tuple[tuple[str, str], ...]

    note = "MTurk cannot tag a HIT after it is made (its RequesterAnnotation is fixed)"

    @property
    def objects(self) -> tuple[str, ...]:
        return tuple(hit.hit_id for hit in self.hits)

    def records(self, study: Study) -> tuple[RecordedHit, ...]:
        if not isinstance(study, MTurkStudy):
            raise TypeError("MTurk HITs were handed another platform's study")
        # The study's own fingerprint and hash: the file was made to ask exactly what the HITs
        # ask (an ExternalQuestion's URL and frame height, an HTMLQuestion's page).
        return tuple(
            adopted_record(f"{self.name}/b{number}", 1, NO_TOKEN, study.fingerprint,
                           study.config_hash, hit)
            for number, hit in enumerate(self.hits, 1))


def adopt(mturk: MTurk, env: EnvLock, name: str, ids: Sequence[str],
          now: datetime) -> MTurkAdoption:
    wanted = list(dict.fromkeys(hit_id.strip() for hit_id in ids))
    environment = mturk.endpoint.environment
    _refuse_recorded(env, wanted)
    if any(h.study == name for h in env.of(RecordedHit)):
        raise DeployError(f"the lockfile records HITs of a study {name} in "
                          f"{environment.upper()} already (its file was removed, or renamed): "
                          "its batch names are taken; pick another --study name; nothing was "
                          "written")
    found = {hit_id: mturk.get_hit(hit_id) for hit_id in wanted}
    missing = [hit_id for hit_id, hit in found.items() if hit is None or hit.status == "Disposed"]
    if missing:
        raise DeployError(
            f"{'HIT' if len(missing) == 1 else 'HITs'} {', '.join(missing)} "
            f"{'does' if len(missing) == 1 else 'do'} not exist in {environment.upper()}: check "
            "the ID and --env (MTurk also forgets a HIT once it is deleted, or disposed of 120 "
            "days after its creation); nothing was written")
    hits = created_order([hit for hit in found.values() if hit is not None])
    _refuse_deploy_made(hits)
    why = differences(hits)
    if why:
        raise DeployError(f"{why}: a study's HITs share one HIT type and one question, so "
                          "import them as separate studies (one `deploy import` each); "
                          "nothing was written")
    files = study_files(name, hits, environment, now)
    return MTurkAdoption(name, tuple(hits), files.files)


def _refuse_recorded(env: EnvLock, wanted: list[str]) -> None:
    recorded = {h.hit_id: h.address for h in env.of(RecordedHit) if h.hit_id}
    known = [hit_id for hit_id in wanted if hit_id in recorded]
    if known:
        where = ", ".join(f"{hit_id} as {recorded[hit_id]}" for hit_id in known)
        study = recorded[known[0]].split("/")[0]
        raise DeployError(f"the lockfile already records {where} in "
                          f"{env.environment.upper()}: deploy manages it already; edit "
                          f"studies/{study}.yaml instead; nothing was written")


def _refuse_deploy_made(hits: list[ObservedHit]) -> None:
    for hit in hits:
        tag = parse_annotation(hit.annotation)
        if tag is not None:
            raise DeployError(
                f"HIT {hit.hit_id} was made by deploy, for {tag.address}: restore the lockfile "
                "that recorded it from git, or run `deploy apply --adopt "
                f"{tag.mark}` with studies/{tag.study}.yaml in place; nothing was written")
