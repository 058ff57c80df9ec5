"""The JSON 1.1 wire: X-Amz-Target -> operation handler(dict) -> dict (reference §1, §10.1).

`handle` is what the HTTP server calls for `POST /`; it applies fault injection around the
operation and turns emulator errors into the bodies and statuses the real service sends.
"""

from __future__ import annotations

import json
import re
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from deployer.emulators.mturk import (
    hit_ops,
    hit_updates,
    notify_ops,
    qual_ops,
    qual_requests,
    qual_types,
    review_ops,
    time_rules,
    work_ops,
)
from deployer.emulators.mturk.exceptions import (
    AuthenticationError,
    SerializationError,
    ServiceFault,
    ThrottlingException,
    UnknownOperation,
    WireError,
    invalid,
)
from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.validation import Params

TARGET_PREFIX = "MTurkRequesterServiceV20170117."
SIGV4 = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=[^/,]+/\d{8}/[^/\s]+/[^/\s]+/aws4_request,\s*"
    r"SignedHeaders=[a-z0-9;\-]+,\s*Signature=[0-9a-f]+$"
)
Handler = Callable[[Emulator, Params], dict[str, Any]]

# Every operation of the MTurk model (botocore's service-2.json for 2017-01-17); a test checks
# that this is exactly the model's list, and that each has a test.
OPERATIONS: dict[str, Handler] = {
    "CreateHIT": hit_ops.create_hit,
    "CreateHITType": hit_ops.create_hit_type,
    "CreateHITWithHITType": hit_ops.create_hit_with_hit_type,
    "GetHIT": hit_ops.get_hit,
    "ListHITs": hit_ops.list_hits,
    "ListHITsForQualificationType": hit_ops.list_hits_for_qualification_type,
    "UpdateExpirationForHIT": hit_updates.update_expiration,
    "CreateAdditionalAssignmentsForHIT": hit_updates.create_additional_assignments,
    "UpdateHITTypeOfHIT": hit_updates.update_hit_type_of_hit,
    "UpdateHITReviewStatus": hit_updates.update_hit_review_status,
    "DeleteHIT": hit_updates.delete_hit,
    "ListReviewableHITs": hit_updates.list_reviewable_hits,
    "ListAssignmentsForHIT": work_ops.list_assignments,
    "GetAssignment": work_ops.get_assignment,
    "ApproveAssignment": work_ops.approve_assignment,
    "RejectAssignment": work_ops.reject_assignment,
    "SendBonus": work_ops.send_bonus,
    "ListBonusPayments": work_ops.list_bonus_payments,
    "GetAccountBalance": work_ops.get_account_balance,
    "ListReviewPolicyResultsForHIT": review_ops.list_review_policy_results,
    "GetFileUploadURL": review_ops.get_file_upload_url,
    "CreateQualificationType": qual_types.create_qualification_type,
    "GetQualificationType": qual_types.get_qualification_type,
    "ListQualificationTypes": qual_types.list_qualification_types,
    "UpdateQualificationType": qual_types.update_qualification_type,
    "DeleteQualificationType": qual_types.delete_qualification_type,
    "ListQualificationRequests": qual_requests.list_qualification_requests,
    "AcceptQualificationRequest": qual_requests.accept_qualification_request,
    "RejectQualificationRequest": qual_requests.reject_qualification_request,
    "AssociateQualificationWithWorker": qual_ops.associate,
    "DisassociateQualificationFromWorker": qual_ops.disassociate,
    "ListWorkersWithQualificationType": qual_ops.list_workers_with_qualification_type,
    "GetQualificationScore": qual_ops.get_qualification_score,
    "CreateWorkerBlock": qual_ops.create_worker_block,
    "DeleteWorkerBlock": qual_ops.delete_worker_block,
    "ListWorkerBlocks": qual_ops.list_worker_blocks,
    "NotifyWorkers": notify_ops.notify_workers,
    "UpdateNotificationSettings": notify_ops.update_notification_settings,
    "SendTestEventNotification": notify_ops.send_test_event_notification,
}


def operation_name(target: str | None) -> str:
    if not target or not target.startswith(TARGET_PREFIX):
        raise UnknownOperation(f"Unknown target {target!r}.")
    name = target[len(TARGET_PREFIX):]
    if name not in OPERATIONS:
        raise UnknownOperation(f"Operation {name} is not supported.")
    return name


def check_signature(authorization: str | None) -> None:
    """Any well-formed SigV4 header passes, whatever the key, region or Host it names."""
    if not authorization:
        raise AuthenticationError("MissingAuthenticationTokenException",
                                  "Missing Authentication Token")
    if not SIGV4.fullmatch(authorization):
        raise AuthenticationError("IncompleteSignatureException",
                                  "The Authorization header is not a well-formed SigV4 header.")


def _params(body: bytes) -> Params:
    try:
        raw = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SerializationError("The request body is not valid JSON.") from None
    if not isinstance(raw, dict):
        raise SerializationError("The request body must be a JSON object.")
    for name, value in raw.items():
        if not _encodable(name) or not _encodable(value):
            raise invalid(str(name).encode("utf-8", "replace").decode("utf-8"), "<not UTF-8>",
                          "The value contains a lone surrogate, which is not Unicode text.")
    return Params(raw)


def _encodable(value: Any) -> bool:
    """False when a string anywhere inside `value` cannot be UTF-8 (a lone "\\ud800" escape).

    Iterative, because json.loads already accepted a nesting depth close to the recursion limit.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def handle(
    emu: Emulator, target: str | None, body: bytes, request_id: str,
    authorization: str | None,
) -> tuple[int, Any]:
    """Returns (HTTP status, JSON body); what changed is committed before it returns."""
    latency = emu.faults.config.latency_ms
    if latency:
        time.sleep(latency / 1000)
    with emu.lock:
        try:
            check_signature(authorization)
            name = operation_name(target)
            params = _params(body)
            if emu.faults.throttled():
                raise ThrottlingException()
            if emu.faults.fault("before"):
                raise ServiceFault()
            emu.request_id = request_id
            result = _run(emu, name, params)
            if emu.faults.fault("after"):
                raise ServiceFault()  # the work is done and kept, but the caller never hears
            return 200, result
        except WireError as error:
            return error.status, error.body(emu.clock.ms())
        except Exception:  # a bug must answer like MTurk's own, never drop the connection
            traceback.print_exc(file=sys.stderr)
            return 500, ServiceFault().body(emu.clock.ms())


def _run(emu: Emulator, name: str, params: Params) -> dict[str, Any]:
    """One transaction: first what time alone changed, then the operation, in a savepoint of
    its own, so that a refused operation leaves nothing behind but the time rules stay."""
    refused: WireError | None = None
    with emu.transaction():
        time_rules.refresh(emu)
        try:
            with emu.store.transaction():
                result = OPERATIONS[name](emu, params)
        except WireError as error:
            refused = error
    if refused is not None:
        raise refused
    return result
