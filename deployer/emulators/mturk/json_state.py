"""The whole state as one JSON document: the format of the JSON state files of old.

Until the state moved to SQLite, the emulator rewrote this document to a file after every
change. It is still read, once, to upgrade such a file (storage.py), and still written for
`GET /_emulator/state`, so the debugging view did not change.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from datetime import datetime
from typing import Any

from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.core.store import Store
from deployer.emulators.core.tables import Table
from deployer.emulators.mturk import schema
from deployer.emulators.mturk.backend import Backend, checked_offset
from deployer.emulators.mturk.config import Config
from deployer.emulators.mturk.records import BlockRec, TokenRec, UploadRec
from deployer.emulators.mturk.schema import BLOCKS, BONUSES, LEDGER, QUALS, TOKENS, UPLOADS

VERSION = 1
# Members of "state" that map an id to a record, and the tables that hold them.
KEYED: dict[str, Table[Any]] = {
    "hits": schema.HITS, "types": schema.TYPES, "assignments": schema.ASSIGNMENTS,
    "workers": schema.WORKERS, "qual_types": schema.QUAL_TYPES,
    "qual_requests": schema.QUAL_REQUESTS,
}
LISTED: dict[str, Table[Any]] = {"bonuses": BONUSES, "ledger": LEDGER,
                                 "messages": schema.MESSAGES, "events": schema.EVENTS}


def dump(emu: Backend) -> dict[str, Any]:
    db = emu.db
    state: dict[str, Any] = {name: {r.id: asdict(r) for r in table.where(db)}
                             for name, table in KEYED.items()}
    state.update({name: [asdict(r) for r in table.where(db)] for name, table in LISTED.items()})
    state["quals"] = {f"{q.type_id}:{q.worker_id}": asdict(q) for q in QUALS.where(db)}
    state["blocks"] = {b.worker_id: b.reason for b in BLOCKS.where(db)}
    state["tokens"] = {t.key: [t.issued, t.result] for t in TOKENS.where(db, order="issued")}
    state["uploads"] = {u.key: asdict(u) for u in UPLOADS.where(db)}
    state["balance"] = str(schema.read(db, "balance"))
    state["counter"] = int(schema.read(db, "counter"))
    return {"version": VERSION, "config": emu.config.to_json(), "clock_offset": emu.clock.offset,
            "faults": emu.faults.config.to_json(), "state": state}


def load(store: Store, data: dict[str, Any], base: datetime) -> None:
    """Fills an empty store with the document's state; `base` is the clock the offset is
    checked against. Raises KeyError, TypeError or ValueError on what no emulator wrote."""
    config = Config.from_json(data["config"])
    offset = checked_offset(data["clock_offset"], base)
    faults = FaultConfig(**data["faults"])
    state = data["state"]
    with store.transaction() as db:
        schema.create(db)
        schema.write_json(db, "config", config.to_json())
        schema.write(db, "clock_offset", offset)
        schema.write_json(db, "faults", faults.to_json())
        schema.write(db, "balance", str(state.get("balance", config.balance)))
        schema.write(db, "counter", int(state.get("counter", 0)))
        _records(db, state)


def _records(db: sqlite3.Connection, state: dict[str, Any]) -> None:
    keyed: list[tuple[str, Table[Any]]] = [*KEYED.items(), ("quals", QUALS)]
    for name, table in keyed:
        for fields in state.get(name, {}).values():
            table.put(db, table.record(**fields))
    for name, listed in LISTED.items():
        for fields in state.get(name, []):
            listed.put(db, listed.record(**fields))
    for worker_id, reason in state.get("blocks", {}).items():
        BLOCKS.put(db, BlockRec(worker_id, reason))
    for key, (issued, result) in state.get("tokens", {}).items():
        TOKENS.put(db, TokenRec(key, float(issued), result))
    for fields in state.get("uploads", {}).values():
        UPLOADS.put(db, UploadRec(**fields))
