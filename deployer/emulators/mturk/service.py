"""The MTurk emulator as an HTTP service: `POST /` speaks the JSON 1.1 wire (responses.py),
`/_emulator/...` is the side channel (routes.py). Every reply carries `x-amzn-RequestId`.

The Authorization header is not checked beyond being well-formed: any SigV4 signature and any
Host are accepted, as the reference recommends for a local stand-in.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from typing import Any

from deployer.emulators.core.server import Reply, Request
from deployer.emulators.mturk import routes
from deployer.emulators.mturk.exceptions import ServiceFault
from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.responses import handle

JSON_TYPE = "application/x-amz-json-1.1"
SIDE_TYPE = "application/json"
SIDE_CHANNEL = "/_emulator/"


class MTurkService:
    name = "mturk-emulator"
    methods = frozenset({"GET", "POST"})

    def __init__(self, emulator: Emulator, save: Callable[[], None] | None = None) -> None:
        self.emulator = emulator
        self.save = save  # called after a request that changed the state, before replying

    def handle(self, request: Request) -> Reply:
        side = request.path.startswith(SIDE_CHANNEL)
        if side:
            routed = routes.dispatch(self.emulator, request.method, request.path, request.query,
                                     request.body)
            allow = (("Allow", routed.allow),) if routed.allow else ()
            reply = Reply(routed.status, routed.payload, routed.content_type, allow)
            changed = routed.changed
        elif request.method != "POST":
            reply = _reply(404, {"error": f"no route {request.path}"}, SIDE_TYPE)
            changed = False
        else:
            reply, changed = self._wire(request)
        if changed:
            reply = self._saved(reply, side)
        return _tagged(reply, request)

    def refuse(self, request: Request, status: int, text: str) -> Reply:
        side = request.path.startswith(SIDE_CHANNEL)
        body: dict[str, Any]
        if status == 503:
            body = {"__type": "ServiceUnavailableException", "message": text}
        elif status >= 500:
            return _tagged(self._fault(side, text), request)
        else:
            body = {"error": text} if side else {"__type": "SerializationException",
                                                  "message": text}
        return _tagged(_reply(status, body, JSON_TYPE), request)

    def _wire(self, request: Request) -> tuple[Reply, bool]:
        try:
            status, answer, changed = handle(
                self.emulator, request.headers.get("x-amz-target"), request.body,
                request.request_id, request.headers.get("authorization"))
            return _reply(status, answer, JSON_TYPE), changed
        except Exception:  # last resort: answer MTurk's own 500 rather than drop the line
            traceback.print_exc(file=sys.stderr)
            return _reply(500, ServiceFault().body(self.emulator.clock.ms()), JSON_TYPE), True

    def _saved(self, reply: Reply, side: bool) -> Reply:
        """The reply once the state file holds the change, or a 500 if it cannot be written."""
        if self.save is None:
            return reply
        try:
            self.save()
            return reply
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            return self._fault(side, f"the state file cannot be written: {error}")

    def _fault(self, side: bool, text: str) -> Reply:
        if side:
            return _reply(500, {"error": text}, SIDE_TYPE)
        return _reply(500, ServiceFault().body(self.emulator.clock.ms()), JSON_TYPE)


def _reply(status: int, body: Any, content_type: str) -> Reply:
    return Reply(status, json.dumps(body).encode("utf-8"), content_type)


def _tagged(reply: Reply, request: Request) -> Reply:
    return Reply(reply.status, reply.payload, reply.content_type,
                 (("x-amzn-RequestId", request.request_id), *reply.headers))
