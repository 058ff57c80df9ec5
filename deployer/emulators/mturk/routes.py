"""The side channel under `/_emulator/...`: simulated workers, clock, ledger, deliveries, faults,
and the pages a worker's browser would load (pages.py).

Every JSON route takes and answers members in PascalCase, as MTurk's own API does, in both
directions: what `GET /_emulator/workers` lists is what `POST /_emulator/workers` takes. Errors
answer 400 `{"error": "..."}`, a route called with the wrong method 405. The routes are
documented in the README (emulator section).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.core.server import Reply
from deployer.emulators.mturk import pages, time_rules
from deployer.emulators.mturk.exceptions import SimulationError
from deployer.emulators.mturk.forms import Answers
from deployer.emulators.mturk.models import Emulator

Route = Callable[[Emulator, dict[str, Any]], Any]
JSON = "application/json"
_MISSING = object()
# FaultConfig's settings by the names the side channel uses for them.
FAULT_KEYS = {"ThrottleRate": "throttle_rate", "ThrottleBurst": "throttle_burst",
              "FaultRate": "fault_rate", "FaultPhase": "fault_phase", "LatencyMs": "latency_ms",
              "Seed": "seed"}


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
    worker_id, hit_id = _get(body, "WorkerId", str), _get(body, "HITId", str)
    assignment_id = emu.workers.accept(worker_id, hit_id)
    return _assignment(emu, assignment_id)


def _assignment(emu: Emulator, assignment_id: str) -> dict[str, Any]:
    """What the worker sees of an assignment: its HIT and the times that matter."""
    found = emu.workers.assignment(assignment_id)
    out = {"AssignmentId": found.id, "HITId": found.hit_id, "WorkerId": found.worker_id,
           "AssignmentStatus": found.status, "Deadline": found.deadline}
    if found.auto_approval_time is not None:
        out["AutoApprovalTime"] = found.auto_approval_time
    return out


def _held(emu: Emulator, body: dict[str, Any]) -> str:
    """The assignment a body names: by AssignmentId, or by WorkerId and HITId."""
    if "AssignmentId" in body or "WorkerId" not in body:
        return str(_get(body, "AssignmentId", str))
    return emu.workers.held_by(_get(body, "WorkerId", str), _get(body, "HITId", str))


def _answers(body: dict[str, Any]) -> Answers | None:
    """Answers: field -> text (or a list of texts for several choices); absent: made up."""
    answers = _get(body, "Answers", dict, None)
    if answers is None:
        return None
    for name, value in answers.items():
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                 for v in values):
            raise SimulationError(f"Answers must map field names to text; {name!r} does not")
    return {name: [str(v) for v in value] if isinstance(value, list) else str(value)
            for name, value in answers.items()}


def _submit(emu: Emulator, body: dict[str, Any]) -> Any:
    answers = _answers(body)
    assignment_id = _held(emu, body)
    answer = emu.workers.submit(assignment_id, answers)
    return {**_assignment(emu, assignment_id), "Answer": answer}


def _return(emu: Emulator, body: dict[str, Any]) -> Any:
    assignment_id = _held(emu, body)
    emu.workers.return_assignment(assignment_id)
    return {"AssignmentId": assignment_id}


def _abandon(emu: Emulator, body: dict[str, Any]) -> Any:
    assignment_id = _held(emu, body)
    emu.workers.abandon(assignment_id)
    return {"AssignmentId": assignment_id}


def _ask(emu: Emulator, body: dict[str, Any]) -> Any:
    return emu.workers.ask_qualification(_get(body, "WorkerId", str),
                                         _get(body, "QualificationTypeId", str), _answers(body))


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


def _messages(emu: Emulator, body: dict[str, Any]) -> Any:
    return {"Messages": emu.workers.messages()}


def _events(emu: Emulator, body: dict[str, Any]) -> Any:
    return {"Events": emu.workers.events()}


def _faults(emu: Emulator, body: dict[str, Any]) -> Any:
    settings = emu.faults.config.to_json()
    return {key: settings[name] for key, name in FAULT_KEYS.items()}


def _set_faults(emu: Emulator, body: dict[str, Any]) -> Any:
    unknown = sorted(set(body) - set(FAULT_KEYS))
    if unknown:
        raise SimulationError(f"unknown fault settings: {unknown}; the settings are "
                              f"{', '.join(FAULT_KEYS)}")
    try:
        emu.set_faults(emu.faults.config.updated({FAULT_KEYS[k]: v for k, v in body.items()}))
    except ValueError as error:
        text = str(error)
        for key, name in FAULT_KEYS.items():  # in the names this route takes
            text = text.replace(name, key)
        raise SimulationError(text) from None
    return _faults(emu, body)


def _reset_faults(emu: Emulator, body: dict[str, Any]) -> Any:
    emu.set_faults(FaultConfig())
    return _faults(emu, body)


def _state(emu: Emulator, body: dict[str, Any]) -> Any:
    return emu.to_json()  # the state file's own format (lower-case keys), for debugging


GET_ROUTES: dict[str, Route] = {
    "/_emulator/workers": _workers,
    "/_emulator/clock": _clock,
    "/_emulator/ledger": _ledger,
    "/_emulator/messages": _messages,
    "/_emulator/events": _events,
    "/_emulator/faults": _faults,
    "/_emulator/state": _state,
}
POST_ROUTES: dict[str, Route] = {
    "/_emulator/workers": _register,
    "/_emulator/accept": _accept,
    "/_emulator/submit": _submit,
    "/_emulator/return": _return,
    "/_emulator/abandon": _abandon,
    "/_emulator/qualification-requests": _ask,
    "/_emulator/clock/advance": _advance,
    "/_emulator/faults": _set_faults,
    "/_emulator/faults/reset": _reset_faults,
}


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
    page = pages.page_for(path)
    if page is not None and method == "GET":
        return page(emu, path, {k: v[0] for k, v in parse_qs(query).items()})
    routes = GET_ROUTES if method == "GET" else POST_ROUTES
    allowed = [m for m, table in (("GET", GET_ROUTES), ("POST", POST_ROUTES)) if path in table]
    allowed += ["GET"] if page is not None else []
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
