"""Whether a simulated worker may accept a HIT, and if not, why, in words (reference §3.2, §4.3).

Messages name the HIT by its ID; a program that knows the HIT by another name (deploy's
`study/batch` address) can put that name in its place.
"""

from __future__ import annotations

from typing import Any

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import SimulationError
from deployer.emulators.mturk.records import HitRec, WorkerRec
from deployer.emulators.mturk.requirements import LOCALE, SYSTEM_TYPES, satisfies, worker_value
from deployer.emulators.mturk.schema import BLOCKS, QUAL_TYPES


def check_can_accept(emu: Backend, worker: WorkerRec, hit: HitRec) -> None:
    if BLOCKS.get(emu.db, worker.id) is not None:
        raise SimulationError(f"worker {worker.id} is blocked by this requester")
    if emu.db.execute("SELECT 1 FROM assignments WHERE hit_id = ? AND worker_id = ?",
                      (hit.id, worker.id)).fetchone():
        raise SimulationError(f"worker {worker.id} already took HIT {hit.id} (one assignment "
                              "per worker per HIT)")
    _check_open(emu, hit)
    failed = [describe(emu, worker, r) for r in emu.hit_type(hit).requirements
              if not satisfies(emu, worker, r)]
    if failed:
        raise SimulationError(f"worker {worker.id} does not meet the requirements of HIT "
                              f"{hit.id}: {'; '.join(failed)}")


def _check_open(emu: Backend, hit: HitRec) -> None:
    status = emu.status(hit)
    if status == "Assignable":
        return
    if emu.now() >= hit.expiration:
        why = "has expired"
    elif status == "Reviewing":
        why = "is Reviewing"
    else:
        why = "has no assignment left to accept"
    raise SimulationError(f"HIT {hit.id} {why}; it is {status}, not Assignable")


def describe(emu: Backend, worker: WorkerRec, requirement: dict[str, Any]) -> str:
    """One requirement and the worker's value, e.g. `"Took part in emotion" DoesNotExist (the
    worker has 1)`."""
    type_id = requirement["QualificationTypeId"]
    comparator = requirement["Comparator"]
    if type_id == LOCALE:
        places = ", ".join(_place(v.get("Country", ""), v.get("Subdivision"))
                           for v in requirement["LocaleValues"])
        here = _place(worker.country, worker.subdivision)
        return f"Worker_Locale {comparator} {places} (the worker is in {here})"
    values = " ".join(str(v) for v in requirement.get("IntegerValues", []))
    value = worker_value(emu, worker, type_id)
    has = "has none" if value is None else f"has {value}"
    rule = f"{_name(emu, type_id)} {comparator}{' ' + values if values else ''}"
    return f"{rule} (the worker {has})"


def _name(emu: Backend, type_id: str) -> str:
    if type_id in SYSTEM_TYPES:
        return SYSTEM_TYPES[type_id]
    if type_id == emu.masters_id:
        return "Masters"
    kind = QUAL_TYPES.get(emu.db, type_id)
    return f'"{kind.name}"' if kind is not None else type_id


def _place(country: str, subdivision: str | None) -> str:
    return f"{country}-{subdivision}" if subdivision else country
