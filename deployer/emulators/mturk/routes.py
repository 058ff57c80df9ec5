"""The side channel under `/_emulator/...`: simulated workers, clock, ledger, faults, preview.

Every route takes and returns JSON (the preview returns HTML). Errors answer 400
`{"error": "..."}`, a route called with the wrong method 405. The routes are documented in the
README (emulator section).
"""

from __future__ import annotations

import html
import json
import sqlite3
import sys
import traceback
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.core.server import Reply
from deployer.emulators.mturk import time_rules
from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.schema import HITS, TYPES
from deployer.emulators.mturk.workers import SimulationError

Route = Callable[[Emulator, dict[str, Any]], Any]
JSON = "application/json"
HTML = "text/html; charset=utf-8"
_MISSING = object()


def _json(status: int, body: Any, allow: str | None = None) -> Reply:
    headers = (("Allow", allow),) if allow else ()
    return Reply(status, json.dumps(body).encode("utf-8"), JSON, headers)


def _get(body: dict[str, Any], key: str, kind: type | tuple[type, ...],
         default: Any = _MISSING) -> Any:
    """One member of a route's body, of the JSON type the route documents."""
    value = body.get(key, default)
    if value is _MISSING:
        raise SimulationError(f"missing field {key!r}")
    if value is default:
        return value
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        shown = repr(value)
        shown = shown if len(shown) <= 80 else shown[:80] + "..."
        raise SimulationError(f"{key} must be {_kind_name(kind)}, not {shown}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             dict: "an object"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _register(emu: Emulator, body: dict[str, Any]) -> Any:
    worker_id = emu.workers.register(
        _get(body, "WorkerId", str, None), country=_get(body, "Country", str, "US"),
        subdivision=_get(body, "Subdivision", str, None),
        adult=_get(body, "Adult", bool, False), masters=_get(body, "Masters", bool, False),
        approved_count=_get(body, "NumberHITsApproved", int, 0),
        percent_approved=_get(body, "PercentAssignmentsApproved", int, 100),
        qualifications=_get(body, "Qualifications", dict, {}))
    return {"WorkerId": worker_id}


def _workers(emu: Emulator, body: dict[str, Any]) -> Any:
    return {"Workers": emu.workers.listed()}


def _accept(emu: Emulator, body: dict[str, Any]) -> Any:
    return {"AssignmentId": emu.workers.accept(_get(body, "WorkerId", str),
                                               _get(body, "HITId", str))}


def _submit(emu: Emulator, body: dict[str, Any]) -> Any:
    assignment_id = _get(body, "AssignmentId", str)
    answers = _get(body, "Answers", dict, {})
    bad = [k for k, v in answers.items() if not isinstance(v, (str, int, float))]
    if bad:
        raise SimulationError(f"Answers must map field names to text; {bad[0]!r} does not")
    answer = emu.workers.submit(assignment_id, answers)
    return {"AssignmentId": assignment_id, "Answer": answer}


def _return(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.workers.return_assignment(_get(body, "AssignmentId", str))
    return {}


def _abandon(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.workers.abandon(_get(body, "AssignmentId", str))
    return {}


def _clock(emu: Emulator, body: dict[str, Any]) -> Any:
    return {"Now": emu.now(), "Offset": emu.clock.offset}


def _advance(emu: Emulator, body: dict[str, Any]) -> Any:
    seconds = body.get("Seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float, str)):
        raise SimulationError(f"Seconds must be a number of seconds, not {seconds!r}")
    try:
        emu.advance(float(seconds))
    except OverflowError:
        raise ValueError(f"Seconds {seconds!r} is out of range") from None
    return _clock(emu, body)


def _ledger(emu: Emulator, body: dict[str, Any]) -> Any:
    return emu.workers.ledger()


def _faults(emu: Emulator, body: dict[str, Any]) -> Any:
    return emu.faults.config.to_json()


def _set_faults(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.set_faults(emu.faults.config.updated(body))
    return _faults(emu, body)


def _reset_faults(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.set_faults(FaultConfig())
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
PREVIEW = "/_emulator/preview"


def dispatch(emu: Emulator, method: str, path: str, query: str, raw: bytes) -> Reply:
    """Answers one side-channel request; a bug answers 500 rather than dropping the connection."""
    try:
        return _dispatch(emu, method, path, query, raw)
    except sqlite3.Error as error:
        traceback.print_exc(file=sys.stderr)
        return _json(500, {"error": f"the state file cannot be written: {error}"})
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        return _json(500, {"error": f"internal error: {type(error).__name__}: {error}"})


def _dispatch(emu: Emulator, method: str, path: str, query: str, raw: bytes) -> Reply:
    routes = GET_ROUTES if method == "GET" else POST_ROUTES
    allowed = [m for m, table in (("GET", GET_ROUTES), ("POST", POST_ROUTES)) if path in table]
    allowed += ["GET"] if path == PREVIEW else []
    if path == PREVIEW and method == "GET":
        status, page = preview_page(emu, parse_qs(query).get("groupId", [""])[0])
        return Reply(status, page.encode("utf-8"), HTML)
    if path not in routes:
        if allowed:
            text = f"{path} answers {' and '.join(allowed)} only, not {method}"
            return _json(405, {"error": text}, allow=", ".join(allowed))
        return _json(404, {"error": f"no route {path}"})
    if method == "GET":
        return _call(routes[path], emu, {})
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        return _json(400, {"error": "the body is not JSON"})
    if not isinstance(body, dict):
        return _json(400, {"error": "the body must be a JSON object"})
    return _call(routes[path], emu, body)


def _call(route: Route, emu: Emulator, body: dict[str, Any]) -> Reply:
    """One transaction, like an MTurk request: time-driven rules first, so a GET never shows a
    stale ledger or HIT status, then the route in a savepoint that a refusal undoes."""
    refused: Exception | None = None
    with emu.transaction():
        time_rules.refresh(emu)
        try:
            with emu.store.transaction():
                return _json(200, route(emu, body))
        except (SimulationError, ValueError, TypeError) as error:
            refused = error
    return _json(400, {"error": str(refused)})


def preview_page(emu: Emulator, group_id: str) -> tuple[int, str]:
    """A small stand-in for the worker site's preview of a HIT group."""
    with emu.transaction() as db:
        time_rules.refresh(emu)
        kinds = [t.id for t in TYPES.where(db, "group_id = ?", (group_id,))]
        hits = HITS.where(db, f"type_id IN ({', '.join('?' for _ in kinds)})", kinds,
                          order="creation, id")
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
