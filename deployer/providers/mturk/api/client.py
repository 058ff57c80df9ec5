"""The MTurk adapter: typed MTurk calls (session.py builds the boto3 client they go through).

It turns boto3 responses into ObservedHit values and ClientErrors into MTurkError, and makes
every write safe to repeat. Every call goes through MTurk._call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import botocore.exceptions

from deployer.core.errors import DeployError, PlatformError
from deployer.providers.mturk.api.endpoint import CONNECT_ATTEMPTS, Endpoint
from deployer.providers.mturk.api.wire import (
    hit_type_params,
    notification_params,
    observed_hit,
    qualification_params,
)
from deployer.providers.mturk.observed import Observed, ObservedHit
from deployer.providers.mturk.plan.payloads import HitType, NewHit, QualificationType
from deployer.providers.mturk.study import Notification

PAGE = 100
MIN_LIFETIME = 30  # MTurk's smallest LifetimeInSeconds
EXPIRE_ATTEMPTS = 3
CLOCK_SKEW = timedelta(minutes=1)  # between this machine and MTurk
SAME_SECOND = timedelta(seconds=1)  # MTurk keeps expiries in whole seconds
HIT_ID = re.compile(r"\b[0-9A-Z]{30}\b")
HIT_ALREADY_EXISTS = "AWS.MechanicalTurk.HitAlreadyExists"
HIT_DOES_NOT_EXIST = "AWS.MechanicalTurk.HITDoesNotExist"
INVALID_ASSIGNMENT_STATE = "AWS.MechanicalTurk.InvalidAssignmentState"
QUALIFICATION_TYPE_DOES_NOT_EXIST = "AWS.MechanicalTurk.QualificationTypeDoesNotExist"
QUALIFICATION_DOES_NOT_EXIST = "AWS.MechanicalTurk.QualificationDoesNotExist"
TYPE_ALREADY_EXISTS = "AWS.MechanicalTurk.QualificationTypeAlreadyExists"
REPEATED = {HIT_ALREADY_EXISTS, "AWS.MechanicalTurk.DuplicateRequest"}
ALREADY_PROCESSED = re.compile(r"already (been )?processed")
SERVER_TIME = re.compile(r"\s*\(\d+( s)?\)\s*$")
Keep = Callable[[dict[str, Any]], bool]  # which unrecorded HITs of a ListHITs page to observe


class MTurkError(PlatformError):
    """MTurk refused a request; `turk_code` is its TurkErrorCode, when it gave one."""

    def __init__(self, message: str, code: str = "", turk_code: str = "") -> None:
        super().__init__(message, code)
        self.turk_code = turk_code


class MTurk:
    """Typed, idempotent MTurk calls for one environment."""

    def __init__(self, client: Any, endpoint: Endpoint) -> None:
        self._client = client
        self.endpoint = endpoint
        self.calls = 0  # requests made (retries aside): status reports what it cost

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        self.calls += 1
        try:
            response: dict[str, Any] = getattr(self._client, operation)(**params)
        except botocore.exceptions.ClientError as error:
            raise _translate(operation, error) from None
        except botocore.exceptions.NoCredentialsError:
            raise DeployError(
                f"no AWS credentials found for {self.endpoint.environment.upper()}: set "
                "AWS_PROFILE (or pass --profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
            ) from None
        except botocore.exceptions.ConnectionError:  # refused, timed out, TLS failed
            raise DeployError(
                f"cannot reach MTurk at {self.endpoint.endpoint_url} (tried "
                f"{CONNECT_ATTEMPTS} times); check the network or --endpoint-url"
            ) from None
        except botocore.exceptions.BotoCoreError as error:  # timeouts, broken connections
            raise DeployError(
                f"MTurk call {operation} failed at {self.endpoint.endpoint_url}: {error}; "
                "run the command again (every write is safe to repeat)"
            ) from None
        return response

    # --- observation ---------------------------------------------------------------------

    def list_hits(self) -> Iterator[dict[str, Any]]:
        """Every HIT of the account, 100 per page, until MTurk returns an empty page."""
        params: dict[str, Any] = {"MaxResults": PAGE}
        while True:
            page = self._call("list_hits", **params)
            yield from page.get("HITs", [])
            token = page.get("NextToken")
            if not page.get("HITs") or not token:
                return
            params["NextToken"] = token

    def get_hit(self, hit_id: str) -> ObservedHit | None:
        """The HIT, or None when MTurk no longer knows it (deleted or disposed)."""
        try:
            return observed_hit(self._call("get_hit", HITId=hit_id)["HIT"])
        except MTurkError as error:
            if error.turk_code == HIT_DOES_NOT_EXIST:
                return None
            raise

    def observe(self, recorded: Iterable[str], keep: Keep) -> Observed:
        """Recorded HITs and the HITs `keep(raw HIT)` asks for, in ~N/100 calls."""
        return Observed(hits=self.hits(recorded, keep), balance=self.balance())

    def hits(self, recorded: Iterable[str], keep: Keep = lambda _raw: False
             ) -> dict[str, ObservedHit]:
        """The recorded HITs MTurk still knows (and those `keep(raw HIT)` asks for)."""
        wanted = set(recorded)
        hits: dict[str, ObservedHit] = {}
        for raw in self.list_hits():
            if raw["HITId"] in wanted or keep(raw):
                hits[raw["HITId"]] = observed_hit(raw)
        # Newly created HITs can take seconds to show up in ListHITs: ask for them directly.
        for hit_id in sorted(wanted - hits.keys()):
            hit = self.get_hit(hit_id)
            if hit is not None:
                hits[hit_id] = hit
        return hits

    def assignments(self, hit_id: str, expected: int) -> list[dict[str, Any]]:
        """The HIT's submitted assignments, 100 per page; stops once `expected` are in hand
        (MTurk answers a last, empty page otherwise, one call more per HIT)."""
        params: dict[str, Any] = {"HITId": hit_id, "MaxResults": PAGE}
        found: list[dict[str, Any]] = []
        while True:
            page = self._call("list_assignments_for_hit", **params)
            found.extend(page.get("Assignments", []))
            token = page.get("NextToken")
            if not page.get("Assignments") or not token or len(found) >= expected:
                return found
            params["NextToken"] = token

    def bonus_payments(self, hit_id: str) -> dict[str, tuple[Decimal, ...]]:
        """Assignment ID -> the bonus payments made for it so far, for one HIT."""
        params: dict[str, Any] = {"HITId": hit_id, "MaxResults": PAGE}
        paid: dict[str, tuple[Decimal, ...]] = {}
        while True:
            page = self._call("list_bonus_payments", **params)
            for bonus in page.get("BonusPayments", []):
                assignment = bonus["AssignmentId"]
                paid[assignment] = (*paid.get(assignment, ()), Decimal(bonus["BonusAmount"]))
            token = page.get("NextToken")
            if not page.get("BonusPayments") or not token:
                return paid
            params["NextToken"] = token

    def assignment(self, assignment_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("get_assignment", AssignmentId=assignment_id)
        return dict(found["Assignment"])

    def approve(self, assignment_id: str, feedback: str, override: bool) -> None:
        params: dict[str, Any] = {"AssignmentId": assignment_id, "OverrideRejection": override}
        if feedback:
            params["RequesterFeedback"] = feedback
        self._call("approve_assignment", **params)

    def reject(self, assignment_id: str, feedback: str) -> None:
        self._call("reject_assignment", AssignmentId=assignment_id, RequesterFeedback=feedback)

    def send_bonus(self, worker_id: str, amount: Decimal, assignment_id: str, reason: str,
                   token: str) -> None:
        """Pay once: a repeated token (our own earlier attempt went through) is success."""
        try:
            self._call("send_bonus", WorkerId=worker_id, BonusAmount=f"{amount:.2f}",
                       AssignmentId=assignment_id, Reason=reason, UniqueRequestToken=token)
        except MTurkError as error:
            if not _already_done(error):
                raise

    # --- qualification types, grants and blocks ---------------------------------------------

    def qualification_type(self, type_id: str) -> dict[str, Any] | None:
        try:
            found = self._call("get_qualification_type", QualificationTypeId=type_id)
        except MTurkError as error:
            if error.turk_code == QUALIFICATION_TYPE_DOES_NOT_EXIST or "does not exist" in str(
                    error):
                return None
            raise
        return dict(found["QualificationType"])

    def qualification_type_titled(self, title: str) -> dict[str, Any] | None:
        """Our own type with exactly this Name (MTurk's Query is a fuzzy search)."""
        params: dict[str, Any] = {"Query": title, "MustBeRequestable": False,
                                  "MustBeOwnedByCaller": True, "MaxResults": PAGE}
        while True:
            page = self._call("list_qualification_types", **params)
            for found in page.get("QualificationTypes", []):
                if found["Name"] == title and found.get("QualificationTypeStatus") != "Disposing":
                    return dict(found)
            token = page.get("NextToken")
            if not page.get("QualificationTypes") or not token:
                return None
            params["NextToken"] = token

    def create_qualification_type(self, spec: QualificationType) -> str:
        """The new type's ID; a type of that title already made (by a crashed apply) is ours."""
        try:
            created = self._call("create_qualification_type", **qualification_params(spec),
                                 Name=spec.title, Keywords=spec.keywords,
                                 QualificationTypeStatus="Active")
        except MTurkError as error:
            found = self.qualification_type_titled(spec.title)
            if error.turk_code != TYPE_ALREADY_EXISTS or found is None:
                raise
            return str(found["QualificationTypeId"])
        return str(created["QualificationType"]["QualificationTypeId"])

    def update_qualification_type(self, type_id: str, spec: QualificationType) -> None:
        self._call("update_qualification_type", QualificationTypeId=type_id,
                   QualificationTypeStatus="Active", **qualification_params(spec))

    def delete_qualification_type(self, type_id: str) -> None:
        try:
            self._call("delete_qualification_type", QualificationTypeId=type_id)
        except MTurkError as error:
            if error.turk_code != QUALIFICATION_TYPE_DOES_NOT_EXIST:
                raise

    def workers_with(self, type_id: str) -> dict[str, int]:
        """Worker -> value of every worker the type is granted to."""
        params: dict[str, Any] = {"QualificationTypeId": type_id, "Status": "Granted",
                                  "MaxResults": PAGE}
        found: dict[str, int] = {}
        while True:
            page = self._call("list_workers_with_qualification_type", **params)
            for qual in page.get("Qualifications", []):
                found[qual["WorkerId"]] = int(qual.get("IntegerValue", 1))
            token = page.get("NextToken")
            if not page.get("Qualifications") or not token:
                return found
            params["NextToken"] = token

    def grant(self, type_id: str, worker: str, value: int) -> None:
        self._call("associate_qualification_with_worker", QualificationTypeId=type_id,
                   WorkerId=worker, IntegerValue=value, SendNotification=False)

    def revoke(self, type_id: str, worker: str, reason: str) -> None:
        try:
            self._call("disassociate_qualification_from_worker", QualificationTypeId=type_id,
                       WorkerId=worker, Reason=reason)
        except MTurkError as error:
            if error.turk_code != QUALIFICATION_DOES_NOT_EXIST:
                raise  # revoked already (our own first attempt): done

    def blocks(self) -> dict[str, str]:
        params: dict[str, Any] = {"MaxResults": PAGE}
        found: dict[str, str] = {}
        while True:
            page = self._call("list_worker_blocks", **params)
            found.update({b["WorkerId"]: b.get("Reason", "") for b in page.get("WorkerBlocks",
                                                                              [])})
            token = page.get("NextToken")
            if not page.get("WorkerBlocks") or not token:
                return found
            params["NextToken"] = token

    def block(self, worker: str, reason: str) -> None:
        self._call("create_worker_block", WorkerId=worker, Reason=reason)

    def unblock(self, worker: str, reason: str) -> None:
        self._call("delete_worker_block", WorkerId=worker, Reason=reason)

    def notify(self, subject: str, text: str, workers: list[str]) -> dict[str, str]:
        """Worker -> why MTurk could not notify them; the others were sent the message."""
        answer = self._call("notify_workers", Subject=subject, MessageText=text,
                            WorkerIds=workers)
        return {f["WorkerId"]: f"{f.get('NotifyWorkersFailureCode', '')}: "
                f"{f.get('NotifyWorkersFailureMessage', '')}"
                for f in answer.get("NotifyWorkersFailureStatuses", [])}

    def balance(self) -> Decimal:
        return Decimal(self._call("get_account_balance")["AvailableBalance"])

    def set_notification(self, hit_type_id: str, spec: Notification | None) -> None:
        """A new specification replaces the type's old one; None switches it off."""
        if spec is None:
            self._call("update_notification_settings", HITTypeId=hit_type_id, Active=False)
        else:
            self._call("update_notification_settings", HITTypeId=hit_type_id,
                       Notification=notification_params(spec), Active=True)

    def send_test_event(self, spec: Notification) -> None:
        self._call("send_test_event_notification", Notification=notification_params(spec),
                   TestEventType="Ping")

    # --- writes (each safe to repeat) ------------------------------------------------------

    def create_hit(self, hit: NewHit, now: datetime) -> ObservedHit:
        lifetime = hit.lifetime or round((hit.expires_at - now).total_seconds())
        if lifetime < MIN_LIFETIME:
            raise DeployError(
                f"{hit.address} would close at {hit.expires_at:%Y-%m-%d %H:%M} UTC, less than "
                f"{MIN_LIFETIME} s from now; move `closes_at` later and plan again"
            )
        params = {
            **hit_type_params(hit.hit_type),
            "MaxAssignments": hit.max_assignments,
            "LifetimeInSeconds": lifetime,
            "Question": hit.question,
            "RequesterAnnotation": hit.annotation,
            "UniqueRequestToken": hit.token,
        }
        try:
            created = self._call("create_hit", **params)["HIT"]
        except MTurkError as error:
            if error.turk_code != HIT_ALREADY_EXISTS:
                raise
            # The token was used before (a crash or a lost response): that HIT is ours.
            found = HIT_ID.search(str(error))
            existing = self.get_hit(found.group(0)) if found else None
            if existing is None:
                raise
            return existing
        return observed_hit(created)

    def add_assignments(self, hit_id: str, count: int, token: str) -> None:
        try:
            self._call(
                "create_additional_assignments_for_hit",
                HITId=hit_id,
                NumberOfAdditionalAssignments=count,
                UniqueRequestToken=token,
            )
        except MTurkError as error:
            if not _already_done(error):
                raise

    def _update_expiration(self, hit_id: str, expire_at: datetime) -> bool:
        """Send UpdateExpirationForHIT; False when MTurk answers "already processed".

        MTurk derives that answer from (HITId, ExpireAt) alone, for 24 hours: it means "this
        exact expiry was asked for before", not "the HIT has this expiry now". The HIT may
        have been expired (or extended) since, so the callers check what MTurk holds.
        """
        try:
            self._call("update_expiration_for_hit", HITId=hit_id, ExpireAt=expire_at)
        except MTurkError as error:
            if not _already_done(error):
                raise
            return False
        return True

    def set_expiry(self, hit_id: str, expires_at: datetime) -> datetime:
        """Move the HIT's expiry to `expires_at` (future); return the expiry MTurk now holds.

        After an "already processed" answer the HIT is read back: if our own earlier attempt
        went through, that is success; if not (the same expiry was sent before a close, and
        this is the reopen), the next second is sent instead, which MTurk has never seen.
        """
        for later in range(EXPIRE_ATTEMPTS):
            wanted = expires_at + timedelta(seconds=later)
            if self._update_expiration(hit_id, wanted):
                return wanted
            seen = self.get_hit(hit_id)
            if seen is None:
                raise DeployError(f"HIT {hit_id} no longer exists on MTurk; run `deploy plan` "
                                  "again")
            if abs(seen.expires_at - wanted) < SAME_SECOND:
                return seen.expires_at
        raise DeployError(f"MTurk did not move the expiry of HIT {hit_id} to "
                          f"{expires_at:%Y-%m-%d %H:%M:%S} UTC; run `deploy apply` again")

    def expire(self, hit_id: str, now: datetime) -> ObservedHit | None:
        """Expire now, and return the HIT as MTurk then reports it (None if it is gone).

        In-flight assignments may still be submitted until their deadline. An "already
        processed" answer is success only when MTurk now holds an expiry in the past (our own
        first attempt went through), not after a reopen within the same second; so check, and
        try another past second.
        """
        for back in range(1, EXPIRE_ATTEMPTS + 1):
            self._update_expiration(hit_id, now - timedelta(seconds=back))
            seen = self.get_hit(hit_id)
            if seen is None or seen.expires_at <= now + CLOCK_SKEW:
                return seen
        raise DeployError(f"MTurk did not expire HIT {hit_id}; run `deploy apply` again")

    def update_type(self, hit_id: str, hit_type: HitType) -> ObservedHit:
        """Move the HIT to (a HIT type with) these properties; the HIT as MTurk then reports it."""
        type_id = str(self._call("create_hit_type", **hit_type_params(hit_type))["HITTypeId"])
        self._call("update_hit_type_of_hit", HITId=hit_id, HITTypeId=type_id)
        seen = self.get_hit(hit_id)
        if seen is None:
            raise DeployError(f"HIT {hit_id} vanished from MTurk right after its type changed; "
                              "run `deploy plan` again")
        return seen


def _already_done(error: MTurkError) -> bool:
    """MTurk's answers to a repeated request whose first attempt succeeded.

    A token repeat names itself by code; the expiration quirk only by its message
    ("The idempotency token ... has already been processed").
    """
    return error.turk_code in REPEATED or ALREADY_PROCESSED.search(str(error)) is not None


def _translate(operation: str, error: botocore.exceptions.ClientError) -> MTurkError:
    response: dict[str, Any] = dict(error.response)
    code = str(response.get("Error", {}).get("Code", ""))
    turk_code = str(response.get("TurkErrorCode", ""))
    message = str(response.get("Error", {}).get("Message", "")) or str(error)
    message = SERVER_TIME.sub("", message)  # MTurk's clock: "... (1624047673969 s)"
    return MTurkError(f"MTurk refused {operation}: {message}", code=code, turk_code=turk_code)
