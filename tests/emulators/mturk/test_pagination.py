"""Pagination exactly as §2.5: a token on every non-empty page, then an empty page without one."""

from __future__ import annotations

from .conftest import Env
from .helpers import request_error, validation_error


def _hits(env: Env, count: int) -> list[str]:
    return [env.hit(Title=f"HIT {n}")["HITId"] for n in range(count)]


def test_last_non_empty_page_still_has_a_token(env: Env) -> None:
    created = _hits(env, 5)
    first = env.client.list_hits(MaxResults=3)
    second = env.client.list_hits(MaxResults=3, NextToken=first["NextToken"])
    assert (first["NumResults"], second["NumResults"]) == (3, 2)
    assert "NextToken" in second
    third = env.client.list_hits(MaxResults=3, NextToken=second["NextToken"])
    assert (third["NumResults"], third["HITs"]) == (0, [])
    assert "NextToken" not in third
    seen = [h["HITId"] for h in first["HITs"] + second["HITs"]]
    assert seen == created  # CreationTime, then HITId


def test_tokens_never_repeat(env: Env) -> None:
    _hits(env, 2)
    tokens = {env.client.list_hits(MaxResults=1)["NextToken"] for _ in range(5)}
    assert len(tokens) == 5


def test_boto3_paginator(env: Env) -> None:
    created = _hits(env, 7)
    pages = list(env.client.get_paginator("list_hits").paginate(PaginationConfig={"PageSize": 3}))
    assert [p["NumResults"] for p in pages] == [3, 3, 1, 0]
    assert [h["HITId"] for p in pages for h in p["HITs"]] == created


def test_mephisto_style_loop(env: Env) -> None:
    created = set(_hits(env, 12))
    seen: set[str] = set()
    page = env.client.list_hits(MaxResults=5)
    while page["NumResults"] > 0:
        seen.update(h["HITId"] for h in page["HITs"])
        page = env.client.list_hits(MaxResults=5, NextToken=page["NextToken"])
    assert seen == created


def test_default_page_size_is_ten_and_max_results_is_checked(env: Env) -> None:
    _hits(env, 11)
    assert env.client.list_hits()["NumResults"] == 10
    validation_error(lambda: env.client.list_hits(MaxResults=101), "MaxResults")
    validation_error(lambda: env.client.list_hits(NextToken="x" * 256), "NextToken")


def test_unknown_or_foreign_token(env: Env) -> None:
    hit = env.hit()
    request_error(lambda: env.client.list_hits(NextToken="bogus"), None)
    token = env.client.list_hits(MaxResults=1)["NextToken"]
    request_error(lambda: env.client.list_assignments_for_hit(HITId=hit["HITId"],
                                                              NextToken=token), None)


def test_deleting_between_pages_skips_nothing(env: Env) -> None:
    ids = _hits(env, 4)
    first = env.client.list_hits(MaxResults=2)
    env.client.update_expiration_for_hit(HITId=ids[0], ExpireAt=0)
    env.client.delete_hit(HITId=ids[0])
    second = env.client.list_hits(MaxResults=2, NextToken=first["NextToken"])
    assert [h["HITId"] for h in second["HITs"]] == ids[2:]


def test_reviewable_hits_return_only_ids(env: Env) -> None:
    ids = [env.hit()["HITId"] for _ in range(3)]
    for hit_id in ids[:2]:
        env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=0)
    page = env.client.list_reviewable_hits(MaxResults=1)
    assert page["HITs"] == [{"HITId": ids[0]}] and "NextToken" in page
    pages = env.client.get_paginator("list_reviewable_hits").paginate()
    assert [h for p in pages for h in p["HITs"]] == [{"HITId": i} for i in ids[:2]]
    hit_type = env.client.get_hit(HITId=ids[0])["HIT"]["HITTypeId"]
    assert env.client.list_reviewable_hits(HITTypeId=hit_type)["NumResults"] == 2
    validation_error(lambda: env.client.list_reviewable_hits(Status="Assignable"), "Status")


def test_list_hits_for_qualification_type(env: Env) -> None:
    qual = env.client.create_qualification_type(
        Name="q", Description="d", QualificationTypeStatus="Active",
    )["QualificationType"]["QualificationTypeId"]
    guarded = env.hit(QualificationRequirements=[
        {"QualificationTypeId": qual, "Comparator": "Exists"}])
    env.hit()
    pages = env.client.get_paginator("list_hits_for_qualification_type").paginate(
        QualificationTypeId=qual)
    assert [h["HITId"] for p in pages for h in p["HITs"]] == [guarded["HITId"]]
    request_error(lambda: env.client.list_hits_for_qualification_type(
        QualificationTypeId="3" * 30), "AWS.MechanicalTurk.QualificationTypeDoesNotExist")
