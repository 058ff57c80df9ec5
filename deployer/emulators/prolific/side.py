"""The side channel under `/_emulator/`: simulated participants, the clock, top-ups, and
read-outs of money, bonus payments and messages. JSON in and out with snake_case keys, like
Prolific's API; no token needed. Errors carry the §1.4 envelope; a refused participant action
adds `reason` (see participants.SimulationError) to it. The routes are documented in
the README ("The local Prolific emulator").
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.core.server import Reply, Request
from deployer.emulators.prolific.errors import ApiError, envelope
from deployer.emulators.prolific.models import Emulator
from deployer.emulators.prolific.participants import SimulationError
from deployer.emulators.prolific.router import Router
from deployer.emulators.prolific.schema import SUBMISSIONS
from deployer.emulators.prolific.submission_views import detail

ROOT = "/_emulator/"
JSON = "application/json"
HTML = "text/html; charset=utf-8"
Args = dict[str, str]
Route = Callable[[Emulator, Args, dict[str, Any]], Any]
_MISSING = object()


def _get(body: dict[str, Any], key: str, kind: type | tuple[type, ...],
         default: Any = _MISSING) -> Any:
    """One member of the body, of the JSON type the route documents."""
    value = body.get(key, default)
    if value is _MISSING:
        raise SimulationError("invalid", f"missing field {key!r}")
    if value is default:
        return value
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise SimulationError("invalid", f"{key} has the wrong type: {value!r}")
    return value


def _submission(emu: Emulator, submission_id: str) -> dict[str, Any]:
    with emu.transaction() as db:
        found = SUBMISSIONS.get(db, submission_id)
        assert found is not None
        return detail(found)


def _create(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    participant_id = emu.participants.create(
        _get(body, "participant_id", str, None), country=_get(body, "country", str, "GB"),
        age=_get(body, "age", int, 30),
        approval_rate=_get(body, "approval_rate", (int, float), 100),
        devices=_get(body, "devices", list, ["desktop"]),
        attributes=_get(body, "attributes", dict, {}))
    return emu.participants.get(participant_id)


def _reserve(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    submission_id = emu.participants.reserve(_get(body, "participant_id", str),
                                             args["study_id"])
    return _submission(emu, submission_id)


def _start(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    emu.participants.start(args["submission_id"])
    return _submission(emu, args["submission_id"])


def _complete(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    emu.participants.complete(args["submission_id"], _get(body, "code", str, None))
    return _submission(emu, args["submission_id"])


def _return(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    emu.participants.give_back(args["submission_id"])
    return _submission(emu, args["submission_id"])


def _clock(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    return {"now": emu.clock.now().isoformat().replace("+00:00", "Z"),
            "offset_seconds": emu.clock.offset}


def _advance(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    seconds = _get(body, "seconds", (int, float))
    if not math.isfinite(seconds):
        raise SimulationError("invalid", "seconds must be a finite number")
    try:
        emu.advance(float(seconds))
    except (ValueError, OverflowError) as error:
        raise SimulationError("invalid", str(error)) from None
    return _clock(emu, args, body)


def _top_up(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    emu.top_up(args["workspace_id"], _get(body, "amount", int))
    return emu.ledger(args["workspace_id"])["workspaces"][0]


def _set_faults(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    try:
        emu.set_faults(emu.faults.config.updated(body))
    except (ValueError, TypeError) as error:
        raise SimulationError("invalid", str(error)) from None
    return emu.faults.config.to_json()


def _reset_faults(emu: Emulator, args: Args, body: dict[str, Any]) -> Any:
    emu.set_faults(FaultConfig())
    return emu.faults.config.to_json()


ROUTES: dict[str, dict[str, Route]] = {
    "participants": {"GET": lambda emu, a, b: {"results": emu.participants.listed()},
                     "POST": _create},
    "studies/{study_id}/reserve": {"POST": _reserve},
    "submissions/{submission_id}/start": {"POST": _start},
    "submissions/{submission_id}/complete": {"POST": _complete},
    "submissions/{submission_id}/return": {"POST": _return},
    "clock": {"GET": _clock},
    "clock/advance": {"POST": _advance},
    "accounts": {"GET": lambda emu, a, b: emu.accounts()},
    "workspaces/{workspace_id}/top-up": {"POST": _top_up},
    "ledger": {"GET": lambda emu, a, b: emu.ledger(b.get("workspace_id"))},
    "payments": {"GET": lambda emu, a, b: emu.payments()},
    "messages": {"GET": lambda emu, a, b: {"results": emu.messages()}},
    "faults": {"GET": lambda emu, a, b: emu.faults.config.to_json(), "POST": _set_faults},
    "faults/reset": {"POST": _reset_faults},
    "studies/{study_id}/preview": {"GET": lambda emu, a, b: emu.preview(
        a["study_id"], b.get("participant_id"))},
}
ROUTER = Router(ROUTES)


def dispatch(emu: Emulator, request: Request) -> Reply:
    """Answers one side-channel request; a bug answers 500 rather than dropping the
    connection."""
    try:
        route, args = ROUTER.match(request.method, request.path[len(ROOT):])
        body = _body(request)
        answer = route(emu, args, body)
        if isinstance(answer, str):
            return Reply(200, answer.encode("utf-8"), HTML)
        return _json(200, answer)
    except SimulationError as error:
        refused = envelope(404 if error.reason == "unknown" else 400, str(error))
        refused["error"]["reason"] = error.reason
        return _json(refused["error"]["status"], refused)
    except ApiError as error:
        return _json(error.status, error.body(), error.headers)
    except sqlite3.Error as error:
        traceback.print_exc(file=sys.stderr)
        return _json(500, envelope(500, f"The state file cannot be written: {error}"))


def _body(request: Request) -> dict[str, Any]:
    """GET routes take their arguments from the query, POST routes from a JSON object."""
    if request.method == "GET":
        return {k: v[-1] for k, v in parse_qs(request.query).items()}
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        raise SimulationError("invalid", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise SimulationError("invalid", "the body must be a JSON object")
    return body


def _json(status: int, body: Any, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json.dumps(body).encode("utf-8"), JSON, headers)
