"""The side channel under `/_emulator/...`: simulated workers, clock, ledger, faults, preview.

Every route takes and returns JSON (the preview returns HTML). Errors answer 400
`{"error": "..."}`. The routes are documented in the README (emulator section).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from deployer.emulator.faults import FaultConfig
from deployer.emulator.models import Emulator
from deployer.emulator.workers import SimulationError

Route = Callable[[Emulator, dict[str, Any]], Any]


def _register(emu: Emulator, body: dict[str, Any]) -> Any:
    worker_id = emu.workers.register(
        body.get("WorkerId"), country=body.get("Country", "US"),
        subdivision=body.get("Subdivision"), adult=bool(body.get("Adult", False)),
        masters=bool(body.get("Masters", False)),
        approved_count=int(body.get("NumberHITsApproved", 0)),
        percent_approved=int(body.get("PercentAssignmentsApproved", 100)),
        qualifications={k: int(v) for k, v in body.get("Qualifications", {}).items()})
    return {"WorkerId": worker_id}


def _workers(emu: Emulator, body: dict[str, Any]) -> Any:
    with emu.lock:
        return {"Workers": [vars(w).copy() for w in emu.state.workers.values()]}


def _accept(emu: Emulator, body: dict[str, Any]) -> Any:
    return {"AssignmentId": emu.workers.accept(body["WorkerId"], body["HITId"])}


def _submit(emu: Emulator, body: dict[str, Any]) -> Any:
    answer = emu.workers.submit(body["AssignmentId"], body.get("Answers", {}))
    return {"AssignmentId": body["AssignmentId"], "Answer": answer}


def _return(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.workers.return_assignment(body["AssignmentId"])
    return {}


def _abandon(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.workers.abandon(body["AssignmentId"])
    return {}


def _clock(emu: Emulator, body: dict[str, Any]) -> Any:
    return {"Now": emu.now(), "Offset": emu.clock.offset}


def _advance(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.advance(float(body["Seconds"]))
    with emu.lock:
        emu.refresh()
    return _clock(emu, body)


def _ledger(emu: Emulator, body: dict[str, Any]) -> Any:
    return emu.workers.ledger()


def _faults(emu: Emulator, body: dict[str, Any]) -> Any:
    return emu.faults.config.to_json()


def _set_faults(emu: Emulator, body: dict[str, Any]) -> Any:
    with emu.lock:
        emu.faults.configure(emu.faults.config.updated(body))
    return _faults(emu, body)


def _reset_faults(emu: Emulator, body: dict[str, Any]) -> Any:
    with emu.lock:
        emu.faults.configure(FaultConfig())
    return _faults(emu, body)


def _state(emu: Emulator, body: dict[str, Any]) -> Any:
    return emu.to_json()


GET_ROUTES: dict[str, Route] = {
    "/_emulator/workers": _workers,
    "/_emulator/clock": _clock,
    "/_emulator/ledger": _ledger,
    "/_emulator/faults": _faults,
    "/_emulator/state": _state,
}
POST_ROUTES: dict[str, Route] = {
    "/_emulator/workers": _register,
    "/_emulator/accept": _accept,
    "/_emulator/submit": _submit,
    "/_emulator/return": _return,
    "/_emulator/abandon": _abandon,
    "/_emulator/clock/advance": _advance,
    "/_emulator/faults": _set_faults,
    "/_emulator/faults/reset": _reset_faults,
}


def call(route: Route, emu: Emulator, body: dict[str, Any]) -> tuple[int, Any]:
    try:
        return 200, route(emu, body)
    except (SimulationError, ValueError, KeyError, TypeError) as error:
        return 400, {"error": str(error) if not isinstance(error, KeyError)
                     else f"missing field {error}"}


def preview_page(emu: Emulator, group_id: str) -> tuple[int, str]:
    """A small stand-in for the worker site's preview of a HIT group."""
    with emu.lock:
        emu.refresh()
        hits = sorted((h for h in emu.state.hits.values()
                       if emu.hit_type(h).group_id == group_id), key=lambda h: (h.creation, h.id))
        rows = []
        for hit in hits:
            kind = emu.hit_type(hit)
            _, _, available, _ = emu.counts(hit)
            rows.append(f"<tr><td>{html.escape(hit.id)}</td><td>{html.escape(kind.title)}</td>"
                        f"<td>${Decimal(kind.reward):.2f}</td><td>{available}</td>"
                        f"<td>{emu.status(hit)}</td></tr>")
    title = f"HIT group {html.escape(group_id)}"
    body = ("<tr><td colspan=5>No HITs in this group.</td></tr>" if not rows else "".join(rows))
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>MTurk emulator worker preview</p><table border=1>"
            "<tr><th>HITId</th><th>Title</th><th>Reward</th><th>Available</th><th>Status</th>"
            f"</tr>{body}</table></body></html>")
    return (200 if rows else 404), page
