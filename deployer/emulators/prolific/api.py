"""Prolific's researcher API v1 under `/api/v1/` (reference §2): authentication, fault
injection, and one transaction per request around the endpoint.

Order of checks, as a Django REST service does it: the route (404, 405), the token (401), then
throttling (429) and injected faults (500); then the endpoint. A refused request leaves nothing
of its own behind; with the fault phase "after" the work is committed and the answer is 500.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import traceback
from typing import Any
from urllib.parse import parse_qs

from deployer.emulators.core.server import Reply, Request
from deployer.emulators.prolific import (
    accounts,
    bonuses,
    costs,
    filters,
    groups,
    messages,
    reviews,
    studies,
    submissions,
    time_rules,
)
from deployer.emulators.prolific.backend import Backend, Caller
from deployer.emulators.prolific.errors import (
    ApiError,
    envelope,
    not_found,
    server_fault,
    throttled,
    unauthorized,
)
from deployer.emulators.prolific.router import API_ROOT, Answer, Call, Handler, Router

JSON = "application/json"


def _catalogue(call: Call) -> Answer:
    return 200, call.page(filters.catalogue())


ROUTES: dict[str, dict[str, Handler]] = {
    "users/me": {"GET": accounts.me},
    "workspaces": {"GET": accounts.workspaces, "POST": accounts.create_workspace},
    "workspaces/{workspace_id}": {"GET": accounts.workspace,
                                  "PATCH": accounts.update_workspace},
    "workspaces/{workspace_id}/balance": {"GET": accounts.balance},
    "workspaces/{workspace_id}/projects": {"GET": accounts.projects,
                                           "POST": accounts.create_project},
    "projects/{project_id}": {"GET": accounts.project, "PATCH": accounts.update_project},
    "projects/{project_id}/studies": {"GET": studies.of_project},
    "projects/{project_id}/studies/{study_id}": {"DELETE": studies.delete_in_project},
    "studies": {"GET": studies.listing, "POST": studies.create},
    "studies/{study_id}": {"GET": studies.get, "PATCH": studies.update,
                           "DELETE": studies.delete},
    "studies/{study_id}/transition": {"POST": studies.transition},
    "studies/{study_id}/clone": {"POST": studies.clone},
    "studies/{study_id}/cost": {"GET": costs.study_cost},
    "study-cost-calculator": {"POST": costs.calculator},
    "studies/{study_id}/submissions": {"GET": submissions.of_study},
    "studies/{study_id}/submissions/counts": {"GET": submissions.counts},
    "submissions": {"GET": submissions.listing},
    "submissions/bulk-approve": {"POST": reviews.bulk_approve},
    "submissions/bonus-payments": {"POST": bonuses.create},
    "submissions/{submission_id}": {"GET": submissions.get},
    "submissions/{submission_id}/transition": {"POST": reviews.transition},
    "submissions/{submission_id}/request-return": {"POST": reviews.request_return},
    "bulk-bonus-payments/{bulk_id}/pay": {"POST": bonuses.pay},
    "participant-groups": {"GET": groups.listing, "POST": groups.create},
    "participant-groups/{group_id}": {"GET": groups.get, "PATCH": groups.update,
                                      "DELETE": groups.delete},
    "participant-groups/{group_id}/participants": {"GET": groups.members,
                                                   "POST": groups.add_members,
                                                   "DELETE": groups.remove_members},
    "filters": {"GET": _catalogue},
    "messages": {"GET": messages.listing, "POST": messages.send},
    "messages/bulk": {"POST": messages.bulk},
    "messages/participant-group": {"POST": messages.to_group},
}
ROUTER = Router(ROUTES)


def reply(status: int, body: Any, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    payload = b"" if body is None else json.dumps(body).encode("utf-8")
    return Reply(status, payload, JSON, headers)


def handle(emu: Backend, request: Request) -> Reply:
    latency = emu.faults.config.latency_ms
    if latency:
        time.sleep(latency / 1000)
    with emu.lock:
        try:
            if not (request.path + "/").startswith(API_ROOT):
                raise not_found()
            handler, args = ROUTER.match(request.method, request.path[len(API_ROOT):])
            who = _authenticated(emu, request.headers.get("authorization"))
            if emu.faults.throttled():
                raise throttled()
            if emu.faults.fault("before"):
                raise server_fault()
            host = request.headers.get("host", "127.0.0.1")
            call = Call(emu, who, args, parse_qs(request.query, keep_blank_values=True),
                        request.body, f"http://{host}{request.path.rstrip('/')}/")
            status, body = _run(emu, handler, call)
            if emu.faults.fault("after"):
                raise server_fault()  # the work is done and kept; the caller never hears
            return reply(status, body)
        except ApiError as error:
            return reply(error.status, error.body(), error.headers)
        except sqlite3.Error as error:
            traceback.print_exc(file=sys.stderr)
            return reply(500, envelope(500, f"The state file cannot be written: {error}"))


def _authenticated(emu: Backend, header: str | None) -> Caller:
    """`Authorization: Token <token>`; the token must be one of the emulator's."""
    if not header:
        raise _challenge(unauthorized("Authentication credentials were not provided."))
    words = header.split()
    if words[0].lower() != "token":
        raise _challenge(unauthorized("Authentication credentials were not provided."))
    if len(words) != 2:
        raise _challenge(unauthorized("Invalid token header. The header is "
                                      "'Authorization: Token <token>'."))
    who = emu.caller(words[1])
    if who is None:
        raise _challenge(unauthorized("Invalid token."))
    return who


def _challenge(error: ApiError) -> ApiError:
    error.headers = (("WWW-Authenticate", "Token"),)
    return error


def _run(emu: Backend, handler: Handler, call: Call) -> Answer:
    """One transaction: what time alone changed, then the endpoint in a savepoint of its own,
    so that a refused request leaves nothing behind but the time rules stay."""
    refused: ApiError | None = None
    with emu.transaction():
        time_rules.refresh(emu)
        try:
            with emu.store.transaction():
                return handler(call)
        except ApiError as error:
            refused = error
    raise refused
