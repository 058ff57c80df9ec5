"""The Prolific emulator as an HTTP service: `/api/v1/...` is Prolific's researcher API
(api.py), `/_emulator/...` the side channel (side.py); anything else is a 404 in the error
envelope of reference §1.4, which every error reply carries."""

from __future__ import annotations

import json

from deployer.emulators.core.server import Reply, Request
from deployer.emulators.prolific import api, side
from deployer.emulators.prolific.errors import envelope
from deployer.emulators.prolific.models import Emulator


class ProlificService:
    name = "prolific-emulator"
    methods = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle(self, request: Request) -> Reply:
        if request.path.startswith(side.ROOT):
            return side.dispatch(self.emulator, request)
        return api.handle(self.emulator, request)

    def refuse(self, request: Request, status: int, text: str) -> Reply:
        """Problems the HTTP server found (a bad Content-Length, shutting down, a bug)."""
        return Reply(status, json.dumps(envelope(status, text)).encode("utf-8"), api.JSON)
