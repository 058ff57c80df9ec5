"""The MTurk emulator as an HTTP service: `POST /` speaks the JSON 1.1 wire (responses.py),
`/_emulator/...` is the side channel (routes.py). Every reply carries `x-amzn-RequestId`.
Each request is one transaction on the emulator's state: committed before the reply is sent,
undone if the request fails.

The Authorization header is not checked beyond being well-formed: any SigV4 signature and any
Host are accepted, as the reference recommends for a local stand-in.
"""

from __future__ import annotations

import json
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

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle(self, request: Request) -> Reply:
        if request.path.startswith(SIDE_CHANNEL):
            reply = routes.dispatch(self.emulator, request.method, request.path, request.query,
                                    request.body)
        elif request.method != "POST":
            reply = _reply(404, {"error": f"no route {request.path}"}, SIDE_TYPE)
        else:
            status, answer = handle(
                self.emulator, request.headers.get("x-amz-target"), request.body,
                request.request_id, request.headers.get("authorization"))
            reply = _reply(status, answer, JSON_TYPE)
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

    def _fault(self, side: bool, text: str) -> Reply:
        if side:
            return _reply(500, {"error": text}, SIDE_TYPE)
        return _reply(500, ServiceFault().body(self.emulator.clock.ms()), JSON_TYPE)


def _reply(status: int, body: Any, content_type: str) -> Reply:
    return Reply(status, json.dumps(body).encode("utf-8"), content_type)


def _tagged(reply: Reply, request: Request) -> Reply:
    return Reply(reply.status, reply.payload, reply.content_type,
                 (("x-amzn-RequestId", request.request_id), *reply.headers))
